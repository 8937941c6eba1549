"""Tiki orders over real HTTP against the sandbox: windows in Vietnam time, every page,
statuses onto the core's states, VND read with Decimal; and the pure folding of a reply."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from listsync_tiki.channel import TikiChannel
from listsync_tiki.orders import fold, order_state, parse_time, seller_sku, wire_time
from listsync_tiki.sandbox.app import TikiSandbox

from listsync.channel.contract import Money, OfferUpdate, OrderState
from listsync.clock import FakeClock
from listsync.errors import RejectedError
from listsync.http import MalformedReply
from listsync.sandbox.harness import SandboxServer
from tests.adapters.tiki.client_support import configure, connect, control, tea

ORDERS = "/integration/v2/orders"


@pytest.fixture
def channel(server: SandboxServer, tmp_path: Path) -> Iterator[TikiChannel]:
    channel = connect(server, tmp_path, order_page_size=3)
    yield channel
    channel.close()


def publish(channel: TikiChannel, stock: int = 40) -> None:
    draft = channel.map_product(tea())
    listing = channel.review_state(channel.create_listing(draft))
    updates = [OfferUpdate(listing, dataclasses.replace(o, stock=stock)) for o in draft.offers]
    assert all(result.ok for result in channel.set_offers(updates))


def window(app: TikiSandbox, days: float = 2) -> tuple[datetime, datetime]:
    now = app.clock.now()
    return now - timedelta(days=days), now + timedelta(minutes=1)


def test_more_orders_than_a_page_are_all_read(
    channel: TikiChannel, server: SandboxServer, app: TikiSandbox
) -> None:
    publish(channel)
    made = control(server, "POST", "/_sandbox/orders", {"count": 10, "days": 1})["order_ids"]
    orders = list(channel.iter_orders(*window(app)))
    assert sorted(o.order_id for o in orders) == sorted(made)
    pages = server.calls("GET", ORDERS)
    assert [call["params"]["page"] for call in pages] == ["1", "2", "3", "4"]
    first = pages[0]["params"]
    assert first["limit"] == "3"
    assert first["status"] == "nin|processing,waiting_payment"
    assert len(first["updated_from_date"]) == 19 and first["updated_from_date"][10] == " "
    for order in orders:
        assert order.state is OrderState.PAID and order.status == "queueing"
        assert order.total.currency == "VND"
        (line,) = order.lines
        assert line.sku in ("TSTH-100", "TSTH-200") and line.quantity == 1
        assert order.total == line.unit_price


def test_orders_not_yet_real_are_left_out(
    channel: TikiChannel, server: SandboxServer, app: TikiSandbox
) -> None:
    publish(channel)
    (waiting,) = control(
        server, "POST", "/_sandbox/orders", {"sku": "TSTH-100", "status": "waiting_payment"}
    )["order_ids"]
    (paid,) = control(server, "POST", "/_sandbox/orders", {"sku": "TSTH-200", "quantity": 2})[
        "order_ids"
    ]
    assert [o.order_id for o in channel.iter_orders(*window(app))] == [paid]
    control(server, "POST", f"/_sandbox/orders/{waiting}/status", {"status": "queueing"})
    assert {o.order_id for o in channel.iter_orders(*window(app))} == {paid, waiting}


def test_a_window_is_read_in_vietnam_time(
    channel: TikiChannel, server: SandboxServer, app: TikiSandbox
) -> None:
    publish(channel)
    (code,) = control(server, "POST", "/_sandbox/orders", {"sku": "TSTH-100"})["order_ids"]
    now = app.clock.now()
    assert [o.order_id for o in channel.iter_orders(now - timedelta(minutes=5), now)] == [code]
    later = list(channel.iter_orders(now + timedelta(minutes=5), now + timedelta(hours=1)))
    assert later == []
    sent = server.calls("GET", ORDERS)[-1]["params"]
    vietnam = (now + timedelta(minutes=5, seconds=-1)).astimezone(UTC) + timedelta(hours=7)
    assert sent["updated_from_date"] == vietnam.strftime("%Y-%m-%d %H:%M:%S")


def test_the_order_story_and_whole_dong(
    channel: TikiChannel, server: SandboxServer, app: TikiSandbox
) -> None:
    configure(server, money_style="integer")
    publish(channel)
    (code,) = control(server, "POST", "/_sandbox/orders", {"sku": "TSTH-200", "quantity": 3})[
        "order_ids"
    ]
    for status in ("packaging", "ready_to_ship", "shipping"):
        control(server, "POST", f"/_sandbox/orders/{code}/status", {"status": status})
    (order,) = channel.iter_orders(*window(app))
    assert (order.state, order.status) == (OrderState.SHIPPED, "shipping")
    (line,) = order.lines
    assert (line.sku, line.quantity, line.unit_price) == ("TSTH-200", 3, Money.vnd(240_000))
    assert order.total == Money.vnd(720_000)


def test_a_refused_order_list_is_never_retried(
    channel: TikiChannel, server: SandboxServer, app: TikiSandbox
) -> None:
    words = "updated_from_date must be in the format yyyy-MM-dd HH:mm:ss"
    server.add_fault(
        action="status", method="GET", path=ORDERS, status=400, body={"errors": [words]}
    )
    with pytest.raises(RejectedError, match=words) as refused:
        list(channel.iter_orders(*window(app)))
    assert refused.value.channel == "tiki" and refused.value.call == "get_orders"
    assert len(server.calls("GET", ORDERS)) == 1


def test_a_throttled_order_list_is_read_after_waiting(
    server: SandboxServer, tmp_path: Path, app: TikiSandbox
) -> None:
    clock = FakeClock(datetime.now(UTC))
    channel = connect(server, tmp_path, clock=clock)
    try:
        publish(channel)
        made = control(server, "POST", "/_sandbox/orders", {"count": 2, "days": 1})["order_ids"]
        server.add_fault(
            action="status",
            method="GET",
            path=ORDERS,
            status=429,
            headers={"Retry-After": "3"},
            body={"errors": ["Current rate limit is 200 request / per second / per seller"]},
        )
        orders = list(channel.iter_orders(*window(app)))
    finally:
        channel.close()
    assert sorted(o.order_id for o in orders) == sorted(made)
    assert 3.0 in clock.sleeps
    assert [call["status"] for call in server.calls("GET", ORDERS)] == [429, 200]


# -- folding a reply (pure) -----------------------------------------------------------------
def reply(**changes: Any) -> dict[str, Any]:
    order: dict[str, Any] = {
        "code": "861000001",
        "status": "successful_delivery",
        "created_at": "2024-05-01 09:30:00",
        "updated_at": "2024-05-02 18:00:05",
        "invoice": {"subtotal": "818000.00", "grand_total": "800000.00"},
        "items": [
            {
                "id": 300000001,
                "product": {"id": 1, "sku": "2100000000001", "seller_product_code": "TSTH-100"},
                "invoice": {"price": "409000.00", "quantity": 2, "subtotal": "818000.00"},
            }
        ],
    }
    order.update(changes)
    return order


def test_fold_reads_decimals_and_vietnam_time() -> None:
    order = fold(reply())
    assert order.order_id == "861000001"
    assert order.state is OrderState.COMPLETED
    assert order.created_at == datetime(2024, 5, 1, 2, 30, tzinfo=UTC)
    assert order.updated_at == datetime(2024, 5, 2, 11, 0, 5, tzinfo=UTC)
    assert order.total == Money.vnd(818_000) and isinstance(order.total.amount, Decimal)
    (line,) = order.lines
    assert (line.sku, line.quantity, line.unit_price, line.line_id) == (
        "TSTH-100",
        2,
        Money.vnd(409_000),
        "300000001",
    )


def test_fold_falls_back_to_older_fields() -> None:
    item = {"id": 7, "product": {"sku": "2100"}, "original_sku": "GIO-UL-1KG", "qty": 1}
    item["price"] = 320000
    order = fold(reply(invoice={}, items=[item]))
    (line,) = order.lines
    assert (line.sku, line.quantity, line.unit_price) == ("GIO-UL-1KG", 1, Money.vnd(320_000))
    assert order.total == Money.vnd(320_000)
    assert seller_sku({"product": {"sku": "2100"}}) == "2100"
    assert seller_sku({"product": {"original_sku": "A", "sku": "2100"}}) == "A"


def test_fold_refuses_what_tiki_should_not_send() -> None:
    with pytest.raises(MalformedReply, match="not a whole number of dong"):
        fold(reply(invoice={"subtotal": "409000.50"}))
    with pytest.raises(MalformedReply, match="time Tiki should not send"):
        fold(reply(created_at="yesterday"))
    with pytest.raises(MalformedReply, match="no code"):
        fold(reply(code=""))


def test_every_tiki_status_has_a_state() -> None:
    expected = {
        "waiting_payment": OrderState.PENDING,
        "payment_review": OrderState.PENDING,
        "processing": OrderState.PENDING,
        "queueing": OrderState.PAID,
        "paid": OrderState.PAID,
        "picking": OrderState.PAID,
        "packaging": OrderState.PAID,
        "finished_packing": OrderState.PAID,
        "ready_to_ship": OrderState.PAID,
        "holded": OrderState.PAID,
        "handover_to_partner": OrderState.SHIPPED,
        "shipping": OrderState.SHIPPED,
        "delivered": OrderState.COMPLETED,
        "successful_delivery": OrderState.COMPLETED,
        "complete": OrderState.COMPLETED,
        "closed": OrderState.COMPLETED,
        "canceled": OrderState.CANCELLED,
        "returned": OrderState.RETURNED,
        "something_new": OrderState.PAID,
    }
    assert {status: order_state(status) for status in expected} == expected
    moment = datetime(2024, 5, 1, 17, 0, 1, tzinfo=UTC)
    assert wire_time(moment) == "2024-05-02 00:00:01"
    assert parse_time(wire_time(moment), "x") == moment
