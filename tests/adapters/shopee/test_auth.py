"""Authorization and tokens: consent, single-use refresh tokens, lost replies, clock skew."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from listsync_shopee.errors import ClockSkew
from listsync_shopee.sandbox.app import ShopeeSandbox

from listsync.channel.contract import Token
from listsync.channel.tokens import MemoryTokenStore
from listsync.errors import AuthError, ClockSkewError, SetupError
from listsync.sandbox.harness import SandboxServer
from tests.adapters.shopee.support import REDIRECT, Rig, fresh, rig

REFRESH = "/api/v2/auth/access_token/get"
SEARCH = "/api/v2/product/search_item"
DAY = 86_400


@pytest.fixture(scope="module")
def module_server() -> Iterator[SandboxServer]:
    with SandboxServer(ShopeeSandbox()) as server:
        yield server


@pytest.fixture
def server(module_server: SandboxServer) -> SandboxServer:
    fresh(module_server)
    return module_server


@pytest.fixture
def shop(server: SandboxServer, tmp_path: Path) -> Iterator[Rig]:
    with rig(server, tmp_path) as found:
        yield found


class RecordingStore(MemoryTokenStore):
    """Notes, at each save, how many calls had been made by then."""

    def __init__(self, records: list[object]):
        super().__init__()
        self.records = records
        self.saved_after: list[int] = []

    def save(self, channel: str, shop_id: str, token: Token) -> None:
        self.saved_after.append(len(self.records))
        super().save(channel, shop_id, token)


def test_authorization_link_and_exchange(server: SandboxServer, tmp_path: Path) -> None:
    with rig(server, tmp_path, authorize=False, shop_id=None) as shop:
        link = shop.channel.authorization_url(REDIRECT)
        query = parse_qs(urlsplit(link).query)
        assert link.startswith(server.root_url + "/api/v2/shop/auth_partner?")
        assert set(query) == {"partner_id", "timestamp", "sign", "redirect"}
        assert shop.channel.shop_id == ""
        consent = requests.get(link, allow_redirects=False, timeout=10)
        assert shop.channel.authorize(consent.headers["Location"]) == str(shop.app.shop_id)
        assert shop.channel.shop_id == str(shop.app.shop_id)
        token = shop.token()
        now = datetime.now(UTC)
        assert abs(token.expires_at - (now + timedelta(hours=4))) < timedelta(minutes=1)
        assert token.refresh_expires_at is not None
        assert abs(token.refresh_expires_at - (now + timedelta(days=30))) < timedelta(minutes=1)
        assert shop.channel.find_listing("NOPE") is None


def test_pasted_address_without_code(shop: Rig) -> None:
    with pytest.raises(AuthError, match=r"copy the\s+whole address"):
        shop.channel.authorize(REDIRECT + "?shop_id=1")


def test_main_account_authorization_is_refused_clearly(shop: Rig) -> None:
    with pytest.raises(AuthError, match=r"one shop at a\s+time"):
        shop.channel.authorize(REDIRECT + "?code=abc&main_account_id=5")


def test_code_is_single_use(shop: Rig) -> None:
    consent = requests.get(
        shop.channel.authorization_url(REDIRECT), allow_redirects=False, timeout=10
    )
    shop.channel.authorize(consent.headers["Location"])
    with pytest.raises(AuthError, match="auth shopee"):
        shop.channel.authorize(consent.headers["Location"])


def test_not_authorized_yet(server: SandboxServer, tmp_path: Path) -> None:
    with rig(server, tmp_path, authorize=False) as shop:
        with pytest.raises(AuthError, match="not authorized yet: run `listsync auth shopee`"):
            shop.channel.find_listing("LT-250")
        assert server.calls() == []


def test_token_about_to_expire_is_refreshed_and_saved_before_use(
    server: SandboxServer, tmp_path: Path
) -> None:
    records: list[object] = []
    store = RecordingStore(records)
    with rig(server, tmp_path, tokens=store) as shop:
        store.records = shop.records  # type: ignore[assignment]
        old = shop.token()
        store.save("shopee", shop.channel.shop_id, replace(old, expires_at=datetime.now(UTC)))
        before = len(shop.records)
        assert shop.channel.find_listing("NOPE") is None
        names = [r.call for r in shop.records[before:]]
        assert names == ["refresh_access_token", "search_item"]
        assert store.saved_after[-1] == before + 1  # saved after the refresh, before the search
        new = shop.token()
        assert new.access_token != old.access_token and new.refresh_token != old.refresh_token


def test_token_refused_by_shopee_refreshes_once(shop: Rig) -> None:
    shop.app.clock.advance(4 * 3600 + 600)
    saves = shop.tokens.saves
    assert shop.channel.find_listing("NOPE") is None
    assert shop.tokens.saves == saves + 1
    assert [r.call for r in shop.records[-3:]] == [
        "search_item",
        "refresh_access_token",
        "search_item",
    ]


def test_token_refused_even_after_refresh(shop: Rig) -> None:
    body = {"error": "error_auth", "message": "Invalid access_token.", "request_id": "x"}
    shop.server.add_fault(action="status", path=SEARCH, status=403, body=body, times=2)
    with pytest.raises(AuthError, match="even after a refresh: run `listsync auth shopee` again"):
        shop.channel.find_listing("NOPE")
    assert len(shop.server.calls("GET", SEARCH)) == 2
    assert len(shop.server.calls("POST", REFRESH)) == 1


def test_lost_refresh_reply_stops_without_a_loop(shop: Rig) -> None:
    """docs/reliability.md #11: the old refresh token is spent on the server; say so, once."""
    old = shop.token()
    shop.app.clock.advance(4 * 3600 + 600)
    shop.server.add_fault(action="drop_after", method="POST", path=REFRESH)
    with pytest.raises(AuthError) as caught:
        shop.channel.find_listing("NOPE")
    assert "refresh token is now spent: run `listsync auth shopee` again" in str(caught.value)
    assert len(shop.server.calls("POST", REFRESH)) == 2  # the lost one, and one check
    assert len(shop.server.calls("GET", SEARCH)) == 1
    assert shop.token() == old
    refresh_tokens = shop.app.auth.refresh
    assert refresh_tokens[old.refresh_token.get_secret_value()].spent  # type: ignore[union-attr]
    with pytest.raises(AuthError):
        shop.channel.find_listing("NOPE")
    assert len(shop.server.calls("POST", REFRESH)) == 3  # one try per run, no storm


