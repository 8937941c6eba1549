"""Listings in the Alibaba.com sandbox: photobank, categories, the rules of product.add,
the review walk, updates, product.get and product.list."""

from __future__ import annotations

from typing import Any

import pytest
from listsync_alibaba.sandbox.app import AlibabaSandbox

from listsync.sandbox.harness import SandboxServer
from tests.adapters.alibaba.conftest import (
    GREEN_TEA,
    PNG,
    Seller,
    control,
    listing,
    publish,
    refused,
    skus_of,
)

ADD = "alibaba.icbu.product.add"
GET = "alibaba.icbu.product.get"
LIST = "alibaba.icbu.product.list"
FIELD = "alibaba.icbu.product.update.field"


def product(seller: Seller, product_id: str) -> dict[str, Any]:
    return dict(seller.ok(GET, {"product_id": product_id})["product"])


def add_refused(seller: Seller, **changes: Any) -> dict[str, Any]:
    body = refused(seller.call(ADD, listing(seller.upload(), **changes)))
    assert body["detail"], body
    return body


# -- photobank and categories --------------------------------------------------------------
def test_photobank_upload(seller: Seller) -> None:
    first = seller.upload(PNG, "a.png")
    assert seller.upload(PNG, "b.png") == first  # the same bytes, the same address
    jpeg = seller.upload(b"\xff\xd8\xff\xe0" + b"\x00" * 64, "c.jpg")
    assert jpeg.endswith(".jpg") and jpeg != first
    files = {"image_bytes": ("x.txt", b"not an image", "text/plain")}
    refused(seller.call("alibaba.icbu.photobank.upload", {"file_name": "x"}, files=files))
    refused(seller.call("alibaba.icbu.photobank.upload", {"file_name": "x"}), "MissingParameter")


def test_photobank_size_limit(app: AlibabaSandbox, seller: Seller) -> None:
    app.configure(max_image_bytes=len(PNG) - 1)
    files = {"image_bytes": ("a.png", PNG, "image/png")}
    body = refused(seller.call("alibaba.icbu.photobank.upload", {"file_name": "a"}, files=files))
    assert "larger" in body["message"]


def test_category_tree_and_attributes(seller: Seller) -> None:
    root = seller.ok("alibaba.icbu.category.get", {"cat_id": 0})["category"]
    assert root["child_ids"] == [2, 15]
    tea = seller.ok("alibaba.icbu.category.get", {"cat_id": GREEN_TEA})["category"]
    assert tea["leaf_category"] is True and tea["parent_ids"] == [2, 201] and tea["level"] == 3
    attrs = seller.ok("alibaba.icbu.category.attribute.get", {"cat_id": GREEN_TEA})["attributes"]
    required = {a["en_name"] for a in attrs if a["required"]}
    assert required == {"Brand Name", "Place of Origin", "Shelf Life"}
    assert {a["en_name"] for a in attrs if a["sku_attribute"]} == {"Packaging", "Weight"}
    refused(seller.call("alibaba.icbu.category.attribute.get", {"cat_id": 201}))
    refused(seller.call("alibaba.icbu.category.get", {"cat_id": 999}))


# -- product.add and its rules ---------------------------------------------------------------
def test_add_wholesale_and_read_it_back(seller: Seller) -> None:
    product_id = publish(seller, "LT-1", "LT-2")
    assert not product_id.isdigit()  # an obfuscated id
    shown = product(seller, product_id)
    assert shown["product_type"] == "wholesale" and shown["language"] == "ENGLISH"
    assert shown["wholesale_trade"]["price"] == "12.50"
    assert shown["wholesale_trade"]["weight"] == "0.350"
    assert shown["price_type"] == "ladder_price"
    skus = shown["product_sku"]["skus"]
    assert [s["sku_code"] for s in skus] == ["LT-1", "LT-2"]
    assert all(isinstance(s["sku_id"], int) for s in skus)
    assert skus[0]["bulk_discount_prices"][2] == {"start_quantity": 200, "price": "9.75"}
    assert skus[0]["inventory_dto_list"][0]["inventory"] == 10
    numeric = seller.ok(LIST, {"language": "ENGLISH"})["products"][0]["id"]
    assert product(seller, str(numeric))["product_id"] == product_id  # either id works


