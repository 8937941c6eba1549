"""Fixtures and helpers the Alibaba.com sandbox tests share: a sandbox served on 127.0.0.1,
its app, signed calls in every URL style, a seller token, and a valid listing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from listsync_alibaba.sandbox.app import APP_KEY, APP_SECRET, AlibabaSandbox
from listsync_alibaba.sandbox.base import sign
from listsync_alibaba.sandbox.catalog import WAREHOUSE_CODE

from listsync.sandbox.harness import SandboxServer

REDIRECT = "http://127.0.0.1:9/callback"
TIMEOUT = 10
GREEN_TEA = 100002221
# the smallest PNG: the photobank checks the signature bytes
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7"
    b"\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(AlibabaSandbox()) as server:
        yield server


@pytest.fixture
def app(server: SandboxServer) -> AlibabaSandbox:
    assert isinstance(server.app, AlibabaSandbox)
    return server.app


def now_ms() -> str:
    return str(int(time.time() * 1000))


def wire(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def signed(
    api: str, params: dict[str, Any] | None = None, token: str | None = None, **system: str
) -> dict[str, str]:
    values = {name: wire(value) for name, value in (params or {}).items()}
    values.update(app_key=APP_KEY, sign_method="sha256", timestamp=now_ms(), format="json")
    if token is not None:
        values["access_token"] = token
    values.update(system)
    values["sign"] = sign(api, values, APP_SECRET)
    return values


def call(
    server: SandboxServer,
    api: str,
    params: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    style: str = "",
    where: str = "form",
    files: dict[str, Any] | None = None,
) -> requests.Response:
    """One signed call. ``style`` "method" posts to /rest with ``method=<api>`` (the SDK's
    way), "sync" to /sync with ``method``, "path" appends a path-style name to /rest; by
    default path-style names use "path" and TOP names "sync". ``where``: "form", "query"
    or "split" (system parameters in the query, the rest in the body)."""
    style = style or ("path" if api.startswith("/") else "sync")
    extra = {} if style == "path" else {"method": api}
    values = signed(api, params, token, **extra)
    url = server.root_url + {"path": "/rest" + api, "method": "/rest", "sync": "/sync"}[style]
    if where == "query":
        return requests.post(url, params=values, files=files, timeout=TIMEOUT)
    if where == "split":
        system = ("app_key", "sign_method", "timestamp", "sign", "method", "access_token")
        query = {k: v for k, v in values.items() if k in system}
        body = {k: v for k, v in values.items() if k not in system}
        return requests.post(url, params=query, data=body, files=files, timeout=TIMEOUT)
    return requests.post(url, data=values, files=files, timeout=TIMEOUT)


def ok(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body.get("code") == "0", body
    return body


def refused(response: requests.Response, code: str = "InvalidParameter") -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body.get("code") == code, body
    assert {"type", "code", "message", "request_id"} <= set(body)
    return body


def consent(server: SandboxServer, **extra: str) -> requests.Response:
    query = {"response_type": "code", "redirect_uri": REDIRECT, "client_id": APP_KEY, **extra}
    return requests.get(
        server.root_url + "/oauth/authorize", params=query, allow_redirects=False, timeout=TIMEOUT
    )


def redirected(response: requests.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert location.startswith(REDIRECT)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def grant(server: SandboxServer) -> dict[str, Any]:
    code = redirected(consent(server))["code"]
    return ok(call(server, "/auth/token/create", {"code": code}))


class Seller:
    """Signed seller calls with one access token."""

    def __init__(self, server: SandboxServer) -> None:
        self.server = server
        self.token = str(grant(server)["access_token"])

    def call(self, api: str, params: dict[str, Any] | None = None, **how: Any) -> requests.Response:
        return call(self.server, api, params, token=self.token, **how)

    def ok(self, api: str, params: dict[str, Any] | None = None, **how: Any) -> dict[str, Any]:
        return ok(self.call(api, params, **how))

    def upload(self, data: bytes = PNG, name: str = "tea.png") -> str:
        files = {"image_bytes": (name, data, "image/png")}
        body = self.ok("alibaba.icbu.photobank.upload", {"file_name": name}, files=files)
        return str(body["upload_image_response"]["photobank_url"])


@pytest.fixture
def seller(server: SandboxServer) -> Seller:
    return Seller(server)


def listing(image: str, *skus: str, **changes: Any) -> dict[str, Any]:
    """A valid wholesale listing of green tea: one SKU per seller SKU (a weight each when
    there are several), USD 12.50 each, 10 in stock, a three-tier ladder. A change to None
    leaves the parameter out."""
    skus = skus or ("LT-100",)
    rows = []
    for index, code in enumerate(skus):
        row: dict[str, Any] = {
            "sku_code": code,
            "inventory_dto_list": [{"store_code": WAREHOUSE_CODE, "current_inventory": 10}],
        }
        if len(skus) > 1:
            row["attributes"] = [{"attribute_id": 101, "value_name": f"{100 * (index + 1)}g"}]
        rows.append(row)
    params: dict[str, Any] = {
        "category_id": GREEN_TEA,
        "subject": "West Lake Lotus Green Tea Gift Box 250g",
        "description": "<p>Green tea scented with Bach Diep lotus flowers.</p>",
        "keywords": ["lotus tea", "green tea", "vietnam tea"],
        "language": "ENGLISH",
        "product_type": "wholesale",
        "main_image": {"images": [image], "watermark": False},
        "attributes": [
            {"attribute_id": 1, "value_name": "Sen Tay Ho"},
            {"attribute_id": 2, "value_id": 9441741},
            {"attribute_name": "Shelf Life", "value_name": "24 months"},
        ],
        "product_sku": {"special_skus": rows},
        "wholesale_trade": {
            "price": "12.50",
            "unit_type": "Box",
            "min_order_quantity": 2,
            "handling_time": 7,
            "weight": "0.350",
            "package_size": "20*10*8",
            "sale_type": "normal",
        },
        "bulk_discount_prices": [
            {"start_quantity": 2, "price": "12.50"},
            {"start_quantity": 50, "price": "11.00"},
            {"start_quantity": 200, "price": "9.75"},
        ],
    }
    params.update(changes)
    return {name: value for name, value in params.items() if value is not None}


def publish(seller: Seller, *skus: str, **changes: Any) -> str:
    """Add a listing (approved at once with the default settings): its product_id."""
    body = seller.ok("alibaba.icbu.product.add", listing(seller.upload(), *skus, **changes))
    return str(body["product_id"])


def skus_of(seller: Seller, product_id: str) -> dict[str, int]:
    """sku_code → sku_id of a product."""
    product = seller.ok("alibaba.icbu.product.get", {"product_id": product_id})["product"]
    return {s["sku_code"]: int(s["sku_id"]) for s in product["product_sku"]["skus"]}


def stock(seller: Seller, product_id: str) -> dict[str, int]:
    """sku_code → inventory, read through product.inventory.get."""
    body = seller.ok("alibaba.icbu.product.inventory.get", {"product_id": product_id})
    assert body["result"]["success"] is True
    return {row["sku_code"]: row["inventory"] for row in body["result"]["data_list"]}


def control(server: SandboxServer, path: str, body: Any = None) -> requests.Response:
    return requests.post(server.root_url + "/_sandbox/" + path, json=body, timeout=TIMEOUT)
