"""Reading back what Lazada shows (for reconciliation): the figure and the batches."""

from __future__ import annotations

from typing import Any

import pytest
from listsync_lazada.listings import MAX_LOOKUP, MAX_PAGE
from listsync_lazada.offers import _lookup_chunks, total_stock

from listsync.channel.contract import ListingState, RemoteListing


def listing(number: int, skus: int) -> RemoteListing:
    units = {f"P{number}-{i}": str(1000 * number + i) for i in range(skus)}
    return RemoteListing(f"P{number}", str(number), ListingState.LIVE, units)


@pytest.mark.parametrize(
    ("sku", "stock"),
    [
        (  # the GetProducts sample: 1719 sellable of the 1745 set, 26 held by orders
            {
                "quantity": 1719,
                "multiWarehouseInventories": [
                    {"totalQuantity": 1745, "occupyQuantity": 26, "sellableQuantity": 1719}
                ],
            },
            1745,
        ),
        (
            {
                "multiWarehouseInventories": [
                    {"warehouseCode": "dropshipping", "totalQuantity": "5"},
                    {"warehouseCode": "VN-HN", "totalQuantity": 3},
                ]
            },
            8,
        ),
        ({"quantity": 7, "Available": 7}, None),  # sellable only: not what was set
        ({"multiWarehouseInventories": [{"sellableQuantity": 4}]}, None),
    ],
)
def test_the_figure_read_is_what_the_seller_set(sku: dict[str, Any], stock: int | None) -> None:
    assert total_stock(sku) == stock


def test_lookups_hold_at_most_100_skus_of_at_most_50_listings() -> None:
    many = [listing(n, 1) for n in range(120)]
    chunks = list(_lookup_chunks(many))
    assert [len(chunk) for chunk in chunks] == [MAX_PAGE, MAX_PAGE, 20]
    wide = [listing(n, 30) for n in range(10)]  # 300 SKUs: 3 listings (90 SKUs) a call
    chunks = list(_lookup_chunks(wide))
    assert all(len(chunk) <= MAX_LOOKUP for chunk in chunks) and len(chunks) == 4
    assert all(len({owner.remote_id for owner, _sku in chunk}) <= MAX_PAGE for chunk in chunks)
    huge = [listing(1, 250)]  # one listing with more SKUs than a call takes
    assert [len(chunk) for chunk in _lookup_chunks(huge)] == [100, 100, 50]
    every = [(owner.remote_id, sku) for chunk in _lookup_chunks(wide) for owner, sku in chunk]
    assert every == [(item.remote_id, sku) for item in wide for sku in item.units]
