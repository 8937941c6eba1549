"""Loading catalogs from CSV: every kind of mistake, reported at its row and column."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from listsync.catalog import files as catalog_files
from listsync.catalog.files import load_catalog, sniff_delimiter
from listsync.errors import CatalogError, Problem
from tests.catalog.support import (
    SAMPLES,
    csv_text,
    load,
    make_photos,
    only_problem,
    places,
    problems,
    row,
    write_csv,
    write_text,
)

# The samples


@pytest.mark.parametrize(
    "name", ["catalog.example.yaml", "catalog.example.csv", "catalog.example.xlsx"]
)
def test_sample_catalogs_load_cleanly(name: str) -> None:
    catalog = load_catalog(SAMPLES / name)
    assert [product.sku for product in catalog.products] == [
        "TSTH",
        "BGMD-500",
        "BT-BINH-LAM",
        "CC-AV",
        "GIO-UL-1KG",
    ]
    assert catalog.source == str(SAMPLES / name)


def test_sample_catalogs_say_the_same_thing() -> None:
    yaml_catalog = load_catalog(SAMPLES / "catalog.example.yaml")
    for name in ("catalog.example.csv", "catalog.example.xlsx"):
        assert load_catalog(SAMPLES / name).products == yaml_catalog.products


def test_sample_content_is_what_a_cooperative_would_write() -> None:
    products = load_catalog(SAMPLES / "catalog.example.yaml").by_sku()
    tea = products["TSTH"]
    assert tea.name.vi == "Trà sen Tây Hồ ướp bông"
    assert [unit.price_vnd for unit in tea.units()] == [390000, 950000]
    vase = products["BT-BINH-LAM"]
    assert list(vase.variants[3].options.items()) == [("Size", "L (30 cm)"), ("Màu", "Men rạn")]
    assert vase.variants[3].price_vnd == 1050000
    assert sum(product.b2b is not None for product in products.values()) >= 3
    assert not products["GIO-UL-1KG"].enabled_on("alibaba")
    assert products["BGMD-500"].b2b is not None
    assert products["BGMD-500"].b2b.price_tiers[2].usd == Decimal("0.92")


def test_sample_images_exist_and_are_real_images() -> None:
    catalog = load_catalog(SAMPLES / "catalog.example.yaml")
    paths = {image for p in catalog.products for image in p.images}
    paths |= {image for p in catalog.products for v in p.variants for image in v.images}
    assert paths
    for image in paths:
        data = (SAMPLES / image).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n"), image
        assert len(data) < 16_000


# A good file


def test_one_row_per_variant_with_product_columns_only_on_the_first(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [
            row(sku="TS", variant_sku="TS-100", option1_name="Khối lượng", option1_value="100g"),
            {
                "sku": "TS",
                "variant_sku": "TS-250",
                "option1_name": "Khối lượng",
                "option1_value": "250g",
                "variant_price_vnd": "250.000",
            },
            row(sku="BG", name_vi="Bún gạo", price_vnd="45,000"),
        ],
    )
    tea, noodles = load(path).products
    assert [variant.sku for variant in tea.variants] == ["TS-100", "TS-250"]
    assert [unit.price_vnd for unit in tea.units()] == [120000, 250000]
    assert tea.variants[1].options == {"Khối lượng": "250g"}
    assert noodles.price_vnd == 45000
    assert noodles.variants == ()


def test_product_columns_may_repeat_on_every_variant_row(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [
            row(variant_sku="TS-100", option1_name="Size", option1_value="S"),
            row(variant_sku="TS-250", option1_name="Size", option1_value="L", price_vnd="120.000"),
        ],
    )
    assert len(load(path).products[0].variants) == 2


def test_every_column_is_read(tmp_path: Path) -> None:
    make_photos(tmp_path, ["images/a.png", "images/b.png"])
    path = write_csv(
        tmp_path,
        [
            row(
                name_en="Lotus tea",
                description_vi="Trà ướp sen",
                description_en="Lotus-scented tea",
                brand="Quảng An",
                images="images/a.png | images/b.png",
                length_cm="20",
                width_cm="12",
                height_cm="8",
                safety_stock="3",
                origin_commune="Phường Quảng An",
                origin_province="Hà Nội",
                ocop_stars="4",
                ocop_certificate="12/QĐ",
                ocop_issued="15/06/2024",
                ocop_expires="2027-06-15",
                b2b_moq="50",
                b2b_unit="box",
                b2b_tiers="50:14.50 | 200:12,80",
                b2b_lead_time_days="21",
                b2b_supply_per_month="1500",
                **{
                    "attr.Thành phần": "Chè, sen",
                    "shopee.enabled": "yes",
                    "shopee.title": "Trà sen Tây Hồ",
                    "shopee.category_id": "100629",
                    "shopee.markup_percent": "12,5%",
                    "shopee.attr.Phong cách": "Quà biếu",
                    "tiktok.fixed_price_vnd": "99.000đ",
                    "alibaba.enabled": "KHÔNG",
                    "#ghi chú": "notes are ignored",
                },
            )
        ],
    )
    product = load(path).products[0]
    assert product.description.en == "Lotus-scented tea"
    assert product.images == ("images/a.png", "images/b.png")
    assert product.dimensions is not None and product.dimensions.height_cm == 8
    assert product.origin is not None and product.origin.province == "Hà Nội"
    assert product.ocop is not None
    assert (product.ocop.issued, product.ocop.expires) == (date(2024, 6, 15), date(2027, 6, 15))
    assert product.b2b is not None
    assert [(t.min_quantity, t.usd) for t in product.b2b.price_tiers] == [
        (50, Decimal("14.50")),
        (200, Decimal("12.80")),
    ]
    assert product.attributes == {"Thành phần": "Chè, sen"}
    shopee = product.channels["shopee"]
    assert shopee.title == "Trà sen Tây Hồ"
    assert shopee.price_rule.markup_percent == Decimal("12.5")
    assert shopee.attributes == {"Phong cách": "Quà biếu"}
    assert product.channels["tiktok"].price_rule.fixed_vnd == 99000
    assert not product.enabled_on("alibaba")


def test_empty_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers(tmp_path: Path) -> None:
    text = csv_text([row(sku="A"), row(sku="B", price_vnd="abc")])
    lines = text.splitlines()
    path = write_text(tmp_path, "\n".join([lines[0], lines[1], "", ",,,,", lines[2]]) + "\n")
    assert places(path) == [(5, "price_vnd")]


def test_column_names_ignore_case_and_surrounding_spaces(tmp_path: Path) -> None:
    path = write_text(tmp_path, " SKU ,Name_VI,Category,WEIGHT_G,price_vnd\nA,Trà,tea,1,2\n")
    assert load(path).products[0].name.vi == "Trà"


# Duplicate SKUs


def test_duplicate_product_sku_names_both_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [row(sku="A"), row(sku="B"), row(sku="A")])
    assert only_problem(path) == (4, "sku", "SKU A is already used on row 2")


def test_duplicate_sku_that_differs_only_by_case_and_spaces(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [row(sku="TS-100"), row(sku="B"), row(sku="  ts-100 ")])
    found_row, field, message = only_problem(path)
    assert (found_row, field) == (4, "sku")
    assert "row 2" in message and "TS-100" in message and "ts-100" in message


def test_two_rows_of_one_product_without_variants_are_a_duplicate(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [row(sku="A"), row(sku="A")])
    assert only_problem(path) == (3, "sku", "SKU A is already used on row 2")


def test_duplicate_variant_sku_across_products(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [
            row(sku="A", variant_sku="V-1", option1_name="Size", option1_value="S"),
            row(sku="B", variant_sku="v-1", option1_name="Size", option1_value="S"),
        ],
    )
    found_row, field, message = only_problem(path)
    assert (found_row, field) == (3, "variant_sku")
    assert message.startswith("SKU v-1 is already used on row 2")


def test_variant_sku_equal_to_another_products_sku(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [row(sku="A"), row(sku="B", variant_sku="A", option1_name="Size", option1_value="S")],
    )
    assert only_problem(path) == (3, "variant_sku", "SKU A is already used on row 2")


def test_variant_sku_equal_to_its_own_product_sku(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [row(sku="A", variant_sku="a", option1_name="S", option1_value="1")])
    assert places(path) == [(2, "variant_sku")]


def test_product_rows_split_by_another_product_are_a_duplicate(tmp_path: Path) -> None:
    variant = {"option1_name": "Size"}
    path = write_csv(
        tmp_path,
        [
            row(sku="A", variant_sku="A-1", option1_value="S", **variant),
            row(sku="B"),
            row(sku="A", variant_sku="A-2", option1_value="L", **variant),
        ],
    )
    assert places(path) == [(4, "sku")]


# Required fields and columns


@pytest.mark.parametrize("column", ["category", "weight_g", "price_vnd"])
def test_missing_required_value(tmp_path: Path, column: str) -> None:
    path = write_csv(tmp_path, [row(), row(sku="B", **{column: ""})])
    assert only_problem(path) == (3, column, "must be filled in")


def test_missing_name_in_both_languages(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [row(name_vi="", name_en="")])
    assert only_problem(path) == (2, "name_vi", "a product needs a name, in Vietnamese or English")


def test_english_name_alone_is_enough(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [row(name_vi="", name_en="Lotus tea")])
    assert load(path).products[0].name.get("vi") == "Lotus tea"


def test_missing_sku_on_a_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [row(), row(sku="")])
    assert only_problem(path) == (3, "sku", "must be filled in on every row, variant rows too")


def test_missing_required_column_is_reported_once_on_the_header(tmp_path: Path) -> None:
    rows = [{k: v for k, v in row(sku=s).items() if k != "price_vnd"} for s in "ABC"]
    path = write_csv(tmp_path, rows)
    assert problems(path) == [(1, "price_vnd", "this column is missing; every catalog needs it")]


def test_missing_name_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [{k: v for k, v in row().items() if k != "name_vi"}])
    assert places(path) == [(1, "name_vi")]


def test_missing_dimension_when_others_are_given(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [row(length_cm="20", height_cm="8")])
    assert only_problem(path) == (2, "width_cm", "must be filled in")


def test_b2b_needs_its_tiers_and_minimum(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [row(b2b_unit="box")])
    assert places(path) == [(2, "b2b_moq"), (2, "b2b_tiers")]


# Numbers, money, dates


@pytest.mark.parametrize(
    ("cell", "price"),
    [
        ("120000", 120000),
        ("120.000", 120000),
        ("120,000", 120000),
        ("1.250.000", 1250000),
        ("120 000 đ", 120000),
        ("120.000,00", 120000),
        ("120000 VND", 120000),
    ],
)
def test_price_with_thousands_separators(tmp_path: Path, cell: str, price: int) -> None:
    path = write_csv(tmp_path, [row(price_vnd=cell)])
    assert load(path).products[0].price_vnd == price


@pytest.mark.parametrize("cell", ["12.5", "12,5", "abc", "1.20.000", "120.000,50"])
def test_price_must_be_whole_dong(tmp_path: Path, cell: str) -> None:
    path = write_csv(tmp_path, [row(price_vnd=cell)])
    assert only_problem(path) == (
        2,
        "price_vnd",
        f"price must be a whole number of dong, got {cell}",
    )


@pytest.mark.parametrize("cell", ["0", "-5", "-120.000"])
def test_price_must_be_positive(tmp_path: Path, cell: str) -> None:
    path = write_csv(tmp_path, [row(price_vnd=cell)])
    found_row, field, message = only_problem(path)
    assert (found_row, field) == (2, "price_vnd")
    assert message.startswith("must be more than 0, got ")


def test_variant_price_problems_are_on_the_variant_row(tmp_path: Path) -> None:
    variant = {"option1_name": "Size"}
    path = write_csv(
        tmp_path,
        [
            row(variant_sku="V1", option1_value="S", **variant),
            row(variant_sku="V2", option1_value="M", variant_price_vnd="9,5", **variant),
            row(variant_sku="V3", option1_value="L", variant_price_vnd="0", **variant),
        ],
    )
    assert problems(path) == [
        (3, "variant_price_vnd", "price must be a whole number of dong, got 9,5"),
        (4, "variant_price_vnd", "must be more than 0, got 0"),
    ]


def test_negative_weight(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [row(weight_g="-3")])
    with pytest.raises(CatalogError) as raised:
        load_catalog(path)
    assert [str(problem) for problem in raised.value.problems] == [
        f"{path}, row 2, column D (weight_g): must be more than 0, got -3"
    ]


@pytest.mark.parametrize(
    ("column", "cell", "message"),
    [
        (
            "weight_g",
            "1.500",
            "write a whole number without dots, commas or spaces, e.g. 1500 (got 1.500)",
        ),
        ("weight_g", "1.5", "must be a whole number, got 1.5"),
        ("safety_stock", "-1", "must be 0 or more, got -1"),
        ("ocop_stars", "6", "must be 5 or less, got 6"),
        ("b2b_lead_time_days", "two", "must be a whole number, got two"),
    ],
)
def test_other_whole_numbers(tmp_path: Path, column: str, cell: str, message: str) -> None:
    extra = {"ocop_stars": "4"} if column.startswith("ocop") else {}
    extra |= {"b2b_moq": "1", "b2b_tiers": "1:1"} if column.startswith("b2b") else {}
    path = write_csv(tmp_path, [row(**{**extra, column: cell})])
    assert only_problem(path) == (2, column, message)


def test_bad_date(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [row(ocop_stars="4", ocop_expires="31/13/2026")])
    assert only_problem(path) == (
        2,
        "ocop_expires",
        "not a date, write it as 2026-12-31 (got 31/13/2026)",
    )


def test_expiry_before_issue(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path, [row(ocop_stars="4", ocop_issued="2026-01-01", ocop_expires="01/01/2025")]
    )
    assert only_problem(path) == (
        2,
        "ocop_expires",
        "the expiry date must come after the issue date",
    )


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (
            "10-2.50",
            "write price tiers as quantity:USD price, separated by |, "
            "e.g. 10:2.50|100:2.10 (got 10-2.50)",
        ),
        (
            "10:2.50|100:1,250",
            "in the tier 100:1,250: 1,250 is unclear: write 1250 or 1.250 "
            "(no thousands separators)",
        ),
        ("10:2.555", "use at most 2 decimal places, got 2.555"),
        ("100:2.50|10:2.10", "price tiers must have distinct minimum quantities, smallest first"),
        ("10:0", "must be more than 0, got 0"),
    ],
)
def test_bad_price_tiers(tmp_path: Path, cell: str, message: str) -> None:
    path = write_csv(tmp_path, [row(b2b_moq="10", b2b_tiers=cell)])
    assert only_problem(path) == (2, "b2b_tiers", message)


def test_channel_values(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [
            row(
                **{
                    "shopee.enabled": "maybe",
                    "lazada.markup_percent": "5",
                    "lazada.fixed_price_vnd": "100000",
                    "tiki.fixed_price_vnd": "9.9",
                }
            )
        ],
    )
    assert problems(path) == [
        (2, "shopee.enabled", "write yes or no (got maybe)"),
        (2, "lazada.markup_percent", "give either a markup percent or a fixed price, not both"),
        (2, "tiki.fixed_price_vnd", "price must be a whole number of dong, got 9.9"),
    ]


def test_over_long_names(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [
            row(name_vi="Trà " * 70),
            row(sku="B", name_en="x" * 256),
            row(sku="C", **{"shopee.title": "y" * 300}),
        ],
    )
    assert problems(path) == [
        (2, "name_vi", "too long: 279 characters, at most 255"),
        (3, "name_en", "too long: 256 characters, at most 255"),
        (4, "shopee.title", "too long: 300 characters, at most 255"),
    ]


# Variants and options


def test_variant_row_without_variant_sku(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [row(variant_sku="V1", option1_name="Size", option1_value="S"), row(option1_value="L")],
    )
    assert places(path) == [(3, "variant_sku")]


def test_options_without_a_variant_sku(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [row(option1_name="Size", option1_value="S")])
    assert only_problem(path) == (
        2,
        "variant_sku",
        "must be filled in: this row has option1_name, option1_value",
    )


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"option1_name": "Size"}, "option1_value"),
        ({"option1_value": "S"}, "option1_name"),
        ({"option2_name": "Màu", "option2_value": "Lam"}, "option2_name"),
        (
            {
                "option1_name": "Size",
                "option1_value": "S",
                "option2_name": "size",
                "option2_value": "M",
            },
            "option2_name",
        ),
    ],
)
def test_incomplete_options(tmp_path: Path, options: dict[str, str], field: str) -> None:
    path = write_csv(tmp_path, [row(variant_sku="V1", **options)])
    assert places(path) == [(2, field)]


def test_variants_must_use_the_same_option_names(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [
            row(variant_sku="V1", option1_name="Size", option1_value="S"),
            row(variant_sku="V2", option1_name="Màu", option1_value="Lam"),
        ],
    )
    assert only_problem(path) == (
        3,
        "option1_name",
        "use the same options as the first variant (Size), not Màu",
    )


def test_variants_must_differ_in_their_options(tmp_path: Path) -> None:
    two = {"option1_name": "Size", "option2_name": "Màu", "option2_value": "Lam"}
    path = write_csv(
        tmp_path,
        [
            row(variant_sku="V1", option1_value="S", **two),
            row(variant_sku="V2", option1_value="L", **two),
            row(variant_sku="V3", option1_value="s", **two),
        ],
    )
    assert only_problem(path) == (
        4,
        "option1_value",
        "same options (Size s, Màu Lam) as the variant on row 2",
    )


def test_conflicting_product_value_on_a_variant_row(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [
            row(variant_sku="V1", option1_name="Size", option1_value="S"),
            row(variant_sku="V2", option1_name="Size", option1_value="L", name_vi="Trà khác"),
        ],
    )
    assert only_problem(path) == (
        3,
        "name_vi",
        "differs from row 2 of the same product (Trà khác here, Trà sen there); "
        "repeat the same value or leave it blank",
    )


# Columns


def test_unknown_column_suggests_the_closest(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [row(prise_vnd="1", **{"shopee.titel": "x", "Số lô": "y"})])
    found = problems(path)
    assert found[:2] == [
        (
            1,
            "prise_vnd",
            'unknown column "prise_vnd"; did you mean price_vnd? '
            "(to keep your own notes in a column, start its name with #)",
        ),
        (1, "shopee.titel", 'unknown column "shopee.titel"; did you mean shopee.title?'),
    ]
    assert found[2][:2] == (1, "Số lô")
    assert "did you mean" not in found[2][2]


def test_near_miss_of_a_registered_channel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog_files, "known_channels", lambda: ("lazada", "shopee", "tiki"))
    path = write_csv(tmp_path, [row(**{"shope.title": "x", "sendo.title": "y"})])
    assert problems(path) == [
        (1, "shope.title", 'unknown channel "shope"; did you mean shopee?'),
    ]


def test_duplicate_column(tmp_path: Path) -> None:
    path = write_text(tmp_path, "sku,name_vi,category,weight_g,price_vnd,Price_VND\nA,B,c,1,2,3\n")
    assert problems(path) == [
        (1, "price_vnd", "this column appears twice (columns E and F)"),
    ]


def test_value_under_a_column_without_a_name(tmp_path: Path) -> None:
    path = write_text(
        tmp_path, "sku,name_vi,category,weight_g,price_vnd,\nA,B,c,1,2,\nC,D,e,1,2,x\n"
    )
    assert problems(path) == [
        (3, "", "column F has a value here but no column name in row 1"),
    ]


# Files: encodings, separators, empty files, formats


def test_utf8_with_bom(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [row()], encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert load(path).products[0].sku == "TS-1"


@pytest.mark.parametrize(("encoding", "name"), [("cp1258", "Đà"), ("latin-1", "Café")])
def test_not_utf8(tmp_path: Path, encoding: str, name: str) -> None:
    path = tmp_path / "catalog.csv"
    path.write_bytes(
        csv_text([row(name_vi="Tra sen"), row(sku="B", name_vi=name)]).encode(encoding)
    )
    with pytest.raises(CatalogError) as raised:
        load_catalog(path)
    (problem,) = raised.value.problems
    assert (problem.source, problem.row, problem.field) == (str(path), None, "")
    assert "not saved as UTF-8" in problem.message and "line 3" in problem.message
    assert "CSV UTF-8" in problem.message
    assert str(problem).startswith(f"{path}: the file is not saved as UTF-8")


def test_utf16(tmp_path: Path) -> None:
    path = tmp_path / "catalog.csv"
    path.write_bytes(csv_text([row()]).encode("utf-16"))
    (_row, _field, message) = only_problem(path)
    assert "UTF-16" in message and "CSV UTF-8" in message


def test_workbook_named_csv(tmp_path: Path) -> None:
    path = tmp_path / "catalog.csv"
    path.write_bytes(b"PK\x03\x04rest-of-a-zip")
    assert "name it .xlsx" in only_problem(path)[2]


def test_semicolon_separated(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [
            row(
                price_vnd="120.000",
                b2b_moq="10",
                b2b_tiers="10:2,50|100:2,10",
                name_en="Tea, lotus",
            )
        ],
        delimiter=";",
    )
    product = load(path).products[0]
    assert product.price_vnd == 120000
    assert product.name.en == "Tea, lotus"
    assert product.b2b is not None and product.b2b.price_tiers[0].usd == Decimal("2.50")


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [("a,b;c,d", ","), ("a;b;c,d", ";"), ('"x;y";"a,b,c";d', ";"), ("a\tb\tc", "\t"), ("a", ",")],
)
def test_sniff_delimiter(header: str, delimiter: str) -> None:
    assert sniff_delimiter(header + "\nrest,;;;,,\n") == delimiter


def test_decomposed_vietnamese_comes_out_nfc(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Chiếu cói An Vũ")
    assert nfd != "Chiếu cói An Vũ"
    path = write_csv(
        tmp_path,
        [
            row(
                name_vi=nfd,
                **{"attr." + nfd: nfd},
                variant_sku=nfd,
                option1_name=nfd,
                option1_value=nfd,
            )
        ],
    )
    product = load(path).products[0]
    assert product.name.vi == "Chiếu cói An Vũ"
    assert product.attributes == {"Chiếu cói An Vũ": "Chiếu cói An Vũ"}
    assert product.variants[0].sku == "Chiếu cói An Vũ"
    assert product.variants[0].options == {"Chiếu cói An Vũ": "Chiếu cói An Vũ"}


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n  \n", b",,,\n,,\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "catalog.csv"
    path.write_bytes(content)
    assert only_problem(path) == (None, "", "the file is empty")


def test_header_without_rows(tmp_path: Path) -> None:
    path = write_text(tmp_path, "sku,name_vi,category,weight_g,price_vnd\n\n,,,,\n")
    assert only_problem(path) == (None, "", "the file has column names but no products")


def test_blank_header_row(tmp_path: Path) -> None:
    path = write_text(tmp_path, ",,\nA,B,C\n")
    assert only_problem(path) == (1, "", "row 1 must hold the column names; it is empty")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("catalog.json", "cannot read .json files: save the catalog as .yaml, .csv or .xlsx"),
        ("catalog.xls", "this is an old Excel file (.xls): open it in Excel and save it as .xlsx"),
    ],
)
def test_unsupported_format(tmp_path: Path, name: str, message: str) -> None:
    path = write_text(tmp_path, "sku\nA\n", name=name)
    assert problems(path) == [(None, "", message)]


def test_missing_file(tmp_path: Path) -> None:
    assert problems(tmp_path / "nope.csv") == [(None, "", "there is no such file")]


def test_every_problem_at_once_in_row_order(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [
            row(sku="A", weight_g="-3", price_vnd="12.5"),
            row(sku="B", category="", ocop_stars="4", ocop_issued="hôm qua"),
            row(sku="a", name_vi="x" * 300),
            row(sku="C", shopee_title="x"),
        ],
    )
    assert places(path) == [
        (1, "shopee_title"),
        (2, "weight_g"),
        (2, "price_vnd"),
        (3, "category"),
        (3, "ocop_issued"),
        (4, "sku"),
        (4, "name_vi"),
    ]


def test_catalog_error_lists_every_problem_as_file_row_field_message(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [row(weight_g="-3", price_vnd="12,5")])
    with pytest.raises(CatalogError) as raised:
        load_catalog(path)
    assert str(raised.value).splitlines() == [
        "2 problems in the catalog:",
        f"  {path}, row 2, column D (weight_g): must be more than 0, got -3",
        f"  {path}, row 2, column E (price_vnd): price must be a whole number of dong, got 12,5",
    ]
    assert raised.value.exit_code == 2
    assert isinstance(raised.value.problems[0], Problem)


@pytest.mark.parametrize("language", ["csv", "yaml"])
def test_examples_in_the_format_guide_load(tmp_path: Path, language: str) -> None:
    guide = (SAMPLES.parent / "README.md").read_text(encoding="utf-8")
    example = guide.split(f"```{language}\n", 1)[1].split("```", 1)[0]
    make_photos(tmp_path, re.findall(r"images/[\w.-]+", example))
    catalog = load(write_text(tmp_path, example, name=f"example.{language}"))
    assert catalog.products[0].sku == "TSTH"
    assert [unit.price_vnd for unit in catalog.products[0].units()] == [390000, 950000]


def test_misspelt_required_column_is_not_also_reported_missing(tmp_path: Path) -> None:
    rows = [{("weight" if k == "weight_g" else k): v for k, v in row().items()}]
    path = write_csv(tmp_path, rows)
    assert only_problem(path) == (
        1,
        "weight",
        'unknown column "weight"; did you mean weight_g? '
        "(to keep your own notes in a column, start its name with #)",
    )
