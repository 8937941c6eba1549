"""The sandbox against Shopee's reference pages, and the adapter against what they document.

Each test names the reference page it follows (archived copies, see
docs/marketplaces/shopee.md "Settled against the documentation"). Sandbox tests send raw
signed requests; adapter tests run the channel over real HTTP, under every value of the
settings the pages leave open.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from listsync_shopee import categories
from listsync_shopee.errors import ClockSkew, Duplicate, NotFound, TokenRejected, classify
from listsync_shopee.listings import RemoteItem, RemoteModel
from listsync_shopee.mapping import resolve_attributes
from listsync_shopee.sandbox.app import ShopeeSandbox

from listsync.catalog.model import ChannelOverride
from listsync.channel.contract import Offer, OfferUpdate, RemoteListing
from listsync.errors import (
    AuthError,
    RateLimited,
    RejectedError,
    TransientError,
)
from listsync.http import CallRecord, MalformedReply
from listsync.sandbox.harness import SandboxServer
from tests.adapters.shopee.support import (
    REDIRECT,
    Raw,
    Rig,
    fresh,
    jpeg,
    rig,
    tea,
    tea_with_variants,
)

P = "/api/v2/product/"
ADD = P + "add_item"
ITEMS = P + "get_item_list"
LIST = "/api/v2/order/get_order_list"
DETAIL = "/api/v2/order/get_order_detail"
REFRESH = "/api/v2/auth/access_token/get"
SEARCH = P + "search_item"
ITEM_ID_NULL = "invalid field ItemId: value must  Not Null"  # sic, two spaces
DAY = 86_400


@pytest.fixture(scope="module")
def module_server() -> Iterator[SandboxServer]:
    with SandboxServer(ShopeeSandbox()) as server:
        yield server


@pytest.fixture
def raw(module_server: SandboxServer) -> Raw:
    fresh(module_server)
    return Raw(module_server).authorize()


@pytest.fixture
def shop(module_server: SandboxServer, tmp_path: Path) -> Iterator[Rig]:
    fresh(module_server)
    with rig(module_server, tmp_path) as found:
        yield found


def publish(shop: Rig, product: Any, stock: int = 10) -> RemoteListing:
    draft = shop.channel.map_product(product)
    assert draft.ok, draft.problems
    listing = shop.channel.create_listing(draft)
    offers = [OfferUpdate(listing, Offer(o.sku, stock, o.price)) for o in draft.offers]
    assert all(r.ok for r in shop.channel.set_offers(offers))
    return listing


def food(sku: str, **attributes: str) -> Any:
    """A product of the sandbox's "Đặc sản vùng miền" with attributes set by Shopee id."""
    override = ChannelOverride(attributes=attributes)
    return tea(sku, category="food", attributes={}, channels={"shopee": override})


# -- 1. error codes: bare and module-prefixed -------------------------------------------------


def test_codes_carry_the_module_prefix_the_pages_show(raw: Raw) -> None:
    """get_order_detail's `error` sample is common.error_auth; update_price / get_model_list /
    get_brand_list answer product.error_param; get_order_list order.order_list_invalid_time."""
    raw.access_token = "0" * 32
    assert raw.call("GET", DETAIL, query={"order_sn_list": "X"})["error"] == "common.error_auth"
    raw.authorize()
    reply = raw.call("POST", P + "update_price", json={"price_list": []})
    assert (reply["error"], reply["message"]) == ("product.error_param", ITEM_ID_NULL)
    reply = raw.call("GET", LIST, query={"time_range_field": "create_time", "page_size": 1})
    assert reply["error"] == "order.error_param"
    body = {"refresh_token": "nope", "partner_id": raw.app.partner_id, "shop_id": raw.app.shop_id}
    reply = raw.call("POST", REFRESH, shop=False, json=body)
    assert reply["error"] == "error_auth"  # the token pages show bare codes


