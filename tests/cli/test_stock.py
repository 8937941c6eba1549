"""``listsync stock``: one SKU by hand (set, add, show) and many from a count sheet (export,
fill in, import), with the sample catalog that ``listsync init`` writes.

The sample's TSTH has two variants (TSTH-100, TSTH-250); BGMD-500 has none.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from click.testing import Result

from listsync.ledger.database import Movement
from listsync.workspace import Workspace
from tests.cli.test_main import run

State = tuple[list[Movement], dict[str, int]]


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"
    assert run("init", str(workspace)).exit_code == 0
    imported = run("-w", str(workspace), "catalog", "import")
    assert imported.exit_code == 0, imported.output
    return workspace


def stock(ws: Path, *args: str) -> Result:
    return run("-w", str(ws), "stock", *args)


def ledger_state(ws: Path) -> State:
    with Workspace.open(ws) as workspace:
        return workspace.ledger.movements(), workspace.ledger.on_hand()


def error_line(result: Result) -> str:
    (line,) = [line for line in result.output.splitlines() if line.startswith("error: ")]
    return line


# -- one SKU by hand -----------------------------------------------------------------------


def test_taking_away_more_than_is_on_hand_is_refused(ws: Path) -> None:
    assert stock(ws, "set", "TSTH-100", "41").exit_code == 0
    before = ledger_state(ws)
    refused = stock(ws, "add", "TSTH-100", "-100")
    assert refused.exit_code == 2, refused.output
    assert error_line(refused) == (
        "error: stock not changed: TSTH-100: taking away 100 would leave -59 on hand "
        "(there are 41); if that is right, run again with --allow-negative"
    )
    assert ledger_state(ws) == before
    allowed = stock(ws, "add", "TSTH-100", "-100", "--allow-negative", "--note", "lost")
    assert allowed.exit_code == 0, allowed.output
    assert allowed.output.strip() == "TSTH-100: on hand -59 (-100)"


def test_a_negative_delta_still_takes_units_away(ws: Path) -> None:
    stock(ws, "set", "TSTH-100", "41")
    result = stock(ws, "add", "tsth-100", "-5", "--note", "vỡ hộp")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "TSTH-100: on hand 36 (-5)"


@pytest.mark.parametrize(
    "args",
    [("show", "TSTH-10"), ("set", "TSTH-10", "5"), ("add", "TSTH-10", "5")],
)
def test_an_unknown_sku_is_exit_2_with_the_sku_meant(ws: Path, args: tuple[str, ...]) -> None:
    before = ledger_state(ws)
    result = stock(ws, *args)
    assert result.exit_code == 2, result.output
    assert error_line(result).endswith("SKU TSTH-10 is not in the catalog; did you mean TSTH-100?")
    assert "On hand" not in result.output
    assert ledger_state(ws) == before


def test_an_unknown_sku_with_nothing_near_says_where_the_skus_are(ws: Path) -> None:
    result = stock(ws, "show", "NOPE")
    assert result.exit_code == 2
    assert error_line(result) == (
        "error: SKU NOPE is not in the catalog (listsync catalog list shows its SKUs; after "
        "editing the catalog, run listsync catalog import)"
    )


@pytest.mark.parametrize("command", ["set", "add"])
def test_a_product_with_variants_names_them(ws: Path, command: str) -> None:
    result = stock(ws, command, "TSTH", "5")
    assert result.exit_code == 2
    assert error_line(result) == (
        "error: stock not changed: TSTH is a product with variants; stock is kept for each "
        "variant: TSTH-100, TSTH-250"
    )


def test_show_of_a_product_with_variants_names_them(ws: Path) -> None:
    result = stock(ws, "show", "tsth")
    assert result.exit_code == 2
    assert error_line(result) == (
        "error: TSTH is a product with variants; stock is kept for each variant: TSTH-100, TSTH-250"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("set", "TSTH-100", "1.000"),
            "write a whole number without dots, commas or spaces, e.g. 1000 (got 1.000)",
        ),
        (
            ("add", "TSTH-100", "1,000"),
            "write a whole number without dots, commas or spaces, e.g. 1000 (got 1,000)",
        ),
        (
            ("set", "TSTH-100", "-5"),
            "a count cannot be negative (got -5); to take units away, use: listsync stock add "
            "TSTH-100 -5",
        ),
        (("set", "TSTH-100", "năm"), "must be a whole number, got năm"),
    ],
)
def test_quantities_are_read_like_the_catalogs(
    ws: Path, args: tuple[str, ...], message: str
) -> None:
    before = ledger_state(ws)
    result = stock(ws, *args)
    assert result.exit_code == 2, result.output
    assert error_line(result) == f"error: stock not changed: {message}"
    assert "Usage:" not in result.output
    assert ledger_state(ws) == before


def test_set_accepts_plain_digits(ws: Path) -> None:
    result = stock(ws, "set", "TSTH-100", "1000")
    assert result.exit_code == 0
    assert result.output.strip() == "TSTH-100: on hand 1000 (+1000)"


def test_show_finds_the_history_whatever_the_case(ws: Path) -> None:
    stock(ws, "set", "TSTH-100", "40", "--note", "kiểm kho")
    shown = stock(ws, "show", "tsth-100")
    assert shown.exit_code == 0
    assert "TSTH-100       40" in shown.output and "kiểm kho" in shown.output


# -- a count sheet -------------------------------------------------------------------------


def read_sheet(path: Path) -> list[list[object]]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as file:
            return [list(row) for row in csv.reader(file)]
    workbook = openpyxl.load_workbook(path)
    return [[cell.value for cell in row] for row in workbook.worksheets[0].iter_rows()]


def fill_sheet(path: Path, counts: dict[str, object]) -> Path:
    """Type ``counts`` into the counted column of an exported sheet, as a clerk would."""
    rows = read_sheet(path)
    for row in rows[1:]:
        if row[0] in counts:
            row[4] = counts[str(row[0])]
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as file:
            csv.writer(file).writerows(rows)
    else:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        assert sheet is not None
        for row in rows:
            sheet.append(row)
        workbook.save(path)
    return path


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_export_fill_in_and_import_back(ws: Path, kind: str) -> None:
    stock(ws, "set", "TSTH-100", "41")
    sheet = ws / f"count.{kind}"
    exported = stock(ws, "export", str(sheet))
    assert exported.exit_code == 0, exported.output
    assert exported.output.strip() == (
        f"wrote {sheet}: 11 SKUs; fill in the column counted, then run: "
        f"listsync stock import {sheet}"
    )
    rows = read_sheet(sheet)
    assert rows[0] == ["sku", "name", "variant", "on_hand", "counted"]
    skus = [row[0] for row in rows[1:]]
    assert "TSTH" not in skus and "BT-BINH-LAM" not in skus  # products with variants
    assert {"TSTH-100", "TSTH-250", "BGMD-500", "BT-BINH-LAM-L-RAN"} <= set(skus)
    tea = next(row for row in rows if row[0] == "TSTH-100")
    assert tea[1:4] == [
        "Trà sen Tây Hồ ướp bông",
        "Khối lượng: 100g",
        41 if kind == "xlsx" else "41",
    ]

    fill_sheet(sheet, {"TSTH-100": 40, "TSTH-250": 12, "BGMD-500": 0, "GIO-UL-1KG": 3})
    imported = stock(ws, "import", str(sheet))
    assert imported.exit_code == 0, imported.output
    lines = imported.output.splitlines()
    assert lines[0].split() == ["SKU", "On", "hand", "New", "on", "hand", "Change"]
    assert lines[2].split() == ["GIO-UL-1KG", "0", "3", "+3"]
    assert lines[3].split() == ["TSTH-100", "41", "40", "-1"]
    assert lines[4].split() == ["TSTH-250", "0", "12", "+12"]
    assert lines[5].startswith("3 SKUs changed, 1 unchanged, 7 not counted, left as they were (")
    movements, on_hand = ledger_state(ws)
    assert on_hand["TSTH-100"] == 40 and on_hand["TSTH-250"] == 12 and on_hand["GIO-UL-1KG"] == 3
    counted = [(m.sku, m.delta, m.reason, m.note) for m in movements[1:]]
    assert counted == [
        ("GIO-UL-1KG", 3, "set", f"count.{kind}"),
        ("TSTH-100", -1, "set", f"count.{kind}"),
        ("TSTH-250", 12, "set", f"count.{kind}"),
    ]
    again = stock(ws, "import", str(sheet))
    assert again.output.strip().startswith("0 SKUs changed, 4 unchanged")
    assert ledger_state(ws)[0] == movements


def test_a_dry_run_shows_the_movements_and_changes_nothing(ws: Path) -> None:
    stock(ws, "set", "TSTH-100", "41")
    sheet = ws / "count.xlsx"
    stock(ws, "export", str(sheet))
    fill_sheet(sheet, {"TSTH-100": 30})
    before = ledger_state(ws)
    result = stock(ws, "import", str(sheet), "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[2].split() == ["TSTH-100", "41", "30", "-11"]
    assert lines[3].startswith("1 SKU would change, 0 unchanged, 10 not counted")
    assert lines[3].endswith("; nothing was changed (dry run)")
    assert ledger_state(ws) == before


def test_a_delivery_adds_with_the_note(ws: Path, tmp_path: Path) -> None:
    stock(ws, "set", "TSTH-100", "41")
    sheet = tmp_path / "giao-hang.csv"
    sheet.write_text("Mã SKU;Số lượng nhập\nTSTH-100;20\nBGMD-500;\n", encoding="utf-8")
    result = stock(ws, "import", str(sheet), "--add", "--note", "phiếu nhập 12")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2].split() == ["TSTH-100", "41", "61", "+20"]
    assert result.output.splitlines()[3] == (
        "1 SKU changed, 0 unchanged, 1 without a quantity, left as they were (BGMD-500)"
    )
    last = ledger_state(ws)[0][-1]
    assert (last.sku, last.delta, last.reason, last.note) == (
        "TSTH-100",
        20,
        "manual",
        "phiếu nhập 12",
    )


def test_a_sheet_with_mistakes_lists_them_all_and_changes_nothing(ws: Path, tmp_path: Path) -> None:
    stock(ws, "set", "TSTH-100", "41")
    sheet = tmp_path / "count.csv"
    sheet.write_text(
        "sku,counted\n"
        "TSTH-100,40\n"  # fine on its own
        "TSTH-10,5\n"
        "TSTH,5\n"
        "BGMD-500,1.000\n"
        "tsth-100,2\n"
        "GIO-UL-1KG,-1\n",
        encoding="utf-8",
    )
    before = ledger_state(ws)
    result = stock(ws, "import", str(sheet))
    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [
        "error: 5 problems in the count sheet; no stock was changed:",
        f"  {sheet}, row 3, column A (sku): SKU TSTH-10 is not in the catalog; did you mean "
        "TSTH-100?",
        f"  {sheet}, row 4, column A (sku): TSTH is a product with variants; stock is kept for "
        "each variant: TSTH-100, TSTH-250",
        f"  {sheet}, row 5, column B (counted): write a whole number without dots, commas or "
        "spaces, e.g. 1000 (got 1.000)",
        f"  {sheet}, row 6, column A (sku): TSTH-100 is also on row 2: give each SKU one row "
        "(add the two quantities up)",
        f"  {sheet}, row 7, column B (counted): a count cannot be negative (got -1); to take "
        "units away, import with --add",
    ]
    assert ledger_state(ws) == before


def test_a_delivery_that_takes_below_zero_is_a_mistake_on_its_row(ws: Path, tmp_path: Path) -> None:
    stock(ws, "set", "TSTH-100", "41")
    sheet = tmp_path / "tra-lai.xlsx"
    workbook = openpyxl.Workbook()
    rows = [["SKU", "quantity"], ["TSTH-250", 5], ["TSTH-100", -50], ["BGMD-500", -1]]
    for row in rows:
        workbook.worksheets[0].append(row)
    workbook.save(sheet)
    before = ledger_state(ws)
    result = stock(ws, "import", str(sheet), "--add")
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[1:] == [
        f"  {sheet}, row 3, column B (quantity): taking away 50 would leave -9 on hand "
        "(there are 41)",
        f"  {sheet}, row 4, column B (quantity): taking away 1 would leave -1 on hand "
        "(there are 0)",
    ]
    assert ledger_state(ws) == before


def test_a_sheet_that_is_not_there_is_exit_2(ws: Path) -> None:
    result = stock(ws, "import", str(ws / "nope.xlsx"))
    assert result.exit_code == 2
    assert "there is no such file" in result.output


def test_export_never_replaces_a_sheet(ws: Path) -> None:
    sheet = ws / "count.csv"
    sheet.write_text("sku,counted\nTSTH-100,7\n", encoding="utf-8")
    result = stock(ws, "export", str(sheet))
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert sheet.read_text(encoding="utf-8") == "sku,counted\nTSTH-100,7\n"
