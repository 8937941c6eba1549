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
from decimal import ROUND_HALF_UP, Decimal

from listsync.channel.contract import Money, Order, OrderLine, OrderState
from listsync.errors import TransientError
from listsync.http import MalformedReply
from listsync.i18n import _
from listsync_shopee.client import ShopeeClient
from listsync_shopee.errors import CHANNEL, NotFound
from listsync_shopee.replies import OrderDetail, OrderDetails, OrderList

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
                reply=OrderList,
            )
            pages += 1
            listed.extend(row.order_sn for row in reply.order_list)
            if not reply.more:
                return listed, pages
            used.add(cursor)
            cursor = reply.next_cursor
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

    def _read_details(self, order_sns: list[str]) -> dict[str, OrderDetail]:
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
                reply=OrderDetails,
            )
        except NotFound:
            if len(order_sns) == 1:
                return {}
            half = len(order_sns) // 2
            return {
                **self._read_details(order_sns[:half]),
                **self._read_details(order_sns[half:]),
            }
        return {detail.order_sn: detail for detail in reply.order_list}


def to_order(detail: OrderDetail) -> Order:
    """One ``get_order_detail`` entry as the core's Order: UTC times, lines per SKU."""
    currency = detail.currency or "VND"
    folded: dict[str, list[tuple[int, Decimal, str]]] = {}
    for row in detail.item_list:
        sku = row.model_sku or row.item_sku or f"shopee:{row.item_id}:{row.model_id}"
        discounted = row.model_discounted_price or Decimal(0)
        price = discounted if discounted > 0 else row.model_original_price or Decimal(0)
        line_id = row.order_item_id or ""
        folded.setdefault(sku, []).append((row.model_quantity_purchased, price, line_id))
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
    amount = (
        detail.total_amount
        if detail.total_amount is not None
        else sum((line.unit_price.amount * line.quantity for line in lines), Decimal(0))
    )
    return Order(
        order_id=detail.order_sn,
        state=state_of(detail.order_status),
        status=detail.order_status,
        created_at=_time(detail.create_time),
        updated_at=_time(detail.update_time or detail.create_time),
        total=_money(amount, currency),
        lines=tuple(lines),
    )


def _money(amount: Decimal, currency: str, *, averaged: bool = False) -> Money:
    """Whole dong (or cents); an amount Shopee sent with a finer fraction is rounded, loudly."""
    places = Decimal(1).scaleb(-Money.exponent(currency))
    rounded = amount.quantize(places, rounding=ROUND_HALF_UP)
    if rounded != amount and not averaged:
        log.warning("shopee: amount %s %s rounded to %s", amount, currency, rounded)
    return Money(rounded, currency)


def _time(seconds: int) -> datetime:
    """Unix seconds (the reply's model has checked they are a whole number) in UTC."""
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        raise MalformedReply(
            _("the reply does not have the documented shape ({problems})").format(
                problems=_("an order time is out of range: {value}").format(value=seconds)
            ),
            channel=CHANNEL,
            call="get_order_detail",
        ) from None
