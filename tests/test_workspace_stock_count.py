"""``Workspace.plan_stock_count`` and ``apply_stock_count``: what the CLI (and the web app)
call to import a count sheet, without any printing."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from listsync.errors import CountSheetError
from listsync.ledger.database import Movement
from listsync.ledger.stock_counts import Count, NegativeStock, StockChange
from listsync.workspace import Workspace
from tests.ledger.support import make_product

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    (tmp_path / "listsync.toml").write_text('language = "en"\n', encoding="utf-8")
    with Workspace.open(tmp_path) as workspace:
        workspace.ledger.upsert_products([make_product("TEA-1"), make_product("MAT", "S", "L")])
        workspace.ledger.count_stock([Count("TEA-1", 10), Count("S", 4)])
        yield workspace


def sheet(ws: Workspace, text: str, name: str = "count.csv") -> Path:
    path = ws.root / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_plan_writes_nothing_and_its_apply_writes_one_movement_per_change(
    ws: Workspace,
) -> None:
    before = ws.ledger.movements()
    plan = ws.plan_stock_count(sheet(ws, "sku,counted\nTEA-1,8\nS,4\nL,\n"))
    assert plan.changes == (StockChange("TEA-1", 10, 8, 2), StockChange("S", 4, 4, 3))
    assert plan.skipped == ("L",) and not plan.applied
    assert ws.ledger.movements() == before
    done = ws.apply_stock_count(plan)
    assert done.applied and done.note == "count.csv" and done.moved == plan.moved
    assert [(m.sku, m.delta, m.note) for m in ws.ledger.movements()[len(before) :]] == [
        ("TEA-1", -2, "count.csv")
    ]


def test_a_count_is_applied_against_on_hand_as_it_is_then(ws: Workspace) -> None:
    plan = ws.plan_stock_count(sheet(ws, "sku,counted\nTEA-1,8\n"))
    ws.ledger.add_movements([Movement("TEA-1", -3, "order_sale", "shopee:1:A")])
    done = ws.apply_stock_count(plan, "kiểm kho")
    assert done.changes == (StockChange("TEA-1", 7, 8, 2),)
    assert ws.ledger.on_hand(["TEA-1"]) == {"TEA-1": 8}


def test_a_delivery_that_no_longer_fits_is_refused_whole(ws: Workspace) -> None:
    plan = ws.plan_stock_count(sheet(ws, "sku,quantity\nTEA-1,-9\nS,5\n"), add=True)
    ws.ledger.add_movements([Movement("TEA-1", -3)])
    before = ws.ledger.movements()
    with pytest.raises(NegativeStock, match="TEA-1: taking away 9 would leave -2 on hand"):
        ws.apply_stock_count(plan)
    assert ws.ledger.movements() == before


def test_a_sheet_wrong_on_every_row_lists_the_first_thousand(ws: Workspace) -> None:
    rows = "".join(f"GHOST-{n},1\n" for n in range(1500))
    with pytest.raises(CountSheetError) as raised:
        ws.plan_stock_count(sheet(ws, "sku,counted\n" + rows))
    assert raised.value.total == 1500 and len(raised.value.problems) == 1000
    assert str(raised.value).splitlines()[0] == (
        "1500 problems in the count sheet; no stock was changed:"
    )
    assert str(raised.value).splitlines()[-1] == (
        "  … and 500 more problems: fix these first, then check the file again"
    )


def test_export_lists_each_unit_with_its_on_hand(ws: Workspace) -> None:
    path = ws.root / "count.csv"
    assert ws.export_count_sheet(path) == 3
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines == [
        "sku,name,variant,on_hand,counted",
        "S,Sản phẩm MAT,Size: S,4,",
        "L,Sản phẩm MAT,Size: L,0,",
        "TEA-1,Sản phẩm TEA-1,,10,",
    ]


def test_the_benchmark_runs_at_a_small_size() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "stock_import.py"), "--skus", "40"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert "catalog: 30 products, 40 SKUs" in done.stdout
    assert "on hand checked after both imports: 0 wrong" in done.stdout
    assert "PASS count of 40 SKUs planned and applied" in done.stdout
