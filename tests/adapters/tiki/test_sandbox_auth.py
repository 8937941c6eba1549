"""The Tiki sandbox's OAuth 2.0 server: consent page, token endpoint, refusals (RFC 6749)."""

from __future__ import annotations

import requests
from listsync_tiki.sandbox.app import TikiSandbox
from listsync_tiki.sandbox.auth import CLIENT_ID, CLIENT_SECRET

from listsync.sandbox.harness import SandboxServer
from tests.adapters.tiki.conftest import (
    REDIRECT,
    TIMEOUT,
    Tiki,
    consent,
    grant,
    redirected,
    token_call,
)


def oauth_error(response: requests.Response, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "error_description"}
    assert body["error"] == error and body["error_description"]


def test_consent_page_redirects_at_once_with_code_scope_and_state(server: SandboxServer) -> None:
    query = redirected(consent(server, state="xyz-12345"))
    assert query["code"] and query["state"] == "xyz-12345"
    assert query["scope"] == "offline product order inventory"


def test_consent_page_refusals(server: SandboxServer) -> None:
    query = redirected(consent(server, state="short"))
    assert query["error"] == "invalid_state" and "code" not in query
    query = redirected(consent(server, response_type="token"))
    assert query["error"] == "unsupported_response_type"
    assert query["state"] == "state-1234"
    query = redirected(consent(server, scope="product everything"))
    assert query["error"] == "invalid_scope"
    oauth_error(consent(server, client_id="999"), 401, "invalid_client")
    oauth_error(consent(server, redirect_uri="ftp://example.com/cb"), 400, "invalid_request")


def test_registered_redirect_uris_are_enforced(server: SandboxServer, app: TikiSandbox) -> None:
    app.configure(redirect_uris=["https://shop.example.vn/tiki/callback"])
    oauth_error(consent(server), 400, "invalid_request")
    app.configure(redirect_uris=[REDIRECT])
    assert "code" in redirected(consent(server))


def test_code_exchange_with_basic_header_or_body_secret(server: SandboxServer) -> None:
    reply = grant(server)
    assert set(reply) == {"access_token", "expires_in", "refresh_token", "scope", "token_type"}
    assert (reply["expires_in"], reply["token_type"]) == (3600, "bearer")
    code = redirected(consent(server))["code"]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    answer = token_call(server, form, basic=False)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"


def test_token_endpoint_refusals(server: SandboxServer) -> None:
    code = redirected(consent(server))["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    wrong = requests.post(
        server.root_url + "/sc/oauth2/token", data=form, auth=(CLIENT_ID, "nope"), timeout=TIMEOUT
    )
    oauth_error(wrong, 401, "invalid_client")
    assert wrong.headers["WWW-Authenticate"].startswith("Basic")
    oauth_error(token_call(server, form, basic=False), 401, "invalid_client")
    both = token_call(server, {**form, "client_secret": CLIENT_SECRET})
    oauth_error(both, 400, "invalid_request")
    oauth_error(token_call(server, {**form, "client_id": "123"}), 401, "invalid_client")
    oauth_error(token_call(server, {"code": code}), 400, "invalid_request")
    oauth_error(
        token_call(server, {**form, "grant_type": "password"}), 400, "unsupported_grant_type"
    )
    mismatch = {**form, "redirect_uri": "http://127.0.0.1:9/other"}
    oauth_error(token_call(server, mismatch), 400, "invalid_grant")
    as_json = requests.post(
        server.root_url + "/sc/oauth2/token",
        json=form,
        auth=(CLIENT_ID, CLIENT_SECRET),
        timeout=TIMEOUT,
    )
    oauth_error(as_json, 400, "invalid_request")
    assert token_call(server, form).status_code == 200
    oauth_error(token_call(server, form), 400, "invalid_grant")  # a code works once
    oauth_error(token_call(server, {**form, "code": "made-up"}), 400, "invalid_grant")
    oauth_error(token_call(server, {"grant_type": "refresh_token"}), 400, "invalid_request")
    assert requests.get(server.root_url + "/sc/oauth2/token", timeout=TIMEOUT).status_code == 405


