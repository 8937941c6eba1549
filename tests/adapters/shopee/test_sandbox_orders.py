"""The sandbox's orders, authorization lifetimes, throttling and settings, rule by rule."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from listsync_shopee import signing
from listsync_shopee.sandbox.app import ShopeeSandbox

from listsync.sandbox.harness import BadRequest, SandboxServer
from tests.adapters.shopee.support import REDIRECT, Raw, fresh

LIST = "/api/v2/order/get_order_list"
DETAIL = "/api/v2/order/get_order_detail"
DAY = 86_400


@pytest.fixture(scope="module")
def module_server() -> Iterator[SandboxServer]:
    with SandboxServer(ShopeeSandbox()) as server:
        yield server


@pytest.fixture
def raw(module_server: SandboxServer) -> Raw:
    fresh(module_server)
    return Raw(module_server).authorize()


def window(raw: Raw, days: float = 1.0, **extra: Any) -> dict[str, Any]:
    now = raw.app.clock.timestamp()
    query = {
        "time_range_field": "update_time",
        "time_from": int(now - days * DAY),
        "time_to": now + 60,
        "page_size": 100,
    }
    query.update(extra)
    return query


# -- orders -----------------------------------------------------------------------------


def test_order_window_at_most_fifteen_days(raw: Raw) -> None:
    now = raw.app.clock.timestamp()
    query = {"time_range_field": "create_time", "time_from": now - 15 * DAY - 1, "time_to": now}
    reply = raw.call("GET", LIST, query={**query, "page_size": 10})
    assert reply["error"] == "order.order_list_invalid_time"
    assert reply["message"] == "Start time must be earlier than end time and diff in 15days."
    query["time_from"] = now - 15 * DAY
    assert raw.call("GET", LIST, query={**query, "page_size": 10})["error"] == ""


def test_order_window_must_run_forward(raw: Raw) -> None:
    query = window(raw)
    query["time_from"], query["time_to"] = query["time_to"], query["time_from"]
    assert raw.call("GET", LIST, query=query)["error"] == "order.order_list_invalid_time"


def test_order_list_needs_time_range_field(raw: Raw) -> None:
    reply = raw.call("GET", LIST, query=window(raw, time_range_field="pay_time"))
    assert reply["error"] == "order.error_param" and "time_range_field" in reply["message"]


@pytest.mark.parametrize("size", [0, 101])
def test_order_page_size_one_to_hundred(raw: Raw, size: int) -> None:
    reply = raw.call("GET", LIST, query=window(raw, page_size=size))
    assert reply["error"] == "order.error_param" and "page_size" in reply["message"]


def test_order_cursor_pages_newest_first(raw: Raw) -> None:
    raw.add_item()
    made = raw.app.create_orders({"count": 5, "days": 2})
    seen, cursor, pages = [], "", 0
    while True:
        reply = raw.call("GET", LIST, query=window(raw, 3, page_size=2, cursor=cursor))["response"]
        seen += [o["order_sn"] for o in reply["order_list"]]
        pages += 1
        if not reply["more"]:
            assert reply["next_cursor"] == ""
            break
        cursor = reply["next_cursor"]
        assert not cursor.isdigit()  # opaque
    assert pages == 3 and sorted(seen) == sorted(made) and len(seen) == 5
    times = [raw.app.orders.orders[sn].update_time for sn in seen]
    assert times == sorted(times, reverse=True)


def test_order_cursor_of_another_query_is_refused(raw: Raw) -> None:
    raw.add_item()
    raw.app.create_orders({"count": 3, "days": 1})
    cursor = raw.call("GET", LIST, query=window(raw, page_size=1))["response"]["next_cursor"]
    reply = raw.call("GET", LIST, query=window(raw, 2, page_size=1, cursor=cursor))
    assert reply["error"] == "order.error_param" and "cursor" in reply["message"]
    reply = raw.call("GET", LIST, query=window(raw, page_size=1, cursor="bm9wZQ"))
    assert reply["error"] == "order.error_param"


def test_order_list_optional_status(raw: Raw) -> None:
    raw.add_item()
    raw.app.create_orders({"count": 1, "days": 1})
    plain = raw.call("GET", LIST, query=window(raw))["response"]["order_list"][0]
    assert set(plain) == {"order_sn"}
    query = window(raw, response_optional_fields="order_status")
    assert (
        raw.call("GET", LIST, query=query)["response"]["order_list"][0]["order_status"] == "UNPAID"
    )


@pytest.mark.parametrize("count", [0, 51])
def test_order_detail_one_to_fifty(raw: Raw, count: int) -> None:
    query = {"order_sn_list": ",".join(f"SN{n}" for n in range(count))}
    reply = raw.call("GET", DETAIL, query=query)
    assert reply["error"] == "order.error_param" and "1 to 50" in reply["message"]


def test_order_detail_fields_are_opt_in(raw: Raw) -> None:
    raw.add_item()
    (sn,) = raw.app.create_orders({"sku": "LT-250", "quantity": 2})
    bare = raw.call("GET", DETAIL, query={"order_sn_list": sn})["response"]["order_list"][0]
    assert bare["currency"] == "VND" and bare["region"] == "VN" and "item_list" not in bare
    query = {"order_sn_list": sn, "response_optional_fields": "item_list,total_amount"}
    full = raw.call("GET", DETAIL, query=query)["response"]["order_list"][0]
    (line,) = full["item_list"]
    assert (line["item_sku"], line["model_sku"], line["model_quantity_purchased"]) == (
        "LT-250",
        "",
        2,
    )
    assert full["total_amount"] == 500000.0 and line["model_original_price"] == 250000.0


def test_orders_move_through_statuses_and_stock_follows(raw: Raw) -> None:
    raw.add_item()
    (sn,) = raw.app.create_orders({"sku": "LT-250", "quantity": 3})
    unit = raw.app.state()["listings"][0]
    assert (unit["stock"], unit["reserved"]) == (10, 3)
    updated = raw.app.orders.orders[sn].update_time
    for status in ("READY_TO_SHIP", "SHIPPED", "COMPLETED"):
        raw.app.clock.advance(60)
        raw.app.set_order_status(sn, status)
        assert raw.app.orders.orders[sn].update_time > updated
        updated = raw.app.orders.orders[sn].update_time
    unit = raw.app.state()["listings"][0]
    assert (unit["stock"], unit["reserved"]) == (7, 0)
    assert raw.app.state()["orders"] == {"COMPLETED": 1}


def test_cancelling_releases_stock(raw: Raw) -> None:
    raw.add_item()
    (sn,) = raw.app.create_orders({"sku": "LT-250", "quantity": 2, "status": "READY_TO_SHIP"})
    raw.app.set_order_status(sn, "IN_CANCEL")
    assert raw.app.state()["listings"][0]["reserved"] == 2
    raw.app.set_order_status(sn, "CANCELLED")
    unit = raw.app.state()["listings"][0]
    assert (unit["stock"], unit["reserved"]) == (10, 0)


def test_impossible_status_change_is_refused(raw: Raw) -> None:
    raw.add_item()
    (sn,) = raw.app.create_orders({"sku": "LT-250", "quantity": 1})
    with pytest.raises(BadRequest, match="cannot go from UNPAID to COMPLETED"):
        raw.app.set_order_status(sn, "COMPLETED")
    with pytest.raises(BadRequest, match="unknown status"):
        raw.app.set_order_status(sn, "LOST")


def test_orders_need_listed_units(raw: Raw) -> None:
    with pytest.raises(BadRequest):
        raw.app.create_orders({"count": 1, "days": 1})
    with pytest.raises(BadRequest):
        raw.add_item()
        raw.app.create_orders({"sku": "NO-SUCH", "quantity": 1})


def test_order_with_two_rows_of_one_sku(raw: Raw) -> None:
    raw.add_item()
    (sn,) = raw.app.create_orders({"lines": [{"sku": "LT-250", "quantity": 1}] * 2})
    query = {"order_sn_list": sn, "response_optional_fields": "item_list"}
    rows = raw.call("GET", DETAIL, query=query)["response"]["order_list"][0]["item_list"]
    assert [r["model_quantity_purchased"] for r in rows] == [1, 1]


# -- authorization ----------------------------------------------------------------------


def consent_code(raw: Raw) -> str:
    consent = raw.send("GET", signing.AUTH_PARTNER, shop=False, query={"redirect": REDIRECT})
    assert consent.status_code == 302
    location = consent.headers["Location"]
    assert location.startswith(REDIRECT + "?")
    query = parse_qs(urlsplit(location).query)
    assert query["shop_id"] == [str(raw.app.shop_id)]
    return query["code"][0]


def exchange(raw: Raw, code: str) -> dict[str, Any]:
    body = {"code": code, "partner_id": raw.app.partner_id, "shop_id": raw.app.shop_id}
    return raw.call("POST", signing.TOKEN_GET, shop=False, json=body)


def refresh(raw: Raw, token: str) -> dict[str, Any]:
    body = {"refresh_token": token, "partner_id": raw.app.partner_id, "shop_id": raw.app.shop_id}
    return raw.call("POST", signing.TOKEN_REFRESH, shop=False, json=body)


def test_auth_partner_needs_a_signed_link(raw: Raw) -> None:
    reply = raw.send(
        "GET", signing.AUTH_PARTNER, shop=False, query={"redirect": REDIRECT}, drop=("sign",)
    )
    assert reply.json()["error"] == "error_param"


def test_token_reply_is_top_level_with_expire_in(raw: Raw) -> None:
    reply = exchange(raw, consent_code(raw))
    assert reply["expire_in"] == 14400 and reply["error"] == "" and "response" not in reply
    assert reply["access_token"] and reply["refresh_token"]


def test_code_works_once(raw: Raw) -> None:
    code = consent_code(raw)
    assert exchange(raw, code)["error"] == ""
    reply = exchange(raw, code)
    assert (reply["error"], reply["message"]) == (
        "invalid_code",
        "The code is expired or used or invalid",
    )


def test_code_lives_ten_minutes(raw: Raw) -> None:
    code = consent_code(raw)
    raw.app.clock.advance(601)
    assert exchange(raw, code)["error"] == "invalid_code"


def test_refresh_rotates_and_spends_the_old_pair(raw: Raw) -> None:
    old_access, old_refresh = raw.access_token, raw.refresh_token
    reply = refresh(raw, old_refresh)
    assert reply["error"] == "" and reply["shop_id"] == raw.app.shop_id
    assert {reply["access_token"], reply["refresh_token"]}.isdisjoint({old_access, old_refresh})
    again = refresh(raw, old_refresh)
    assert (again["error"], again["message"]) == ("error_auth", "Invalid refresh_token.")
    assert refresh(raw, reply["refresh_token"])["error"] == ""


def test_old_access_token_works_five_more_minutes(raw: Raw) -> None:
    query = {"offset": 0, "page_size": 1, "item_status": "NORMAL"}
    refresh(raw, raw.refresh_token)
    assert raw.call("GET", "/api/v2/product/get_item_list", query=query)["error"] == ""
    raw.app.clock.advance(301)
    reply = raw.call("GET", "/api/v2/product/get_item_list", query=query)
    assert reply["error"] == "common.error_auth"


def test_refresh_token_lives_thirty_days(raw: Raw) -> None:
    """An expired refresh token is refresh_token_expired (refresh_access_token's page)."""
    raw.app.clock.advance(30 * DAY + 1)
    reply = refresh(raw, raw.refresh_token)
    assert (reply["error"], reply["message"]) == (
        "refresh_token_expired",
        "Your refresh_token expired.",
    )


def test_token_endpoint_checks_partner_in_body(raw: Raw) -> None:
    body = {"code": consent_code(raw), "partner_id": 1, "shop_id": raw.app.shop_id}
    reply = raw.call("POST", signing.TOKEN_GET, shop=False, json=body)
    assert reply["error"] == "invalid_partner_id"


# -- limits and settings ----------------------------------------------------------------


def test_rate_limit_per_shop(raw: Raw) -> None:
    raw.app.configure(rate_per_second=3)
    query = {"offset": 0, "page_size": 1, "item_status": "NORMAL"}
    errors = [
        raw.call("GET", "/api/v2/product/get_item_list", query=query)["error"] for _ in range(6)
    ]
    assert errors.count("common.error_rate_limit") >= 2 and errors[0] == ""


def test_rate_limit_answers_429_in_4xx_mode(raw: Raw) -> None:
    raw.app.configure(rate_per_second=1, error_http_status=400)
    query = {"offset": 0, "page_size": 1, "item_status": "NORMAL"}
    statuses = [
        raw.send("GET", "/api/v2/product/get_item_list", query=query).status_code for _ in range(3)
    ]
    assert statuses[0] == 200 and 429 in statuses


def test_daily_quota(raw: Raw) -> None:
    raw.app.configure(daily_quota=2)
    query = {"offset": 0, "page_size": 1, "item_status": "NORMAL"}
    replies = [raw.call("GET", "/api/v2/product/get_item_list", query=query) for _ in range(3)]
    assert [r["error"] for r in replies] == ["", "", "common.error_limit"]
    assert "resets at" in replies[2]["message"]
    raw.app.clock.advance(DAY)
    raw.authorize()
    assert raw.call("GET", "/api/v2/product/get_item_list", query=query)["error"] == ""


def test_settings_constructor() -> None:
    app = ShopeeSandbox(error_http_status=403, search_lag_seconds=60, daily_quota=5)
    assert app.state()["settings"] == {
        "error_http_status": 403,
        "rate_per_second": 10.0,
        "search_lag_seconds": 60,
        "daily_quota": 5,
        "timestamp_tolerance": 300,
        "future_timestamps": "refuse",
        "error_code_style": "namespaced",
        "throttle_code": "error_rate_limit",
        "duplicate_item_sku": "accept",
        "order_detail_unknown": "error",
    }
    with pytest.raises(ValueError, match="error_http_status"):
        ShopeeSandbox(error_http_status=500)


def test_settings_route(raw: Raw) -> None:
    url = raw.server.root_url + "/_sandbox/settings"
    reply = requests.post(url, json={"rate_per_second": 5, "daily_quota": 1000}, timeout=10)
    assert reply.status_code == 200 and reply.json()["settings"]["rate_per_second"] == 5
    assert raw.app.settings.daily_quota == 1000
    assert requests.get(url, timeout=10).json()["settings"]["daily_quota"] == 1000
    for bad in ({"error_http_status": 500}, {"speed": 1}, {"rate_per_second": 0}):
        refused = requests.post(url, json=bad, timeout=10)
        assert refused.status_code == 400, bad
    assert raw.server.calls(path="/_sandbox/*") == []  # control calls are not logged


def test_describe_matches_the_settings_model(raw: Raw) -> None:
    from listsync_shopee.settings import ShopeeSettings

    line = raw.server.describe()
    assert line["channel"] == "shopee"
    settings = ShopeeSettings(**{k: v for k, v in line.items() if k != "channel"})
    assert settings.base_url == raw.server.root_url and settings.shop_id == str(raw.app.shop_id)
    assert settings.partner_key.get_secret_value() == raw.app.partner_key


def test_reset_forgets_everything(raw: Raw) -> None:
    raw.add_item()
    raw.app.create_orders({"count": 2, "days": 1})
    raw.server.reset()
    state = raw.app.state()
    assert (state["listings"], state["order_count"]) == ([], 0)
    query = {"offset": 0, "page_size": 1, "item_status": "NORMAL"}
    reply = raw.call("GET", "/api/v2/product/get_item_list", query=query)
    assert reply["error"] == "common.error_auth"
