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