def test_code_expires_on_the_sandbox_clock(server: SandboxServer, app: TikiSandbox) -> None:
    code = redirected(consent(server))["code"]
    app.clock.advance(601)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    oauth_error(token_call(server, form), 400, "invalid_grant")


def test_refresh_issues_a_new_refresh_token_and_spends_the_old(server: SandboxServer) -> None:
    first = grant(server)
    form = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    second = token_call(server, {**form, "client_id": CLIENT_ID})
    assert second.status_code == 200, second.text
    renewed = second.json()
    assert renewed["refresh_token"] != first["refresh_token"]
    assert renewed["access_token"] != first["access_token"]
    oauth_error(token_call(server, form), 400, "invalid_grant")
    secret_in_body = {
        "grant_type": "refresh_token",
        "refresh_token": renewed["refresh_token"],
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    assert token_call(server, secret_in_body, basic=False).status_code == 200
    old_access = Tiki(server, first["access_token"])
    assert old_access.get("/integration/v2/sellers/me").status_code == 200  # not revoked


def test_old_refresh_token_keeps_working_when_so_set(
    server: SandboxServer, app: TikiSandbox
) -> None:
    app.configure(old_refresh_valid=True)
    first = grant(server)
    form = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    again = [token_call(server, form) for _ in range(2)]
    assert [r.status_code for r in again] == [200, 200]
    assert again[0].json()["refresh_token"] != again[1].json()["refresh_token"]


def test_refresh_token_expires(server: SandboxServer, app: TikiSandbox) -> None:
    app.configure(refresh_ttl=7200)
    first = grant(server)
    app.clock.advance(7201)
    form = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    oauth_error(token_call(server, form), 400, "invalid_grant")


def test_no_refresh_token_without_offline_scope(server: SandboxServer, app: TikiSandbox) -> None:
    assert "refresh_token" not in grant(server, scope="product order")
    app.configure(refresh_needs_offline=False)
    assert "refresh_token" in grant(server, scope="product order")


def test_client_credentials_for_in_house_apps(server: SandboxServer) -> None:
    answer = token_call(server, {"grant_type": "client_credentials"})
    assert answer.status_code == 200, answer.text
    reply = answer.json()
    assert "refresh_token" not in reply
    assert set(reply["scope"].split()) == {"product", "order", "inventory", "multichannel"}
    tiki = Tiki(server, reply["access_token"])
    assert tiki.get("/integration/v2/orders").status_code == 200
    narrow = token_call(server, {"grant_type": "client_credentials", "scope": "product"}).json()
    assert Tiki(server, narrow["access_token"]).get("/integration/v2/orders").status_code == 403
    oauth_error(
        token_call(server, {"grant_type": "client_credentials", "scope": "admin"}),
        400,
        "invalid_scope",
    )


def test_token_auth_method_can_insist_on_one_way(server: SandboxServer, app: TikiSandbox) -> None:
    app.configure(token_auth_method="basic")
    body_secret = {
        "grant_type": "client_credentials",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    oauth_error(token_call(server, body_secret, basic=False), 401, "invalid_client")
    assert token_call(server, {"grant_type": "client_credentials"}).status_code == 200
    app.configure(token_auth_method="post")
    oauth_error(token_call(server, {"grant_type": "client_credentials"}), 401, "invalid_client")
    assert token_call(server, body_secret, basic=False).status_code == 200


def test_access_token_expires_after_access_ttl(server: SandboxServer, app: TikiSandbox) -> None:
    tiki = Tiki(server, grant(server)["access_token"])
    assert tiki.get("/integration/v2/products").status_code == 200
    app.clock.advance(3600)
    expired = tiki.get("/integration/v2/products")
    assert expired.status_code == 401
    assert expired.json() == {"errors": ["The authorization (token) is expired"]}
