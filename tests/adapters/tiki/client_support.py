"""Helpers for the Tiki client's tests: settings from the sandbox's JSON line, a channel
connected through Tiki's consent page, the control API, a sample tea. The adapter itself
uses none of this."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from listsync_tiki.channel import TikiChannel
from listsync_tiki.settings import TikiSettings

from listsync.catalog.model import LocalizedText, Product, Variant
from listsync.channel.contract import ChannelContext, TokenStore
from listsync.channel.tokens import MemoryTokenStore
from listsync.clock import Clock, FakeClock
from listsync.sandbox.harness import SandboxServer

REDIRECT = "http://127.0.0.1:9/callback"
PHOTOS = "https://photos.htx-sen.example.vn"
TIMEOUT = 10


def settings_for(server: SandboxServer, **overrides: Any) -> TikiSettings:
    values = {k: v for k, v in server.describe().items() if k != "channel"}
    values.update(overrides)
    return TikiSettings(enabled=True, **values)


def channel_for(
    server: SandboxServer,
    tmp_path: Path,
    *,
    clock: Clock | None = None,
    tokens: TokenStore | None = None,
    **overrides: Any,
) -> TikiChannel:
    context = ChannelContext(
        tokens=tokens if tokens is not None else MemoryTokenStore(),
        clock=clock or FakeClock(datetime.now(UTC)),
        workspace=tmp_path,
    )
    return TikiChannel(settings_for(server, **overrides), context)


def consent(channel: TikiChannel) -> str:
    """Follow the consent link as a browser would; the address it was sent back to."""
    page = requests.get(channel.authorization_url(REDIRECT), allow_redirects=False, timeout=10)
    assert page.status_code == 302, page.text
    location: str = page.headers["Location"]
    return location


def connect(
    server: SandboxServer,
    tmp_path: Path,
    *,
    clock: Clock | None = None,
    tokens: TokenStore | None = None,
    **overrides: Any,
) -> TikiChannel:
    """A public app's channel, connected through Tiki's consent page."""
    channel = channel_for(server, tmp_path, clock=clock, tokens=tokens, **overrides)
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


def calls(server: SandboxServer, method: str, path: str) -> list[dict[str, Any]]:
    return server.calls(method, path)


def tea(sku: str = "TSTH", sizes: int = 2, **changes: Any) -> Product:
    values: dict[str, Any] = {
        "sku": sku,
        "name": LocalizedText(vi="Trà sen Tây Hồ ướp bông"),
        "description": LocalizedText(vi="Chè Thái Nguyên ướp sen Bách Diệp.\n\nHộp giấy dó."),
        "brand": "HTX Trà sen Quảng An",
        "category": "tea",
        "images": (f"{PHOTOS}/tra-sen.png",),
        "weight_g": 320,
        "attributes": {"Hạn sử dụng": "12 tháng", "Thành phần": "Chè, sen"},
        "price_vnd": 390_000,
        "variants": tuple(
            Variant(sku=f"{sku}-{n}00", options={"Khối lượng": f"{n}00g"}, price_vnd=n * 120_000)
            for n in range(1, sizes + 1)
        ),
    }
    values.update(changes)
    return Product(**values)
