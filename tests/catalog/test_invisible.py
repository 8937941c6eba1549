"""Characters no one can see, and control characters, never reach a marketplace."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.catalog.support import load, only_problem, row, write_csv

ZWSP, RLO, BOM, ZWJ = "\u200b", "\u202e", "\ufeff", "\u200d"


@pytest.mark.parametrize(
    ("sku", "code"),
    [
        ("TSTH" + ZWSP, "U+200B"),
        ("TS" + RLO + "TH", "U+202E"),
        ("TS\x00TH", "U+0000"),
        ("TS\x1b[31mTH", "U+001B"),
        ("TS" + ZWJ + "TH", "U+200D"),
    ],
)
def test_a_sku_with_an_unseen_character_is_refused_on_its_row(
    tmp_path: Path, sku: str, code: str
) -> None:
    path = write_csv(tmp_path, [row(sku="TSTH-OK"), row(sku=sku)])
    found_row, field, message = only_problem(path)
    assert (found_row, field) == (3, "sku")
    assert code in message and "invisible or control character" in message


def test_a_variant_sku_with_a_zero_width_space_is_refused(tmp_path: Path) -> None:
    rows = [
        row(sku="TSTH", variant_sku="TSTH-100", option1_name="Khối lượng", option1_value="100g"),
        row(
            sku="TSTH",
            variant_sku="TSTH-250" + ZWSP,
            option1_name="Khối lượng",
            option1_value="250g",
        ),
    ]
    found_row, field, _message = only_problem(write_csv(tmp_path, rows))
    assert (found_row, field) == (3, "variant_sku")


def test_two_skus_that_differ_only_by_what_cannot_be_seen_are_never_two_products(
    tmp_path: Path,
) -> None:
    path = write_csv(tmp_path, [row(sku="TSTH"), row(sku="TSTH" + ZWSP)])
    assert only_problem(path)[:2] == (3, "sku")


def test_names_lose_what_cannot_be_seen(tmp_path: Path) -> None:
    name = BOM + "Trà" + ZWSP + " sen " + RLO + "Tây Hồ" + ZWJ
    catalog = load(write_csv(tmp_path, [row(name_vi=name, description_vi="Dòng 1\nDòng\t2")]))
    product = catalog.products[0]
    assert product.name.vi == "Trà sen Tây Hồ"
    assert product.description.vi == "Dòng 1\nDòng\t2"  # line breaks and tabs stay


@pytest.mark.parametrize("text", ["Trà\x00sen", "Trà \x1b[2J sen", "Trà\x07sen"])
def test_a_control_character_in_a_name_is_refused_with_its_place(tmp_path: Path, text: str) -> None:
    found_row, field, message = only_problem(write_csv(tmp_path, [row(name_vi=text)]))
    assert (found_row, field) == (2, "name_vi")
    assert "control character" in message