def test_plain_code_style_sends_bare_codes(raw: Raw) -> None:
    raw.app.configure(error_code_style="plain")
    reply = raw.call("POST", P + "update_price", json={"price_list": []})
    assert reply["error"] == "error_param"
    now = raw.app.clock.timestamp()
    query = {"time_range_field": "create_time", "time_from": now, "time_to": now - 1}
    reply = raw.call("GET", LIST, query={**query, "page_size": 1})
    assert reply["error"] == "order_list_invalid_time"
    with pytest.raises(ValueError, match="error_code_style"):
        raw.app.configure(error_code_style="dotted")


@pytest.mark.parametrize("prefix", ["", "common.", "product."])
def test_errors_are_classified_by_the_part_after_the_last_dot(prefix: str) -> None:
    assert isinstance(
        classify(prefix + "error_auth", "Invalid access_token.", call="x"), TokenRejected
    )
    assert isinstance(classify(prefix + "error_rate_limit", "slow", call="x"), RateLimited)
    assert isinstance(classify(prefix + "error_not_found", "gone", call="x"), NotFound)
    assert isinstance(classify(prefix + "error_repeated_mtsku", "similar", call="x"), Duplicate)
    refused = classify(prefix + "error_price_exceed_min_limitt", "Price too low.", call="x")
    assert (
        str(refused) == "shopee x: Shopee refused the request: the price is not accepted:"
        " Price too low."
    )


@pytest.mark.parametrize("style", ["namespaced", "plain"])
def test_the_adapter_under_each_code_style(shop: Rig, style: str) -> None:
    shop.app.configure(error_code_style=style)
    shop.app.clock.advance(4 * 3600 + 600)  # the access token is refused, and refreshed once
    assert shop.channel.find_listing("NOPE") is None
    assert [r.call for r in shop.records[-3:]] == [
        "search_item",
        "refresh_access_token",
        "search_item",
    ]
    draft = shop.channel.map_product(tea())
    item = {**draft.payload["item"], "attribute_list": []}
    sneaky = type(draft)(
        draft.product_sku, {**draft.payload, "item": item}, draft.offers, draft.images
    )
    with pytest.raises(RejectedError) as caught:
        shop.channel.create_listing(sneaky)
    assert caught.value.detail == (
        "Shopee refused SKU LT-250: category 'Trà' requires attribute 'Hạn sử dụng'"
    )


# -- 2. weights are strings ----------------------------------------------------------------


def test_base_info_and_model_list_send_weights_as_strings(raw: Raw) -> None:
    """get_item_base_info: "weight": "10.02"; get_model_list: model weight, dimension,
    pre_order."""
    item_id = raw.add_item(
        weight=0.25,
        category_id=100020,
        attribute_list=[],
        dimension={"package_height": 7, "package_length": 15, "package_width": 15},
    )
    (info,) = raw.call("GET", P + "get_item_base_info", query={"item_id_list": str(item_id)})[
        "response"
    ]["item_list"]
    assert info["weight"] == "0.25"
    tiers = {
        "item_id": item_id,
        "tier_variation": [{"name": "Cỡ", "option_list": [{"option": "S"}, {"option": "L"}]}],
        "model": [
            {
                "tier_index": [0],
                "model_sku": "B-S",
                "original_price": 90000,
                "seller_stock": [{"stock": 1}],
            },
            {
                "tier_index": [1],
                "model_sku": "B-L",
                "original_price": 99000,
                "seller_stock": [{"stock": 1}],
                "weight": 1.5,
            },
        ],
    }
    assert raw.call("POST", P + "init_tier_variation", json=tiers)["error"] == ""
    models = raw.call("GET", P + "get_model_list", query={"item_id": item_id})["response"]["model"]
    assert [m["weight"] for m in models] == ["0.25", "1.5"]
    assert models[0]["dimension"] == {
        "package_height": 7,
        "package_length": 15,
        "package_width": 15,
    }
    assert models[0]["pre_order"] == {"is_pre_order": False, "days_to_ship": 2}


@pytest.mark.parametrize(
    ("sent", "read"),
    [("10.02", Decimal("10.02")), (10.02, Decimal("10.02")), ("", None), (None, None)],
)
def test_the_adapter_reads_weights_as_decimal(sent: Any, read: Decimal | None) -> None:
    item = RemoteItem.from_api({"item_id": 1, "item_sku": "A", "weight": sent})
    assert item.weight == read
    assert RemoteModel.from_api({"model_id": 2, "model_sku": "A-1", "weight": sent}).weight == read


