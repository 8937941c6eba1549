"""Orders from Shopee: ≤ 15-day windows, cursor pages, details in batches of 50.

``get_order_list`` takes at most 15 days per query (``order.order_list_invalid_time``
otherwise), so a long range is cut into windows; windows share their boundary second and
order numbers are de-duplicated. How Shopee's cursor behaves while orders change is not
documented (UNCONFIRMED): if it is an offset underneath, an order that changes and leaves
the window while we page shifts the rest, and one could be skipped. So when a window took
more than one page, it is listed again and anything new is read too, until a pass finds
nothing new (at most three passes); a window that fits one page cannot shift.

Details come 50 order_sn at a time. An order_sn ``get_order_detail`` does not know is
``error_not_found`` (its reference page's error example); whether one such among known
ones refuses the whole call or is only left out of the reply is not documented
(UNCONFIRMED), so both are handled alike: a refused batch is split in halves until the
unknown order_sn stand alone, the others are read, and the unknown ones — listed, yet
without details — end the pull with a TransientError naming them (the window is read
again next run; nothing half-read is stored).

Statuses map onto the core's states: an order that is cancelling (``IN_CANCEL``) still
holds its stock, so it stays PAID until Shopee says CANCELLED; ``TO_RETURN`` is RETURNED.
An unknown status is treated as PAID (it keeps stock reserved, the safe side).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from listsync.channel.contract import Money, Order, OrderLine, OrderState
from listsync.errors import TransientError
from listsync.http import MalformedReply
from listsync.i18n import _
from listsync_shopee.client import ShopeeClient
from listsync_shopee.errors import CHANNEL, NotFound

log = logging.getLogger("listsync.shopee")
WINDOW_SECONDS = 15 * 86_400
PAGE_SIZE = 100
DETAIL_BATCH = 50
MAX_PASSES = 3
DETAIL_FIELDS = "item_list,total_amount,pay_time,cancel_by,cancel_reason"
STATES = {
    "UNPAID": OrderState.PENDING,
    "PENDING": OrderState.PENDING,
    "READY_TO_SHIP": OrderState.PAID,
    "PROCESSED": OrderState.PAID,
    "RETRY_SHIP": OrderState.PAID,
    "INVOICE_PENDING": OrderState.PAID,
    "IN_CANCEL": OrderState.PAID,
    "SHIPPED": OrderState.SHIPPED,
    "TO_CONFIRM_RECEIVE": OrderState.SHIPPED,
    "COMPLETED": OrderState.COMPLETED,
    "CANCELLED": OrderState.CANCELLED,
    "TO_RETURN": OrderState.RETURNED,
}


def state_of(status: str) -> OrderState:
    state = STATES.get(status)
    if state is None:
        log.warning("shopee: unknown order status %r, treated as paid", status)
        return OrderState.PAID
    return state


def windows(since: datetime, until: datetime) -> Iterator[tuple[int, int]]:
    """``[since, until]`` in Unix seconds, cut into windows Shopee accepts."""
    if until <= since:
        return
    start, end = math.floor(since.timestamp()), math.ceil(until.timestamp())
    while start < end:
        stop = min(start + WINDOW_SECONDS, end)
        yield start, stop
        start = stop


class OrderReader:
    def __init__(self, client: ShopeeClient):
        self.client = client

    def orders(self, since: datetime, until: datetime) -> Iterator[Order]:
        seen: set[str] = set()
        for start, stop in windows(since, until):
            fresh = [sn for sn in self._window(start, stop) if sn not in seen]
            seen.update(fresh)
            for begin in range(0, len(fresh), DETAIL_BATCH):
                yield from self._details(fresh[begin : begin + DETAIL_BATCH])

    def _window(self, start: int, stop: int) -> list[str]:
        found: list[str] = []
        known: set[str] = set()
        for _pass in range(MAX_PASSES):
            listed, pages = self._list(start, stop)
            new = [sn for sn in listed if sn not in known]
            found.extend(new)
            known.update(new)
            if pages == 1 or (_pass and not new):
                break
        return found

    def _list(self, start: int, stop: int) -> tuple[list[str], int]:
        listed: list[str] = []
        cursor, used, pages = "", set(), 0
        while True:
            params = [
                ("time_range_field", "update_time"),
                ("time_from", start),
                ("time_to", stop),
                ("page_size", PAGE_SIZE),
                ("cursor", cursor),
                ("response_optional_fields", "order_status"),
            ]
            reply = self.client.shop(
                "get_order_list",
                "GET",
                "/api/v2/order/get_order_list",
                params=params,
                idempotent=True,
            )
            pages += 1
            rows = reply.get("order_list") or []
            listed.extend(str(row["order_sn"]) for row in rows if row.get("order_sn"))
            if not reply.get("more"):
                return listed, pages
            used.add(cursor)
            cursor = str(reply.get("next_cursor") or "")
            if not cursor or cursor in used:
                raise MalformedReply(
                    _("Shopee said more orders follow but gave no new cursor"),
                    channel=CHANNEL,
                    call="get_order_list",
                )

    def _details(self, order_sns: list[str]) -> Iterator[Order]:
        details = self._read_details(order_sns)
        missing = [sn for sn in order_sns if sn not in details]
        if missing:
            raise TransientError(
                _("Shopee listed orders {orders} but gave no details for them").format(
                    orders=", ".join(missing[:5])
                ),
                channel=CHANNEL,
                call="get_order_detail",
            )
        for sn in order_sns:
            yield to_order(details[sn])

    def _read_details(self, order_sns: list[str]) -> dict[str, dict[str, Any]]:
        """Details by order_sn; an order_sn Shopee does not know is left out."""
        params = [
            ("order_sn_list", ",".join(order_sns)),
            ("response_optional_fields", DETAIL_FIELDS),
        ]
        try:
            reply = self.client.shop(
                "get_order_detail",
                "GET",
                "/api/v2/order/get_order_detail",
                params=params,
                idempotent=True,
            )
        except NotFound:
            if len(order_sns) == 1:
                return {}
            half = len(order_sns) // 2
            return {
                **self._read_details(order_sns[:half]),
                **self._read_details(order_sns[half:]),
            }
        rows = reply.get("order_list") or []
        return {str(d.get("order_sn")): d for d in rows if isinstance(d, dict)}


def to_order(detail: dict[str, Any]) -> Order:
    """One ``get_order_detail`` entry as the core's Order: UTC times, lines per SKU."""
    currency = str(detail.get("currency") or "VND")
    folded: dict[str, list[tuple[int, Decimal, str]]] = {}
    for row in detail.get("item_list") or []:
        sku = str(row.get("model_sku") or row.get("item_sku") or "")
        if not sku:
            sku = f"shopee:{row.get('item_id')}:{row.get('model_id')}"
        quantity = int(row.get("model_quantity_purchased") or 0)
        discounted = _decimal(row.get("model_discounted_price"))
        price = discounted if discounted > 0 else _decimal(row.get("model_original_price"))
        folded.setdefault(sku, []).append((quantity, price, str(row.get("order_item_id") or "")))
    lines = []
    for sku, rows in folded.items():
        quantity = sum(q for q, _p, _i in rows)
        if quantity <= 0:
            continue
        prices = {p for _q, p, _i in rows}
        if len(prices) == 1:
            unit = _money(prices.pop(), currency)
        else:
            average = sum((q * p for q, p, _i in rows), Decimal(0)) / quantity
            unit = _money(average, currency, averaged=True)
        lines.append(OrderLine(sku, quantity, unit, rows[0][2]))
    total = detail.get("total_amount")
    amount = (
        _decimal(total)
        if total is not None
        else sum((line.unit_price.amount * line.quantity for line in lines), Decimal(0))
    )
    return Order(
        order_id=str(detail["order_sn"]),
        state=state_of(str(detail.get("order_status") or "")),
        status=str(detail.get("order_status") or ""),
        created_at=_time(detail.get("create_time")),
        updated_at=_time(detail.get("update_time") or detail.get("create_time")),
        total=_money(amount, currency),
        lines=tuple(lines),
    )


def _decimal(value: Any) -> Decimal:
    """Shopee's JSON floats as exact Decimals, through their text."""
    try:
        return Decimal(str(value if value is not None else 0))
    except InvalidOperation:
        raise MalformedReply(
            _("Shopee sent {value!r} where an amount belongs").format(value=value),
            channel=CHANNEL,
            call="get_order_detail",
        ) from None


def _money(amount: Decimal, currency: str, *, averaged: bool = False) -> Money:
    """Whole dong (or cents); an amount Shopee sent with a finer fraction is rounded, loudly."""
    places = Decimal(1).scaleb(-Money.exponent(currency))
    rounded = amount.quantize(places, rounding=ROUND_HALF_UP)
    if rounded != amount and not averaged:
        log.warning("shopee: amount %s %s rounded to %s", amount, currency, rounded)
    return Money(rounded, currency)


def _time(value: Any) -> datetime:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise MalformedReply(
            _("Shopee sent an order without a valid time"), channel=CHANNEL, call="get_order_detail"
        )
    return datetime.fromtimestamp(int(value), UTC)
