"""Stock by deltas and prices on Alibaba.com, over HTTP against the sandbox: every write
read before and after, never `add`, never a lost delta sent twice blindly."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from listsync_alibaba.channel import AlibabaChannel
from listsync_alibaba.offers import INVENTORY_GET, INVENTORY_UPDATE, UPDATE_FIELD
from listsync_alibaba.sandbox.app import AlibabaSandbox

from listsync.channel.contract import ListingState, Money, Offer, OfferUpdate, RemoteListing
from listsync.errors import AuthError
from listsync.sandbox.harness import SandboxServer
from tests.adapters.alibaba.client_support import (
    SHOP,
    Recorder,
    Shop,
    before,
    configure,
    connect,
    control,
    order,
    stock,
    tea,
    tiers,
    units,
)

SUCCESS = {
    "code": "0",
    "result": {"success": True, "data": "true", "message": "", "msg_code": "", "trace_id": "t"},
    "request_id": "0ba2trap",
}


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(AlibabaSandbox()) as server:
        yield server


@pytest.fixture
def channel(server: SandboxServer, tmp_path: Path) -> Iterator[AlibabaChannel]:
    channel = connect(server, tmp_path)
    yield channel
    channel.close()


def publish(channel: AlibabaChannel, sku: str = "TSTH", sizes: int = 2) -> RemoteListing:
    listing = channel.create_listing(channel.map_product(tea(sku, sizes)))
    assert listing.state is ListingState.LIVE, listing
    assert all(listing.units.values())
    return listing


def stock_of(listing: RemoteListing, **targets: int) -> list[OfferUpdate]:
    return [
        OfferUpdate(listing, Offer(sku=sku.replace("_", "-"), stock=n), set_price=False)
        for sku, n in targets.items()
    ]


def test_stock_moves_by_plus_and_sub_and_is_read_back(
    channel: AlibabaChannel, server: SandboxServer
) -> None:
    listing = publish(channel)
    calls = Recorder(channel)
    for targets in ({"TSTH-100": 20, "TSTH-200": 5}, {"TSTH-100": 7, "TSTH-200": 9}):
        results = channel.set_offers(
            stock_of(listing, **{k.replace("-", "_"): v for k, v in targets.items()})
        )
        assert all(r.ok for r in results), results
        assert stock(server) == targets
    sent = calls.of(INVENTORY_UPDATE)
    assert len(sent) == 2  # one call moves every SKU of the product
    operations = [e["operate"] for p in sent for e in p["request_param"]["inventory_list"]]
    assert operations == ["plus", "plus", "sub", "plus"]
    assert [e["inventory"] for p in sent for e in p["request_param"]["inventory_list"]] == [
        20,
        5,
        13,
        4,
    ]
    assert all(
        e["inventory_code"] == server.describe()["inventory_code"]
        for p in sent
        for e in p["request_param"]["inventory_list"]
    )
    names = [api for api, _params in calls.calls]
    assert names == [INVENTORY_GET, INVENTORY_UPDATE, INVENTORY_GET] * 2

    again = Recorder(channel)
    assert all(r.ok for r in channel.set_offers(stock_of(listing, TSTH_100=7, TSTH_200=9)))
    assert [api for api, _p in again.calls] == [INVENTORY_GET]  # nothing to move: no write


def test_the_add_trap_is_never_sent_and_a_change_that_did_not_happen_is_noticed(
    channel: AlibabaChannel, server: SandboxServer
) -> None:
    """The gateway answers success and changes nothing (as `add` does): the read-back
    sees the figure where it was, the SKU fails with a sentence, nothing is sent again."""
    listing = publish(channel, sizes=1)
    channel.set_offers(stock_of(listing, TSTH_100=10))
    calls = Recorder(channel)
    before(
        channel,
        INVENTORY_UPDATE,
        lambda: server.add_fault(
            action="status", method="POST", path="/sync", nth=1, status=200, body=SUCCESS
        ),
    )
    (result,) = channel.set_offers(stock_of(listing, TSTH_100=25))
    assert not result.ok and not result.unknown
    assert "still shows 10" in result.message
    assert stock(server) == {"TSTH-100": 10}
    assert len(calls.of(INVENTORY_UPDATE)) == 1
    operations = {
        e["operate"]
        for p in calls.of(INVENTORY_UPDATE)
        for e in p["request_param"]["inventory_list"]
    }
    assert operations <= {"plus", "sub"}
    (fixed,) = channel.set_offers(stock_of(listing, TSTH_100=25))  # the next sync: read, move
    assert fixed.ok and stock(server) == {"TSTH-100": 25}


@pytest.mark.parametrize(
    ("action", "applied"),
    [("drop_after", True), ("malformed", True), ("drop_before", False), ("status", False)],
)
def test_a_delta_whose_answer_is_lost_is_read_again_never_resent_blindly(
    channel: AlibabaChannel, server: SandboxServer, action: str, applied: bool
) -> None:
    listing = publish(channel)
    channel.set_offers(stock_of(listing, TSTH_100=10, TSTH_200=10))
    calls = Recorder(channel)
    before(
        channel,
        INVENTORY_UPDATE,
        lambda: server.add_fault(action=action, method="POST", path="/sync", nth=1, status=503),
    )
    results = channel.set_offers(stock_of(listing, TSTH_100=4, TSTH_200=16))
    assert all(r.ok for r in results), results
    assert stock(server) == {"TSTH-100": 4, "TSTH-200": 16}
    # a change that was made is not sent again; one that was not is sent once more
    assert len(calls.of(INVENTORY_UPDATE)) == (1 if applied else 2)


def test_a_lost_delta_at_every_step_ends_exactly_at_the_target(
    server: SandboxServer, tmp_path: Path
) -> None:
    """A dropped connection at each call of a stock change in turn (the reads, the delta,
    the read-back), then a re-sync: the stock ends exactly at the target every time."""
    channel = connect(server, tmp_path)
    listing = publish(channel)
    target = 10
    for step in range(1, 7):
        target += 7 if step % 2 else -3
        server.add_fault(action="drop_after", method="POST", path="/sync", nth=step)
        first = channel.set_offers(stock_of(listing, TSTH_100=target, TSTH_200=target + 1))
        server.clear_faults()
        assert all(r.ok or r.unknown for r in first), first
        again = channel.set_offers(stock_of(listing, TSTH_100=target, TSTH_200=target + 1))
        assert all(r.ok for r in again), again
        assert stock(server) == {"TSTH-100": target, "TSTH-200": target + 1}, step


def test_a_read_back_that_keeps_failing_is_unknown_and_set_right_next_sync(
    server: SandboxServer, tmp_path: Path
) -> None:
    shop = Shop(server, tmp_path)
    shop.catalog(tea(sizes=1), stock=12)
    shop.push()
    assert stock(server) == {"TSTH-100": 12}
    shop.ledger.set_stock("TSTH-100", 30)
    channel_calls: list[int] = []

    def failing_reads() -> None:  # every call after the delta fails: reads included
        server.add_fault(
            action="status", method="POST", path="/sync", nth=2, status=503, times=None
        )
        channel_calls.append(1)

    original = shop.channel

    def channel(on_call: Any = None) -> AlibabaChannel:
        made = original(on_call)
        if not channel_calls:
            before(made, INVENTORY_UPDATE, failing_reads)
        return made

    shop.engine.open_channel = lambda _name, on_call: channel(on_call)
    shop.push()  # the delta went through, nothing could be read back: unknown
    assert shop.offered()["TSTH-100"] is None
    server.clear_faults()
    assert stock(server) == {"TSTH-100": 30}
    shop.push()
    assert stock(server) == {"TSTH-100": 30} and shop.offered() == {"TSTH-100": 30}


def test_chaos_then_a_clean_sync_leaves_exact_stock(server: SandboxServer, tmp_path: Path) -> None:
    """Faults of every kind on a third of the calls for several syncs, stock changing in the
    ledger meanwhile; then one clean sync: the sandbox shows exactly the ledger's figures."""
    configure(server, rate_per_second=None)  # the channel's fake clock never waits for real
    shop = Shop(server, tmp_path)
    shop.catalog(tea(), tea("SEN", sizes=1), stock=12)
    shop.push()
    rng = random.Random(7)
    actions = ["drop_after", "drop_before", "malformed", "status"]
    for round_no in range(6):
        for sku in ("TSTH-100", "TSTH-200", "SEN-100"):
            shop.ledger.set_stock(sku, rng.randint(0, 60))
        server.add_fault(
            action=actions[round_no % 4],
            method="POST",
            path="/sync",
            probability=0.35,
            times=None,
            status=503,
        )
        shop.engine.run(["alibaba"], pull=False)
        server.clear_faults()
    shop.push()
    on_hand = shop.ledger.on_hand()
    assert stock(server) == on_hand
    assert shop.offered() == on_hand