@pytest.mark.parametrize("sent", ["ten", True, [1], "-1"])
def test_a_weight_that_is_no_weight_is_a_malformed_reply(sent: Any) -> None:
    with pytest.raises(MalformedReply, match="weight: must be a weight in kg"):
        RemoteItem.from_api({"item_id": 1, "weight": sent})


def test_the_channel_reads_the_documented_item_and_model_shape(shop: Rig) -> None:
    listing = publish(shop, tea_with_variants(count=2))
    (item,) = shop.channel.listings.items([int(listing.remote_id)])
    assert (item.sku, item.has_model, item.weight) == ("LT", True, Decimal("0.25"))
    models = shop.channel.listings.model_list(int(listing.remote_id))
    assert [(m.sku, m.weight) for m in models] == [
        ("LT-1", Decimal("0.25")),
        ("LT-2", Decimal("0.25")),
    ]


# -- 4. get_order_detail with an unknown order_sn -------------------------------------------


def test_unknown_order_sn_is_error_not_found(raw: Raw) -> None:
    """get_order_detail's error example: error_not_found, "the order is not found"."""
    reply = raw.call("GET", DETAIL, query={"order_sn_list": "NOPE1,NOPE2"})
    assert (reply["error"], reply["message"]) == (
        "order.error_not_found",
        "Wrong parameters, detail: the order is not found.",
    )


@pytest.mark.parametrize(("setting", "known"), [("error", None), ("skip", 1)])
def test_known_and_unknown_order_sn_in_one_call(raw: Raw, setting: str, known: int | None) -> None:
    raw.app.configure(order_detail_unknown=setting)
    raw.add_item()
    (sn,) = raw.app.create_orders({"sku": "LT-250", "quantity": 1})
    reply = raw.call("GET", DETAIL, query={"order_sn_list": f"{sn},NOPE"})
    if known is None:
        assert reply["error"] == "order.error_not_found"
    else:
        assert [o["order_sn"] for o in reply["response"]["order_list"]] == [sn]


@pytest.mark.parametrize("setting", ["error", "skip"])
def test_the_adapter_copes_with_either_answer(shop: Rig, setting: str) -> None:
    """An order listed but unknown to get_order_detail: the others are read (a refused batch
    is split), and the pull stops with a TransientError naming the unknown one."""
    shop.app.configure(order_detail_unknown=setting)
    publish(shop, tea())
    made = shop.orders(count=6, days=1)
    vanished = made[0]
    original = shop.channel.client.http.on_call

    def observe(record: CallRecord) -> None:
        if original is not None:
            original(record)
        if record.call == "get_order_list":
            shop.app.orders.orders.pop(vanished, None)

    shop.channel.client.http.on_call = observe
    start = len(shop.records)
    now = shop.app.clock.now()
    with pytest.raises(TransientError, match="gave no details for them") as caught:
        list(shop.channel.iter_orders(now - timedelta(days=2), now + timedelta(minutes=1)))
    assert vanished in str(caught.value)
    details = [r for r in shop.records[start:] if r.call == "get_order_detail"]
    read = {
        sn for r in details for sn in shop.query(r)["order_sn_list"].split(",") if r.error == ""
    }
    assert set(made) - {vanished} <= read
    if setting == "skip":
        assert len(details) == 1
    else:  # the refused batch of six, then halves until the unknown one stands alone
        assert 5 <= len(details) <= 7
    shop.channel.client.http.on_call = original
    orders = list(shop.channel.iter_orders(now - timedelta(days=2), now + timedelta(minutes=1)))
    assert sorted(o.order_id for o in orders) == sorted(set(made) - {vanished})


# -- 5. token and shop errors ----------------------------------------------------------------


