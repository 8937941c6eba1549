"""Helpers for the Alibaba.com client's tests: settings from the sandbox's JSON line, a
channel connected through the consent page, a recorder of the client's calls, the control
API, sample B2B products, and a shop (ledger + sync engine). The adapter uses none of this."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from listsync_alibaba.channel import AlibabaChannel
from listsync_alibaba.settings import AlibabaSettings

from listsync.catalog.model import (
    B2BTerms,
    Dimensions,
    LocalizedText,
    OcopRating,
    Origin,
    PriceTier,
    Product,
    Variant,
)
from listsync.channel.tokens import MemoryTokenStore
from listsync.clock import FakeClock
from listsync.ledger.database import Ledger
from listsync.ledger.records import ListingRecord
from listsync.sandbox.harness import SandboxServer
from listsync.sync.engine import RunResult, SyncEngine, SyncOptions
from listsync.sync.push import PushOptions
from tests.adapters.client_support import REDIRECT as REDIRECT
from tests.adapters.client_support import Kit, control, units
from tests.adapters.client_support import advance as advance
from tests.adapters.client_support import configure as configure
from tests.adapters.client_support import consent as consent
from tests.adapters.client_support import state as state

SAMPLE = Path(__file__).parents[3] / "listsync" / "data" / "sample.png"
SHOP = "2508412730"  # the sandbox's seller


KIT = Kit(AlibabaSettings, AlibabaChannel)
settings_for = KIT.settings_for
channel_for = KIT.channel_for
connect = KIT.connect


class Recorder:
    """Every API call the channel's client makes, with its parameters (the client's own
    ``call`` wrapped; ``requests`` is never touched)."""

    def __init__(self, channel: AlibabaChannel) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        original = channel.client.call

        def call(name: str, api: str, params: Mapping[str, Any] | None = None, **kw: Any) -> Any:
            self.calls.append((api, dict(params or {})))
            return original(name, api, params, **kw)

        channel.client.call = call  # type: ignore[method-assign]

    def of(self, api: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == api]


def before(channel: AlibabaChannel, api: str, act: Callable[[], object], times: int = 1) -> None:
    """Run ``act`` right before the channel's next ``times`` calls to ``api`` (to inject a
    sandbox fault exactly on that call, or make a sale land just before it)."""
    original = channel.client.call
    left = [times]

    def call(name: str, called: str, params: Mapping[str, Any] | None = None, **kw: Any) -> Any:
        if called == api and left[0] > 0:
            left[0] -= 1
            act()
        return original(name, called, params, **kw)

    channel.client.call = call  # type: ignore[method-assign]


def stock(server: SandboxServer) -> dict[str, int]:
    return {sku: int(unit["stock"]) for sku, unit in units(server).items()}


def order(server: SandboxServer, sku: str, quantity: int, **extra: Any) -> str:
    body = control(server, "POST", "/_sandbox/orders", {"sku": sku, "quantity": quantity, **extra})
    (trade_id,) = body["order_ids"]
    return str(trade_id)


def tiers(*pairs: tuple[int, str]) -> tuple[PriceTier, ...]:
    return tuple(PriceTier(min_quantity=q, usd=Decimal(p)) for q, p in pairs)


LADDER = tiers((50, "14.50"), (200, "12.80"), (1000, "11.20"))


def tea(sku: str = "TSTH", sizes: int = 2, **changes: Any) -> Product:
    """Lotus tea for export: English text, B2B terms in USD, OCOP 4 stars."""
    values: dict[str, Any] = {
        "sku": sku,
        "name": LocalizedText(vi="Trà sen Tây Hồ ướp bông", en="Tay Ho lotus-scented green tea"),
        "description": LocalizedText(
            vi="Chè Thái Nguyên ướp sen Bách Diệp.",
            en="Thai Nguyen green tea scented with West Lake lotus.\n\nGift box of dó paper.",
        ),
        "brand": "HTX Tra sen Quang An",
        "category": "tea",
        "images": (str(SAMPLE),),
        "weight_g": 320,
        "dimensions": Dimensions(length_cm=20, width_cm=12, height_cm=8),
        "attributes": {"Hạn sử dụng": "12 tháng", "Thành phần": "Chè, sen"},
        "origin": Origin(commune="Phường Quảng An", province="Hà Nội"),
        "ocop": OcopRating(stars=4, certificate="1234/QĐ-UBND"),
        "price_vnd": 390_000,
        "variants": tuple(
            Variant(sku=f"{sku}-{n}00", options={"Khối lượng": f"{n}00g"}, price_vnd=n * 120_000)
            for n in range(1, sizes + 1)
        ),
        "b2b": B2BTerms(
            min_order_quantity=50,
            unit="box",
            price_tiers=LADDER,
            lead_time_days=21,
            supply_per_month=1500,
        ),
    }
    values.update(changes)
    return Product(**values)


class Shop:
    """A ledger and a sync engine wired to the Alibaba.com sandbox, as a workspace has them."""

    def __init__(self, server: SandboxServer, root: Path, **overrides: Any) -> None:
        self.server = server
        self.clock = FakeClock(datetime.now(UTC))
        self.tokens = MemoryTokenStore()
        self.root = root
        self.overrides = overrides
        connect(server, root, clock=self.clock, tokens=self.tokens, **overrides).close()
        self.ledger = Ledger.open(root / "listsync.sqlite3", clock=self.clock)
        self.engine = SyncEngine(
            self.ledger,
            lambda _name, on_call: self.channel(on_call),
            SyncOptions(push=PushOptions(review_check=timedelta(0))),
            self.clock,
        )

    def channel(self, on_call: Any = None) -> AlibabaChannel:
        channel = channel_for(
            self.server, self.root, clock=self.clock, tokens=self.tokens, **self.overrides
        )
        channel.client.http.on_call = on_call
        return channel

    def catalog(self, *products: Product, stock: int = 12) -> None:
        self.ledger.upsert_products(list(products))
        for product in products:
            for unit in product.units():
                if not self.ledger.on_hand().get(unit.sku):
                    self.ledger.set_stock(unit.sku, stock)

    def push(self, *, ok: bool = True) -> RunResult:
        result = self.engine.run(["alibaba"], pull=False)
        if ok:
            assert result.ok, result.outcomes["alibaba"].error
        return result

    def sync(self) -> RunResult:
        result = self.engine.run(["alibaba"])
        assert result.ok, result.outcomes["alibaba"].error
        return result

    def listing(self, sku: str) -> ListingRecord:
        (record,) = [r for r in self.ledger.listings("alibaba") if r.sku == sku]
        return record

    def offered(self) -> dict[str, int | None]:
        return {sku: o.stock for sku, o in self.ledger.offers("alibaba", SHOP).items()}