def test_a_sale_between_read_and_write_is_left_and_corrected_next_time(
    channel: AlibabaChannel, server: SandboxServer
) -> None:
    listing = publish(channel, sizes=1)
    channel.set_offers(stock_of(listing, TSTH_100=10))
    before(channel, INVENTORY_UPDATE, lambda: order(server, "TSTH-100", 2))
    (result,) = channel.set_offers(stock_of(listing, TSTH_100=20))
    assert result.ok  # moved as asked; a buyer took 2 meanwhile: not the trap
    assert stock(server) == {"TSTH-100": 18}
    (again,) = channel.set_offers(stock_of(listing, TSTH_100=20))
    assert again.ok and stock(server) == {"TSTH-100": 20}


def test_read_offers_is_one_call_per_product(
    channel: AlibabaChannel, server: SandboxServer
) -> None:
    tea_listing = publish(channel)
    other = publish(channel, "SEN", sizes=1)
    channel.set_offers(stock_of(tea_listing, TSTH_100=3, TSTH_200=4) + stock_of(other, SEN_100=5))
    calls = Recorder(channel)
    assert channel.read_offers([tea_listing, other]) == {"TSTH-100": 3, "TSTH-200": 4, "SEN-100": 5}
    assert [api for api, _p in calls.calls] == [INVENTORY_GET, INVENTORY_GET]
    assert channel.read_offers([]) == {}


