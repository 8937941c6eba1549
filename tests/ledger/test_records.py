"""Listings, offers, tokens, runs and the call log round-trip through the ledger."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import SecretStr

from listsync.catalog.model import PriceTier
from listsync.channel.contract import ListingState, Money, Offer, RemoteListing, Token, TokenStore
from listsync.channel.faults import Fault
from listsync.errors import ConfigError, InputError
from listsync.ledger.database import ApiCall, Ledger, LedgerTokenStore, ListingRecord, OfferRecord
from listsync.ledger.tokens import new_key
from tests.ledger.support import KEY, T0, make_product, open_ledger


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with open_ledger(tmp_path) as ledger:
        ledger.upsert_products([make_product("TEA-1"), make_product("MAT", "MAT-S", "MAT-L")])
        yield ledger


def test_a_listing_moves_from_intent_to_outcome(ledger: Ledger) -> None:
    intent = ListingRecord("MAT", "tiki", "T1", ListingState.SENDING)
    ledger.save_listing(intent)
    stored = ledger.listing("MAT", "tiki", "T1")
    assert stored is not None and stored.state is ListingState.SENDING
    assert stored.updated_at == T0 and stored.remote() is None
    outcome = ListingRecord(
        "MAT",
        "tiki",
        "T1",
        ListingState.REJECTED,
        remote_id="REQ-77",
        units={"MAT-S": "1001", "MAT-L": "1002"},
        pushed_hash="abc",
        last_error="rejected by review",
        reasons=("ảnh bị mờ", "thiếu chứng nhận OCOP"),
        checked_at=T0 + timedelta(hours=1),
    )
    ledger.save_listing(outcome)
    stored = ledger.listing("MAT", "tiki", "T1")
    assert stored is not None
    assert stored == ListingRecord(**{**outcome.__dict__, "updated_at": T0})
    assert stored.remote() == RemoteListing(
        "MAT", "REQ-77", ListingState.REJECTED, {"MAT-S": "1001", "MAT-L": "1002"}, stored.reasons
    )
    ledger.save_listings(
        [ListingRecord("TEA-1", "tiki", "T1"), ListingRecord("TEA-1", "lazada", "L")]
    )
    assert [r.sku for r in ledger.listings("tiki")] == ["MAT", "TEA-1"]
    assert [r.channel for r in ledger.listings("lazada", "L")] == ["lazada"]


def test_a_listings_fault_is_kept_and_a_rejection_of_before_reads_as_the_marketplaces(
    ledger: Ledger,
) -> None:
    failed = ListingRecord(
        "MAT", "tiki", "T1", ListingState.FAILED, last_error="photo gone", fault=Fault.CATALOG
    )
    ledger.save_listing(failed)
    stored = ledger.listing("MAT", "tiki", "T1")
    assert stored is not None and stored.fault is Fault.CATALOG and stored.failed
    ledger.save_listing(ListingRecord("MAT", "tiki", "T1", ListingState.REJECTED))
    older = ledger.listing("MAT", "tiki", "T1")
    assert older is not None and older.fault is None and older.fault_shown is Fault.MARKETPLACE
    ledger.save_listing(ListingRecord("MAT", "tiki", "T1", ListingState.LIVE, "R-1"))
    live = ledger.listing("MAT", "tiki", "T1")
    assert live is not None and not live.failed and live.fault_shown is None


def test_a_listing_for_an_unknown_product_is_refused(ledger: Ledger) -> None:
    with pytest.raises(InputError, match="GHOST"):
        ledger.save_listings(
            [ListingRecord("TEA-1", "tiki", "T1"), ListingRecord("GHOST", "tiki", "T1")]
        )
    assert ledger.listings("tiki") == []


def test_offers_keep_what_the_channel_accepted(ledger: Ledger) -> None:
    tiers = (
        PriceTier(min_quantity=50, usd=Decimal("4.25")),
        PriceTier(min_quantity=200, usd=Decimal("3.90")),
    )
    ledger.save_offers(
        [
            OfferRecord("MAT-S", "shopee", "S1", 7, Money.vnd(350_000), explain={"on_hand": 9}),
            OfferRecord(
                "TEA-1", "alibaba", "A1", 120, tiers=tiers, explain={"why": Decimal("1.5")}
            ),
        ]
    )
    shopee = ledger.offers("shopee", "S1")
    assert list(shopee) == ["MAT-S"]
    assert shopee["MAT-S"].price == Money.vnd(350_000) and shopee["MAT-S"].stock == 7
    assert shopee["MAT-S"].differs(Offer("MAT-S", 7, Money.vnd(350_000))) == (False, False)
    assert shopee["MAT-S"].differs(Offer("MAT-S", 6, Money.vnd(360_000))) == (True, True)
    alibaba = ledger.offer("TEA-1", "alibaba", "A1")
    assert alibaba is not None and alibaba.tiers == tiers and alibaba.price is None
    assert alibaba.explain == {"why": "1.5"}
    ledger.save_offers([OfferRecord("MAT-S", "shopee", "S1", 6, last_error="stock refused")])
    again = ledger.offer("MAT-S", "shopee", "S1")
    assert again is not None and (again.stock, again.price, again.last_error) == (
        6,
        None,
        "stock refused",
    )


def test_tokens_round_trip_without_showing_secrets(ledger: Ledger) -> None:
    store: TokenStore = LedgerTokenStore(ledger, KEY)
    assert store.load("shopee", "S1") is None
    token = Token(
        access_token=SecretStr("sentinel-access-9f2c"),
        expires_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        refresh_token=SecretStr("sentinel-refresh-7a1b"),
        refresh_expires_at=datetime(2026, 3, 31, 12, 0, tzinfo=UTC),
        extra={"merchant_id": "M-1"},
    )
    store.save("shopee", "S1", token)
    loaded = store.load("shopee", "S1")
    assert loaded == token
    assert loaded is not None and loaded.expires_at.tzinfo is UTC
    rotated = Token(SecretStr("sentinel-access-2"), T0, SecretStr("sentinel-refresh-2"))
    store.save("shopee", "S1", rotated)
    assert store.load("shopee", "S1") == rotated
    for text in (repr(loaded), str(loaded), repr(store), repr(ledger)):
        assert "sentinel" not in text


def test_a_saved_token_survives_a_new_connection(tmp_path: Path) -> None:
    with open_ledger(tmp_path) as ledger:
        LedgerTokenStore(ledger, KEY).save(
            "tiki", "T1", Token(SecretStr("a1"), T0, SecretStr("r1"))
        )
    with open_ledger(tmp_path) as reopened:
        token = LedgerTokenStore(reopened, KEY).load("tiki", "T1")
    assert token is not None and token.refresh_token is not None
    assert token.refresh_token.get_secret_value() == "r1"


def test_runs_record_channels_and_calls(ledger: Ledger) -> None:
    first = ledger.start_run("sync", 4242)
    second = ledger.start_run("sync --channel tiki", 4243)
    ledger.record_channel(first, "shopee", {"orders_new": 3, "api_calls": 12})
    ledger.record_channel(first, "tiki", {"orders_new": 0}, "tiki: re-authorize shop T1")
    ledger.record_channel(first, "shopee", {"orders_new": 4, "api_calls": 13})
    calls = [
        ApiCall("shopee", "GET", "/api/v2/order/get_order_list?sign=***", 200, 41.6, 1, T0),
        ApiCall("tiki", "POST", "/oauth2/token", None, 30000.0, 2, T0, "read timeout"),
    ]
    assert ledger.log_calls(first, calls) == 2
    assert ledger.log_calls(first, []) == 0
    ledger.finish_run(first, "partial")
    runs = ledger.runs()
    assert [run.id for run in runs] == [second, first]
    assert runs[0].status == "running" and runs[0].duration is None
    done = runs[1]
    assert (done.command, done.pid, done.status) == ("sync", 4242, "partial")
    assert done.duration == timedelta(0)
    assert [(c.channel, dict(c.counts), c.error) for c in done.channels] == [
        ("shopee", {"orders_new": 4, "api_calls": 13}, None),
        ("tiki", {"orders_new": 0}, "tiki: re-authorize shop T1"),
    ]
    stored = ledger.api_calls(first)
    assert [c.path for c in stored] == [c.path for c in calls]
    assert stored[0].elapsed_ms == 42 and stored[1].status is None
    assert stored[1].error == "read timeout" and stored[1].at == T0
    assert ledger.runs(limit=1)[0].id == second


def test_tokens_are_sealed_in_the_file(tmp_path: Path) -> None:
    secret = "sentinel-access-5e1d"
    with open_ledger(tmp_path) as ledger:
        token = Token(SecretStr(secret), T0, SecretStr("sentinel-refresh-5e1d"))
        LedgerTokenStore(ledger, KEY).save("shopee", "S1", token)
        path = ledger.path
    raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert b"sentinel" not in raw and b"fernet:" in raw
    with sqlite3.connect(path) as connection:
        stored = connection.execute("SELECT access_token, refresh_token FROM token").fetchone()
    assert all(value.startswith("fernet:") for value in stored)


def test_a_ledger_without_its_key_gives_no_access(tmp_path: Path) -> None:
    with open_ledger(tmp_path) as ledger:
        token = Token(SecretStr("sentinel-access"), T0, SecretStr("sentinel-refresh"))
        LedgerTokenStore(ledger, KEY).save("lazada", "L1", token)
        other = LedgerTokenStore(ledger, SecretStr(new_key()))
        with pytest.raises(ConfigError) as caught:
            other.load("lazada", "L1")
    message = str(caught.value)
    assert "sealed with another key" in message and "listsync auth lazada" in message
    assert caught.value.exit_code == 2
    with pytest.raises(ConfigError, match=r"LISTSYNC_LEDGER_KEY in \.env is not a valid key"):
        LedgerTokenStore(ledger, SecretStr("not-a-key"))


def test_plain_tokens_of_an_older_ledger_are_sealed(tmp_path: Path) -> None:
    with open_ledger(tmp_path) as ledger:
        with ledger.write() as session:
            session.connection().exec_driver_sql(
                "INSERT INTO token (channel, shop_id, access_token, refresh_token, expires_at, "
                "refresh_expires_at, extra, updated_at) VALUES ('shopee', 'S1', 'plain-access', "
                "'plain-refresh', '2026-03-01T08:00:00.000000Z', NULL, '{}', "
                "'2026-03-01T08:00:00.000000Z')"
            )
        store = LedgerTokenStore(ledger, KEY)
        assert store.seal_plain() == 1 and store.seal_plain() == 0
        loaded = store.load("shopee", "S1")
        path = ledger.path
    assert loaded is not None and loaded.access_token.get_secret_value() == "plain-access"
    with sqlite3.connect(path) as connection:
        stored = connection.execute("SELECT access_token, refresh_token FROM token").fetchone()
    assert all(value.startswith("fernet:") for value in stored)
