"""The Shopee channel over real HTTP against its sandbox: listings, photos, offers, errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from listsync_shopee.sandbox.app import ShopeeSandbox

from listsync.channel.contract import ListingState, Money, Offer, OfferUpdate, RemoteListing
from listsync.clock import SystemClock
from listsync.errors import RateLimited, RejectedError, TransientError, UnknownOutcome
from listsync.sandbox.harness import SandboxServer
from tests.adapters.shopee.support import SAMPLE_PNG, Rig, bowl, fresh, rig, tea, tea_with_variants

ADD = "/api/v2/product/add_item"
UPLOAD = "/api/v2/media_space/upload_image"


@pytest.fixture(scope="module")
def module_server() -> Iterator[SandboxServer]:
    with SandboxServer(ShopeeSandbox()) as server:
        yield server


@pytest.fixture
def shop(module_server: SandboxServer, tmp_path: Path) -> Iterator[Rig]:
    fresh(module_server)
    with rig(module_server, tmp_path) as found:
        yield found


def publish(shop: Rig, product: object, stock: int = 10) -> RemoteListing:
    draft = shop.channel.map_product(product)  # type: ignore[arg-type]
    assert draft.ok, draft.problems
    listing = shop.channel.create_listing(draft)
    offers = [OfferUpdate(listing, Offer(o.sku, stock, o.price)) for o in draft.offers]
    assert all(r.ok for r in shop.channel.set_offers(offers))
    return listing


# -- listings -------------------------------------------------------------------------


def test_create_with_variants(shop: Rig) -> None:
    listing = publish(shop, tea_with_variants(count=3))
    assert listing.state is ListingState.LIVE
    assert set(listing.units) == {"LT-1", "LT-2", "LT-3"}
    units = shop.units()
    assert {sku: u["price"] for sku, u in units.items()} == {
        "LT-1": 51_000,
        "LT-2": 52_000,
        "LT-3": 53_000,
    }
    assert all(u["stock"] == 10 and u["product_sku"] == "LT" for u in units.values())


def test_find_matches_the_sku_exactly(shop: Rig) -> None:
    publish(shop, tea("LT-250"))
    longer = publish(shop, tea("LT-2500"))
    assert shop.channel.find_listing("lt-2500") is not None
    assert shop.channel.find_listing("LT-2500").remote_id == longer.remote_id  # type: ignore[union-attr]
    assert shop.channel.find_listing("LT-25") is None


def test_lost_create_under_a_lagging_search_index(shop: Rig) -> None:
    """docs/reliability.md #2: the SKU is invisible for 10 minutes; nothing is created twice."""
    shop.app.configure(search_lag_seconds=600)
    draft = shop.channel.map_product(tea())
    shop.server.add_fault(action="drop_after", method="POST", path=ADD, nth=1)
    with pytest.raises(UnknownOutcome, match="checked before resending"):
        shop.channel.create_listing(draft)
    assert shop.channel.find_listing("LT-250") is None  # the index lags: do not re-create
    shop.app.clock.advance(601)
    found = shop.channel.find_listing("LT-250")
    assert found is not None and found.units == {"LT-250": "0"}
    assert len(shop.app.state()["listings"]) == 1
    assert len(shop.server.calls("POST", ADD)) == 1


def test_lost_create_with_variants_is_completed_by_update(shop: Rig) -> None:
    product = tea_with_variants()
    draft = shop.channel.map_product(product)
    shop.server.add_fault(action="drop_after", method="POST", path=ADD, nth=1)
    with pytest.raises(UnknownOutcome):
        shop.channel.create_listing(draft)
    found = shop.channel.find_listing("LT")
    assert found is not None and found.units == {"LT": "0"}  # adopted, variants still missing
    updated = shop.channel.update_listing(found, draft)
    assert set(updated.units) == {"LT-1", "LT-2"} and updated.remote_id == found.remote_id
    assert sorted(shop.units()) == ["LT-1", "LT-2"]
    assert len(shop.server.calls("POST", ADD)) == 1


