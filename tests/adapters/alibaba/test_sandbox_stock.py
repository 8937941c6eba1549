"""Stock in the Alibaba.com sandbox: deltas (plus/sub), the ``add`` trap, going below zero,
``sku_id`` -1, the reads, and a reply lost after the change was made."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from listsync_alibaba.sandbox.app import AlibabaSandbox
from listsync_alibaba.sandbox.catalog import WAREHOUSE_CODE

from listsync.sandbox.harness import SandboxServer
from tests.adapters.alibaba.conftest import Seller, publish, refused, skus_of, stock

UPDATE = "alibaba.icbu.product.inventory.update"


def move(
    product_id: str, *entries: tuple[int, str, int], code: str = WAREHOUSE_CODE
) -> dict[str, Any]:
    return {
        "request_param": {
            "product_id": product_id,
            "inventory_list": [
                {"sku_id": sku_id, "inventory_code": code, "operate": operate, "inventory": count}
                for sku_id, operate, count in entries
            ],
        }
    }


def test_plus_and_sub_move_stock_by_deltas(seller: Seller) -> None:
    product_id = publish(seller, "LT-1", "LT-2")
    ids = skus_of(seller, product_id)
    body = seller.ok(UPDATE, move(product_id, (ids["LT-1"], "plus", 5), (ids["LT-2"], "sub", 3)))
    assert body["result"]["success"] is True and body["result"]["data"] == "true"
    assert stock(seller, product_id) == {"LT-1": 15, "LT-2": 7}
    # the same SKU twice in one request: both apply, in order
    seller.ok(UPDATE, move(product_id, (ids["LT-1"], "sub", 15), (ids["LT-1"], "plus", 2)))
    assert stock(seller, product_id) == {"LT-1": 2, "LT-2": 7}


def test_operate_add_answers_success_and_changes_nothing(seller: Seller) -> None:
    product_id = publish(seller, "LT-1")
    (sku_id,) = skus_of(seller, product_id).values()
    body = seller.ok(UPDATE, move(product_id, (sku_id, "add", 40)))
    assert body["result"]["success"] is True  # the trap: success, and no change
    assert stock(seller, product_id) == {"LT-1": 10}


def test_going_below_zero_is_refused_whole(seller: Seller) -> None:
    product_id = publish(seller, "LT-1", "LT-2")
    ids = skus_of(seller, product_id)
    body = seller.ok(UPDATE, move(product_id, (ids["LT-1"], "plus", 1), (ids["LT-2"], "sub", 11)))
    result = body["result"]
    assert result["success"] is False and result["msg_code"] == "INVENTORY_NOT_ENOUGH"
    assert "LT-2" in result["message"]
    assert stock(seller, product_id) == {"LT-1": 10, "LT-2": 10}  # nothing applied


def test_going_below_zero_clamps_when_set(app: AlibabaSandbox, seller: Seller) -> None:
    app.configure(below_zero="clamp")
    product_id = publish(seller, "LT-1")
    (sku_id,) = skus_of(seller, product_id).values()
    assert seller.ok(UPDATE, move(product_id, (sku_id, "sub", 25)))["result"]["success"] is True
    assert stock(seller, product_id) == {"LT-1": 0}


def test_sku_id_minus_one_names_the_only_sku(seller: Seller) -> None:
    single = publish(seller, "LT-ONE")
    seller.ok(UPDATE, move(single, (-1, "plus", 4)))
    assert stock(seller, single) == {"LT-ONE": 14}
    several = publish(seller, "LT-A", "LT-B")
    body = refused(seller.call(UPDATE, move(several, (-1, "plus", 4))))
    assert "sku_id" in body["message"]


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        (
            {"sku_id": 1, "inventory_code": WAREHOUSE_CODE, "operate": "plus", "inventory": 1},
            "InvalidParameter",
        ),
        (
            {"sku_id": -1, "inventory_code": "OTHER_WH", "operate": "plus", "inventory": 1},
            "InvalidParameter",
        ),
        ({"sku_id": -1, "operate": "plus", "inventory": 1}, "MissingParameter"),
        (
            {"sku_id": -1, "inventory_code": WAREHOUSE_CODE, "operate": "plus", "inventory": -3},
            "InvalidParameter",
        ),
        (
            {"sku_id": -1, "inventory_code": WAREHOUSE_CODE, "operate": "plus", "inventory": 1.5},
            "InvalidParameter",
        ),
    ],
)
def test_malformed_requests(seller: Seller, entry: dict[str, Any], code: str) -> None:
    product_id = publish(seller, "LT-1")
    param = {"product_id": product_id, "inventory_list": [entry]}
    refused(seller.call(UPDATE, {"request_param": param}), code)
    assert stock(seller, product_id) == {"LT-1": 10}


def test_request_param_is_required_json(seller: Seller) -> None:
    refused(seller.call(UPDATE, {}), "MissingParameter")
    refused(seller.call(UPDATE, {"request_param": "{oops"}))
    refused(seller.call(UPDATE, {"request_param": {"product_id": "Qnope", "inventory_list": []}}))


def test_reads_per_product_and_per_sku(seller: Seller) -> None:
    product_id = publish(seller, "LT-1", "LT-2")
    ids = skus_of(seller, product_id)
    per_sku = seller.ok(
        "alibaba.icbu.product.sku.inventory.get", {"product_id": product_id, "sku_id": ids["LT-2"]}
    )["result"]["data_list"]
    assert per_sku == [
        {
            "product_id": per_sku[0]["product_id"],
            "sku_id": ids["LT-2"],
            "sku_code": "LT-2",
            "inventory_code": WAREHOUSE_CODE,
            "inventory": 10,
        }
    ]
    assert per_sku[0]["product_id"].isdigit()  # the plain id
    every = seller.ok("alibaba.icbu.product.sku.inventory.get", {"product_id": product_id})
    assert len(every["result"]["data_list"]) == 2
    twin = seller.ok("/icbu/product/inventory/get", {"product_id": per_sku[0]["product_id"]})
    assert (
        twin["result"]
        == seller.ok("alibaba.icbu.product.inventory.get", {"product_id": product_id})["result"]
    )


def test_a_reply_lost_after_the_change_leaves_it_applied(
    server: SandboxServer, seller: Seller
) -> None:
    product_id = publish(seller, "LT-1")
    (sku_id,) = skus_of(seller, product_id).values()
    server.add_fault(action="drop_after", path="/rest/icbu/product/inventory/update")
    with pytest.raises(requests.ConnectionError):
        seller.call("/icbu/product/inventory/update", move(product_id, (sku_id, "sub", 4)))
    assert stock(seller, product_id) == {"LT-1": 6}  # applied once, though no reply came
    (logged,) = server.calls("POST", "/rest/icbu/product/inventory/update")
    assert logged["fault"] == "drop_after" and logged["status"] == 200
    # the same through /sync: the fault names the path of the call
    server.add_fault(action="drop_after", path="/sync")
    with pytest.raises(requests.ConnectionError):
        seller.call(UPDATE, move(product_id, (sku_id, "plus", 1)))
    assert stock(seller, product_id) == {"LT-1": 7}