def test_shop_state_control_hook(raw: Raw) -> None:
    url = raw.server.root_url + "/_sandbox/shop"
    assert requests.get(url, timeout=10).json()["status"] == "NORMAL"
    assert requests.post(url, json={"status": "SLEEPING"}, timeout=10).status_code == 400
    assert requests.post(url, json={"status": "BANNED"}, timeout=10).json()["status"] == "BANNED"
    assert raw.app.state()["shop_status"] == "BANNED"
    assert raw.server.calls(path="/_sandbox/*") == []


def test_banned_shop_is_refused_everywhere(raw: Raw) -> None:
    """refresh_access_token's page: shop_banned, "Permissions for shop authorization and API
    calls have been suspended until the shop account is restored"."""
    raw.app.auth.set_status("BANNED")
    reply = raw.call("GET", ITEMS, query={"offset": 0, "page_size": 1, "item_status": "NORMAL"})
    assert reply["error"] == "common.shop_banned" and "suspended" in reply["message"]
    body = {
        "refresh_token": raw.refresh_token,
        "partner_id": raw.app.partner_id,
        "shop_id": raw.app.shop_id,
    }
    assert raw.call("POST", REFRESH, shop=False, json=body)["error"] == "shop_banned"
    consent = raw.send("GET", "/api/v2/shop/auth_partner", shop=False, query={"redirect": REDIRECT})
    assert consent.json()["error"] == "shop_banned"


def test_expired_shop_access_until_authorized_again(raw: Raw) -> None:
    raw.app.auth.set_status("ACCESS_EXPIRED")
    query = {"offset": 0, "page_size": 1, "item_status": "NORMAL"}
    assert raw.call("GET", ITEMS, query=query)["error"] == "common.error_auth"
    body = {
        "refresh_token": raw.refresh_token,
        "partner_id": raw.app.partner_id,
        "shop_id": raw.app.shop_id,
    }
    reply = raw.call("POST", REFRESH, shop=False, json=body)
    assert (reply["error"], reply["message"]) == (
        "shop_access_expired",
        "Your access to shop has expired.",
    )
    raw.authorize()
    assert raw.call("GET", ITEMS, query=query)["error"] == ""


def test_the_adapter_names_an_expired_shop_authorization(shop: Rig) -> None:
    shop.control("POST", "/_sandbox/shop", {"status": "ACCESS_EXPIRED"})
    with pytest.raises(AuthError) as caught:
        shop.channel.find_listing("NOPE")
    assert caught.value.detail == (
        "the seller's authorization of this app for the Shopee shop has run out (the seller"
        " chose how long it lasts when approving): the seller must run `listsync auth shopee`"
        " again"
    )
    consent = requests.get(
        shop.channel.authorization_url(REDIRECT), allow_redirects=False, timeout=10
    )
    shop.channel.authorize(consent.headers["Location"])
    assert shop.channel.find_listing("NOPE") is None


def test_the_adapter_names_a_banned_shop(shop: Rig) -> None:
    shop.control("POST", "/_sandbox/shop", {"status": "BANNED"})
    with pytest.raises(AuthError) as caught:
        shop.channel.find_listing("NOPE")
    assert caught.value.detail == (
        "Shopee has banned this shop account: authorization and API calls are suspended until"
        " Shopee restores the shop; authorizing again will not help, the seller must contact"
        " Shopee seller support"
    )
    assert len(shop.server.calls("GET", SEARCH)) == 1 and shop.server.calls("POST", REFRESH) == []


def test_refresh_token_errors_each_have_a_sentence() -> None:
    expired = classify("refresh_token_expired", "Your refresh_token expired.", call="r")
    spent = classify("error_auth", "Invalid refresh_token.", call="r")
    wrong_shop = classify("error_shop_refresh_token", "Your refresh token is error.", call="r")
    assert all(
        isinstance(e, AuthError) and not isinstance(e, TokenRejected)
        for e in (expired, spent, wrong_shop)
    )
    assert len({expired.detail, spent.detail}) == 2 and wrong_shop.detail == spent.detail


# -- 6. get_item_list ------------------------------------------------------------------------


