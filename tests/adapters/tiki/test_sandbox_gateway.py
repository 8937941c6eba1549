"""The Tiki sandbox's gateway: bearer tokens, scopes, seller, rate limit, formats, errors,
and the control API."""

from __future__ import annotations

import pytest
import requests
from listsync_tiki.sandbox.app import TikiSandbox
from listsync_tiki.sandbox.auth import CLIENT_ID, CLIENT_SECRET
from listsync_tiki.sandbox.base import TikiError
from listsync_tiki.sandbox.catalog import SELLER_ID, WAREHOUSE_ID

from listsync.sandbox.harness import SandboxServer
from tests.adapters.tiki.conftest import TIMEOUT, Tiki, grant, publish


def errors(response: requests.Response, status: int) -> list[str]:
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["errors"] and body["errors"], body
    assert all(isinstance(e, str) for e in body["errors"])
    return list(body["errors"])


def test_describe_gives_the_keys_the_client_reads(server: SandboxServer) -> None:
    line = server.describe()
    root = server.root_url
    assert line == {
        "channel": "tiki",
        "base_url": root,
        "auth_url": root + "/sc/oauth2",
        "authorize_url": root + "/sc/oauth2/auth",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "shop_id": str(SELLER_ID),
        "warehouse_id": WAREHOUSE_ID,
    }
    assert isinstance(line["warehouse_id"], int)


def test_missing_unknown_or_malformed_token_is_401(server: SandboxServer) -> None:
    url = server.root_url + "/integration/v2/products"
    assert errors(requests.get(url, timeout=TIMEOUT), 401) == [
        "The authorization (token) is missing"
    ]
    basic = requests.get(url, auth=(CLIENT_ID, CLIENT_SECRET), timeout=TIMEOUT)
    errors(basic, 401)
    unknown = requests.get(url, headers={"Authorization": "Bearer nope"}, timeout=TIMEOUT)
    assert errors(unknown, 401) == ["The authorization (token) is invalid"]


def test_missing_scope_is_403(server: SandboxServer) -> None:
    narrow = Tiki(server, grant(server, scope="offline product")["access_token"])
    assert "'order' scope" in errors(narrow.get("/integration/v2/orders"), 403)[0]
    assert narrow.get("/integration/v2/products").status_code == 200
    full = Tiki(server, grant(server)["access_token"])
    (product_id,) = publish(full, "TS-100")
    price_only = narrow.put(
        "/integration/v2/products/updateSku", {"product_id": product_id, "price": 99_000}
    )
    assert price_only.status_code == 200, price_only.text
    stock = {
        "product_id": product_id,
        "warehouse_quantities": [{"warehouse_id": WAREHOUSE_ID, "qty_available": 3}],
    }
    assert "'inventory'" in errors(narrow.put("/integration/v2/products/updateSku", stock), 403)[0]


def test_inactive_seller_is_403(server: SandboxServer, app: TikiSandbox, tiki: Tiki) -> None:
    app.configure(seller_active=False)
    assert "NOT active" in errors(tiki.get("/integration/v2/orders"), 403)[0]


def test_rate_limit_is_429_with_tikis_message(
    server: SandboxServer, app: TikiSandbox, tiki: Tiki
) -> None:
    app.configure(rate_per_second=3)
    answers = [tiki.get("/integration/v2/sellers/me") for _ in range(5)]
    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    (message,) = errors(answers[3], 429)
    assert "Current rate limit is 3 request / per second / per seller" in message
    assert "Retry-After" not in answers[3].headers
    assert app.state()["throttled"] >= 1
    app.configure(rate_per_second=1, retry_after=1)
    tiki.get("/integration/v2/sellers/me")
    limited = tiki.get("/integration/v2/sellers/me")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "1"


def test_default_rate_limit_message_names_200(server: SandboxServer, app: TikiSandbox) -> None:
    app.configure(rate_per_second=200)
    with pytest.raises(TikiError) as refused:
        for _ in range(201):
            app._throttle()
    assert "Current rate limit is 200 request / per second / per seller" in str(refused.value)


def test_non_json_is_406(server: SandboxServer, tiki: Tiki) -> None:
    url = server.root_url + "/integration/v2.1/requests"
    form = requests.post(url, data={"name": "x"}, headers=tiki.headers(), timeout=TIMEOUT)
    assert errors(form, 406) == ["Not Acceptable — You requested a format that isn't json."]
    xml = requests.get(
        server.root_url + "/integration/v2/products",
        headers={**tiki.headers(), "Accept": "application/xml"},
        timeout=TIMEOUT,
    )
    errors(xml, 406)
    broken = requests.post(
        url,
        data=b"{not json",
        headers={**tiki.headers(), "Content-Type": "application/json"},
        timeout=TIMEOUT,
    )
    assert errors(broken, 400) == ["Request body is not valid JSON"]


