"""Helpers for the Shopee tests: a sandbox shop, a raw signed caller, a channel rig.

Servers are started once per test module (stopping one takes half a second) and reset
between tests; the channel's HTTP client runs on a FakeClock started at the real time, so
retries are instant and signed timestamps stay valid, as in the core's contract suite.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from listsync_shopee import signing
from listsync_shopee.channel import ShopeeChannel
from listsync_shopee.sandbox.app import ShopeeSandbox
from listsync_shopee.settings import ShopeeSettings

import listsync.channel.suite
from listsync.catalog.model import Dimensions, LocalizedText, Product, Variant
from listsync.channel.contract import ChannelContext, Token
from listsync.channel.tokens import MemoryTokenStore
from listsync.clock import Clock, FakeClock
from listsync.http import CallRecord
from listsync.sandbox.harness import SandboxServer

SAMPLE_PNG = Path(listsync.channel.suite.__file__).parents[1] / "data" / "sample.png"
REDIRECT = "http://127.0.0.1:9/callback"
DEFAULTS: dict[str, Any] = {
    "error_http_status": 200,
    "rate_per_second": 1000.0,
    "search_lag_seconds": 0.0,
    "daily_quota": None,
    "timestamp_tolerance": 300,
    "future_timestamps": "refuse",
    "error_code_style": "namespaced",
    "throttle_code": "error_rate_limit",
    "duplicate_item_sku": "accept",
    "order_detail_unknown": "error",
}


def fresh(server: SandboxServer) -> ShopeeSandbox:
    """Reset the module's sandbox for the next test; generous rate so tests are not throttled."""
    server.reset()
    app = server.app
    assert isinstance(app, ShopeeSandbox)
    app.configure(**DEFAULTS)
    return app


def jpeg(size: int = 64, salt: bytes = b"") -> bytes:
    return b"\xff\xd8\xff\xe0" + salt + b"\0" * size


def tea(sku: str = "LT-250", image: Path = SAMPLE_PNG, **changes: Any) -> Product:
    base: dict[str, Any] = {
        "sku": sku,
        "name": LocalizedText(vi="Trà sen Tây Hồ hộp 250g", en="West Lake lotus tea 250g"),
        "description": LocalizedText(
            vi="Trà sen Tây Hồ ướp thủ công từ hoa sen Bách Diệp, đạt OCOP 4 sao.",
            en="West Lake lotus tea, scented by hand.",
        ),
        "brand": "Sen Tây Hồ",
        "category": "tea",
        "images": (str(image),),
        "weight_g": 250,
        "price_vnd": 250_000,
        "attributes": {"Hạn sử dụng": "12 tháng"},
    }
    base.update(changes)
    return Product(**base)


def tea_with_variants(sku: str = "LT", count: int = 2, **changes: Any) -> Product:
    variants = tuple(
        Variant(sku=f"{sku}-{n}", options={"Khối lượng": f"{n * 50}g"}, price_vnd=50_000 + n * 1000)
        for n in range(1, count + 1)
    )
    return tea(sku, variants=variants, **changes)


def bowl(sku: str = "BT-BOWL", **changes: Any) -> Product:
    base: dict[str, Any] = {
        "sku": sku,
        "name": LocalizedText(vi="Bát gốm Bát Tràng men lam"),
        "description": LocalizedText(vi="Bát gốm Bát Tràng vẽ tay, men lam truyền thống."),
        "category": "ceramics",
        "images": (str(SAMPLE_PNG),),
        "weight_g": 400,
        "price_vnd": 85_000,
        "dimensions": Dimensions(length_cm=15, width_cm=15, height_cm=7),
    }
    base.update(changes)
    return Product(**base)


