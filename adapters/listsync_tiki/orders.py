"""Tiki orders as the core's Orders, read by update-time windows, every page.

``GET /integration/v2/orders`` ("Order Listing V2") is asked with ``updated_from_date`` /
``updated_to_date`` written ``yyyy-MM-dd HH:mm:ss`` in Vietnam time (UTC+7, the time every
Tiki sample writes, e.g. ``2020-08-18 11:10:02``), ``page`` and ``limit``, page after page
until ``paging.last_page``. Whether the bounds are inclusive and how wide a window may be are
UNCONFIRMED: each window is widened by a second on both sides (the engine upserts, so an
order read twice changes nothing) and the engine's one-day windows are kept. Pages are
numbered, so an order that changes while the list is paged can shift the rows: when
``paging.total`` moves between pages, the window is read again from page 1 (at most three
times); orders already read are yielded again only if they changed.

Only orders that reached ``queueing`` are real for the seller (get-list-orders guide):
``waiting_payment`` and ``processing`` are left out, by the documented filter
``status=nin|processing,waiting_payment`` and again here, should a reply hold them anyway.

Statuses (order-status-v2) map onto the core's states:

- ``queueing``, ``paid``, ``picking``, ``packaging``, ``finished_packing``,
  ``ready_to_ship``, ``holded``: PAID (to be shipped, the stock is held);
- ``handover_to_partner``, ``shipping``: SHIPPED;
- ``delivered``, ``successful_delivery``, ``complete``, ``closed``: COMPLETED;
- ``canceled`` (also read spelled ``cancelled``): CANCELLED; ``returned``: RETURNED;
- ``waiting_payment``, ``payment_review``, ``processing``: PENDING;
- a status not in the list counts as PAID (stock stays held), as Lazada's unknown ones do.

Money is VND: the invoice amounts are decimals written ``"409000.00"`` (or numbers), read
with Decimal and never through a float. An order's total is its invoice's ``subtotal`` (the
items' value before discounts and shipping, as Lazada's ``price`` is), else the sum of the
items' subtotals, else price × quantity. An item's quantity and price are its
``invoice.quantity`` / ``invoice.price`` (order-item-v2), else the older top-level
``qty`` / ``price``.

The seller SKU of an item is ``product.seller_product_code`` (UNCONFIRMED in Tiki's pages;
a field of working integrations' order item models, e.g. Light.Tiki's ``Product``), then
``product.original_sku``, then the item's own ``original_sku`` (v1 order items), then
``product.sku`` (Tiki's own SKU: such a line shows up as a SKU not in the catalog). An order
in the list without ``items`` is read again with "Get order details"
(``GET /integration/v2/orders/{code}``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from listsync.channel.contract import Money, Order, OrderLine, OrderState
from listsync.clock import utc
from listsync.http import MalformedReply
from listsync.i18n import _
from listsync_tiki.client import TikiClient
from listsync_tiki.errors import CHANNEL

VN = timezone(timedelta(hours=7))
WIRE_TIME = "%Y-%m-%d %H:%M:%S"
ORDERS_PATH = "/integration/v2/orders"
NOT_YET_REAL = ("processing", "waiting_payment")  # the guide's own filter
STATUS_FILTER = "nin|" + ",".join(NOT_YET_REAL)
MAX_RESTARTS = 3
STATES: dict[str, OrderState] = {
    "waiting_payment": OrderState.PENDING,
    "payment_review": OrderState.PENDING,
    "processing": OrderState.PENDING,
    "queueing": OrderState.PAID,
    "paid": OrderState.PAID,
    "picking": OrderState.PAID,
    "packaging": OrderState.PAID,
    "finished_packing": OrderState.PAID,
    "ready_to_ship": OrderState.PAID,
    "holded": OrderState.PAID,
    "handover_to_partner": OrderState.SHIPPED,
    "shipping": OrderState.SHIPPED,
    "delivered": OrderState.COMPLETED,
    "successful_delivery": OrderState.COMPLETED,
    "complete": OrderState.COMPLETED,
    "closed": OrderState.COMPLETED,
    "canceled": OrderState.CANCELLED,
    "cancelled": OrderState.CANCELLED,
    "returned": OrderState.RETURNED,
}


def order_state(status: str) -> OrderState:
    return STATES.get(status.strip().lower(), OrderState.PAID)


def wire_time(moment: datetime) -> str:
    """A moment as Tiki's query parameters take it: ``yyyy-MM-dd HH:mm:ss``, Vietnam time."""
    return utc(moment).astimezone(VN).strftime(WIRE_TIME)


