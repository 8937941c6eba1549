"""Authorization: consent page, token create/refresh rules, and the channel's token keeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from listsync_lazada.sandbox.app import APP_KEY, SELLER_ID, LazadaSandbox

from listsync.channel.tokens import MemoryTokenStore
from listsync.clock import FakeClock
from listsync.errors import AuthError, ClockSkewError, SetupError
from listsync.sandbox.harness import SandboxServer
from tests.adapters.lazada.support import REDIRECT, connect, consent_code, grant, raw_call

DAY = 86_400


def app_of(server: SandboxServer) -> LazadaSandbox:
    assert isinstance(server.app, LazadaSandbox)
    return server.app


def test_consent_page_redirects_with_code_and_state(server: SandboxServer) -> None:
    response = requests.get(
        server.root_url + "/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": APP_KEY,
            "redirect_uri": REDIRECT + "?x=1",
            "state": "s1",
        },
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith(REDIRECT + "?x=1&code=")
    assert response.headers["Location"].endswith("&state=s1")


def test_consent_page_refuses_an_unknown_app(server: SandboxServer) -> None:
    response = requests.get(
        server.root_url + "/oauth/authorize",
        params={"response_type": "code", "client_id": "42", "redirect_uri": REDIRECT},
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 400 and "client_id" in response.text


def test_token_create_answers_lifetimes_and_seller(server: SandboxServer) -> None:
    body = grant(server)
    assert body["code"] == "0"
    assert (body["expires_in"], body["refresh_expires_in"]) == (7 * DAY, 14 * DAY)
    assert body["country_user_info"][0]["seller_id"] == SELLER_ID
    assert body["access_token"] and body["refresh_token"]


def test_token_replies_carry_account_id(server: SandboxServer) -> None:
    """GenerateAccessToken / RefreshAccessToken: ``account_id``, null for seller_center."""
    body = grant(server)
    assert "account_id" in body and body["account_id"] is None
    assert body["account_platform"] == "seller_center"
    again = raw_call(
        server,
        "/auth/token/refresh",
        {"refresh_token": body["refresh_token"]},
        method="POST",
        auth=True,
    ).json()
    assert again["code"] == "0" and "account_id" in again


def test_token_reply_with_user_info_keyed_by_country(server: SandboxServer, tmp_path: Path) -> None:
    """The pages' samples write country_user_info as an object keyed by country."""
    sample = {
        "code": "0",
        "request_id": "1",
        "access_token": "50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg",
        "refresh_token": "500016000300bwa2WteaQyfwBMnPxurcA0mXGhQdTt18356663CfcDTYpWoi",
        "expires_in": 604800,
        "refresh_expires_in": "1209600",  # String on GenerateAccessToken's field list
        "account_id": "7063844",
        "account": "xxx@126.com",
        "account_platform": "seller_center",
        "country": "vn",
        "country_user_info": {
            "sg": {"seller_id": "1001", "user_id": 10101},
            "vn": {"seller_id": "2001", "user_id": 20101},
        },
    }
    tokens = MemoryTokenStore()
    channel = connect(server, tmp_path, tokens=tokens, authorize=False)
    server.add_fault(action="status", status=200, path="/auth/rest/auth/token/create", body=sample)
    assert channel.authorize(REDIRECT + "?code=0_100987_x") == "2001"
    stored = tokens.load("lazada", "2001")
    assert stored is not None and stored.refresh_expires_at is not None
    assert (stored.extra["user_id"], stored.extra["account_id"]) == ("20101", "7063844")


def test_code_is_single_use(server: SandboxServer) -> None:
    code = consent_code(server)
    first = raw_call(server, "/auth/token/create", {"code": code}, method="POST", auth=True)
    again = raw_call(server, "/auth/token/create", {"code": code}, method="POST", auth=True)
    assert first.json()["code"] == "0"
    assert again.json()["code"] == "InvalidCode"


def test_code_expires_after_30_minutes(server: SandboxServer) -> None:
    code = consent_code(server)
    app_of(server).clock.advance(31 * 60)
    body = raw_call(server, "/auth/token/create", {"code": code}, method="POST", auth=True).json()
    assert body["code"] == "InvalidCode"