class Raw:
    """Signed calls straight to the sandbox, to check its rules one by one."""

    def __init__(self, server: SandboxServer):
        self.server = server
        app = server.app
        assert isinstance(app, ShopeeSandbox)
        self.app = app
        self.access_token = ""
        self.refresh_token = ""

    @property
    def shop_id(self) -> str:
        return str(self.app.shop_id)

    def params(
        self, path: str, *, shop: bool, ts: int | None = None, key: str | None = None
    ) -> dict[str, Any]:
        stamp = int(time.time()) if ts is None else ts
        token = self.access_token if shop else ""
        shop_id = self.shop_id if shop else ""
        sign = signing.sign(
            key or self.app.partner_key, self.app.partner_id, path, stamp, token, shop_id
        )
        found: dict[str, Any] = {
            "partner_id": self.app.partner_id,
            "timestamp": stamp,
            "sign": sign,
        }
        if shop:
            found.update(access_token=token, shop_id=shop_id)
        return found

    def send(
        self,
        method: str,
        path: str,
        *,
        shop: bool = True,
        query: dict[str, Any] | list[tuple[str, Any]] | None = None,
        json: Any = None,
        files: Any = None,
        common: dict[str, Any] | None = None,
        drop: tuple[str, ...] = (),
    ) -> requests.Response:
        params = common if common is not None else self.params(path, shop=shop)
        pairs = [(k, v) for k, v in params.items() if k not in drop]
        extra = list(query.items()) if isinstance(query, dict) else list(query or [])
        return requests.request(
            method,
            self.server.root_url + path,
            params=pairs + extra,
            json=json,
            files=files,
            allow_redirects=False,
            timeout=10,
        )

    def call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        reply: dict[str, Any] = self.send(method, path, **kwargs).json()
        return reply

    def authorize(self) -> Raw:
        consent = self.send("GET", signing.AUTH_PARTNER, shop=False, query={"redirect": REDIRECT})
        code = parse_qs(urlsplit(consent.headers["Location"]).query)["code"][0]
        reply = self.call(
            "POST",
            signing.TOKEN_GET,
            shop=False,
            json={"code": code, "partner_id": self.app.partner_id, "shop_id": self.app.shop_id},
        )
        self.access_token, self.refresh_token = reply["access_token"], reply["refresh_token"]
        return self

    def upload(self, *images: bytes) -> list[str]:
        files = [("image", (f"p{i}.jpg", data, "image/jpeg")) for i, data in enumerate(images)]
        reply = self.call("POST", signing.UPLOAD_IMAGE, shop=False, files=files)
        return [info["image_info"]["image_id"] for info in reply["response"]["image_info_list"]]

    def item_body(self, **changes: Any) -> dict[str, Any]:
        """A valid add_item body for the sandbox's tea category."""
        found: dict[str, Any] = {
            "item_name": "Trà sen Tây Hồ hộp 250g",
            "description": "Trà sen Tây Hồ ướp thủ công từ hoa sen Bách Diệp.",
            "original_price": 250000,
            "weight": 0.25,
            "category_id": 100010,
            "item_sku": "LT-250",
            "image": {"image_id_list": self.upload(jpeg())},
            "logistic_info": [{"logistic_id": 50011, "enabled": True}],
            "seller_stock": [{"stock": 10}],
            "brand": {"brand_id": 0, "original_brand_name": "No Brand"},
            "attribute_list": [
                {
                    "attribute_id": 100100,
                    "attribute_value_list": [{"value_id": 3, "original_value_name": "12 tháng"}],
                }
            ],
        }
        found.update(changes)
        return found

    def add_item(self, **changes: Any) -> int:
        reply = self.call("POST", "/api/v2/product/add_item", json=self.item_body(**changes))
        assert reply["error"] == "", reply
        item_id: int = reply["response"]["item_id"]
        return item_id


@dataclass
class Rig:
    server: SandboxServer
    app: ShopeeSandbox
    channel: ShopeeChannel
    tokens: MemoryTokenStore
    clock: Any  # a FakeClock, or a real clock where a test needs real time
    workspace: Path
    records: list[CallRecord] = field(default_factory=list)

    def calls(self, name: str) -> list[CallRecord]:
        return [r for r in self.records if r.call == name]

    def control(self, method: str, path: str, body: Any = None) -> Any:
        response = requests.request(method, self.server.root_url + path, json=body, timeout=10)
        assert response.ok, response.text
        return response.json()

    def orders(self, **spec: Any) -> list[str]:
        found: list[str] = self.control("POST", "/_sandbox/orders", spec)["order_ids"]
        return found

    def status(self, order_sn: str, status: str) -> None:
        self.control("POST", f"/_sandbox/orders/{order_sn}/status", {"status": status})

    def units(self) -> dict[str, dict[str, Any]]:
        listings = self.control("GET", "/_sandbox/state")["listings"]
        return {unit["sku"]: unit for unit in listings}

    def query(self, record: CallRecord) -> dict[str, str]:
        """The (redacted) query of a recorded call."""
        return {k: v[0] for k, v in parse_qs(urlsplit(record.path).query).items()}

    def token(self) -> Token:
        found = self.tokens.load("shopee", self.channel.shop_id)
        assert found is not None
        return found


@contextmanager
def rig(
    server: SandboxServer,
    workspace: Path,
    *,
    authorize: bool = True,
    clock: Clock | None = None,
    tokens: MemoryTokenStore | None = None,
    **settings: Any,
) -> Iterator[Rig]:
    app = server.app
    assert isinstance(app, ShopeeSandbox)
    values = {k: v for k, v in server.describe().items() if k != "channel"}
    values.update(settings)
    tokens = tokens if tokens is not None else MemoryTokenStore()
    fake = clock or FakeClock(datetime.now(UTC))
    records: list[CallRecord] = []
    context = ChannelContext(tokens=tokens, clock=fake, workspace=workspace, on_call=records.append)
    channel = ShopeeChannel(ShopeeSettings(enabled=True, **values), context)
    found = Rig(server, app, channel, tokens, fake, workspace, records)
    if authorize:
        consent = requests.get(
            channel.authorization_url(REDIRECT), allow_redirects=False, timeout=10
        )
        channel.authorize(consent.headers["Location"])
    try:
        yield found
    finally:
        channel.close()
