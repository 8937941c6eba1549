"""The Tiki channel over real HTTP against its sandbox, driven by the sync engine as a run
drives it: a listing's review walked across several syncs on the sandbox clock, rejections
with Tiki's reasons, replays, content updates, a lost create, price and stock in batches."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from listsync_tiki.channel import TikiChannel

from listsync.catalog.model import LocalizedText, Product
from listsync.channel.contract import (
    ListingState,
    Money,
    Offer,
    OfferUpdate,
    RemoteListing,
)
from listsync.channel.tokens import MemoryTokenStore
from listsync.clock import FakeClock
from listsync.errors import RejectedError
from listsync.ledger.database import Ledger
from listsync.ledger.records import ListingRecord
from listsync.report.summary import render_summary
from listsync.sandbox.harness import SandboxServer
from listsync.sync.engine import RunResult, SyncEngine, SyncOptions
from listsync.sync.push import PushOptions
from tests.adapters.tiki.client_support import (
    advance,
    channel_for,
    configure,
    connect,
    control,
    state,
    tea,
    units,
)

CREATE = "/integration/v2.1/requests"
INFO = "/integration/v2.1/requests/updateProductInfo"
UPDATE_SKUS = "/integration/v2.1/products/updateSkus"
REQUESTS = "/integration/v2/requests"
TRACKING = "/integration/v2/tracking/*"
SHOP = "402871"
SLOW_REVIEW = {
    "queue_seconds": 60,
    "processing_seconds": 60,
    "md_review_seconds": 60,
    "bot_review_seconds": 60,
    "review_seconds": 3600,
}


def noodles() -> Product:
    return Product(
        sku="BGMD-500",
        name=LocalizedText(vi="Bún gạo khô Minh Dương 500g"),
        description=LocalizedText(vi="Bún làm từ gạo tẻ quê, phơi nắng tự nhiên."),
        brand="Minh Dương",
        category="noodles",
        images=("https://photos.htx-sen.example.vn/bun.png",),
        weight_g=520,
        attributes={"Hạn sử dụng": "9 tháng"},
        price_vnd=45_000,
    )


class Shop:
    """A ledger and a sync engine wired to the Tiki sandbox, as a workspace has them."""

    def __init__(self, server: SandboxServer, root: Path) -> None:
        self.server = server
        self.clock = FakeClock(datetime.now(UTC))
        self.tokens = MemoryTokenStore()
        self.root = root
        connect(server, root, clock=self.clock, tokens=self.tokens).close()
        self.ledger = Ledger.open(root / "listsync.sqlite3", clock=self.clock)
        self.engine = SyncEngine(
            self.ledger,
            lambda _name, on_call: self.channel(on_call),
            SyncOptions(push=PushOptions(review_check=timedelta(0))),
            self.clock,
        )

    def channel(self, on_call: Any = None) -> TikiChannel:
        channel = channel_for(self.server, self.root, clock=self.clock, tokens=self.tokens)
        channel.client.http.on_call = on_call
        return channel

    def catalog(self, *products: Product, stock: int = 12) -> None:
        self.ledger.upsert_products(list(products))
        for product in products:
            for unit in product.units():
                if not self.ledger.on_hand().get(unit.sku):
                    self.ledger.set_stock(unit.sku, stock)

    def push(self) -> RunResult:
        result = self.engine.run(["tiki"], pull=False)
        assert result.ok, result.outcomes["tiki"].error
        return result

    def listing(self, sku: str) -> ListingRecord:
        (record,) = [r for r in self.ledger.listings("tiki") if r.sku == sku]
        return record

    def offered(self) -> dict[str, int | None]:
        return {sku: o.stock for sku, o in self.ledger.offers("tiki", SHOP).items()}


@pytest.fixture
def shop(server: SandboxServer, tmp_path: Path) -> Iterator[Shop]:
    shop = Shop(server, tmp_path)
    yield shop
    shop.ledger.close()


@pytest.fixture
def channel(server: SandboxServer, tmp_path: Path) -> Iterator[TikiChannel]:
    channel = connect(server, tmp_path, offer_batch=2)
    yield channel
    channel.close()


def requests_of(server: SandboxServer) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = state(server)["requests"]
    return found


# -- the review, sync after sync ------------------------------------------------------------
def test_a_new_listing_waits_in_review_then_goes_live(shop: Shop, server: SandboxServer) -> None:
    configure(server, **SLOW_REVIEW)
    shop.catalog(tea(), noodles())
    first = shop.push()
    assert first.outcomes["tiki"].tally.counts["listings_in_review"] == 2
    for sku in ("TSTH", "BGMD-500"):
        record = shop.listing(sku)
        assert record.state is ListingState.IN_REVIEW
        assert record.remote_id and not record.remote_id.isdigit()  # the track id
    assert shop.listing("TSTH").units == {"TSTH-100": "", "TSTH-200": ""}
    assert server.calls("PUT", UPDATE_SKUS) == [] and units(server) == {}

    advance(server, 180)  # past queuing and processing: Tiki's reviewers have it
    before = len(server.calls())
    second = shop.push()
    assert second.outcomes["tiki"].tally.counts["listings_in_review"] == 2
    assert shop.listing("TSTH").state is ListingState.IN_REVIEW
    checks = server.calls()[before:]
    assert [c["path"] for c in checks if c["path"].startswith(REQUESTS)] == [REQUESTS]
    assert not [c for c in checks if c["path"].startswith("/integration/v2/tracking")]

    advance(server, 4000)  # approved
    third = shop.push()
    assert third.outcomes["tiki"].tally.counts["listings_in_review"] == 0
    tea_listing = shop.listing("TSTH")
    assert tea_listing.state is ListingState.LIVE and (tea_listing.remote_id or "").isdigit()
    on_tiki = units(server)
    assert {on_tiki[s]["remote_id"] for s in ("TSTH-100", "TSTH-200")} == {tea_listing.remote_id}
    assert tea_listing.units == {s: on_tiki[s]["unit_id"] for s in ("TSTH-100", "TSTH-200")}
    assert all(unit["status"] == "active" for unit in on_tiki.values())
    offered = shop.offered()
    assert {sku: unit["stock"] for sku, unit in on_tiki.items()} == offered
    assert offered["TSTH-100"] == 12 and {u["price"] for u in on_tiki.values()} >= {120_000}
    assert len(server.calls("POST", CREATE)) == 2


def test_a_rejection_shows_tikis_reasons_and_waits_for_the_catalog(
    shop: Shop, server: SandboxServer
) -> None:
    configure(server, auto_approve=False)
    shop.catalog(tea())
    shop.push()
    track = shop.listing("TSTH").remote_id
    reasons = ["Hình ảnh phải từ 500x500 px", "Thiếu giấy chứng nhận OCOP"]
    control(server, "POST", f"/_sandbox/requests/{track}/reject", {"reasons": reasons})
    rejected = shop.push()
    record = shop.listing("TSTH")
    assert record.state is ListingState.REJECTED and record.reasons == tuple(reasons)
    summary = render_summary(rejected)
    assert "To fix (1):" in summary and "Hình ảnh phải từ 500x500 px" in summary
    again = shop.push()  # nothing changed in the catalog: nothing is sent again
    assert "Thiếu giấy chứng nhận OCOP" in render_summary(again)
    assert len(server.calls("POST", CREATE)) == 1
    assert not server.calls("POST", "/integration/v2/tracking/*/replay")

    shop.catalog(tea(description=LocalizedText(vi="Chè Thái Nguyên ướp sen, ảnh mới.")))
    shop.push()  # the catalog changed: a new request (a rejected one cannot be updated)
    assert len(server.calls("POST", CREATE)) == 2
    renewed = shop.listing("TSTH")
    assert renewed.state is ListingState.IN_REVIEW and renewed.remote_id != track
    control(server, "POST", f"/_sandbox/requests/{renewed.remote_id}/approve")
    shop.push()
    assert shop.listing("TSTH").state is ListingState.LIVE
    assert set(units(server)) == {"TSTH-100", "TSTH-200"}


def test_a_technical_rejection_is_replayed(shop: Shop, server: SandboxServer) -> None:
    configure(server, auto_approve=False)
    shop.catalog(tea())
    shop.push()
    track = shop.listing("TSTH").remote_id
    reason = {"reasons": ["Lỗi hệ thống khi chuyển đổi dữ liệu"], "technical": True}
    control(server, "POST", f"/_sandbox/requests/{track}/reject", reason)
    shop.push()
    (replay,) = server.calls("POST", "/integration/v2/tracking/*/replay")
    assert replay["path"] == f"/integration/v2/tracking/{track}/replay"
    record = shop.listing("TSTH")
    assert (record.state, record.remote_id) == (ListingState.IN_REVIEW, track)
    control(server, "POST", f"/_sandbox/requests/{track}/approve")
    shop.push()
    assert shop.listing("TSTH").state is ListingState.LIVE
    assert len(server.calls("POST", CREATE)) == 1


def test_a_content_update_is_reviewed_while_the_old_content_stays_on_sale(
    shop: Shop, server: SandboxServer
) -> None:
    shop.catalog(tea())
    shop.push()
    shop.push()  # the review takes no time: live, with stock
    live = shop.listing("TSTH")
    assert live.state is ListingState.LIVE
    configure(server, review_seconds=3600)
    renamed = tea(name=LocalizedText(vi="Trà sen Tây Hồ ướp bông thượng hạng"))
    shop.catalog(renamed)
    shop.push()
    assert len(server.calls("POST", INFO)) == 2  # one request per Tiki product
    updating = shop.listing("TSTH")
    assert updating.state is ListingState.IN_REVIEW
    assert updating.remote_id == live.remote_id
    assert all("/" in value for value in updating.units.values())
    names = {sku: unit["name"] for sku, unit in units(server).items()}
    assert names["TSTH-100"] == "Trà sen Tây Hồ ướp bông - 100g"  # still the old content
    assert all(unit["status"] == "active" for unit in units(server).values())

    advance(server, 600)
    shop.push()
    assert shop.listing("TSTH").state is ListingState.IN_REVIEW
    advance(server, 4000)
    shop.push()
    done = shop.listing("TSTH")
    assert (done.state, done.remote_id, done.units) == (
        ListingState.LIVE,
        live.remote_id,
        live.units,
    )
    assert units(server)["TSTH-200"]["name"] == "Trà sen Tây Hồ ướp bông thượng hạng - 200g"
    assert len(server.calls("POST", INFO)) == 2 and len(server.calls("POST", CREATE)) == 1


def test_a_rejected_content_update_keeps_the_old_content(shop: Shop, server: SandboxServer) -> None:
    shop.catalog(tea(sizes=1))
    shop.push()
    shop.push()
    configure(server, auto_approve=False)
    shop.catalog(tea(sizes=1, name=LocalizedText(vi="Trà sen SIÊU RẺ!!!")))
    shop.push()
    tracks = [r["track_id"] for r in requests_of(server) if r["kind"] == "update_product"]
    control(server, "POST", f"/_sandbox/requests/{tracks[0]}/reject", {"reasons": ["Tên sai"]})
    result = shop.push()
    record = shop.listing("TSTH")
    assert record.state is ListingState.REJECTED
    assert "Tên sai" in record.reasons[0] and "old content stays on sale" in record.reasons[0]
    assert "Tên sai" in render_summary(result)
    assert units(server)["TSTH-100"]["name"] == "Trà sen Tây Hồ ướp bông - 100g"


def test_a_lost_create_never_makes_a_second_request(shop: Shop, server: SandboxServer) -> None:
    configure(server, **SLOW_REVIEW)
    server.add_fault(action="drop_after", method="POST", path=CREATE, nth=1)
    shop.catalog(tea())
    shop.push()
    assert shop.listing("TSTH").state is ListingState.UNKNOWN
    waiting = shop.push()  # in review at Tiki: nothing to find yet, and nothing re-sent
    assert waiting.outcomes["tiki"].tally.counts["listings_unknown"] == 1
    advance(server, 4000)
    adopted = shop.push()
    assert adopted.outcomes["tiki"].tally.counts["listings_adopted"] == 1
    record = shop.listing("TSTH")
    assert record.state is ListingState.LIVE and (record.remote_id or "").isdigit()
    assert len(server.calls("POST", CREATE)) == 1
    assert server.calls("POST", INFO) == []  # the adopted content is the catalog's already
    assert len(units(server)) == 2


# -- the channel on its own ----------------------------------------------------------------
def publish(channel: TikiChannel, product: Product, stock: int = 10) -> RemoteListing:
    draft = channel.map_product(product)
    listing = channel.review_state(channel.create_listing(draft))
    assert listing.state is ListingState.LIVE
    updates = [OfferUpdate(listing, dataclasses.replace(o, stock=stock)) for o in draft.offers]
    assert all(result.ok for result in channel.set_offers(updates))
    return listing


def test_offers_go_in_batches_and_read_back(channel: TikiChannel, server: SandboxServer) -> None:
    tea_listing = publish(channel, tea(sizes=2))
    noodle_listing = publish(channel, noodles())
    before = len(server.calls("PUT", UPDATE_SKUS))
    updates = [
        OfferUpdate(tea_listing, Offer("TSTH-100", 5, Money.vnd(125_000))),
        OfferUpdate(tea_listing, Offer("TSTH-200", 6, Money.vnd(235_000)), set_price=False),
        OfferUpdate(noodle_listing, Offer("BGMD-500", 7, Money.vnd(46_000)), set_stock=False),
    ]
    assert [(r.sku, r.ok) for r in channel.set_offers(updates)] == [
        ("TSTH-100", True),
        ("TSTH-200", True),
        ("BGMD-500", True),
    ]
    sent = server.calls("PUT", UPDATE_SKUS)[before:]
    assert len(sent) == 2  # offer_batch 2
    on_tiki = units(server)
    assert (on_tiki["TSTH-100"]["stock"], on_tiki["TSTH-100"]["price"]) == (5, 125_000)
    assert (on_tiki["TSTH-200"]["stock"], on_tiki["TSTH-200"]["price"]) == (6, 240_000)
    assert (on_tiki["BGMD-500"]["stock"], on_tiki["BGMD-500"]["price"]) == (10, 46_000)
    control(server, "POST", "/_sandbox/orders", {"sku": "TSTH-100", "quantity": 2})
    shown = channel.read_offers([tea_listing, noodle_listing])
    assert shown == {"TSTH-100": 5, "TSTH-200": 6, "BGMD-500": 10}  # open orders included
    assert channel.limits.stock_includes_reserved


def test_a_refused_entry_fails_alone(channel: TikiChannel, server: SandboxServer) -> None:
    listing = publish(channel, tea(sizes=2))
    ghost = dataclasses.replace(listing, units={**listing.units, "TSTH-900": "999999"})
    updates = [
        OfferUpdate(ghost, Offer("TSTH-100", 3, None)),
        OfferUpdate(ghost, Offer("TSTH-900", 3, None)),
    ]
    results = channel.set_offers(updates)
    assert results[0].ok and not results[1].ok
    assert "product 999999 not found" in results[1].message
    assert units(server)["TSTH-100"]["stock"] == 3


def test_a_refused_batch_is_never_retried(channel: TikiChannel, server: SandboxServer) -> None:
    listing = publish(channel, tea(sizes=2))
    before = len(server.calls("PUT", UPDATE_SKUS))
    words = "data[1].price must be above 0"
    server.add_fault(
        action="status", method="PUT", path=UPDATE_SKUS, status=400, body={"errors": [words]}
    )
    updates = [OfferUpdate(listing, Offer(sku, 4, Money.vnd(1))) for sku in listing.units]
    first, second = channel.set_offers(updates)
    assert not first.ok and "other SKUs" in first.message
    assert not second.ok and words in second.message
    assert len(server.calls("PUT", UPDATE_SKUS)) == before + 1


def test_a_throttled_batch_waits_and_goes_through(server: SandboxServer, tmp_path: Path) -> None:
    clock = FakeClock(datetime.now(UTC))
    channel = connect(server, tmp_path, clock=clock)
    listing = publish(channel, tea(sizes=1))
    server.add_fault(
        action="status",
        method="PUT",
        path=UPDATE_SKUS,
        status=429,
        headers={"Retry-After": "2"},
        body={"errors": ["Current rate limit is 200 request / per second / per seller"]},
    )
    (result,) = channel.set_offers([OfferUpdate(listing, Offer("TSTH-100", 9, None))])
    assert result.ok and 2.0 in clock.sleeps
    assert [c["status"] for c in server.calls("PUT", UPDATE_SKUS)][-2:] == [429, 200]
    assert units(server)["TSTH-100"]["stock"] == 9
    channel.close()


def test_a_product_refused_at_once_as_taken_is_adopted(
    channel: TikiChannel, server: SandboxServer
) -> None:
    listing = publish(channel, tea())
    configure(server, duplicate_sku="refuse")
    again = channel.create_listing(channel.map_product(tea()))
    assert (again.state, again.remote_id, again.units) == (
        ListingState.LIVE,
        listing.remote_id,
        listing.units,
    )
    assert len(units(server)) == 2


def test_unknown_skus_with_either_answer(channel: TikiChannel, server: SandboxServer) -> None:
    assert channel.find_listing("NO-SUCH") is None
    configure(server, find_by_missing="404")
    assert channel.find_listing("NO-SUCH", ["NO-SUCH-1", "NO-SUCH-2"]) is None


def test_approved_products_are_turned_on(server: SandboxServer, tmp_path: Path) -> None:
    channel = connect(server, tmp_path)
    draft = channel.map_product(tea())
    body = dict(draft.payload)
    body["meta_data"] = {"is_auto_turn_on": False}  # as an app that does not ask for it
    created = channel.create_listing(dataclasses.replace(draft, payload=body))
    live = channel.review_state(created)
    assert live.state is ListingState.LIVE and not live.reasons
    assert all(unit["status"] == "active" for unit in units(server).values())
    assert len(server.calls("PUT", UPDATE_SKUS)) == 1
    off = connect(server, tmp_path, activate_approved=False)
    assert off.map_product(tea()).payload["meta_data"] == {"is_auto_turn_on": False}
    channel.close()
    off.close()


def test_a_request_tiki_no_longer_knows(channel: TikiChannel, server: SandboxServer) -> None:
    lost = RemoteListing("TSTH", "0123456789abcdef0123456789abcdef", ListingState.IN_REVIEW)
    found = channel.review_state(dataclasses.replace(lost, units={"TSTH-100": ""}))
    assert found.state is ListingState.REJECTED
    assert "no longer knows product request" in found.reasons[0]
    assert server.calls("GET", TRACKING)


def test_a_refused_request_says_what_tiki_said(channel: TikiChannel, server: SandboxServer) -> None:
    configure(server, payload_error_status=422)
    draft = channel.map_product(tea())
    body = {**draft.payload, "category_id": 4384}  # not a primary category
    with pytest.raises(RejectedError, match="4384 is not a primary category") as refused:
        channel.create_listing(dataclasses.replace(draft, payload=body))
    assert refused.value.sku == "TSTH" and "HTTP 422" in str(refused.value)
    assert len(server.calls("POST", CREATE)) == 1


def test_a_second_request_rejected_as_not_unique_adopts_the_first(
    channel: TikiChannel, server: SandboxServer
) -> None:
    first = publish(channel, tea())
    again = channel.create_listing(channel.map_product(tea()))  # Tiki takes it, then...
    assert again.state is ListingState.IN_REVIEW
    adopted = channel.review_state(again)  # ...rejects it: "Seller product code is not unique"
    assert (adopted.state, adopted.remote_id, adopted.units) == (
        ListingState.LIVE,
        first.remote_id,
        first.units,
    )
    (rejected,) = [r for r in requests_of(server) if r["state"] == "rejected"]
    assert "not unique" in rejected["reasons"][0]
    assert len(units(server)) == 2