def test_get_item_list_requires_offset(raw: Raw) -> None:
    reply = raw.call("GET", ITEMS, query={"page_size": 10, "item_status": "NORMAL"})
    assert (reply["error"], reply["message"]) == (
        "product.error_param",
        "invalid field Offset: value must  Not Null",
    )


def test_get_item_list_update_time_range(raw: Raw) -> None:
    """get_item_list's Error Codes: error_update_time_range, "Update_time_to should be later
    than update_time_from."."""
    query = {"offset": 0, "page_size": 10, "item_status": "NORMAL"}
    reply = raw.call("GET", ITEMS, query={**query, "update_time_from": 20, "update_time_to": 10})
    assert (reply["error"], reply["message"]) == (
        "product.error_update_time_range",
        "Update_time_to should be later than update_time_from.",
    )
    raw.add_item()
    now = raw.app.clock.timestamp()
    reply = raw.call(
        "GET", ITEMS, query={**query, "update_time_from": now - 60, "update_time_to": now + 60}
    )
    (item,) = reply["response"]["item"]
    assert item["tag"] == {"kit": False}


# -- 8. get_attribute_tree and get_brand_list ------------------------------------------------


def test_attribute_tree_in_the_documented_shape(raw: Raw) -> None:
    tree = raw.call(
        "GET", P + "get_attribute_tree", query={"category_id_list": "100010", "language": "vn"}
    )
    (entry,) = tree["response"]["list"]
    kinds = {a["name"]: a["attribute_info"]["input_type"] for a in entry["attribute_tree"]}
    assert kinds == {"Hạn sử dụng": 2, "Xuất xứ": 2, "Loại trà": 1, "Thành phần": 3}
    tea_kind = next(a for a in entry["attribute_tree"] if a["attribute_id"] == 100102)
    assert tea_kind["multi_lang"] == [{"language": "en", "value": "Tea type"}]
    assert tea_kind["attribute_value_list"][0]["multi_lang"] == [
        {"language": "en", "value": "Lotus tea"}
    ]
    sample = raw.call("GET", P + "get_attribute_tree", query={"category_ids": "100010,100020"})
    assert [e["category_id"] for e in sample["response"]["list"]] == [100010, 100020]
    reply = raw.call("GET", P + "get_attribute_tree", query={"category_id_list": "5"})
    assert reply["error"] == "product.error_invalid_category"


def test_brand_list(raw: Raw) -> None:
    query = {"offset": 0, "page_size": 1, "category_id": 100010, "status": 1}
    first = raw.call("GET", P + "get_brand_list", query=query)["response"]
    assert first["brand_list"] == [
        {"brand_id": 1100001, "original_brand_name": "Phúc Long", "display_brand_name": "Phúc Long"}
    ]
    assert first["has_next_page"] and first["next_offset"] == 1 and first["is_mandatory"]
    for name, field in (("offset", "Offset"), ("category_id", "CategoryId")):
        reply = raw.call(
            "GET", P + "get_brand_list", query={k: v for k, v in query.items() if k != name}
        )
        assert reply["message"] == f"invalid field {field}: value must  Not Null"
    reply = raw.call(
        "GET", P + "get_brand_list", query={k: v for k, v in query.items() if k != "status"}
    )
    assert (reply["error"], reply["message"]) == ("product.error_param", "status is required.")


def _specs() -> dict[int, categories.AttributeSpec]:
    reply = {
        "list": [
            {
                "category_id": 7,
                "attribute_tree": [
                    {
                        "attribute_id": 1,
                        "name": "Vùng miền",
                        "mandatory": False,
                        "attribute_value_list": [
                            {
                                "value_id": 50,
                                "name": "Miền Bắc",
                                "multi_lang": [{"language": "en", "value": "North"}],
                            }
                        ],
                        "attribute_info": {"input_type": 1},
                    },
                    {
                        "attribute_id": 2,
                        "name": "Thành phần",
                        "attribute_value_list": [],
                        "attribute_info": {"input_type": 3},
                    },
                    {
                        "attribute_id": 3,
                        "name": "Xuất xứ",
                        "attribute_value_list": [{"value_id": 10, "name": "Việt Nam"}],
                        "attribute_info": {"input_type": 2},
                    },
                ],
            }
        ]
    }
    return categories.attribute_tree(reply, 7)


