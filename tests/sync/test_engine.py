"""The sync engine against in-memory channels: what is sent, what is recorded, what is not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from listsync.catalog.model import LocalizedText, Product, Variant
from listsync.channel.contract import Channel, ListingState, Money, Order, OrderLine, OrderState
from listsync.clock import FakeClock
from listsync.errors import TransientError
from listsync.http import CallRecord
from listsync.ledger.database import Ledger, Movement
from listsync.sync.engine import SyncEngine, SyncOptions
from listsync.sync.push import PushOptions
from listsync.sync.stock_rules import StockRule
from tests.channel.memory_channel import MemoryChannel

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def product(sku: str, variants: int = 2, category: str = "tea") -> Product:
    return Product(
        sku=sku,
        name=LocalizedText(vi=f"Sản phẩm {sku}"),
        category=category,
        weight_g=300,
        price_vnd=100_000,
        variants=tuple(
            Variant(sku=f"{sku}-{i}", options={"Cỡ": str(i)}) for i in range(1, variants + 1)
        ),
    )


class World:
    def __init__(self, tmp_path: Path, **options: object):
        self.clock = FakeClock(T0)
        self.ledger = Ledger.open(tmp_path / "ledger.sqlite3", clock=self.clock)
        self.channels: dict[str, MemoryChannel] = {
            "alpha": MemoryChannel("alpha"),
            "beta": MemoryChannel("beta", offer_batch=2),
        }
        self.options = SyncOptions(**options)  # type: ignore[arg-type]

    def factory(self) -> Callable[[str, Callable[[CallRecord], None]], Channel]:
        return lambda name, _on_call: self.channels[name]

    def engine(self) -> SyncEngine:
        return SyncEngine(self.ledger, self.factory(), self.options, self.clock)

    def sync(self, *names: str, **kwargs: object):  # type: ignore[no-untyped-def]
        return self.engine().run(list(names or self.channels), **kwargs)  # type: ignore[arg-type]

    def order(self, channel: str, order_id: str, sku: str, qty: int, state: OrderState) -> None:
        now = self.clock.now()
        line = OrderLine(sku, qty, Money.vnd(100_000))
        self.channels[channel].put_order(
            Order(order_id, state, state.value, now, now, Money.vnd(100_000 * qty), (line,))
        )


@pytest.fixture
def world(tmp_path: Path) -> World:
    w = World(tmp_path)
    w.ledger.upsert_products([product("TSEN"), product("BUN", variants=0)])
    w.ledger.set_stock("TSEN-1", 20)
    w.ledger.set_stock("TSEN-2", 7)
    w.ledger.set_stock("BUN", 12)
    return w


def offered(world: World, channel: str) -> dict[str, int]:
    return {
        sku: offer.stock
        for stored in world.channels[channel].items.values()
        for sku, offer in stored.offers.items()
    }


def test_first_sync_publishes_everything(world: World) -> None:
    result = world.sync()
    assert result.ok, {n: o.error for n, o in result.outcomes.items()}
    for name in ("alpha", "beta"):
        assert offered(world, name) == {"TSEN-1": 20, "TSEN-2": 7, "BUN": 12}
        counts = result.outcomes[name].tally.counts
        assert counts["listings_created"] == 2 and counts["stock_sets"] == 3
    assert world.channels["beta"].calls.count("set_offers") == 2  # batches of two


def test_a_rerun_makes_no_write_call(world: World) -> None:
    world.sync()
    for channel in world.channels.values():
        channel.calls.clear()
    result = world.sync()
    assert result.ok
    assert all(channel.writes() == [] for channel in world.channels.values())
    assert result.outcomes["alpha"].tally.counts["listings_unchanged"] == 2


def test_only_changed_stock_is_sent(world: World) -> None:
    world.sync()
    world.ledger.set_stock("BUN", 5)
    world.channels["alpha"].calls.clear()
    world.sync("alpha")
    assert world.channels["alpha"].writes() == ["set_offers"]
    assert offered(world, "alpha")["BUN"] == 5


def test_paid_orders_reserve_and_shipping_sells_once(world: World) -> None:
    world.sync()
    world.order("alpha", "A1", "TSEN-1", 3, OrderState.PAID)
    world.sync()
    assert offered(world, "beta")["TSEN-1"] == 17
    assert world.ledger.on_hand(["TSEN-1"])["TSEN-1"] == 20
    world.clock.advance(600)
    world.order("alpha", "A1", "TSEN-1", 3, OrderState.SHIPPED)
    world.sync()
    world.sync()
    assert world.ledger.on_hand(["TSEN-1"])["TSEN-1"] == 17
    assert offered(world, "beta")["TSEN-1"] == 17
    assert world.ledger.order_count() == 1


def test_a_cancellation_gives_the_reservation_back(world: World) -> None:
    world.sync()
    world.order("beta", "B1", "BUN", 4, OrderState.PAID)
    world.sync()
    assert offered(world, "alpha")["BUN"] == 8
    world.clock.advance(600)
    world.order("beta", "B1", "BUN", 4, OrderState.CANCELLED)
    world.sync()
    assert offered(world, "alpha")["BUN"] == 12
    assert world.ledger.on_hand(["BUN"])["BUN"] == 12


def test_a_lost_create_is_adopted_next_run(world: World) -> None:
    world.channels["alpha"].lose_next_create = True
    first = world.sync("alpha")
    assert first.outcomes["alpha"].tally.counts["listings_unknown"] == 1
    states = {r.sku: r.state for r in world.ledger.listings("alpha")}
    assert ListingState.UNKNOWN in states.values()
    world.sync("alpha")
    assert world.channels["alpha"].calls.count("create") == 2  # one per product, never more
    assert {r.state for r in world.ledger.listings("alpha")} == {ListingState.LIVE}
    assert offered(world, "alpha") == {"TSEN-1": 20, "TSEN-2": 7, "BUN": 12}


def test_a_lagging_search_is_not_answered_by_a_second_create(world: World) -> None:
    alpha = world.channels["alpha"]
    alpha.lose_next_create = alpha.lag_search = True
    world.sync("alpha")
    world.clock.advance(60)
    second = world.sync("alpha")
    assert alpha.calls.count("create") == 2
    assert second.outcomes["alpha"].tally.counts["listings_unknown"] == 1
    alpha.index()
    world.sync("alpha")
    assert alpha.calls.count("create") == 2 and len(alpha.items) == 2


def test_one_channel_down_the_other_finishes(world: World) -> None:
    world.channels["beta"].down = True
    result = world.sync()
    assert not result.ok and result.exit_code == 1
    assert result.outcomes["alpha"].ok
    assert "down" in (result.outcomes["beta"].error or "")
    assert offered(world, "alpha") == {"TSEN-1": 20, "TSEN-2": 7, "BUN": 12}
    (run,) = world.ledger.runs()
    assert run.status == "failed"


def test_mapping_problems_skip_one_product_only(world: World) -> None:
    world.ledger.upsert_products(
        [product("TSEN"), product("BUN", variants=0), product("GOM", category="unmapped")]
    )
    result = world.sync("alpha")
    tally = result.outcomes["alpha"].tally
    assert result.ok and tally.counts["listings_failed"] == 1
    assert any("GOM" in problem and "category" in problem for problem in tally.problems)
    assert set(world.channels["alpha"].items) == {"TSEN", "BUN"}


def test_refused_skus_are_recorded_and_only_they_are_resent(world: World) -> None:
    world.channels["alpha"].refuse_skus = {"TSEN-2"}
    first = world.sync("alpha")
    assert first.outcomes["alpha"].tally.counts["offers_failed"] == 1
    assert world.ledger.offer("TSEN-2", "alpha", "shop-1").last_error  # type: ignore[union-attr]
    world.channels["alpha"].refuse_skus = set()
    world.channels["alpha"].calls.clear()
    world.sync("alpha")
    assert world.channels["alpha"].calls.count("set_offers") == 1
    assert offered(world, "alpha")["TSEN-2"] == 7


def test_mass_zeroing_is_refused_without_force(tmp_path: Path) -> None:
    world = World(tmp_path)
    world.ledger.upsert_products([product(f"P{i}", variants=0) for i in range(6)])
    for i in range(6):
        world.ledger.set_stock(f"P{i}", 5)
    world.sync("alpha")
    for i in range(5):
        world.ledger.set_stock(f"P{i}", 0)
    refused = world.sync("alpha")
    assert "--force" in (refused.outcomes["alpha"].error or "")
    assert offered(world, "alpha")["P0"] == 5
    forced = world.sync("alpha", force=True)
    assert forced.ok and offered(world, "alpha")["P0"] == 0


def test_stock_rules_per_channel(tmp_path: Path) -> None:
    world = World(
        tmp_path,
        rules={"alpha": StockRule(percent=50, cap=6), "beta": StockRule(zero_below=10)},
        push=PushOptions(buffer=1),
    )
    world.ledger.upsert_products([product("BUN", variants=0)])
    world.ledger.set_stock("BUN", 10)
    world.sync()
    assert offered(world, "alpha")["BUN"] == 4  # (10 - 1) * 50 % = 4.5, rounded down
    assert offered(world, "beta")["BUN"] == 0  # 9 available is below 10
    explain = world.ledger.offer("BUN", "alpha", "shop-1").explain  # type: ignore[union-attr]
    assert explain["available"] == 9 and explain["offered"] == 4


def test_the_dry_run_touches_nothing(world: World) -> None:
    before = world.ledger.runs()
    plan = world.engine().plan(["alpha"])
    assert plan.plans["alpha"].actions()["create"] == 2
    assert world.channels["alpha"].calls == []
    assert world.ledger.runs() == before and world.ledger.listings("alpha") == []


def test_pull_windows_and_checkpoint(world: World) -> None:
    world.clock.advance(-5 * 86400)
    world.order("alpha", "OLD", "BUN", 1, OrderState.PAID)
    world.clock.advance(5 * 86400)
    world.sync("alpha", push=False)
    assert world.ledger.order_count("alpha") == 1
    assert world.ledger.checkpoint("alpha", "shop-1", "orders") == T0.isoformat()
    calls = world.channels["alpha"].calls.count("orders")
    assert calls == 30  # a 30-day backfill in one-day windows
    world.clock.advance(3600 * 5)
    world.sync("alpha", push=False)
    assert world.channels["alpha"].calls.count("orders") == calls + 1
    assert world.ledger.order_count("alpha") == 1
    assert world.clock.now() - timedelta(hours=5) == T0


def test_a_channel_counting_its_own_reservations_gets_them_added_back(world: World) -> None:
    world.channels["alpha"] = MemoryChannel("alpha", stock_includes_reserved=True)
    world.sync()
    world.order("alpha", "A1", "TSEN-1", 3, OrderState.PAID)
    world.order("beta", "B1", "TSEN-1", 2, OrderState.PAID)
    world.sync()
    assert offered(world, "beta")["TSEN-1"] == 15
    assert offered(world, "alpha")["TSEN-1"] == 18  # 15 free + the 3 its own order holds
    explain = world.ledger.offer("TSEN-1", "alpha", "shop-1").explain  # type: ignore[union-attr]
    assert explain["held_here"] == 3 and explain["available"] == 15


def test_wrong_settings_of_a_channel_exit_with_2(world: World) -> None:
    from listsync.errors import ConfigError

    def opening(name: str, _on_call: Callable[[CallRecord], None]) -> Channel:
        if name == "beta":
            raise ConfigError("listsync.toml [channels.beta] partner_id: must be a whole number")
        return world.channels[name]

    engine = SyncEngine(world.ledger, opening, world.options, world.clock)
    result = engine.run(["alpha", "beta"])
    assert result.outcomes["alpha"].ok and not result.outcomes["beta"].ok
    assert result.exit_code == 2
    world.channels["alpha"].down = True
    assert world.engine().run(["alpha"]).exit_code == 1


@pytest.mark.parametrize("restock", [True, False])
def test_returns_and_cancellations_after_shipping(tmp_path: Path, restock: bool) -> None:
    world = World(tmp_path, restock_returns=restock)
    world.ledger.upsert_products([product("BUN", variants=0)])
    world.ledger.set_stock("BUN", 10)
    world.order("alpha", "R1", "BUN", 2, OrderState.RETURNED)  # first seen already returned
    world.order("alpha", "C1", "BUN", 1, OrderState.CANCELLED)  # cancelled before shipping
    world.order("alpha", "S1", "BUN", 3, OrderState.SHIPPED)
    world.sync("alpha")
    world.clock.advance(600)
    world.order("alpha", "S1", "BUN", 3, OrderState.CANCELLED)  # failed delivery: it came back
    world.sync("alpha")
    world.sync("alpha")
    reasons = sorted((m.reason, m.delta) for m in world.ledger.movements("BUN"))
    sold = [("order_sale", -3), ("order_sale", -2)]
    back = [("order_return", 2), ("order_return", 3)] if restock else []
    assert reasons == sorted([*sold, *back, ("set", 10)])
    assert world.ledger.on_hand(["BUN"])["BUN"] == (10 if restock else 5)


# -- reconciliation (docs/reliability.md #38) ------------------------------------------------
def test_a_figure_moved_by_the_marketplace_is_set_back_and_recorded(world: World) -> None:
    world.sync()
    alpha = world.channels["alpha"]
    alpha.move_stock("TSEN", "TSEN-1", 13)  # the marketplace took 7 units out by itself
    alpha.calls.clear()
    result = world.sync("alpha")
    assert alpha.calls.count("read_offers") == 1  # every listing in one batch read
    assert result.outcomes["alpha"].tally.counts["drift"] == 1
    assert offered(world, "alpha")["TSEN-1"] == 20
    explain = world.ledger.offer("TSEN-1", "alpha", "shop-1").explain  # type: ignore[union-attr]
    assert explain["drift"]["shown"] == 13 and explain["drift"]["intended"] == 20
    assert explain["offered"] == 20
    alpha.calls.clear()
    world.sync("alpha")
    assert alpha.writes() == []


def test_a_figure_moved_to_the_one_intended_is_noted_without_a_write(world: World) -> None:
    world.sync()
    alpha = world.channels["alpha"]
    alpha.move_stock("TSEN", "TSEN-1", 17)  # a sale the marketplace took out itself...
    world.ledger.add_movements([Movement("TSEN-1", -3, note="sold at the market")])
    alpha.calls.clear()
    result = world.sync("alpha")  # ...the ledger means 17 too: nothing to send
    assert alpha.writes() == []
    assert result.outcomes["alpha"].tally.counts.get("drift", 0) == 0
    assert world.ledger.offer("TSEN-1", "alpha", "shop-1").stock == 17  # type: ignore[union-attr]


def test_no_read_without_a_pull_nor_when_turned_off(world: World) -> None:
    world.sync()
    alpha = world.channels["alpha"]
    alpha.move_stock("TSEN", "TSEN-1", 13)
    alpha.calls.clear()
    world.sync("alpha", pull=False, command="publish")  # orders may be stale: no correction
    world.sync("alpha", push=False, command="orders pull")
    assert "read_offers" not in alpha.calls and offered(world, "alpha")["TSEN-1"] == 13
    off = SyncEngine(world.ledger, world.factory(), SyncOptions(reconcile_every=0), world.clock)
    off.run(["alpha"])
    assert "read_offers" not in alpha.calls and offered(world, "alpha")["TSEN-1"] == 13
    alpha.read_offers = None  # type: ignore[assignment, method-assign]  # an older adapter
    assert world.sync("alpha").ok and offered(world, "alpha")["TSEN-1"] == 13


def test_a_failed_read_leaves_the_run_without_reconciliation(world: World) -> None:
    world.sync()
    alpha = world.channels["alpha"]
    alpha.move_stock("TSEN", "TSEN-1", 13)

    def broken(listings: object) -> dict[str, int]:
        raise TransientError("malformed reply", channel="alpha", call="read_offers")

    alpha.read_offers = broken  # type: ignore[method-assign, assignment]
    result = world.sync("alpha")
    assert result.ok
    assert any("could not read the stock" in p for p in result.outcomes["alpha"].tally.problems)
    assert offered(world, "alpha")["TSEN-1"] == 13
