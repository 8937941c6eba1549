"""A large catalog goes into the ledger without being copied: no rows for a dry run, and the
rows of a real import (each product as JSON) made one batch at a time."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from listsync.catalog.files import load_catalog
from listsync.catalog.model import Product
from listsync.ledger import catalog_store
from tests.catalog import big_catalog
from tests.ledger.support import make_product, open_ledger

PRODUCTS = 300


@pytest.fixture(scope="module")
def products(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Product], int]:
    """A catalog of long Vietnamese products, and the memory it takes, in bytes."""
    path = tmp_path_factory.mktemp("big") / "catalog.csv"
    big_catalog.write_csv(path, PRODUCTS, 5, sentences=40)
    tracemalloc.start()
    try:
        loaded = list(load_catalog(path).products)
        held, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return loaded, held


def test_planning_an_import_makes_no_rows(
    tmp_path: Path, products: tuple[list[Product], int]
) -> None:
    catalog, size = products
    with open_ledger(tmp_path) as ledger:
        ledger.upsert_products([make_product("OLD")])
        tracemalloc.start()
        try:
            plan = ledger.plan_import(catalog)
            _held, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert len(plan.added) == PRODUCTS and plan.removed == ("OLD",)
        assert [p.sku for p in ledger.products()] == ["OLD"]
    assert peak < size / 10, (size, peak)


def test_an_import_writes_its_rows_a_batch_at_a_time(
    tmp_path: Path, products: tuple[list[Product], int], monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog, size = products
    monkeypatch.setattr(catalog_store, "_WRITE_BATCH", 40, raising=False)
    with open_ledger(tmp_path) as ledger:
        ledger.upsert_products([make_product("OLD")])  # the statements are built and cached
        tracemalloc.start()
        try:
            summary = ledger.upsert_products(catalog)
            _held, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert len(summary.added) == PRODUCTS and summary.removed == ("OLD",)
        stored = ledger.products()
    assert stored == sorted(catalog, key=lambda product: product.sku)
    assert peak < size / 2, (size, peak)
