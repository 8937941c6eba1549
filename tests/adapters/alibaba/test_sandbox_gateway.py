"""The Alibaba.com sandbox's gateway: the signature and its vector, both URL styles,
parameters anywhere, timestamps, tokens, the rate limit, envelopes and the control API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests
from listsync_alibaba.sandbox.app import APP_KEY, APP_SECRET, AlibabaSandbox
from listsync_alibaba.sandbox.base import CHINA, sign, string_to_sign
from listsync_alibaba.sandbox.catalog import SELLER_ID, WAREHOUSE_CODE

from listsync.sandbox.harness import SandboxServer
from tests.adapters.alibaba.conftest import (
    PNG,
    TIMEOUT,
    Seller,
    call,
    ok,
    refused,
    signed,
)

LIST = "alibaba.icbu.product.list"


def test_self_computed_vector_of_alibaba_md() -> None:
    """docs/marketplaces/alibaba.md §4.2: path-style names are prefixed with the path."""
    params = {
        "app_key": "12345678",
        "code": "3_500102_JxZ05Ux3cnnSSUm6dCxYg6Q26",
        "sign_method": "sha256",
        "timestamp": "1517820392000",
    }
    assert string_to_sign("/auth/token/create", params) == (
        "/auth/token/createapp_key12345678code3_500102_JxZ05Ux3cnnSSUm6dCxYg6Q26"
        "sign_methodsha256timestamp1517820392000"
    )
    expected = "35607762342831B6A417A0DED84B79C05FEFBF116969C48AD6DC00279A9F4D81"
    assert sign("/auth/token/create", params, "helloworld") == expected
    assert sign("/auth/token/create", {**params, "sign": expected}, "helloworld") == expected
    # a TOP-style name is not prefixed
    dotted = {"app_key": "12345678", "method": "alibaba.icbu.product.list"}
    assert string_to_sign("alibaba.icbu.product.list", dotted) == (
        "app_key12345678methodalibaba.icbu.product.list"
    )


def test_describe_gives_exactly_the_keys_the_client_reads(server: SandboxServer) -> None:
    root = server.root_url
    assert server.app.describe(root) == {
        "base_url": root + "/rest",
        "authorize_url": root + "/oauth/authorize",
        "app_key": APP_KEY,
        "app_secret": APP_SECRET,
        "shop_id": SELLER_ID,
        "inventory_code": WAREHOUSE_CODE,
    }
    assert server.describe()["channel"] == "alibaba"


@pytest.mark.parametrize("style", ["sync", "method"])
@pytest.mark.parametrize("where", ["form", "query", "split"])
def test_top_names_in_every_style_and_place(seller: Seller, style: str, where: str) -> None:
    body = seller.ok(LIST, {"language": "ENGLISH"}, style=style, where=where)
    assert body["products"] == [] and body["total_item"] == 0
    assert body["code"] == "0" and isinstance(body["request_id"], str)


@pytest.mark.parametrize("style", ["path", "method"])
def test_path_names_by_url_or_by_method(seller: Seller, style: str) -> None:
    body = seller.ok("/alibaba/order/list", {"role": "seller"}, style=style)
    assert body["value"] == {"total_count": "0", "order_list": []}


def test_path_twins_of_top_names(seller: Seller) -> None:
    body = seller.ok("/alibaba/icbu/product/list", {"language": "ENGLISH"})
    assert body["total_item"] == 0


def test_path_in_url_and_method_beside_it(server: SandboxServer, seller: Seller) -> None:
    """The client's way: the path appended to the URL and ``method`` carrying it, signed."""
    values = signed(
        "/alibaba/order/list", {"role": "seller"}, seller.token, method="/alibaba/order/list"
    )
    response = requests.post(server.root_url + "/rest/alibaba/order/list", data=values, timeout=10)
    assert ok(response)["value"]["total_count"] == "0"


def test_multipart_signs_the_form_fields_not_the_file(seller: Seller) -> None:
    url = seller.upload(PNG, "lotus.png")
    assert url.startswith("https://sc04.alicdn.com/kf/") and url.endswith(".png")


def test_path_style_must_be_signed_with_its_path(server: SandboxServer, seller: Seller) -> None:
    values = signed("alibaba.order.list", {"role": "seller"}, seller.token)  # no "/" prefix
    response = requests.post(server.root_url + "/rest/alibaba/order/list", data=values, timeout=10)
    refused(response, "IncompleteSignature")


def test_bad_or_missing_signature(server: SandboxServer, seller: Seller) -> None:
    values = signed(LIST, {"language": "ENGLISH"}, seller.token, method=LIST)
    tampered = {**values, "page_size": "5"}  # a parameter added after signing
    body = refused(
        requests.post(server.root_url + "/sync", data=tampered, timeout=10), "IncompleteSignature"
    )
    assert set(body) == {"type", "code", "message", "request_id"} and body["type"] == "ISV"
    lowered = {**values, "sign": values["sign"].lower()}
    refused(
        requests.post(server.root_url + "/sync", data=lowered, timeout=10), "IncompleteSignature"
    )
    del values["sign"]
    body = refused(
        requests.post(server.root_url + "/sync", data=values, timeout=10), "MissingParameter"
    )
    assert "sign" in body["message"]


@pytest.mark.parametrize("name", ["app_key", "sign_method", "timestamp", "method"])
def test_missing_system_parameters(server: SandboxServer, seller: Seller, name: str) -> None:
    values = signed(LIST, {"language": "ENGLISH"}, seller.token, method=LIST)
    del values[name]
    values["sign"] = sign(LIST, {k: v for k, v in values.items() if k != "sign"}, APP_SECRET)
    body = refused(
        requests.post(server.root_url + "/sync", data=values, timeout=10), "MissingParameter"
    )
    assert name in body["message"]


