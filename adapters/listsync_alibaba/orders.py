"""Alibaba.com Trade Assurance orders as the core's Orders, by modify-date windows.

``/alibaba/order/list`` (docs/marketplaces/alibaba.md §4.5) is asked with ``role=seller``,
``modified_date_start``/``modified_date_end`` written ``{"date_timestamp": "<ms>"}``,
``start_page`` and ``page_size``, and answers ``value{total_count, order_list[{trade_id,
trade_status, create_date{format_date, timestamp}, modify_date}]}``. Each order is then read
with ``/alibaba/order/get`` (``e_trade_id``) for its ``order_products[{product_id, sku_id,
name, quantity, unit, unit_price{amount, currency}}]`` and amounts.

UNCONFIRMED, and handled either way:

- whether ``start_page`` counts from 0 or 1 (the migration guide and a TOP adapter say 0):
  pages are asked from 0 on and every order is kept once by its id, until
  ``total_count`` orders are seen or a page brings nothing new; a gateway counting from 1
  either answers page 0 like page 1 (nothing lost, nothing doubled) or refuses
  ``start_page`` 0, and the pages are then asked from 1;
- the widest window one call may span: the engine's one-day windows are kept, each
  widened by a second on both sides (the engine upserts, so an order read twice changes
  nothing);
- masked trade ids: some tenants get ``trade_id`` masked in the list (``2000****8345``),
  which detail calls refuse. A row's unmasked id is taken from ``e_trade_id`` (or
  ``encrypt_trade_id``) when the row carries one; an order with only a masked id cannot be
  read, and the pull stops with a sentence saying so (an order silently skipped would
  leave its stock uncounted);
- the seller SKU of an order line: its ``sku_code`` when the line carries one, else the
  ``sku_code`` of its ``sku_id`` in the product (``alibaba.icbu.product.get``, read once per
  product and run).

Quantities come as decimal text (``"2.0000"``): read with Decimal, a whole number of units
or the order is refused (listsync counts units). Amounts are ``{amount, currency}`` read
with Decimal into Money, cents exact (never a float): the order's total is its
``product_total_amount`` (the goods, before shipping, as other channels' totals), else the
sum of its lines. Times are the ``timestamp`` (milliseconds) of ``create_date`` and
``modify_date``.

Statuses (the migration guide's list) onto the core's states:

- ``to_be_audited``, ``unpay``, ``paying``: PENDING;
- ``paid``, ``captured``, ``undeliver``, ``frozen`` (a dispute holds the money): PAID;
- ``delivering``, ``wait_confirm_receipt``: SHIPPED;
- ``trade_success``: COMPLETED; ``trade_close``: CANCELLED; ``charge_back``: RETURNED;
- a status not in the list counts as PAID (the stock stays held).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from listsync.channel.contract import Money, Order, OrderLine, OrderState
from listsync.clock import utc
from listsync.http import MalformedReply
from listsync.i18n import _
from listsync_alibaba.client import AlibabaClient, field
from listsync_alibaba.errors import CHANNEL, AlibabaRejected
from listsync_alibaba.listings import Listings

LIST = "/alibaba/order/list"
GET = "/alibaba/order/get"
MAX_PAGES = 1000
STATES: dict[str, OrderState] = {
    "to_be_audited": OrderState.PENDING,
    "unpay": OrderState.PENDING,
    "paying": OrderState.PENDING,
    "paid": OrderState.PAID,
    "captured": OrderState.PAID,
    "undeliver": OrderState.PAID,
    "frozen": OrderState.PAID,
    "delivering": OrderState.SHIPPED,
    "wait_confirm_receipt": OrderState.SHIPPED,
    "trade_success": OrderState.COMPLETED,
    "trade_close": OrderState.CANCELLED,
    "charge_back": OrderState.RETURNED,
}


def order_state(status: str) -> OrderState:
    return STATES.get(status.strip().lower(), OrderState.PAID)


def _malformed(message: str, call: str = "get_order") -> MalformedReply:
    return MalformedReply(message, channel=CHANNEL, call=call)


def stamp(moment: datetime) -> dict[str, str]:
    return {"date_timestamp": str(int(utc(moment).timestamp() * 1000))}


def when(raw: Any, trade_id: str, name: str) -> datetime:
    """A ``{format_date, timestamp}`` (or a bare millisecond figure) as UTC."""
    value = raw.get("timestamp") if isinstance(raw, Mapping) else raw
    try:
        millis = int(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError):
        raise _malformed(
            _("order {id} has a {name} Alibaba should not send: {value!r}").format(
                id=trade_id, name=name, value=value
            )
        ) from None
    return datetime.fromtimestamp(millis / 1000, UTC)


def money(raw: Any, trade_id: str, name: str) -> Money:
    """``{amount, currency}`` (or a bare amount in USD) as Money, cents exact."""
    amount = raw.get("amount") if isinstance(raw, Mapping) else raw
    currency = str(raw.get("currency") or "USD") if isinstance(raw, Mapping) else "USD"
    try:
        value = Decimal(str(amount).strip())
        if not value.is_finite() or isinstance(amount, bool):
            raise InvalidOperation
        return Money(value, currency.upper())
    except (InvalidOperation, ValueError, TypeError):
        raise _malformed(
            _("order {id} has {name} {value!r}, not an amount in whole cents").format(
                id=trade_id, name=name, value=amount
            )
        ) from None


def units(raw: Any, trade_id: str, sku: str) -> int:
    """A quantity written ``"2.0000"`` as whole units; a fraction is refused."""
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise _malformed(
            _("order {id} has a quantity Alibaba should not send: {value!r}").format(
                id=trade_id, value=raw
            )
        ) from None
    if not value.is_finite() or value != value.to_integral_value() or value < 0:
        raise AlibabaRejected(
            _(
                "order {id} sells {value} of {sku}, not a whole number of units; listsync "
                "counts whole units (change the order's unit at Alibaba.com)"
            ).format(id=trade_id, value=raw, sku=sku or "?"),
            call="get_order",
            sku=sku,
        )
    return int(value)


def _rows(value: Any) -> list[Mapping[str, Any]]:
    if isinstance(value, Mapping):  # TOP's XML-born shape: {"trade_ecology_order": [...]}
        value = next((v for v in value.values() if isinstance(v, list)), [])
    return [row for row in value or [] if isinstance(row, Mapping)]


def masked(trade_id: str) -> bool:
    return "*" in trade_id


class Orders:
    def __init__(self, client: AlibabaClient, listings: Listings, page_size: int):
        self.client = client
        self.listings = listings
        self.page_size = page_size

    def iter_orders(self, since: datetime, until: datetime) -> Iterator[Order]:
        base = {
            "role": "seller",
            "modified_date_start": stamp(utc(since) - timedelta(seconds=1)),
            "modified_date_end": stamp(utc(until) + timedelta(seconds=1)),
            "page_size": self.page_size,
        }
        seen: set[str] = set()
        first = 0
        for page in range(MAX_PAGES):
            if page < first:
                continue
            try:
                body = self.client.call(
                    "get_orders", LIST, {**base, "start_page": page}, idempotent=True
                )
            except AlibabaRejected as exc:
                if page == 0 and "start_page" in exc.detail:  # a gateway counting from 1
                    first = 1
                    continue
                raise
            rows = _rows(field(body, "order_list", api=LIST))
            total = field(body, "total_count", api=LIST)
            fresh = 0
            for row in rows:
                trade_id = self._trade_id(row)
                if trade_id in seen:
                    continue
                seen.add(trade_id)
                fresh += 1
                yield self._order(trade_id, row)
            try:
                enough = total is not None and len(seen) >= int(str(total))
            except ValueError:
                enough = False
            if not rows or enough or (page > 0 and not fresh) or len(rows) < self.page_size:
                return

    @staticmethod
    def _trade_id(row: Mapping[str, Any]) -> str:
        trade_id = str(row.get("trade_id") or "").strip()
        if trade_id and not masked(trade_id):
            return trade_id
        for name in ("e_trade_id", "encrypt_trade_id", "trade_id_encrypt"):
            other = str(row.get(name) or "").strip()
            if other and not masked(other):
                return other
        if not trade_id:
            raise _malformed(_("an order in Alibaba's list has no trade_id"), "get_orders")
        raise AlibabaRejected(
            _(
                "Alibaba.com shows this app order {id} with its id masked, and a masked id "
                "cannot be read; ask Alibaba.com to grant the app the order permission "
                "(Trade Assurance order details) and run again"
            ).format(id=trade_id),
            call="get_orders",
        )

    def _order(self, trade_id: str, row: Mapping[str, Any]) -> Order:
        body = self.client.call("get_order", GET, {"e_trade_id": trade_id}, idempotent=True)
        detail = field(body, "value", "order", api=GET)
        if not isinstance(detail, Mapping) or not (
            "order_products" in detail or "trade_status" in detail
        ):
            detail = body
        status = str(detail.get("trade_status") or row.get("trade_status") or "")
        lines: dict[tuple[str, Money], list[Any]] = {}
        for item in _rows(detail.get("order_products")):
            sku = self._seller_sku(item)
            quantity = units(item.get("quantity"), trade_id, sku)
            price = money(item.get("unit_price"), trade_id, "unit_price")
            entry = lines.setdefault((sku, price), [0, str(item.get("sku_id") or "")])
            entry[0] += quantity
        order_lines = tuple(
            OrderLine(sku=sku, quantity=quantity, unit_price=price, line_id=line_id)
            for (sku, price), (quantity, line_id) in lines.items()
            if quantity > 0
        )
        raw_total = detail.get("product_total_amount")
        if raw_total not in (None, ""):
            total = money(raw_total, trade_id, "product_total_amount")
        elif order_lines:
            currency = order_lines[0].unit_price.currency
            total = Money(
                sum((line.unit_price.amount * line.quantity for line in order_lines), Decimal(0)),
                currency,
            )
        else:
            total = money(detail.get("total_amount"), trade_id, "total_amount")
        created = when(detail.get("create_date") or row.get("create_date"), trade_id, "create_date")
        modified = detail.get("modify_date") or row.get("modify_date")
        return Order(
            order_id=trade_id,
            state=order_state(status),
            status=status,
            created_at=created,
            updated_at=when(modified, trade_id, "modify_date") if modified else created,
            total=total,
            lines=order_lines,
        )

    def _seller_sku(self, item: Mapping[str, Any]) -> str:
        for name in ("sku_code", "seller_sku", "product_code"):
            value = str(item.get(name) or "").strip()
            if value:
                return value
        product_id = str(item.get("product_id") or "").strip()
        if not product_id:
            return ""
        try:
            product = self.listings.product(product_id)
        except AlibabaRejected:  # no longer in the shop: the line names Alibaba's ids
            return f"{product_id}/{item.get('sku_id') or ''}"
        codes = Listings.units_of(product)
        sku_id = str(item.get("sku_id") or "").strip()
        for code, unit_id in codes.items():
            if unit_id == sku_id:
                return code
        if len(codes) == 1 and sku_id in ("", "-1", "0"):
            return next(iter(codes))
        return f"{product_id}/{sku_id}"
