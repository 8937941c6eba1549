"""Stock in bulk: a count sheet of 20,000 SKUs exported, filled in, planned and applied.

Run: ``.venv/bin/python bench/stock_import.py [--skus N] [--format xlsx|csv]``.

A fresh workspace gets a catalog of N SKUs (a quarter of the products have two variants,
so N/4 products with variants and N/2 without) and a starting stock. Then, as a clerk
would: ``stock export`` writes the count sheet; the sheet is filled in (untimed: every
fifth row left blank, a third of the rest equal to on hand, the others counted up or
down); ``stock import`` plans it (reads the sheet, checks every SKU against the catalog,
works out each change from one snapshot of on hand) and applies it in one transaction;
then the same sheet is imported as a delivery (``--add``). Each step prints its wall and
CPU seconds; the last line is PASS or MISS for the target: plan and apply of N SKUs
within 10 seconds of wall time.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from listsync.catalog.model import Product
from listsync.ledger.stock_counts import Count
from listsync.workspace import Workspace

TARGET_SECONDS = 10.0
T = TypeVar("T")


def products(skus: int) -> Iterator[Product]:
    """``skus`` sellable units: N/4 products of two variants, then N/2 without."""
    with_variants = skus // 4
    for number in range(with_variants):
        yield _product(f"TEA-{number:05d}", (f"TEA-{number:05d}-100G", f"TEA-{number:05d}-250G"))
    for number in range(skus - 2 * with_variants):
        yield _product(f"BUN-{number:05d}", ())


def _product(sku: str, variants: tuple[str, ...]) -> Product:
    data: dict[str, Any] = {
        "sku": sku,
        "name": {"vi": f"Trà sen Tây Hồ {sku}"},
        "category": "tea",
        "weight_g": 150,
        "price_vnd": 120_000,
    }
    if variants:
        data["variants"] = [
            {"sku": variant, "options": {"Khối lượng": variant[-4:]}} for variant in variants
        ]
    return Product.model_validate(data)


def timed(label: str, action: Callable[[], T]) -> tuple[T, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:<28} wall {wall:6.2f} s   cpu {cpu:6.2f} s")
    return result, wall


def fill(exported: Path, filled: Path) -> int:
    """Type the counts in, as a clerk would; returns how many rows were counted."""
    rows = _read(exported)
    counted = 0
    for number, row in enumerate(rows[1:]):
        if number % 5 == 4:
            continue
        row += [None] * (5 - len(row))  # a workbook leaves out the empty column
        on_hand = int(row[3])
        row[4] = on_hand if number % 3 == 0 else max(0, on_hand + (number % 7) - 2)
        counted += 1
    _write(filled, rows)
    return counted


def _read(path: Path) -> list[list[Any]]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as file:
            return [list(row) for row in csv.reader(file)]
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _write(path: Path, rows: list[list[Any]]) -> None:
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as file:
            csv.writer(file).writerows(rows)
        return
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skus", type=int, default=20_000)
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "listsync.toml").write_text('language = "en"\n', encoding="utf-8")
        with Workspace.open(root) as ws:
            catalog = list(products(args.skus))
            ws.ledger.upsert_products(catalog)
            units = [unit.sku for product in catalog for unit in product.units()]
            start = [Count(sku, number % 40) for number, sku in enumerate(units)]
            ws.ledger.count_stock(start, note="start")
            print(f"catalog: {len(catalog)} products, {len(units)} SKUs")

            exported = root / f"count.{args.format}"
            count, _wall = timed("export", lambda: ws.export_count_sheet(exported))
            filled = root / f"filled.{args.format}"
            counted = fill(exported, filled)
            print(f"sheet: {count} rows, {counted} counted")

            plan, plan_wall = timed("import: plan", lambda: ws.plan_stock_count(filled))
            done, apply_wall = timed("import: apply", lambda: ws.apply_stock_count(plan))
            print(f"  {done.summary()}")
            delivery, add_plan = timed(
                "import --add: plan", lambda: ws.plan_stock_count(filled, add=True)
            )
            added, add_apply = timed("import --add: apply", lambda: ws.apply_stock_count(delivery))
            print(f"  {added.summary()}")

            on_hand = ws.ledger.on_hand()
            wrong = [c.sku for c in added.changes if on_hand[c.sku] != c.new_on_hand]
            print(f"on hand checked after both imports: {len(wrong)} wrong")
    for label, seconds in (
        ("count", plan_wall + apply_wall),
        ("delivery (--add)", add_plan + add_apply),
    ):
        verdict = "PASS" if seconds <= TARGET_SECONDS else "MISS"
        print(
            f"{verdict} {label} of {args.skus} SKUs planned and applied in {seconds:.2f} s "
            f"(target {TARGET_SECONDS:.0f} s)"
        )


if __name__ == "__main__":
    main()