def test_prices_and_tiers_go_through_update_field_only_when_asked(
    channel: AlibabaChannel, server: SandboxServer
) -> None:
    listing = publish(channel)
    ladder = tiers((50, "13.90"), (300, "12.10"))
    price = Money(Decimal("13.90"), "USD")
    calls = Recorder(channel)
    updates = [
        OfferUpdate(listing, Offer(sku=sku, stock=0, price=price, tiers=ladder), set_stock=False)
        for sku in ("TSTH-100", "TSTH-200")
    ]
    assert all(r.ok for r in channel.set_offers(updates))
    (sent,) = calls.of(UPDATE_FIELD)
    assert sent["bulk_discount_prices"] == [
        {"start_quantity": 50, "price": "13.90"},
        {"start_quantity": 300, "price": "12.10"},
    ]
    assert {e["sku_code"]: e["price"] for e in sent["product_sku"]["special_skus"]} == {
        "TSTH-100": "13.90",
        "TSTH-200": "13.90",
    }
    assert {sku: u["price"] for sku, u in units(server).items()} == {
        "TSTH-100": "13.90",
        "TSTH-200": "13.90",
    }
    detail = channel.listings.product(listing.remote_id, fresh=True)
    assert detail["product_sku"]["skus"][0]["bulk_discount_prices"] == sent["bulk_discount_prices"]
    stock_only = Recorder(channel)
    channel.set_offers([replace(u, set_price=False, set_stock=True) for u in updates])
    assert not stock_only.of(UPDATE_FIELD)


def test_a_vnd_price_is_refused_never_converted(
    channel: AlibabaChannel, server: SandboxServer
) -> None:
    listing = publish(channel, sizes=1)
    calls = Recorder(channel)
    (result,) = channel.set_offers(
        [
            OfferUpdate(
                listing, Offer(sku="TSTH-100", stock=0, price=Money.vnd(390_000)), set_stock=False
            )
        ]
    )
    assert not result.ok and "USD" in result.message and "VND" in result.message
    assert not calls.of(UPDATE_FIELD)
    assert units(server)["TSTH-100"]["price"] == "14.50"


def test_a_sku_not_on_the_listing_fails_alone(
    channel: AlibabaChannel, server: SandboxServer
) -> None:
    listing = publish(channel, sizes=1)
    results = channel.set_offers(stock_of(listing, TSTH_100=3, NOPE=4))
    assert [(r.sku, r.ok) for r in results] == [("TSTH-100", True), ("NOPE", False)]
    assert stock(server) == {"TSTH-100": 3}


def test_a_refused_token_during_a_stock_change_stops_the_channel(
    channel: AlibabaChannel, server: SandboxServer
) -> None:
    listing = publish(channel, sizes=1)
    tokens = channel.context.tokens
    token = tokens.load("alibaba", SHOP)
    assert token is not None
    tokens.save("alibaba", SHOP, replace(token, refresh_token=None))
    control(server, "POST", "/_sandbox/clock", {"advance_seconds": 11 * 86_400})
    with pytest.raises(AuthError):
        channel.set_offers(stock_of(listing, TSTH_100=3))
