"""Loading catalogs from XLSX: typed cells (numbers, dates, TRUE/FALSE) read like text cells."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.catalog import bombs
from tests.catalog.support import BASE_ROW, load, only_problem, problems

HEADER = [
    *BASE_ROW,
    "ocop_stars",
    "ocop_expires",
    "b2b_moq",
    "b2b_tiers",
    "shopee.enabled",
    "shopee.markup_percent",
]


def write_xlsx(tmp_path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    workbook.create_sheet("notes").append(["ignored", "sheet"])
    path = tmp_path / "catalog.xlsx"
    workbook.save(path)
    return path


def test_typed_cells(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path,
        [
            [
                10023,
                "Trà sen",
                "tea",
                150.0,
                120000.0,
                4,
                datetime(2027, 6, 15),
                10,
                "10:2.50|100:2.10",
                False,
                12.5,
            ],
            ["B", "Bún", "noodles", 500, "45.000", None, None, None, None, True, 10],
        ],
    )
    tea, noodles = load(path).products
    assert tea.sku == "10023"
    assert (tea.weight_g, tea.price_vnd) == (150, 120000)
    assert tea.ocop is not None and tea.ocop.expires == date(2027, 6, 15)
    assert tea.b2b is not None and tea.b2b.price_tiers[1].usd == Decimal("2.10")
    assert not tea.enabled_on("shopee")
    assert tea.channels["shopee"].price_rule.markup_percent == Decimal("12.5")
    assert noodles.price_vnd == 45000
    assert noodles.enabled_on("shopee")


def test_fractional_numbers_in_whole_number_cells(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, [["A", "Trà", "tea", 150.5, 12.5]])
    assert problems(path) == [
        (2, "weight_g", "must be a whole number, got 150.5"),
        (2, "price_vnd", "price must be a whole number of dong, got 12.5"),
    ]


def test_date_and_yes_no_cells_with_the_wrong_content(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path,
        [
            ["A", "Trà", "tea", 1, 1, 4, 46387, None, None, "#VALUE!"],
            ["B", "Bún", "noodles", True, datetime(2026, 1, 1), None, None, None, None],
        ],
    )
    assert problems(path) == [
        (2, "ocop_expires", "not a date, write it as 2026-12-31 (got 46387)"),
        (2, "shopee.enabled", "write yes or no (got #VALUE!)"),
        (3, "weight_g", "must be a whole number, got TRUE"),
        (3, "price_vnd", "price must be a whole number of dong, got 2026-01-01"),
    ]


def test_empty_rows_are_skipped_and_numbers_kept(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path, [["A", "Trà", "tea", 1, 1], [], [None, None], ["A", "Bún", "x", 1, 1]]
    )
    assert only_problem(path) == (5, "sku", "SKU A is already used on row 2")


def test_header_only(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, [])
    assert only_problem(path) == (None, "", "the file has column names but no products")


def test_empty_workbook(tmp_path: Path) -> None:
    path = tmp_path / "catalog.xlsx"
    openpyxl.Workbook().save(path)
    assert only_problem(path) == (None, "", "the file is empty")


@pytest.mark.parametrize("content", [b"sku,name\nA,B\n", b"PK\x03\x04 broken zip"])
def test_not_a_workbook(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "catalog.xlsx"
    path.write_bytes(content)
    assert only_problem(path) == (
        None,
        "",
        "cannot be read as an Excel workbook; open it in Excel and save it as .xlsx",
    )


def test_unknown_column_in_a_workbook(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, [["A", "Trà", "tea", 1, 1, "x"]], header=[*BASE_ROW, "wieght"])
    assert only_problem(path) == (
        1,
        "wieght",
        'unknown column "wieght"; did you mean weight_g? '
        "(to keep your own notes in a column, start its name with #)",
    )


# -- hostile workbooks ------------------------------------------------------------------------
def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_parsed(
    tmp_path: Path,
) -> None:
    path = bombs.whitespace_bomb(tmp_path / "bomb.xlsx", megabytes=120)
    assert path.stat().st_size < 1024 * 1024
    assert only_problem(path) == (
        None,
        "",
        "the workbook unpacks to 120 MB; a catalog workbook holds at most 100 MB",
    )


def test_a_cell_in_the_last_column_is_refused_at_its_row(tmp_path: Path) -> None:
    path = bombs.last_column_bomb(tmp_path / "wide.xlsx", rows=2000)
    assert only_problem(path) == (
        2,
        "",
        "there is something in column XFD; a catalog uses at most 200 columns "
        "(delete the columns after the last one you need)",
    )


def test_a_row_far_down_is_refused(tmp_path: Path) -> None:
    path = bombs.workbook(tmp_path / "tall.xlsx", bombs.HEADER, bombs.product_row(100_001))
    assert only_problem(path) == (100_001, "", "a catalog has at most 100000 rows; split the file")


def test_an_overlong_cell_is_refused(tmp_path: Path) -> None:
    row = bombs.product_row(2).replace("Trà sen", "x" * 40_000)
    path = bombs.workbook(tmp_path / "long.xlsx", bombs.HEADER, row)
    assert only_problem(path) == (2, "", "too long: 40000 characters, at most 32767")


def test_a_workbook_within_bounds_still_loads(tmp_path: Path) -> None:
    rows = [bombs.product_row(n) for n in range(2, 502)]
    path = bombs.workbook(tmp_path / "ok.xlsx", bombs.HEADER, *rows)
    assert len(load(path).products) == 500


def test_an_oversized_file_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as file:
        file.truncate(51 * 1024 * 1024)
    assert only_problem(path) == (None, "", "the file is 51 MB; a catalog file is at most 50 MB")


def test_a_csv_streams_so_it_may_be_larger_than_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as file:
        file.truncate(201 * 1024 * 1024)
    assert only_problem(path) == (None, "", "the file is 201 MB; a catalog file is at most 200 MB")


def test_a_catalog_on_the_second_sheet_is_pointed_at(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Ghi chú"
    notes.append(["Danh sách hàng gửi sàn, cập nhật tháng 12"])
    sheet = book.create_sheet("Sản phẩm")
    sheet.append(list(BASE_ROW))
    sheet.append(list(BASE_ROW.values()))
    path = tmp_path / "two-sheets.xlsx"
    book.save(path)
    found = problems(path)
    assert (
        None,
        "",
        'the catalog columns are on the sheet "Sản phẩm", but listsync reads the first sheet: '
        "move that sheet to the front, or delete the sheets before it",
    ) in found
