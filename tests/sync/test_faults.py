"""docs/reliability.md scenarios for the sync engine against the sandboxes over real HTTP.

Malformed replies (14), a skewed clock (21), a ledger busy for a while (26) or read-only
(27), an empty ledger beside a marketplace that holds the SKUs already (28), and a server
that hangs (33). Each asserts what reached the marketplace and what the ledger holds.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from listsync.channel.contract import ListingState
from tests.sync.support import (
    MARKETS,
    PRODUCTS,
    STOCK,
    Market,
    SandboxWorkspace,
    assert_published,
    counts,
    dump,
    errors,
    listsync,
    ok,
    sandbox_workspace,
)


@pytest.fixture(params=sorted(MARKETS))
def market(request: pytest.FixtureRequest) -> Market:
    return MARKETS[request.param]


@pytest.fixture
def sw(tmp_path: Path, market: Market) -> Iterator[SandboxWorkspace]:
    with sandbox_workspace(tmp_path / "ws", (market.name,)) as workspace:
        yield workspace


@pytest.fixture
def lazada(tmp_path: Path) -> Iterator[SandboxWorkspace]:
    with sandbox_workspace(tmp_path / "ws", ("lazada",)) as workspace:
        yield workspace


def creates(sw: SandboxWorkspace, market: Market) -> int:
    return [entry["path"] for entry in sw.requests_log(market.name)].count(market.create_path)


# -- 14. malformed bodies ---------------------------------------------------------------------
def test_a_malformed_reply_to_a_read_is_retried(sw: SandboxWorkspace, market: Market) -> None:
    ok(sw.sync())
    made = sw.orders(market.name, count=4, days=0.01, status=market.paid)
    sw.fault(market.name, action="malformed", path=market.orders_path, body="<html>502</html>")
    result = ok(sw.sync())
    assert counts(result, market.name)["orders_new"] == 4
    assert sorted(o.order.order_id for o in sw.ledger.orders(market.name)) == sorted(made)
    assert counts(result, market.name)["retries"] == 1


def test_a_malformed_reply_to_a_create_is_reconciled(sw: SandboxWorkspace, market: Market) -> None:
    """The server made the listing and answered half a body: UNKNOWN, then adopted."""
    sw.fault(market.name, action="malformed", method="POST", path=market.create_path, nth=2)
    first = sw.sync()
    assert counts(first, market.name)["listings_unknown"] == 1
    states = sorted(r.state for r in sw.ledger.listings(market.name))
    assert states.count(ListingState.UNKNOWN) == 1 and ListingState.SENDING not in states
    second = ok(sw.sync())
    assert counts(second, market.name)["listings_adopted"] == 1
    assert creates(sw, market) == PRODUCTS
    assert_published(sw, market.name)


# -- 10. an access token refused for good ---------------------------------------------------------
@pytest.mark.parametrize("pull", [True, False], ids=["sync", "publish"])
def test_a_revoked_token_is_refreshed_once_then_the_channel_stops(
    sw: SandboxWorkspace, market: Market, pull: bool
) -> None:
    sw.fault(
        market.name,
        action="status",
        status=200,
        body=market.token_refused,
        times=None,
        path="/rest/*" if market.name == "lazada" else "/api/v2/[op]*",
    )
    seen = len(sw.requests_log(market.name))
    result = sw.sync(pull=pull)
    error = result.outcomes[market.name].error or ""
    assert result.exit_code == 1
    assert f"listsync auth {market.name}" in error and "\n" not in error
    assert error.count("listsync auth") == 1  # said once, not twice
    sent = [e["path"] for e in sw.requests_log(market.name)[seen:]]
    assert sent.count(market.refresh_path) == 1
    assert len(sent) == 3  # refused, refreshed, refused again: no loop
    assert sw.ledger.listings(market.name) == []


# -- 21. a skewed clock -------------------------------------------------------------------------
def skew(sw: SandboxWorkspace, market: Market) -> None:
    """Put this computer's clock off by more than the marketplace accepts."""
    setting = {"lazada": "timestamp_window", "shopee": "timestamp_tolerance"}[market.name]
    sw.control(market.name, "POST", "/_sandbox/settings", {setting: -1})


@pytest.mark.parametrize("pull", [True, False], ids=["sync", "publish"])
def test_clock_skew_is_said_once_without_a_storm(
    sw: SandboxWorkspace, market: Market, pull: bool
) -> None:
    skew(sw, market)
    seen = len(sw.requests_log(market.name))
    result = sw.sync(pull=pull)
    error = result.outcomes[market.name].error or ""
    assert result.exit_code == 1
    assert "clock" in error and "\n" not in error
    assert "auth" not in error  # re-authorizing would not help
    assert len(sw.requests_log(market.name)) - seen == 1
    assert sw.ledger.listings(market.name) == []


