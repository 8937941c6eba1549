"""Every product rule of the sandbox, refused the way Shopee refuses it, one test each."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from listsync_shopee import signing
from listsync_shopee.sandbox.app import ShopeeSandbox

from listsync.sandbox.harness import SandboxServer
from tests.adapters.shopee.support import Raw, fresh, jpeg

P = "/api/v2/product/"
ADD = P + "add_item"


@pytest.fixture(scope="module")
def module_server() -> Iterator[SandboxServer]:
    with SandboxServer(ShopeeSandbox()) as server:
        yield server


@pytest.fixture
def raw(module_server: SandboxServer) -> Raw:
    fresh(module_server)
    return Raw(module_server).authorize()


def refused(reply: dict[str, Any], error: str, message: str = "", module: str = "product") -> None:
    """Refused with ``error``, prefixed with the API's module as the reference pages show
    (``module=""`` for the public calls, which keep bare codes)."""
    assert reply["error"] == (f"{module}.{error}" if module else error), reply
    assert message in reply["message"], reply
    assert "response" not in reply


def attribute(attribute_id: int, value_id: int, text: str = "") -> dict[str, Any]:
    value = {"value_id": value_id, "original_value_name": text}
    return {"attribute_id": attribute_id, "attribute_value_list": [value]}


# -- media_space/upload_image ---------------------------------------------------------


def test_upload_answers_one_id_per_file(raw: Raw) -> None:
    ids = raw.upload(jpeg(), jpeg(salt=b"x"), b"\x89PNG\r\n\x1a\n" + b"\0" * 8)
    assert len(set(ids)) == 3


def test_upload_same_photo_twice_gives_two_ids(raw: Raw) -> None:
    assert raw.upload(jpeg()) != raw.upload(jpeg())


def test_upload_more_than_nine_files(raw: Raw) -> None:
    files = [("image", (f"{i}.jpg", jpeg(), "image/jpeg")) for i in range(10)]
    reply = raw.call("POST", signing.UPLOAD_IMAGE, shop=False, files=files)
    refused(reply, "error_param", "at most 9", module="")


def test_upload_larger_than_ten_megabytes(raw: Raw) -> None:
    files = [("image", ("big.jpg", jpeg(10 * 1024 * 1024), "image/jpeg"))]
    reply = raw.call("POST", signing.UPLOAD_IMAGE, shop=False, files=files)
    refused(reply, "error_param", "10 MB", module="")


def test_upload_not_jpg_or_png(raw: Raw) -> None:
    files = [("image", ("a.gif", b"GIF89a" + b"\0" * 10, "image/gif"))]
    reply = raw.call("POST", signing.UPLOAD_IMAGE, shop=False, files=files)
    refused(reply, "error_param", "JPG", module="")


def test_upload_without_image(raw: Raw) -> None:
    reply = raw.call("POST", signing.UPLOAD_IMAGE, shop=False, files=[("other", ("a", b"x"))])
    refused(reply, "error_param", "image is required", module="")


# -- product/add_item -----------------------------------------------------------------


def test_add_item_echoes_the_item(raw: Raw) -> None:
    reply = raw.call("POST", ADD, json=raw.item_body())
    item = reply["response"]
    assert reply["error"] == "" and isinstance(item["item_id"], int)
    assert item["price_info"]["original_price"] == 250000.0
    assert item["item_status"] == "NORMAL" and item["item_sku"] == "LT-250"


def test_add_item_accepts_the_older_normal_stock(raw: Raw) -> None:
    body = raw.item_body(normal_stock=5)
    del body["seller_stock"]
    assert raw.call("POST", ADD, json=body)["error"] == ""


@pytest.mark.parametrize(
    "field",
    [
        "original_price",
        "description",
        "weight",
        "item_name",
        "category_id",
        "image",
        "logistic_info",
    ],
)
def test_add_item_required_field(raw: Raw, field: str) -> None:
    body = raw.item_body()
    del body[field]
    refused(raw.call("POST", ADD, json=body), "error_param", f"{field} is required")


def test_add_item_unknown_category(raw: Raw) -> None:
    refused(
        raw.call("POST", ADD, json=raw.item_body(category_id=1)), "error_param", "Invalid category."
    )


def test_add_item_parent_category(raw: Raw) -> None:
    reply = raw.call("POST", ADD, json=raw.item_body(category_id=100001))
    refused(reply, "error_invalid_category")


def test_add_item_name_too_short(raw: Raw) -> None:
    refused(
        raw.call("POST", ADD, json=raw.item_body(item_name="Trà")), "error_item_name_is_too_short"
    )


def test_add_item_name_over_the_category_limit(raw: Raw) -> None:
    """Tea takes at most 100 characters, other categories 120."""
    reply = raw.call("POST", ADD, json=raw.item_body(item_name="T" * 101))
    refused(reply, "error_name_length_limit", "between 10 and 100")
    limits = raw.call("GET", P + "get_item_limit", query={"category_id": 100010})["response"]
    assert limits["item_name_length_limit"] == {"min_limit": 10, "max_limit": 100}


def test_add_item_description_too_short(raw: Raw) -> None:
    reply = raw.call("POST", ADD, json=raw.item_body(description="Ngon"))
    refused(reply, "error_desc_length_min_limit")


def test_add_item_description_too_long(raw: Raw) -> None:
    reply = raw.call("POST", ADD, json=raw.item_body(description="x" * 3001))
    refused(reply, "error_param", "description length")


def test_add_item_vnd_price_must_be_whole(raw: Raw) -> None:
    reply = raw.call("POST", ADD, json=raw.item_body(original_price=250000.5))
    refused(reply, "error_invalid_price")


def test_add_item_price_below_minimum(raw: Raw) -> None:
    reply = raw.call("POST", ADD, json=raw.item_body(original_price=500))
    refused(reply, "error_price_exceed_min_limitt")


def test_add_item_price_above_maximum(raw: Raw) -> None:
    reply = raw.call("POST", ADD, json=raw.item_body(original_price=130_000_000))
    refused(reply, "error_price_exceed_max_limitt")


def test_add_item_image_not_uploaded(raw: Raw) -> None:
    body = raw.item_body(image={"image_id_list": ["vn-11134207-nope"]})
    refused(raw.call("POST", ADD, json=body), "error_param", "Image not exist.")


def test_add_item_too_many_images(raw: Raw) -> None:
    ids = raw.upload(*[jpeg(salt=bytes([i])) for i in range(9)]) + raw.upload(jpeg())
    reply = raw.call("POST", ADD, json=raw.item_body(image={"image_id_list": ids}))
    refused(reply, "error_param", "between 1 and 9")


def test_add_item_logistics_channel_not_enabled(raw: Raw) -> None:
    body = raw.item_body(logistic_info=[{"logistic_id": 50016, "enabled": True}])
    refused(raw.call("POST", ADD, json=body), "error_param", "logistic_id 50016")


def test_add_item_no_logistics_enabled(raw: Raw) -> None:
    body = raw.item_body(logistic_info=[{"logistic_id": 50011, "enabled": False}])
    refused(raw.call("POST", ADD, json=body), "error_param", "at least one")


def test_add_item_missing_mandatory_attribute(raw: Raw) -> None:
    reply = raw.call("POST", ADD, json=raw.item_body(attribute_list=[]))
    refused(reply, "error_less_required_attribute", "Hạn sử dụng (attribute_id 100100)")


def test_add_item_attribute_of_another_category(raw: Raw) -> None:
    body = raw.item_body(attribute_list=[attribute(100100, 3), attribute(100110, 30)])
    refused(raw.call("POST", ADD, json=body), "error_param", "attribute_id 100110")


def test_add_item_drop_down_refuses_free_text(raw: Raw) -> None:
    body = raw.item_body(attribute_list=[attribute(100100, 3), attribute(100102, 0, "Trà lài")])
    refused(raw.call("POST", ADD, json=body), "error_param", "value_id")


def test_add_item_combo_box_takes_free_text(raw: Raw) -> None:
    body = raw.item_body(attribute_list=[attribute(100100, 0, "18 tháng")])
    assert raw.call("POST", ADD, json=body)["error"] == ""


def test_add_item_unknown_value_id(raw: Raw) -> None:
    body = raw.item_body(attribute_list=[attribute(100100, 99)])
    refused(raw.call("POST", ADD, json=body), "error_param", "value_id 99")


def test_add_item_unknown_brand(raw: Raw) -> None:
    body = raw.item_body(brand={"brand_id": 42, "original_brand_name": "Sen Tây Hồ"})
    refused(raw.call("POST", ADD, json=body), "error_invalid_brand")


def test_add_item_brand_mandatory_in_tea(raw: Raw) -> None:
    body = raw.item_body()
    del body["brand"]
    refused(raw.call("POST", ADD, json=body), "error_param", "brand is mandatory")


def test_add_item_dimensions_mandatory_for_ceramics(raw: Raw) -> None:
    body = raw.item_body(category_id=100020, attribute_list=[])
    refused(raw.call("POST", ADD, json=body), "error_param", "dimension is mandatory")
    body["dimension"] = {"package_height": 7, "package_length": 15, "package_width": 15}
    assert raw.call("POST", ADD, json=body)["error"] == ""


def test_add_item_sku_too_long(raw: Raw) -> None:
    refused(
        raw.call("POST", ADD, json=raw.item_body(item_sku="S" * 101)), "error_param", "item_sku"
    )


def test_add_item_accepts_duplicate_skus(raw: Raw) -> None:
    """Shopee does not refuse a second item with the same SKU: the client must not send one."""
    assert raw.add_item() != raw.add_item()
    assert len(raw.app.state()["listings"]) == 2


def test_add_item_body_not_json(raw: Raw) -> None:
    response = raw.send("POST", ADD, json=None)
    assert response.json()["error"] == "product.error_param"


def test_shop_item_limit(raw: Raw) -> None:
    for _ in range(3):
        raw.add_item()
    from listsync_shopee.sandbox import catalog as sandbox_catalog

    tea = sandbox_catalog.CATEGORIES[100010]
    small = sandbox_catalog.Limits(name=(10, 100), item_count=3)
    sandbox_catalog.CATEGORIES[100010] = type(tea)(**{**tea.__dict__, "limits": small})
    try:
        refused(raw.call("POST", ADD, json=raw.item_body()), "error_reach_shop_item_limit")
    finally:
        sandbox_catalog.CATEGORIES[100010] = tea


# -- init_tier_variation --------------------------------------------------------------


def tiers(item_id: int, count: int = 2, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "item_id": item_id,
        "tier_variation": [
            {"name": "Khối lượng", "option_list": [{"option": f"{n}g"} for n in range(count)]}
        ],
        "model": [
            {
                "tier_index": [n],
                "model_sku": f"LT-{n}",
                "original_price": 100000 + n,
                "seller_stock": [{"stock": 1}],
            }
            for n in range(count)
        ],
    }
    body.update(changes)
    return body


def test_init_tier_variation_makes_models(raw: Raw) -> None:
    item_id = raw.add_item()
    reply = raw.call("POST", P + "init_tier_variation", json=tiers(item_id))
    assert [m["model_sku"] for m in reply["response"]["model"]] == ["LT-0", "LT-1"]
    listed = raw.call("GET", P + "get_model_list", query={"item_id": item_id})["response"]
    assert [m["price_info"][0]["original_price"] for m in listed["model"]] == [100000.0, 100001.0]
    info = raw.call("GET", P + "get_item_base_info", query={"item_id_list": str(item_id)})
    assert info["response"]["item_list"][0]["has_model"] is True
    assert "price_info" not in info["response"]["item_list"][0]


def test_init_tier_variation_at_most_fifty_models(raw: Raw) -> None:
    reply = raw.call("POST", P + "init_tier_variation", json=tiers(raw.add_item(), 51))
    refused(reply, "error_param", "between 1 and 50")


def test_init_tier_variation_name_length(raw: Raw) -> None:
    body = tiers(raw.add_item())
    body["tier_variation"][0]["name"] = "Khối lượng tịnh"  # 15 > 14
    refused(raw.call("POST", P + "init_tier_variation", json=body), "error_param", "name length")


def test_init_tier_variation_option_length(raw: Raw) -> None:
    body = tiers(raw.add_item())
    body["tier_variation"][0]["option_list"][0]["option"] = "o" * 21
    refused(raw.call("POST", P + "init_tier_variation", json=body), "error_param", "option length")


def test_init_tier_variation_index_out_of_range(raw: Raw) -> None:
    body = tiers(raw.add_item())
    body["model"][0]["tier_index"] = [5]
    refused(raw.call("POST", P + "init_tier_variation", json=body), "error_param", "out of range")


def test_init_tier_variation_only_once(raw: Raw) -> None:
    item_id = raw.add_item()
    raw.call("POST", P + "init_tier_variation", json=tiers(item_id))
    reply = raw.call("POST", P + "init_tier_variation", json=tiers(item_id))
    refused(reply, "error_param", "already has tier variations")


def test_init_tier_variation_unknown_item(raw: Raw) -> None:
    reply = raw.call("POST", P + "init_tier_variation", json=tiers(123))
    refused(reply, "error_item_not_found", "Product not found")


# -- update_item, update_price, update_stock ------------------------------------------


def test_update_item_changes_content(raw: Raw) -> None:
    item_id = raw.add_item()
    reply = raw.call(
        "POST", P + "update_item", json={"item_id": item_id, "item_name": "Trà sen mới 250g"}
    )
    assert reply["response"]["item_name"] == "Trà sen mới 250g"


def test_update_item_refuses_price(raw: Raw) -> None:
    reply = raw.call(
        "POST", P + "update_item", json={"item_id": raw.add_item(), "original_price": 1}
    )
    refused(reply, "error_param", "use update_price")


def test_update_item_checks_like_add_item(raw: Raw) -> None:
    reply = raw.call("POST", P + "update_item", json={"item_id": raw.add_item(), "item_name": "x"})
    refused(reply, "error_item_name_is_too_short")


@pytest.mark.parametrize("count", [0, 51])
def test_update_price_list_of_one_to_fifty(raw: Raw, count: int) -> None:
    entries = [{"model_id": 0, "original_price": 100000}] * count
    body = {"item_id": raw.add_item(), "price_list": entries}
    refused(raw.call("POST", P + "update_price", json=body), "error_param", "1 to 50")


def test_update_price_partial_failure(raw: Raw) -> None:
    item_id = raw.add_item()
    raw.call("POST", P + "init_tier_variation", json=tiers(item_id, 3))
    models = raw.call("GET", P + "get_model_list", query={"item_id": item_id})["response"]["model"]
    ids = [m["model_id"] for m in models]
    body = {
        "item_id": item_id,
        "price_list": [
            {"model_id": ids[0], "original_price": 120000},
            {"model_id": ids[1], "original_price": 99.5},
            {"model_id": 1, "original_price": 120000},
        ],
    }
    reply = raw.call("POST", P + "update_price", json=body)["response"]
    assert reply["success_list"] == [{"model_id": ids[0], "original_price": 120000.0}]
    assert [f["model_id"] for f in reply["failure_list"]] == [ids[1], 1]


def test_update_price_model_zero_only_without_models(raw: Raw) -> None:
    item_id = raw.add_item()
    raw.call("POST", P + "init_tier_variation", json=tiers(item_id))
    body = {"item_id": item_id, "price_list": [{"model_id": 0, "original_price": 120000}]}
    assert raw.call("POST", P + "update_price", json=body)["response"]["failure_list"]


def test_update_stock_not_below_reserved(raw: Raw) -> None:
    item_id = raw.add_item()
    raw.app.create_orders({"sku": "LT-250", "quantity": 4})
    body: dict[str, Any] = {
        "item_id": item_id,
        "stock_list": [{"model_id": 0, "seller_stock": [{"stock": 3}]}],
    }
    reply = raw.call("POST", P + "update_stock", json=body)["response"]
    assert reply["success_list"] == []
    assert "reserved stock 4" in reply["failure_list"][0]["failed_reason"]
    body["stock_list"][0]["seller_stock"][0]["stock"] = 4
    reply = raw.call("POST", P + "update_stock", json=body)["response"]
    assert reply["success_list"] == [{"model_id": 0, "location_id": "VNZ", "stock": 4}]


def test_update_stock_one_item_per_call(raw: Raw) -> None:
    body = {"item_id": 123, "stock_list": [{"model_id": 0, "seller_stock": [{"stock": 3}]}]}
    refused(raw.call("POST", P + "update_stock", json=body), "error_item_not_found")


@pytest.mark.parametrize("count", [0, 51])
def test_update_stock_list_of_one_to_fifty(raw: Raw, count: int) -> None:
    entries = [{"model_id": 0, "seller_stock": [{"stock": 1}]}] * count
    body = {"item_id": raw.add_item(), "stock_list": entries}
    refused(raw.call("POST", P + "update_stock", json=body), "error_param", "1 to 50")


# -- reads ------------------------------------------------------------------------------


def test_get_item_list_needs_item_status(raw: Raw) -> None:
    reply = raw.call("GET", P + "get_item_list", query={"offset": 0, "page_size": 10})
    refused(reply, "error_param", "item_status is required")


def test_get_item_list_page_size_at_most_100(raw: Raw) -> None:
    query = {"offset": 0, "page_size": 101, "item_status": "NORMAL"}
    refused(raw.call("GET", P + "get_item_list", query=query), "error_param", "page_size")


def test_get_item_list_repeated_status_and_offset_paging(raw: Raw) -> None:
    ids = [raw.add_item() for _ in range(3)]
    query = [("offset", 0), ("page_size", 2), ("item_status", "NORMAL"), ("item_status", "BANNED")]
    first = raw.call("GET", P + "get_item_list", query=query)["response"]
    assert first["has_next_page"] and first["next_offset"] == 2 and first["total_count"] == 3
    query[0] = ("offset", first["next_offset"])
    second = raw.call("GET", P + "get_item_list", query=query)["response"]
    assert [i["item_id"] for i in first["item"] + second["item"]] == ids
    assert not second["has_next_page"]


def test_search_item_by_sku(raw: Raw) -> None:
    item_id = raw.add_item(item_sku="LT-250")
    raw.add_item(item_sku="BT-1")
    reply = raw.call("GET", P + "search_item", query={"item_sku": "LT-250", "page_size": 10})
    assert reply["response"]["item_id_list"] == [item_id]


def test_search_item_needs_a_term(raw: Raw) -> None:
    reply = raw.call("GET", P + "search_item", query={"page_size": 10})
    refused(reply, "error_param", "item_name or item_sku")


def test_search_index_lags_when_told(raw: Raw) -> None:
    raw.app.configure(search_lag_seconds=600)
    raw.add_item(item_sku="LT-LAG")
    query = {"item_sku": "LT-LAG", "page_size": 10}
    assert raw.call("GET", P + "search_item", query=query)["response"]["item_id_list"] == []
    raw.app.clock.advance(601)
    raw.authorize()
    assert len(raw.call("GET", P + "search_item", query=query)["response"]["item_id_list"]) == 1


@pytest.mark.parametrize("form", ["{a},{b}", "[{a},{b}]"])
def test_get_item_base_info_takes_both_list_forms(raw: Raw, form: str) -> None:
    a, b = raw.add_item(), raw.add_item()
    query = {"item_id_list": form.format(a=a, b=b)}
    items = raw.call("GET", P + "get_item_base_info", query=query)["response"]["item_list"]
    assert [i["item_id"] for i in items] == [a, b]
    assert items[0]["stock_info_v2"]["summary_info"]["total_available_stock"] == 10


def test_get_item_base_info_at_most_fifty(raw: Raw) -> None:
    query = {"item_id_list": ",".join(str(i) for i in range(51))}
    refused(raw.call("GET", P + "get_item_base_info", query=query), "error_param", "1 to 50")


def test_get_model_list_unknown_item(raw: Raw) -> None:
    reply = raw.call("GET", P + "get_model_list", query={"item_id": 1})
    refused(reply, "error_item_not_found")


def test_get_item_limit_unknown_category(raw: Raw) -> None:
    reply = raw.call("GET", P + "get_item_limit", query={"category_id": 5})
    refused(reply, "error_param", "Invalid category.")


def test_reference_data(raw: Raw) -> None:
    categories = raw.call("GET", P + "get_category")["response"]["category_list"]
    assert {c["original_category_name"] for c in categories} >= {"Trà", "Gốm sứ"}
    tree = raw.call("GET", P + "get_attribute_tree", query={"category_id_list": "100010"})
    mandatory = [a["name"] for a in tree["response"]["list"][0]["attribute_tree"] if a["mandatory"]]
    assert mandatory == ["Hạn sử dụng"]
    channels = raw.call("GET", "/api/v2/logistics/get_channel_list")["response"]
    assert {c["logistics_channel_id"] for c in channels["logistics_channel_list"]} >= {50011}