def _row(attribute_id: int, value_id: int, text: str) -> dict[str, Any]:
    return {
        "attribute_id": attribute_id,
        "attribute_value_list": [{"value_id": value_id, "original_value_name": text}],
    }


@pytest.mark.parametrize(
    ("row", "sent"),
    [
        (_row(1, 0, "miền bắc"), (50, "miền bắc")),  # drop-down: the name, any case
        (_row(1, 0, "North"), (50, "North")),  # ... or a translation
        (_row(2, 7, "Chè Thái Nguyên"), (0, "Chè Thái Nguyên")),  # free text only: id 0
        (_row(3, 0, "Việt Nam"), (10, "Việt Nam")),  # combo box: the listed value
        (_row(3, 0, "Làng gốm"), (0, "Làng gốm")),  # ... or free text
        (_row(9, 4, "x"), (4, "x")),  # an attribute the tree does not describe: as mapped
    ],
)
def test_the_input_type_decides_between_value_id_and_free_text(
    row: dict[str, Any], sent: tuple[int, str]
) -> None:
    (resolved,), problems = resolve_attributes("S", [row], _specs())
    value = resolved["attribute_value_list"][0]
    assert (value["value_id"], value["original_value_name"]) == sent and problems == []


def test_a_drop_down_without_a_matching_value_is_a_problem() -> None:
    resolved, problems = resolve_attributes("S", [_row(1, 0, "Tây Nguyên")], _specs())
    assert resolved == [] and [p.message for p in problems] == [
        "attribute 'Vùng miền' takes one of: Miền Bắc (not 'Tây Nguyên')"
    ]


def test_the_channel_sends_a_drop_down_value_by_its_id(shop: Rig) -> None:
    """The mapping file does not know "Vùng miền"; the live tree says it is a drop-down."""
    listing = publish(shop, food("DS-1", **{"100120": "Northern Vietnam"}))
    rows = shop.app.products.items[int(listing.remote_id)].fields["attribute_list"]
    assert {
        "attribute_id": 100120,
        "attribute_value_list": [{"value_id": 50, "original_value_name": "Northern Vietnam"}],
    } in rows
    with pytest.raises(
        RejectedError,
        match=r"'Vùng miền' takes one of: Miền Bắc, Miền Trung, Miền Nam \(not 'Tây Nguyên'\)",
    ):
        shop.channel.create_listing(
            shop.channel.map_product(food("DS-2", **{"100120": "Tây Nguyên"}))
        )
    assert len(shop.server.calls("POST", ADD)) == 1
    assert len(shop.server.calls("GET", P + "get_attribute_tree")) == 1  # once per category and run


def test_the_channel_sends_free_text_where_the_tree_says_so(
    module_server: SandboxServer, tmp_path: Path
) -> None:
    """A mapping file that gives "Thành phần" a value id; the live tree says free text."""
    fresh(module_server)
    data = yaml.safe_load(categories.DEFAULT_FILE.read_text(encoding="utf-8"))
    data["categories"]["tea"]["attributes"].append(
        {"attribute_id": 100103, "name": "Thành phần", "values": {"Chè Thái Nguyên": 7}}
    )
    mapping = tmp_path / "shopee.yaml"
    mapping.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with rig(module_server, tmp_path, mapping_file=str(mapping)) as shop:
        product = tea(attributes={"Hạn sử dụng": "12 tháng", "Thành phần": "Chè Thái Nguyên"})
        listing = publish(shop, product)
        rows = shop.app.products.items[int(listing.remote_id)].fields["attribute_list"]
        assert {
            "attribute_id": 100103,
            "attribute_value_list": [{"value_id": 0, "original_value_name": "Chè Thái Nguyên"}],
        } in rows


# -- 9. missing item_id, add_item's reply, base info attributes ------------------------------


