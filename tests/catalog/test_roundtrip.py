"""Any catalog saved as YAML, CSV or XLSX loads back equal (hypothesis-generated catalogs)."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from listsync.catalog.columns import FIXED_COLUMNS
from listsync.catalog.files import load_catalog, save_catalog
from listsync.catalog.model import (
    B2BTerms,
    Catalog,
    ChannelOverride,
    Dimensions,
    LocalizedText,
    OcopRating,
    Origin,
    PriceRule,
    PriceTier,
    Product,
    Variant,
    sku_key,
)
from tests.catalog.support import ROOT, catalog_photos, make_photos

_TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
_VOWELS = "aăâeêioôơuưy"
VIETNAMESE = "".join(
    sorted(
        {unicodedata.normalize("NFC", vowel + tone) for vowel in _VOWELS for tone in _TONES}
        | set("bcdđghklmnpqrstvx")
    )
)
ALPHABET = VIETNAMESE + VIETNAMESE.upper() + "0123456789 ,.-–()/%&'\"#:;=+!?°×"
SKU_ALPHABET = "ABCDEFGHKLMNPQRSTUVXYZ0123456789-_./"
CHANNELS = ("shopee", "lazada", "tiki", "alibaba", "tiktok-shop")

words = st.text(ALPHABET, min_size=1, max_size=24).filter(lambda text: text.strip() != "")
paragraphs = st.lists(words, min_size=1, max_size=3).map("\n".join)
optional_words = st.one_of(st.just(""), words)
names = st.text(
    VIETNAMESE + VIETNAMESE.upper() + " 0123456789()/-.#", min_size=1, max_size=12
).filter(lambda text: text.strip() != "")
"""Attribute and option names: these become column names in a spreadsheet."""
skus = st.text(SKU_ALPHABET, min_size=1, max_size=12)
image_paths = st.lists(
    st.text("abcdefghik-0123456789", min_size=1, max_size=10).map(lambda n: f"images/{n}.jpg"),
    max_size=3,
).map(tuple)
positive = st.integers(min_value=1, max_value=100_000)
prices = st.integers(min_value=1, max_value=2_000_000_000)
usd = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2)
markups = st.decimals(min_value=Decimal(-90), max_value=Decimal(1000), places=2)
attributes = st.dictionaries(names, words, max_size=2)


ocop_dates = st.one_of(
    st.tuples(st.none(), st.none()),
    st.tuples(st.dates(date(2015, 1, 1), date(2030, 1, 1)), st.none()),
    st.tuples(st.none(), st.dates(date(2015, 1, 1), date(2040, 1, 1))),
    st.tuples(st.dates(date(2015, 1, 1), date(2030, 1, 1)), st.integers(1, 4000)).map(
        lambda pair: (pair[0], pair[0] + timedelta(days=pair[1]))
    ),
)
ocop_ratings = st.builds(
    lambda stars, certificate, dates: OcopRating(
        stars=stars, certificate=certificate, issued=dates[0], expires=dates[1]
    ),
    st.integers(3, 5),
    optional_words,
    ocop_dates,
)
tier_quantities = st.sets(st.integers(1, 100_000), min_size=1, max_size=4).map(sorted)
b2b_terms = st.builds(
    lambda quantities, prices_usd, extra, unit, lead, supply: B2BTerms(
        min_order_quantity=quantities[0] + extra,
        unit=unit,
        price_tiers=tuple(
            PriceTier(min_quantity=q, usd=p) for q, p in zip(quantities, prices_usd, strict=False)
        ),
        lead_time_days=lead,
        supply_per_month=supply,
    ),
    tier_quantities,
    st.lists(usd, min_size=4, max_size=4),
    st.integers(0, 1000),
    words,
    st.integers(0, 365),
    st.integers(0, 10**7),
)
price_rules = st.one_of(
    st.just(PriceRule()),
    st.builds(PriceRule, markup_percent=markups),
    st.builds(PriceRule, fixed_vnd=prices),
)
overrides = st.builds(
    ChannelOverride,
    enabled=st.booleans(),
    title=st.one_of(st.none(), words),
    category_id=st.one_of(st.none(), st.text("0123456789", min_size=1, max_size=8)),
    attributes=attributes,
    price_rule=price_rules,
)
option_names = st.lists(names, max_size=2, unique_by=lambda name: name.strip().casefold())
option_values = {
    count: st.lists(
        st.tuples(*([words] * count)),
        max_size=3,
        unique_by=lambda values: tuple(value.strip().casefold() for value in values),
    )
    for count in (1, 2)
}
variant_extras = st.lists(
    st.tuples(st.one_of(st.none(), prices), image_paths), min_size=3, max_size=3
)


@st.composite
def _variant_specs(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Variants without their SKUs: the same option names, distinct option values."""
    names_drawn = draw(option_names)
    if not names_drawn:
        return []
    combinations = draw(option_values[len(names_drawn)])
    extras = draw(variant_extras)
    return [
        {
            "options": dict(zip(names_drawn, values, strict=True)),
            "price_vnd": price,
            "images": images,
        }
        for values, (price, images) in zip(combinations, extras, strict=False)
    ]


