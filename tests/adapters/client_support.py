"""What the client tests of the adapters whose sandbox has a consent page and the common
control API (``/_sandbox/settings``, ``/_sandbox/clock``, ``/_sandbox/state``) share: a
channel built from the sandbox's JSON line and connected as a browser would, and the
control calls. Each adapter's ``client_support`` binds a :class:`Kit` to its own types."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

import requests

from listsync.channel.contract import Channel, ChannelContext, ChannelSettings, TokenStore
from listsync.channel.tokens import MemoryTokenStore
from listsync.clock import Clock, FakeClock
from listsync.sandbox.harness import SandboxServer

REDIRECT = "http://127.0.0.1:9/callback"
TIMEOUT = 10

S = TypeVar("S", bound=ChannelSettings)
C = TypeVar("C", bound=Channel)


def consent(channel: Channel) -> str:
    """Follow the consent link as a browser would; the address it was sent back to."""
    page = requests.get(channel.authorization_url(REDIRECT), allow_redirects=False, timeout=10)
    assert page.status_code == 302, page.text
    location: str = page.headers["Location"]
    return location


class Kit(Generic[S, C]):
    """Settings, channels and connected channels of one adapter, against its sandbox."""

    def __init__(self, settings: type[S], channel: Callable[[S, ChannelContext], C]) -> None:
        self.settings = settings
        self.channel = channel

    def settings_for(self, server: SandboxServer, **overrides: Any) -> S:
        values = {k: v for k, v in server.describe().items() if k != "channel"}
        values.update(overrides)
        return self.settings(enabled=True, **values)

    def channel_for(
        self,
        server: SandboxServer,
        tmp_path: Path,
        *,
        clock: Clock | None = None,
        tokens: TokenStore | None = None,
        **overrides: Any,
    ) -> C:
        context = ChannelContext(
            tokens=tokens if tokens is not None else MemoryTokenStore(),
            clock=clock or FakeClock(datetime.now(UTC)),
            workspace=tmp_path,
        )
        return self.channel(self.settings_for(server, **overrides), context)

    def connect(
        self,
        server: SandboxServer,
        tmp_path: Path,
        *,
        clock: Clock | None = None,
        tokens: TokenStore | None = None,
        **overrides: Any,
    ) -> C:
        """A channel connected through the sandbox's consent page."""
        channel = self.channel_for(server, tmp_path, clock=clock, tokens=tokens, **overrides)
        channel.authorize(consent(channel))
        return channel


def control(server: SandboxServer, method: str, path: str, body: Any = None) -> Any:
    response = requests.request(method, server.root_url + path, json=body, timeout=TIMEOUT)
    assert response.ok, f"{method} {path}: {response.status_code} {response.text}"
    return response.json()


def configure(server: SandboxServer, **settings: Any) -> None:
    control(server, "POST", "/_sandbox/settings", settings)


def advance(server: SandboxServer, seconds: float) -> None:
    control(server, "POST", "/_sandbox/clock", {"advance_seconds": seconds})


def state(server: SandboxServer) -> dict[str, Any]:
    found: dict[str, Any] = control(server, "GET", "/_sandbox/state")
    return found


def units(server: SandboxServer) -> dict[str, dict[str, Any]]:
    return {unit["sku"]: unit for unit in state(server)["listings"]}
