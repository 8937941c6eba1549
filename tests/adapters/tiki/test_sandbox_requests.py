"""Product requests: payload checks, the review walk on the sandbox clock, rejection and
replay, tracking, request listings, and update-info requests."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from listsync_tiki.sandbox.app import TikiSandbox

from listsync.sandbox.harness import SandboxServer
from tests.adapters.tiki.conftest import TIMEOUT, Tiki, grant, product_body, publish

CREATE = "/integration/v2.1/requests"
REVIEW = {
    "queue_seconds": 10,
    "processing_seconds": 20,
    "md_review_seconds": 30,
    "bot_review_seconds": 40,
    "review_seconds": 50,
}


def refused(response: requests.Response, status: int = 400) -> list[str]:
    assert response.status_code == status, response.text
    return list(response.json()["errors"])


def track(tiki: Tiki, track_id: str) -> dict[str, Any]:
    answer = tiki.get(f"/integration/v2/tracking/{track_id}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def control(server: SandboxServer, track_id: str, action: str, **body: Any) -> requests.Response:
    return requests.post(
        f"{server.root_url}/_sandbox/requests/{track_id}/{action}", json=body, timeout=TIMEOUT
    )


def test_create_answers_track_id_and_queuing(tiki: Tiki) -> None:
    answer = tiki.post(CREATE, product_body("TS-100", "TS-200"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"track_id", "state"} and body["state"] == "queuing"
    assert len(body["track_id"]) == 32


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"category_id": None}, "category_id is required"),
        ({"category_id": 999}, "Category not found id: 999"),
        ({"category_id": 4384}, "not a primary category"),
        ({"name": "Tr"}, "name must be between 3 and 255 characters"),
        ({"name": "T" * 256}, "name must be between 3 and 255 characters"),
        ({"description": ""}, "description is required"),
        ({"image": "ftp://cdn.example.vn/a.jpg"}, "image must be an http(s) URL"),
        ({"images": ["not a url"]}, "images[0] must be an http(s) URL"),
        ({"images": [f"https://cdn.example.vn/{i}.jpg" for i in range(10)]}, "at most 9 images"),
        ({"option_attributes": ["a", "b", "c"]}, "at most 2 attributes"),
        ({"variants": []}, "variants is required"),
    ],
)
def test_payload_refusals(tiki: Tiki, changes: dict[str, Any], expected: str) -> None:
    body = product_body("TS-100", "TS-200")
    body.update(changes)
    assert any(expected in error for error in refused(tiki.post(CREATE, body)))


@pytest.mark.parametrize(
    "attribute", ["brand", "origin", "product_weight_kg", "product_height", "expiry_time"]
)
def test_required_attributes(tiki: Tiki, attribute: str) -> None:
    body = product_body()
    del body["attributes"][attribute]
    assert refused(tiki.post(CREATE, body)) == [
        f"attributes.{attribute} is required in category 8273"
    ]


def test_every_problem_is_reported_at_once(tiki: Tiki) -> None:
    body = product_body("TS-100", "TS-200")
    body["option_attributes"] = ["Khối lượng", "Màu"]
    body["variants"][1]["price"] = 0
    body["attributes"]["product_weight_kg"] = -1
    problems = refused(tiki.post(CREATE, body))
    assert "variants don't match with option_attributes => variants option2 missing" in problems
    assert "variants should have price > 0" in problems
    assert "attributes.product_weight_kg must be a number above 0" in problems


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ({"price": 120000.5}, "price must be a whole number of dong"),
        ({"price": "120000"}, "price must be a whole number of dong"),
        ({"sku": ""}, "variants[0].sku is required"),
        ({"inventory_type": "instock"}, "not registered for this seller"),
        ({"seller_warehouse": "1034"}, "warehouse 1034 is not one of the seller's warehouses"),
        ({"warehouse_stocks": [{"warehouseId": 1, "qtyAvailable": 1}]}, "warehouse 1 is not"),
        ({"option1": "100g"}, "option1 given but option_attributes has 0"),
    ],
)
def test_variant_refusals(tiki: Tiki, variant: dict[str, Any], expected: str) -> None:
    body = product_body()
    body["variants"][0].update(variant)
    assert any(expected in error for error in refused(tiki.post(CREATE, body)))


def test_variant_rules_across_variants(tiki: Tiki) -> None:
    body = product_body("TS-100", "TS-200")
    body["variants"][1]["sku"] = "ts-100"
    body["variants"][1]["option1"] = body["variants"][0]["option1"]
    problems = refused(tiki.post(CREATE, body))
    assert "variants[1].sku ts-100 is repeated in this request" in problems
    assert "variants[1] repeats the options of another variant" in problems
    no_options = product_body("TS-100", "TS-200", option_attributes=[])
    for variant in no_options["variants"]:
        variant.pop("option1")
    assert "a product with several variants needs option_attributes" in refused(
        tiki.post(CREATE, no_options)
    )


def test_payload_error_status_can_be_422(app: TikiSandbox, tiki: Tiki) -> None:
    app.configure(payload_error_status=422)
    refused(tiki.post(CREATE, product_body(name="")), 422)


def test_review_walks_through_every_state_on_the_clock(app: TikiSandbox, tiki: Tiki) -> None:
    app.configure(**REVIEW)
    track_id = tiki.post(CREATE, product_body("TS-100", "TS-200")).json()["track_id"]
    seen = []
    for step in (0, 10, 20, 30, 40, 50):
        app.clock.advance(step)
        seen.append(track(tiki, track_id))
    assert [row["state"] for row in seen] == [
        "queuing",
        "processing",
        "md_awaiting_approve",
        "bot_awaiting_approve",
        "awaiting_approve",
        "approved",
    ]
    assert seen[1]["request_id"] is None and seen[2]["request_id"]
    assert tiki.get("/integration/v2/products/findBy", original_sku="TS-100").json()["data"]


def test_approved_request_makes_one_inactive_product_per_variant(tiki: Tiki) -> None:
    track_id = tiki.post(CREATE, product_body("TS-100", "TS-200", stock=5)).json()["track_id"]
    request_id = track(tiki, track_id)["request_id"]
    detail = tiki.get(f"/integration/v2/requests/{request_id}").json()
    assert detail["state"] == "approved" and detail["kind"] == "create_product"
    products = detail["products"]
    assert [(p["original_sku"], p["active"]) for p in products] == [("TS-100", 0), ("TS-200", 0)]
    assert len({p["product_id"] for p in products}) == 2
    assert all(p["images"][0]["url"].startswith("https://salt.tikicdn.com/") for p in products)
    rows = [
        tiki.get(f"/integration/v2/products/{p['product_id']}", include="inventory").json()
        for p in products
    ]
    assert rows[0]["super_id"] == rows[1]["super_id"] != 0
    assert rows[0]["inventory"]["warehouse_quantities"][0]["qty_available"] == 5


def test_auto_turn_on_makes_active_products(tiki: Tiki) -> None:
    body = product_body(meta_data={"is_auto_turn_on": True})
    tiki.post(CREATE, body)
    (product,) = tiki.get("/integration/v2/products/findBy", original_sku="TS-100").json()["data"]
    assert product["active"] == 1 and product["super_id"] == 0


def test_held_request_is_approved_or_rejected_by_the_control_api(
    server: SandboxServer, app: TikiSandbox, tiki: Tiki
) -> None:
    app.configure(auto_approve=False)
    first = tiki.post(CREATE, product_body("TS-100")).json()["track_id"]
    second = tiki.post(CREATE, product_body("TS-300")).json()["track_id"]
    app.clock.advance(86_400)
    tiki = Tiki(server, grant(server)["access_token"])  # the first token has expired
    assert track(tiki, first)["state"] == "awaiting_approve"
    assert control(server, first, "approve").json()["state"] == "approved"
    answer = control(server, second, "reject", reasons=["Hình ảnh không hợp lệ"])
    assert answer.status_code == 200, answer.text
    rejected = track(tiki, second)
    assert rejected["state"] == "rejected" and rejected["reason"] == "Hình ảnh không hợp lệ"
    listed = tiki.get("/integration/v2/requests", state="rejected").json()["data"]
    assert [row["reasons"] for row in listed] == [["Hình ảnh không hợp lệ"]]
    assert control(server, first, "reject").status_code == 400
    assert control(server, "no-such-track", "approve").status_code == 404
    replay = tiki.post(f"/integration/v2/tracking/{second}/replay")
    assert "technical" in refused(replay)[0]


def test_technical_rejection_is_replayed_under_the_same_track_id(
    server: SandboxServer, app: TikiSandbox, tiki: Tiki
) -> None:
    app.configure(auto_approve=False)
    track_id = tiki.post(CREATE, product_body()).json()["track_id"]
    control(server, track_id, "reject", reasons=["Image server timeout"], technical=True)
    replayed = tiki.post(f"/integration/v2/tracking/{track_id}/replay")
    assert replayed.json() == {"track_id": track_id, "state": "queuing"}
    assert track(tiki, track_id)["state"] == "awaiting_approve"
    app.configure(auto_approve=True)
    assert track(tiki, track_id) == {
        "track_id": track_id,
        "request_id": track(tiki, track_id)["request_id"],
        "state": "approved",
        "reason": "",
    }


def test_duplicate_seller_sku_is_rejected_in_processing(tiki: Tiki) -> None:
    publish(tiki, "TS-100")
    track_id = tiki.post(CREATE, product_body("TS-100")).json()["track_id"]
    row = track(tiki, track_id)
    assert row["state"] == "rejected" and row["request_id"] is None
    assert "Seller product code is not unique" in row["reason"]
    assert len(tiki.get("/integration/v2/products").json()["data"]) == 1


def test_duplicate_seller_sku_refused_at_once_when_so_set(app: TikiSandbox, tiki: Tiki) -> None:
    app.configure(duplicate_sku="refuse", auto_approve=False)
    tiki.post(CREATE, product_body("TS-100"))
    assert "not unique" in refused(tiki.post(CREATE, product_body("TS-100")))[0]


def test_review_state_spelling_and_both_spellings_in_filters(app: TikiSandbox, tiki: Tiki) -> None:
    app.configure(md_review_seconds=100)
    track_id = tiki.post(CREATE, product_body()).json()["track_id"]
    assert track(tiki, track_id)["state"] == "md_awaiting_approve"
    for spelled in ("md_awaiting_approve", "md_waiting_approve"):
        data = tiki.get("/integration/v2/requests", state=spelled).json()["data"]
        assert [row["track_id"] for row in data] == [track_id]
    app.configure(review_state_spelling="waiting")
    assert track(tiki, track_id)["state"] == "md_waiting_approve"
    data = tiki.get("/integration/v2/requests", state="md_awaiting_approve").json()["data"]
    assert [row["state"] for row in data] == ["md_waiting_approve"]
    refused(tiki.get("/integration/v2/requests", state="half_approved"))


def test_tracking_expires_after_30_days(
    server: SandboxServer, app: TikiSandbox, tiki: Tiki
) -> None:
    track_id = tiki.post(CREATE, product_body()).json()["track_id"]
    app.clock.advance(30 * 86_400 - 60)
    tiki = Tiki(server, grant(server)["access_token"])
    assert track(tiki, track_id)["state"] == "approved"
    app.clock.advance(120)
    refused(tiki.get(f"/integration/v2/tracking/{track_id}"), 404)
    refused(tiki.get("/integration/v2/tracking/0123456789abcdef"), 404)


def test_latest_tracking_lists_newest_first(app: TikiSandbox, tiki: Tiki) -> None:
    ids = []
    for sku in ("TS-1", "TS-2", "TS-3"):
        ids.append(tiki.post(CREATE, product_body(sku)).json()["track_id"])
        app.clock.advance(5)
    latest = tiki.get("/integration/v2/tracking", limit=2).json()
    assert [row["track_id"] for row in latest] == ids[::-1][:2]
    assert all(set(row) == {"track_id", "request_id", "state", "reason"} for row in latest)


def test_request_listing_pages(app: TikiSandbox, tiki: Tiki) -> None:
    for index in range(5):
        tiki.post(CREATE, product_body(f"TS-{index}"))
        app.clock.advance(1)
    first = tiki.get("/integration/v2/requests", limit=2).json()
    assert first["paging"] == {
        "total": 5,
        "current_page": 1,
        "from": 1,
        "to": 2,
        "per_page": 2,
        "last_page": 3,
    }
    assert all(row["products"] == [] for row in first["data"])
    last = tiki.get("/integration/v2/requests", limit=2, page=3, include="products").json()
    (row,) = last["data"]
    assert row["products"][0]["original_sku"] == "TS-0"
    pages = [tiki.get("/integration/v2/requests", limit=2, page=p).json() for p in (1, 2, 3)]
    seen = [row["request_id"] for page in pages for row in page["data"]]
    assert len(set(seen)) == 5
    refused(tiki.get("/integration/v2/requests/123"), 404)


def test_update_info_is_reviewed_and_the_live_product_keeps_its_content(
    server: SandboxServer, app: TikiSandbox, tiki: Tiki
) -> None:
    (product_id,) = publish(tiki, "TS-100")
    app.configure(auto_approve=False)
    path = "/integration/v2.1/requests/updateProductInfo"
    answer = tiki.post(path, {"product_id": product_id, "name": "Trà sen thượng hạng"})
    assert answer.status_code == 200 and answer.json()["state"] == "queuing"
    track_id = answer.json()["track_id"]
    product = tiki.get(f"/integration/v2/products/{product_id}").json()
    assert product["name"] == "Trà sen Tây Hồ" and product["version"] == 1
    control(server, track_id, "approve")
    product = tiki.get(f"/integration/v2/products/{product_id}").json()
    assert product["name"] == "Trà sen thượng hạng" and product["version"] == 2
    listed = tiki.get("/integration/v2/requests", include="products").json()["data"]
    assert listed[0]["kind"] == "update_product"
    rejected = tiki.post(path, {"product_id": product_id, "description": "Mô tả mới"}).json()
    control(server, rejected["track_id"], "reject", reasons=["Nội dung không phù hợp"])
    product = tiki.get(f"/integration/v2/products/{product_id}").json()
    assert product["description"].startswith("<p>Trà xanh") and product["version"] == 2


def test_update_info_refusals(tiki: Tiki) -> None:
    (product_id,) = publish(tiki, "TS-100")
    path = "/integration/v2/requests/updateProductInfo"
    refused(tiki.post(path, {"product_id": 1, "name": "Tên mới"}), 404)
    refused(tiki.post(path, {"product_id": product_id}))
    assert "image must be" in refused(tiki.post(path, {"product_id": product_id, "image": "x"}))[0]
    refused(tiki.post(path, {"name": "Không có id"}))


def test_delete_request(app: TikiSandbox, tiki: Tiki) -> None:
    app.configure(review_seconds=600)
    track_id = tiki.post(CREATE, product_body()).json()["track_id"]
    request_id = track(tiki, track_id)["request_id"]
    deleted = requests.delete(
        f"{tiki.root}/integration/v2/requests/{request_id}", headers=tiki.headers(), timeout=5
    )
    assert deleted.json() == {"request_id": request_id, "state": "deleted"}
    assert track(tiki, track_id)["state"] == "deleted"
