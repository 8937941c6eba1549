"""The Lazada sandbox's gateway: signature, timestamp, tokens, limits, error shape."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
import requests
from listsync_lazada.sandbox.app import APP_SECRET, SELLER_ID, LazadaSandbox
from listsync_lazada.settings import LazadaSettings
from listsync_lazada.signing import sign, string_to_sign

from listsync.sandbox.harness import SandboxServer
from tests.adapters.lazada.support import grant, png, raw_call, signed_params


@pytest.fixture
def token(server: SandboxServer) -> str:
    return str(grant(server)["access_token"])


def test_official_signature_vector() -> None:
    params = {
        "app_key": "123456",
        "access_token": "test",
        "timestamp": "1517820392000",
        "sign_method": "sha256",
        "order_id": "1234",
    }
    assert string_to_sign("/order/get", params) == (
        "/order/getaccess_tokentestapp_key123456order_id1234sign_methodsha256timestamp1517820392000"
    )
    expected = "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A"
    assert sign("/order/get", params, "helloworld") == expected
    assert sign("/order/get", {**params, "sign": expected}, "helloworld") == expected


def test_success_shape_has_string_code(server: SandboxServer, token: str) -> None:
    body = raw_call(server, "/products/get", {"filter": "all"}, token=token).json()
    assert body["code"] == "0" and isinstance(body["code"], str)
    assert body["request_id"] and body["data"] == {"total_products": 0, "products": []}


@pytest.mark.parametrize(
    ("method", "where"), [("GET", "query"), ("POST", "form"), ("POST", "query"), ("POST", "split")]
)
def test_parameters_in_query_or_form_body(
    server: SandboxServer, token: str, method: str, where: str
) -> None:
    response = raw_call(
        server,
        "/orders/get",
        {"created_after": "2024-01-01T00:00:00+07:00"},
        token=token,
        method=method,
        where=where,
    )
    assert response.json()["code"] == "0", response.text


def test_multipart_upload_signs_form_fields_not_the_file(server: SandboxServer, token: str) -> None:
    files = {"image": ("a.png", png(), "image/png")}
    body = raw_call(server, "/image/upload", token=token, method="POST", files=files).json()
    assert body["code"] == "0", body
    assert body["data"]["image"]["url"].startswith("https://")


def test_missing_sign_is_missing_parameter(server: SandboxServer, token: str) -> None:
    values = signed_params("/products/get", token=token)
    del values["sign"]
    body = requests.get(server.root_url + "/rest/products/get", params=values, timeout=5).json()
    assert body["code"] == "MissingParameter" and "sign" in body["message"]
    assert set(body) == {"type", "code", "message", "request_id"}


def test_bad_signature_is_incomplete_signature(server: SandboxServer, token: str) -> None:
    body = raw_call(server, "/products/get", token=token, tamper={"sign": "ABC"}).json()
    assert body["code"] == "IncompleteSignature"
    assert body["message"] == "The request signature does not conform to platform standards"


def test_unknown_parameters_and_payload_are_signed(server: SandboxServer, token: str) -> None:
    values = signed_params("/products/get", {"filter": "all"}, token=token)
    values["surprise"] = "1"  # added after signing
    body = requests.get(server.root_url + "/rest/products/get", params=values, timeout=5).json()
    assert body["code"] == "IncompleteSignature"
    payload = json.dumps({"Request": {"Product": {"Skus": {"Sku": []}}}})
    tampered = raw_call(
        server,
        "/product/price_quantity/update",
        {"payload": payload},
        token=token,
        method="POST",
        tamper={"payload": payload + " "},
    )
    assert tampered.json()["code"] == "IncompleteSignature"


def test_timestamp_in_ms_or_iso_within_7200_seconds(server: SandboxServer, token: str) -> None:
    iso = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert raw_call(server, "/products/get", token=token, timestamp=iso).json()["code"] == "0"
    old = str(int((datetime.now(UTC) - timedelta(seconds=7300)).timestamp() * 1000))
    body = raw_call(server, "/products/get", token=token, timestamp=old).json()
    assert body["code"] == "InvalidParameter" and "timestamp" in body["message"]


def test_access_token_required_and_checked(server: SandboxServer, token: str) -> None:
    assert raw_call(server, "/products/get").json()["code"] == "MissingParameter"
    body = raw_call(server, "/products/get", token="nope").json()
    assert body["code"] == "IllegalAccessToken"
    assert body["message"] == "The specified access token is invalid or expired"


def test_hmac_sign_method_is_hmac_md5() -> None:
    """The guide's Java sample signs ``sign_method=hmac`` with encryptWithHmac (HMAC-MD5,
    32 hex digits as in its ``sign_method=hmac`` sample request); the value is computed
    from the official vector's string with Python's hmac."""
    params = {
        "app_key": "123456",
        "access_token": "test",
        "timestamp": "1517820392000",
        "sign_method": "hmac",
        "order_id": "1234",
    }
    text = string_to_sign("/order/get", params)
    expected = hmac.new(b"helloworld", text.encode(), hashlib.md5).hexdigest().upper()
    assert sign("/order/get", params, "helloworld", "hmac") == expected
    assert len(expected) == 32


@pytest.mark.parametrize("method", ["sha256", "hmac", "HMAC"])
def test_sign_methods_the_guide_accepts(server: SandboxServer, token: str, method: str) -> None:
    values = signed_params("/products/get", {"filter": "all"}, token=token)
    values["sign_method"] = method
    values["sign"] = sign("/products/get", values, APP_SECRET, method)
    body = requests.get(server.root_url + "/rest/products/get", params=values, timeout=5).json()
    assert body["code"] == "0", body
    values["sign"] = sign(
        "/products/get", values, APP_SECRET, "sha256" if method != "sha256" else "hmac"
    )
    body = requests.get(server.root_url + "/rest/products/get", params=values, timeout=5).json()
    assert body["code"] == "IncompleteSignature"  # signed with the other digest


def test_unknown_sign_methods_are_refused(server: SandboxServer, token: str) -> None:
    body = raw_call(server, "/products/get", token=token, tamper={"sign_method": "md5"}).json()
    assert body["code"] == "InvalidParameter" and "sign_method" in body["message"]


def test_seller_get(server: SandboxServer, token: str) -> None:
    body = raw_call(server, "/seller/get", token=token).json()
    assert body["code"] == "0", body
    seller = body["data"]
    assert seller["seller_id"] == int(SELLER_ID) and isinstance(seller["seller_id"], int)
    assert {"name", "name_company", "short_code", "logo_url", "email", "cb"} <= set(seller)
    assert (seller["status"], seller["verified"], seller["cb"]) == ("ACTIVE", True, False)
    assert raw_call(server, "/seller/get").json()["code"] == "MissingParameter"


def test_unknown_app_key_is_refused(server: SandboxServer, token: str) -> None:
    body = raw_call(server, "/products/get", token=token, tamper={"app_key": "999"}).json()
    assert body["code"] == "InvalidParameter" and "app_key" in body["message"]


def test_error_http_status_is_a_setting(server: SandboxServer) -> None:
    assert raw_call(server, "/products/get", token="nope").status_code == 200
    app = server.app
    assert isinstance(app, LazadaSandbox)
    app.configure(error_status=400)
    response = raw_call(server, "/products/get", token="nope")
    assert response.status_code == 400 and response.json()["code"] == "IllegalAccessToken"


def test_api_call_limit_bans_for_one_second(server: SandboxServer, token: str) -> None:
    app = server.app
    assert isinstance(app, LazadaSandbox)
    app.configure(rate_limits={"/products/get": 2})
    codes = [raw_call(server, "/products/get", token=token).json()["code"] for _ in range(4)]
    assert codes[:2] == ["0", "0"] and codes[2:] == ["ApiCallLimit", "ApiCallLimit"]
    body = raw_call(server, "/products/get", token=token).json()
    assert body["message"].endswith("this ban will last 1 seconds")


def test_inventory_api_is_limited_to_50_calls_a_second_by_default() -> None:
    app = LazadaSandbox()
    assert app.config.rate_limits == {"/product/price_quantity/update": 50.0}


def test_settings_route_changes_the_sandbox(server: SandboxServer) -> None:
    response = requests.post(
        server.root_url + "/_sandbox/settings", json={"sku_lookup_lag": 30}, timeout=5
    )
    assert response.json()["sku_lookup_lag"] == 30


def test_sandbox_constructor_takes_settings() -> None:
    app = LazadaSandbox(sku_lookup_lag=5, error_status=403)
    assert (app.config.sku_lookup_lag, app.config.error_status) == (5, 403)
    with pytest.raises(ValueError, match="unknown sandbox settings"):
        LazadaSandbox(no_such_setting=1)
    for status in (500, 429, 302):  # the core reads these itself, whatever the body says
        with pytest.raises(ValueError, match="error_status"):
            LazadaSandbox(error_status=status)


def test_describe_keys_are_settings_fields(server: SandboxServer) -> None:
    line = server.describe()
    assert line["channel"] == "lazada"
    keys = set(line) - {"channel"}
    assert keys <= set(LazadaSettings.model_fields)
    assert line["base_url"].endswith("/rest") and line["auth_url"].endswith("/auth/rest")
    LazadaSettings(**{k: line[k] for k in keys})
