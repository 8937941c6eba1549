"""Alibaba.com Trade Assurance orders over HTTP against the sandbox: windows, pages, the
core's states, whole units and USD to the cent; and the report that shows them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from listsync_alibaba.channel import AlibabaChannel
from listsync_alibaba.errors import AlibabaRejected
from listsync_alibaba.orders import GET, LIST
from listsync_alibaba.sandbox.app import AlibabaSandbox

from listsync.channel.contract import Offer, OfferUpdate, Order, OrderState, RemoteListing
from listsync.report.model import ReportOptions, build_report
from listsync.sandbox.harness import SandboxServer
from tests.adapters.alibaba.client_support import (
    Recorder,
    Shop,
    configure,
    connect,
    control,
    order,
    tea,
)


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(AlibabaSandbox(rate_per_second=None)) as server:
        yield server


@pytest.fixture
def channel(server: SandboxServer, tmp_path: Path) -> Iterator[AlibabaChannel]:
    channel = connect(server, tmp_path)
    yield channel
    channel.close()


def stocked(channel: AlibabaChannel, sku: str = "TSTH", units: int = 500) -> RemoteListing:
    listing = channel.create_listing(channel.map_product(tea(sku)))
    updates = [
        OfferUpdate(listing, Offer(sku=s, stock=units), set_price=False) for s in listing.units
    ]
    assert all(r.ok for r in channel.set_offers(updates))
    return listing


def window(server: SandboxServer, days: float = 4) -> tuple[datetime, datetime]:
    now = server.app.clock.now()
    return now - timedelta(days=days), now + timedelta(minutes=1)


def pulled(channel: AlibabaChannel, server: SandboxServer, days: float = 4) -> list[Order]:
    return list(channel.iter_orders(*window(server, days)))


def sandbox_orders(server: SandboxServer) -> dict[str, Any]:
    app = server.app
    assert isinstance(app, AlibabaSandbox)
    return app.orders.orders


def test_orders_are_paged_each_once_with_exact_usd(server: SandboxServer, tmp_path: Path) -> None:
    channel = connect(server, tmp_path, order_page_size=5)
    stocked(channel)
    made = control(server, "POST", "/_sandbox/orders", {"count": 23, "days": 3})["order_ids"]
    calls = Recorder(channel)
    orders = pulled(channel, server)
    assert sorted(o.order_id for o in orders) == sorted(made)
    pages = [p["start_page"] for p in calls.of(LIST)]
    assert pages == [0, 1, 2, 3, 4]
    assert all(p["role"] == "seller" and p["page_size"] == 5 for p in calls.of(LIST))
    assert len(calls.of(GET)) == 23
    truth = sandbox_orders(server)
    for found in orders:
        expected = truth[found.order_id]
        assert found.total.currency == "USD"
        assert found.total.amount == expected.product_total  # to the cent, Decimal
        assert sum(line.unit_price.amount * line.quantity for line in found.lines) == (
            expected.product_total
        )
        assert {line.sku for line in found.lines} <= {"TSTH-100", "TSTH-200"}
        assert all(isinstance(line.quantity, int) and line.quantity > 0 for line in found.lines)
    assert sum((o.total.amount for o in orders), Decimal(0)) == sum(
        (o.product_total for o in truth.values()), Decimal(0)
    )


def test_pages_counted_from_one_are_read_too(server: SandboxServer, tmp_path: Path) -> None:
    configure(server, order_first_page=1)
    channel = connect(server, tmp_path, order_page_size=4)
    stocked(channel)
    made = control(server, "POST", "/_sandbox/orders", {"count": 9, "days": 2})["order_ids"]
    orders = pulled(channel, server)
    assert sorted(o.order_id for o in orders) == sorted(made)  # each once


def test_statuses_map_onto_the_core_states(channel: AlibabaChannel, server: SandboxServer) -> None:
    stocked(channel)
    walks = {
        OrderState.PENDING: ("unpay", ()),
        OrderState.PAID: ("paid", ("undeliver",)),
        OrderState.SHIPPED: ("paid", ("undeliver", "delivering", "wait_confirm_receipt")),
        OrderState.COMPLETED: ("paid", ("delivering", "trade_success")),
        OrderState.CANCELLED: ("unpay", ("trade_close",)),
        OrderState.RETURNED: ("paid", ("delivering", "charge_back")),
    }
    expected = {}
    for state, (start, steps) in walks.items():
        trade_id = order(server, "TSTH-100", 2, status=start)
        for status in steps:
            control(server, "POST", f"/_sandbox/orders/{trade_id}/status", {"status": status})
        expected[trade_id] = state
    frozen = order(server, "TSTH-200", 1)
    control(server, "POST", f"/_sandbox/orders/{frozen}/status", {"status": "frozen"})
    expected[frozen] = OrderState.PAID
    found = {o.order_id: o.state for o in pulled(channel, server)}
    assert found == expected


def test_quantities_are_whole_units_and_prices_exact_at_four_places(
    channel: AlibabaChannel, server: SandboxServer
) -> None:
    configure(server, unit_price_places=4)
    stocked(channel)
    trade_id = order(server, "TSTH-100", 120)
    (found,) = pulled(channel, server)
    (line,) = found.lines
    assert (found.order_id, line.sku, line.quantity) == (trade_id, "TSTH-100", 120)
    assert line.unit_price.amount == Decimal("14.50") and line.unit_price.currency == "USD"
    assert found.total.amount == Decimal("1740.00")


def test_a_fractional_quantity_is_refused_with_a_sentence(
    channel: AlibabaChannel, server: SandboxServer
) -> None:
    stocked(channel)
    trade_id = order(server, "TSTH-100", 2)
    body = {
        "code": "0",
        "value": {
            "trade_id": trade_id,
            "trade_status": "paid",
            "create_date": {"timestamp": "1764000000000"},
            "order_products": [
                {
                    "sku_code": "TSTH-100",
                    "quantity": "2.5000",
                    "unit_price": {"amount": "14.50", "currency": "USD"},
                }
            ],
            "product_total_amount": {"amount": "36.25", "currency": "USD"},
        },
    }
    server.add_fault(action="status", path="/rest/alibaba/order/get", status=200, body=body)
    with pytest.raises(AlibabaRejected, match="not a whole number of units"):
        pulled(channel, server)


def test_masked_trade_ids_stop_the_pull_with_a_sentence(
    channel: AlibabaChannel, server: SandboxServer
) -> None:
    stocked(channel)
    order(server, "TSTH-100", 2)
    configure(server, mask_trade_ids=True)
    with pytest.raises(AlibabaRejected, match="masked") as refused:
        pulled(channel, server)
    assert "order permission" in str(refused.value)


def test_only_orders_changed_in_the_window_are_read(
    channel: AlibabaChannel, server: SandboxServer
) -> None:
    stocked(channel)
    old = order(server, "TSTH-100", 2)
    control(server, "POST", "/_sandbox/clock", {"advance_seconds": 3 * 86_400})
    new = order(server, "TSTH-100", 3)
    assert [o.order_id for o in pulled(channel, server, days=1)] == [new]
    control(server, "POST", f"/_sandbox/orders/{old}/status", {"status": "trade_success"})
    assert {o.order_id for o in pulled(channel, server, days=1)} == {old, new}


def test_the_report_shows_usd_beside_vnd_never_added_without_a_rate(
    server: SandboxServer, tmp_path: Path
) -> None:
    """Real Alibaba orders, pulled by the sync engine: the report's USD revenue is exactly
    the sandbox's, and VND totals include it only at a configured rate."""
    shop = Shop(server, tmp_path)
    shop.catalog(tea(), stock=400)
    shop.push()
    made = control(server, "POST", "/_sandbox/orders", {"count": 6, "days": 2})["order_ids"]
    shop.clock.advance(120)
    shop.sync()
    assert shop.ledger.order_count("alibaba") == len(made)
    truth = sum((sandbox_orders(server)[i].product_total for i in made), Decimal(0))
    now = datetime.now(UTC) + timedelta(minutes=5)
    plain = build_report(shop.ledger, ReportOptions(by="channel"), now)
    assert plain.currencies == ("USD",)
    assert plain.total.amount("USD") == truth and plain.total.vnd == 0
    assert not plain.converts and plain.total.converted(None) is None
    rate = Decimal("25400")
    converted = build_report(shop.ledger, ReportOptions(by="channel", usd_vnd_rate=rate), now)
    assert converted.converts
    assert converted.total.converted(rate) == int((truth * rate).to_integral_value())
    shop.ledger.close()