def test_refused_variants_after_create_are_unknown_not_failed(shop: Rig) -> None:
    body = {"error": "error_param", "message": "Wrong parameters, detail: busy.", "request_id": "x"}
    shop.server.add_fault(
        action="status", path="/api/v2/product/init_tier_variation", status=200, body=body
    )
    with pytest.raises(UnknownOutcome, match="created on Shopee as item"):
        shop.channel.create_listing(shop.channel.map_product(tea_with_variants()))
    found = shop.channel.find_listing("LT")
    assert found is not None
    assert set(
        shop.channel.update_listing(found, shop.channel.map_product(tea_with_variants())).units
    ) == {
        "LT-1",
        "LT-2",
    }


def test_update_changes_content_and_keeps_one_listing(shop: Rig) -> None:
    listing = publish(shop, tea())
    changed = tea(weight_g=300, attributes={"Hạn sử dụng": "24 tháng"})
    updated = shop.channel.update_listing(listing, shop.channel.map_product(changed))
    assert updated.remote_id == listing.remote_id and updated.units == {"LT-250": "0"}
    item = shop.app.products.items[int(listing.remote_id)]
    assert item.fields["weight"] == "0.3"
    assert item.fields["attribute_list"][0]["attribute_value_list"][0]["value_id"] == 4


def test_update_refuses_a_changed_variant_set(shop: Rig) -> None:
    listing = publish(shop, tea_with_variants(count=2))
    with pytest.raises(RejectedError, match="not supported yet"):
        shop.channel.update_listing(listing, shop.channel.map_product(tea_with_variants(count=3)))


def test_review_state(shop: Rig) -> None:
    listing = publish(shop, tea())
    assert shop.channel.review_state(listing).state is ListingState.LIVE
    shop.app.products.items[int(listing.remote_id)].fields["item_status"] = "BANNED"
    banned = shop.channel.review_state(listing)
    assert banned.state is ListingState.REJECTED and banned.reasons
    gone = RemoteListing("LT-250", "123", ListingState.LIVE)
    assert shop.channel.review_state(gone).state is ListingState.REJECTED


def test_a_draft_with_problems_is_never_sent(shop: Rig) -> None:
    draft = shop.channel.map_product(tea(attributes={}))
    with pytest.raises(RejectedError, match="requires attribute 'Hạn sử dụng'"):
        shop.channel.create_listing(draft)
    assert shop.server.calls("POST", ADD) == []


def test_live_limits_are_checked_before_sending(shop: Rig) -> None:
    from listsync_shopee.sandbox import catalog as sandbox_catalog

    tea_category = sandbox_catalog.CATEGORIES[100010]
    tight = sandbox_catalog.Limits(name=(10, 15))
    sandbox_catalog.CATEGORIES[100010] = type(tea_category)(
        **{**tea_category.__dict__, "limits": tight}
    )
    try:
        with pytest.raises(RejectedError, match="Shopee allows 10 to 15"):
            shop.channel.create_listing(shop.channel.map_product(tea()))
    finally:
        sandbox_catalog.CATEGORIES[100010] = tea_category
    assert shop.server.calls("POST", ADD) == []


@pytest.mark.parametrize("status", [200, 400])
def test_shopee_refusal_reads_as_a_sentence(shop: Rig, status: int) -> None:
    """Errors with HTTP 200 and with 4xx are read the same way."""
    shop.app.configure(error_http_status=status)
    draft = shop.channel.map_product(tea())
    item = dict(draft.payload["item"])
    item["attribute_list"] = []
    sneaky = type(draft)(
        draft.product_sku, {**draft.payload, "item": item}, draft.offers, draft.images
    )
    with pytest.raises(RejectedError) as caught:
        shop.channel.create_listing(sneaky)
    assert str(caught.value) == (
        "shopee add_item: Shopee refused SKU LT-250: category 'Trà' requires attribute"
        " 'Hạn sử dụng'"
    )
    assert caught.value.sku == "LT-250"
    assert len(shop.server.calls("POST", ADD)) == 1  # a refusal is not retried


# -- photos -------------------------------------------------------------------------------


def test_an_unchanged_photo_is_uploaded_once(shop: Rig) -> None:
    publish(shop, tea("LT-1"))
    publish(shop, tea("LT-2"))
    listing = shop.channel.find_listing("LT-1")
    assert listing is not None
    shop.channel.update_listing(listing, shop.channel.map_product(tea("LT-1")))
    assert len(shop.server.calls("POST", UPLOAD)) == 1
    cache = json.loads((shop.workspace / ".listsync-cache" / "shopee-images.json").read_text())
    (space,) = cache["images"].values()
    assert len(space) == 1


