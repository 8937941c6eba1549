"""Orders: the sandbox's GetOrders/GetMultipleOrderItems rules, and the channel's pull."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from listsync_lazada.channel import LazadaChannel
from listsync_lazada.orders import order_state
from listsync_lazada.sandbox.app import LazadaSandbox
from listsync_lazada.sandbox.catalog import ItemRecord, SkuRecord

from listsync.channel.contract import Money, OrderState
from listsync.http import CallRecord
from listsync.sandbox.harness import SandboxServer
from tests.adapters.lazada.support import connect, grant, png, raw_call


@pytest.fixture
def token(server: SandboxServer) -> str:
    return str(grant(server)["access_token"])


def listed(app: LazadaSandbox, *skus: tuple[str, int, int]) -> None:
    """Put items straight into the sandbox store: (seller sku, stock, price)."""
    now = app.clock.now()
    for seller_sku, stock, price in skus:
        item_id = 3_100_000_000 + len(app.products.items)
        sku = SkuRecord(
            item_id * 10,
            seller_sku,
            stock,
            Decimal(price),
            None,
            {"package_weight": Decimal("0.3")},
            {},
            [],
        )
        app.products.items[item_id] = ItemRecord(
            item_id, 10000010, {"name": f"Sản phẩm {seller_sku}"}, [], [sku], now, now
        )


def orders_get(server: SandboxServer, token: str, **params: Any) -> dict[str, Any]:
    query = {"created_after": "2020-01-01T00:00:00+07:00", **params}
    body: dict[str, Any] = raw_call(server, "/orders/get", query, token=token).json()
    return body


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"created_after": None, "update_after": None}, "MissingParameter"),
        ({"created_after": "2024-01-01"}, "17"),
        ({"created_after": "2024-01-01T00:00:00Z"}, "17"),
        ({"limit": 101}, "19"),
        ({"limit": 0}, "19"),
        ({"offset": 5001}, "14"),
        ({"status": "paid"}, "36"),
        ({"sort_by": "price"}, "75"),  # E075: Invalid sort filter
        ({"sort_direction": "UP"}, "74"),  # E074: Invalid sort direction
        ({"update_before": "yesterday"}, "17"),
        ({"created_before": "2024-02-30T00:00:00+07:00"}, "17"),
    ],
)
def test_orders_get_refusals(
    server: SandboxServer, token: str, params: dict[str, Any], code: str
) -> None:
    query = {"created_after": "2020-01-01T00:00:00+07:00", **params}
    query = {k: v for k, v in query.items() if v is not None}
    assert raw_call(server, "/orders/get", query, token=token).json()["code"] == code


def test_orders_get_accepts_the_offset_limit_edges(server: SandboxServer, token: str) -> None:
    assert orders_get(server, token, offset=5000, limit=100)["code"] == "0"
    assert orders_get(server, token, update_after="2020-01-01T00:00:00-03:00")["code"] == "0"


def test_order_items_need_a_bracketed_list_of_at_most_50(server: SandboxServer, token: str) -> None:
    bad = raw_call(server, "/orders/items/get", {"order_ids": "1,2"}, token=token).json()
    assert bad["code"] == "56"  # E056: Invalid OrdersIdList format. Must use array format [1,2]
    ids = "[" + ",".join(str(i) for i in range(51)) + "]"
    many = raw_call(server, "/orders/items/get", {"order_ids": ids}, token=token).json()
    assert many["code"] == "38"  # E038: Too many orders were requested


def test_multiple_order_items_of_unknown_orders_are_39_or_37(
    server: SandboxServer, app: LazadaSandbox, token: str
) -> None:
    listed(app, ("LT-1", 10, 125_000))
    (order_id,) = app.create_orders({"sku": "LT-1", "quantity": 1})
    none = raw_call(server, "/orders/items/get", {"order_ids": "[1,2]"}, token=token).json()
    assert none["code"] == "39"  # E039: No orders were found
    some = raw_call(
        server, "/orders/items/get", {"order_ids": f"[{order_id},2]"}, token=token
    ).json()
    assert some["code"] == "37"  # E037: One or more order id in the list are incorrect


def test_order_get_and_order_items_get_answer_one_order(
    server: SandboxServer, app: LazadaSandbox, token: str
) -> None:
    listed(app, ("LT-1", 10, 125_000))
    (order_id,) = app.create_orders({"sku": "LT-1", "quantity": 2})
    order = raw_call(server, "/order/get", {"order_id": order_id}, token=token).json()
    assert order["code"] == "0", order
    data = order["data"]
    assert (data["order_id"], data["price"], data["statuses"]) == (
        int(order_id),
        "250000.00",
        ["pending"],
    )
    assert data["gift_option"] is False  # GetOrder types it Boolean
    assert set(ORDER_FIELDS) <= set(data)
    assert set(ADDRESS_FIELDS) <= set(data["address_billing"])
    rows = raw_call(server, "/order/items/get", {"order_id": order_id}, token=token).json()
    assert rows["code"] == "0", rows
    assert [r["order_id"] for r in rows["data"]] == [order_id, order_id]  # a String there
    assert {r["sku"] for r in rows["data"]} == {"LT-1"}
    assert set(ITEM_FIELDS) <= set(rows["data"][0])


@pytest.mark.parametrize("path", ["/order/get", "/order/items/get"])
def test_unknown_order_id_is_16(server: SandboxServer, token: str, path: str) -> None:
    body = raw_call(server, path, {"order_id": "404"}, token=token).json()
    assert body["code"] == "16" and "Invalid Order ID" in body["message"]
    assert raw_call(server, path, {}, token=token).json()["code"] == "MissingParameter"


# Every field the GetOrders / GetOrder and GetMultipleOrderItems / GetOrderItems pages
# mark required.
ORDER_FIELDS = (
    "order_id", "order_number", "created_at", "updated_at", "price", "shipping_fee",
    "voucher", "voucher_code", "items_count", "statuses", "payment_method",
    "promised_shipping_times", "customer_first_name", "customer_last_name",
    "address_shipping", "address_billing", "gift_option", "gift_message", "delivery_info",
    "remarks", "branch_number", "tax_code", "national_registration_number",
    "extra_attributes",
)  # fmt: skip
ADDRESS_FIELDS = (
    "first_name", "last_name", "phone", "phone2", "address1", "address2", "address3",
    "address4", "address5", "city", "post_code", "country",
)  # fmt: skip
ITEM_FIELDS = (
    "order_item_id", "order_id", "shop_id", "sku", "shop_sku", "name", "variation",
    "product_main_image", "product_detail_url", "item_price", "paid_price", "currency",
    "status", "reason", "reason_detail", "return_status", "shipping_type",
    "shipping_provider_type", "shipment_provider", "shipping_amount", "shipping_service_cost",
    "voucher_amount", "voucher_code", "wallet_credits", "tax_amount", "tracking_code",
    "tracking_code_pre", "package_id", "invoice_number", "purchase_order_id",
    "purchase_order_number", "promised_shipping_time", "digital_delivery_info", "is_digital",
    "extra_attributes", "created_at", "updated_at",
)  # fmt: skip


def test_orders_and_items_carry_the_documented_fields(
    server: SandboxServer, app: LazadaSandbox, token: str
) -> None:
    listed(app, ("LT-1", 10, 125_000))
    (order_id,) = app.create_orders({"sku": "LT-1", "quantity": 2})
    order = orders_get(server, token)["data"]["orders"][0]
    assert set(ORDER_FIELDS) | {"address_updated_at"} <= set(order)
    assert set(ADDRESS_FIELDS) <= set(order["address_billing"])
    assert set(ADDRESS_FIELDS) <= set(order["address_shipping"])
    assert order["promised_shipping_times"] and order["gift_option"] == "0"
    body = raw_call(server, "/orders/items/get", {"order_ids": f"[{order_id}]"}, token=token)
    rows = body.json()["data"][0]["order_items"]
    assert set(ITEM_FIELDS) <= set(rows[0])
    assert isinstance(rows[0]["order_id"], int) and isinstance(rows[0]["is_digital"], int)
    assert (rows[0]["reason"], rows[0]["return_status"], rows[0]["shipping_type"]) == (
        "",
        "",
        "Dropshipping",
    )
    app.set_order_status(order_id, "canceled")
    body = raw_call(server, "/orders/items/get", {"order_ids": f"[{order_id}]"}, token=token)
    row = body.json()["data"][0]["order_items"][0]
    assert row["reason"] and row["cancel_return_initiator"] == "cancellation-customer"


def test_sandbox_orders_are_all_or_nothing(server: SandboxServer, app: LazadaSandbox) -> None:
    listed(app, ("LT-1", 3, 125_000), ("LT-2", 2, 90_000))
    response = requests.post(
        server.root_url + "/_sandbox/orders", json={"count": 6, "days": 1}, timeout=5
    )
    assert response.status_code == 400 and "none was made" in response.json()["message"]
    assert app.state()["order_count"] == 0
    assert {u["sku"]: u["reserved"] for u in app.state()["listings"]} == {"LT-1": 0, "LT-2": 0}
    response = requests.post(
        server.root_url + "/_sandbox/orders", json={"count": 5, "days": 1}, timeout=5
    )
    assert response.status_code == 200 and len(response.json()["order_ids"]) == 5


def test_one_item_row_per_unit_with_status_and_money_strings(
    server: SandboxServer, app: LazadaSandbox, token: str
) -> None:
    listed(app, ("LT-1", 10, 125_000))
    (order_id,) = app.create_orders({"sku": "LT-1", "quantity": 3})
    order = orders_get(server, token)["data"]["orders"][0]
    assert (str(order["order_id"]), order["price"], order["statuses"]) == (
        order_id,
        "375000.00",
        ["pending"],
    )
    body = raw_call(server, "/orders/items/get", {"order_ids": f"[{order_id}]"}, token=token).json()
    rows = body["data"][0]["order_items"]
    assert len(rows) == 3 and len({r["order_item_id"] for r in rows}) == 3
    assert {(r["sku"], r["item_price"], r["currency"], r["status"]) for r in rows} == {
        ("LT-1", "125000.00", "VND", "pending")
    }


def test_stock_is_locked_by_orders_and_released_on_cancel(
    server: SandboxServer, app: LazadaSandbox
) -> None:
    listed(app, ("LT-1", 10, 125_000))
    (first,) = app.create_orders({"sku": "LT-1", "quantity": 3})
    (second,) = app.create_orders({"sku": "LT-1", "quantity": 2})

    def unit() -> tuple[int, int]:
        (listing,) = app.state()["listings"]
        return listing["stock"], listing["reserved"]

    assert unit() == (10, 5)
    app.set_order_status(first, "canceled")
    assert unit() == (10, 2)
    app.set_order_status(second, "shipped")
    assert unit() == (8, 0)
    app.set_order_status(second, "returned")
    assert unit() == (10, 0)
    assert app.state()["orders"] == {"canceled": 1, "returned": 1}


def test_status_change_moves_updated_at(
    server: SandboxServer, app: LazadaSandbox, token: str
) -> None:
    listed(app, ("LT-1", 10, 125_000))
    (order_id,) = app.create_orders({"sku": "LT-1", "quantity": 1})
    before = orders_get(server, token)["data"]["orders"][0]["updated_at"]
    app.clock.advance(1)
    app.set_order_status(order_id, "packed")
    after = orders_get(server, token)["data"]["orders"][0]
    assert after["updated_at"] > before and after["statuses"] == ["packed"]


def test_status_words_are_lazadas(app: LazadaSandbox) -> None:
    listed(app, ("LT-1", 10, 125_000))
    (order_id,) = app.create_orders({"sku": "LT-1", "quantity": 1})
    with pytest.raises(Exception, match="unknown Lazada status"):
        app.set_order_status(order_id, "CANCELLED")


def pull(channel: LazadaChannel, app: LazadaSandbox, days: int = 40) -> list[Any]:
    now = app.clock.now()
    return list(channel.iter_orders(now - timedelta(days=days), now + timedelta(minutes=1)))


def test_more_than_5000_orders_in_one_pull(
    server: SandboxServer, app: LazadaSandbox, tmp_path: Path
) -> None:
    listed(app, ("LT-1", 4000, 125_000), ("LT-2", 4000, 90_000))
    created = app.create_orders({"count": 5050, "days": 30})
    urls: list[str] = []
    channel = connect(server, tmp_path)
    channel.client.http.on_call = lambda record: urls.append(record.path)
    orders = pull(channel, app)
    assert len(orders) == 5050
    assert sorted(o.order_id for o in orders) == sorted(created)
    pages = [parse_qs(urlsplit(u).query) for u in urls if "/orders/get" in u]
    assert max(int(p["offset"][0]) for p in pages) < 5000
    assert len({p["update_after"][0] for p in pages}) > 1  # the window moved
    assert all(p["limit"] == ["100"] for p in pages)
    item_calls = [u for u in urls if "/orders/items/get" in u]
    assert all(
        len(parse_qs(urlsplit(u).query)["order_ids"][0].split(",")) <= 50 for u in item_calls
    )


def test_orders_sharing_one_second_are_paged_by_offset(
    server: SandboxServer, app: LazadaSandbox, tmp_path: Path
) -> None:
    listed(app, ("LT-1", 500, 125_000))
    moment = app.clock.now().replace(microsecond=0) - timedelta(hours=1)
    ids = {str(app.orders.create([("LT-1", 1)], moment).order_id) for _ in range(250)}
    records: list[CallRecord] = []
    channel = connect(server, tmp_path)
    channel.client.http.on_call = records.append
    orders = pull(channel, app, days=1)
    assert {o.order_id for o in orders} == ids and len(orders) == 250
    offsets = [
        parse_qs(urlsplit(r.path).query)["offset"][0] for r in records if "orders/get" in r.path
    ]
    assert offsets == ["0", "0", "100", "200"]  # the window moves once, then ties need offsets


def test_orders_changed_while_paging_are_not_lost(
    server: SandboxServer, app: LazadaSandbox, tmp_path: Path
) -> None:
    listed(app, ("LT-1", 500, 125_000))
    created = app.create_orders({"count": 300, "days": 5})
    channel = connect(server, tmp_path, order_page_size=50)
    seen: list[str] = []
    for order in channel.iter_orders(
        app.clock.now() - timedelta(days=6), app.clock.now() + timedelta(minutes=5)
    ):
        seen.append(order.order_id)
        if len(seen) == 60:  # a page later, early orders change and jump to the end
            for order_id in sorted(created)[:20]:
                app.set_order_status(order_id, "packed")
    assert set(seen) == set(created)


def test_units_fold_into_lines_with_quantities(
    server: SandboxServer, app: LazadaSandbox, tmp_path: Path
) -> None:
    listed(app, ("LT-1", 10, 125_000), ("LT-2", 10, 90_000))
    (order_id,) = app.create_orders(
        {"lines": [{"sku": "LT-1", "quantity": 2}, {"sku": "LT-2", "quantity": 1}]}
    )
    (order,) = pull(connect(server, tmp_path), app)
    assert order.order_id == order_id and order.state is OrderState.PAID
    assert {(line.sku, line.quantity, line.unit_price) for line in order.lines} == {
        ("LT-1", 2, Money.vnd(125_000)),
        ("LT-2", 1, Money.vnd(90_000)),
    }
    assert order.total == Money.vnd(340_000)
    assert order.created_at.utcoffset() == timedelta(0)


def test_mixed_item_statuses(server: SandboxServer, app: LazadaSandbox, tmp_path: Path) -> None:
    listed(app, ("LT-1", 10, 125_000))
    (order_id,) = app.create_orders({"sku": "LT-1", "quantity": 3})
    units = [item.order_item_id for item in app.orders.orders[int(order_id)].items]
    channel = connect(server, tmp_path)
    app.set_item_status(order_id, units[:1], "canceled")
    (order,) = pull(channel, app)
    assert (order.state, [(line.sku, line.quantity) for line in order.lines]) == (
        OrderState.PAID,
        [("LT-1", 2)],
    )
    assert order.status == "canceled,pending"
    app.set_item_status(order_id, units[1:2], "shipped")
    (order,) = pull(channel, app)
    assert order.state is OrderState.PAID  # one unit is not on its way yet
    app.set_item_status(order_id, units[2:], "shipped")
    (order,) = pull(channel, app)
    assert order.state is OrderState.SHIPPED and order.lines[0].quantity == 2
    app.set_item_status(order_id, units[1:], "canceled")
    (order,) = pull(channel, app)
    assert order.state is OrderState.CANCELLED and order.lines[0].quantity == 3


@pytest.mark.parametrize(
    ("statuses", "state"),
    [
        (["unpaid"], OrderState.PENDING),
        (["pending"], OrderState.PAID),
        (["ready_to_ship", "shipped"], OrderState.PAID),
        (["shipped", "delivered"], OrderState.SHIPPED),
        (["delivered"], OrderState.COMPLETED),
        (["delivered", "canceled"], OrderState.COMPLETED),
        (["canceled"], OrderState.CANCELLED),
        (["canceled", "returned"], OrderState.RETURNED),
        (["shipped_back_success"], OrderState.RETURNED),
        (["lost_by_3pl"], OrderState.SHIPPED),
        (["something_new"], OrderState.PAID),
    ],
)
def test_order_state_from_item_statuses(statuses: list[str], state: OrderState) -> None:
    assert order_state(statuses) is state


def test_channel_pull_through_real_listing(
    server: SandboxServer, app: LazadaSandbox, tmp_path: Path
) -> None:
    """A created listing's units take orders that come back with the catalog's SKUs."""
    image = tmp_path / "a.png"
    image.write_bytes(png())
    listed(app, ("X-1", 5, 10_000))
    app.create_orders({"sku": "X-1", "quantity": 1})
    (order,) = pull(connect(server, tmp_path), app)
    assert order.lines[0].sku == "X-1"
