"""Loading catalogs from YAML: problems are placed on the line of the key that holds them."""

from __future__ import annotations

import textwrap
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from listsync.catalog import files as catalog_files
from tests.catalog.support import load, only_problem, places, problems, write_text

PRODUCT = """\
products:
  - sku: TS-1
    name: {vi: Trà sen, en: Lotus tea}
    category: tea
    weight_g: 150
    price_vnd: 120000
"""


def write_yaml(tmp_path: Path, text: str) -> Path:
    return write_text(tmp_path, textwrap.dedent(text), name="catalog.yaml")


def product(sku: str = "TS-1", **lines: str) -> str:
    """One product as YAML list entry; each keyword adds ``key: value`` text under it."""
    body = PRODUCT.removeprefix("products:\n").replace("TS-1", sku)
    for key, value in lines.items():
        kept = [line for line in body.splitlines() if not line.startswith(f"    {key}:")]
        body = "\n".join(kept) + f"\n    {key}: {value}\n"
    return body


def test_a_full_product(tmp_path: Path) -> None:
    path = write_yaml(
        tmp_path,
        """\
        products:
          - sku: "00123"
            name: {vi: Bình gốm, en: Vase}
            category: ceramics
            weight_g: 1800
            price_vnd: 650.000
            dimensions: {length_cm: 22, width_cm: 22, height_cm: 34}
            ocop: {stars: 4, issued: 2024-03-01, expires: 01/03/2027}
            attributes: {Năm: 2024, Men: yes}
            variants:
              - sku: 00124
                options: {Size: S, Màu: Lam}
              - sku: V-L
                options: {Size: L, Màu: Lam}
                price_vnd: 1,050,000
            b2b:
              min_order_quantity: 20
              price_tiers:
                - {min_quantity: 20, usd: 18.10}
                - {min_quantity: 100, usd: 15.5}
            channels:
              Shopee: {title: Bình gốm Bát Tràng, price_rule: {markup_percent: 12.5}}
              alibaba: {enabled: no}
        """,
    )
    (vase,) = load(path).products
    assert vase.sku == "00123"
    assert vase.price_vnd == 650000
    assert vase.ocop is not None and vase.ocop.expires is not None
    assert vase.ocop.expires.isoformat() == "2027-03-01"
    assert vase.attributes == {"Năm": "2024", "Men": "yes"}
    assert [variant.sku for variant in vase.variants] == ["00124", "V-L"]
    assert vase.variants[1].price_vnd == 1050000
    assert vase.b2b is not None
    assert [tier.usd for tier in vase.b2b.price_tiers] == [Decimal("18.10"), Decimal("15.5")]
    assert str(vase.b2b.price_tiers[0].usd) == "18.10"
    assert vase.channels["shopee"].price_rule.markup_percent == Decimal("12.5")
    assert not vase.enabled_on("alibaba")


def test_empty_values_are_left_out(tmp_path: Path) -> None:
    path = write_yaml(tmp_path, PRODUCT + "    brand:\n    ocop: ~\n    images: []\n")
    assert load(path).products[0].brand == ""


def test_field_problems_are_on_the_line_of_their_key(tmp_path: Path) -> None:
    path = write_yaml(
        tmp_path,
        """\
        products:
          - sku: A
            name: {vi: Trà}
            category: tea
            weight_g: -3
            price_vnd: 1
          - sku: B
            name: {vi: Bún}
            category: noodles
            weight_g: 1
            price_vnd: 1
            variants:
              - sku: V1
                options: {Size: S}
                price_vnd: 12.5
              - {sku: V2, options: {Size: L}, price_vnd: 0}
        """,
    )
    assert problems(path) == [
        (5, "weight_g", "must be more than 0, got -3"),
        (15, "variants.price_vnd", "price must be a whole number of dong, got 12.5"),
        (16, "variants.price_vnd", "must be more than 0, got 0"),
    ]