def test_access_token_expires_with_the_sandbox_clock(server: SandboxServer) -> None:
    token = grant(server)["access_token"]
    assert raw_call(server, "/products/get", token=token).json()["code"] == "0"
    app_of(server).clock.advance(7 * DAY + 1)
    assert raw_call(server, "/products/get", token=token).json()["code"] == "IllegalAccessToken"


def test_refresh_rotates_and_spends_the_old_refresh_token(server: SandboxServer) -> None:
    old = grant(server)["refresh_token"]
    body = raw_call(
        server, "/auth/token/refresh", {"refresh_token": old}, method="POST", auth=True
    ).json()
    assert body["code"] == "0" and body["refresh_token"] != old
    assert body["country_user_info_list"][0]["seller_id"] == SELLER_ID
    assert body["refresh_expires_in"] <= 14 * DAY
    again = raw_call(
        server, "/auth/token/refresh", {"refresh_token": old}, method="POST", auth=True
    ).json()
    assert again["code"] == "IllegalRefreshToken"


def test_refresh_token_expires_after_14_days(server: SandboxServer) -> None:
    refresh = grant(server)["refresh_token"]
    app_of(server).clock.advance(14 * DAY + 1)
    body = raw_call(
        server, "/auth/token/refresh", {"refresh_token": refresh}, method="POST", auth=True
    ).json()
    assert body["code"] == "IllegalRefreshToken"


def test_lifetimes_are_settings() -> None:
    with SandboxServer(LazadaSandbox(access_ttl=30 * DAY, refresh_ttl=180 * DAY)) as server:
        body = grant(server)
    assert (body["expires_in"], body["refresh_expires_in"]) == (30 * DAY, 180 * DAY)


def test_channel_authorizes_and_stores_tokens_under_the_seller_id(
    server: SandboxServer, tmp_path: Path
) -> None:
    tokens = MemoryTokenStore()
    channel = connect(server, tmp_path, tokens=tokens, shop_id="")
    assert channel.shop_id == SELLER_ID
    stored = tokens.load("lazada", SELLER_ID)
    assert stored is not None and stored.extra["seller_id"] == SELLER_ID
    assert channel.find_listing("NOTHING") is None
    url = channel.authorization_url("http://localhost/cb")
    assert url.startswith(server.root_url + "/oauth/authorize?response_type=code&force_auth=true")
    assert f"client_id={APP_KEY}" in url


def test_authorize_refuses_an_address_without_code(server: SandboxServer, tmp_path: Path) -> None:
    channel = connect(server, tmp_path, authorize=False)
    with pytest.raises(AuthError, match="no \\?code="):
        channel.authorize("http://127.0.0.1:9/callback?error_x=1")
    with pytest.raises(AuthError, match="did not authorize"):
        channel.authorize("http://127.0.0.1:9/callback?error=access_denied")


def test_unconnected_channel_says_run_auth(server: SandboxServer, tmp_path: Path) -> None:
    channel = connect(server, tmp_path, authorize=False)
    with pytest.raises(AuthError, match="listsync auth lazada"):
        channel.find_listing("X")


@pytest.mark.parametrize("error_status", [200, 400, 401])  # UNCONFIRMED: a setting
def test_refused_token_is_refreshed_once_and_saved_first(
    server: SandboxServer, tmp_path: Path, error_status: int
) -> None:
    app_of(server).configure(error_status=error_status)
    tokens = MemoryTokenStore()
    channel = connect(server, tmp_path, tokens=tokens)
    saves = tokens.saves
    app_of(server).clock.advance(7 * DAY + 60)  # the sandbox expires it; our clock does not know
    assert channel.find_listing("X") is None
    assert tokens.saves == saves + 1
    refreshed = [c for c in server.calls("POST", "/auth/rest/auth/token/refresh")]
    assert len(refreshed) == 1


def test_expired_token_is_refreshed_before_use(server: SandboxServer, tmp_path: Path) -> None:
    clock = FakeClock(datetime.now(UTC))
    tokens = MemoryTokenStore()
    channel = connect(server, tmp_path, tokens=tokens, clock=clock)
    clock.advance(7 * DAY)
    assert channel.find_listing("X") is None
    assert len(server.calls("POST", "/auth/rest/auth/token/refresh")) == 1
    assert len(server.calls(path="/rest/products/get")) == 1  # no refused call first