def test_add_sourcing(seller: Seller) -> None:
    sourcing = {
        "fob_currency": "USD",
        "fob_min_price": "3.20",
        "fob_max_price": "4.10",
        "fob_unit_type": "Kilogram",
        "min_order_quantity": 500,
        "min_order_unit_type": "Kilogram",
        "supply_quantity": 20000,
        "supply_unit_type": "Kilogram",
        "supply_period_type": "month",
        "delivery_time": 15,
        "payment_methods": ["T/T", "L/C"],
    }
    product_id = publish(
        seller,
        "LT-SRC",
        product_type="sourcing",
        sourcing_trade=sourcing,
        bulk_discount_prices=None,
    )
    shown = product(seller, product_id)
    assert shown["sourcing_trade"]["fob_min_price"] == "3.20"
    assert shown["sourcing_trade"]["min_order_quantity"] == "500"
    assert shown["price_type"] == "fob_price"
    bad = dict(sourcing, fob_min_price="5.00", fob_currency="EUR", payment_methods=["Cash"])
    body = add_refused(seller, product_type="sourcing", sourcing_trade=bad)
    messages = " ".join(d["message"] for d in body["detail"])
    assert "above fob_max_price" in messages and "USD" in messages and "Cash" in messages


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        (
            {
                "bulk_discount_prices": [
                    {"start_quantity": q, "price": "10.00"} for q in (1, 5, 9, 20, 50)
                ]
            },
            "at most 4 price tiers",
        ),
        (
            {
                "bulk_discount_prices": [
                    {"start_quantity": 50, "price": "9.00"},
                    {"start_quantity": 10, "price": "8.00"},
                ]
            },
            "must rise",
        ),
        (
            {
                "bulk_discount_prices": [
                    {"start_quantity": 10, "price": "9.00"},
                    {"start_quantity": 50, "price": "9.50"},
                ]
            },
            "must not rise",
        ),
        ({"subject": "Lotus tea " * 13}, "at most 128 characters"),
        ({"keywords": ["a", "b", "c", "d"]}, "at most 3 keywords"),
        ({"keywords": ["lotus, tea"]}, "holds , or ;"),
        ({"subject": "Trà sen Tây Hồ hộp quà"}, "only English"),
        ({"keywords": ["trà sen"]}, "only English"),
        ({"language": "VIETNAMESE"}, "only English listings"),
        ({"category_id": 201}, "not a leaf category"),
        ({"attributes": [{"attribute_id": 1, "value_name": "Sen"}]}, "Place of Origin is required"),
        ({"attributes": [{"attribute_id": 2, "value_name": "Mars"}]}, "takes one of"),
        ({"main_image": {"images": ["https://cdn.example.vn/tea.jpg"]}}, "not in the photobank"),
        ({"wholesale_trade": None}, "needs wholesale_trade"),
        (
            {
                "wholesale_trade": {
                    "price": "12.505",
                    "unit_type": "Box",
                    "min_order_quantity": 0,
                    "handling_time": 61,
                    "weight": "0.3",
                    "package_size": "20*10",
                }
            },
            "at most 2 decimals",
        ),
        ({"product_sku": {"special_skus": [{"price": "1.00"}]}}, "sku_code"),
    ],
)
def test_add_refuses_what_alibaba_refuses(
    seller: Seller, changes: dict[str, Any], words: str
) -> None:
    body = refused(seller.call(ADD, listing(seller.upload(), **changes)))
    assert words in " ".join(d["message"] for d in body["detail"]), body
    assert seller.ok(LIST, {"language": "ENGLISH"})["total_item"] == 0  # nothing stored