def test_the_photo_cache_survives_a_new_run(shop: Rig, tmp_path: Path) -> None:
    publish(shop, tea("LT-1"))
    with rig(shop.server, tmp_path) as second_run:
        publish(second_run, tea("LT-2"))
    assert len(shop.server.calls("POST", UPLOAD)) == 1


def test_a_changed_photo_is_uploaded(shop: Rig, tmp_path: Path) -> None:
    photo = tmp_path / "tra.png"
    photo.write_bytes(SAMPLE_PNG.read_bytes())
    listing = publish(shop, tea(image=photo))
    photo.write_bytes(SAMPLE_PNG.read_bytes() + b"changed")
    shop.channel.update_listing(listing, shop.channel.map_product(tea(image=photo)))
    assert len(shop.server.calls("POST", UPLOAD)) == 2


@pytest.mark.parametrize("kind", ["webp", "too big"])
def test_a_photo_shopee_does_not_take_is_refused_before_upload(
    shop: Rig, tmp_path: Path, kind: str
) -> None:
    photo = tmp_path / "tra.webp"
    if kind == "webp":
        photo.write_bytes(b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(16))
    else:
        photo.write_bytes(SAMPLE_PNG.read_bytes() + bytes(10 * 1024 * 1024))
    draft = shop.channel.map_product(tea(image=photo))
    message = "is not a JPG or PNG file" if kind == "webp" else "is larger than Shopee's 10 MB"
    with pytest.raises(RejectedError, match=message):
        shop.channel.create_listing(draft)
    assert shop.server.calls("POST", UPLOAD) == []


def test_a_forgotten_photo_is_uploaded_again(shop: Rig) -> None:
    publish(shop, tea("LT-1"))
    shop.app.products.images.clear()  # Shopee no longer knows the remembered id
    publish(shop, tea("LT-2"))
    assert len(shop.server.calls("POST", UPLOAD)) == 2
    assert len(shop.server.calls("POST", ADD)) == 3  # one refused with "Image not exist."


def test_a_forgotten_option_photo_is_uploaded_again(shop: Rig, tmp_path: Path) -> None:
    from listsync.catalog.model import Variant

    option = tmp_path / "100g.png"
    option.write_bytes(SAMPLE_PNG.read_bytes() + b"100g")
    variants = (
        Variant(sku="A-1", options={"Khối lượng": "100g"}, images=(str(option),)),
        Variant(sku="A-2", options={"Khối lượng": "250g"}),
    )
    publish(shop, tea("A", variants=variants))
    shop.app.products.images.clear()  # e.g. the sandbox was reset; the cache was not
    second = tuple(Variant(sku=f"B{v.sku}", options=v.options, images=v.images) for v in variants)
    listing = publish(shop, tea("B", variants=second))
    assert set(listing.units) == {"BA-1", "BA-2"}
    assert len(shop.server.calls("POST", "/api/v2/product/init_tier_variation")) == 3


def test_option_photos(shop: Rig) -> None:
    from listsync.catalog.model import Variant

    variants = (
        Variant(sku="LT-1", options={"Khối lượng": "100g"}, images=(str(SAMPLE_PNG),)),
        Variant(sku="LT-2", options={"Khối lượng": "250g"}),
    )
    listing = publish(shop, tea("LT", variants=variants))
    options = shop.app.products.items[int(listing.remote_id)].tier_variation[0]["option_list"]
    assert all(option["image"]["image_id"] for option in options)
    assert len(shop.server.calls("POST", UPLOAD)) == 1


# -- offers -------------------------------------------------------------------------------


def test_offers_are_absolute_and_per_item(shop: Rig) -> None:
    first = publish(shop, tea_with_variants("A", count=3))
    second = publish(shop, bowl())
    before = len(shop.server.calls("POST", "/api/v2/product/update_stock"))
    updates = [OfferUpdate(first, Offer(f"A-{n}", 5 + n, Money.vnd(60_000))) for n in (1, 2, 3)]
    updates.append(OfferUpdate(second, Offer("BT-BOWL", 4, Money.vnd(90_000))))
    results = shop.channel.set_offers(updates)
    assert [(r.sku, r.ok) for r in results] == [
        ("A-1", True),
        ("A-2", True),
        ("A-3", True),
        ("BT-BOWL", True),
    ]
    assert len(shop.server.calls("POST", "/api/v2/product/update_stock")) == before + 2
    units = shop.units()
    assert [units[f"A-{n}"]["stock"] for n in (1, 2, 3)] == [6, 7, 8]
    assert (units["BT-BOWL"]["stock"], units["BT-BOWL"]["price"]) == (4, 90_000)


