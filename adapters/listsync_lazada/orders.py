"""Lazada orders as the core's Orders: item rows folded into lines, item statuses into one state.

Lazada keeps the status on each order item, one row per unit. The order's state is
decided from its items:

- units that are cancelled or came back (``canceled``, ``returned``,
  ``shipped_back_success``) are *closed*; the others are *open*;
- with open units, the state is the least advanced of theirs (one unit still packed and
  one shipped: PAID, the order is not all on its way), and the lines hold only the open
  units, so a unit cancelled out of a larger order is not counted as sold;
- with every unit closed, the state is RETURNED if any unit came back, else CANCELLED, and
  the lines hold every unit (what is given back).

Lost or damaged parcels (``lost``, ``lost_by_3pl``, ``damaged_by_3pl``,
``package_scrapped``) and failed deliveries still on their way back count as SHIPPED: the
goods left and have not come back. An unknown status counts as PAID (stock stays held).

Whether a row ever holds several units is UNCONFIRMED (docs/marketplaces/lazada.md), so
both are taken: order items are folded by SKU, and one row per unit and a row with several
units (if a ``quantity`` ever appears, it is not read: rows are counted) give the same
lines. An order's total is Lazada's ``price``: the items' total before vouchers and
shipping.

:class:`OrderReader` reads orders by ``update_after`` windows sorted by ``updated_at``
ascending. After every page the window moves up to the last order's ``updated_at`` (less a
second, so a bound read as "after" or "after or on" loses nothing) and the offset returns
to 0; the offset only steps through orders sharing that second. Orders updated while we
page move to the end of the list instead of shifting unread ones past us, and the offset
stays far below Lazada's 5,000. Orders read twice are yielded once (unless they changed).
Their items are read ``MAX_ITEM_IDS`` orders a call.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from listsync.channel.contract import Money, Order, OrderLine, OrderState
from listsync.clock import utc
from listsync.errors import TransientError
from listsync.http import MalformedReply
from listsync.i18n import _
from listsync_lazada.client import LazadaClient
from listsync_lazada.errors import CHANNEL
from listsync_lazada.replies import LazadaOrder, OrderItem, OrderItemsReply, OrdersReply

VN = timezone(timedelta(hours=7))
MAX_OFFSET = 5000  # GetOrders' offset goes no further
MAX_ITEM_IDS = 50  # orders one /orders/items/get call takes
STATES: dict[str, OrderState] = {
    "unpaid": OrderState.PENDING,
    "pending": OrderState.PAID,
    "topack": OrderState.PAID,
    "packed": OrderState.PAID,
    "repacked": OrderState.PAID,
    "toship": OrderState.PAID,
    "ready_to_ship": OrderState.PAID,
    "ready_to_ship_pending": OrderState.PAID,
    "shipped": OrderState.SHIPPED,
    "shipping": OrderState.SHIPPED,
    "failed": OrderState.SHIPPED,
    "failed_delivery": OrderState.SHIPPED,
    "shipped_back": OrderState.SHIPPED,
    "shipped_back_failed": OrderState.SHIPPED,
    "lost": OrderState.SHIPPED,
    "lost_by_3pl": OrderState.SHIPPED,
    "damaged_by_3pl": OrderState.SHIPPED,
    "package_scrapped": OrderState.SHIPPED,
    "delivered": OrderState.COMPLETED,
    "confirmed": OrderState.COMPLETED,
    "canceled": OrderState.CANCELLED,
    "cancelled": OrderState.CANCELLED,
    "returned": OrderState.RETURNED,
    "shipped_back_success": OrderState.RETURNED,
}
PROGRESS = (OrderState.PENDING, OrderState.PAID, OrderState.SHIPPED, OrderState.COMPLETED)
CLOSED = (OrderState.CANCELLED, OrderState.RETURNED)


def item_state(status: str) -> OrderState:
    return STATES.get(status.strip().lower(), OrderState.PAID)


def order_state(statuses: Iterable[str]) -> OrderState:
    states = [item_state(status) for status in statuses]
    open_states = [state for state in states if state not in CLOSED]
    if open_states:
        return min(open_states, key=PROGRESS.index)
    return OrderState.RETURNED if OrderState.RETURNED in states else OrderState.CANCELLED


def parse_time(raw: Any, order_id: str) -> datetime:
    """Lazada writes ``2024-05-01 09:30:00 +0700``; ISO 8601 is read too. Returns UTC."""
    text = str(raw or "").strip()
    for parse in (
        lambda t: datetime.strptime(t, "%Y-%m-%d %H:%M:%S %z"),
        datetime.fromisoformat,
    ):
        try:
            moment = parse(text)
        except ValueError:
            continue
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    raise MalformedReply(
        _("order {order_id} has a time Lazada should not send: {value!r}").format(
            order_id=order_id, value=text
        ),
        channel=CHANNEL,
        call="get_orders",
    )


def parse_money(amount: Decimal, currency: str, order_id: str, field: str) -> Money:
    """Money from an amount the reply's model has read (Lazada writes ``"125000.00"``; a
    float never passes through float)."""
    try:
        return Money(amount, currency or "VND")
    except ValueError:
        raise MalformedReply(
            _("order {order_id} has {field} {value}, not an amount of {currency}").format(
                order_id=order_id, field=field, value=amount, currency=currency
            ),
            channel=CHANNEL,
            call="get_orders",
        ) from None


def fold(order: LazadaOrder, items: Iterable[OrderItem]) -> Order:
    order_id = order.order_id
    rows = list(items)
    statuses = sorted({row.status for row in rows} or set(order.statuses))
    state = order_state(statuses)
    if state not in CLOSED:
        rows = [row for row in rows if item_state(row.status) not in CLOSED]
    lines: dict[tuple[str, Money], list[str]] = {}
    currency = "VND"
    for row in rows:
        currency = row.currency or "VND"
        price = parse_money(row.item_price, currency, order_id, "item_price")
        lines.setdefault((row.sku, price), []).append(row.order_item_id or "")
    return Order(
        order_id=order_id,
        state=state,
        status=",".join(statuses),
        created_at=parse_time(order.created_at, order_id),
        updated_at=parse_time(order.updated_at, order_id),
        total=parse_money(order.price, currency, order_id, "price"),
        lines=tuple(
            OrderLine(sku=sku, quantity=len(ids), unit_price=price, line_id=ids[0])
            for (sku, price), ids in lines.items()
        ),
    )


def _iso(moment: datetime) -> str:
    return utc(moment).astimezone(VN).isoformat(timespec="seconds")


class OrderReader:
    def __init__(self, client: LazadaClient, page_size: int):
        self.client = client
        self.page_size = page_size

    def orders(self, since: datetime, until: datetime) -> Iterator[Order]:
        start = utc(since) - timedelta(seconds=1)
        end = _iso(utc(until) + timedelta(seconds=1))
        limit = self.page_size
        offset = 0
        seen: dict[str, str] = {}
        while True:
            body = self.client.call(
                "get_orders",
                "/orders/get",
                {
                    "update_after": _iso(start),
                    "update_before": end,
                    "sort_by": "updated_at",
                    "sort_direction": "ASC",
                    "offset": str(offset),
                    "limit": str(limit),
                },
                idempotent=True,
                reply=OrdersReply,
            )
            page = body.data.orders
            fresh = [o for o in page if seen.get(o.order_id) != o.updated_at]
            yield from self._with_items(fresh)
            seen.update((o.order_id, o.updated_at) for o in fresh)
            if len(page) < limit:
                return
            last = parse_time(page[-1].updated_at, page[-1].order_id)
            moved = last.replace(microsecond=0) - timedelta(seconds=1)
            if moved > start:
                start, offset = moved, 0
                continue
            offset += limit
            if offset + limit > MAX_OFFSET:
                raise TransientError(
                    _(
                        "more than {count:,} Lazada orders changed within two seconds around "
                        "{moment}; Lazada cannot page past that"
                    ).format(count=MAX_OFFSET, moment=last.isoformat()),
                    channel=CHANNEL,
                    call="get_orders",
                )

    def _with_items(self, orders: list[LazadaOrder]) -> Iterator[Order]:
        for start in range(0, len(orders), MAX_ITEM_IDS):
            chunk = orders[start : start + MAX_ITEM_IDS]
            ids = ",".join(o.order_id for o in chunk)
            body = self.client.call(
                "get_order_items",
                "/orders/items/get",
                {"order_ids": f"[{ids}]"},
                idempotent=True,
                reply=OrderItemsReply,
            )
            items = {entry.order_id: entry.order_items for entry in body.data}
            for order in chunk:
                yield fold(order, items.get(order.order_id, []))
