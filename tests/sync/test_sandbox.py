"""The sync engine against the marketplace sandboxes over real HTTP.

Each test builds a real workspace (sync_support.sandbox_workspace), drives the engine as
`listsync sync` does, and asserts on data: the sandbox's own state and request log, and
the ledger. Tests that hold for every marketplace run on each sandbox.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from listsync.channel.contract import Channel, ListingState, OrderState
from listsync.channel.faults import Fault
from listsync.ledger.records import MovementReason
from tests.sync.support import (
    MARKETS,
    PRODUCTS,
    STOCK,
    UNITS,
    Market,
    SandboxWorkspace,
    assert_published,
    counts,
    errors,
    ok,
    sandbox_workspace,
    stock_and_price,
)


@pytest.fixture(params=sorted(MARKETS))
def market(request: pytest.FixtureRequest) -> Market:
    return MARKETS[request.param]


@pytest.fixture
def sw(tmp_path: Path, market: Market) -> Iterator[SandboxWorkspace]:
    with sandbox_workspace(
        tmp_path / "ws", (market.name,), channel_overrides={market.name: market.page_size}
    ) as workspace:
        yield workspace


# -- 1. a rerun makes no write call ---------------------------------------------------------
def test_a_rerun_after_a_successful_sync_writes_nothing(
    sw: SandboxWorkspace, market: Market
) -> None:
    first = ok(sw.sync())
    assert counts(first, market.name)["listings_created"] == PRODUCTS
    assert counts(first, market.name)["stock_sets"] == UNITS
    assert_published(sw, market.name)
    before, seen = stock_and_price(sw, market.name), len(sw.requests_log(market.name))
    offers = sw.ledger.offers(market.name, sw.shop(market.name))

    second = ok(sw.sync())
    assert sw.writes(market.name, seen) == []
    assert [e["method"] for e in sw.requests_log(market.name)[seen:]] == ["GET"] * (
        len(sw.requests_log(market.name)) - seen
    )
    assert counts(second, market.name)["listings_unchanged"] == PRODUCTS
    assert stock_and_price(sw, market.name) == before
    assert sw.ledger.offers(market.name, sw.shop(market.name)) == offers


# -- 2. overlapping and replayed pages count each order once --------------------------------
def test_orders_are_counted_once_through_overlap_and_replay(
    sw: SandboxWorkspace, market: Market
) -> None:
    name = market.name
    ok(sw.sync())
    # placed in the last half hour: later than the last run, within the overlap window
    created = sw.orders(name, count=9, days=0.02, status=market.paid)
    first = ok(sw.sync())
    assert counts(first, name)["orders_new"] == 9
    assert sw.ledger.order_count(name) == sw.state(name)["order_count"] == 9

    cancelled, shipped = created[:2], created[2:4]
    for order_id in cancelled:
        sw.set_status(name, order_id, market.cancelled)
    for order_id in shipped:
        sw.set_status(name, order_id, market.shipped)
    changed = ok(sw.sync())
    assert (counts(changed, name)["orders_new"], counts(changed, name)["orders_updated"]) == (0, 4)

    # replay: the checkpoint goes back before every order; nothing is counted twice
    shop = sw.shop(name)
    cursor = sw.ledger.checkpoint(name, shop, "orders")
    assert cursor is not None
    sw.ledger.set_checkpoint(name, shop, "orders", (sw.clock.now() - timedelta(days=3)).isoformat())
    replayed = ok(sw.sync())
    assert (counts(replayed, name)["orders_new"], counts(replayed, name)["orders_updated"]) == (
        0,
        0,
    )
    ok(sw.sync())  # and the overlap window of the next run re-reads the last hour again

    stored = {stored.order.order_id: stored.order for stored in sw.ledger.orders(name)}
    assert sorted(stored) == sorted(created)
    assert sw.ledger.order_count(name) == sw.state(name)["order_count"] == 9
    for order_id, order in stored.items():
        want = (
            OrderState.CANCELLED
            if order_id in cancelled
            else OrderState.SHIPPED
            if order_id in shipped
            else OrderState.PAID
        )
        assert order.state is want, order_id
    sales = [m for sku in STOCK for m in sw.ledger.movements(sku) if m.reason == "order_sale"]
    sold = {(o, line.sku): line.quantity for o in shipped for line in stored[o].lines}
    assert sorted((m.reference.rsplit(":", 1)[1], m.sku) for m in sales) == sorted(sold)
    assert sum(-m.delta for m in sales) == sum(sold.values())


# -- 3. a cancellation restores stock once --------------------------------------------------
def test_a_cancellation_gives_stock_back_once_on_the_other_channel(tmp_path: Path) -> None:
    with sandbox_workspace(tmp_path / "ws", ("lazada", "shopee")) as sw:
        ok(sw.sync())
        sku = "TSTH-100"  # 30 on hand, safety stock 5: 25 offered everywhere
        assert sw.units("shopee")[sku]["stock"] == sw.units("lazada")[sku]["stock"] == 25

        (order_id,) = sw.orders("lazada", sku=sku, quantity=3)
        ok(sw.sync())
        assert sw.units("shopee")[sku]["stock"] == 22
        assert sw.units("lazada")[sku]["stock"] == 25  # Lazada counts its own 3 held units
        assert sw.units("lazada")[sku]["reserved"] == 3
        assert sw.on_hand()[sku] == 30  # a reservation is not a movement

        sw.set_status("lazada", order_id, "canceled")
        ok(sw.sync())
        assert sw.units("shopee")[sku]["stock"] == 25
        seen = len(sw.requests_log("shopee"))
        for _ in range(2):
            ok(sw.sync())
        assert sw.writes("shopee", seen) == []
        assert sw.units("shopee")[sku]["stock"] == sw.units("lazada")[sku]["stock"] == 25
        assert [(m.reason, m.delta) for m in sw.ledger.movements(sku)] == [("set", 30)]

        (sold,) = sw.orders("shopee", sku=sku, quantity=2, status="READY_TO_SHIP")
        ok(sw.sync())
        assert sw.units("lazada")[sku]["stock"] == 23
        sw.set_status("shopee", sold, "SHIPPED")
        for _ in range(3):
            ok(sw.sync())
        moves = [(m.reason, m.delta) for m in sw.ledger.movements(sku)]
        assert sorted(moves) == [(MovementReason.ORDER_SALE, -2), ("set", 30)]
        assert sw.on_hand()[sku] == 28
        assert sw.units("lazada")[sku]["stock"] == sw.units("shopee")[sku]["stock"] == 23


def test_units_a_marketplace_holds_for_unpaid_orders_are_added_back(tmp_path: Path) -> None:
    """Lazada and Shopee hold stock for an order from its creation, paid or not, and count it
    in the figure they are sent: it must be added back, or the figure is refused (below the
    held units) and the marketplace keeps selling stock that is gone."""
    with sandbox_workspace(tmp_path / "ws", ("lazada", "shopee")) as sw:
        ok(sw.sync())
        sku = "TSTH-250"  # 12 on hand, safety stock 5: 7 offered everywhere
        sw.orders("lazada", sku=sku, quantity=3, status="unpaid")
        sw.orders("shopee", sku=sku, quantity=5, status="READY_TO_SHIP")
        result = ok(sw.sync())
        assert not result.outcomes["lazada"].tally.problems
        lazada, shopee = sw.units("lazada")[sku], sw.units("shopee")[sku]
        # free: 12 - 5 paid - 5 safety = 2; each is sent 2 plus what it holds itself
        assert (lazada["stock"], lazada["reserved"]) == (5, 3)
        assert (shopee["stock"], shopee["reserved"]) == (7, 5)
        assert sw.on_hand()[sku] == 12


# -- 4. a lost create response gives one listing ---------------------------------------------
def test_a_lost_create_reply_gives_one_listing(sw: SandboxWorkspace, market: Market) -> None:
    sw.fault(market.name, action="drop_after", method="POST", path=market.create_path, nth=1)
    first = sw.sync()
    assert counts(first, market.name)["listings_unknown"] == 1
    assert counts(first, market.name)["listings_created"] == PRODUCTS - 1
    unknown = [r for r in sw.ledger.listings(market.name) if r.state is ListingState.UNKNOWN]
    assert len(unknown) == 1
    ok(sw.sync())
    creates = [e for e in sw.requests_log(market.name) if e["path"] == market.create_path]
    assert len(creates) == PRODUCTS
    assert_published(sw, market.name)


# -- 5. a create whose SKU search lags gives no duplicate ------------------------------------
def test_a_lagging_sku_search_is_waited_for_then_adopted(
    sw: SandboxWorkspace, market: Market
) -> None:
    name = market.name
    sw.control(name, "POST", "/_sandbox/settings", market.lag)
    sw.fault(name, action="drop_after", method="POST", path=market.create_path, nth=1)
    sw.sync()
    (lost,) = [r for r in sw.ledger.listings(name) if r.state is ListingState.UNKNOWN]

    waiting = sw.sync(ahead=120)  # well within unknown_grace (60 minutes)
    assert counts(waiting, name)["listings_unknown"] == 1
    assert any(
        lost.sku in note and "not visible" in note for note in waiting.outcomes[name].tally.notes
    )
    still = sw.ledger.listing(lost.sku, name, sw.shop(name))
    assert still is not None and still.state is ListingState.UNKNOWN
    creates = [e for e in sw.requests_log(name) if e["path"] == market.create_path]
    assert len(creates) == PRODUCTS  # no second create

    sw.advance_sandbox(name, 601)  # the marketplace's search catches up
    adopted = ok(sw.sync(ahead=3700))  # and the engine is past its grace
    assert counts(adopted, name)["listings_adopted"] == 1
    creates = [e for e in sw.requests_log(name) if e["path"] == market.create_path]
    assert len(creates) == PRODUCTS
    assert_published(sw, name)


# -- 6. Retry-After is honoured -------------------------------------------------------------
def test_retry_after_is_honoured_on_a_read(sw: SandboxWorkspace, market: Market) -> None:
    name = market.name
    ok(sw.sync())
    made = sw.orders(name, count=3, days=0.01, status=market.paid)
    sw.clock.sleeps.clear()
    sw.fault(
        name,
        action="status",
        status=429,
        headers={"Retry-After": "7"},
        method="GET",
        path=market.orders_path,
    )
    result = ok(sw.sync())
    assert max(sw.clock.sleeps) >= 7
    assert counts(result, name)["orders_new"] == 3
    assert sorted(o.order.order_id for o in sw.ledger.orders(name)) == sorted(made)
    throttled = [e for e in sw.requests_log(name) if e["status"] == 429]
    assert len(throttled) == 1


# -- 7. a partial batch failure is recorded per SKU and only those are retried ---------------
def test_a_partial_batch_failure_is_kept_per_sku(sw: SandboxWorkspace, market: Market) -> None:
    name = market.name
    ok(sw.sync())
    refused, fine = "TSTH-100", "BGMD-500"
    # an order the ledger has not pulled yet locks 4 units; publishing (no pull) sends
    # less than that for TSTH-100: the marketplace refuses that SKU alone
    (order_id,) = sw.orders(name, sku=refused, quantity=4, status=market.paid)
    sw.ws.set_stock(refused, 7)  # 7 - 5 safety = 2 offered, below the 4 locked
    sw.ws.set_stock(fine, 70)
    seen = len(sw.requests_log(name))
    publish = sw.sync(pull=False, command="publish")
    tally = publish.outcomes[name].tally
    assert (tally.counts["offers_failed"], tally.counts["stock_sets"]) == (1, 1)
    assert any(refused in problem for problem in tally.problems)
    row = sw.ledger.offer(refused, name, sw.shop(name))
    assert row is not None and row.last_error and row.stock == 25
    good = sw.ledger.offer(fine, name, sw.shop(name))
    assert good is not None and good.last_error is None and good.stock == 50
    assert sw.units(name)[refused]["stock"] == 25 and sw.units(name)[fine]["stock"] == 50
    assert 1 <= len(sw.writes(name, seen)) <= 2  # one batch, or one call per item (Shopee)

    sw.set_status(name, order_id, market.cancelled)
    plan = sw.engine().plan([name]).plans[name]
    assert [step.update.offer.sku for step in plan.offers] == [refused]
    seen = len(sw.requests_log(name))
    again = ok(sw.sync(pull=False, command="publish"))
    assert counts(again, name)["stock_sets"] == 1
    assert counts(again, name).get("offers_failed", 0) == 0
    assert len(sw.writes(name, seen)) == 1
    row = sw.ledger.offer(refused, name, sw.shop(name))
    assert row is not None and row.last_error is None and row.stock == 2
    assert sw.units(name)[refused]["stock"] == 2


# -- 8. a token expiring mid-run -----------------------------------------------------------
def test_a_token_expiring_between_pull_and_push(sw: SandboxWorkspace, market: Market) -> None:
    name = market.name
    store = sw.ws.tokens
    before = store.load(name, sw.shop(name))
    assert before is not None
    engine = sw.engine()
    opened = engine.open_channel
    moved: list[bool] = []

    def opening(channel_name: str, on_call: Any) -> Channel:
        channel = opened(channel_name, on_call)
        mapping = channel.map_product

        def map_product(product: Any) -> Any:  # the push has begun: the token lapses now
            if not moved:
                moved.append(True)
                lapse = market.token_lifetime + timedelta(minutes=1)
                sw.advance_sandbox(name, lapse.total_seconds())
            return mapping(product)

        channel.map_product = map_product
        return channel

    engine.open_channel = opening
    result = engine.run([name])
    assert result.ok, errors(result)
    assert moved and counts(result, name)["listings_created"] == PRODUCTS
    assert len([e for e in sw.requests_log(name) if e["path"] == market.refresh_path]) == 1
    after = store.load(name, sw.shop(name))
    assert after is not None and after.refresh_token is not None
    assert after.access_token != before.access_token
    assert after.refresh_token != before.refresh_token
    assert_published(sw, name)
    ok(sw.sync())  # the stored pair works: no second refresh
    assert len([e for e in sw.requests_log(name) if e["path"] == market.refresh_path]) == 1


# -- 9. one channel down while the others finish --------------------------------------------
@pytest.mark.parametrize("phase", ["everything", "writes"])
def test_one_channel_down_the_other_finishes(tmp_path: Path, phase: str) -> None:
    with sandbox_workspace(tmp_path / "ws", ("lazada", "shopee")) as sw:
        attempts = sw.ws.channel_settings("shopee").max_attempts
        circuit = sw.ws.settings.sync.circuit_failures
        seen = len(sw.requests_log("shopee"))
        path = "*" if phase == "everything" else "/api/v2/product/*"
        sw.fault("shopee", action="status", status=503, path=path, times=None)
        result = sw.sync()
        assert result.exit_code == 1
        assert result.outcomes["lazada"].ok
        error = result.outcomes["shopee"].error
        assert error and "\n" not in error and "503" in error
        assert_published(sw, "lazada")
        failed = [e for e in sw.requests_log("shopee")[seen:] if e["status"] != 200]
        budget = attempts if phase == "everything" else attempts * circuit
        assert 0 < len(failed) <= budget
        # none listed; those tried before the channel stopped are failed, to try again
        tried = {(r.state, r.fault, r.remote_id) for r in sw.ledger.listings("shopee")}
        assert tried <= {(ListingState.FAILED, Fault.TEMPORARY, None)}
        assert sw.units("shopee") == {}
        (run,) = sw.ledger.runs(1)
        assert run.status == "failed"

        sw.clear_faults("shopee")
        ok(sw.sync())
        assert_published(sw, "shopee")


def test_a_create_outage_leaves_every_intent_unknown(sw: SandboxWorkspace, market: Market) -> None:
    """5xx on every create: each may have been carried out (docs/reliability.md #13), so each row is
    UNKNOWN, a create is never repeated blindly, and the next run after the grace creates."""
    name = market.name
    sw.fault(name, action="status", status=503, method="POST", path=market.create_path, times=None)
    result = sw.sync()
    assert counts(result, name)["listings_unknown"] == PRODUCTS
    assert [r.state for r in sw.ledger.listings(name)] == [ListingState.UNKNOWN] * PRODUCTS
    creates = [e for e in sw.requests_log(name) if e["path"] == market.create_path]
    assert len(creates) == PRODUCTS  # one attempt each: a create is not retried blindly
    sw.clear_faults(name)
    ok(sw.sync(ahead=3700))  # past the grace a lost create is given to show up
    creates = [e for e in sw.requests_log(name) if e["path"] == market.create_path]
    assert len(creates) == 2 * PRODUCTS
    assert_published(sw, name)


def test_a_channel_stopped_at_a_create_leaves_no_listing_sending(
    sw: SandboxWorkspace, market: Market
) -> None:
    """The marketplace's quota ends the channel's run at a create: that create was refused,
    so its row goes back to PENDING (not SENDING) and the next run creates it at once."""
    name = market.name
    sw.fault(name, action="status", status=200, body=market.quota, path=market.create_path)
    stopped = sw.sync()
    error = stopped.outcomes[name].error or ""
    reset = "for today" if name == "shopee" else "no calls for 60 minutes"
    assert reset in error and "\n" not in error
    (record,) = sw.ledger.listings(name)
    assert record.state is ListingState.PENDING and record.remote_id is None
    assert [e["path"] for e in sw.requests_log(name)].count(market.create_path) == 1
    assert sw.units(name) == {}

    ok(sw.sync())  # at once: no grace to wait for a create that was refused
    assert [e["path"] for e in sw.requests_log(name)].count(market.create_path) == PRODUCTS + 1
    assert_published(sw, name)


# -- 12. the mass-change guard --------------------------------------------------------------
def test_the_mass_change_guard(sw: SandboxWorkspace, market: Market) -> None:
    name = market.name
    ok(sw.sync())
    before = stock_and_price(sw, name)
    zeroed = [sku for sku in STOCK if not sku.startswith("TSTH")]
    for sku in zeroed:
        sw.ws.set_stock(sku, 0)
    seen = len(sw.requests_log(name))
    refused = sw.sync()
    error = refused.outcomes[name].error or ""
    assert refused.exit_code == 1
    assert f"would set stock to 0 for {len(zeroed)} of the {UNITS} SKUs" in error
    assert "--force" in error
    assert sw.writes(name, seen) == []
    assert stock_and_price(sw, name) == before

    forced = ok(sw.sync(force=True))
    assert counts(forced, name)["stock_sets"] == len(zeroed)
    units = sw.units(name)
    assert all(units[sku]["stock"] == 0 for sku in zeroed)
    assert units["TSTH-100"]["stock"] == 25
