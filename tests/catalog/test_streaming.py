"""Large catalog files are read a row at a time: memory follows the products, not the file.

The memory tests trace a few megabytes of CSV (1,500 rows with long Vietnamese
descriptions, from ``tests/catalog/big_catalog.py``); ``bench/catalog_memory.py`` measures
the same at 60 MB. Reading the whole text, keeping every row, then every draft next to the
products once cost four times the file on top of the catalog.
"""

from __future__ import annotations

import codecs
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from listsync.catalog import files as catalog_files
from listsync.catalog.files import check_catalog, load_catalog
from listsync.catalog.model import Catalog, Product
from listsync.catalog.values import Reading
from listsync.errors import CatalogError, Problem
from tests.catalog import big_catalog
from tests.catalog.support import csv_text, problems, row

T = TypeVar("T")
PRODUCTS, VARIANTS = 300, 5


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    load_catalog(big_catalog.write_csv(folder / "warm.csv", 2, 2))  # imports, caches
    return big_catalog.write_csv(folder / "catalog.csv", PRODUCTS, VARIANTS, sentences=40)


def traced(action: Callable[[], T]) -> tuple[T, int, int]:
    """What ``action`` returns, the memory still held after it, and its peak, in bytes."""
    tracemalloc.start()
    try:
        result = action()
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, held, peak


def test_loading_a_large_csv_holds_the_products_and_little_else(big_csv: Path) -> None:
    catalog, held, peak = traced(lambda: load_catalog(big_csv))
    assert len(catalog.products) == PRODUCTS
    assert sum(len(product.variants) for product in catalog.products) == PRODUCTS * VARIANTS
    assert peak - held < big_csv.stat().st_size / 2, (big_csv.stat().st_size, held, peak)


def test_checking_a_large_csv_keeps_no_products(big_csv: Path) -> None:
    counts, _held, peak = traced(lambda: check_catalog(big_csv))
    assert (counts.products, counts.units) == (PRODUCTS, PRODUCTS * VARIANTS)
    assert peak < big_csv.stat().st_size / 2, (big_csv.stat().st_size, peak)


def test_checking_finds_what_loading_finds(tmp_path: Path) -> None:
    path = big_catalog.write_csv(tmp_path / "catalog.csv", 4, 3)
    text = path.read_text(encoding="utf-8-sig").replace("HTX-000004-250g", "htx-000002-250G ")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as loading:
        load_catalog(path)
    with pytest.raises(CatalogError) as checking:
        check_catalog(path)
    assert str(checking.value) == str(loading.value)
    assert [(p.row, p.field) for p in checking.value.problems] == [(12, "variant_sku")]
    assert "already used on row 6 as HTX-000002-250g" in checking.value.problems[0].message


# Problems: all counted, the first ones listed


def test_problems_past_the_limit_are_counted_not_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog_files, "MAX_LISTED_PROBLEMS", 5, raising=False)
    path = tmp_path / "catalog.csv"
    rows = [row(sku=f"S-{n}", price_vnd="45k", colour="red") for n in range(12)]
    path.write_text(csv_text(rows), encoding="utf-8")
    with pytest.raises(CatalogError) as raised:
        load_catalog(path)
    error = raised.value
    assert error.total == 13
    assert [(p.row, p.field) for p in error.problems] == [
        (1, "colour"),
        (2, "price_vnd"),
        (3, "price_vnd"),
        (4, "price_vnd"),
        (5, "price_vnd"),
    ]
    lines = str(error).splitlines()
    assert lines[0] == "13 problems in the catalog:"
    assert len(lines) == 7
    assert lines[-1] == "  … and 8 more problems: fix these first, then check the file again"


def test_a_reading_keeps_the_first_problems_in_row_order_whatever_order_they_come_in() -> None:
    reading = Reading(source="c.csv", place="row", limit=3)
    for number in [9, 8, 2, 7, 6, 5, 4, 3, 1, 2]:
        reading.report(number, "sku", f"problem {number}")
    assert reading.count == 10
    assert len(reading.problems) < 2 * 3
    kept = reading.sorted_problems()
    assert [(p.row, p.message) for p in kept] == [
        (1, "problem 1"),
        (2, "problem 2"),
        (2, "problem 2"),
    ]


def test_a_catalog_error_says_how_many_were_not_listed() -> None:
    listed = [Problem("c.csv", 2, "sku", "must be filled in", "row", "A", "sku")]
    assert str(CatalogError(listed, total=2)).splitlines()[-1] == (
        "  … and 1 more problem: fix these first, then check the file again"
    )
    assert "more" not in str(CatalogError(listed))


# Reading the bytes a piece at a time


def test_a_character_that_is_not_utf8_far_down_the_file_voids_what_was_found(
    tmp_path: Path,
) -> None:
    good = [row(sku=f"S-{n}", description_vi="Trà sen Tây Hồ " * 20) for n in range(600)]
    rows = [row(sku="BAD", price_vnd="45k"), *good, row(sku="LAST", name_vi="Đà")]
    path = tmp_path / "catalog.csv"
    path.write_bytes(csv_text(rows).encode("utf-8").replace("Đà".encode(), "Đà".encode("cp1258")))
    assert path.stat().st_size > 3 * 64 * 1024
    ((row_number, field, message),) = problems(path)
    assert (row_number, field) == (None, "")
    assert message.startswith("the file is not saved as UTF-8 (the first unreadable character")
    assert "is on line 603)" in message


@pytest.mark.parametrize(
    "content",
    [
        b" " * 200_000,
        b" " * (64 * 1024 - 2) + codecs.BOM_UTF8 + b"\r\n" * 40_000,
        b"\n" * 70_000 + codecs.BOM_UTF8,
    ],
    ids=["spaces", "bom-across-chunks", "bom-after-lines"],
)
def test_a_long_blank_file_is_empty(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "catalog.csv"
    path.write_bytes(content)
    assert problems(path) == [(None, "", "the file is empty")]


def test_half_a_bom_after_a_long_blank_start_is_not_blank(tmp_path: Path) -> None:
    path = tmp_path / "catalog.csv"
    path.write_bytes(b" " * (64 * 1024 - 1) + codecs.BOM_UTF8[:1])
    ((_row, _field, message),) = problems(path)
    assert message.startswith("the file is not saved as UTF-8 (the first unreadable character is")


# Importing: the catalog is not copied


def test_rebasing_copies_only_the_products_whose_photos_move(tmp_path: Path) -> None:
    web = Product.model_validate(
        {
            "sku": "WEB",
            "name": {"vi": "Trà"},
            "category": "tea",
            "weight_g": 100,
            "price_vnd": 50_000,
            "images": ["https://cdn.htx.vn/a.jpg"],
            "variants": [{"sku": "WEB-1", "images": ["https://cdn.htx.vn/b.jpg"]}],
        }
    )
    local = web.model_copy(update={"sku": "LOCAL", "images": ("photos/a.jpg",), "variants": ()})
    catalog = Catalog(products=(web, local), source=str(tmp_path / "shop" / "catalog.csv"))
    rebased = catalog.rebased(tmp_path)
    assert rebased.products[0] is web
    assert rebased.products[1].images == ("shop/photos/a.jpg",)
