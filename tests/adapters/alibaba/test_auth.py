"""`listsync auth alibaba` and the shop's tokens, over HTTP against the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from listsync_alibaba.sandbox.app import AlibabaSandbox

from listsync.channel.tokens import MemoryTokenStore
from listsync.clock import FakeClock
from listsync.errors import AuthError, SetupError
from listsync.sandbox.harness import SandboxServer
from tests.adapters.alibaba.client_support import (
    REDIRECT,
    SHOP,
    advance,
    channel_for,
    configure,
    connect,
    consent,
)


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(AlibabaSandbox()) as server:
        yield server


def test_the_consent_link_is_alibabas_page_with_the_app_key(
    server: SandboxServer, tmp_path: Path
) -> None:
    channel = channel_for(server, tmp_path)
    link = channel.authorization_url(REDIRECT)
    parts = urlsplit(link)
    assert link.startswith(server.describe()["authorize_url"] + "?")
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query["client_id"] == server.describe()["app_key"]
    assert query["response_type"] == "code" and query["redirect_uri"] == REDIRECT
    assert len(query["state"]) >= 8
    assert "app_secret" not in link and server.describe()["app_secret"] not in link


def test_authorize_stores_the_tokens_and_names_the_seller(
    server: SandboxServer, tmp_path: Path
) -> None:
    tokens = MemoryTokenStore()
    channel = channel_for(server, tmp_path, tokens=tokens, shop_id="")
    assert channel.authorize(consent(channel)) == SHOP
    assert channel.shop_id == SHOP
    token = tokens.load("alibaba", SHOP)
    assert token is not None and token.refresh_token is not None
    assert token.extra["seller_id"] == SHOP and token.extra["login_id"] == "htxsentayho"
    assert token.expires_at - channel.context.clock.now() == timedelta(days=10)
    assert channel.find_listing("NO-SUCH-SKU") is None


def test_a_wrong_address_says_what_to_do(server: SandboxServer, tmp_path: Path) -> None:
    channel = channel_for(server, tmp_path)
    consent(channel)
    with pytest.raises(AuthError, match="no \\?code="):
        channel.authorize(REDIRECT + "?state=x")
    with pytest.raises(AuthError, match="did not authorize"):
        channel.authorize(REDIRECT + "?error=access_denied&error_description=Seller+said+no")
    with pytest.raises(AuthError, match="another authorization attempt"):
        channel.authorize(REDIRECT + "?code=3_1_abc&state=not-the-one")


def test_a_code_used_twice_asks_for_a_new_consent(server: SandboxServer, tmp_path: Path) -> None:
    channel = channel_for(server, tmp_path)
    address = consent(channel)
    channel.authorize(address)
    with pytest.raises(AuthError, match="listsync auth alibaba"):
        channel.authorize(address)


def test_an_unconnected_shop_is_told_to_run_auth(server: SandboxServer, tmp_path: Path) -> None:
    channel = channel_for(server, tmp_path)
    with pytest.raises(AuthError, match="listsync auth alibaba"):
        channel.find_listing("TSTH")


def test_a_wrong_secret_is_a_setup_error(server: SandboxServer, tmp_path: Path) -> None:
    channel = channel_for(server, tmp_path, app_secret="not-the-secret")
    with pytest.raises(SetupError, match="app_key and app_secret"):
        channel.authorize(consent(channel))


@pytest.mark.parametrize("rotates", [True, False])
@pytest.mark.parametrize("numbers", ["string", "number"])
def test_an_expired_token_is_refreshed_and_saved_before_use(
    server: SandboxServer, tmp_path: Path, rotates: bool, numbers: str
) -> None:
    configure(server, refresh_rotates=rotates, token_numbers=numbers)
    clock = FakeClock(datetime.now(UTC))
    tokens = MemoryTokenStore()
    channel = connect(server, tmp_path, clock=clock, tokens=tokens)
    first = tokens.load("alibaba", SHOP)
    assert first is not None
    for _ in range(2):
        advance(server, 11 * 86_400)
        clock.advance(11 * 86_400)
        saves = tokens.saves
        assert channel.find_listing("NO-SUCH-SKU") is None
        assert tokens.saves == saves + 1  # refreshed before the call, and saved first
    fresh = tokens.load("alibaba", SHOP)
    assert fresh is not None
    assert fresh.access_token.get_secret_value() != first.access_token.get_secret_value()
    assert fresh.refresh_token is not None
    same = fresh.refresh_token.get_secret_value() == first.refresh_token.get_secret_value()  # type: ignore[union-attr]
    assert same is not rotates


def test_a_refused_token_is_refreshed_once(server: SandboxServer, tmp_path: Path) -> None:
    """The sandbox's clock moved past the token; the channel's did not: the refusal
    (IllegalAccessToken) is what tells the client to refresh."""
    tokens = MemoryTokenStore()
    channel = connect(server, tmp_path, tokens=tokens)
    advance(server, 11 * 86_400)
    saves = tokens.saves
    assert channel.find_listing("NO-SUCH-SKU") is None
    assert tokens.saves == saves + 1


def test_an_ended_authorization_asks_for_a_new_consent(
    server: SandboxServer, tmp_path: Path
) -> None:
    clock = FakeClock(datetime.now(UTC))
    channel = connect(server, tmp_path, clock=clock)
    advance(server, 61 * 86_400)
    clock.advance(61 * 86_400)
    with pytest.raises(AuthError, match="listsync auth alibaba"):
        channel.find_listing("NO-SUCH-SKU")


def test_a_spent_refresh_token_asks_for_a_new_consent(
    server: SandboxServer, tmp_path: Path
) -> None:
    tokens = MemoryTokenStore()
    channel = connect(server, tmp_path, tokens=tokens)
    stale = tokens.load("alibaba", SHOP)
    assert stale is not None
    advance(server, 11 * 86_400)
    channel.find_listing("NO-SUCH-SKU")  # refreshed: the old refresh token is spent
    tokens.save("alibaba", SHOP, stale)  # as if a backup were restored
    with pytest.raises(AuthError, match="listsync auth alibaba"):
        channel.find_listing("NO-SUCH-SKU")