def test_bad_query_parameters_are_400(tiki: Tiki) -> None:
    errors(tiki.get("/integration/v2/products", limit="lots"), 400)
    errors(tiki.get("/integration/v2/products", limit=101), 400)
    errors(tiki.get("/integration/v2/products", page=0), 400)
    errors(tiki.get("/integration/v2/products", active=2), 400)
    errors(tiki.get("/integration/v2/products", created_from_date="2024-01-01"), 400)


def test_maintenance_is_503(app: TikiSandbox, tiki: Tiki) -> None:
    app.configure(maintenance=True)
    assert "maintenance" in errors(tiki.get("/integration/v2/products"), 503)[0]


def test_unknown_path_404_and_wrong_method_405(server: SandboxServer, tiki: Tiki) -> None:
    errors(tiki.get("/integration/v2/nothing-here"), 404)
    errors(tiki.put("/integration/v2/orders", {}), 405)
    errors(tiki.get("/integration/v2.1/products/updateSkus"), 405)


def test_server_faults_reach_the_client(server: SandboxServer, tiki: Tiki) -> None:
    failure = {"errors": ["Internal call/processing failures"]}
    server.add_fault(action="status", path="/integration/v2/orders", status=500, body=failure)
    assert errors(tiki.get("/integration/v2/orders"), 500) == ["Internal call/processing failures"]
    assert tiki.get("/integration/v2/orders").status_code == 200


def test_categories_and_seller(tiki: Tiki) -> None:
    primary = tiki.get("/integration/v2/categories", primary=1).json()
    assert {c["id"] for c in primary} == {8273, 8291, 8303, 8344, 8372}
    detail = tiki.get("/integration/v2/categories/8273").json()
    required = {a["code"] for a in detail["attributes"] if a["is_required"]}
    assert {"brand", "origin", "product_weight_kg", "expiry_time"} <= required
    errors(tiki.get("/integration/v2/categories/1"), 404)
    seller = tiki.get("/integration/v2/sellers/me").json()
    assert seller["id"] == SELLER_ID and seller["warehouses"][0]["id"] == WAREHOUSE_ID


def test_settings_route_reads_changes_and_refuses_bad_values(
    server: SandboxServer, app: TikiSandbox
) -> None:
    url = server.root_url + "/_sandbox/settings"
    assert requests.get(url, timeout=TIMEOUT).json()["settings"]["rate_per_second"] == 200
    changed = requests.post(url, json={"review_seconds": 60, "money_style": "integer"}, timeout=5)
    assert changed.json()["settings"]["review_seconds"] == 60
    assert app.config.money_style == "integer"
    for bad in ({"no_such": 1}, {"money_style": "float"}, {"payload_error_status": 500}):
        refused = requests.post(url, json=bad, timeout=TIMEOUT)
        assert refused.status_code == 400 and refused.json()["error"] == "bad_request"


def test_constructor_settings_survive_reset(server: SandboxServer) -> None:
    app = TikiSandbox(access_ttl=60, duplicate_sku="refuse")
    app.configure(access_ttl=120)
    app.reset()
    assert (app.config.access_ttl, app.config.duplicate_sku) == (60, "refuse")


def test_state_and_reset(server: SandboxServer, app: TikiSandbox, tiki: Tiki) -> None:
    publish(tiki, "TS-100", stock=4)
    requests.post(server.root_url + "/_sandbox/orders", json={"sku": "TS-100"}, timeout=TIMEOUT)
    state = requests.get(server.root_url + "/_sandbox/state", timeout=TIMEOUT).json()
    (listing,) = state["listings"]
    assert (listing["sku"], listing["stock"], listing["reserved"], listing["price"]) == (
        "TS-100",
        4,
        1,
        120_000,
    )
    assert state["order_count"] == 1 and state["orders"] == {"queueing": 1}
    logged = requests.get(server.root_url + "/_sandbox/requests", timeout=TIMEOUT).json()
    assert any(entry["path"] == "/integration/v2.1/requests" for entry in logged["requests"])
    requests.post(server.root_url + "/_sandbox/reset", timeout=TIMEOUT)
    assert app.state()["listings"] == [] and app.state()["order_count"] == 0
    errors(tiki.get("/integration/v2/products"), 401)  # tokens went with the reset


def test_sandbox_never_imports_the_client_side() -> None:
    import ast
    from pathlib import Path

    import listsync_tiki.sandbox as package

    for path in Path(package.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("listsync_tiki") or node.module.startswith(
                    "listsync_tiki.sandbox"
                ), (path.name, node.module)
