"""``listsync web`` served for real: uvicorn in a thread on a free port of 127.0.0.1, and a
client that talks to it over HTTP as a browser would (cookies, the CSRF token of the
page it came from)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from listsync.schedule.install import Host
from listsync.web.app import build_app
from listsync.web.server import Served, serve_in_thread
from listsync.workspace import Workspace

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Web:
    """A browser session on a running app."""

    url: str
    root: Path
    session: requests.Session = field(default_factory=requests.Session)

    def link(self, path: str) -> str:
        return self.url.rstrip("/") + path

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        return self.session.get(self.link(path), **kwargs)

    def token(self, page: str = "/sync") -> str:
        found = CSRF.search(self.get(page).text)
        assert found, f"no CSRF token on {page}"
        return found[1]

    def post(
        self, path: str, data: dict[str, Any] | None = None, *, page: str = "/sync", **kwargs: Any
    ) -> requests.Response:
        """A form sent from ``page`` (its CSRF token added)."""
        form = {"csrf": self.token(page), **(data or {})}
        kwargs.setdefault("timeout", 60)
        kwargs.setdefault("allow_redirects", True)
        return self.session.post(self.link(path), data=form, **kwargs)


@contextmanager
def served(
    root: Path, *, network: bool = False, host: Host | None = None
) -> Iterator[tuple[Served, Web]]:
    app = build_app(root, network=network, scheduler_host=host)
    running = serve_in_thread(app)
    try:
        yield running, Web(running.url, root)
    finally:
        running.stop()


def shop_id_line(root: Path, name: str, line: str = "") -> Path:
    """listsync.toml with ``[channels.NAME]``'s shop_id line replaced by ``line`` (none:
    taken out), as it was before the clerk connected that shop; returns the file."""
    config = root / "listsync.toml"
    text = config.read_text(encoding="utf-8")
    head, table, rest = text.partition(f"[channels.{name}]\n")
    own, blank, others = rest.partition("\n\n")
    own = re.sub(r"(?m)^shop_id = .*\n?", line + "\n" if line else "", own)
    config.write_text(head + table + own + blank + others, encoding="utf-8")
    return config


def saved_shop(root: Path, name: str) -> str:
    """The shop_id the next command (a sync) will use: the settings read again."""
    with Workspace.open(root) as ws:
        return str(getattr(ws.channel_settings(name), "shop_id", ""))