def test_missing_key_is_on_the_line_of_its_mapping(tmp_path: Path) -> None:
    path = write_yaml(
        tmp_path,
        """\
        products:
          - sku: A
            name: {vi: Trà}
            weight_g: 1
            price_vnd: 1
          - sku: B
            name: {vi: Bún}
            category: noodles
            weight_g: 1
            price_vnd: 1
            variants:
              - options: {Size: S}
            b2b:
              unit: bag
        """,
    )
    assert problems(path) == [
        (2, "category", "must be filled in"),
        (12, "variants.sku", "must be filled in"),
        (13, "b2b.min_order_quantity", "must be filled in"),
        (13, "b2b.price_tiers", "must be filled in"),
    ]


def test_missing_name(tmp_path: Path) -> None:
    path = write_yaml(
        tmp_path,
        "products:\n  - sku: A\n    category: t\n    weight_g: 1\n"
        "    price_vnd: 1\n    name: {vi: '', en: ''}\n",
    )
    assert only_problem(path) == (6, "name.vi", "a product needs a name, in Vietnamese or English")


def test_over_long_name(tmp_path: Path) -> None:
    path = write_yaml(tmp_path, PRODUCT.replace("en: Lotus tea", "en: " + "x" * 256))
    assert only_problem(path) == (3, "name.en", "too long: 256 characters, at most 255")


def test_duplicate_skus_name_both_lines(tmp_path: Path) -> None:
    path = write_yaml(
        tmp_path,
        "products:\n"
        + product("TS-1")
        + product(" ts-1 ")
        + product("B", variants="\n      - {sku: TS-1, options: {Size: S}}"),
    )
    found = problems(path)
    assert [(line, field) for line, field, _message in found] == [(7, "sku"), (18, "variants.sku")]
    assert found[0][2].startswith("SKU ts-1 is already used on line 2 as TS-1")
    assert found[1][2] == "SKU TS-1 is already used on line 2"


def test_variants_with_different_or_equal_options(tmp_path: Path) -> None:
    variants = """
      - {sku: V1, options: {Size: S, Màu: Lam}}
      - {sku: V2, options: {Màu: Lam, Size: L}}
      - {sku: V3, options: {Size: s, Màu: LAM}}
      - {sku: V4, options: {Size: M, Màu: Lam, Men: rạn}}"""
    path = write_yaml(tmp_path, PRODUCT + f"    variants: {variants}\n")
    assert problems(path) == [
        (
            9,
            "variants.options",
            "use the same options as the first variant (Size × Màu), not Màu × Size",
        ),
        (10, "variants.options.Size", "same options (Size s, Màu LAM) as the variant on line 8"),
        (
            11,
            "variants.options",
            "use the same options as the first variant (Size × Màu), not Size × Màu × Men",
        ),
        (11, "variants.options", "a variant has at most 2 options"),
    ]


def test_three_options_are_too_many(tmp_path: Path) -> None:
    path = write_yaml(
        tmp_path, PRODUCT + "    variants:\n      - {sku: V, options: {a: 1, b: 2, c: 3}}\n"
    )
    assert only_problem(path) == (8, "variants.options", "a variant has at most 2 options")


def test_unknown_keys_suggest_the_closest(tmp_path: Path) -> None:
    path = write_yaml(
        tmp_path,
        PRODUCT.replace("products:", "product_list: []\nproducts:")
        + "    prices_vnd: 1\n    length_cm: 3\n    channels: {shopee: {markup_percent: 5}}\n",
    )
    assert problems(path) == [
        (1, "product_list", 'unknown key "product_list"; did you mean products?'),
        (8, "prices_vnd", 'unknown key "prices_vnd"; did you mean price_vnd?'),
        (9, "length_cm", 'unknown key "length_cm"; did you mean dimensions.length_cm?'),
        (
            10,
            "channels.shopee.markup_percent",
            'unknown key "markup_percent"; did you mean price_rule.markup_percent?',
        ),
    ]