variant_specs = _variant_specs()
origins = st.one_of(
    st.none(),
    st.builds(Origin, commune=words, province=optional_words),
    st.builds(Origin, commune=st.just(""), province=words),
)
product_names = st.one_of(
    st.builds(LocalizedText, vi=words, en=optional_words),
    st.builds(LocalizedText, vi=st.just(""), en=words),
)
descriptions = st.builds(
    LocalizedText, vi=st.one_of(st.just(""), paragraphs), en=st.one_of(st.just(""), paragraphs)
)
dimensions = st.one_of(
    st.none(), st.builds(Dimensions, length_cm=positive, width_cm=positive, height_cm=positive)
)
product_fields = st.fixed_dictionaries(
    {
        "name": product_names,
        "description": descriptions,
        "brand": optional_words,
        "category": st.sampled_from(["tea", "noodles", "ceramics", "mats", "food"]),
        "images": image_paths,
        "weight_g": positive,
        "dimensions": dimensions,
        "attributes": attributes,
        "origin": origins,
        "ocop": st.one_of(st.none(), ocop_ratings),
        "price_vnd": prices,
        "safety_stock": st.integers(0, 1000),
        "variants": variant_specs,
        "b2b": st.one_of(st.none(), b2b_terms),
        "channels": st.dictionaries(st.sampled_from(CHANNELS), overrides, max_size=2),
    }
)
MAX_PRODUCTS = 3
sku_pools = st.lists(skus, min_size=MAX_PRODUCTS * 4, max_size=MAX_PRODUCTS * 4, unique_by=sku_key)


@st.composite
def _catalogs(draw: st.DrawFn) -> Catalog:
    pool = iter(draw(sku_pools))
    products = []
    for drawn in draw(st.lists(product_fields, min_size=1, max_size=MAX_PRODUCTS)):
        fields: dict[str, Any] = dict(drawn)
        specs: list[dict[str, Any]] = fields.pop("variants")
        variants = tuple(Variant(sku=next(pool), **spec) for spec in specs)
        products.append(Product(sku=next(pool), variants=variants, **fields))
    return Catalog(products=tuple(products))


catalogs = _catalogs()


def _round_trip(catalog: Catalog, path: Path) -> Catalog:
    save_catalog(catalog, path)
    make_photos(path.parent, catalog_photos(catalog))
    return load_catalog(path)


_SETTINGS: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}


@pytest.mark.parametrize(("suffix", "examples"), [(".yaml", 60), (".csv", 80), (".xlsx", 20)])
def test_round_trip(tmp_path: Path, suffix: str, examples: int) -> None:
    @settings(max_examples=examples, **_SETTINGS)
    @given(catalogs)
    def check(catalog: Catalog) -> None:
        loaded = _round_trip(catalog, tmp_path / f"catalog{suffix}")
        assert loaded.products == catalog.products

    check()


@settings(max_examples=10, **_SETTINGS)
@given(catalogs)
def test_round_trip_keeps_the_content_hash(
    tmp_path_factory: pytest.TempPathFactory, catalog: Catalog
) -> None:
    folder = tmp_path_factory.mktemp("hash")
    for suffix in (".yaml", ".csv", ".xlsx"):
        loaded = _round_trip(catalog, folder / f"catalog{suffix}")
        assert [p.content_hash() for p in loaded.products] == [
            p.content_hash() for p in catalog.products
        ]


def test_every_column_is_documented() -> None:
    guide = (ROOT / "README.md").read_text(encoding="utf-8")
    for column in FIXED_COLUMNS:
        assert f"`{column.name}`" in guide, column.name
    for pattern in (
        "attr.<Name>",
        "<channel>.enabled",
        "<channel>.title",
        "<channel>.category_id",
        "<channel>.markup_percent",
        "<channel>.fixed_price_vnd",
        "<channel>.attr.<Name>",
    ):
        assert f"`{pattern}`" in guide, pattern
