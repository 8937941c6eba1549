"""The sync engine as a state machine (hypothesis): any interleaving of stock counts, orders
placed, cancelled and shipped, lost creates, lagging searches, refused SKUs and runs keeps
the promises of docs/reliability.md.

The channels are in-memory (tests/channel/memory_channel.py), extended to count every create a
marketplace carried out and to hide a new listing from lookups for LAG, shorter than the
engine's grace, as a lagging search index does.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from listsync.catalog.model import LocalizedText, Product, Variant
from listsync.channel.contract import (
    Draft,
    ListingState,
    Money,
    Order,
    OrderLine,
    OrderState,
    RemoteListing,
)
from listsync.clock import FakeClock
from listsync.errors import RateLimited
from listsync.ledger.database import Ledger
from listsync.ledger.records import Movement
from listsync.sync.engine import SyncEngine, SyncOptions
from tests.channel.memory_channel import MemoryChannel

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
LAG = timedelta(minutes=30)  # the engine waits an hour (unknown_grace) before re-creating
SHOP = "shop-1"
CHANNELS = ("alpha", "beta")
INITIAL = {"TSEN-1": 12, "TSEN-2": 5, "BUN": 9, "GOM": 4}
PRODUCT_OF = {"TSEN-1": "TSEN", "TSEN-2": "TSEN", "BUN": "BUN", "GOM": "GOM"}
FAST = "/dev/shm" if os.path.isdir("/dev/shm") else None  # fsync-free where there is one


def product(sku: str, units: Sequence[str]) -> Product:
    variants = tuple(Variant(sku=unit, options={"Cỡ": unit}) for unit in units if unit != sku)
    return Product(
        sku=sku,
        name=LocalizedText(vi=f"Sản phẩm {sku}"),
        category="tea",
        weight_g=300,
        price_vnd=100_000,
        variants=variants,
    )


class ModelChannel(MemoryChannel):
    """A MemoryChannel that counts the creates it carried out and can lag its SKU search."""

    def __init__(self, name: str, clock: FakeClock, **options: Any):
        super().__init__(name, **options)
        self.clock = clock
        self.creates: Counter[str] = Counter()
        self.lag_next = False
        self.quota_next = False
        self.hidden_until: dict[str, datetime] = {}

    def find_listing(self, product_sku: str, unit_skus: Sequence[str] = ()) -> RemoteListing | None:
        found = super().find_listing(product_sku, unit_skus)
        hidden = self.hidden_until.get(product_sku)
        return None if hidden is not None and self.clock.now() < hidden else found

    def create_listing(self, draft: Draft) -> RemoteListing:
        if self.quota_next:  # refused unseen: the channel stops for this run
            self.quota_next = False
            raise RateLimited("daily quota used up", channel=self.name, quota_exhausted=True)
        self.creates[draft.product_sku] += 1
        if self.lag_next:
            self.lag_next = False
            self.hidden_until[draft.product_sku] = self.clock.now() + LAG
        return super().create_listing(draft)


class SyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.mkdtemp(prefix="listsync-sm-", dir=FAST)
        self.clock = FakeClock(T0)
        self.ledger = Ledger.open(Path(self.folder) / "ledger.sqlite3", clock=self.clock)
        self.ledger.upsert_products(
            [
                product("TSEN", ["TSEN-1", "TSEN-2"]),
                product("BUN", ["BUN"]),
                product("GOM", ["GOM"]),
            ]
        )
        for sku, quantity in INITIAL.items():
            self.ledger.set_stock(sku, quantity)
        self.channels = {
            "alpha": ModelChannel("alpha", self.clock),
            "beta": ModelChannel("beta", self.clock, offer_batch=2, stock_includes_reserved=True),
        }
        self.engine = SyncEngine(
            self.ledger,
            lambda name, _on_call: self.channels[name],
            SyncOptions(backfill=timedelta(hours=3)),
            self.clock,
        )
        self.manual: Counter[str] = Counter()
        self.orders: dict[tuple[str, str], Order] = {}  # what the marketplaces hold
        self.pulled: dict[tuple[str, str], Order] = {}  # as each was when last pulled
        self.ids = itertools.count(1)

    def teardown(self) -> None:
        self.ledger.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- the marketplaces and the clerk ---------------------------------------------------
    @rule(sku=st.sampled_from(sorted(INITIAL)), delta=st.integers(-4, 8).filter(bool))
    def count_stock(self, sku: str, delta: int) -> None:
        self.ledger.add_movements([Movement(sku=sku, delta=delta, note="count")])
        self.manual[sku] += delta

    @rule(
        channel=st.sampled_from(CHANNELS),
        sku=st.sampled_from(sorted(INITIAL)),
        qty=st.integers(1, 3),
    )
    def place_order(self, channel: str, sku: str, qty: int) -> None:
        if PRODUCT_OF[sku] not in self.channels[channel].items:
            return  # a marketplace only takes orders for what it lists
        now = self.clock.now()
        order_id = f"{channel}-{next(self.ids)}"
        line = OrderLine(sku, qty, Money.vnd(100_000))
        order = Order(
            order_id, OrderState.PAID, "paid", now, now, Money.vnd(100_000 * qty), (line,)
        )
        self._put(channel, order)

    @precondition(lambda self: self._open())
    @rule(data=st.data(), to=st.sampled_from([OrderState.CANCELLED, OrderState.SHIPPED]))
    def move_order(self, data: st.DataObject, to: OrderState) -> None:
        channel, order_id = data.draw(st.sampled_from(self._open()))
        order = self.orders[(channel, order_id)]
        self._put(channel, replace(order, state=to, status=to.value, updated_at=self.clock.now()))

    def _open(self) -> list[tuple[str, str]]:
        return sorted(key for key, order in self.orders.items() if order.state is OrderState.PAID)

    def _put(self, channel: str, order: Order) -> None:
        self.channels[channel].put_order(order)
        self.orders[(channel, order.order_id)] = order
        self.clock.advance(7)

    @rule(channel=st.sampled_from(CHANNELS))
    def lose_a_create_reply(self, channel: str) -> None:
        self.channels[channel].lose_next_create = True

    @rule(channel=st.sampled_from(CHANNELS))
    def lag_the_search(self, channel: str) -> None:
        self.channels[channel].lag_next = True

    @rule(channel=st.sampled_from(CHANNELS))
    def use_up_the_quota_at_a_create(self, channel: str) -> None:
        self.channels[channel].quota_next = True

    @rule(channel=st.sampled_from(CHANNELS), sku=st.sampled_from(sorted(INITIAL)))
    def refuse_a_sku(self, channel: str, sku: str) -> None:
        self.channels[channel].refuse_skus.add(sku)

    @rule(channel=st.sampled_from(CHANNELS))
    def accept_every_sku(self, channel: str) -> None:
        self.channels[channel].refuse_skus.clear()

    # -- the engine -----------------------------------------------------------------------
    @rule(
        minutes=st.integers(0, 90),
        only=st.sampled_from([None, *CHANNELS]),
        force=st.booleans(),
    )
    def sync(self, minutes: int, only: str | None, force: bool) -> None:
        self.clock.advance(minutes * 60)
        names = [only] if only else list(CHANNELS)
        result = self.engine.run(names, force=force)
        for outcome in result.outcomes.values():
            # the only ways a channel may stop here: the quota, or the guard against
            # zeroing most listings (which --force lifts)
            error = outcome.error or ""
            assert not error or "quota" in error or ("--force" in error and not force), error
        self.pulled.update((key, order) for key, order in self.orders.items() if key[0] in names)
        self.clock.advance(1)

    # -- the promises -----------------------------------------------------------------------
    @invariant()
    def at_most_one_listing_per_product(self) -> None:
        for channel in self.channels.values():
            assert all(count <= 1 for count in channel.creates.values()), channel.creates

    @invariant()
    def no_listing_left_sending(self) -> None:
        for name in CHANNELS:
            assert all(r.state is not ListingState.SENDING for r in self.ledger.listings(name))

    @invariant()
    def every_order_counted_once(self) -> None:
        stored = {(s.channel, s.order.order_id): s.order.state for s in self.ledger.orders()}
        assert self.ledger.order_count() == len(stored) == len(self.pulled)
        assert stored == {key: order.state for key, order in self.pulled.items()}

    @invariant()
    def on_hand_is_counts_less_what_shipped(self) -> None:
        shipped: Counter[str] = Counter()
        for order in self.pulled.values():
            if order.state is OrderState.SHIPPED:
                for line in order.lines:
                    shipped[line.sku] += line.quantity
        expected = {sku: INITIAL[sku] + self.manual[sku] - shipped[sku] for sku in INITIAL}
        assert self.ledger.on_hand() == expected

    @invariant()
    def channels_were_told_what_the_ledger_says(self) -> None:
        for name, channel in self.channels.items():
            known = {r.sku for r in self.ledger.listings(name, SHOP) if r.remote_id}
            told = {  # a listing whose create reply was lost is not the ledger's yet
                sku: (offer.stock, offer.price)
                for product_sku, stored in channel.items.items()
                if product_sku in known
                for sku, offer in stored.offers.items()
            }
            rows = {
                sku: (row.stock, row.price)
                for sku, row in self.ledger.offers(name, SHOP).items()
                if row.stock is not None
            }
            # where the ledger knows a figure, the channel shows it (a refused SKU of an
            # adopted listing shows what its create listed, which the ledger cannot know)
            assert {sku: told.get(sku) for sku in rows} == rows, name


TestSyncMachine = SyncMachine.TestCase
TestSyncMachine.settings = settings(
    max_examples=30,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
