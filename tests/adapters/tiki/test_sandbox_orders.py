"""Orders: Order Listing V2 and its filters, order details, statuses moved by the control
API, the stock orders hold, and all-or-nothing control orders."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import requests
from listsync_tiki.sandbox.app import TikiSandbox

from listsync.sandbox.harness import SandboxServer
from tests.adapters.tiki.conftest import TIMEOUT, Tiki, product_body, publish

ORDERS = "/integration/v2/orders"
TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def place(server: SandboxServer, **spec: Any) -> requests.Response:
    return requests.post(server.root_url + "/_sandbox/orders", json=spec, timeout=TIMEOUT)


def codes(server: SandboxServer, **spec: Any) -> list[str]:
    answer = place(server, **spec)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["order_ids"])


def move(server: SandboxServer, code: str, *statuses: str) -> None:
    for status in statuses:
        answer = requests.post(
            f"{server.root_url}/_sandbox/orders/{code}/status",
            json={"status": status},
            timeout=TIMEOUT,
        )
        assert answer.status_code == 200, answer.text


def listed(tiki: Tiki, **params: Any) -> list[str]:
    answer = tiki.get(ORDERS, limit=100, **params)
    assert answer.status_code == 200, answer.text
    return sorted(order["code"] for order in answer.json()["data"])


def unit(app: TikiSandbox, sku: str) -> dict[str, Any]:
    (found,) = [u for u in app.state()["listings"] if u["sku"] == sku]
    return found


def test_order_and_items_as_tiki_writes_them(server: SandboxServer, tiki: Tiki) -> None:
    publish(tiki, "TS-100", stock=5, price=409_000)
    (code,) = codes(server, sku="TS-100", quantity=2)
    answer = tiki.get(ORDERS)
    assert '"subtotal": 818000.00' in answer.text  # decimals as numbers, as Tiki sends them
    body = json.loads(answer.text, parse_float=Decimal)
    assert body["paging"]["total"] == 1
    (order,) = body["data"]
    assert order["code"] == code and order["status"] == "queueing"
    assert TIME.match(order["created_at"]) and TIME.match(order["updated_at"])
    assert order["invoice"]["grand_total"] == Decimal("818000.00")
    assert order["invoice"]["total_seller_fee"] == Decimal("-40900.00")
    assert order["invoice"]["total_seller_income"] == Decimal("777100.00")
    (item,) = order["items"]
    assert item["product"]["seller_product_code"] == "TS-100"
    assert item["qty"] == item["invoice"]["quantity"] == 2
    assert item["invoice"]["price"] == Decimal("409000.00")
    assert item["invoice"]["subtotal"] == item["invoice"]["row_total"] == Decimal("818000.00")
    assert order["status_histories"] == []  # only with include=status_histories
    with_histories = tiki.get(ORDERS, include="status_histories").json()["data"][0]
    assert [h["status"] for h in with_histories["status_histories"]] == ["queueing"]


def test_money_style_integer(server: SandboxServer, app: TikiSandbox, tiki: Tiki) -> None:
    publish(tiki, "TS-100", stock=5, price=409_000)
    codes(server, sku="TS-100")
    app.configure(money_style="integer")
    answer = tiki.get(ORDERS)
    assert '"subtotal": 409000,' in answer.text
    assert answer.json()["data"][0]["items"][0]["invoice"]["price"] == 409_000


def test_order_details(server: SandboxServer, tiki: Tiki) -> None:
    publish(tiki, "TS-100", stock=5)
    (code,) = codes(server, sku="TS-100")
    move(server, code, "packaging", "canceled")
    detail = tiki.get(f"{ORDERS}/{code}").json()
    assert detail["status"] == "canceled" and detail["cancel_info"]["canceled_at"]
    assert [h["status"] for h in detail["status_histories"]] == [
        "queueing",
        "packaging",
        "canceled",
    ]
    assert detail["invoice"]["total_seller_income"] == 0
    errors = tiki.get(f"{ORDERS}/999").json()
    assert errors == {"errors": ["Order not found: 999"]}


def test_status_filters_with_operators(server: SandboxServer, tiki: Tiki) -> None:
    publish(tiki, "TS-100", stock=10)
    queueing = codes(server, sku="TS-100")[0]
    waiting = codes(server, sku="TS-100", status="waiting_payment")[0]
    processing = codes(server, sku="TS-100", status="processing")[0]
    shipped = codes(server, sku="TS-100")[0]
    move(server, shipped, "packaging", "ready_to_ship", "shipping")
    assert listed(tiki, status="queueing") == [queueing]
    assert listed(tiki, status="in|queueing,shipping") == sorted([queueing, shipped])
    assert listed(tiki, status="nin|processing,waiting_payment") == sorted([queueing, shipped])
    assert listed(tiki) == sorted([queueing, waiting, processing, shipped])
    for bad in ("lost", "in|queueing,lost", "like|queueing", "queueing,shipping"):
        assert tiki.get(ORDERS, status=bad).status_code == 400, bad


def test_date_filters(server: SandboxServer, app: TikiSandbox, tiki: Tiki) -> None:
    publish(tiki, "TS-100", stock=10)
    (early,) = codes(server, sku="TS-100")
    app.clock.advance(1800)
    (late,) = codes(server, sku="TS-100")
    late_at = tiki.get(f"{ORDERS}/{late}").json()["created_at"]
    assert listed(tiki, created_from_date=late_at) == [late]
    assert listed(tiki, created_to_date=late_at) == sorted([early, late])
    app.clock.advance(60)
    move(server, early, "packaging")
    moved_at = tiki.get(f"{ORDERS}/{early}").json()["updated_at"]
    assert listed(tiki, updated_from_date=moved_at) == [early]
    assert listed(tiki, updated_to_date=late_at) == [late]
    assert listed(tiki, filter_date_by="last30days") == sorted([early, late])
    for name in ("created_from_date", "updated_to_date"):
        for bad in ("2024-01-01", "2024-01-01T00:00:00", "2024-02-30 00:00:00"):
            answer = tiki.get(ORDERS, **{name: bad})
            assert answer.status_code == 400, (name, bad)
            assert "yyyy-MM-dd HH:mm:ss" in answer.json()["errors"][0]
    assert tiki.get(ORDERS, filter_date_by="forever").status_code == 400


def test_paging_reads_every_order_once(server: SandboxServer, tiki: Tiki) -> None:
    publish(tiki, "TS-1", "TS-2", stock=10)
    made = codes(server, count=7, days=3)
    seen = []
    page, last = 1, 1
    while page <= last:
        body = tiki.get(ORDERS, page=page, limit=3, order_by="created_at|asc").json()
        last = body["paging"]["last_page"]
        seen += [order["code"] for order in body["data"]]
        page += 1
    assert last == 3 and sorted(seen) == sorted(made) and len(seen) == 7
    stamps = [tiki.get(f"{ORDERS}/{code}").json()["created_at"] for code in seen]
    assert stamps == sorted(stamps)
    assert tiki.get(ORDERS, limit=101).status_code == 400
    assert tiki.get(ORDERS, page=0).status_code == 400
    assert tiki.get(ORDERS, order_by="price|asc").status_code == 400
    assert tiki.get(ORDERS, page=9).json()["data"] == []


def test_open_orders_hold_units_inside_qty_available(
    server: SandboxServer, app: TikiSandbox, tiki: Tiki
) -> None:
    publish(tiki, "TS-100", stock=5)
    a, b, _ = (codes(server, sku="TS-100")[0] for _ in range(3))
    held = unit(app, "TS-100")
    assert (held["stock"], held["reserved"], held["sellable"]) == (5, 3, 2)
    move(server, a, "packaging", "ready_to_ship", "shipping")
    assert (unit(app, "TS-100")["stock"], unit(app, "TS-100")["reserved"]) == (4, 2)
    move(server, b, "canceled")
    assert (unit(app, "TS-100")["stock"], unit(app, "TS-100")["sellable"]) == (4, 3)
    move(server, a, "successful_delivery", "complete", "returned")
    assert unit(app, "TS-100")["stock"] == 5
    reopen = requests.post(
        f"{server.root_url}/_sandbox/orders/{b}/status", json={"status": "queueing"}, timeout=5
    )
    assert reopen.status_code == 400 and "cannot go back" in reopen.json()["message"]


def test_orders_can_take_units_out_of_qty_available(
    server: SandboxServer, app: TikiSandbox, tiki: Tiki
) -> None:
    app.configure(quantity_includes_open_orders=False)
    publish(tiki, "TS-100", stock=5)
    (code,) = codes(server, sku="TS-100", quantity=2)
    listing = unit(app, "TS-100")
    assert (listing["stock"], listing["reserved"], listing["sellable"]) == (3, 0, 3)
    move(server, code, "canceled")
    assert unit(app, "TS-100")["stock"] == 5


def test_control_orders_are_all_or_nothing(
    server: SandboxServer, app: TikiSandbox, tiki: Tiki
) -> None:
    publish(tiki, "TS-1", "TS-2", stock=2)
    too_many = place(server, count=5, days=1)
    assert too_many.status_code == 400 and "none was made" in too_many.json()["message"]
    lines = [{"sku": "TS-1", "quantity": 1}, {"sku": "TS-2", "quantity": 3}]
    assert place(server, lines=lines).status_code == 400
    assert place(server, sku="NO-SUCH").status_code == 400
    assert place(server, sku="TS-1", status="complete").status_code == 400
    assert app.state()["order_count"] == 0
    assert [u["reserved"] for u in app.state()["listings"]] == [0, 0]
    assert len(codes(server, count=4, days=1)) == 4
    assert place(server, count=1, days=1).status_code == 400


def test_inactive_products_cannot_be_bought(
    server: SandboxServer, app: TikiSandbox, tiki: Tiki
) -> None:
    tiki.post("/integration/v2.1/requests", product_body("TS-100", stock=5))
    refused = place(server, sku="TS-100")
    assert refused.status_code == 400 and "inactive" in refused.json()["message"]
    app.configure(orders_need_active=False)
    assert codes(server, sku="TS-100")


def test_order_story_walks_in_tikis_words(server: SandboxServer, tiki: Tiki) -> None:
    publish(tiki, "TS-100", stock=10)
    for ending, statuses in TikiSandbox.order_story.items():
        (code,) = codes(server, sku="TS-100")
        move(server, code, *statuses)
        status = tiki.get(f"{ORDERS}/{code}").json()["status"]
        assert status == (statuses[-1] if statuses else "queueing"), ending
    answer = requests.post(
        f"{server.root_url}/_sandbox/orders/{code}/status", json={"status": "lost"}, timeout=5
    )
    assert answer.status_code == 400
