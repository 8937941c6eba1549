"""The Alibaba.com channel over real HTTP against its sandbox, driven by the sync engine as
a run drives it: review, lost creates, lookups by seller SKU, photos, errors, envelopes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from listsync_alibaba.channel import AlibabaChannel
from listsync_alibaba.images import UPLOAD
from listsync_alibaba.listings import ADD, GET, LIST, UPDATE
from listsync_alibaba.sandbox.app import AlibabaSandbox

from listsync.catalog.model import LocalizedText
from listsync.channel.contract import ListingState
from listsync.channel.tokens import MemoryTokenStore
from listsync.clock import SystemClock
from listsync.errors import RejectedError, SetupError
from listsync.report.summary import render_summary
from listsync.sandbox.harness import SandboxServer
from tests.adapters.alibaba.client_support import (
    Recorder,
    Shop,
    before,
    channel_for,
    configure,
    connect,
    control,
    state,
    stock,
    tea,
    units,
)


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(AlibabaSandbox()) as server:
        yield server


@pytest.fixture
def shop(server: SandboxServer, tmp_path: Path) -> Iterator[Shop]:
    shop = Shop(server, tmp_path)
    yield shop
    shop.ledger.close()


@pytest.fixture
def channel(server: SandboxServer, tmp_path: Path) -> Iterator[AlibabaChannel]:
    channel = connect(server, tmp_path)
    yield channel
    channel.close()


def products(server: SandboxServer) -> set[str]:
    return {unit["remote_id"] for unit in state(server)["listings"]}


def recorded(shop: Shop) -> Recorder:
    """A recorder on every channel the shop's engine opens from now on."""
    recorder: Recorder | None = None
    original = shop.channel

    def channel(on_call: object = None) -> AlibabaChannel:
        nonlocal recorder
        made = original(on_call)
        inner = Recorder(made)
        if recorder is None:
            recorder = inner
        else:
            inner.calls = recorder.calls
        return made

    shop.engine.open_channel = lambda _name, on_call: channel(on_call)
    shop.channel = channel  # type: ignore[method-assign]
    probe = original()
    recorder = Recorder(probe)
    probe.close()
    return recorder


# -- review, sync after sync -----------------------------------------------------------------
def test_a_new_listing_waits_in_review_then_goes_live(shop: Shop, server: SandboxServer) -> None:
    configure(server, review_seconds=3600)
    shop.catalog(tea(), tea("SEN", sizes=1), stock=12)
    calls = recorded(shop)
    first = shop.push()
    assert first.outcomes["alibaba"].tally.counts["listings_in_review"] == 2
    assert {shop.listing(s).state for s in ("TSTH", "SEN")} == {ListingState.IN_REVIEW}
    assert stock(server) == {"TSTH-100": 0, "TSTH-200": 0, "SEN-100": 0}  # nothing on sale yet

    calls.calls.clear()
    second = shop.push()  # still in review: one read of the product list answers both
    assert second.outcomes["alibaba"].tally.counts["listings_in_review"] == 2
    assert [api for api, _p in calls.calls] == [LIST]

    control(server, "POST", "/_sandbox/clock", {"advance_seconds": 3700})
    calls.calls.clear()
    third = shop.push()
    assert third.outcomes["alibaba"].tally.counts["listings_in_review"] == 0
    assert {shop.listing(s).state for s in ("TSTH", "SEN")} == {ListingState.LIVE}
    assert len([api for api, _p in calls.calls if api == LIST]) == 1
    assert stock(server) == {"TSTH-100": 12, "TSTH-200": 12, "SEN-100": 12}
    assert shop.offered() == stock(server)
    record = shop.listing("TSTH")
    on_alibaba = units(server)
    assert record.units == {s: on_alibaba[s]["unit_id"] for s in ("TSTH-100", "TSTH-200")}
    assert len(calls.of(ADD)) == 0 and len(products(server)) == 2


