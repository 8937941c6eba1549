"""``catalog validate`` and ``catalog import`` on large files: counted while read, listed short."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from listsync.catalog import files as catalog_files
from tests.catalog import big_catalog
from tests.cli.test_main import run


def test_validate_counts_products_and_skus(tmp_path: Path) -> None:
    path = big_catalog.write_csv(tmp_path / "catalog.csv", 30, 3)
    single = {"name_vi": "Mứt gừng", "category": "jam", "weight_g": "200", "price_vnd": "60000"}
    with path.open("a", encoding="utf-8", newline="") as file:
        for sku in ("MUT-1", "MUT-2"):
            cells = {"sku": sku, **single}
            csv.writer(file).writerow([cells.get(name, "") for name in big_catalog.HEADER])
    result = run("catalog", "validate", str(path))
    assert result.exit_code == 0, result.output
    assert result.output == f"{path}: 32 products, 92 SKUs, no problems\n"


def test_validate_lists_the_first_problems_and_counts_them_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog_files, "MAX_LISTED_PROBLEMS", 3, raising=False)
    path = big_catalog.write_csv(tmp_path / "catalog.csv", 10, 0)
    path.write_text(path.read_text(encoding="utf-8-sig").replace(",tea,", ",,"), encoding="utf-8")
    result = run("catalog", "validate", str(path))
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0] == "error: 10 problems in the catalog:"
    assert [line.split(": ", 1)[0] for line in lines[1:4]] == [
        f"  {path}, row {n}, column J (category)" for n in (2, 3, 4)
    ]
    assert lines[4:] == ["  … and 7 more problems: fix these first, then check the file again"]


def test_import_of_a_large_file_adds_every_product(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    assert run("init", str(workspace)).exit_code == 0
    path = big_catalog.write_csv(tmp_path / "catalog.csv", 600, 2)
    result = run("-w", str(workspace), "catalog", "import", str(path))
    assert result.exit_code == 0, result.output
    assert result.output == "600 added, 0 changed, 0 unchanged, 0 removed\n"
    listing = run("-w", str(workspace), "catalog", "list")
    assert "HTX-000600-250g" in listing.output