def test_partial_failure_list(shop: Rig) -> None:
    """docs/reliability.md #12: one refused model fails alone, with Shopee's reason."""
    listing = publish(shop, tea_with_variants(count=3))
    updates = [
        OfferUpdate(listing, Offer("LT-1", 3)),
        OfferUpdate(listing, Offer("LT-2", 2_000_000)),
    ]
    updates.append(OfferUpdate(listing, Offer("LT-3", 4)))
    results = {r.sku: r for r in shop.channel.set_offers(updates)}
    assert (results["LT-1"].ok, results["LT-2"].ok, results["LT-3"].ok) == (True, False, True)
    assert results["LT-2"].message == (
        "Shopee refused stock 2000000 for SKU LT-2: Wrong parameters, detail: stock should be"
        " between 0 and 1000000."
    )
    assert not results["LT-2"].unknown and results["LT-1"].message == ""
    units = shop.units()
    assert (units["LT-1"]["stock"], units["LT-2"]["stock"], units["LT-3"]["stock"]) == (3, 10, 4)
    assert len(shop.server.calls("POST", "/api/v2/product/update_stock")) == 2  # one per publish


def test_stock_is_sent_as_given_and_counts_reserved_units(shop: Rig) -> None:
    """Shopee's seller stock includes what open orders hold; the engine adds it back."""
    assert shop.channel.limits.stock_includes_reserved
    listing = publish(shop, tea_with_variants(count=2))
    shop.orders(sku="LT-2", quantity=6)
    results = shop.channel.set_offers([OfferUpdate(listing, Offer("LT-2", 9))])
    assert results[0].ok
    assert (shop.units()["LT-2"]["stock"], shop.units()["LT-2"]["reserved"]) == (9, 6)
    refused = shop.channel.set_offers([OfferUpdate(listing, Offer("LT-2", 5))])[0]
    assert not refused.ok
    assert refused.message == (
        "Shopee refused stock 5 for SKU LT-2: Stock can not be less than reserved stock 6."
    )


def test_price_outside_the_range_fails_alone(shop: Rig) -> None:
    listing = publish(shop, tea_with_variants(count=2))
    updates = [
        OfferUpdate(listing, Offer("LT-1", 1, Money.vnd(500)), set_stock=False),
        OfferUpdate(listing, Offer("LT-2", 1, Money.vnd(70_000)), set_stock=False),
    ]
    results = shop.channel.set_offers(updates)
    assert [r.ok for r in results] == [False, True]
    assert "Price should be at least 1000" in results[0].message


def test_offers_for_a_listing_known_only_by_id(shop: Rig) -> None:
    listing = publish(shop, tea_with_variants(count=2))
    bare = RemoteListing("LT", listing.remote_id, ListingState.LIVE)
    results = shop.channel.set_offers([OfferUpdate(bare, Offer("LT-2", 9))])
    assert results[0].ok and shop.units()["LT-2"]["stock"] == 9
    unknown = shop.channel.set_offers([OfferUpdate(bare, Offer("LT-9", 9))])
    assert not unknown[0].ok and "not on Shopee item" in unknown[0].message


def test_rate_limit_reply_with_http_200_is_retried(shop: Rig) -> None:
    """docs/reliability.md #5: error_rate_limit is throttling, not success or a refusal."""
    listing = publish(shop, tea())
    body = {"error": "error_rate_limit", "message": "Too many requests.", "request_id": "x"}
    shop.server.add_fault(
        action="status", path="/api/v2/product/update_stock", status=200, body=body, times=2
    )
    sleeps = len(shop.clock.sleeps)
    results = shop.channel.set_offers([OfferUpdate(listing, Offer("LT-250", 4))])
    assert results[0].ok and shop.units()["LT-250"]["stock"] == 4
    assert len(shop.clock.sleeps) - sleeps >= 2