def test_a_rejection_shows_alibabas_reasons_until_the_catalog_changes(
    shop: Shop, server: SandboxServer
) -> None:
    configure(server, auto_approve=False)
    shop.catalog(tea(sizes=1))
    calls = recorded(shop)
    shop.push()
    record = shop.listing("TSTH")
    assert record.state is ListingState.IN_REVIEW
    reasons = ["Main image has a watermark", "OCOP certificate not readable"]
    control(server, "POST", f"/_sandbox/products/{record.remote_id}/reject", {"reasons": reasons})
    rejected = shop.push()
    record = shop.listing("TSTH")
    assert record.state is ListingState.REJECTED
    assert "needs editing" in record.reasons[0] and list(record.reasons[1:]) == reasons
    summary = render_summary(rejected)
    assert "Main image has a watermark" in summary and "needs editing" in summary
    again = shop.push()  # nothing changed in the catalog: nothing is sent again
    assert "OCOP certificate not readable" in render_summary(again)
    assert not calls.of(UPDATE) and len(calls.of(ADD)) == 1

    changed = tea(sizes=1, description=LocalizedText(en="Lotus tea, new photos, clear OCOP."))
    shop.catalog(changed)
    shop.push()  # the content changed: sent again, reviewed again, the same product
    assert len(calls.of(UPDATE)) == 1 and len(calls.of(ADD)) == 1
    record = shop.listing("TSTH")
    assert record.state is ListingState.IN_REVIEW
    control(server, "POST", f"/_sandbox/products/{record.remote_id}/approve")
    shop.push()
    assert shop.listing("TSTH").state is ListingState.LIVE
    assert stock(server) == {"TSTH-100": 12} and products(server) == {record.remote_id}


def test_a_lost_create_is_found_by_scanning_never_sent_twice(
    shop: Shop, server: SandboxServer
) -> None:
    """The create's answer is lost; the next run finds the product by paging the product
    list and reading the products' SKUs, and adopts it."""
    configure(server, rate_per_second=None)
    shop.catalog(tea(sizes=1))
    calls = recorded(shop)
    original = shop.channel

    def losing(on_call: object = None) -> AlibabaChannel:
        made = original(on_call)
        before(made, ADD, lambda: server.add_fault(action="drop_after", path="/sync", nth=1))
        return made

    shop.engine.open_channel = lambda _name, on_call: losing(on_call)
    first = shop.push()
    server.clear_faults()
    assert shop.listing("TSTH").state is ListingState.UNKNOWN
    assert first.outcomes["alibaba"].tally.counts["listings_unknown"] == 1
    (lost,) = products(server)

    shop.engine.open_channel = lambda _name, on_call: original(on_call)
    shop.push()
    record = shop.listing("TSTH")
    assert record.state is ListingState.LIVE and record.remote_id == lost
    assert products(server) == {lost}
    assert len(calls.of(ADD)) == 1
    assert not calls.of(UPDATE)  # it shows the catalog's content: not sent to review again
    assert stock(server) == {"TSTH-100": 12}


def test_a_create_refused_as_a_taken_sku_adopts_the_product_holding_it(
    channel: AlibabaChannel, server: SandboxServer, tmp_path: Path
) -> None:
    configure(server, duplicate_sku_code="refuse")
    first = channel.create_listing(channel.map_product(tea()))
    later = channel_for(server, tmp_path, tokens=channel.context.tokens)  # another run
    calls = Recorder(later)
    again = later.create_listing(later.map_product(tea()))
    assert again.remote_id == first.remote_id and again.units == first.units
    assert products(server) == {first.remote_id} and len(calls.of(ADD)) == 1


def test_find_pages_through_the_list_and_reads_the_products(
    channel: AlibabaChannel, server: SandboxServer, tmp_path: Path
) -> None:
    configure(server, rate_per_second=None)
    wanted = channel.create_listing(channel.map_product(tea("OLD", sizes=1)))
    for n in range(31):  # 31 newer products: ours is on the second page
        other = tea(f"P{n:02d}", sizes=1, name=LocalizedText(en=f"Green tea lot {n}"))
        channel.create_listing(channel.map_product(other))
    channel = channel_for(server, tmp_path, tokens=channel.context.tokens)  # the next run
    calls = Recorder(channel)
    found = channel.listings.find("OLD", ["OLD-100"])  # no subject known: the slow scan
    assert found is not None and found.remote_id == wanted.remote_id
    assert found.units == wanted.units and found.state is ListingState.LIVE
    pages = [p["current_page"] for p in calls.of(LIST)]
    assert pages == [1, 2] and all(p["page_size"] == 30 for p in calls.of(LIST))
    assert len(calls.of(GET)) >= 31  # each product's SKUs read once

    channel.map_product(tea("OLD", sizes=1))  # as the engine does before any lookup
    quick = Recorder(channel)
    assert channel.find_listing("OLD", ["OLD-100"]) is not None  # its subject filters the list
    assert len(quick.of(LIST)) == 1 and quick.of(LIST)[0]["subject"]
    assert channel.find_listing("NOPE", ["NOPE-1"]) is None


def test_photos_are_uploaded_once_per_content(
    channel: AlibabaChannel, server: SandboxServer, tmp_path: Path
) -> None:
    calls = Recorder(channel)
    channel.create_listing(channel.map_product(tea("A", sizes=1)))
    channel.create_listing(channel.map_product(tea("B", sizes=1)))  # the same photo
    assert len(calls.of(UPLOAD)) == 1
    again = connect(server, tmp_path)  # another run, the same workspace: the cache file
    later = Recorder(again)
    again.create_listing(again.map_product(tea("C", sizes=1)))
    assert not later.of(UPLOAD)
    assert (tmp_path / ".listsync-cache" / "alibaba-images.json").exists()
    again.close()


