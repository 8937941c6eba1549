"""Orders from the Shopee sandbox: windows, cursor paging under change, details, states."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from listsync_shopee import orders as shopee_orders
from listsync_shopee.sandbox.app import ShopeeSandbox

from listsync.channel.contract import Money, Offer, OfferUpdate, OrderState
from listsync.errors import TransientError
from listsync.http import CallRecord
from listsync.sandbox.harness import SandboxServer
from tests.adapters.shopee.support import Rig, fresh, rig, tea, tea_with_variants

DAY = timedelta(days=1)
DETAIL = "/api/v2/order/get_order_detail"


@pytest.fixture(scope="module")
def module_server() -> Iterator[SandboxServer]:
    with SandboxServer(ShopeeSandbox()) as server:
        yield server


@pytest.fixture
def shop(module_server: SandboxServer, tmp_path: Path) -> Iterator[Rig]:
    fresh(module_server)
    with rig(module_server, tmp_path) as found:
        listing = found.channel.create_listing(found.channel.map_product(tea_with_variants()))
        found.channel.set_offers([OfferUpdate(listing, Offer(s, 500)) for s in listing.units])
        yield found


def now(shop: Rig) -> datetime:
    return shop.app.clock.now()


def test_backfill_of_forty_days_in_windows(shop: Rig) -> None:
    """docs/reliability.md #19: a 40-day gap is read in windows of at most 15 days."""
    made = shop.orders(count=60, days=40)
    start = len(shop.records)
    found = list(shop.channel.iter_orders(now(shop) - 40 * DAY - timedelta(hours=1), now(shop)))
    assert sorted(o.order_id for o in found) == sorted(made)
    lists = [shop.query(r) for r in shop.records[start:] if r.call == "get_order_list"]
    spans = [(int(q["time_from"]), int(q["time_to"])) for q in lists]
    assert len(spans) == 3
    assert all(0 < stop - begin <= 15 * 86_400 for begin, stop in spans)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert all(q["time_range_field"] == "update_time" for q in lists)


def test_details_in_batches_of_fifty(shop: Rig) -> None:
    made = shop.orders(count=120, days=5)
    start = len(shop.records)
    found = list(shop.channel.iter_orders(now(shop) - 6 * DAY, now(shop)))
    assert len(found) == 120 and {o.order_id for o in found} == set(made)
    batches = [
        len(shop.query(r)["order_sn_list"].split(","))
        for r in shop.records[start:]
        if r.call == "get_order_detail"
    ]
    assert batches == [50, 50, 20]
    pages = [r for r in shop.records[start:] if r.call == "get_order_list"]
    assert all(int(shop.query(r)["page_size"]) == 100 for r in pages)


def _change_during_paging(shop: Rig, count: int) -> None:
    """After the first page, `count` orders of that page change and leave the window."""
    changed = False
    original = shop.channel.context.on_call

    def observe(record: CallRecord) -> None:
        nonlocal changed
        if original is not None:
            original(record)
        if record.call == "get_order_list" and not changed:
            changed = True
            newest = sorted(
                shop.app.orders.orders.values(),
                key=lambda o: (o.update_time, o.order_sn),
                reverse=True,
            )
            for order in newest[:count]:
                shop.app.set_order_status(order.order_sn, "READY_TO_SHIP")

    shop.channel.client.http.on_call = observe


def test_paging_while_orders_change(shop: Rig) -> None:
    """docs/reliability.md #15: orders leaving the window while paging shift the list; none is
    lost."""
    made = shop.orders(count=250, days=10)
    until = now(shop) - timedelta(minutes=1)
    _change_during_paging(shop, 5)
    found = [o.order_id for o in shop.channel.iter_orders(until - 11 * DAY, until)]
    assert len(found) == len(set(found)) == 250
    assert set(found) == set(made)