def test_a_throttled_create_is_retried_once_turned_away(shop: Rig) -> None:
    body = {"error": "error_rate_limit", "message": "Too many requests.", "request_id": "x"}
    shop.server.add_fault(action="status", path=ADD, status=200, body=body)
    listing = shop.channel.create_listing(shop.channel.map_product(tea()))
    assert len(shop.server.calls("POST", ADD)) == 2 and 1.0 in shop.clock.sleeps
    assert [u["remote_id"] for u in shop.units().values()] == [listing.remote_id]


def test_http_429_with_retry_after_is_honoured(shop: Rig) -> None:
    """docs/reliability.md #4."""
    listing = publish(shop, tea())
    shop.server.add_fault(
        action="status",
        path="/api/v2/product/update_stock",
        status=429,
        headers={"Retry-After": "7"},
        body={"error": "error_rate_limit", "message": "slow down", "request_id": "x"},
    )
    results = shop.channel.set_offers([OfferUpdate(listing, Offer("LT-250", 4))])
    assert results[0].ok and 7 in shop.clock.sleeps


def test_the_sandbox_throttle_is_survived(shop: Rig) -> None:
    """The sandbox's own limiter (error_rate_limit in 4xx mode answers 429)."""
    shop.app.configure(rate_per_second=4, error_http_status=400)
    found = [shop.channel.find_listing(f"NONE-{n}") for n in range(3)]
    assert found == [None, None, None]


def test_paced_client_stays_under_the_default_throttle(
    module_server: SandboxServer, tmp_path: Path
) -> None:
    """docs/reliability.md #36: on a real clock, 10 calls/s against 10 calls/s is never refused."""
    app = fresh(module_server)
    app.configure(rate_per_second=10)
    with rig(module_server, tmp_path, clock=SystemClock(), rate_per_second=10) as shop:
        for n in range(16):
            assert shop.channel.find_listing(f"NONE-{n}") is None
    assert app.throttled == 0


def test_daily_quota_stops_the_channel(shop: Rig) -> None:
    """docs/reliability.md #6: no further calls once Shopee says the day's quota is used."""
    listing = publish(shop, tea_with_variants(count=2))
    shop.app.configure(daily_quota=1)
    assert shop.channel.set_offers([OfferUpdate(listing, Offer("LT-1", 2))])[0].ok  # the one call
    calls = len(shop.server.calls())
    with pytest.raises(RateLimited) as caught:
        shop.channel.set_offers([OfferUpdate(listing, Offer("LT-1", 1))])
    assert caught.value.quota_exhausted and "resets at" in str(caught.value)
    assert len(shop.server.calls()) == calls + 1


def test_server_errors_on_a_stock_set_are_retried(shop: Rig) -> None:
    """docs/reliability.md #3 / #7: absolute sets are safe to repeat."""
    listing = publish(shop, tea())
    stock = "/api/v2/product/update_stock"
    before = len(shop.server.calls("POST", stock))
    shop.server.add_fault(action="status", path=stock, status=503, times=2)
    shop.server.add_fault(action="drop_after", path=stock)
    results = shop.channel.set_offers([OfferUpdate(listing, Offer("LT-250", 12))])
    assert results[0].ok and shop.units()["LT-250"]["stock"] == 12
    assert len(shop.server.calls("POST", stock)) == before + 4


def test_malformed_reply_to_a_create_is_unknown(shop: Rig) -> None:
    shop.server.add_fault(action="malformed", path=ADD)
    with pytest.raises(UnknownOutcome):
        shop.channel.create_listing(shop.channel.map_product(tea()))
    assert shop.channel.find_listing("LT-250") is not None
    assert len(shop.app.state()["listings"]) == 1


def test_secrets_stay_out_of_call_records(shop: Rig) -> None:
    publish(shop, tea())
    shop.server.add_fault(
        action="status", path="/api/v2/product/search_item", status=400, body="<html>", times=4
    )
    with pytest.raises(TransientError) as caught:
        shop.channel.find_listing("LT-250")
    token = shop.token()
    secrets = [
        shop.app.partner_key,
        token.access_token.get_secret_value(),
        token.refresh_token.get_secret_value() if token.refresh_token else "",
    ]
    text = " ".join(f"{r.path} {r.error}" for r in shop.records) + str(caught.value)
    assert all(secret not in text for secret in secrets)
    assert "sign=%2A%2A%2A" in text or "sign=***" in text