def test_a_photo_alibaba_does_not_take_is_refused_before_any_upload(
    channel: AlibabaChannel, tmp_path: Path
) -> None:
    gif = tmp_path / "tea.gif"
    gif.write_bytes(b"GIF89a" + bytes(40))
    calls = Recorder(channel)
    with pytest.raises(RejectedError, match="JPEG or PNG"):
        channel.create_listing(channel.map_product(tea(sizes=1, images=(str(gif),))))
    assert not calls.calls


def test_a_refused_listing_says_what_alibaba_said(
    channel: AlibabaChannel, server: SandboxServer
) -> None:
    product = tea(sizes=1).model_copy(update={"category": "tea"})
    draft = channel.map_product(product)
    payload = dict(draft.payload)
    payload["category_id"] = 201  # not a leaf
    with pytest.raises(RejectedError, match="not a leaf"):
        channel.create_listing(draft.__class__(**{**draft.__dict__, "payload": payload}))
    assert products(server) == set()


def test_a_product_with_mapping_problems_is_never_sent(channel: AlibabaChannel) -> None:
    draft = channel.map_product(tea(name=LocalizedText(vi="Trà sen")))
    calls = Recorder(channel)
    with pytest.raises(RejectedError, match="English"):
        channel.create_listing(draft)
    assert not calls.calls


@pytest.mark.parametrize("envelope", ["flat", "wrapped"])
@pytest.mark.parametrize("error_status", [200, 400])
def test_every_reply_shape_is_read(
    server: SandboxServer, tmp_path: Path, envelope: str, error_status: int
) -> None:
    configure(server, sync_envelope=envelope, error_status=error_status)
    channel = connect(server, tmp_path)
    listing = channel.create_listing(channel.map_product(tea()))
    assert listing.state is ListingState.LIVE
    from listsync.channel.contract import Offer, OfferUpdate

    updates = [OfferUpdate(listing, Offer(sku=s, stock=9), set_price=False) for s in listing.units]
    assert all(r.ok for r in channel.set_offers(updates))
    assert channel.read_offers([listing]) == {"TSTH-100": 9, "TSTH-200": 9}
    assert channel.find_listing("TSTH", ["TSTH-100"]) is not None
    bad = channel.map_product(tea("X", sizes=1))
    payload = {**bad.payload, "category_id": 999}
    with pytest.raises(RejectedError, match="no category 999"):
        channel.create_listing(bad.__class__(**{**bad.__dict__, "payload": payload}))
    channel.close()


def test_the_call_limit_is_honoured_as_rate_limiting(server: SandboxServer, tmp_path: Path) -> None:
    """A burst beyond the gateway's rate is turned away with ApiCallLimit and "this ban will
    last 1 seconds"; the client waits that long and goes on (on a real clock)."""
    configure(server, rate_per_second=3, ban_seconds=1)
    channel = connect(server, tmp_path, clock=SystemClock(), rate_per_second=50)
    for n in range(6):
        assert channel.find_listing(f"NONE-{n}", [f"NONE-{n}"]) is None
    assert state(server)["throttled"] >= 1
    channel.close()


def test_a_clock_far_off_is_a_setup_error(server: SandboxServer, tmp_path: Path) -> None:
    channel = connect(server, tmp_path)
    channel.client.wall_clock = lambda: datetime.now(UTC).timestamp() - 3600
    with pytest.raises(SetupError, match="clock"):
        channel.find_listing("TSTH")


def test_the_limits_say_english_usd_and_deltas(server: SandboxServer, tmp_path: Path) -> None:
    channel = connect(server, tmp_path, tokens=MemoryTokenStore())
    limits = channel.limits
    assert (limits.language, limits.currency) == ("en", "USD")
    assert limits.stock_is_delta and not limits.stock_includes_reserved
    channel.close()


@pytest.mark.parametrize("word", ["approved", "onSelling"])
def test_either_word_for_an_approved_listing_is_live(
    server: SandboxServer, tmp_path: Path, word: str
) -> None:
    configure(server, approved_status=word, auto_approve=False)
    channel = connect(server, tmp_path)
    listing = channel.create_listing(channel.map_product(tea(sizes=1)))
    assert listing.state is ListingState.IN_REVIEW
    control(server, "POST", f"/_sandbox/products/{listing.remote_id}/approve")
    fresh = channel_for(server, tmp_path, tokens=channel.context.tokens)  # the next run
    live = fresh.review_state(listing)
    assert live.state is ListingState.LIVE and live.units == listing.units
    channel.close()