def test_the_sandbox_cursor_really_shifts(shop: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the re-check, the same change loses orders: the sandbox is not lenient."""
    monkeypatch.setattr(shopee_orders, "MAX_PASSES", 1)
    shop.orders(count=250, days=10)
    until = now(shop) - timedelta(minutes=1)
    _change_during_paging(shop, 5)
    found = [o.order_id for o in shop.channel.iter_orders(until - 11 * DAY, until)]
    assert len(found) == 245


def test_one_page_is_read_once(shop: Rig) -> None:
    shop.orders(count=3, days=1)
    start = len(shop.records)
    assert len(list(shop.channel.iter_orders(now(shop) - 2 * DAY, now(shop)))) == 3
    assert [r.call for r in shop.records[start:]] == ["get_order_list", "get_order_detail"]


def test_empty_range_makes_no_call(shop: Rig) -> None:
    start, moment = len(shop.records), now(shop)
    assert list(shop.channel.iter_orders(moment, moment)) == []
    assert list(shop.channel.iter_orders(moment, moment - DAY)) == []
    assert shop.records[start:] == []


def test_order_fields(shop: Rig) -> None:
    (sn,) = shop.orders(lines=[{"sku": "LT-1", "quantity": 2}, {"sku": "LT-1", "quantity": 1}])
    (order,) = shop.channel.iter_orders(now(shop) - DAY, now(shop) + timedelta(minutes=1))
    assert order.order_id == sn and order.status == "UNPAID" and order.state is OrderState.PENDING
    assert [(line.sku, line.quantity, line.unit_price) for line in order.lines] == [
        ("LT-1", 3, Money.vnd(51_000))
    ]
    assert order.total == Money.vnd(153_000)
    assert order.created_at.tzinfo is UTC and order.updated_at >= order.created_at


def test_product_without_variants_uses_item_sku(shop: Rig) -> None:
    listing = shop.channel.create_listing(shop.channel.map_product(tea("SOLO")))
    shop.channel.set_offers([OfferUpdate(listing, Offer("SOLO", 5))])
    shop.orders(sku="SOLO", quantity=1)
    (order,) = shop.channel.iter_orders(now(shop) - DAY, now(shop) + timedelta(minutes=1))
    assert [line.sku for line in order.lines] == ["SOLO"]


@pytest.mark.parametrize(
    ("path", "state"),
    [
        (["READY_TO_SHIP"], OrderState.PAID),
        (["READY_TO_SHIP", "PROCESSED"], OrderState.PAID),
        (["READY_TO_SHIP", "SHIPPED"], OrderState.SHIPPED),
        (["READY_TO_SHIP", "SHIPPED", "TO_CONFIRM_RECEIVE"], OrderState.SHIPPED),
        (["READY_TO_SHIP", "SHIPPED", "COMPLETED"], OrderState.COMPLETED),
        (["READY_TO_SHIP", "IN_CANCEL"], OrderState.PAID),
        (["READY_TO_SHIP", "IN_CANCEL", "CANCELLED"], OrderState.CANCELLED),
        (["CANCELLED"], OrderState.CANCELLED),
        (["READY_TO_SHIP", "SHIPPED", "COMPLETED", "TO_RETURN"], OrderState.RETURNED),
    ],
)
def test_status_maps_onto_core_states(shop: Rig, path: list[str], state: OrderState) -> None:
    (sn,) = shop.orders(sku="LT-2", quantity=2)
    seen: list[Any] = []
    for status in path:
        shop.app.clock.advance(60)
        shop.status(sn, status)
        (order,) = shop.channel.iter_orders(now(shop) - DAY, now(shop) + timedelta(minutes=1))
        seen.append(order.updated_at)
        assert order.status == status
    assert order.state is state
    assert seen == sorted(seen) and len(set(seen)) == len(seen)  # each change moves update_time


def test_sandbox_stock_follows_orders(shop: Rig) -> None:
    (kept,) = shop.orders(sku="LT-1", quantity=3)
    (cancelled,) = shop.orders(sku="LT-1", quantity=2)
    assert (shop.units()["LT-1"]["stock"], shop.units()["LT-1"]["reserved"]) == (500, 5)
    shop.status(cancelled, "CANCELLED")
    shop.status(kept, "READY_TO_SHIP")
    shop.status(kept, "SHIPPED")
    assert (shop.units()["LT-1"]["stock"], shop.units()["LT-1"]["reserved"]) == (497, 0)


def test_unknown_status_keeps_stock_held() -> None:
    assert shopee_orders.state_of("SOMETHING_NEW") is OrderState.PAID


def test_listed_order_without_details_is_an_error(shop: Rig) -> None:
    shop.orders(count=2, days=1)
    empty = {"error": "", "message": "", "request_id": "x", "response": {"order_list": []}}
    shop.server.add_fault(action="status", path=DETAIL, status=200, body=empty, times=None)
    try:
        with pytest.raises(TransientError, match="gave no details"):
            list(shop.channel.iter_orders(now(shop) - 2 * DAY, now(shop)))
    finally:
        shop.server.clear_faults()


def test_windows_cover_the_range_exactly() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    spans = list(shopee_orders.windows(start, start + timedelta(days=31, seconds=1)))
    assert [stop - begin for begin, stop in spans] == [15 * 86_400, 15 * 86_400, 86_401]
    assert spans[0][0] == int(start.timestamp())
