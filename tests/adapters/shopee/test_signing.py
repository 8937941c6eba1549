"""Signing (docs/marketplaces/shopee.md §1.2 vectors) and the sandbox gateway refusing what
Shopee refuses."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from listsync_shopee import signing
from listsync_shopee.sandbox.app import ShopeeSandbox

from listsync.sandbox.harness import SandboxServer
from tests.adapters.shopee.support import Raw, fresh

KEY = "test_partner_key_123"
ITEMS = "/api/v2/product/get_item_list"
QUERY = {"offset": 0, "page_size": 10, "item_status": "NORMAL"}


def test_public_vector() -> None:
    assert signing.base_string(2001887, "/api/v2/auth/token/get", 1700000000) == (
        "2001887/api/v2/auth/token/get1700000000"
    )
    assert signing.sign(KEY, 2001887, "/api/v2/auth/token/get", 1700000000) == (
        "2d87845318cd41f9bfb68acae9985d334edab66157126a15bbe6b8a4716dd4a5"
    )


def test_shop_vector() -> None:
    sign = signing.sign(
        KEY, 2001887, ITEMS, 1700000000, "c09222e3fc40ffb25fc947f738b1abf1", "600000"
    )
    assert sign == "cb384bc29ced5ac82182cf7702dd21fcce02f72bdd387e4447f7c9ef254244af"


def test_public_paths() -> None:
    assert signing.is_public("/api/v2/media_space/upload_image")
    assert signing.is_public("/api/v2/public/get_shops_by_partner")
    assert not signing.is_public("/api/v2/product/add_item")


@pytest.fixture(scope="module")
def module_server() -> Iterator[SandboxServer]:
    with SandboxServer(ShopeeSandbox()) as server:
        yield server


@pytest.fixture
def raw(module_server: SandboxServer) -> Raw:
    fresh(module_server)
    return Raw(module_server).authorize()


def test_sandbox_checks_the_vector_itself(module_server: SandboxServer) -> None:
    """The sandbox's own HMAC check agrees with the documented vector (partner key swapped in)."""
    app = fresh(module_server)
    app.partner_key, app.partner_id = KEY, 2001887
    try:
        raw = Raw(module_server)
        params = raw.params(signing.TOKEN_GET, shop=False, ts=int(time.time()))
        params["sign"] = signing.sign(KEY, 2001887, signing.TOKEN_GET, params["timestamp"])
        body = {"code": "nope", "partner_id": 2001887, "shop_id": app.shop_id}
        reply = raw.call("POST", signing.TOKEN_GET, shop=False, common=params, json=body)
        assert reply["error"] == "invalid_code"  # past the signature check
    finally:
        app.partner_key, app.partner_id = ShopeeSandbox().partner_key, ShopeeSandbox().partner_id


def test_signed_call_succeeds(raw: Raw) -> None:
    reply = raw.call("GET", ITEMS, query=QUERY)
    assert reply["error"] == "" and reply["message"] == ""
    assert reply["request_id"] and reply["response"]["item"] == []


