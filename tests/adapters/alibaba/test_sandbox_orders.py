"""Trade Assurance orders in the Alibaba.com sandbox: the control API (all or nothing, the
stock an order takes), the order list by dates and pages, order details with exact USD
amounts, statuses, masked ids and the TOP names."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import requests
from listsync_alibaba.sandbox.app import AlibabaSandbox
from listsync_alibaba.sandbox.base import ms
from listsync_alibaba.sandbox.orders import STATUSES

from listsync.sandbox.harness import SandboxServer
from tests.adapters.alibaba.conftest import (
    TIMEOUT,
    Seller,
    control,
    publish,
    refused,
    stock,
)

LIST = "/alibaba/order/list"
GET = "/alibaba/order/get"


def order(server: SandboxServer, **spec: Any) -> str:
    answer = control(server, "orders", spec)
    assert answer.status_code == 200, answer.text
    (trade_id,) = answer.json()["order_ids"]
    return str(trade_id)


def status(server: SandboxServer, trade_id: str, word: str) -> requests.Response:
    return control(server, f"orders/{trade_id}/status", {"status": word})


def listed(seller: Seller, **query: Any) -> dict[str, Any]:
    return dict(seller.ok(LIST, {"role": "seller", **query})["value"])


def date(moment: Any) -> dict[str, str]:
    return {"date_timestamp": ms(moment)}


def test_order_detail_amounts_are_exact_usd(server: SandboxServer, seller: Seller) -> None:
    publish(seller, "LT-1", "LT-2")
    trade_id = order(
        server,
        lines=[{"sku": "LT-1", "quantity": 3}, {"sku": "LT-2", "quantity": 1}],
        shipment_fee="4.67",
    )
    value = seller.ok(GET, {"e_trade_id": trade_id})["value"]
    assert value["trade_id"] == trade_id and value["trade_status"] == "paid"
    lines = {line["sku_code"]: line for line in value["order_products"]}
    assert lines["LT-1"]["quantity"] == "3.0000" and lines["LT-2"]["quantity"] == "1.0000"
    assert lines["LT-1"]["unit_price"] == {"amount": "12.50", "currency": "USD"}
    assert lines["LT-1"]["product_id"].isdigit() and lines["LT-1"]["sku_id"].isdigit()
    assert lines["LT-2"]["sku_attributes"] == [{"key": "Weight", "value": "200g"}]
    assert value["product_total_amount"] == {"amount": "50.00", "currency": "USD"}
    assert value["shipment_fee"] == {"amount": "4.67", "currency": "USD"}
    assert value["total_amount"] == {"amount": "54.67", "currency": "USD"}
    assert value["create_date"]["timestamp"].isdigit()


def test_ladder_prices_and_unit_price_places(
    server: SandboxServer, app: AlibabaSandbox, seller: Seller
) -> None:
    product_id = publish(seller, "LT-L")
    seller.ok(
        "alibaba.icbu.product.inventory.update",
        {
            "request_param": {
                "product_id": product_id,
                "inventory_list": [
                    {
                        "sku_id": -1,
                        "inventory_code": "VN_HAN_DEFAULT",
                        "operate": "plus",
                        "inventory": 290,
                    }
                ],
            }
        },
    )
    trade_id = order(server, sku="LT-L", quantity=200)
    value = seller.ok(GET, {"e_trade_id": trade_id})["value"]
    (line,) = value["order_products"]
    assert line["unit_price"]["amount"] == "9.75"  # the 200+ tier
    assert value["total_amount"]["amount"] == "1950.00"
    app.configure(unit_price_places=4)
    (line,) = seller.ok(GET, {"e_trade_id": trade_id})["value"]["order_products"]
    assert line["unit_price"]["amount"] == "9.7500"
    assert stock(seller, product_id) == {"LT-L": 100}


def test_stock_leaves_at_payment_and_comes_back_at_close(
    server: SandboxServer, seller: Seller
) -> None:
    product_id = publish(seller, "LT-1")
    paid = order(server, sku="LT-1", quantity=2)
    assert stock(seller, product_id) == {"LT-1": 8}
    unpaid = order(server, sku="LT-1", quantity=3, status="unpay")
    assert stock(seller, product_id) == {"LT-1": 8}  # not yet: taken at payment
    assert status(server, unpaid, "paid").ok
    assert stock(seller, product_id) == {"LT-1": 5}
    assert status(server, paid, "trade_close").ok
    assert stock(seller, product_id) == {"LT-1": 7}
    assert status(server, unpaid, "undeliver").ok and status(server, unpaid, "delivering").ok
    assert stock(seller, product_id) == {"LT-1": 7}  # taken once


def test_stock_can_leave_at_creation(
    server: SandboxServer, app: AlibabaSandbox, seller: Seller
) -> None:
    app.configure(stock_taken_at="creation")
    product_id = publish(seller, "LT-1")
    order(server, sku="LT-1", quantity=3, status="unpay")
    assert stock(seller, product_id) == {"LT-1": 7}


def test_orders_are_all_or_nothing(
    server: SandboxServer, app: AlibabaSandbox, seller: Seller
) -> None:
    publish(seller, "LT-1", "LT-2")
    too_many = control(
        server,
        "orders",
        {"lines": [{"sku": "LT-1", "quantity": 1}, {"sku": "LT-2", "quantity": 11}]},
    )
    assert too_many.status_code == 400 and "LT-2" in too_many.json()["message"]
    spread = control(server, "orders", {"count": 21, "days": 2})
    assert spread.status_code == 400
    assert app.state()["order_count"] == 0
    assert {row["stock"] for row in app.state()["listings"]} == {10}
    made = control(server, "orders", {"count": 20, "days": 2}).json()["order_ids"]
    assert len(made) == 20 and {row["stock"] for row in app.state()["listings"]} == {0}
    assert control(server, "orders", {"sku": "NOPE"}).status_code == 400
    assert control(server, "orders", {"sku": "LT-1", "status": "trade_success"}).status_code == 400


def test_only_listings_on_sale_take_orders(
    server: SandboxServer, app: AlibabaSandbox, seller: Seller
) -> None:
    app.configure(auto_approve=False)
    publish(seller, "LT-1")
    answer = control(server, "orders", {"sku": "LT-1"})
    assert answer.status_code == 400 and "on sale" in answer.json()["message"]


def test_list_pages_from_zero(server: SandboxServer, app: AlibabaSandbox, seller: Seller) -> None:
    publish(seller, "LT-1")
    made = control(server, "orders", {"count": 7, "days": 3}).json()["order_ids"]
    first = listed(seller, page_size=3)
    assert first["total_count"] == "7" and len(first["order_list"]) == 3
    pages = [listed(seller, page_size=3, start_page=page)["order_list"] for page in (0, 1, 2)]
    seen = [row["trade_id"] for page in pages for row in page]
    assert sorted(seen) == sorted(made) and len(seen) == 7
    stamps = [int(row["create_date"]["timestamp"]) for page in pages for row in page]
    assert stamps == sorted(stamps, reverse=True)  # newest created first
    assert len(listed(seller)["order_list"]) == 7  # page_size 10 by default
    assert listed(seller, start_page=3, page_size=3)["order_list"] == []
    refused(seller.call(LIST, {"role": "seller", "page_size": 101}))
    app.configure(order_first_page=1)
    assert [r["trade_id"] for r in listed(seller, page_size=3, start_page=1)["order_list"]] == [
        row["trade_id"] for row in pages[0]
    ]
    refused(seller.call(LIST, {"role": "seller", "start_page": 0}))


def test_list_by_create_and_modify_dates(
    server: SandboxServer, app: AlibabaSandbox, seller: Seller
) -> None:
    publish(seller, "LT-1")
    old = order(server, sku="LT-1")
    app.clock.advance(3600)
    middle = app.clock.now()
    app.clock.advance(1)
    new = order(server, sku="LT-1")
    app.clock.advance(3600)
    assert status(server, old, "undeliver").ok
    created = listed(seller, create_date_start=date(middle))["order_list"]
    assert [row["trade_id"] for row in created] == [new]
    before = listed(seller, create_date_end=date(middle))["order_list"]
    assert [row["trade_id"] for row in before] == [old]
    moved = listed(seller, modified_date_start=date(app.clock.now() - timedelta(minutes=5)))
    assert [row["trade_id"] for row in moved["order_list"]] == [old]
    row = moved["order_list"][0]
    assert row["trade_status"] == "undeliver"
    assert int(row["modify_date"]["timestamp"]) > int(row["create_date"]["timestamp"])
    assert row["modify_date"]["format_date"].endswith(("PDT.", "PST."))
    body = refused(seller.call(LIST, {"role": "seller", "create_date_start": "1717200000000"}))
    assert "date_timestamp" in body["message"]


def test_list_filters_and_refusals(server: SandboxServer, seller: Seller) -> None:
    publish(seller, "LT-1")
    paid = order(server, sku="LT-1")
    unpaid = order(server, sku="LT-1", status="unpay")
    assert [r["trade_id"] for r in listed(seller, status="unpay")["order_list"]] == [unpaid]
    assert listed(seller, status="paid")["order_list"][0]["trade_id"] == paid
    assert seller.ok(LIST, {"role": "buyer"})["value"]["total_count"] == "0"
    refused(seller.call(LIST, {}), "MissingParameter")
    refused(seller.call(LIST, {"role": "seller", "status": "shipped"}))
    refused(seller.call(GET, {"e_trade_id": "123"}))
    refused(seller.call(GET, {}), "MissingParameter")


def test_top_names_for_orders(server: SandboxServer, seller: Seller) -> None:
    publish(seller, "LT-1")
    trade_id = order(server, sku="LT-1", quantity=2)
    query = {"role": "seller", "page_size": 5, "start_page": 0}
    body = seller.ok("alibaba.seller.order.list", {"param_trade_ecology_order_list_query": query})
    assert body["result"]["success"] is True
    assert [r["trade_id"] for r in body["result"]["value"]["order_list"]] == [trade_id]
    detail = seller.ok("alibaba.seller.order.get", {"e_trade_id": trade_id})["value"]
    assert detail["order_products"][0]["sku_code"] == "LT-1"
    refused(seller.call("alibaba.seller.order.list", {}), "MissingParameter")


def test_masked_trade_ids(server: SandboxServer, app: AlibabaSandbox, seller: Seller) -> None:
    publish(seller, "LT-1")
    trade_id = order(server, sku="LT-1")
    app.configure(mask_trade_ids=True)
    (row,) = listed(seller)["order_list"]
    assert row["trade_id"] != trade_id and "*" in row["trade_id"]
    assert row["trade_id"][:4] == trade_id[:4] and row["trade_id"][-4:] == trade_id[-4:]
    body = refused(seller.call(GET, {"e_trade_id": row["trade_id"]}))
    assert "masked" in body["message"]
    assert seller.ok(GET, {"e_trade_id": trade_id})["value"]["trade_id"] == trade_id


def test_statuses_and_the_story(server: SandboxServer, app: AlibabaSandbox, seller: Seller) -> None:
    publish(seller, "LT-1")
    for ending, words in AlibabaSandbox.order_story.items():
        trade_id = order(server, sku="LT-1")
        for word in words:
            assert word in STATUSES
            assert status(server, trade_id, word).ok, (ending, word)
    bad = status(server, order(server, sku="LT-1"), "shipped")
    assert bad.status_code == 400 and "trade status" in bad.json()["message"]
    assert status(server, "999", "paid").status_code == 400
    counts = requests.get(server.root_url + "/_sandbox/state", timeout=TIMEOUT).json()["orders"]
    assert counts == {"paid": 2, "delivering": 1, "trade_success": 1, "trade_close": 1}
    # a closed order gave its unit back: 5 orders of one unit, one closed
    assert app.state()["listings"][0]["stock"] == 10 - 4


@pytest.mark.parametrize("word", ["unpay", "to_be_audited", "paying"])
def test_unpaid_starts_hold_nothing(server: SandboxServer, seller: Seller, word: str) -> None:
    product_id = publish(seller, "LT-1")
    order(server, sku="LT-1", quantity=4, status=word)
    assert stock(seller, product_id) == {"LT-1": 10}