def test_wrong_app_key_or_sign_method(server: SandboxServer, seller: Seller) -> None:
    for change in ({"app_key": "999"}, {"sign_method": "md5"}):
        values = signed(LIST, {"language": "ENGLISH"}, seller.token, method=LIST, **change)
        body = refused(requests.post(server.root_url + "/sync", data=values, timeout=10))
        assert next(iter(change)) in body["message"]


def test_stale_or_malformed_timestamp(server: SandboxServer, seller: Seller) -> None:
    stale = str(int((datetime.now(UTC) - timedelta(minutes=11)).timestamp() * 1000))
    for value in (stale, "yesterday"):
        values = signed(LIST, {"language": "ENGLISH"}, seller.token, method=LIST, timestamp=value)
        body = refused(requests.post(server.root_url + "/sync", data=values, timeout=10))
        assert "timestamp" in body["message"]
    server.app.configure(timestamp_window=7200)  # a setting: now 11 minutes pass
    values = signed(LIST, {"language": "ENGLISH"}, seller.token, method=LIST, timestamp=stale)
    ok(requests.post(server.root_url + "/sync", data=values, timeout=10))
    # TOP's own format (GMT+8) is read too
    top = datetime.now(CHINA).strftime("%Y-%m-%d %H:%M:%S")
    values = signed(LIST, {"language": "ENGLISH"}, seller.token, method=LIST, timestamp=top)
    ok(requests.post(server.root_url + "/sync", data=values, timeout=10))


def test_moving_the_sandbox_clock_keeps_signatures_valid(
    app: AlibabaSandbox, seller: Seller
) -> None:
    app.clock.advance(3 * 86_400)  # tokens last 10 days: still valid, and timestamps too
    seller.ok(LIST, {"language": "ENGLISH"})


def test_access_tokens(server: SandboxServer, app: AlibabaSandbox, seller: Seller) -> None:
    refused(call(server, LIST, {"language": "ENGLISH"}), "MissingParameter")
    refused(call(server, LIST, {"language": "ENGLISH"}, token="nope"), "IllegalAccessToken")
    # TOP's name for it, "session", is read as well
    values = signed(LIST, {"language": "ENGLISH"}, None, method=LIST, session=seller.token)
    ok(requests.post(server.root_url + "/sync", data=values, timeout=10))
    app.clock.advance(864_000 + 1)
    refused(seller.call(LIST, {"language": "ENGLISH"}), "IllegalAccessToken")


def test_rate_limit_is_api_call_limit_with_a_ban(app: AlibabaSandbox, seller: Seller) -> None:
    app.configure(rate_per_second=3, ban_seconds=2)
    answers = [seller.call(LIST, {"language": "ENGLISH"}).json() for _ in range(5)]
    assert [a["code"] for a in answers[:3]] == ["0", "0", "0"]
    limited = answers[3]
    assert limited["code"] == "ApiCallLimit" and limited["type"] == "ISP"
    assert "this ban will last 2 seconds" in limited["message"]
    assert answers[4]["code"] == "ApiCallLimit"  # banned, whatever the window says
    assert app.state()["throttled"] == 2


def test_unknown_api_names_and_paths(server: SandboxServer, seller: Seller) -> None:
    refused(seller.call("alibaba.icbu.product.nothing"), "InvalidApiPath")
    body = requests.post(server.root_url + "/rest/no/such/api", data={}, timeout=10).json()
    assert body["code"] == "InvalidApiPath"


def test_error_status_is_a_setting(app: AlibabaSandbox, seller: Seller) -> None:
    app.configure(error_status=400)
    response = seller.call(LIST, {"language": "GERMAN"})
    assert response.status_code == 400 and response.json()["code"] == "InvalidParameter"
    with pytest.raises(ValueError):
        app.configure(error_status=429)


def test_wrapped_envelope_for_top_names(app: AlibabaSandbox, seller: Seller) -> None:
    app.configure(sync_envelope="wrapped")
    body = seller.call(LIST, {"language": "ENGLISH"}).json()
    assert body["alibaba_icbu_product_list_response"]["total_item"] == 0
    error = seller.call(LIST, {"language": "GERMAN"}).json()["error_response"]
    assert error["code"] == "InvalidParameter" and error["msg"] and error["request_id"]
    # path-style names keep the flat envelope
    assert seller.ok("/alibaba/order/list", {"role": "seller"})["value"]["total_count"] == "0"


def test_settings_route(server: SandboxServer) -> None:
    url = server.root_url + "/_sandbox/settings"
    shown = requests.get(url, timeout=TIMEOUT).json()["settings"]
    assert shown["product_page_max"] == 30 and shown["below_zero"] == "refuse"
    changed = requests.post(url, json={"below_zero": "clamp"}, timeout=TIMEOUT).json()
    assert changed["settings"]["below_zero"] == "clamp"
    assert requests.post(url, json={"below_zero": "maybe"}, timeout=TIMEOUT).status_code == 400
    assert requests.post(url, json={"nonsense": 1}, timeout=TIMEOUT).status_code == 400


def test_request_log_and_reset(server: SandboxServer, seller: Seller) -> None:
    seller.ok(LIST, {"language": "ENGLISH"})
    logged = requests.get(server.root_url + "/_sandbox/requests", timeout=TIMEOUT).json()
    assert [r["path"] for r in logged["requests"]][-1] == "/sync"
    assert logged["requests"][-1]["params"]["method"] == LIST
    requests.post(server.root_url + "/_sandbox/reset", timeout=TIMEOUT).raise_for_status()
    refused(seller.call(LIST, {"language": "ENGLISH"}), "IllegalAccessToken")  # tokens gone
