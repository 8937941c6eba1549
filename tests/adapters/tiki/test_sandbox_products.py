"""Products: listing with filters and paging, the seller-SKU lookup, and the immediate
price/active/stock updates (updateSku and the batch updateSkus)."""

from __future__ import annotations

from typing import Any

import requests
from listsync_tiki.sandbox.app import TikiSandbox
from listsync_tiki.sandbox.catalog import WAREHOUSE_ID

from listsync.sandbox.harness import SandboxServer
from tests.adapters.tiki.conftest import Tiki, product_body, publish

UPDATE = "/integration/v2/products/updateSku"
BATCH = "/integration/v2.1/products/updateSkus"


def refused(response: requests.Response, status: int = 400) -> list[str]:
    assert response.status_code == status, response.text
    return list(response.json()["errors"])


def stock(qty: int) -> list[dict[str, int]]:
    return [{"warehouse_id": WAREHOUSE_ID, "qty_available": qty}]


def quantities(tiki: Tiki, sku: str) -> dict[str, Any]:
    found = tiki.get("/integration/v2/products/findBy", original_sku=sku, include="inventory")
    (product,) = found.json()["data"]
    (row,) = product["inventory"]["warehouse_quantities"]
    return {"active": product["active"], "price": product["price"], **row}


def test_products_list_pages_and_filters(app: TikiSandbox, tiki: Tiki) -> None:
    publish(tiki, "TS-1", "TS-2", "TS-3")
    app.clock.advance(60)
    body = product_body("NB-1", category_id=8291, attributes={**product_body()["attributes"]})
    tiki.post("/integration/v2.1/requests", body)
    everything = tiki.get("/integration/v2/products", limit=3).json()
    assert everything["paging"]["total"] == 4 and everything["paging"]["last_page"] == 2
    assert everything["data"][0]["original_sku"] == "NB-1"  # newest first
    second = tiki.get("/integration/v2/products", limit=3, page=2).json()["data"]
    assert len(second) == 1
    assert len(tiki.get("/integration/v2/products", active=1).json()["data"]) == 3
    inactive = tiki.get("/integration/v2/products", active=0).json()["data"]
    assert [p["original_sku"] for p in inactive] == ["NB-1"]
    noodles = tiki.get("/integration/v2/products", category_id=8291).json()["data"]
    assert [p["original_sku"] for p in noodles] == ["NB-1"]
    food = tiki.get("/integration/v2/products", category_id=4384).json()["data"]
    assert len(food) == 4  # a parent category holds its children's products


def test_products_date_filters(app: TikiSandbox, tiki: Tiki) -> None:
    publish(tiki, "TS-1")
    app.clock.advance(1800)
    publish(tiki, "TS-2")
    second = tiki.get("/integration/v2/products/findBy", original_sku="TS-2").json()["data"][0]
    since = tiki.get("/integration/v2/products", created_from_date=second["created_at"]).json()
    assert [p["original_sku"] for p in since["data"]] == ["TS-2"]
    until = tiki.get("/integration/v2/products", created_to_date=second["created_at"]).json()
    assert until["paging"]["total"] == 2  # bounds are included
    refused(tiki.get("/integration/v2/products", updated_from_date="2024-13-01 00:00:00"))


def test_find_by_original_sku(app: TikiSandbox, tiki: Tiki) -> None:
    (product_id,) = publish(tiki, "TS-100")
    found = tiki.get("/integration/v2/products/findBy", original_sku="ts-100").json()
    (product,) = found["data"]
    assert product["product_id"] == product["id"] == product_id
    assert found["paging"]["total"] == 1
    assert "inventory" not in product
    empty = tiki.get("/integration/v2/products/findBy", original_sku="NO-SUCH")
    assert empty.status_code == 200 and empty.json()["data"] == []
    app.configure(find_by_missing="404")
    refused(tiki.get("/integration/v2/products/findBy", original_sku="NO-SUCH"), 404)
    refused(tiki.get("/integration/v2/products/findBy"))
    refused(tiki.get("/integration/v2/products/123"), 404)


def test_pending_request_has_no_product_yet(app: TikiSandbox, tiki: Tiki) -> None:
    app.configure(review_seconds=600)
    tiki.post("/integration/v2.1/requests", product_body("TS-100"))
    assert tiki.get("/integration/v2/products/findBy", original_sku="TS-100").json()["data"] == []
    app.clock.advance(600)
    assert tiki.get("/integration/v2/products/findBy", original_sku="TS-100").json()["data"]