@pytest.mark.parametrize(
    ("method", "call", "body"),
    [
        ("POST", "update_item", {"item_name": "Trà sen mới 250g"}),
        ("POST", "update_price", {"price_list": [{"model_id": 0, "original_price": 1000}]}),
        ("POST", "update_stock", {"stock_list": [{"model_id": 0, "seller_stock": [{"stock": 1}]}]}),
        ("POST", "init_tier_variation", {"tier_variation": [], "model": []}),
        ("GET", "get_model_list", None),
    ],
)
def test_a_call_without_item_id(raw: Raw, method: str, call: str, body: Any) -> None:
    """update_price's and get_model_list's error example: product.error_param, "invalid field
    ItemId: value must  Not Null"."""
    reply = raw.call(method, P + call, json=body)
    assert (reply["error"], reply["message"]) == ("product.error_param", ITEM_ID_NULL)


def test_add_item_answers_attributes_and_base_info_describes_them(raw: Raw) -> None:
    body = raw.item_body(
        attribute_list=[
            {"attribute_id": 100100, "attribute_value_list": [{"value_id": 3}]},
            {
                "attribute_id": 100101,
                "attribute_value_list": [{"value_id": 0, "original_value_name": "Hà Nội"}],
            },
        ]
    )
    reply = raw.call("POST", ADD, json=body)["response"]
    assert "attribute_list" not in reply and [a["attribute_id"] for a in reply["attributes"]] == [
        100100,
        100101,
    ]
    info = raw.call("GET", P + "get_item_base_info", query={"item_id_list": reply["item_id"]})
    (item,) = info["response"]["item_list"]
    assert item["attribute_list"] == [
        {
            "attribute_id": 100100,
            "original_attribute_name": "Hạn sử dụng",
            "is_mandatory": True,
            "attribute_value_list": [
                {"value_id": 3, "original_value_name": "12 tháng", "value_unit": ""}
            ],
        },
        {
            "attribute_id": 100101,
            "original_attribute_name": "Xuất xứ",
            "is_mandatory": False,
            "attribute_value_list": [
                {"value_id": 0, "original_value_name": "Hà Nội", "value_unit": ""}
            ],
        },
    ]


# -- 11. what the pages' samples send is accepted ------------------------------------------


def test_add_item_without_seller_stock(raw: Raw) -> None:
    """add_item's request table: seller_stock Required False (stock inside it True)."""
    body = raw.item_body()
    del body["seller_stock"]
    reply = raw.call("POST", ADD, json=body)
    assert reply["error"] == "" and raw.app.state()["listings"][0]["stock"] == 0
    body["seller_stock"] = [{"location_id": "VNZ"}]
    assert raw.call("POST", ADD, json=body)["error"] == "product.error_param"


def test_order_list_cursor_as_the_samples_send_it(raw: Raw) -> None:
    """get_order_list's request samples send cursor="" (PHP/Python: %22%22)."""
    now = raw.app.clock.timestamp()
    query = {
        "time_range_field": "create_time",
        "time_from": now - DAY,
        "time_to": now,
        "page_size": 20,
        "cursor": '""',
    }
    reply = raw.call("GET", LIST, query=query)
    assert reply["error"] == "" and reply["response"]["more"] is False


@pytest.mark.parametrize("form", ["[{a} {b}]", "[{a},{b}]", "{a},{b}"])
def test_item_id_list_as_the_samples_send_it(raw: Raw, form: str) -> None:
    """get_item_base_info's Java/PHP/Python samples: item_id_list=[34001 34002]."""
    a, b = raw.add_item(), raw.add_item()
    reply = raw.call("GET", P + "get_item_base_info", query={"item_id_list": form.format(a=a, b=b)})
    assert [i["item_id"] for i in reply["response"]["item_list"]] == [a, b]


# -- 12. optional order detail fields ------------------------------------------------------