def parse_time(raw: Any, code: str) -> datetime:
    """Tiki's ``2020-08-18 11:10:02`` (Vietnam time) or ISO 8601, as UTC."""
    text = str(raw or "").strip()
    try:
        moment = datetime.strptime(text, WIRE_TIME).replace(tzinfo=VN)
    except ValueError:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise MalformedReply(
                _("order {code} has a time Tiki should not send: {value!r}").format(
                    code=code, value=text
                ),
                channel=CHANNEL,
                call="get_orders",
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=VN)
    return moment.astimezone(UTC)


def parse_amount(raw: Any, code: str, field: str) -> Decimal:
    """A VND amount as Decimal: ``"409000.00"``, ``409000`` or ``409000.0``."""
    if isinstance(raw, bool):
        raw = None
    try:
        return Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise MalformedReply(
            _("order {code} has {field} {value!r}, not an amount of VND").format(
                code=code, field=field, value=raw
            ),
            channel=CHANNEL,
            call="get_orders",
        ) from None


def vnd(amount: Decimal, code: str, field: str) -> Money:
    try:
        return Money(amount, "VND")
    except ValueError:
        raise MalformedReply(
            _("order {code} has {field} {value}, not a whole number of dong").format(
                code=code, field=field, value=amount
            ),
            channel=CHANNEL,
            call="get_orders",
        ) from None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def seller_sku(item: Mapping[str, Any]) -> str:
    """The seller's SKU of an order item, by the fallbacks the module docstring lists."""
    product = _mapping(item.get("product"))
    for value in (
        product.get("seller_product_code"),
        product.get("original_sku"),
        item.get("original_sku"),
        product.get("sku"),
        item.get("sku"),
    ):
        if value not in (None, "") and str(value).strip():
            return str(value).strip()
    return ""


def _quantity(item: Mapping[str, Any], code: str) -> int:
    invoice = _mapping(item.get("invoice"))
    for raw in (invoice.get("quantity"), item.get("qty"), item.get("quantity")):
        if raw in (None, "") or isinstance(raw, bool):
            continue
        amount = parse_amount(raw, code, "quantity")
        if amount == amount.to_integral_value():
            return int(amount)
    raise MalformedReply(
        _("order {code} has an item without a whole quantity").format(code=code),
        channel=CHANNEL,
        call="get_orders",
    )


def _unit_price(item: Mapping[str, Any], code: str) -> Decimal:
    invoice = _mapping(item.get("invoice"))
    for raw in (invoice.get("price"), item.get("price")):
        if raw not in (None, "") and not isinstance(raw, bool):
            return parse_amount(raw, code, "price")
    return Decimal(0)


