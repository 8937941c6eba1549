"""A catalog Product as an Alibaba.com B2B listing: pure, every problem at once."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from listsync_alibaba.mapping import (
    AlibabaMapping,
    CategoryMap,
    Mapper,
    ladder_problems,
    load_mapping,
)

from listsync.catalog.files import load_catalog
from listsync.catalog.model import B2BTerms, ChannelOverride, LocalizedText, PriceTier, Variant
from listsync.channel.contract import Money
from listsync.errors import ConfigError
from tests.adapters.alibaba.client_support import LADDER, tea, tiers

SAMPLE_CATALOG = Path(__file__).parents[3] / "listsync" / "data" / "sample" / "catalog.yaml"


@pytest.fixture
def mapper() -> Mapper:
    return Mapper(load_mapping())


def fields(draft_problems: Any) -> set[str]:
    return {problem.field for problem in draft_problems}


def test_the_sample_catalog_maps_to_english_usd_listings(mapper: Mapper) -> None:
    catalog = load_catalog(SAMPLE_CATALOG)
    on_alibaba = [p for p in catalog.products if p.enabled_on("alibaba")]
    assert [p.sku for p in on_alibaba] == ["TSTH", "BGMD-500", "BT-BINH-LAM", "CC-AV"]
    for product in on_alibaba:
        draft = mapper.map(product)
        assert draft.ok, [str(p) for p in draft.problems]
        payload = draft.payload
        text = " ".join(str(v) for v in payload.values())
        assert not any(ch.isalpha() and not ch.isascii() for ch in payload["subject"])
        assert payload["language"] == "ENGLISH" and payload["product_type"] == "wholesale"
        assert product.b2b is not None
        assert payload["bulk_discount_prices"] == [
            {"start_quantity": t.min_quantity, "price": str(t.usd.quantize(Decimal("0.01")))}
            for t in product.b2b.price_tiers
        ]
        assert payload["wholesale_trade"]["min_order_quantity"] == product.b2b.min_order_quantity
        assert payload["wholesale_trade"]["handling_time"] == product.b2b.lead_time_days
        assert {o.sku for o in draft.offers} == {u.sku for u in product.units()}
        assert all(o.price == Money(product.b2b.price_tiers[0].usd, "USD") for o in draft.offers)
        assert all(o.tiers == product.b2b.price_tiers for o in draft.offers)
        assert "OCOP" in text and "Vietnam" in text
    tea_draft = mapper.map(on_alibaba[0])
    assert tea_draft.payload["subject"] == (
        "Vietnamese West Lake Lotus Tea, hand-scented, OCOP 4-star gift box"
    )
    assert tea_draft.payload["wholesale_trade"]["unit_type"] == "Box/Boxes"
    assert tea_draft.payload["wholesale_trade"]["package_size"] == "20*12*8"
    assert tea_draft.payload["wholesale_trade"]["weight"] == "0.320"
    skus = tea_draft.payload["product_sku"]["special_skus"]
    assert skus[0] == {
        "sku_code": "TSTH-100",
        "attributes": [{"attribute_name": "Weight", "value_name": "100g"}],
        "price": "14.50",
    }
    vase = mapper.map(on_alibaba[2]).payload["product_sku"]["special_skus"]
    assert vase[1]["attributes"] == [
        {"attribute_name": "Size", "value_name": "S (20 cm)"},
        {"attribute_name": "Color", "value_name": "Crackle glaze"},
    ]


def test_the_description_tells_the_b2b_terms_origin_and_ocop(mapper: Mapper) -> None:
    description = mapper.map(tea()).payload["description"]
    assert "<p>Thai Nguyen green tea scented with West Lake lotus.</p>" in description
    for shown in (
        "Minimum order</th><td>50 Box/Boxes",
        "Price from 200 Box/Boxes</th><td>US$ 12.80",
        "Lead time</th><td>21 days",
        "Supply ability</th><td>1,500 Box/Boxes per month",
        "Weight</th><td>0.320 kg",
        "Package size</th><td>20 × 12 × 8 cm",
        "Origin</th><td>Phường Quảng An, Hà Nội, Vietnam",
        "OCOP 4-star",
        "certificate 1234/QĐ-UBND",
    ):
        assert shown in description
    attributes = mapper.map(tea()).payload["attributes"]
    assert {"attribute_name": "Shelf Life", "value_name": "12 months"} in attributes
    assert {"attribute_name": "Place of Origin", "value_name": "Vietnam"} in attributes


def test_a_product_without_english_is_a_problem_never_translated(mapper: Mapper) -> None:
    product = tea(
        name=LocalizedText(vi="Trà sen Tây Hồ ướp bông"),
        description=LocalizedText(vi="Chè Thái Nguyên ướp sen."),
    )
    draft = mapper.map(product)
    assert {"name.en", "description.en"} <= fields(draft.problems)
    assert draft.payload["subject"] == ""
    assert "Trà" not in draft.payload["description"]
    assert all(p.sku == "TSTH" for p in draft.problems)


def test_a_product_without_usd_tiers_is_a_problem_never_converted(mapper: Mapper) -> None:
    draft = mapper.map(tea(b2b=None))
    assert "b2b" in fields(draft.problems)
    assert all(offer.price is None for offer in draft.offers)
    assert "bulk_discount_prices" not in draft.payload


@pytest.mark.parametrize(
    ("ladder", "moq", "said"),
    [
        (tiers((10, "5.00"), (20, "4.00"), (30, "3.00"), (40, "2.00"), (50, "1.00")), 10, "4"),
        (tiers((10, "5.00"), (20, "5.50")), 10, "must not rise"),
        (tiers((10, "5.00"), (10, "4.00")), 10, "rise from one tier"),
        (tiers((10, "5.00"), (5, "4.00")), 10, "rise from one tier"),
        (tiers((10, "5.00"), (20, "4.00")), 20, "only the first tier"),
        (tiers((10, "10000000.00")), 10, "9,999,999.00"),
        (tiers((100_000, "5.00")), 100_000, "99,999"),
    ],
)
def test_a_ladder_alibaba_refuses_is_a_mapping_problem(
    ladder: tuple[PriceTier, ...], moq: int, said: str
) -> None:
    problems = ladder_problems(ladder, moq)
    assert problems and any(said in message for _field, message in problems), problems


def test_a_good_ladder_has_no_problem() -> None:
    assert ladder_problems(LADDER, 50) == []
    assert ladder_problems(tiers((10, "5.00"), (20, "5.00")), 10) == []  # equal is not rising


def test_a_refused_ladder_stops_the_product(mapper: Mapper) -> None:
    rising = B2BTerms.model_construct(
        min_order_quantity=50,
        unit="box",
        price_tiers=tiers((50, "10.00"), (100, "12.00")),
        lead_time_days=21,
        supply_per_month=0,
    )
    draft = mapper.map(tea().model_copy(update={"b2b": rising}))
    assert "b2b.price_tiers" in fields(draft.problems)


def test_every_problem_at_once(mapper: Mapper) -> None:
    b2b = B2BTerms(
        min_order_quantity=5, unit="barrel", price_tiers=tiers((5, "3.00")), lead_time_days=0
    )
    product = tea(
        category="no-such-category",
        name=LocalizedText(vi="Trà", en="x" * 129),
        b2b=b2b,
        dimensions=None,
        images=(),
        variants=(Variant(sku="T-1", options={"Hương vị": "Sen"}),),
    )
    found = fields(mapper.map(product).problems)
    assert found >= {
        "category",
        "name.en",
        "b2b.unit",
        "b2b.lead_time_days",
        "dimensions",
        "images",
        "options",
    }


def test_english_words_come_from_the_mapping_never_guessed(mapper: Mapper) -> None:
    product = tea(
        variants=(
            Variant(sku="T-1", options={"Khối lượng": "Một cân"}),
            Variant(sku="T-2", options={"Khối lượng": "250g"}),
        ),
        attributes={"Hạn sử dụng": "18 tháng"},
    )
    problems = mapper.map(product).problems
    messages = " ".join(p.message for p in problems)
    assert "Một cân" in messages and "18 tháng" in messages
    assert "Shelf Life" in messages  # the category needs it and it has no English value


def test_keywords_are_at_most_three_without_separators() -> None:
    mapping = load_mapping().model_copy(
        update={"categories": {"tea": CategoryMap(id=100002221, keywords=["a", "b", "c", "d;e"])}}
    )
    problems = Mapper(mapping).map(tea()).problems
    assert sum(p.field == "keywords" for p in problems) == 2


def test_an_inquiry_listing_carries_the_fob_range_and_supply(mapper: Mapper) -> None:
    draft = Mapper(load_mapping(), product_type="sourcing").map(tea())
    assert draft.ok, draft.problems
    trade = draft.payload["sourcing_trade"]
    assert (trade["fob_min_price"], trade["fob_max_price"]) == ("11.20", "14.50")
    assert (trade["supply_quantity"], trade["supply_period_type"]) == (1500, "month")
    assert "wholesale_trade" not in draft.payload


def test_a_channel_title_and_attributes_win(mapper: Mapper) -> None:
    override = ChannelOverride(
        title="Lotus Tea 100g Export Box", attributes={"Shelf Life": "24 months"}
    )
    product = tea(channels={"alibaba": override})
    payload = mapper.map(product).payload
    assert payload["subject"] == "Lotus Tea 100g Export Box"
    assert {"attribute_name": "Shelf Life", "value_name": "24 months"} in payload["attributes"]


def test_a_broken_mapping_file_is_a_config_error(tmp_path: Path) -> None:
    broken = tmp_path / "alibaba.yaml"
    broken.write_text("categories:\n  tea: {name: no id}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"categories\.tea\.id"):
        load_mapping(broken)
    with pytest.raises(ConfigError, match="cannot read"):
        load_mapping(tmp_path / "missing.yaml")
    assert isinstance(load_mapping(), AlibabaMapping)


def test_the_examples_in_config_load() -> None:
    """config/alibaba/categories.yaml is the shipped mapping; the example [channels.alibaba]
    section of config/listsync.example.toml is valid settings once uncommented."""
    import re
    import tomllib

    from listsync_alibaba.settings import AlibabaSettings

    root = Path(__file__).parents[3] / "config"
    assert load_mapping(root / "alibaba" / "categories.yaml") == load_mapping()
    text = (root / "listsync.example.toml").read_text(encoding="utf-8")
    section = text[text.index("# [channels.alibaba]") :]
    values = tomllib.loads(re.sub(r"^# (# )?", "", section, flags=re.M))["channels"]["alibaba"]
    settings = AlibabaSettings(**values)
    assert settings.base_url.endswith("/rest") and settings.product_type == "wholesale"
