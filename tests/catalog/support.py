"""Helpers for the catalog file tests: write small catalogs, read back their problems."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pytest

from listsync.catalog.files import load_catalog
from listsync.catalog.model import Catalog
from listsync.errors import CatalogError

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "config"

BASE_ROW: dict[str, str] = {
    "sku": "TS-1",
    "name_vi": "Trà sen",
    "category": "tea",
    "weight_g": "150",
    "price_vnd": "120000",
}


def row(**changes: str) -> dict[str, str]:
    """A valid product row with some cells changed (``name_vi=""`` blanks a cell)."""
    return {**BASE_ROW, **changes}


def csv_text(rows: Sequence[Mapping[str, str]], delimiter: str = ",") -> str:
    header: list[str] = []
    for values in rows:
        header += [name for name in values if name not in header]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for values in rows:
        writer.writerow([values.get(name, "") for name in header])
    return buffer.getvalue()


def write_csv(
    tmp_path: Path,
    rows: Sequence[Mapping[str, str]],
    *,
    name: str = "catalog.csv",
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    path = tmp_path / name
    path.write_bytes(csv_text(rows, delimiter).encode(encoding))
    return path


def write_text(tmp_path: Path, text: str, name: str = "catalog.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)
JPEG = b"\xff\xd8\xff\xe0" + bytes(24)


def make_photos(folder: Path, refs: Iterable[str]) -> None:
    """Write a tiny image (its first bytes are what the catalog checks) for each path."""
    for ref in refs:
        path = folder / ref
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(PNG if ref.lower().endswith(".png") else JPEG)


def catalog_photos(catalog: Catalog) -> set[str]:
    found = {ref for product in catalog.products for ref in product.images}
    return found | {ref for p in catalog.products for v in p.variants for ref in v.images}


def problems(path: Path) -> list[tuple[int | None, str, str]]:
    """``(row, field, message)`` of each problem, after checking they all name ``path``."""
    with pytest.raises(CatalogError) as raised:
        load_catalog(path)
    found = raised.value.problems
    assert {problem.source for problem in found} == {str(path)}
    return [(problem.row, problem.field, problem.message) for problem in found]


def places(path: Path) -> list[tuple[int | None, str]]:
    """``(row, field)`` of each problem."""
    return [(found_row, field) for found_row, field, _message in problems(path)]


def only_problem(path: Path) -> tuple[int | None, str, str]:
    found = problems(path)
    assert len(found) == 1, found
    return found[0]


def load(path: Path) -> Catalog:
    return load_catalog(path)