# -- 34. a marketplace that cannot be reached ------------------------------------------------
def test_an_unreachable_channel_fails_and_the_other_finishes(tmp_path: Path) -> None:
    with sandbox_workspace(tmp_path / "ws", ("lazada", "shopee")) as sw:
        sw.ws.settings.channels["shopee"]["base_url"] = "http://127.0.0.1:9"  # nobody listens
        result = sw.sync()
        assert result.exit_code == 1 and result.outcomes["lazada"].ok
        assert result.outcomes["shopee"].error == (
            "shopee get_order_list: could not connect to 127.0.0.1:9"
        )
        assert_published(sw, "lazada")
        assert sw.ledger.listings("shopee") == []


# -- 26. the ledger busy for a while ------------------------------------------------------------
def test_a_ledger_busy_for_two_seconds_is_waited_for(lazada: SandboxWorkspace) -> None:
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        other = sqlite3.connect(lazada.ledger.path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        locked.set()
        release.wait(2.0)
        other.execute("COMMIT")
        other.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(5)
    started = time.monotonic()
    try:
        result = lazada.sync()
    finally:
        holder.join()
    assert result.ok, errors(result)
    assert time.monotonic() - started >= 1.5
    assert counts(result, "lazada")["listings_created"] == PRODUCTS
    assert_published(lazada, "lazada")


# -- 27. a read-only ledger ---------------------------------------------------------------------
@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """``path`` cannot be written, even by root (for whom mode bits stop nothing)."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o600)
        return
    if shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: cannot make a file read-only")
    subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_read_only_ledger_fails_before_any_remote_call(lazada: SandboxWorkspace) -> None:
    lazada.ws.close()  # the last connection folds the WAL back into the file
    ledger = lazada.ledger.path
    before = dump(ledger)
    seen = len(lazada.requests_log("lazada"))
    with read_only(ledger):
        done = listsync(lazada.root, "sync")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert "read-only" in line and str(ledger) in line
    assert len(lazada.requests_log("lazada")) == seen
    assert dump(ledger) == before


# -- 28. an empty ledger, a marketplace that already holds the SKUs ------------------------------
def test_an_empty_ledger_adopts_what_the_marketplace_holds(tmp_path: Path, market: Market) -> None:
    with sandbox_workspace(tmp_path / "first", (market.name,)) as first:
        ok(first.sync())
        made = creates(first, market)
        assert made == PRODUCTS
        # a fresh install (or a lost ledger) on the same shop
        with sandbox_workspace(tmp_path / "again", servers=first.servers) as again:
            plan = again.engine().plan([market.name]).plans[market.name]
            assert plan.actions()["create"] == PRODUCTS  # from the ledger alone
            result = ok(again.sync())
            assert counts(result, market.name)["listings_adopted"] == PRODUCTS
            assert counts(result, market.name).get("listings_created", 0) == 0
            assert creates(again, market) == made
            assert_published(again, market.name)


# -- 33. a server that hangs ---------------------------------------------------------------------
def test_a_hanging_read_ends_the_channel_run(tmp_path: Path) -> None:
    with sandbox_workspace(
        tmp_path / "ws", ("lazada",), channel_overrides={"lazada": {"timeout_seconds": 0.3}}
    ) as sw:
        attempts = sw.ws.channel_settings("lazada").max_attempts
        seen = len(sw.requests_log("lazada"))
        sw.fault("lazada", action="hang", seconds=0.6, path="/rest/orders/get", times=None)
        started = time.monotonic()
        result = sw.sync()
        assert time.monotonic() - started < 5
        error = result.outcomes["lazada"].error or ""
        assert "no answer within 0.3 s" in error
        time.sleep(0.7)  # the last hung request is logged when the sandbox lets it go
        assert len(sw.requests_log("lazada")) - seen == attempts
        assert sw.ledger.listings("lazada") == []


def test_a_hanging_create_is_reconciled(tmp_path: Path) -> None:
    market = MARKETS["lazada"]
    with sandbox_workspace(
        tmp_path / "ws", ("lazada",), channel_overrides={"lazada": {"timeout_seconds": 0.3}}
    ) as sw:
        sw.fault("lazada", action="hang", seconds=0.5, path=market.create_path, nth=1)
        first = sw.sync()
        assert counts(first, "lazada")["listings_unknown"] == 1
        assert counts(first, "lazada")["listings_created"] == PRODUCTS - 1
        ok(sw.sync(ahead=3700))
        assert_published(sw, "lazada")
        assert {unit["sku"] for unit in sw.state("lazada")["listings"]} == set(STOCK)
