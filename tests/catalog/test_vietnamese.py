"""Tiếng Việt in the spreadsheet: Vietnamese headers, the template, Excel-style places, hints."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from listsync import i18n
from listsync.catalog.columns import (
    FIXED_COLUMNS,
    VIETNAMESE_ALIASES,
    header_key,
    resolve_header,
)
from listsync.catalog.files import load_catalog
from listsync.catalog.template import column_descriptions, template_columns, write_template
from listsync.catalog.values import Kind, ValueProblem, parse
from listsync.errors import CatalogError, InputError
from tests.catalog.support import load, only_problem, problems, write_text

CHANNELS = ("alibaba", "shopee")


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    before = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


# Vietnamese column names


def test_every_fixed_column_has_a_vietnamese_alias() -> None:
    assert set(VIETNAMESE_ALIASES) == {column.name for column in FIXED_COLUMNS}
    keys = [header_key(a) for c in FIXED_COLUMNS for a in (c.name, *VIETNAMESE_ALIASES[c.name])]
    assert len(keys) == len(set(keys)), "two columns share a spelling"


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("Mã SKU", "sku"),
        ("mã sp", "sku"),
        ("Tên sản phẩm", "name_vi"),
        ("TEN TIENG ANH", "name_en"),
        ("Mô tả", "description_vi"),
        ("Giá bán", "price_vnd"),
        ("gia ban", "price_vnd"),
        ("Khối lượng (g)", "weight_g"),
        ("Danh mục", "category"),
        ("Ngành hàng", "category"),
        ("Hình ảnh", "images"),
        ("Mã phân loại", "variant_sku"),
        ("Xã/phường", "origin_commune"),
    ],
)
def test_vietnamese_headers_name_columns(header: str, name: str) -> None:
    column = resolve_header(header, ())
    assert column is not None and column.name == name


def test_a_catalog_with_vietnamese_headers_loads(tmp_path: Path) -> None:
    path = write_text(
        tmp_path,
        "Mã SKU,Tên sản phẩm,Ngành hàng,Khối lượng (g),Giá bán\nTS-1,Trà sen,tea,150,120.000\n",
    )
    product = load(path).products[0]
    assert (product.sku, product.name.vi, product.price_vnd) == ("TS-1", "Trà sen", 120000)


def test_did_you_mean_considers_the_aliases(tmp_path: Path) -> None:
    path = write_text(
        tmp_path, "Mã SKU,Tên sản phẩm,Ngành hàng,Khối lượng (g),Giá bná\nTS-1,Trà,tea,1,2\n"
    )
    found_row, field, message = only_problem(path)
    assert (found_row, field) == (1, "Giá bná")
    assert 'unknown column "Giá bná"; did you mean Giá bán?' in message


# Where a problem is


def test_a_spreadsheet_problem_names_row_column_letter_and_header(tmp_path: Path) -> None:
    path = write_text(
        tmp_path, "Mã SKU,Tên sản phẩm,Ngành hàng,Khối lượng (g),Giá bán\nTS-1,Trà,tea,1,abc\n"
    )
    with pytest.raises(CatalogError) as raised:
        load_catalog(path)
    assert [str(p) for p in raised.value.problems] == [
        f"{path}, row 2, column E (Giá bán): price must be a whole number of dong, got abc"
    ]


def test_in_vietnamese_a_missing_column_is_named_as_the_template_names_it(
    tmp_path: Path,
) -> None:
    i18n.set_language("vi")
    path = write_text(tmp_path, "sku,name_vi,weight_g,price_vnd\nA,B,1,2\n")
    assert problems(path)[0][:2] == (1, "category")
    with pytest.raises(CatalogError) as raised:
        load_catalog(path)
    assert "(Ngành hàng)" in str(raised.value.problems[0])


def test_yaml_keeps_its_line_form(tmp_path: Path) -> None:
    path = write_text(
        tmp_path,
        "products:\n  - sku: A\n    name: {vi: B}\n    category: c\n"
        "    weight_g: 1\n    price_vnd: abc\n",
        name="catalog.yaml",
    )
    with pytest.raises(CatalogError) as raised:
        load_catalog(path)
    assert str(raised.value.problems[0]).startswith(f"{path}:6: price_vnd: ")


# Prices written the short way


@pytest.mark.parametrize(
    ("cell", "dong"), [("45k", 45000), ("45K", 45000), ("1,5tr", 1500000), ("45 nghìn", 45000)]
)
def test_shorthand_prices_say_what_to_write(cell: str, dong: int) -> None:
    with pytest.raises(ValueProblem) as raised:
        parse(Kind.VND, cell)
    assert str(raised.value) == f"write the price in whole dong, digits only: {dong} (got {cell})"


@pytest.mark.parametrize("cell", ["45.000đ", "45.000 ₫", "45,000 VND"])
def test_prices_with_a_currency_mark_are_read(cell: str) -> None:
    assert parse(Kind.VND, cell) == 45000


# The template


def _validations(path: Path) -> dict[str, tuple[str, str | None]]:
    sheet = openpyxl.load_workbook(path).worksheets[0]
    found = {}
    for validation in sheet.data_validations.dataValidation:
        first = str(validation.sqref).split(":")[0]
        header = sheet[first.rstrip("0123456789") + "1"].value
        found[header] = (validation.type, validation.formula1)
    return found


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_template_loads_back(tmp_path: Path, language: str) -> None:
    i18n.set_language(language)
    path = tmp_path / "catalog.xlsx"
    write_template(path, CHANNELS)
    workbook = openpyxl.load_workbook(path)
    assert len(workbook.sheetnames) == 2
    headers = [cell.value for cell in workbook.worksheets[0][1]]
    assert len(headers) == len(template_columns(CHANNELS))
    assert ("Giá bán" in headers) == (language == "vi")
    # every header is understood: the only problem is that no product is filled in yet
    assert [(p.row, p.field) for p in _problems(path)] == [(None, "")]
    sheet = workbook.worksheets[0]
    for name, value in {"sku": "TS-1", "name_vi": "Trà sen", "category": "tea"}.items():
        sheet.cell(row=2, column=_index(path, name) + 1, value=value)
    sheet.cell(row=2, column=_index(path, "weight_g") + 1, value=150)
    sheet.cell(row=2, column=_index(path, "price_vnd") + 1, value=120000)
    sheet.cell(row=2, column=_index(path, "ocop_stars") + 1, value=4)
    workbook.save(path)
    product = load(path).products[0]
    assert (product.sku, product.price_vnd, product.ocop and product.ocop.stars) == (
        "TS-1",
        120000,
        4,
    )


def test_the_template_has_validations_and_a_guide(tmp_path: Path) -> None:
    path = tmp_path / "catalog.xlsx"
    write_template(path, CHANNELS)
    validations = _validations(path)
    assert validations["ocop_stars"] == ("whole", "3")
    assert validations["shopee.enabled"] == ("list", '"yes,no"')
    assert validations["alibaba.enabled"] == ("list", '"yes,no"')
    guide = openpyxl.load_workbook(path)["Guide"]
    rows = {row[0]: row[1] for row in guide.iter_rows(min_row=2, values_only=True)}
    assert rows["price_vnd"] == column_descriptions()["price_vnd"]
    assert set(rows) == {column.name for column in template_columns(CHANNELS)}


def test_the_vietnamese_template_offers_co_khong(tmp_path: Path) -> None:
    i18n.set_language("vi")
    path = tmp_path / "danh-muc.xlsx"
    write_template(path, CHANNELS)
    assert _validations(path)["shopee.enabled"] == ("list", '"có,không"')


def test_the_template_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "catalog.xlsx"
    path.write_bytes(b"precious")
    with pytest.raises(InputError, match="already exists"):
        write_template(path, CHANNELS)
    assert path.read_bytes() == b"precious"
    with pytest.raises(InputError, match=r"name it \.xlsx"):
        write_template(tmp_path / "catalog.csv", CHANNELS)


def _problems(path: Path) -> list:  # type: ignore[type-arg]
    with pytest.raises(CatalogError) as raised:
        load_catalog(path)
    return list(raised.value.problems)


def _index(path: Path, name: str) -> int:
    columns = [column.name for column in template_columns(CHANNELS)]
    return columns.index(name)
