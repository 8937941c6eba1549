"""What runs first: the language is chosen, click is taught it, then the commands are built.

The commands' help texts are translated when their modules are imported, so the language
must be settled before that: :func:`main` (the ``listsync`` entry point) reads the
``language`` of the workspace named by ``-w`` (else ``LISTSYNC_WORKSPACE``, else the current
folder) straight from its ``listsync.toml``, before importing :mod:`listsync.cli.main`.
``LISTSYNC_LANG`` and the locale were already read when :mod:`listsync.i18n` was imported.
"""

from __future__ import annotations

import gettext
import importlib
import os
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

from listsync.i18n import _, ngettext, pick_language, set_language

_CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.types",
    "click.utils",
    "click.termui",
    "click._termui_impl",
    "click.shell_completion",
)


def translate_click() -> None:
    """Make click's own words ("Usage:", "Options:", its error messages) follow listsync's language.

    Click marks them with the classic GNU gettext API (``from gettext import gettext as _``
    in each module): the process-wide current domain ("messages"), in the language of
    ``LANGUAGE``/``LC_*``/``LANG``. Click has no hook of its own for this (see pallets/click
    issue 2706). Switching the process-wide domain with ``gettext.textdomain`` would change
    every library that uses that API and would still ignore ``LISTSYNC_LANG`` and the
    workspace's ``language``. So the names ``_`` and ``ngettext`` that click's modules
    imported from :mod:`gettext` are pointed at :mod:`listsync.i18n`'s functions; click's
    msgids are in listsync's catalog (``scripts/i18n.py`` extracts them from click).
    Nothing else in click changes; a module that no longer imports those names is left alone.
    """
    modules = [*_CLICK_MODULES, *(["click._winconsole"] if os.name == "nt" else [])]
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ImportError:  # pragma: no cover - a click without that module
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = _  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = ngettext  # type: ignore[attr-defined]


def workspace_argument(args: Sequence[str]) -> str | None:
    """The ``-w``/``--workspace`` given to the ``listsync`` group (before the command name)."""
    tokens = iter(args)
    for token in tokens:
        if token in ("-w", "--workspace"):
            return next(tokens, None)
        if token.startswith("--workspace="):
            return token.split("=", 1)[1]
        if token.startswith("-w") and not token.startswith("--"):
            return token[2:]
        if token == "--" or not token.startswith("-"):
            return None
    return None


def configured_language(folder: str | os.PathLike[str] | None) -> str | None:
    """The ``language`` written in the workspace's listsync.toml, read without the settings.

    A missing or broken file says nothing here; loading the settings reports it properly.
    """
    chosen = folder or os.environ.get("LISTSYNC_WORKSPACE") or Path.cwd()
    try:
        data = tomllib.loads(
            (Path(chosen).expanduser() / "listsync.toml").read_bytes().decode("utf-8-sig")
        )
    except (OSError, ValueError):
        return None
    value = data.get("language")
    return value if isinstance(value, str) else None


def use_language(configured: str | None) -> None:
    """Speak the language chosen from ``LISTSYNC_LANG``, ``configured`` and the locale."""
    set_language(pick_language(configured))


def main(argv: list[str] | None = None) -> None:
    """The ``listsync`` command: the workspace's language first, then the commands."""
    args = sys.argv[1:] if argv is None else argv
    use_language(configured_language(workspace_argument(args)))
    from listsync.cli.main import main as run

    run(argv)
