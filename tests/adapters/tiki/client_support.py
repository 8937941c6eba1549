"""Helpers for the Tiki client's tests: settings from the sandbox's JSON line, a channel
connected through Tiki's consent page, the control API, a sample tea. The adapter itself
uses none of this."""

from __future__ import annotations

from typing import Any

from listsync_tiki.channel import TikiChannel
from listsync_tiki.settings import TikiSettings

from listsync.catalog.model import LocalizedText, Product, Variant
from listsync.sandbox.harness import SandboxServer
from tests.adapters.client_support import REDIRECT as REDIRECT
from tests.adapters.client_support import Kit
from tests.adapters.client_support import advance as advance
from tests.adapters.client_support import configure as configure
from tests.adapters.client_support import consent as consent
from tests.adapters.client_support import control as control
from tests.adapters.client_support import state as state
from tests.adapters.client_support import units as units

PHOTOS = "https://photos.htx-sen.example.vn"


KIT = Kit(TikiSettings, TikiChannel)
settings_for = KIT.settings_for
channel_for = KIT.channel_for
connect = KIT.connect


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
