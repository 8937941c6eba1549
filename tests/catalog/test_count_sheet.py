"""Count sheets (CSV and XLSX) read against the catalog's SKUs: every mistake at once, placed
on its row, column letter and header; quantities read like the catalog's whole numbers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from listsync import i18n
from listsync.catalog.count_sheet import (
    CountLine,
    CountSheet,
    SheetRow,
    read_count_sheet,
    read_quantity,
    write_count_sheet,
)
from listsync.catalog.sku_index import SkuIndex, SkuProblem
from listsync.catalog.values import ValueProblem
from listsync.errors import InputError

SKUS = SkuIndex.of(
    [
        ("TSTH", ["TSTH-100", "TSTH-250"]),
        ("BGMD-500", ["BGMD-500"]),
        ("CC-AV", ["CC-AV-120", "CC-AV-160"]),
    ]
)


def write_csv(tmp_path: Path, rows: list[list[object]], name: str = "count.csv") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(["" if cell is None else cell for cell in row] for row in rows)
    path = tmp_path / name
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")
    return path


def write_xlsx(tmp_path: Path, rows: list[list[object]], name: str = "count.xlsx") -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


WRITERS = {"csv": write_csv, "xlsx": write_xlsx}


def read(path: Path, *, add: bool = False) -> CountSheet:
    return read_count_sheet(path, SKUS, add=add)


def shown(sheet: CountSheet) -> list[str]:
    """Each problem as the clerk reads it, the file name left out."""
    return [
        str(problem).removeprefix(sheet.source + ", ")
        for problem in sheet.reading.sorted_problems()
    ]


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_a_good_sheet_gives_one_line_per_sku(tmp_path: Path, kind: str) -> None:
    path = WRITERS[kind](
        tmp_path,
        [
            ["sku", "name", "on_hand", "counted"],
            ["TSTH-100", "Trà sen", 4, 12],
            [None, None, None, None],
            ["bgmd-500 ", "Bún", 0, None],
            ["CC-AV-120", None, None, 0],
        ],
    )
    sheet = read(path)
    assert shown(sheet) == []
    assert sheet.lines == [
        CountLine(2, "TSTH-100", 12),
        CountLine(4, "BGMD-500", None),
        CountLine(5, "CC-AV-120", 0),
    ]
    assert sheet.skipped == ["BGMD-500"]
    assert [line.sku for line in sheet.counted] == ["TSTH-100", "CC-AV-120"]


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_every_mistake_is_reported_at_once_with_row_column_and_header(
    tmp_path: Path, kind: str
) -> None:
    path = WRITERS[kind](
        tmp_path,
        [
            ["Mã SKU", "Tên sản phẩm", "Số lượng"],
            ["TSTH-10", "Trà", 5],
            ["TSTH", "Trà", 5],
            ["BGMD-500", "Bún", "1.000"],
            ["CC-AV-120", "Chiếu", -3],
            ["CC-AV-160", "Chiếu", 2.5],
            ["bgmd-500", "Bún", 7],
            [None, "Tổng", 19],
            ["NOPE-XYZ-QQQ", None, "abc"],
        ],
    )
    assert shown(read(path)) == [
        "row 2, column A (Mã SKU): SKU TSTH-10 is not in the catalog; did you mean TSTH-100?",
        "row 3, column A (Mã SKU): TSTH is a product with variants; stock is kept for each "
        "variant: TSTH-100, TSTH-250",
        "row 4, column C (Số lượng): write a whole number without dots, commas or spaces, "
        "e.g. 1000 (got 1.000)",
        "row 5, column C (Số lượng): a count cannot be negative (got -3); to take units away, "
        "import with --add",
        "row 6, column C (Số lượng): must be a whole number, got 2.5",
        "row 7, column A (Mã SKU): BGMD-500 is also on row 4: give each SKU one row (add the "
        "two quantities up)",
        "row 8, column A (Mã SKU): give the SKU of this row: it has a quantity",
        "row 9, column A (Mã SKU): SKU NOPE-XYZ-QQQ is not in the catalog (listsync catalog "
        "list shows its SKUs; after editing the catalog, run listsync catalog import)",
        "row 9, column C (Số lượng): must be a whole number, got abc",
    ]


def test_a_delivery_may_take_units_away(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [["sku", "quantity"], ["CC-AV-120", "-3"], ["TSTH-100", "+4"]])
    sheet = read(path, add=True)
    assert shown(sheet) == []
    assert [(line.sku, line.quantity) for line in sheet.lines] == [
        ("CC-AV-120", -3),
        ("TSTH-100", 4),
    ]


def test_a_catalog_shaped_sheet_counts_the_variant_sku(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [
            ["sku", "variant_sku", "name_vi", "Số lượng đếm được"],
            ["TSTH", "TSTH-100", "Trà sen", "3"],
            ["TSTH", "TSTH-250", None, "4"],
            ["BGMD-500", None, "Bún", "5"],
            ["CC-AV", None, "Chiếu", "6"],
        ],
    )
    sheet = read(path)
    assert [(line.sku, line.quantity) for line in sheet.lines] == [
        ("TSTH-100", 3),
        ("TSTH-250", 4),
        ("BGMD-500", 5),
    ]
    assert shown(sheet) == [
        "row 5, column A (sku): CC-AV is a product with variants; stock is kept for each "
        "variant: CC-AV-120, CC-AV-160"
    ]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            ["sku", "name"],
            [
                "row 1 (counted): the quantity column is missing: head it counted or "
                "Số lượng đếm được"
            ],
        ),
        (
            ["sku", "countd"],
            [
                'row 1, column B (countd): unknown column "countd"; did you mean counted?',
                "row 1 (counted): the quantity column is missing: head it counted or Số lượng "
                "đếm được",
            ],
        ),
        (
            ["Mã SKUU", "SL"],
            [
                'row 1, column A (Mã SKUU): unknown column "Mã SKUU"; did you mean Mã SKU?',
                "row 1 (sku): the SKU column is missing: head it sku or Mã SKU",
            ],
        ),
        (
            ["sku", "qty", "Số lượng"],
            ["row 1, column C (Số lượng): this column appears twice (columns B and C)"],
        ),
    ],
)
def test_the_columns_are_named_in_the_catalogs_way(
    tmp_path: Path, header: list[object], expected: list[str]
) -> None:
    path = write_csv(tmp_path, [header, ["TSTH-100", "1", "1"]])
    assert sorted(shown(read(path))) == sorted(expected)


def test_a_sheet_with_nothing_counted_is_a_mistake(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [["sku", "counted"], ["TSTH-100", ""], ["BGMD-500", " "]])
    (problem,) = read(path).reading.problems
    assert str(problem) == (
        f"{path}: counted: no quantity is filled in: write the figures in the column counted, "
        "one row per SKU"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("count.xls", b"whatever", "this is an old Excel file (.xls)"),
        ("count.txt", b"sku,counted\n", "cannot read .txt files: save the count sheet as .xlsx"),
        ("count.csv", b"", "the file is empty"),
        ("count.csv", b"\xff\xfes\x00k\x00u\x00", "saved as UTF-16"),
        ("count.xlsx", b"not a zip", "cannot be read as an Excel workbook"),
    ],
)
def test_a_file_that_cannot_be_read_is_one_problem(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    (problem,) = read(path).reading.problems
    assert message in problem.message


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    (problem,) = read(tmp_path / "nope.csv").reading.problems
    assert problem.message == "there is no such file"


def test_a_semicolon_csv_from_vietnamese_excel(tmp_path: Path) -> None:
    path = tmp_path / "count.csv"
    path.write_text("Mã SKU;Số lượng\nTSTH-100;7\n", encoding="utf-8")
    assert read(path).lines == [CountLine(2, "TSTH-100", 7)]


@pytest.mark.parametrize("text", ["1.000", "1,000", "1 000", "12.5", "1e3", "", "mười"])
def test_a_quantity_that_could_be_misread_is_refused(text: str) -> None:
    with pytest.raises(ValueProblem):
        read_quantity(text)


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_plain_digits_read_as_themselves(number: int) -> None:
    assert read_quantity(str(number)) == number
    assert read_quantity(number) == number
    assert read_quantity(float(number)) == number


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_a_written_sheet_reads_back_as_not_counted(tmp_path: Path, kind: str) -> None:
    rows = [
        SheetRow("TSTH-100", "Trà sen Tây Hồ", "Khối lượng: 100g", 12),
        SheetRow("BGMD-500", "=Bún gạo", "", -2),
    ]
    path = tmp_path / f"count.{kind}"
    write_count_sheet(path, rows)
    sheet = read(path)
    assert [(line.sku, line.quantity) for line in sheet.lines] == [
        ("TSTH-100", None),
        ("BGMD-500", None),
    ]
    if kind == "xlsx":
        workbook = openpyxl.load_workbook(path)
        cells = [[cell.value for cell in row] for row in workbook.worksheets[0].iter_rows()]
        assert cells[0] == ["sku", "name", "variant", "on_hand", "counted"]
        assert cells[2] == ["BGMD-500", "=Bún gạo", None, -2, None]
        assert workbook.worksheets[0]["B3"].data_type == "s"  # text, not a formula


def test_a_sheet_is_headed_in_vietnamese_for_a_vietnamese_clerk(tmp_path: Path) -> None:
    before = i18n.current_language()
    i18n.set_language("vi")
    try:
        write_count_sheet(tmp_path / "count.csv", [SheetRow("TSTH-100", "Trà", "", 1)])
    finally:
        i18n.set_language(before)
    header = (tmp_path / "count.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "Mã SKU,Tên sản phẩm,Phân loại,Tồn theo sổ kho,Số lượng đếm được"


def test_writing_never_replaces_a_sheet(tmp_path: Path) -> None:
    path = tmp_path / "count.xlsx"
    path.write_bytes(b"yesterday's count")
    with pytest.raises(InputError, match="already exists"):
        write_count_sheet(path, [])
    assert path.read_bytes() == b"yesterday's count"
    with pytest.raises(InputError, match=r"\.xlsx or \.csv"):
        write_count_sheet(tmp_path / "count.ods", [])


def test_the_sku_index_suggests_and_names_variants() -> None:
    assert SKUS.find(" tsth-100 ") == "TSTH-100"
    assert SKUS.find("TSTH") is None
    with pytest.raises(SkuProblem, match="did you mean CC-AV-160"):
        SKUS.resolve("CC-AV-16")
    assert "did you mean" not in SKUS.problem("CC-AV-16", suggest=False)


def test_a_big_index_still_finds_the_sku_meant() -> None:
    index = SkuIndex.of((f"P-{n:05d}", [f"P-{n:05d}-S", f"P-{n:05d}-L"]) for n in range(5000))
    assert index.closest("P-01234-X") in {"P-01234-S", "P-01234-L"}
    assert index.closest("Q-01234-S") == "P-01234-S"
    assert index.closest("P-01234-SS") == "P-01234-S"
