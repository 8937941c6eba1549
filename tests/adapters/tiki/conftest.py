"""Fixtures and helpers the Tiki sandbox tests share: a sandbox served on 127.0.0.1, its
app, a bearer client, and a valid product request."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from listsync_tiki.sandbox.app import TikiSandbox
from listsync_tiki.sandbox.auth import CLIENT_ID, CLIENT_SECRET
from listsync_tiki.sandbox.catalog import WAREHOUSE_ID

from listsync.sandbox.harness import SandboxServer

REDIRECT = "http://127.0.0.1:9/callback"
ALL_SCOPES = "offline product order inventory"
TIMEOUT = 10


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(TikiSandbox()) as server:
        yield server


@pytest.fixture
def app(server: SandboxServer) -> TikiSandbox:
    assert isinstance(server.app, TikiSandbox)
    return server.app


def consent(
    server: SandboxServer, scope: str = ALL_SCOPES, state: str = "state-1234", **extra: str
) -> requests.Response:
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": state,
        **extra,
    }
    return requests.get(
        server.root_url + "/sc/oauth2/auth", params=params, allow_redirects=False, timeout=TIMEOUT
    )


def redirected(response: requests.Response) -> dict[str, str]:
    """The query the consent page sent the browser back with."""
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert location.startswith(REDIRECT)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def token_call(
    server: SandboxServer, form: dict[str, str], *, basic: bool = True
) -> requests.Response:
    auth = (CLIENT_ID, CLIENT_SECRET) if basic else None
    return requests.post(
        server.root_url + "/sc/oauth2/token", data=form, auth=auth, timeout=TIMEOUT
    )


def grant(server: SandboxServer, scope: str = ALL_SCOPES) -> dict[str, Any]:
    """A token reply for the sandbox's seller, through the consent page."""
    code = redirected(consent(server, scope))["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    response = token_call(server, {**form, "client_id": CLIENT_ID})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


class Tiki:
    """Calls to the sandbox's seller API with a bearer token."""

    def __init__(self, server: SandboxServer, token: str) -> None:
        self.root = server.root_url
        self.token = token

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **params: Any) -> requests.Response:
        return requests.get(
            self.root + path, params=params, headers=self.headers(), timeout=TIMEOUT
        )

    def post(self, path: str, body: Any = None) -> requests.Response:
        return requests.post(self.root + path, json=body, headers=self.headers(), timeout=TIMEOUT)

    def put(self, path: str, body: Any) -> requests.Response:
        return requests.put(self.root + path, json=body, headers=self.headers(), timeout=TIMEOUT)


@pytest.fixture
def tiki(server: SandboxServer) -> Tiki:
    return Tiki(server, grant(server)["access_token"])


def product_body(
    *skus: str, price: int = 120_000, stock: int = 0, **changes: Any
) -> dict[str, Any]:
    """A valid create request: one variant per SKU (options when there are several)."""
    skus = skus or ("TS-100",)
    several = len(skus) > 1
    variants = []
    for index, sku in enumerate(skus):
        variant: dict[str, Any] = {
            "sku": sku,
            "price": price + index * 10_000,
            "inventory_type": "dropship",
            "seller_warehouse": str(WAREHOUSE_ID),
            "warehouse_stocks": [{"warehouseId": WAREHOUSE_ID, "qtyAvailable": stock}],
        }
        if several:
            variant["option1"] = f"{100 * (index + 1)}g"
        variants.append(variant)
    body: dict[str, Any] = {
        "category_id": 8273,
        "name": "Trà sen Tây Hồ",
        "description": "<p>Trà xanh Thái Nguyên ướp sen Tây Hồ.</p>",
        "market_price": 0,
        "attributes": {
            "brand": "Sen Tây Hồ",
            "origin": "Việt Nam",
            "product_weight_kg": 0.25,
            "product_length": 20,
            "product_width": 10,
            "product_height": 6,
            "expiry_time": "12 tháng",
        },
        "image": "https://cdn.example.vn/tra-sen/main.jpg",
        "images": ["https://cdn.example.vn/tra-sen/1.jpg"],
        "option_attributes": ["Khối lượng"] if several else [],
        "variants": variants,
        "meta_data": {"is_auto_turn_on": False},
    }
    body.update(copy.deepcopy(changes))
    return body


def publish(tiki: Tiki, *skus: str, stock: int = 10, price: int = 120_000) -> list[int]:
    """Create, let the review pass (durations 0), activate and stock: the product ids."""
    created = tiki.post("/integration/v2.1/requests", product_body(*skus, price=price))
    assert created.status_code == 200, created.text
    ids = []
    for sku in skus or ("TS-100",):
        found = tiki.get("/integration/v2/products/findBy", original_sku=sku).json()["data"]
        (product,) = found
        update = {
            "product_id": product["product_id"],
            "active": 1,
            "warehouse_quantities": [{"warehouse_id": WAREHOUSE_ID, "qty_available": stock}],
        }
        assert tiki.put("/integration/v2/products/updateSku", update).status_code == 200
        ids.append(int(product["product_id"]))
    return ids
