"""The reply models of both adapters and the core's reply types, by property (hypothesis).

A reply of the documented shape reads whatever undocumented fields come with it; a reply
that differs is a MalformedReply with a sentence that names the channel, the call and the
place — never a KeyError, TypeError or AttributeError.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from listsync_lazada import replies as lazada
from listsync_shopee import replies as shopee

from listsync.http import MalformedReply
from listsync.replies import Amount, Ident, Reply, Whole, parse_reply

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
NOT_A_LIST = JSON.filter(lambda value: value is not None and not isinstance(value, list))
EXTRA_NAMES = st.text(min_size=1).filter(
    lambda name: name not in {"more", "next_cursor", "order_list", "order_sn", "order_status"}
)


class Numbers(Reply):
    whole: Whole | None = None
    ident: Ident | None = None
    amount: Amount | None = None


def read(model: type[Reply], data: Any, call: str = "a_call") -> Any:
    return parse_reply(model, data, channel="market", call=call)


def order_list(rows: Any) -> dict[str, Any]:
    return {"more": False, "next_cursor": "", "order_list": rows}


@given(NOT_A_LIST)
def test_order_list_that_is_not_a_list_is_named(rows: Any) -> None:
    with pytest.raises(MalformedReply) as caught:
        parse_reply(
            shopee.OrderList,
            order_list(rows),
            channel="shopee",
            call="get_order_list",
            at=["response"],
        )
    assert str(caught.value) == (
        "shopee get_order_list: the reply does not have the documented shape"
        " (response.order_list: must be a list)"
    )


@given(JSON)
def test_any_json_at_all_is_read_or_refused_with_a_sentence(data: Any) -> None:
    for model in (shopee.OrderDetails, shopee.ItemBaseInfo, lazada.OrdersReply, lazada.TokenReply):
        try:
            read(model, data)
        except MalformedReply as error:
            assert str(error).startswith("market a_call: the reply does not have the documented")


@given(st.dictionaries(EXTRA_NAMES, JSON, max_size=4), st.lists(st.text(min_size=1), max_size=3))
def test_undocumented_fields_never_break_a_reply(extra: dict[str, Any], sns: list[str]) -> None:
    rows = [{"order_sn": sn, "order_status": "READY_TO_SHIP", **extra} for sn in sns]
    reply = read(shopee.OrderList, {**order_list(rows), **extra})
    assert [row.order_sn for row in reply.order_list] == sns
    assert reply.more is False and reply.next_cursor == ""


@given(st.integers(min_value=-(10**18), max_value=10**18))
def test_whole_numbers_are_read_as_numbers_or_digits(number: int) -> None:
    assert read(Numbers, {"whole": number}).whole == number
    assert read(Numbers, {"whole": str(number)}).whole == number
    assert read(Numbers, {"ident": number}).ident == str(number)


@pytest.mark.parametrize("value", [True, 1.5, "ten", "1e3", [], {}])
def test_what_is_no_whole_number_is_named(value: Any) -> None:
    with pytest.raises(MalformedReply, match=r"\(whole: must be a whole number\)$"):
        read(Numbers, {"whole": value})


@pytest.mark.parametrize("value", [True, 1.5, [], {}])
def test_what_is_no_id_is_named(value: Any) -> None:
    with pytest.raises(
        MalformedReply, match=r"\(ident: must be an id, as text or a whole number\)$"
    ):
        read(Numbers, {"ident": value})


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=0, max_value=10**12))
def test_amounts_are_exact_from_text_or_numbers(amount: Decimal) -> None:
    assert read(Numbers, {"amount": str(amount)}).amount == amount
    as_json = json.loads(json.dumps({"amount": float(amount)}))
    assert read(Numbers, as_json).amount == Decimal(str(float(amount)))


@pytest.mark.parametrize("value", [True, "12,5", "NaN", "Infinity", [1]])
def test_what_is_no_amount_is_named(value: Any) -> None:
    with pytest.raises(MalformedReply, match="amount: must be an amount"):
        read(Numbers, {"amount": value})


def test_many_problems_are_summed_up_after_three() -> None:
    rows = [{"order_status": 1}] * 2
    with pytest.raises(MalformedReply) as caught:
        read(shopee.OrderList, order_list(rows), "get_order_list")
    assert str(caught.value) == (
        "market get_order_list: the reply does not have the documented shape"
        " (order_list.0.order_sn: is missing; order_list.0.order_status: must be text;"
        " order_list.1.order_sn: is missing; and 1 more)"
    )


def test_a_reply_that_is_no_object_is_named() -> None:
    with pytest.raises(MalformedReply, match=r"shape \(the reply: must be an object\)$"):
        read(shopee.OrderList, ["not", "an", "object"])


# -- Shopee ---------------------------------------------------------------------------------
@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=0, max_value=10**4))
def test_shopee_weights_as_text_or_numbers(kg: Decimal) -> None:
    info = {"item_id": 1, "weight": str(kg)}
    assert read(shopee.ItemInfo, info).weight == kg
    assert read(shopee.ModelInfo, {"model_id": 2, "weight": float(kg)}).weight == Decimal(
        str(float(kg))
    )


@pytest.mark.parametrize("weight", ["heavy", "-1", True, [1]])
def test_shopee_weights_that_are_no_weight(weight: Any) -> None:
    with pytest.raises(MalformedReply, match="weight: must be a weight in kg"):
        read(shopee.ItemInfo, {"item_id": 1, "weight": weight})


def test_shopee_order_detail_reads_the_documented_line() -> None:
    detail = read(
        shopee.OrderDetail,
        {
            "order_sn": "2605",
            "create_time": 1_777_600_000,
            "total_amount": 240000.0,
            "item_list": [
                {
                    "model_sku": "A-1",
                    "model_quantity_purchased": 2,
                    "model_discounted_price": 120000.0,
                    "order_item_id": 4400123,
                }
            ],
        },
    )
    (line,) = detail.item_list
    assert (line.model_quantity_purchased, line.model_discounted_price) == (2, Decimal("120000.0"))
    assert line.order_item_id == "4400123" and detail.update_time is None


# -- Lazada ---------------------------------------------------------------------------------
@given(st.integers(min_value=1, max_value=10**15) | st.from_regex(r"[0-9]{1,15}", fullmatch=True))
def test_lazada_ids_as_text_or_numbers(order_id: int | str) -> None:
    order = {"order_id": order_id, "created_at": "x", "updated_at": "y", "price": "1.00"}
    (read_order,) = read(lazada.OrdersReply, {"data": {"orders": [order]}}).data.orders
    assert read_order.order_id == str(order_id)


@pytest.mark.parametrize(
    "infos",
    [
        {"country_user_info": [{"country": "vn", "seller_id": 100234}]},
        {"country_user_info_list": [{"country": "vn", "seller_id": "100234"}]},
        {"country_user_info": {"vn": {"seller_id": 100234}}},
    ],
)
def test_lazada_token_sellers_as_the_fields_or_the_samples_write_them(
    infos: dict[str, Any],
) -> None:
    body = {"access_token": "50000abc", "expires_in": 604800, **infos}
    for reply in (read(lazada.TokenReply, body), read(lazada.TokenReply, {"data": body})):
        assert [(s.country, s.seller_id) for s in reply.sellers] == [("vn", "100234")]


def test_lazada_sku_stock_figures_and_reasons() -> None:
    item = read(
        lazada.ProductItemReply,
        {
            "data": {
                "itemId": 7,
                "status": "rejected",
                "rejectReason": [{"suggestion": "Ảnh mờ", "violationDetail": ""}],
                "skus": [
                    {
                        "SellerSku": "A-1",
                        "SkuId": 9,
                        "multiWarehouseInventories": [{"sellableQuantity": "4"}],
                    }
                ],
            }
        },
    ).data
    assert item.item_id_camel == "7" and item.reasons == ("Ảnh mờ",)
    (sku,) = item.skus
    assert (sku.seller_sku, sku.sku_id, sku.warehouses[0].sellable) == ("A-1", "9", 4)