def test_refresh_lost_before_shopee_saw_it_is_retried(shop: Rig) -> None:
    shop.app.clock.advance(4 * 3600 + 600)
    shop.server.add_fault(action="drop_before", method="POST", path=REFRESH)
    assert shop.channel.find_listing("NOPE") is None
    assert len(shop.server.calls("POST", REFRESH)) == 2


def test_expired_refresh_token(shop: Rig) -> None:
    """Shopee answers refresh_token_expired (refresh_access_token's page): its own sentence."""
    shop.app.clock.advance(31 * DAY)
    with pytest.raises(AuthError) as caught:
        shop.channel.find_listing("NOPE")
    assert caught.value.detail == (
        "Shopee says the saved refresh token has expired (it lives 30 days and must be used"
        " before then): run `listsync auth shopee` again"
    )
    assert len(shop.server.calls("POST", REFRESH)) == 1


def test_refresh_token_known_to_be_expired_is_not_sent(shop: Rig) -> None:
    token = shop.token()
    past = datetime.now(UTC) - timedelta(seconds=1)
    shop.tokens.save(
        "shopee", shop.channel.shop_id, replace(token, expires_at=past, refresh_expires_at=past)
    )
    with pytest.raises(AuthError, match="has expired: run `listsync auth shopee` again"):
        shop.channel.find_listing("NOPE")
    assert shop.server.calls("POST", REFRESH) == []


def test_threads_share_one_refresh(shop: Rig) -> None:
    token = shop.token()
    shop.tokens.save("shopee", shop.channel.shop_id, replace(token, expires_at=datetime.now(UTC)))
    errors: list[BaseException] = []

    def find() -> None:
        try:
            shop.channel.find_listing("NOPE")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=find) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(shop.server.calls("POST", REFRESH)) == 1


def test_clock_skew_is_named_and_not_retried(shop: Rig) -> None:
    """docs/reliability.md #21: a computer clock 6 minutes fast."""
    shop.channel.client.wall_clock = lambda: time.time() + 6 * 60
    with pytest.raises(ClockSkew) as caught:
        shop.channel.find_listing("NOPE")
    assert "system clock skew detected: check the computer's clock" in str(caught.value)
    assert isinstance(caught.value, ClockSkewError)
    assert len(shop.server.calls("GET", SEARCH)) == 1


def test_clock_skew_behind(server: SandboxServer, tmp_path: Path) -> None:
    with rig(server, tmp_path, authorize=False) as shop:
        shop.channel.client.wall_clock = lambda: time.time() - 6 * 60
        with pytest.raises(ClockSkew):
            shop.channel.client.exchange_code("abc", str(shop.app.shop_id))
        assert len(server.calls()) == 1


def test_wrong_partner_key(server: SandboxServer, tmp_path: Path) -> None:
    with rig(server, tmp_path, authorize=False, partner_key="not-the-key") as shop:
        with pytest.raises(
            SetupError, match="signature is wrong: check partner_id and partner_key"
        ):
            shop.channel.client.exchange_code("abc", str(shop.app.shop_id))
        assert len(server.calls()) == 1


def test_partner_key_is_secret(server: SandboxServer, tmp_path: Path) -> None:
    with rig(server, tmp_path, authorize=False) as shop:
        assert "sandbox-shopee-partner-key" not in repr(shop.channel.settings)