def test_near_miss_of_a_registered_channel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog_files, "known_channels", lambda: ("lazada", "shopee"))
    path = write_yaml(tmp_path, PRODUCT + "    channels:\n      lazda: {enabled: false}\n")
    assert only_problem(path) == (
        8,
        "channels.lazda",
        'unknown channel "lazda"; did you mean lazada?',
    )


def test_duplicate_key(tmp_path: Path) -> None:
    path = write_yaml(tmp_path, PRODUCT + "    price_vnd: 130000\n")
    assert only_problem(path) == (7, "price_vnd", "this key appears twice (lines 6 and 7)")


@pytest.mark.parametrize(
    ("extra", "place", "message"),
    [
        ("    images: a.png\n", (7, "images"), "must be a list, one entry per line (- entry)"),
        (
            "    origin: Hà Nội\n",
            (7, "origin"),
            "must be a group of keys, one per line (key: value)",
        ),
        ("    brand: [a, b]\n", (7, "brand"), "must be a single value, not a list or a group"),
        ("    variants:\n      -\n", (8, "variants"), "this entry of the list is empty"),
        (
            "    ocop: {stars: 4, issued: 31/02/2025}\n",
            (7, "ocop.issued"),
            "not a date, write it as 2026-12-31 (got 31/02/2025)",
        ),
        (
            "    channels: {tiki: {enabled: maybe}}\n",
            (7, "channels.tiki.enabled"),
            "write yes or no (got maybe)",
        ),
    ],
)
def test_wrong_shapes(tmp_path: Path, extra: str, place: tuple[int, str], message: str) -> None:
    path = write_yaml(tmp_path, PRODUCT + extra)
    assert only_problem(path) == (*place, message)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", (None, "", "the file is empty")),
        ("# only a comment\n", (None, "", "the file is empty")),
        ("products: []\n", (1, "products", "the list of products is empty")),
        (
            "- sku: A\n",
            (1, "", "the file must start with products: followed by a list of products"),
        ),
        (
            "products:\n  sku: A\n",
            (2, "products", "the file must start with products: followed by a list of products"),
        ),
        (
            "products:\n  - sku: A\n   name: x\n",
            (3, "", "the YAML cannot be read here; check the indentation and colons ("),
        ),
    ],
)
def test_broken_files(tmp_path: Path, text: str, problem: tuple[int | None, str, str]) -> None:
    path = write_yaml(tmp_path, text)
    found_row, field, message = only_problem(path)
    assert (found_row, field) == problem[:2]
    assert message.startswith(problem[2])


def test_every_problem_in_one_go(tmp_path: Path) -> None:
    path = write_yaml(
        tmp_path, PRODUCT + "    safety_stock: -1\n    brand: [x]\n" + product("B", weight_g="x")
    )
    assert places(path) == [(7, "safety_stock"), (8, "brand"), (13, "weight_g")]


def test_decomposed_vietnamese_comes_out_nfc(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Gốm Bát Tràng")
    path = write_yaml(
        tmp_path, PRODUCT.replace("Trà sen", nfd) + f"    attributes: {{{nfd}: {nfd}}}\n"
    )
    (vase,) = load(path).products
    assert vase.name.vi == "Gốm Bát Tràng"
    assert vase.attributes == {"Gốm Bát Tràng": "Gốm Bát Tràng"}


def test_yml_suffix_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yml"
    path.write_bytes(b"\xef\xbb\xbf" + PRODUCT.encode())
    assert load(path).products[0].sku == "TS-1"


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_bytes(PRODUCT.encode("utf-8").replace("Trà".encode(), "Trà".encode("latin-1")))
    found_row, field, message = only_problem(path)
    assert (found_row, field) == (None, "")
    assert message.startswith(
        "the file is not saved as UTF-8 (the first unreadable character is on line 3)"
    )


def test_misspelt_key_is_not_also_reported_missing(tmp_path: Path) -> None:
    path = write_yaml(tmp_path, PRODUCT.replace("weight_g:", "weight:"))
    assert only_problem(path) == (5, "weight", 'unknown key "weight"; did you mean weight_g?')