def test_every_problem_is_reported_at_once(seller: Seller) -> None:
    body = add_refused(seller, subject="Trà " * 40, keywords=["a", "b", "c", "d"])
    fields = [d["field"] for d in body["detail"]]
    assert fields.count("subject") == 2 and "keywords" in fields
    assert "(and 2 more)" in body["message"]


def test_json_parameters_must_be_json(seller: Seller) -> None:
    params = listing(seller.upload())
    params["product_sku"] = "{not json"
    body = refused(seller.call(ADD, params))
    assert "product_sku" in body["message"]
    params = listing(seller.upload())
    del params["subject"]
    refused(seller.call(ADD, params), "MissingParameter")


def test_duplicate_sku_codes_are_a_setting(app: AlibabaSandbox, seller: Seller) -> None:
    publish(seller, "LT-DUP")
    publish(seller, "LT-DUP")  # allowed: Alibaba documents no uniqueness
    app.configure(duplicate_sku_code="refuse")
    body = refused(seller.call(ADD, listing(seller.upload(), "lt-dup")))
    assert "already used" in body["message"]


# -- the review walk -------------------------------------------------------------------------
def test_review_on_the_sandbox_clock(app: AlibabaSandbox, seller: Seller) -> None:
    app.configure(review_seconds=3600)
    product_id = publish(seller, "LT-1")
    shown = product(seller, product_id)
    assert (shown["status"], shown["display"]) == ("auditing", "N")
    app.clock.advance(3599)
    assert product(seller, product_id)["status"] == "auditing"
    app.clock.advance(2)
    assert (product(seller, product_id)["status"], product(seller, product_id)["display"]) == (
        "approved",
        "Y",
    )
    app.configure(approved_status="onSelling")
    assert product(seller, product_id)["status"] == "onSelling"


def test_control_approve_and_reject(
    server: SandboxServer, app: AlibabaSandbox, seller: Seller
) -> None:
    app.configure(auto_approve=False)
    first = publish(seller, "LT-1")
    second = publish(seller, "LT-2")
    assert control(server, f"products/{first}/approve").json()["status"] == "approved"
    assert control(server, f"products/{first}/approve").status_code == 400  # not in review
    reasons = ["The main image shows a watermark", "Subject repeats keywords"]
    answer = control(server, f"products/{second}/reject", {"reasons": reasons})
    assert answer.status_code == 200, answer.text
    shown = product(seller, second)
    assert shown["status"] == "editingRequired" and shown["audit_reasons"] == reasons
    assert shown["display"] == "N"
    assert control(server, "products/nope/approve").status_code == 404
    # an update sends it back to review
    seller.ok(
        "alibaba.icbu.product.update", {**listing(seller.upload(), "LT-2"), "product_id": second}
    )
    assert product(seller, second)["status"] == "auditing"
    listed = {row["sku"]: row["status"] for row in app.state()["listings"]}
    assert listed == {"LT-1": "approved", "LT-2": "auditing"}