def test_spent_refresh_token_asks_to_authorize_again(server: SandboxServer, tmp_path: Path) -> None:
    channel = connect(server, tmp_path)
    app_of(server).clock.advance(14 * DAY + 60)
    with pytest.raises(AuthError, match="run `listsync auth lazada` again"):
        channel.find_listing("X")
    assert len(server.calls("POST", "/auth/rest/auth/token/refresh")) == 1


def test_refresh_token_past_its_expiry_is_not_even_tried(
    server: SandboxServer, tmp_path: Path
) -> None:
    clock = FakeClock(datetime.now(UTC))
    channel = connect(server, tmp_path, clock=clock)
    clock.advance(15 * DAY)
    with pytest.raises(AuthError, match="authorization has ended"):
        channel.find_listing("X")
    assert server.calls("POST", "/auth/rest/auth/token/refresh") == []


def test_wrong_secret_is_explained(server: SandboxServer, tmp_path: Path) -> None:
    channel = connect(server, tmp_path, authorize=False, app_secret="wrong")
    consent = requests.get(channel.authorization_url(REDIRECT), allow_redirects=False, timeout=5)
    with pytest.raises(SetupError, match="check app_key and app_secret") as caught:
        channel.authorize(consent.headers["Location"])
    assert "wrong" not in str(caught.value)


def test_secrets_never_reach_the_call_log(server: SandboxServer, tmp_path: Path) -> None:
    records: list[str] = []
    channel = connect(server, tmp_path)
    channel.client.http.on_call = lambda record: records.append(repr(record))
    channel.find_listing("X")
    token = channel.keeper.access_token()
    assert records and all(token not in r and "sandbox-lazada-app-secret" not in r for r in records)


def test_a_clock_hours_off_is_explained(server: SandboxServer, tmp_path: Path) -> None:
    channel = connect(server, tmp_path)
    channel.client.wall_clock = lambda: datetime.now(UTC).timestamp() - 3 * 3600
    with pytest.raises(ClockSkewError, match="clock is more than 2 hours off"):
        channel.find_listing("X")
    assert len(server.calls(path="/rest/products/get")) == 1  # not retried


@pytest.mark.parametrize("rotates", [True, False], ids=["rotates", "reused"])
@pytest.mark.parametrize("extends", [True, False], ids=["extends", "fixed"])
def test_channel_under_each_refresh_setting(
    server: SandboxServer, tmp_path: Path, rotates: bool, extends: bool
) -> None:
    """Whether a refresh hands out a new refresh token, and whether it moves its expiry,
    is UNCONFIRMED: the sandbox can do either, and the channel follows what it is told."""
    app = app_of(server)
    app.configure(refresh_rotates=rotates, refresh_extends=extends)
    clock = FakeClock(datetime.now(UTC))
    tokens = MemoryTokenStore()
    channel = connect(server, tmp_path, clock=clock, tokens=tokens)

    def later(days: float) -> None:
        clock.advance(days * DAY)
        app.clock.advance(days * DAY)

    first = tokens.load("lazada", SELLER_ID)
    assert first is not None and first.refresh_token and first.refresh_expires_at
    later(7)  # the access token has run out
    assert channel.find_listing("X") is None
    second = tokens.load("lazada", SELLER_ID)
    assert second is not None and second.refresh_token and second.refresh_expires_at
    renewed = second.refresh_token.get_secret_value() != first.refresh_token.get_secret_value()
    assert renewed is rotates
    end = clock.now() + timedelta(days=14) if extends else first.refresh_expires_at
    assert abs((second.refresh_expires_at - end).total_seconds()) < 5
    later(7.5)  # past the first refresh token's 14 days, the access token out again
    if extends:
        assert channel.find_listing("X") is None
        assert len(server.calls("POST", "/auth/rest/auth/token/refresh")) == 2
    else:
        with pytest.raises(AuthError, match="authorization has ended"):
            channel.find_listing("X")
        assert len(server.calls("POST", "/auth/rest/auth/token/refresh")) == 1