def test_update_sku_sets_price_active_and_stock_at_once(tiki: Tiki) -> None:
    (product_id,) = publish(tiki, "TS-100", stock=10)
    answer = tiki.put(UPDATE, {"original_sku": "TS-100", "price": 99_000, "active": 0})
    assert answer.json() == {"state": "approved"}
    assert quantities(tiki, "TS-100") == {
        "active": 0,
        "price": 99_000,
        "warehouse_id": WAREHOUSE_ID,
        "qty_available": 10,
        "qty_reserved": 0,
        "qty_sellable": 10,
    }
    by_id = {"product_id": product_id, "warehouse_quantities": stock(4), "active": 1}
    assert tiki.put("/integration/v2.1/products/updateSku", by_id).status_code == 200
    assert quantities(tiki, "TS-100")["qty_available"] == 4


def test_update_sku_refusals(tiki: Tiki) -> None:
    (product_id,) = publish(tiki, "TS-100")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"price": 100}, "product_id or original_sku is required"),
        ({"original_sku": "NO-SUCH", "price": 100}, "no product with original_sku NO-SUCH"),
        ({"product_id": 1, "price": 100}, "product 1 not found"),
        ({"product_id": product_id, "price": 1000.5}, "price must be a whole number of dong"),
        ({"product_id": product_id, "price": 0}, "price must be above 0"),
        ({"product_id": product_id, "active": 2}, "active must be one of 1, 0"),
        ({"product_id": product_id}, "nothing to update"),
        (
            {"product_id": product_id, "warehouse_quantities": [{"warehouse_id": 1}]},
            "warehouse 1 is not one of the seller's warehouses",
        ),
        ({"product_id": product_id, "warehouse_quantities": stock(-1)}, "qty_available must be"),
    ]
    for body, expected in cases:
        problems = refused(tiki.put(UPDATE, body))
        assert any(expected in problem for problem in problems), (body, problems)
    assert quantities(tiki, "TS-100")["price"] == 120_000


def test_price_below_a_tenth_of_the_listing_price_is_refused(tiki: Tiki) -> None:
    body = product_body("TS-100", market_price=200_000)
    tiki.post("/integration/v2.1/requests", body)
    problems = refused(tiki.put(UPDATE, {"original_sku": "TS-100", "price": 19_000}))
    assert problems == ["Price is not valid because less than ten percent listing price"]
    assert tiki.put(UPDATE, {"original_sku": "TS-100", "price": 20_000}).status_code == 200


def test_batch_update_answers_each_entry(tiki: Tiki) -> None:
    first, second = publish(tiki, "TS-1", "TS-2", stock=1)
    body = {
        "data": [
            {"product_id": first, "price": 90_000, "status": 2, "warehouse_quantities": stock(7)},
            {"original_sku": "TS-2", "status": 1, "warehouse_quantities": stock(8)},
            {"original_sku": "NO-SUCH", "price": 1},
        ]
    }
    answer = tiki.put(BATCH, body)
    assert answer.status_code == 200, answer.text
    results = answer.json()["data"]
    assert [r["state"] for r in results] == ["approved", "approved", "failed"]
    assert results[2]["errors"] == ["data[2]: no product with original_sku NO-SUCH"]
    assert quantities(tiki, "TS-1") | {"warehouse_id": 0} == {
        "active": 0,
        "price": 90_000,
        "warehouse_id": 0,
        "qty_available": 7,
        "qty_reserved": 0,
        "qty_sellable": 7,
    }
    assert quantities(tiki, "TS-2")["qty_available"] == 8
    assert second != first


def test_batch_update_all_or_nothing_and_limits(app: TikiSandbox, tiki: Tiki) -> None:
    publish(tiki, "TS-1", stock=1)
    app.configure(batch_errors="all_or_nothing", batch_limit=2)
    body = {
        "data": [
            {"original_sku": "TS-1", "warehouse_quantities": stock(9)},
            {"original_sku": "TS-1", "status": 3},
        ]
    }
    assert refused(tiki.put(BATCH, body)) == ["data[1].status must be one of 1, 2"]
    assert quantities(tiki, "TS-1")["qty_available"] == 1
    three = {"data": [{"original_sku": "TS-1", "price": 100_000}] * 3}
    assert refused(tiki.put(BATCH, three)) == ["data accepts at most 2 products per request"]
    refused(tiki.put(BATCH, {"data": []}))
    refused(tiki.put(BATCH, [{"original_sku": "TS-1"}]))


def test_updates_change_no_content(server: SandboxServer, tiki: Tiki) -> None:
    (product_id,) = publish(tiki, "TS-100")
    before = tiki.get(f"/integration/v2/products/{product_id}").json()
    tiki.put(UPDATE, {"product_id": product_id, "price": 130_000})
    after = tiki.get(f"/integration/v2/products/{product_id}").json()
    assert (after["name"], after["version"], after["images"]) == (
        before["name"],
        before["version"],
        before["images"],
    )
    assert after["price"] == 130_000
