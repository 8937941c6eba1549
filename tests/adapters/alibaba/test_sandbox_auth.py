"""The Alibaba.com sandbox's consent page and token APIs (docs/marketplaces/alibaba.md §4.3)."""

from __future__ import annotations

from listsync_alibaba.sandbox.app import AlibabaSandbox
from listsync_alibaba.sandbox.catalog import SELLER_ID

from listsync.sandbox.harness import SandboxServer
from tests.adapters.alibaba.conftest import call, consent, grant, ok, redirected, refused

FIELDS = {
    "access_token",
    "refresh_token",
    "expires_in",
    "refresh_expires_in",
    "account",
    "account_id",
    "account_platform",
    "country",
    "user_info",
    "code",
    "request_id",
}


def test_consent_redirects_at_once_with_a_code(server: SandboxServer) -> None:
    back = redirected(consent(server, state="xyz-123"))
    assert back["code"].startswith("3_") and back["state"] == "xyz-123"
    assert consent(server, client_id="nope").status_code == 400
    assert consent(server, response_type="token").status_code == 400


def test_token_create_answers_alibaba_md_fields(server: SandboxServer) -> None:
    body = grant(server)
    assert set(body) == FIELDS
    assert body["code"] == "0"
    assert body["expires_in"] == "864000" and body["refresh_expires_in"] == "5184000"
    assert body["user_info"]["seller_id"] == SELLER_ID
    assert set(body["user_info"]) == {"user_id", "seller_id", "loginId", "country"}


def test_a_code_works_once_and_not_late(server: SandboxServer, app: AlibabaSandbox) -> None:
    code = redirected(consent(server))["code"]
    ok(call(server, "/auth/token/create", {"code": code}))
    refused(call(server, "/auth/token/create", {"code": code}), "InvalidCode")
    late = redirected(consent(server))["code"]
    app.clock.advance(31 * 60)
    refused(call(server, "/auth/token/create", {"code": late}), "InvalidCode")
    refused(call(server, "/auth/token/create", {}), "MissingParameter")


def test_refresh_rotates_and_spends_the_old_token(server: SandboxServer) -> None:
    first = grant(server)
    again = ok(call(server, "/auth/token/refresh", {"refresh_token": first["refresh_token"]}))
    assert set(again) == FIELDS
    assert again["refresh_token"] != first["refresh_token"]
    assert again["access_token"] != first["access_token"]
    spent = call(server, "/auth/token/refresh", {"refresh_token": first["refresh_token"]})
    refused(spent, "IllegalRefreshToken")
    refused(call(server, "/auth/token/refresh", {"refresh_token": "nope"}), "IllegalRefreshToken")
    ok(call(server, "/auth/token/refresh", {"refresh_token": again["refresh_token"]}))


def test_refresh_counts_down_and_expires(server: SandboxServer, app: AlibabaSandbox) -> None:
    first = grant(server)
    app.clock.advance(86_400)
    again = ok(call(server, "/auth/token/refresh", {"refresh_token": first["refresh_token"]}))
    assert again["refresh_expires_in"] == str(5_184_000 - 86_400)  # not extended
    app.clock.advance(5_184_000)
    late = call(server, "/auth/token/refresh", {"refresh_token": again["refresh_token"]})
    refused(late, "IllegalRefreshToken")


def test_token_settings(server: SandboxServer, app: AlibabaSandbox) -> None:
    app.configure(token_numbers="number", refresh_rotates=False, access_ttl=3600)
    first = grant(server)
    assert first["expires_in"] == 3600 and isinstance(first["refresh_expires_in"], int)
    again = ok(call(server, "/auth/token/refresh", {"refresh_token": first["refresh_token"]}))
    assert again["refresh_token"] == first["refresh_token"]
    ok(call(server, "/auth/token/refresh", {"refresh_token": first["refresh_token"]}))