# -- updates ---------------------------------------------------------------------------------
def test_update_field_price_applies_at_once(app: AlibabaSandbox, seller: Seller) -> None:
    product_id = publish(seller, "LT-1", "LT-2")
    app.configure(auto_approve=False)
    trade = dict(listing("x")["wholesale_trade"], price="13.00")
    seller.ok(
        FIELD,
        {
            "product_id": product_id,
            "wholesale_trade": trade,
            "bulk_discount_prices": [{"start_quantity": 2, "price": "13.00"}],
        },
    )
    ids = skus_of(seller, product_id)
    change = {"special_skus": [{"sku_id": ids["LT-2"], "price": "14.25"}]}
    seller.ok(FIELD, {"product_id": product_id, "product_sku": change})
    shown = product(seller, product_id)
    assert shown["status"] == "approved"  # prices are not reviewed again
    assert shown["wholesale_trade"]["price"] == "13.00"
    prices = {s["sku_code"]: s.get("price") for s in shown["product_sku"]["skus"]}
    assert prices == {"LT-1": None, "LT-2": "14.25"}
    assert skus_of(seller, product_id) == ids  # the SKUs keep their ids
    state = {row["sku"]: row["price"] for row in app.state()["listings"]}
    assert state == {"LT-1": "13.00", "LT-2": "14.25"}
    body = refused(
        seller.call(
            FIELD,
            {
                "product_id": product_id,
                "product_sku": {"special_skus": [{"sku_code": "NOPE", "price": "1.00"}]},
            },
        )
    )
    assert "NOPE" in body["message"]
    refused(
        seller.call(
            FIELD,
            {
                "product_id": product_id,
                "bulk_discount_prices": [
                    {"start_quantity": 2, "price": "9.00"},
                    {"start_quantity": 5, "price": "9.99"},
                ],
            },
        )
    )


def test_update_field_content_goes_back_to_review(app: AlibabaSandbox, seller: Seller) -> None:
    product_id = publish(seller, "LT-1")
    app.configure(auto_approve=False)
    seller.ok(FIELD, {"product_id": product_id, "subject": "West Lake Lotus Tea, Gift Box"})
    shown = product(seller, product_id)
    assert shown["status"] == "auditing" and shown["display"] == "Y"  # stays on sale
    assert shown["subject"] == "West Lake Lotus Tea, Gift Box"
    refused(seller.call(FIELD, {"product_id": product_id, "subject": "Trà sen"}))
    refused(seller.call(FIELD, {"product_id": product_id}), "MissingParameter")
    refused(seller.call(FIELD, {"product_id": "Qnothing", "subject": "x"}))


# -- product.list ----------------------------------------------------------------------------
def test_list_pages_newest_modified_first(app: AlibabaSandbox, seller: Seller) -> None:
    ids = []
    for index in range(5):
        ids.append(publish(seller, f"LT-{index}", subject=f"Lotus Tea Box number {index}"))
        app.clock.advance(60)
    seller.ok(FIELD, {"product_id": ids[1], "subject": "Lotus Tea Box renamed"})
    first = seller.ok(LIST, {"language": "ENGLISH", "page_size": 2, "current_page": 1})
    assert first["total_item"] == 5 and first["page_size"] == 2 and first["current_page"] == 1
    assert [p["product_id"] for p in first["products"]] == [ids[1], ids[4]]
    third = seller.ok(LIST, {"language": "ENGLISH", "page_size": 2, "current_page": 3})
    assert [p["product_id"] for p in third["products"]] == [ids[0]]
    found = seller.ok(LIST, {"language": "ENGLISH", "subject": "RENAMED"})["products"]
    assert [p["product_id"] for p in found] == [ids[1]]
    # no seller-SKU filter: the parameter is ignored
    assert seller.ok(LIST, {"language": "ENGLISH", "sku_code": "LT-3"})["total_item"] == 5
    since = found[0]["gmt_modified"]
    recent = seller.ok(LIST, {"language": "ENGLISH", "gmt_modified_from": since})
    assert [p["product_id"] for p in recent["products"]] == [ids[1]]


def test_list_limits(app: AlibabaSandbox, seller: Seller) -> None:
    body = refused(seller.call(LIST, {"language": "ENGLISH", "page_size": 31}))
    assert "page_size" in body["message"]
    refused(seller.call(LIST, {}), "MissingParameter")
    refused(seller.call(LIST, {"language": "SPANISH"}))
    refused(seller.call(LIST, {"language": "ENGLISH", "gmt_modified_from": "2024-13-01"}))
    app.configure(oversize_page="truncate")
    assert seller.ok(LIST, {"language": "ENGLISH", "page_size": 50})["page_size"] == 30