def fold(order: Mapping[str, Any]) -> Order:
    """One Order V2 as the core's Order."""
    code = str(order.get("code") or order.get("order_code") or "")
    if not code:
        raise MalformedReply(_("an order has no code"), channel=CHANNEL, call="get_orders")
    status = str(order.get("status") or "")
    lines: dict[tuple[str, Decimal], list[Any]] = {}
    subtotals: list[Decimal] = []
    for item in order.get("items") or []:
        if not isinstance(item, Mapping):
            continue
        quantity = _quantity(item, code)
        price = _unit_price(item, code)
        invoice = _mapping(item.get("invoice"))
        if invoice.get("subtotal") not in (None, ""):
            subtotals.append(parse_amount(invoice["subtotal"], code, "subtotal"))
        else:
            subtotals.append(price * quantity)
        entry = lines.setdefault((seller_sku(item), price), [0, str(item.get("id") or "")])
        entry[0] += quantity
    invoice = _mapping(order.get("invoice"))
    if invoice.get("subtotal") not in (None, ""):
        total = parse_amount(invoice["subtotal"], code, "invoice.subtotal")
    else:
        total = sum(subtotals, Decimal(0))
    created = order.get("created_at") or order.get("purchased_at")
    return Order(
        order_id=code,
        state=order_state(status),
        status=status,
        created_at=parse_time(created, code),
        updated_at=parse_time(order.get("updated_at") or created, code),
        total=vnd(total, code, "invoice.subtotal"),
        lines=tuple(
            OrderLine(
                sku=sku, quantity=quantity, unit_price=vnd(price, code, "price"), line_id=line_id
            )
            for (sku, price), (quantity, line_id) in lines.items()
            if quantity > 0
        ),
    )


def _total(body: Mapping[str, Any]) -> int | None:
    paging = _mapping(body.get("paging"))
    try:
        return int(paging["total"])
    except (KeyError, TypeError, ValueError):
        return None


def _page_info(body: Mapping[str, Any]) -> tuple[int, int]:
    paging = _mapping(body.get("paging"))
    try:
        current = int(paging.get("current_page") or 0)
        last = int(paging.get("last_page") or 0)
    except (TypeError, ValueError):
        return 0, 0
    return current, last


class Orders:
    def __init__(self, client: TikiClient, page_size: int):
        self.client = client
        self.page_size = page_size

    def iter_orders(self, since: datetime, until: datetime) -> Iterator[Order]:
        params = {
            "updated_from_date": wire_time(utc(since) - timedelta(seconds=1)),
            "updated_to_date": wire_time(utc(until) + timedelta(seconds=1)),
            "status": STATUS_FILTER,
            "limit": str(self.page_size),
        }
        seen: dict[str, str] = {}
        page, total, restarts = 1, None, 0
        while True:
            body = self.client.call(
                "get_orders",
                "GET",
                ORDERS_PATH,
                params={**params, "page": str(page)},
                idempotent=True,
            )
            if not isinstance(body, Mapping) or not isinstance(body.get("data", []), list):
                raise MalformedReply(
                    _("Tiki's order list is not a {data, paging} object"),
                    channel=CHANNEL,
                    call="get_orders",
                )
            rows = [row for row in body.get("data") or [] if isinstance(row, Mapping)]
            for row in rows:
                status = str(row.get("status") or "").strip().lower()
                code = str(row.get("code") or row.get("order_code") or "")
                if status in NOT_YET_REAL or seen.get(code) == str(row.get("updated_at")):
                    continue
                seen[code] = str(row.get("updated_at"))
                yield fold(row if "items" in row else self._detail(code))
            current, last = _page_info(body)
            now_total = _total(body)
            if total is None:
                total = now_total
            elif now_total != total and restarts < MAX_RESTARTS:
                # the list moved while it was paged (an order changed): read it again
                page, total, restarts = 1, now_total, restarts + 1
                continue
            if (
                not rows
                or (last and (current or page) >= last)
                or (not last and len(rows) < self.page_size)
            ):
                return
            page += 1

    def _detail(self, code: str) -> Mapping[str, Any]:
        body = self.client.call("get_order", "GET", f"{ORDERS_PATH}/{code}", idempotent=True)
        if not isinstance(body, Mapping):
            raise MalformedReply(
                _("Tiki's order {code} is not an object").format(code=code),
                channel=CHANNEL,
                call="get_order",
            )
        data = body.get("data")
        return data if isinstance(data, Mapping) else body
