"""The in-memory channel keeps the contract the engine relies on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from listsync.catalog.model import LocalizedText, Product, Variant
from listsync.channel.contract import (
    Channel,
    ListingState,
    Money,
    OfferUpdate,
    Order,
    OrderLine,
    OrderState,
)
from listsync.errors import UnknownOutcome
from tests.channel.memory_channel import MemoryChannel


def product(sku: str = "GOM-01", title: str = "Bình gốm Bát Tràng") -> Product:
    return Product(
        sku=sku,
        name=LocalizedText(vi=title),
        category="ceramics",
        weight_g=900,
        price_vnd=450_000,
        variants=(
            Variant(sku=f"{sku}-S", options={"Cỡ": "S"}),
            Variant(sku=f"{sku}-L", options={"Cỡ": "L"}, price_vnd=650_000),
        ),
    )


def test_it_is_a_channel() -> None:
    assert isinstance(MemoryChannel(), Channel)


def test_mapping_lists_every_problem() -> None:
    bad = product(title="x" * 200).model_copy(update={"category": "unmapped"})
    draft = MemoryChannel().map_product(bad)
    assert sorted(p.field for p in draft.problems) == ["category", "name"]


def test_lost_create_is_found_by_sku_unless_search_lags() -> None:
    channel = MemoryChannel()
    channel.lose_next_create = channel.lag_search = True
    with pytest.raises(UnknownOutcome):
        channel.create_listing(channel.map_product(product()))
    assert channel.find_listing("GOM-01") is None
    channel.index()
    found = channel.find_listing("GOM-01")
    assert found is not None and found.state is ListingState.LIVE


def test_offers_are_batched_and_refusals_reported_per_sku() -> None:
    channel = MemoryChannel(offer_batch=1)
    draft = channel.map_product(product())
    listing = channel.create_listing(draft)
    channel.refuse_skus = {"GOM-01-L"}
    results = channel.set_offers([OfferUpdate(listing, offer) for offer in draft.offers])
    assert [(r.sku, r.ok) for r in results] == [("GOM-01-S", True), ("GOM-01-L", False)]
    assert channel.calls.count("set_offers") == 2


def test_review_then_approval() -> None:
    channel = MemoryChannel(review=True)
    listing = channel.create_listing(channel.map_product(product()))
    assert listing.state is ListingState.IN_REVIEW
    channel.approve("GOM-01", ok=False, reason="ảnh mờ")
    assert channel.review_state(listing).reasons == ("ảnh mờ",)


def test_orders_in_a_time_range() -> None:
    channel = MemoryChannel()
    now = datetime(2026, 3, 1, tzinfo=UTC)
    line = OrderLine("GOM-01-S", 2, Money.vnd(450_000))
    for day in range(5):
        when = now - timedelta(days=day)
        channel.put_order(
            Order(f"o{day}", OrderState.PAID, "paid", when, when, Money.vnd(900_000), (line,))
        )
    found = list(channel.iter_orders(now - timedelta(days=2), now))
    assert [o.order_id for o in found] == ["o2", "o1", "o0"]
