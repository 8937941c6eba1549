"""Product -> Lazada payload: pure, Vietnamese by default, every problem at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from listsync_lazada.mapping import Mapper, load_mapping
from listsync_lazada.payload import dump_json, dump_xml, load

from listsync.catalog.files import load_catalog
from listsync.catalog.model import Dimensions, LocalizedText, OcopRating, Origin, Product, Variant
from listsync.channel.contract import Money
from listsync.errors import ConfigError

EXAMPLE = Path(__file__).parents[3] / "config" / "catalog.example.yaml"


def tea(**changes: Any) -> Product:
    values: dict[str, Any] = {
        "sku": "TSTH",
        "name": LocalizedText(vi="Trà sen Tây Hồ", en="West Lake lotus tea"),
        "description": LocalizedText(vi="Trà ướp sen & gạo sen.\n\nHộp giấy dó.", en="Tea"),
        "brand": "HTX Trà sen Quảng An",
        "category": "tea",
        "images": ("images/a.png",),
        "weight_g": 320,
        "attributes": {"Hạn sử dụng": "12 tháng", "Thành phần": "Chè"},
        "origin": Origin(commune="Quảng An", province="Hà Nội"),
        "ocop": OcopRating(stars=4),
        "price_vnd": 390_000,
        "variants": (
            Variant(sku="TSTH-100", options={"Khối lượng": "100g"}, images=("images/b.png",)),
            Variant(sku="TSTH-250", options={"Khối lượng": "250g"}, price_vnd=950_000),
        ),
    }
    values.update(changes)
    return Product(**values)


@pytest.fixture
def mapper() -> Mapper:
    return Mapper(load_mapping())


def product_of(draft_payload: Any) -> dict[str, Any]:
    tree: dict[str, Any] = draft_payload["Request"]["Product"]
    return tree


def test_example_catalog_maps_without_problems(mapper: Mapper) -> None:
    for product in load_catalog(EXAMPLE).products:
        draft = mapper.map(product)
        assert draft.ok, [str(p) for p in draft.problems]


def test_vietnamese_payload(mapper: Mapper) -> None:
    draft = mapper.map(tea())
    tree = product_of(draft.payload)
    attributes = tree["Attributes"]
    assert attributes["name"] == "Trà sen Tây Hồ"
    assert attributes["description"] == "<p>Trà ướp sen &amp; gạo sen.</p><p>Hộp giấy dó.</p>"
    assert attributes["brand"] == "No Brand"  # not registered with Lazada: the default
    assert attributes["model"] == "TSTH"  # the product SKU, which Lazada has no field for
    assert attributes["shelf_life"] == "12 tháng" and attributes["ingredients"] == "Chè"
    assert "OCOP 4 sao" in attributes["short_description"]
    assert tree["PrimaryCategory"] == "10000010"
    assert tree["Images"] == {"Image": ["images/a.png"]}
    skus = tree["Skus"]["Sku"]
    assert [(s["SellerSku"], s["price"], s["saleProp"]) for s in skus] == [
        ("TSTH-100", "390000", {"size": "100g"}),
        ("TSTH-250", "950000", {"size": "250g"}),
    ]
    assert skus[0]["package_weight"] == "0.32" and skus[0]["package_length"] == "20"
    assert skus[0]["Images"] == {"Image": ["images/b.png"]}
    assert draft.images == ("images/a.png", "images/b.png")
    assert [(o.sku, o.stock, o.price) for o in draft.offers] == [
        ("TSTH-100", 0, Money.vnd(390_000)),
        ("TSTH-250", 0, Money.vnd(950_000)),
    ]


def test_english_when_asked() -> None:
    draft = Mapper(load_mapping(), language="en").map(tea())
    assert product_of(draft.payload)["Attributes"]["name"] == "West Lake lotus tea"


def test_price_rule_and_channel_override(mapper: Mapper) -> None:
    override = {
        "lazada": {
            "title": "Trà sen OCOP",
            "price_rule": {"markup_percent": 10},
            "attributes": {"warranty_type": "No Warranty"},
        }
    }
    draft = mapper.map(tea(variants=(), channels=override))
    tree = product_of(draft.payload)
    assert tree["Attributes"]["name"] == "Trà sen OCOP"
    assert tree["Attributes"]["warranty_type"] == "No Warranty"
    assert tree["Skus"]["Sku"][0]["price"] == "429000"
    assert draft.offers[0].price == Money.vnd(429_000)


def test_every_problem_at_once_never_truncated(mapper: Mapper) -> None:
    long_title = "Trà sen Tây Hồ ướp bông " * 11  # 264 characters
    product = tea(
        name=LocalizedText(vi=long_title[:255]),
        images=tuple(f"i{n}.png" for n in range(9)),
        weight_g=40_500,
        dimensions=Dimensions(length_cm=200, width_cm=60, height_cm=41),
        attributes={},
    )
    draft = mapper.map(product)
    fields = sorted(p.field for p in draft.problems)
    assert fields == ["attributes", "dimensions", "images", "name", "weight_g"]
    messages = {p.field: p.message for p in draft.problems}
    assert messages["attributes"] == "Lazada category 'Trà' requires attribute 'Hạn sử dụng'"
    assert "255 bytes" in messages["name"]
    assert product_of(draft.payload)["Attributes"]["name"] == long_title[:255].strip()


def test_unknown_category_and_missing_image(mapper: Mapper) -> None:
    draft = mapper.map(tea(category="candles", images=(), variants=()))
    assert {p.field for p in draft.problems} == {"category", "images", "dimensions"}
    assert all(p.sku == "TSTH" for p in draft.problems)


def test_category_id_override_uses_the_mapping_of_that_id(mapper: Mapper) -> None:
    draft = mapper.map(tea(channels={"lazada": {"category_id": "10000011"}}))
    assert draft.ok and product_of(draft.payload)["PrimaryCategory"] == "10000011"


def test_unmapped_option_becomes_a_custom_variation(mapper: Mapper) -> None:
    variants = (
        Variant(sku="A-1", options={"Hương vị": "Sen"}),
        Variant(sku="A-2", options={"Hương vị": "Nhài"}),
    )
    draft = mapper.map(tea(variants=variants))
    tree = product_of(draft.payload)
    assert tree["variation"]["variation1"]["name"] == "Hương vị"
    assert tree["variation"]["variation1"]["options"] == {"option": ["Sen", "Nhài"]}
    assert tree["Skus"]["Sku"][1]["saleProp"] == {"Hương vị": "Nhài"}


def test_xml_needs_xml_names_for_sale_props() -> None:
    xml = Mapper(load_mapping(), payload_format="xml")
    assert xml.map(tea()).ok  # "Khối lượng" is mapped to "size"
    odd = (Variant(sku="A-1", options={"Loại hộp": "Giấy"}),)
    draft = xml.map(tea(variants=odd))
    assert [(p.sku, p.field) for p in draft.problems] == [("A-1", "options")]


def test_payload_round_trips_as_json_and_xml_with_cdata(mapper: Mapper) -> None:
    tree = dict(mapper.map(tea()).payload)
    assert load(dump_json(tree)) == tree
    xml = dump_xml(tree)
    assert "<![CDATA[<p>Trà ướp sen &amp; gạo sen.</p><p>Hộp giấy dó.</p>]]>" in xml
    again = load(xml)["Request"]["Product"]
    assert again["Attributes"] == tree["Request"]["Product"]["Attributes"]
    assert again["Images"] == {"Image": "images/a.png"}  # one child: as_list() reads it
    assert [s["saleProp"] for s in again["Skus"]["Sku"]] == [{"size": "100g"}, {"size": "250g"}]


def test_mapping_file_from_settings(tmp_path: Path) -> None:
    path = tmp_path / "lazada.yaml"
    path.write_text("categories:\n  tea: {id: 123, name: Chè}\nbrands: {HTX Trà sen Quảng An: X}\n")
    draft = Mapper(load_mapping(path)).map(
        tea(dimensions=Dimensions(length_cm=1, width_cm=1, height_cm=1))
    )
    tree = product_of(draft.payload)
    assert (tree["PrimaryCategory"], tree["Attributes"]["brand"]) == ("123", "X")
    path.write_text("categories:\n  tea: {name: Chè}\n")
    with pytest.raises(ConfigError, match=r"lazada\.yaml has problems:\n  categories\.tea\.id"):
        load_mapping(path)
    with pytest.raises(ConfigError, match="cannot read"):
        load_mapping(tmp_path / "missing.yaml")


def test_shipped_copy_matches_the_package_default() -> None:
    config = Path(__file__).parents[3] / "config" / "lazada" / "categories.yaml"
    assert load_mapping(config) == load_mapping()
