"""Every product rule of the Lazada sandbox, refused the way Lazada refuses it."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from typing import Any

import pytest
from listsync_lazada.payload import dump_xml
from listsync_lazada.sandbox.app import LazadaSandbox
from listsync_lazada.sandbox.base import VN

from listsync.sandbox.harness import SandboxServer
from tests.adapters.lazada.support import grant, png, raw_call

TEA = 10000010
CERAMICS = 10000020


@pytest.fixture
def token(server: SandboxServer) -> str:
    return str(grant(server)["access_token"])


@pytest.fixture
def image(server: SandboxServer, token: str) -> str:
    files = {"image": ("tea.png", png(), "image/png")}
    body = raw_call(server, "/image/upload", token=token, method="POST", files=files).json()
    return str(body["data"]["image"]["url"])


def sku(seller_sku: str = "LT-1", **changes: Any) -> dict[str, Any]:
    base = {
        "SellerSku": seller_sku,
        "quantity": "5",
        "price": "120000",
        "package_weight": "0.3",
        "package_length": "20",
        "package_width": "10",
        "package_height": "8",
    }
    base.update(changes)
    return base


def product(image: str, **changes: Any) -> dict[str, Any]:
    tree: dict[str, Any] = {
        "PrimaryCategory": str(TEA),
        "Images": {"Image": [image]},
        "Attributes": {
            "name": "Trà sen Tây Hồ",
            "brand": "No Brand",
            "shelf_life": "12 tháng",
            "description": "<p>Trà sen &amp; hoa</p>",
        },
        "Skus": {"Sku": [sku()]},
    }
    tree.update(changes)
    return tree


def send(
    server: SandboxServer, token: str, path: str, tree: dict[str, Any], xml: bool = False
) -> dict[str, Any]:
    wrapped = {"Request": {"Product": tree}}
    text = dump_xml(wrapped) if xml else json.dumps(wrapped, ensure_ascii=False)
    body: dict[str, Any] = raw_call(
        server, path, {"payload": text}, token=token, method="POST"
    ).json()
    return body


def create(
    server: SandboxServer, token: str, tree: dict[str, Any], xml: bool = False
) -> dict[str, Any]:
    return send(server, token, "/product/create", tree, xml)


def test_create_with_json_payload(server: SandboxServer, token: str, image: str) -> None:
    body = create(server, token, product(image))
    assert body["code"] == "0", body
    assert body["data"]["sku_list"][0]["seller_sku"] == "LT-1"
    assert isinstance(body["data"]["item_id"], int)


def test_create_with_xml_payload_and_cdata(server: SandboxServer, token: str, image: str) -> None:
    tree = product(
        image,
        Skus={
            "Sku": [sku("LT-A", saleProp={"size": "100g"}), sku("LT-B", saleProp={"size": "250g"})]
        },
    )
    body = create(server, token, tree, xml=True)
    assert body["code"] == "0", body
    item = raw_call(
        server, "/product/item/get", {"item_id": body["data"]["item_id"]}, token=token
    ).json()["data"]
    assert item["attributes"]["description"] == "<p>Trà sen &amp; hoa</p>"
    assert [s["SellerSku"] for s in item["skus"]] == ["LT-A", "LT-B"]


def test_missing_payload(server: SandboxServer, token: str) -> None:
    body = raw_call(server, "/product/create", token=token, method="POST").json()
    assert body["code"] == "MissingParameter"


def test_malformed_payload_is_error_5(server: SandboxServer, token: str) -> None:
    body = raw_call(
        server, "/product/create", {"payload": "<Request><Product>"}, token=token, method="POST"
    ).json()
    assert body["code"] == "5"


def test_unknown_category_is_201(server: SandboxServer, token: str, image: str) -> None:
    assert create(server, token, product(image, PrimaryCategory="999"))["code"] == "201"


def test_category_that_is_not_a_leaf_is_4134(server: SandboxServer, token: str, image: str) -> None:
    body = create(server, token, product(image, PrimaryCategory="10000001"))
    assert body["code"] == "4134"
    assert body["message"] == "Please select the last level category."


def test_missing_mandatory_category_attribute_is_4110(
    server: SandboxServer, token: str, image: str
) -> None:
    tree = product(image)
    del tree["Attributes"]["shelf_life"]
    body = create(server, token, tree)
    assert body["code"] == "4110" and body["message"].startswith("BIZ_CHECK_CAT_PROP_MANDATORY")
    assert body["detail"][0]["field"] == "shelf_life"


def test_select_value_outside_its_options_is_4115(
    server: SandboxServer, token: str, image: str
) -> None:
    tree = product(image)
    tree["Attributes"]["tea_type"] = "Trà sữa"
    body = create(server, token, tree)
    assert body["code"] == "4115" and body["detail"][0]["field"] == "tea_type"
    tree["Attributes"]["tea_type"] = "Trà ướp hoa"
    assert create(server, token, tree)["code"] == "0"


def test_duplicate_seller_sku_in_the_shop_is_4105(
    server: SandboxServer, token: str, image: str
) -> None:
    assert create(server, token, product(image))["code"] == "0"
    assert create(server, token, product(image))["code"] == "4105"
    state = server.app.state()
    assert len(state["listings"]) == 1


def test_seller_sku_twice_in_one_request_is_4126(
    server: SandboxServer, token: str, image: str
) -> None:
    tree = product(
        image,
        Skus={"Sku": [sku("LT-1", saleProp={"size": "1"}), sku("lt-1", saleProp={"size": "2"})]},
    )
    assert create(server, token, tree)["code"] == "4126"


def test_seller_sku_of_another_item_on_update_is_4141(
    server: SandboxServer, token: str, image: str
) -> None:
    first = create(server, token, product(image))["data"]["item_id"]
    create(server, token, product(image, Skus={"Sku": [sku("LT-2")]}))
    tree = {"ItemId": str(first), "Skus": {"Sku": [sku("LT-2")]}}
    assert send(server, token, "/product/update", tree)["code"] == "4141"


def test_missing_main_image_is_4139(server: SandboxServer, token: str, image: str) -> None:
    assert create(server, token, product(image, Images={"Image": []}))["code"] == "4139"


def test_too_many_images_is_4169(server: SandboxServer, token: str, image: str) -> None:
    assert create(server, token, product(image, Images={"Image": [image] * 9}))["code"] == "4169"


def test_external_image_url_is_4138(server: SandboxServer, token: str, image: str) -> None:
    tree = product(image, Images={"Image": ["https://example.com/tea.png"]})
    body = create(server, token, tree)
    assert body["code"] == "4138" and body["message"].startswith("BIZ_CHECK_EXIST_OUTER_IMAGE")
    assert "Lazada image" in body["detail"][0]["message"]


def test_brand_not_valid_in_category_is_4142(server: SandboxServer, token: str, image: str) -> None:
    tree = product(image)
    tree["Attributes"]["brand"] = "HTX Trà sen Quảng An"
    assert create(server, token, tree)["code"] == "4142"
    tree = product(image, PrimaryCategory=str(CERAMICS))
    tree["Attributes"]["brand"] = "Phúc Long"  # a known brand, not one for ceramics
    assert create(server, token, tree)["code"] == "4142"


def test_special_price_not_below_price_is_4157(
    server: SandboxServer, token: str, image: str
) -> None:
    tree = product(image, Skus={"Sku": [sku(special_price="120000")]})
    assert create(server, token, tree)["code"] == "4157"


def test_title_over_255_bytes_is_4160(server: SandboxServer, token: str, image: str) -> None:
    tree = product(image)
    tree["Attributes"]["name"] = "Trà " * 60  # 240 characters, 300 bytes
    assert create(server, token, tree)["code"] == "4160"


def test_weight_over_40_kg_is_4164(server: SandboxServer, token: str, image: str) -> None:
    tree = product(image, Skus={"Sku": [sku(package_weight="40.5")]})
    assert create(server, token, tree)["code"] == "4164"


def test_size_over_300_cm_is_4165(server: SandboxServer, token: str, image: str) -> None:
    tree = product(
        image, Skus={"Sku": [sku(package_length="200", package_width="60", package_height="41")]}
    )
    assert create(server, token, tree)["code"] == "4165"


def test_decimal_vnd_price_is_4104(server: SandboxServer, token: str, image: str) -> None:
    tree = product(image, Skus={"Sku": [sku(price="120000.5")]})
    assert create(server, token, tree)["code"] == "4104"


def test_decimal_special_price_is_4121(server: SandboxServer, token: str, image: str) -> None:
    tree = product(image, Skus={"Sku": [sku(special_price="99000.5")]})
    assert create(server, token, tree)["code"] == "4121"


def test_zero_price_is_4118(server: SandboxServer, token: str, image: str) -> None:
    body = create(server, token, product(image, Skus={"Sku": [sku(price="0")]}))
    assert body["code"] == "4118" and body["message"].startswith("BIZ_CHECK_PRICE_IS_ZERO")


def test_more_than_two_sale_props(server: SandboxServer, token: str, image: str) -> None:
    props = {"size": "S", "color_family": "Lam", "pattern": "Sen"}
    tree = product(image, Skus={"Sku": [sku(saleProp=props)]})
    body = create(server, token, tree)
    assert body["detail"][0]["code"] == "BIZ_CHECK_TOTAL_SALE_PROP_MAX_ITEMS"


def test_undeclared_custom_sale_prop_is_4143(server: SandboxServer, token: str, image: str) -> None:
    skus = {
        "Sku": [
            sku("A", saleProp={"Khối lượng": "100g"}),
            sku("B", saleProp={"Khối lượng": "250g"}),
        ]
    }
    assert create(server, token, product(image, Skus=skus))["code"] == "4143"
    declared = {
        "variation1": {
            "name": "Khối lượng",
            "customize": "true",
            "options": {"option": ["100g", "250g"]},
        }
    }
    assert create(server, token, product(image, Skus=skus, variation=declared))["code"] == "0"


def test_update_changes_content_and_adds_skus(
    server: SandboxServer, token: str, image: str
) -> None:
    created = create(server, token, product(image, Skus={"Sku": [sku(saleProp={"size": "S"})]}))
    item_id = created["data"]["item_id"]
    tree = {
        "ItemId": str(item_id),
        "Attributes": {"name": "Trà sen thượng hạng"},
        "Skus": {"Sku": [sku("LT-2", saleProp={"size": "L"})]},
    }
    body = send(server, token, "/product/update", tree)
    assert body["code"] == "0", body
    assert "sku_list" not in body["data"]  # UpdateProduct answers item_status, variation
    assert [unit["sku"] for unit in server.app.state()["listings"]] == ["LT-1", "LT-2"]


def test_update_checks_the_same_rules(server: SandboxServer, token: str, image: str) -> None:
    item_id = create(server, token, product(image))["data"]["item_id"]
    tree = {"ItemId": str(item_id), "Images": {"Image": [image] * 9}}
    assert send(server, token, "/product/update", tree)["code"] == "4169"


def test_image_too_large_is_303(server: SandboxServer, token: str) -> None:
    big = {"image": ("big.png", png(padding=3_145_728), "image/png")}
    body = raw_call(server, "/image/upload", token=token, method="POST", files=big).json()
    assert body["code"] == "303" and body["message"] == "The image is too large"
    wide = {"image": ("wide.png", png(width=5001), "image/png")}
    body = raw_call(server, "/image/upload", token=token, method="POST", files=wide).json()
    assert body["code"] == "303"


def test_image_must_be_jpg_or_png(server: SandboxServer, token: str) -> None:
    files = {"image": ("a.gif", b"GIF89a....", "image/gif")}
    body = raw_call(server, "/image/upload", token=token, method="POST", files=files).json()
    assert body["code"] == "300"


def test_image_migrate_fetches_urls_and_refuses_others(server: SandboxServer, token: str) -> None:
    good = dump_xml({"Request": {"Image": {"Url": "https://example.com/tea.jpg?a=1&b=2"}}})
    body = raw_call(server, "/image/migrate", {"payload": good}, token=token, method="POST").json()
    assert body["code"] == "0" and "slatic.net" in body["data"]["image"]["url"]
    bad = dump_xml({"Request": {"Image": {"Url": "ftp://example.com/tea.jpg"}}})
    body = raw_call(server, "/image/migrate", {"payload": bad}, token=token, method="POST").json()
    assert body["code"] == "302"


def price_quantity(server: SandboxServer, token: str, skus: list[dict[str, Any]]) -> dict[str, Any]:
    return send(server, token, "/product/price_quantity/update", {"Skus": {"Sku": skus}})


def test_price_quantity_success_has_a_data_object(
    server: SandboxServer, token: str, image: str
) -> None:
    create(server, token, product(image))
    body = price_quantity(server, token, [{"SellerSku": "LT-1", "Quantity": "9"}])
    assert body["code"] == "0" and body["data"] == {}  # data · Object · required


def test_price_quantity_more_than_50_skus(server: SandboxServer, token: str) -> None:
    skus = [{"SellerSku": f"S{i}", "Quantity": "1"} for i in range(51)]
    assert price_quantity(server, token, skus)["code"] == "4171"


def test_price_quantity_partial_failure_has_per_sku_detail(
    server: SandboxServer, token: str, image: str
) -> None:
    create(server, token, product(image))
    create(server, token, product(image, Skus={"Sku": [sku("LT-2")]}))
    server.app.create_orders({"sku": "LT-2", "quantity": 3})
    body = price_quantity(
        server,
        token,
        [
            {"SellerSku": "LT-1", "Quantity": "9", "Price": "99000"},
            {"SellerSku": "LT-2", "Quantity": "2"},
            {"SellerSku": "NOPE", "Quantity": "1"},
        ],
    )
    assert body["code"] == "501"
    assert [d["seller_sku"] for d in body["detail"]] == ["LT-2", "NOPE"]
    units = {u["sku"]: u for u in server.app.state()["listings"]}
    assert (units["LT-1"]["stock"], units["LT-1"]["price"]) == (9, 99000)
    assert (units["LT-2"]["stock"], units["LT-2"]["reserved"]) == (5, 3)


def test_price_quantity_refuses_negative_stock_and_bad_prices(
    server: SandboxServer, token: str, image: str
) -> None:
    create(server, token, product(image))
    body = price_quantity(
        server,
        token,
        [
            {"SellerSku": "LT-1", "Quantity": "-1"},
            {"SellerSku": "LT-1", "Price": "100000", "SalePrice": "100000"},
            {"SellerSku": "LT-1", "Price": "0"},
        ],
    )
    assert body["code"] == "501" and len(body["detail"]) == 3
    assert "negative" in body["detail"][0]["message"]
    assert "special price" in body["detail"][1]["message"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"limit": 51}, "19"),  # E019: "%s" Invalid Limit
        ({"limit": 0}, "19"),
        ({"limit": "ten"}, "19"),
        ({"offset": 10_001}, "14"),  # E014: "%s" Invalid Offset
        ({"offset": -1}, "14"),
        ({"filter": "everything"}, "36"),  # E036: Invalid status filter
        ({"create_after": "yesterday"}, "17"),  # E017: "%s" Invalid Date Format
        ({"update_before": "2024-13-01T00:00:00+0800"}, "17"),
        ({"sku_seller_list": "LT-1"}, "70"),  # E070: corrupt data in your sku seller list
        ({"sku_seller_list": json.dumps([f"S{i}" for i in range(101)])}, "70"),
    ],
)
def test_products_get_refusals(
    server: SandboxServer, token: str, params: dict[str, Any], code: str
) -> None:
    assert raw_call(server, "/products/get", params, token=token).json()["code"] == code


def test_products_get_accepts_its_edges_and_filters_by_dates(
    server: SandboxServer, token: str, image: str
) -> None:
    app = server.app
    assert isinstance(app, LazadaSandbox)
    create(server, token, product(image))
    app.clock.advance(3600)
    create(server, token, product(image, Skus={"Sku": [sku("LT-2")]}))
    edges = {"limit": 50, "offset": 10_000, "filter": "live"}
    assert raw_call(server, "/products/get", edges, token=token).json()["code"] == "0"
    middle = (app.clock.now() - timedelta(minutes=30)).astimezone(VN)
    for name, value, expected in (
        ("create_after", middle.strftime("%Y-%m-%dT%H:%M:%S%z"), ["LT-2"]),  # the sample's +0800
        ("create_before", middle.isoformat(timespec="seconds"), ["LT-1"]),
        ("update_after", middle.strftime("%Y-%m-%dT%H:%M:%S"), ["LT-2"]),  # no offset: VN time
    ):
        body = raw_call(server, "/products/get", {name: value}, token=token).json()
        assert body["code"] == "0", body
        found = [p["skus"][0]["SellerSku"] for p in body["data"]["products"]]
        assert found == expected, (name, value)


def test_products_get_skus_are_written_as_documented(
    server: SandboxServer, token: str, image: str
) -> None:
    """GetProducts / GetProductItem samples: package_* strings, Url, Available, stock per
    warehouse in multiWarehouseInventories, no SKU-level sellableQuantity."""
    create(server, token, product(image, Skus={"Sku": [sku(saleProp={"size": "100g"})]}))
    server.app.create_orders({"sku": "LT-1", "quantity": 2})
    (item,) = raw_call(server, "/products/get", {}, token=token).json()["data"]["products"]
    (one,) = item["skus"]
    assert "sellableQuantity" not in one and "saleProp" not in one
    assert (one["package_weight"], one["package_length"], one["package_height"]) == (
        "0.3",
        "20.00",
        "8.00",
    )
    assert one["Url"] == f"https://www.lazada.vn/-i{item['item_id']}-s{one['SkuId']}.html"
    (warehouse,) = one["multiWarehouseInventories"]
    assert warehouse == {
        "warehouseCode": "dropshipping",
        "totalQuantity": 5,
        "occupyQuantity": 2,
        "withholdQuantity": 0,
        "quantity": 3,
        "sellableQuantity": 3,
    }
    assert (one["Available"], one["quantity"], one["price"], one["special_price"]) == (
        3,
        3,
        120000,
        0,
    )
    assert one["size"] == "100g" and one["Status"] == "active"
    single = raw_call(server, "/product/item/get", {"item_id": item["item_id"]}, token=token)
    assert single.json()["data"]["skus"] == item["skus"]


def test_product_item_get_refusals(server: SandboxServer, token: str) -> None:
    assert raw_call(server, "/product/item/get", {}, token=token).json()["code"] == "200"
    missing = raw_call(server, "/product/item/get", {"item_id": 42}, token=token).json()
    assert missing["code"] == "207"
    update = send(server, token, "/product/update", {"ItemId": "42", "Attributes": {"name": "x"}})
    assert update["code"] == "4137"


def test_update_answers_status_and_variation_not_sku_ids(
    server: SandboxServer, token: str, image: str
) -> None:
    item_id = create(server, token, product(image))["data"]["item_id"]
    body = send(server, token, "/product/update", {"ItemId": str(item_id)})
    assert body["code"] == "0" and body["data"] == {"item_status": "Active", "variation": {}}


def test_sku_seller_list_is_an_exact_match(server: SandboxServer, token: str, image: str) -> None:
    create(server, token, product(image, Skus={"Sku": [sku("LT-100")]}))
    found = raw_call(server, "/products/get", {"sku_seller_list": '["LT-1"]'}, token=token).json()
    assert found["data"]["products"] == []
    found = raw_call(server, "/products/get", {"sku_seller_list": '["lt-100"]'}, token=token).json()
    assert [p["skus"][0]["SellerSku"] for p in found["data"]["products"]] == ["LT-100"]


def test_seller_sku_lookup_can_lag(server: SandboxServer, token: str, image: str) -> None:
    app = server.app
    assert isinstance(app, LazadaSandbox)
    app.configure(sku_lookup_lag=600)
    create(server, token, product(image))
    lookup = {"sku_seller_list": '["LT-1"]'}
    assert raw_call(server, "/products/get", lookup, token=token).json()["data"]["products"] == []
    listed = raw_call(server, "/products/get", {}, token=token).json()["data"]
    assert listed["total_products"] == 1
    app.clock.advance(601)
    assert (
        len(raw_call(server, "/products/get", lookup, token=token).json()["data"]["products"]) == 1
    )


def test_product_writes_too_frequent_are_4154_and_901(
    server: SandboxServer, token: str, image: str
) -> None:
    app = server.app
    assert isinstance(app, LazadaSandbox)
    item_id = create(server, token, product(image))["data"]["item_id"]
    app.configure(product_rate=1)
    update = {"ItemId": str(item_id), "Attributes": {"name": "Trà sen"}}
    assert send(server, token, "/product/update", update)["code"] == "0"
    assert send(server, token, "/product/update", update)["code"] == "901"
    assert create(server, token, product(image, Skus={"Sku": [sku("LT-9")]}))["code"] == "4154"


def test_review_keeps_new_items_pending(server: SandboxServer, token: str, image: str) -> None:
    app = server.app
    assert isinstance(app, LazadaSandbox)
    app.configure(review_seconds=3600)
    body = create(server, token, product(image))
    assert body["data"]["item_status"] == "Pending QC"
    app.clock.advance(3601)
    item = raw_call(
        server, "/product/item/get", {"item_id": body["data"]["item_id"]}, token=token
    ).json()["data"]
    assert item["status"] == "Active"


def test_category_tree_and_attributes(server: SandboxServer) -> None:
    tree = raw_call(server, "/category/tree/get").json()["data"]
    leaves = [c for root in tree for c in root["children"]]
    assert {c["category_id"] for c in leaves} >= {TEA, CERAMICS}
    attributes = raw_call(server, "/category/attributes/get", {"primary_category_id": TEA}).json()[
        "data"
    ]
    assert {"name": "shelf_life", "is_mandatory": 1} in [
        {"name": a["name"], "is_mandatory": a["is_mandatory"]} for a in attributes
    ]


def test_category_attributes_have_id_input_type_options_and_sale_prop(
    server: SandboxServer,
) -> None:
    """GetCategoryAttributes: id, input_type, options[{id, name, en_name}], is_sale_prop."""
    body = raw_call(server, "/category/attributes/get", {"primary_category_id": CERAMICS}).json()
    rows = {row["name"]: row for row in body["data"]}
    material = rows["material"]
    assert isinstance(material["id"], int) and material["input_type"] == "singleSelect"
    assert (material["is_sale_prop"], material["attribute_type"]) == (0, "normal")
    assert "Gốm sứ" in [option["name"] for option in material["options"]]
    assert all(
        isinstance(o["id"], int) and set(o) == {"id", "name", "en_name"}
        for o in material["options"]
    )
    assert (rows["size"]["is_sale_prop"], rows["size"]["attribute_type"]) == (1, "sku")
    assert rows["name"]["input_type"] == "text" and rows["name"]["options"] == []


@pytest.mark.parametrize(("category", "code"), [("999", "4227"), ("10000001", "57")])
def test_category_attributes_refusals(server: SandboxServer, category: str, code: str) -> None:
    body = raw_call(server, "/category/attributes/get", {"primary_category_id": category}).json()
    assert body["code"] == code


def test_brands_query_pages_through_the_brands(server: SandboxServer) -> None:
    body = raw_call(server, "/category/brands/query", {"startRow": 0, "pageSize": 4}).json()
    assert body["code"] == "0" and body["success"] is True and body["error_code"] is None
    data = body["data"]
    assert (data["start_row"], data["page_size"], data["total_record"]) == (0, 4, 6)
    assert set(data["module"][0]) == {"brand_id", "name", "global_identifier", "name_en"}
    more = raw_call(server, "/category/brands/query", {"startRow": 4, "pageSize": 4}).json()
    names = [b["name"] for b in data["module"] + more["data"]["module"]]
    assert len(names) == 6 and "No Brand" in names and "Bát Tràng" in names
    too_big = raw_call(server, "/category/brands/query", {"startRow": 0, "pageSize": 201})
    assert too_big.json()["code"] == "InvalidParameter"
    assert raw_call(server, "/category/brands/query", {}).json()["code"] == "MissingParameter"


def test_state_shape(server: SandboxServer, token: str, image: str) -> None:
    tree = copy.deepcopy(product(image))
    tree["Attributes"]["model"] = "LT"
    create(server, token, tree)
    (unit,) = server.app.state()["listings"]
    assert unit == {
        "sku": "LT-1",
        "product_sku": "LT",
        "remote_id": unit["remote_id"],
        "unit_id": unit["unit_id"],
        "status": "Active",
        "stock": 5,
        "reserved": 0,
        "price": 120000,
    }