def test_order_detail_optional_fields(raw: Raw) -> None:
    raw.add_item()
    (sn,) = raw.app.create_orders({"sku": "LT-250", "quantity": 2, "status": "READY_TO_SHIP"})
    raw.app.set_order_status(sn, "SHIPPED")
    asked = "recipient_address,package_list,shipping_carrier,actual_shipping_fee,note"
    bare = raw.call("GET", DETAIL, query={"order_sn_list": sn})["response"]["order_list"][0]
    assert not set(asked.split(",")) & set(bare)
    query = {"order_sn_list": sn, "response_optional_fields": asked}
    (order,) = raw.call("GET", DETAIL, query=query)["response"]["order_list"]
    assert set(asked.split(",")) <= set(order)
    assert order["recipient_address"]["region"] == "VN" and order["note"] == ""
    assert order["shipping_carrier"] == order["package_list"][0]["shipping_carrier"]
    assert order["package_list"][0]["item_list"][0]["model_quantity"] == 2
    assert order["actual_shipping_fee"] == 0.0


# -- settings where the pages say nothing: the adapter under each value ---------------------


@pytest.mark.parametrize("setting", ["refuse", "accept"])
def test_a_fast_clock_under_each_future_timestamp_setting(shop: Rig, setting: str) -> None:
    shop.app.configure(future_timestamps=setting)
    shop.channel.client.wall_clock = lambda: time.time() + 6 * 60
    if setting == "refuse":
        with pytest.raises(ClockSkew):
            shop.channel.find_listing("NOPE")
    else:
        assert shop.channel.find_listing("NOPE") is None
    shop.channel.client.wall_clock = lambda: time.time() - 6 * 60  # stale: refused either way
    with pytest.raises(ClockSkew):
        shop.channel.find_listing("NOPE")


@pytest.mark.parametrize("code", ["error_rate_limit", "error_too_many_request"])
def test_the_sandbox_throttle_under_each_code(shop: Rig, code: str) -> None:
    """Throttling has no documented code: under each, the adapter reads "slow down" (its
    retries, instant on the test's fake clock, all meet the 1 call/s limit here)."""
    shop.app.configure(rate_per_second=1, throttle_code=code)
    assert shop.channel.find_listing("NONE-1") is None
    with pytest.raises(RateLimited) as caught:
        shop.channel.find_listing("NONE-2")
    assert caught.value.retry_after == 1.0 and not caught.value.quota_exhausted
    assert shop.app.throttled == 4 and len(shop.server.calls("GET", SEARCH)) == 5


@pytest.mark.parametrize("setting", ["accept", "refuse"])
def test_a_second_create_of_a_listed_sku(shop: Rig, setting: str) -> None:
    """Whether add_item refuses an SKU already listed is not documented: if Shopee keeps both,
    the engine's look-up before every create is what prevents it; if it refuses
    (error_repeated_mtsku), the adapter adopts the listing that carries the SKU."""
    shop.app.configure(duplicate_item_sku=setting)
    first = publish(shop, tea())
    second = shop.channel.create_listing(shop.channel.map_product(tea()))
    assert len(shop.server.calls("POST", ADD)) == 2
    if setting == "accept":
        assert second.remote_id != first.remote_id
        assert len(shop.app.state()["listings"]) == 2
    else:
        assert second.remote_id == first.remote_id and second.units == {"LT-250": "0"}
        assert len(shop.app.state()["listings"]) == 1


def test_a_duplicate_the_look_up_cannot_find_stays_refused(shop: Rig) -> None:
    shop.app.configure(duplicate_item_sku="refuse")
    publish(shop, tea())
    shop.app.configure(search_lag_seconds=DAY)  # search_item does not see the item yet
    with pytest.raises(Duplicate, match="a similar product is already listed"):
        shop.channel.create_listing(shop.channel.map_product(tea()))
    assert len(shop.app.state()["listings"]) == 1


def test_new_settings_are_checked(raw: Raw) -> None:
    for bad in (
        {"future_timestamps": "maybe"},
        {"duplicate_item_sku": 1},
        {"order_detail_unknown": "x"},
        {"throttle_code": ""},
    ):
        with pytest.raises(ValueError):
            raw.app.configure(**bad)
    assert ShopeeSandbox(order_detail_unknown="skip").settings.order_detail_unknown == "skip"
    assert raw.upload(jpeg())  # the public upload is untouched by the settings