def _refusal(raw: Raw, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    response = raw.send("GET", ITEMS, query=QUERY, **kwargs)
    body = response.json()
    assert set(body) == {"error", "message", "request_id"}, body
    return response.status_code, body


def test_missing_partner_id(raw: Raw) -> None:
    _status, body = _refusal(raw, drop=("partner_id",))
    assert (body["error"], body["message"]) == (
        "common.error_param",
        "There is no partner_id in query.",
    )


def test_wrong_partner_id(raw: Raw) -> None:
    common = raw.params(ITEMS, shop=True)
    common["partner_id"] = 999
    _status, body = _refusal(raw, common=common)
    assert (body["error"], body["message"]) == ("common.error_param", "Invalid partner_id.")


def test_missing_timestamp(raw: Raw) -> None:
    _status, body = _refusal(raw, drop=("timestamp",))
    assert (body["error"], body["message"]) == ("common.error_param", "no timestamp")


@pytest.mark.parametrize("offset", [-301, 301])
def test_stale_or_future_timestamp(raw: Raw, offset: int) -> None:
    common = raw.params(ITEMS, shop=True, ts=int(time.time()) + offset)
    _status, body = _refusal(raw, common=common)
    assert (body["error"], body["message"]) == ("common.error_param", "Invalid timestamp")


def test_timestamp_within_five_minutes(raw: Raw) -> None:
    common = raw.params(ITEMS, shop=True, ts=int(time.time()) - 280)
    assert raw.call("GET", ITEMS, query=QUERY, common=common)["error"] == ""


def test_missing_sign(raw: Raw) -> None:
    _status, body = _refusal(raw, drop=("sign",))
    assert (body["error"], body["message"]) == ("common.error_param", "There is no sign in query.")


@pytest.mark.parametrize("how", ["uppercase", "wrong key", "public form for a shop call"])
def test_wrong_sign(raw: Raw, how: str) -> None:
    common = raw.params(ITEMS, shop=True)
    if how == "uppercase":
        common["sign"] = common["sign"].upper()
    elif how == "wrong key":
        common["sign"] = raw.params(ITEMS, shop=True, key="not-the-key")["sign"]
    else:
        common["sign"] = signing.sign(
            raw.app.partner_key, raw.app.partner_id, ITEMS, common["timestamp"]
        )
    _status, body = _refusal(raw, common=common)
    assert (body["error"], body["message"]) == ("common.error_sign", "Wrong sign.")


def test_sign_covers_the_path(raw: Raw) -> None:
    common = raw.params("/api/v2/product/search_item", shop=True)
    _status, body = _refusal(raw, common=common)
    assert body["error"] == "common.error_sign"


def test_missing_access_token(raw: Raw) -> None:
    _status, body = _refusal(raw, drop=("access_token",))
    assert (body["error"], body["message"]) == (
        "common.error_param",
        "There is no access_token in query.",
    )


def test_unknown_access_token(raw: Raw) -> None:
    raw.access_token = "0" * 32
    _status, body = _refusal(raw)
    assert (body["error"], body["message"]) == ("common.error_auth", "Invalid access_token.")


def test_expired_access_token(raw: Raw) -> None:
    raw.app.clock.advance(4 * 3600 + 1)
    _status, body = _refusal(raw)
    assert (body["error"], body["message"]) == ("common.error_auth", "Invalid access_token.")


def test_wrong_shop(raw: Raw) -> None:
    common = raw.params(ITEMS, shop=True)
    common["shop_id"] = "1"
    common["sign"] = signing.sign(
        raw.app.partner_key, raw.app.partner_id, ITEMS, common["timestamp"], raw.access_token, "1"
    )
    _status, body = _refusal(raw, common=common)
    assert (body["error"], body["message"]) == ("common.error_shop", "shopid is invalid")


def test_public_call_ignores_shop_params(raw: Raw) -> None:
    ids = raw.upload(b"\x89PNG\r\n\x1a\n" + b"\0" * 10)
    assert len(ids) == 1 and ids[0].startswith("vn-")


@pytest.mark.parametrize("status", [200, 400, 403])
def test_error_http_status_is_a_setting(raw: Raw, status: int) -> None:
    raw.app.configure(error_http_status=status)
    code, body = _refusal(raw, drop=("sign",))
    assert code == status and body["error"] == "common.error_param"


def test_success_is_200_in_every_mode(raw: Raw) -> None:
    raw.app.configure(error_http_status=400)
    assert raw.send("GET", ITEMS, query=QUERY).status_code == 200


def test_unknown_path_answers_in_shopee_shape(raw: Raw) -> None:
    response = raw.send("GET", "/api/v2/product/no_such_call")
    assert response.status_code == 404 and response.json()["error"] == "error_not_found"
