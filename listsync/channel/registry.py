"""The adapters installed on this machine, found through the ``listsync.channels`` entry points.

Built-in adapters register exactly as a third party's would, so the core never imports
one by name. Loading is lazy: an adapter's module is imported only when asked for, and a
broken one yields a warning naming its package while the others still load.
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass
from functools import cache
from importlib.metadata import EntryPoint, entry_points

from listsync.channel.contract import ChannelPlugin
from listsync.errors import ConfigError
from listsync.i18n import _

GROUP = "listsync.channels"
log = logging.getLogger("listsync.channel.registry")


@dataclass(frozen=True)
class BrokenPlugin:
    name: str
    package: str
    error: str

    def __str__(self) -> str:
        return _("adapter {name} (package {package}) could not be loaded: {error}").format(
            name=self.name, package=self.package, error=self.error
        )


class Registry:
    def __init__(self, points: list[EntryPoint] | None = None):
        found = points if points is not None else list(entry_points(group=GROUP))
        self._points = {point.name: point for point in sorted(found, key=lambda p: p.name)}
        self._loaded: dict[str, ChannelPlugin] = {}
        self.broken: dict[str, BrokenPlugin] = {}

    def names(self) -> list[str]:
        return list(self._points)

    def get(self, name: str) -> ChannelPlugin:
        if name in self._loaded:
            return self._loaded[name]
        point = self._points.get(name)
        if point is None:
            known = ", ".join(self._points) or _("none")
            close = difflib.get_close_matches(name, list(self._points), n=1)
            if close:
                raise ConfigError(
                    _("no adapter named {name} is installed; did you mean {close}?").format(
                        name=name, close=close[0]
                    )
                )
            raise ConfigError(
                _("no adapter named {name} is installed (installed: {known})").format(
                    name=name, known=known
                )
            )
        try:
            plugin = point.load()
            if not isinstance(plugin, ChannelPlugin):
                raise TypeError(f"{point.value} is not a ChannelPlugin")
        except Exception as exc:  # a third-party package may fail in any way
            broken = BrokenPlugin(name, point.value.split(":")[0], f"{type(exc).__name__}: {exc}")
            self.broken[name] = broken
            log.warning("%s", broken)
            raise ConfigError(str(broken)) from None
        self._loaded[name] = plugin
        return plugin

    def load_all(self) -> list[ChannelPlugin]:
        """Every adapter that loads; the broken ones are left in ``self.broken``, warned about."""
        plugins = []
        for name in self._points:
            try:
                plugins.append(self.get(name))
            except ConfigError:
                continue
        return plugins


@cache
def default_registry() -> Registry:
    return Registry()
