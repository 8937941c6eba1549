"""Alibaba.com's signatures against the vectors of docs/marketplaces/alibaba.md §4.2."""

from __future__ import annotations

from pathlib import Path

from listsync_alibaba.signing import sign, sign_top, string_to_sign

from listsync.channel.contract import ChannelContext
from listsync.channel.tokens import MemoryTokenStore
from listsync.clock import SystemClock
from tests.adapters.alibaba.client_support import settings_for

VECTOR = {
    "app_key": "12345678",
    "code": "3_500102_JxZ05Ux3cnnSSUm6dCxYg6Q26",
    "sign_method": "sha256",
    "timestamp": "1517820392000",
}
TOP = {
    "app_key": "12345678",
    "current_page": "1",
    "format": "json",
    "language": "ENGLISH",
    "method": "alibaba.icbu.product.list",
    "page_size": "10",
    "session": "test",
    "sign_method": "md5",
    "timestamp": "2016-01-01 12:00:00",
    "v": "2.0",
}


def test_the_iop_vector_of_a_path_style_api() -> None:
    assert string_to_sign("/auth/token/create", VECTOR) == (
        "/auth/token/createapp_key12345678code3_500102_JxZ05Ux3cnnSSUm6dCxYg6Q26"
        "sign_methodsha256timestamp1517820392000"
    )
    assert sign("/auth/token/create", VECTOR, "helloworld") == (
        "35607762342831B6A417A0DED84B79C05FEFBF116969C48AD6DC00279A9F4D81"
    )


def test_sign_itself_is_never_signed() -> None:
    with_sign = {**VECTOR, "sign": "ANYTHING"}
    assert sign("/auth/token/create", with_sign, "helloworld") == sign(
        "/auth/token/create", VECTOR, "helloworld"
    )


def test_a_top_style_name_is_not_prefixed() -> None:
    params = {**VECTOR, "method": "alibaba.icbu.product.list"}
    assert string_to_sign("alibaba.icbu.product.list", params).startswith("app_key12345678")
    assert sign("alibaba.icbu.product.list", params, "helloworld") != sign(
        "/alibaba.icbu.product.list", params, "helloworld"
    )


def test_the_top_router_vectors() -> None:
    assert sign_top(TOP, "helloworld", "md5") == "C6F7375F3B7204E82AA71A4F9130FCE7"
    hmac_params = {**TOP, "sign_method": "hmac"}
    assert sign_top(hmac_params, "helloworld", "hmac") == "3B34619B5AA2BA60F090BF5AEB4757D3"


def test_the_client_signs_every_call_afresh_with_its_own_parameters(tmp_path: Path) -> None:
    """What the client sends: the system parameters, JSON for objects, a sign over all."""
    from listsync_alibaba.client import AlibabaClient
    from listsync_alibaba.sandbox.app import AlibabaSandbox

    from listsync.sandbox.harness import SandboxServer

    with SandboxServer(AlibabaSandbox()) as server:
        settings = settings_for(server)
    context = ChannelContext(tokens=MemoryTokenStore(), clock=SystemClock(), workspace=tmp_path)
    client = AlibabaClient(settings, context, rate=5, wall_clock=lambda: 1517820392.0)
    signed = client.signed("/auth/token/create", {"code": VECTOR["code"], "n": [1, 2]}, None)
    assert signed["timestamp"] == "1517820392000" and signed["sign_method"] == "sha256"
    assert signed["n"] == "[1,2]" and signed["method"] == "/auth/token/create"
    assert signed["sign"] == sign(
        "/auth/token/create", signed, settings.app_secret.get_secret_value()
    )
    assert client.where("/auth/token/create") == (settings.base_url, "/auth/token/create")
    assert client.where("alibaba.icbu.product.add") == (client.sync_url, "")
    assert client.sync_url.endswith("/sync") and not client.sync_url.endswith("/rest/sync")
    client.close()
