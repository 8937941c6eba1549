"""Product -> Shopee listing: the pure mapping, its problems, and the mapping files."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from listsync_shopee import categories
from listsync_shopee.categories import Limits
from listsync_shopee.mapping import Mapper, check_limits
from listsync_shopee.sandbox.catalog import CATEGORIES, LOGISTICS

from listsync.catalog.files import load_catalog
from listsync.catalog.model import ChannelOverride, LocalizedText, PriceRule, Variant
from listsync.channel.contract import Draft, Money
from listsync.errors import ConfigError
from tests.adapters.shopee.support import SAMPLE_PNG, bowl, tea, tea_with_variants

ROOT = Path(__file__).resolve().parents[3]
MAPPING = categories.load().mapping


def mapper(root: Path = ROOT) -> Mapper:
    return Mapper(MAPPING, root)


def fields(draft: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in draft.problems:
        found.setdefault(problem.field, []).append(problem.message)
    return found


def test_tea_maps_to_an_add_item_body() -> None:
    draft = mapper().map(tea())
    assert draft.ok, draft.problems
    item = draft.payload["item"]
    assert item["item_name"] == "Trà sen Tây Hồ hộp 250g"  # Vietnamese by default
    assert item["category_id"] == 100010 and item["item_sku"] == "LT-250"
    assert item["weight"] == 0.25  # grams -> kg
    assert item["original_price"] == 250_000 and isinstance(item["original_price"], int)
    assert item["brand"] == {"brand_id": 0, "original_brand_name": "No Brand"}
    assert item["logistic_info"] == [
        {"logistic_id": 50011, "enabled": True},
        {"logistic_id": 50018, "enabled": True},
    ]
    assert item["attribute_list"] == [
        {
            "attribute_id": 100100,
            "attribute_value_list": [{"value_id": 3, "original_value_name": "12 tháng"}],
        },
        {
            "attribute_id": 100101,
            "attribute_value_list": [{"value_id": 10, "original_value_name": "Việt Nam"}],
        },
    ]
    assert draft.images == (str(SAMPLE_PNG),)
    assert [(o.sku, o.stock, o.price) for o in draft.offers] == [("LT-250", 0, Money.vnd(250_000))]


def test_title_override_wins() -> None:
    product = tea(channels={"shopee": ChannelOverride(title="Trà sen Tây Hồ – quà OCOP 4 sao")})
    assert mapper().map(product).payload["item"]["item_name"] == "Trà sen Tây Hồ – quà OCOP 4 sao"


def test_english_only_name_falls_back() -> None:
    product = tea(name=LocalizedText(en="West Lake lotus tea 250g"))
    assert mapper().map(product).payload["item"]["item_name"] == "West Lake lotus tea 250g"


def test_long_title_is_a_problem_never_cut() -> None:
    title = "Trà sen Tây Hồ " * 8  # 120 characters: fine elsewhere, over tea's 100
    draft = mapper().map(tea(name=LocalizedText(vi=title.strip())))
    assert draft.payload["item"]["item_name"] == title.strip()
    (message,) = fields(draft)["title"]
    assert "Shopee allows 10 to 100 in category 'Trà'" in message
    assert "channels.shopee.title" in message


def test_price_rule_applies_to_every_unit() -> None:
    rule = ChannelOverride(price_rule=PriceRule(markup_percent=Decimal(10)))
    draft = mapper().map(tea_with_variants(channels={"shopee": rule}))
    assert [o.price for o in draft.offers] == [Money.vnd(56_100), Money.vnd(57_200)]
    assert [m["original_price"] for m in draft.payload["models"]] == [56_100, 57_200]
    assert draft.payload["item"]["original_price"] == 275_000


def test_variants_become_tier_variations() -> None:
    draft = mapper().map(tea_with_variants())
    assert draft.ok, draft.problems
    assert draft.payload["tier_variation"] == [
        {"name": "Khối lượng", "option_list": [{"option": "50g"}, {"option": "100g"}]}
    ]
    assert [(m["model_sku"], m["tier_index"]) for m in draft.payload["models"]] == [
        ("LT-1", [0]),
        ("LT-2", [1]),
    ]
    assert {o.sku for o in draft.offers} == {"LT-1", "LT-2"}


def test_two_option_dimensions() -> None:
    variants = tuple(
        Variant(sku=f"V-{size}-{colour}", options={"Size": size, "Màu": colour})
        for size in ("S", "L")
        for colour in ("Lam", "Men rạn")
    )
    draft = mapper().map(bowl(variants=variants))
    assert [t["name"] for t in draft.payload["tier_variation"]] == ["Size", "Màu"]
    assert [m["tier_index"] for m in draft.payload["models"]] == [[0, 0], [0, 1], [1, 0], [1, 1]]


def test_more_than_fifty_variants() -> None:
    draft = mapper().map(tea_with_variants(count=51))
    assert "at most 50" in " ".join(fields(draft)["variants"])


def test_option_too_long() -> None:
    variants = (Variant(sku="LT-X", options={"Khối lượng": "một trăm năm mươi gam"}),)
    assert "Shopee allows 20" in fields(mapper().map(tea(variants=variants)))["variants"][0]


def test_option_images_all_or_none() -> None:
    variants = (
        Variant(sku="LT-1", options={"Khối lượng": "100g"}, images=(str(SAMPLE_PNG),)),
        Variant(sku="LT-2", options={"Khối lượng": "250g"}),
    )
    draft = mapper().map(tea(variants=variants))
    assert [i["source"] for i in draft.payload["option_images"]] == [str(SAMPLE_PNG)] * 2
    assert mapper().map(tea_with_variants()).payload["option_images"] == []


def test_missing_mandatory_attribute_reads_like_shopee() -> None:
    draft = mapper().map(tea(attributes={}))
    (message,) = fields(draft)["attributes"]
    assert message.startswith("category 'Trà' requires attribute 'Hạn sử dụng'")


def test_attribute_alias_and_free_text() -> None:
    draft = mapper().map(tea(attributes={"shelf_life": "18 tháng"}))
    assert draft.payload["item"]["attribute_list"][0] == {
        "attribute_id": 100100,
        "attribute_value_list": [{"value_id": 0, "original_value_name": "18 tháng"}],
    }


def test_drop_down_attribute_takes_listed_values_only() -> None:
    draft = mapper().map(tea(attributes={"Hạn sử dụng": "12 tháng", "Loại trà": "Trà lài"}))
    assert "takes one of: Trà sen" in fields(draft)["attributes"][0]


def test_channel_attribute_override() -> None:
    override = ChannelOverride(attributes={"Hạn sử dụng": "24 tháng", "100999": "x"})
    draft = mapper().map(tea(channels={"shopee": override}))
    attributes = {a["attribute_id"]: a for a in draft.payload["item"]["attribute_list"]}
    assert attributes[100100]["attribute_value_list"][0]["value_id"] == 4
    assert attributes[100999]["attribute_value_list"][0]["original_value_name"] == "x"


def test_unknown_channel_attribute_is_reported() -> None:
    draft = mapper().map(tea(channels={"shopee": ChannelOverride(attributes={"Màu": "xanh"})}))
    assert "'Màu'" in fields(draft)["attributes"][0]


def test_registered_brand() -> None:
    draft = mapper().map(bowl(brand="Minh Long"))
    assert draft.payload["item"]["brand"] == {
        "brand_id": 1100002,
        "original_brand_name": "Minh Long",
    }


def test_dimensions_in_cm_and_mandatory_for_ceramics() -> None:
    assert mapper().map(bowl()).payload["item"]["dimension"] == {
        "package_length": 15,
        "package_width": 15,
        "package_height": 7,
    }
    draft = mapper().map(bowl(dimensions=None))
    assert "requires package dimensions" in fields(draft)["dimensions"][0]


def test_unknown_category_and_override() -> None:
    draft = mapper().map(tea(category="candles"))
    assert "no Shopee category for catalog category 'candles'" in fields(draft)["category"][0]
    draft = mapper().map(
        tea(category="candles", channels={"shopee": ChannelOverride(category_id="100012")})
    )
    assert draft.payload["item"]["category_id"] == 100012 and "category" not in fields(draft)


def test_every_problem_at_once(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a photo")
    draft = mapper().map(
        tea(
            name=LocalizedText(vi="Trà"),
            description=LocalizedText(vi="Ngon"),
            attributes={},
            images=(str(text), str(tmp_path / "missing.png")),
            price_vnd=500,
        )
    )
    assert set(fields(draft)) == {"title", "description", "attributes", "images", "price"}
    assert len(fields(draft)["images"]) == 2
    assert all(problem.sku == "LT-250" for problem in draft.problems)


def test_no_photo_is_a_problem() -> None:
    assert "0 photos" in fields(mapper().map(tea(images=())))["images"][0]


def test_relative_photos_resolve_against_the_workspace() -> None:
    """Read from the workspace, but named as the catalog names them: where the workspace
    lies changes nothing in the draft."""
    draft = Mapper(MAPPING, SAMPLE_PNG.parent).map(tea(images=("sample.png",)))
    assert draft.ok and draft.images == ("sample.png",)
    assert draft.payload["images"] == [
        {"source": "sample.png", "sha256": hashlib.sha256(SAMPLE_PNG.read_bytes()).hexdigest()}
    ]


def test_a_copied_workspace_maps_to_the_same_draft(tmp_path: Path) -> None:
    first, second = tmp_path / "here", tmp_path / "there" / "copy"
    for root in (first, second):
        (root / "images").mkdir(parents=True)
        (root / "images" / "tra.png").write_bytes(SAMPLE_PNG.read_bytes())
    product = tea(images=("images/tra.png",))
    here, there = Mapper(MAPPING, first).map(product), Mapper(MAPPING, second).map(product)
    assert here.ok and here.content_hash == there.content_hash


def test_the_hash_of_earlier_versions_is_known(tmp_path: Path) -> None:
    """Earlier versions named a photo by its absolute path: their hash for the same content
    is carried along, so an upgrade does not send every listing again."""
    (tmp_path / "tra.png").write_bytes(SAMPLE_PNG.read_bytes())
    draft = Mapper(MAPPING, tmp_path).map(tea(images=("tra.png",)))
    payload = {
        **draft.payload,
        "images": [{**draft.payload["images"][0], "source": str(tmp_path / "tra.png")}],
    }
    earlier = Draft(draft.product_sku, payload, images=(str(tmp_path / "tra.png"),))
    assert draft.earlier_hashes == (earlier.content_hash,) != (draft.content_hash,)
    assert mapper().map(tea(images=(str(SAMPLE_PNG),))).earlier_hashes == ()


def test_url_photos_are_kept() -> None:
    draft = mapper().map(tea(images=("https://example.com/tra.jpg",)))
    assert draft.ok and draft.payload["images"] == [
        {"source": "https://example.com/tra.jpg", "sha256": None}
    ]


def test_changed_photo_changes_the_content_hash(tmp_path: Path) -> None:
    photo = tmp_path / "tra.png"
    photo.write_bytes(SAMPLE_PNG.read_bytes())
    before = Mapper(MAPPING, tmp_path).map(tea(images=("tra.png",))).content_hash
    photo.write_bytes(SAMPLE_PNG.read_bytes() + b"\0")
    assert Mapper(MAPPING, tmp_path).map(tea(images=("tra.png",))).content_hash != before


def test_check_limits_with_live_limits() -> None:
    draft = mapper().map(tea())
    tight = Limits(item_name=(10, 20), price=(1000, 100_000))
    problems = check_limits("LT-250", dict(draft.payload), tight)
    assert {p.field for p in problems} == {"title", "price"}


def test_limits_from_get_item_limit() -> None:
    reply = CATEGORIES[100020].limits.describe()
    limits = Limits.from_api(reply)
    assert limits.dimension_mandatory and limits.item_name == (10, 120)
    assert limits.price == (1000, 120_000_000)
    assert Limits.from_api({}) == Limits()


def test_sample_catalog_maps_cleanly() -> None:
    catalog = load_catalog(ROOT / "config" / "catalog.example.yaml")
    for product in catalog.products:
        draft = Mapper(MAPPING, ROOT / "config").map(product)
        assert draft.ok, [str(p) for p in draft.problems]
    by_sku = {p.sku: Mapper(MAPPING, ROOT / "config").map(p) for p in catalog.products}
    assert by_sku["TSTH"].payload["item"]["item_name"].startswith("Trà sen Tây Hồ ướp bông sen")
    assert len(by_sku["TSTH"].payload["option_images"]) == 2
    assert len(by_sku["BT-BINH-LAM"].payload["models"]) == 4


def test_default_mapping_matches_the_sandbox() -> None:
    for key, rule in MAPPING.categories.items():
        category = CATEGORIES[rule.category_id]
        assert category.leaf and category.name == rule.name, key
        remote = {a.attribute_id: a for a in category.attributes}
        for attribute in rule.attributes:
            assert attribute.name == remote[attribute.attribute_id].name
            assert attribute.mandatory == remote[attribute.attribute_id].mandatory
            assert set(attribute.values.values()) <= set(remote[attribute.attribute_id].values)
        limits = MAPPING.limits_for(rule)
        assert limits == Limits.from_api(category.limits.describe()), key
    assert all(LOGISTICS[i].enabled for i in MAPPING.logistics)


def test_config_copy_is_a_valid_mapping_file() -> None:
    documented = categories.load(ROOT / "config" / "shopee" / "categories.yaml").mapping
    assert documented.categories.keys() == MAPPING.categories.keys()
    assert documented == MAPPING


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("logistics: []\n", "logistics"),
        ("logistics: [1]\ncategories: {tea: {name: Trà}}\n", "categories.tea.category_id"),
        ("logistics: [1]\nlimits: {item_name: [1]}\n", "limits.item_name"),
        ("logistics: [1\n", "not valid YAML"),
    ],
)
def test_bad_mapping_file(tmp_path: Path, text: str, expect: str) -> None:
    path = tmp_path / "shopee.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"shopee\.yaml") as caught:
        categories.load(path)
    assert expect in str(caught.value)


def test_missing_mapping_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the Shopee mapping file"):
        categories.load(tmp_path / "nope.yaml")
