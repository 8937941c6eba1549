"""Lazada's numeric error codes, as the sandbox answers them, read as typed errors with a
sentence a person understands (errors.from_body)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from listsync_lazada.errors import LazadaRejected, from_body
from listsync_lazada.sandbox.app import LazadaSandbox
from listsync_lazada.sandbox.catalog import ItemRecord, SkuRecord

from listsync.errors import ChannelError, RejectedError, TransientError
from listsync.sandbox.harness import SandboxServer
from tests.adapters.lazada.support import grant, raw_call

SINCE = {"created_after": "2020-01-01T00:00:00+07:00"}
IMAGE = "https://vn-test-11.slatic.net/p/tea.png"


def product(**sku: str) -> dict[str, str]:
    unit = {
        "SellerSku": "LT-1",
        "quantity": "5",
        "price": "120000",
        "package_weight": "0.3",
        "package_length": "20",
        "package_width": "10",
        "package_height": "8",
        **sku,
    }
    tree: dict[str, Any] = {
        "PrimaryCategory": "10000010",
        "Images": {"Image": [IMAGE]},
        "Attributes": {"name": "Trà sen", "brand": "No Brand", "shelf_life": "12 tháng"},
        "Skus": {"Sku": [unit]},
    }
    return {"payload": json.dumps({"Request": {"Product": tree}}, ensure_ascii=False)}


def changed(path: list[str], value: Any, **sku: str) -> dict[str, str]:
    tree = json.loads(product(**sku)["payload"])
    holder = tree["Request"]["Product"]
    for key in path[:-1]:
        holder = holder[key]
    if value is None:
        del holder[path[-1]]
    else:
        holder[path[-1]] = value
    return {"payload": json.dumps(tree, ensure_ascii=False)}


# (API path, parameters, the code Lazada documents, words of the sentence a person reads)
CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("/products/get", {"limit": 51}, "19", "page size (limit) is not valid"),
    ("/products/get", {"offset": 10_001}, "14", "offset"),
    ("/products/get", {"filter": "everything"}, "36", "status filter"),
    ("/products/get", {"create_after": "yesterday"}, "17", "ISO 8601"),
    ("/products/get", {"sku_seller_list": "LT-1"}, "70", "seller SKU list"),
    ("/orders/get", {**SINCE, "limit": 500}, "19", "page size (limit) is not valid"),
    ("/orders/get", {**SINCE, "offset": 5001}, "14", "offset"),
    ("/orders/get", {"created_after": "2024-01-01"}, "17", "ISO 8601"),
    ("/orders/get", {**SINCE, "status": "paid"}, "36", "status filter"),
    ("/orders/get", {**SINCE, "sort_direction": "UP"}, "74", "sort direction"),
    ("/orders/get", {**SINCE, "sort_by": "price"}, "75", "field to sort by"),
    ("/orders/items/get", {"order_ids": "1,2"}, "56", "[1,2,3]"),
    ("/orders/items/get", {"order_ids": json.dumps(list(range(51)))}, "38", "at most 50"),
    ("/orders/items/get", {"order_ids": "[1]"}, "39", "none of the orders"),
    ("/orders/items/get", {"order_ids": "[400000000000001,2]"}, "37", "one of the orders"),
    ("/order/get", {"order_id": "1"}, "16", "does not know this order"),
    ("/order/items/get", {"order_id": "1"}, "16", "does not know this order"),
    ("/product/item/get", {"item_id": "1"}, "207", "does not exist in this shop"),
    ("/product/create", changed(["PrimaryCategory"], "10000001"), "4134", "last-level"),
    ("/product/create", changed(["Attributes", "shelf_life"], None), "4110", "mandatory"),
    ("/product/create", changed(["Attributes", "tea_type"], "Trà sữa"), "4115", "options"),
    ("/product/create", changed(["Images"], {"Image": ["https://x.vn/a.png"]}), "4138", "hosted"),
    ("/product/create", product(price="0"), "4118", "must not be 0"),
    ("/product/create", product(price="120000.5"), "4104", "whole dong"),
    ("/product/create", product(special_price="9.5"), "4121", "whole dong"),
    ("/category/attributes/get", {"primary_category_id": "9"}, "4227", "does not exist"),
    ("/category/attributes/get", {"primary_category_id": "10000001"}, "57", "last-level"),
]


@pytest.fixture
def token(server: SandboxServer, app: LazadaSandbox) -> str:
    now = app.clock.now()
    sku = SkuRecord(31_000_000_010, "LT-9", 5, Decimal(1000), None, {}, {}, [])
    app.products.items[3_100_000_001] = ItemRecord(3_100_000_001, 10000010, {}, [], [sku], now, now)
    app.create_orders({"sku": "LT-9"})  # the sandbox's first order: 400000000000001
    return str(grant(server)["access_token"])


@pytest.mark.parametrize(("path", "params", "code", "words"), CASES, ids=[c[2] for c in CASES])
def test_documented_codes_read_as_typed_refusals(
    server: SandboxServer, token: str, path: str, params: dict[str, Any], code: str, words: str
) -> None:
    method = "POST" if path.startswith("/product/create") else "GET"
    body = raw_call(server, path, params, token=token, method=method).json()
    assert body["code"] == code, body
    error = from_body(body, call="call", sku="LT-1" if method == "POST" else "")
    assert isinstance(error, LazadaRejected) and isinstance(error, RejectedError)
    assert error.code == code and words in str(error), str(error)
    assert f"Lazada {code}" in str(error)  # Lazada's own words follow, for support


@pytest.mark.parametrize(
    ("body", "kind", "words"),
    [
        ({"code": "6", "message": "E006: Unexpected internal error"}, TransientError, "passing"),
        ({"code": "6", "message": "Invalid status filter"}, LazadaRejected, "status filter"),
        ({"code": "1000", "message": "Internal Application Error"}, TransientError, "passing"),
        ({"code": "506", "message": "E506: Get product failed"}, TransientError, "passing"),
    ],
)
def test_internal_errors_are_passing_ones(
    body: dict[str, str], kind: type[ChannelError], words: str
) -> None:
    error = from_body({"type": "ISP", "request_id": "1", **body}, call="get_orders")
    assert isinstance(error, kind) and words in str(error)
