"""The Alibaba.com sandbox's Trade Assurance orders: their statuses, lists and details.

APIs (docs/marketplaces/alibaba.md §4.5; the migration guide's samples):

- ``/alibaba/order/list``: ``role`` (``seller``; ``buyer`` finds nothing for a seller's
  token), ``start_page``, ``page_size`` (default ``order_page_default`` 10, at most
  ``order_page_max`` 100, more is ``InvalidParameter``), ``status`` (one trade status),
  ``create_date_start``/``create_date_end`` and ``modified_date_start``/``modified_date_end``,
  each JSON ``{"date_timestamp": "<ms>"}`` (bounds included) → ``value{total_count,
  order_list[{trade_id, trade_status, create_date{format_date, timestamp}, modify_date}]}``,
  newest created first. The TOP name ``alibaba.seller.order.list`` takes the same keys in
  one JSON parameter, ``param_trade_ecology_order_list_query``, and answers
  ``result{success, value{…}}``.
- ``/alibaba/order/get`` (and ``alibaba.seller.order.get``): ``e_trade_id`` (``language``,
  ``data_select`` accepted) → ``value{trade_id, trade_status, create_date, modify_date,
  order_products[{product_id, sku_id, sku_code, name, quantity, unit, unit_price{amount,
  currency}, product_image, sku_attributes[{key, value}]}], product_total_amount,
  shipment_fee, total_amount, shipping_address, buyer, seller, trade_term}``. Quantities
  are text with four decimals (``"2.0000"``); amounts are text with two decimals and
  ``currency`` ``USD`` (Decimal, never float); ``product_id`` is the plain numeric id as
  text. ``total_amount`` = the lines + ``shipment_fee``.

Choices where alibaba.md says UNCONFIRMED (settings):
- The seller SKU of a line is ``order_products[].sku_code``: the field of TOP's
  ``alibaba.seller.order.get`` sample reply (``"sku_code": "T14234"`` beside ``sku_id`` and
  ``model_number``), found in an integrator's copy of it and read so by another working
  adapter; the migration guide's shorter sample leaves it out.
- ``start_page`` counts from ``order_first_page`` (0: the migration guide and a working TOP
  adapter say "starts at 0"; 1 is the other setting).
- ``unit_price_places`` (2): decimals of ``unit_price.amount`` (the guide's sample writes
  ``"0.1000"``: 4 is the other setting); totals always have two.
- ``mask_trade_ids`` (false): true writes list rows' ``trade_id`` masked
  (``2341******8893``), as some tenants get; a masked id cannot be used for order get
  (``InvalidParameter``), and the row carries nothing more, so a client cannot read such
  an order's lines and must say so (the tenant has to ask Alibaba for plain ids).
- When stock leaves: ``stock_taken_at`` "payment" (default: the order lowers the SKU's
  inventory when it reaches ``paid`` or any later status; "Payment success means the
  order has been confirmed", Alibaba's buyer FAQ) or "creation" (at once). With
  ``restock_on_close`` (true) a ``trade_close`` gives the units back.

Statuses (alibaba.md §4.5): ``to_be_audited, unpay, paying, paid, captured, undeliver,
delivering, wait_confirm_receipt, trade_close, trade_success, frozen, charge_back``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from listsync_alibaba.sandbox.base import (
    DAY,
    AlibabaFault,
    SandboxConfig,
    from_ms,
    invalid,
    json_param,
    missing,
    money,
    trade_date,
    whole,
)
from listsync_alibaba.sandbox.catalog import LOGIN_ID, SELLER_ID, SELLER_NAME
from listsync_alibaba.sandbox.products import ProductRecord, ProductStore, SkuRecord
from listsync_alibaba.sandbox.rules import unit_price

STATUSES = (
    "to_be_audited",
    "unpay",
    "paying",
    "paid",
    "captured",
    "undeliver",
    "delivering",
    "wait_confirm_receipt",
    "trade_close",
    "trade_success",
    "frozen",
    "charge_back",
)
STARTING = ("to_be_audited", "unpay", "paying", "paid", "captured", "undeliver")
PAID = frozenset(
    ("paid", "captured", "undeliver", "delivering", "wait_confirm_receipt", "trade_success")
)
DATE_FILTERS = (
    ("create_date_start", "created_at", 1),
    ("create_date_end", "created_at", -1),
    ("modified_date_start", "modified_at", 1),
    ("modified_date_end", "modified_at", -1),
)
CENT = Decimal("0.01")


@dataclass
class Line:
    product: ProductRecord
    sku: SkuRecord
    name: str
    quantity: int
    unit_price: Decimal
    unit: str

    @property
    def amount(self) -> Decimal:
        return (self.unit_price * self.quantity).quantize(CENT, ROUND_HALF_UP)


@dataclass
class Order:
    trade_id: str
    status: str
    created_at: datetime
    modified_at: datetime
    lines: list[Line]
    shipment_fee: Decimal
    taken: bool = False
    history: list[str] = field(default_factory=list)

    @property
    def product_total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        return self.product_total + self.shipment_fee


def masked(trade_id: str) -> str:
    return trade_id[:4] + "*" * (len(trade_id) - 8) + trade_id[-4:]


class OrderStore:
    def __init__(self, config: SandboxConfig, products: ProductStore) -> None:
        self.config = config
        self.products = products
        self.orders: dict[str, Order] = {}
        self._next = 234_193_410_001_028_893

    # -- the control API ---------------------------------------------------------------
    def create(
        self,
        lines: list[tuple[str, int]],
        created: datetime,
        status: str,
        shipment_fee: Decimal = Decimal("0.00"),
    ) -> Order:
        """One order of ``lines`` (seller SKU, quantity): made whole, or not at all."""
        planned = self._plan(lines, {})
        return self._make(planned, created, status, shipment_fee)

    def spread(
        self, count: int, days: float, status: str, now: datetime, rng: random.Random
    ) -> list[Order]:
        """``count`` one-unit orders over the last ``days``: all of them, or none."""
        units = [(r, s) for r, s in self.products.units() if r.live]
        left = {sku.sku_id: sku.stock for _, sku in units}
        plan: list[tuple[list[tuple[ProductRecord, SkuRecord, int]], datetime]] = []
        for _ in range(count):
            available = [(r, s) for r, s in units if left[s.sku_id] > 0]
            if not available:
                raise ValueError(
                    f"only {len(plan)} of the {count} orders fit the listed stock; none was made"
                )
            record, sku = rng.choice(available)
            left[sku.sku_id] -= 1
            moment = now - timedelta(seconds=rng.randrange(max(1, int(days * DAY))))
            plan.append(([(record, sku, 1)], moment))
        plan.sort(key=lambda item: item[1])
        return [self._make(lines, moment, status, Decimal("0.00")) for lines, moment in plan]

    def _plan(
        self, lines: list[tuple[str, int]], used: dict[int, int]
    ) -> list[tuple[ProductRecord, SkuRecord, int]]:
        if not lines:
            raise ValueError("an order needs at least one line")
        planned = []
        for seller_sku, quantity in lines:
            if quantity < 1:
                raise ValueError(f"quantity of {seller_sku} must be at least 1")
            record, sku = self.products.on_sale(seller_sku)
            used[sku.sku_id] = used.get(sku.sku_id, 0) + quantity
            if used[sku.sku_id] > sku.stock:
                raise ValueError(
                    f"{seller_sku} has {sku.stock} in stock, fewer than {used[sku.sku_id]} ordered;"
                    " no order was made"
                )
            planned.append((record, sku, quantity))
        return planned

    def _make(
        self,
        planned: list[tuple[ProductRecord, SkuRecord, int]],
        created: datetime,
        status: str,
        shipment_fee: Decimal,
    ) -> Order:
        lines = [
            Line(
                product=record,
                sku=sku,
                name=record.spec.subject,
                quantity=quantity,
                unit_price=unit_price(record.spec, sku.spec, quantity),
                unit=self._unit(record),
            )
            for record, sku, quantity in planned
        ]
        trade_id = str(self._next)
        self._next += 10_007
        order = Order(trade_id, status, created, created, lines, shipment_fee, history=[status])
        if self.config.stock_taken_at == "creation" or status in PAID:
            self._take(order)
        self.orders[trade_id] = order
        return order

    @staticmethod
    def _unit(record: ProductRecord) -> str:
        spec = record.spec
        if spec.wholesale:
            return str(spec.wholesale.get("unit_type") or "Piece")
        if spec.sourcing:
            return str(spec.sourcing.get("min_order_unit_type") or "Piece")
        return "Piece"

    def _take(self, order: Order) -> None:
        need: dict[int, tuple[SkuRecord, int]] = {}
        for line in order.lines:
            sku, count = need.get(line.sku.sku_id, (line.sku, 0))
            need[line.sku.sku_id] = (sku, count + line.quantity)
        short = [sku.sku_code for sku, count in need.values() if sku.stock < count]
        if short:
            raise ValueError(f"not enough stock of {', '.join(short)} for order {order.trade_id}")
        for sku, count in need.values():
            sku.stock -= count
        order.taken = True

    def _give_back(self, order: Order) -> None:
        for line in order.lines:
            line.sku.stock += line.quantity
        order.taken = False

    def set_status(self, trade_id: str, status: str, now: datetime) -> None:
        order = self.orders.get(trade_id)
        if order is None:
            raise KeyError(f"no order {trade_id}")
        if status not in STATUSES:
            raise ValueError(f"{status!r} is not an Alibaba trade status; use one of {STATUSES}")
        if status in PAID and not order.taken:
            self._take(order)
        if status == "trade_close" and order.taken and self.config.restock_on_close:
            self._give_back(order)
        order.status = status
        order.history.append(status)
        order.modified_at = max(now, order.modified_at)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for order in self.orders.values():
            counts[order.status] = counts.get(order.status, 0) + 1
        return counts

    # -- the API -----------------------------------------------------------------------
    def list_path(self, params: dict[str, str]) -> dict[str, Any]:
        query: dict[str, Any] = dict(params)
        for name, _attr, _sign in DATE_FILTERS:
            if name in params:
                query[name] = json_param(params, name)
        return {"value": self._list(query)}

    def list_top(self, params: dict[str, str]) -> dict[str, Any]:
        name = "param_trade_ecology_order_list_query"
        query = json_param(params, name, required=True)
        if not isinstance(query, dict):
            raise invalid(name, "an object {role, start_page, page_size, …}")
        return {"result": {"success": True, "value": self._list(query)}}

    def _list(self, query: dict[str, Any]) -> dict[str, Any]:
        role = query.get("role")
        if role in (None, ""):
            raise missing("role")
        if role not in ("seller", "buyer"):
            raise invalid("role", "seller or buyer")
        first = self.config.order_first_page
        page = (
            first
            if query.get("start_page") in (None, "")
            else whole(query["start_page"], "start_page", minimum=first)
        )
        size = self.config.order_page_default
        if query.get("page_size") not in (None, ""):
            size = whole(
                query["page_size"], "page_size", minimum=1, maximum=self.config.order_page_max
            )
        status = query.get("status")
        if status not in (None, "") and status not in STATUSES:
            raise invalid("status", f"one of {', '.join(STATUSES)}")
        bounds = []
        for name, attr, sign in DATE_FILTERS:
            value = query.get(name)
            if value in (None, ""):
                continue
            if not isinstance(value, dict) or value.get("date_timestamp") in (None, ""):
                raise invalid(name, 'a JSON object {"date_timestamp": "<milliseconds>"}')
            bounds.append((attr, sign, from_ms(value["date_timestamp"], name)))
        found = [] if role == "buyer" else list(self.orders.values())
        if status not in (None, ""):
            found = [o for o in found if o.status == status]
        for attr, sign, bound in bounds:
            found = [o for o in found if _within(getattr(o, attr), sign, bound)]
        found.sort(key=lambda o: (o.created_at, o.trade_id), reverse=True)
        start = (page - first) * size
        chunk = found[start : start + size]
        return {
            "total_count": str(len(found)),
            "order_list": [self._row(order) for order in chunk],
        }

    def _row(self, order: Order) -> dict[str, Any]:
        shown = masked(order.trade_id) if self.config.mask_trade_ids else order.trade_id
        return {
            "trade_id": shown,
            "trade_status": order.status,
            "create_date": trade_date(order.created_at),
            "modify_date": trade_date(order.modified_at),
        }

    def get(self, params: dict[str, str]) -> dict[str, Any]:
        trade_id = (params.get("e_trade_id") or "").strip()
        if not trade_id:
            raise missing("e_trade_id")
        if "*" in trade_id:
            raise invalid("e_trade_id", "a masked trade id cannot be used to read an order")
        order = self.orders.get(trade_id)
        if order is None:
            raise AlibabaFault("InvalidParameter", f"The order {trade_id} does not exist")
        return {"value": self.detail(order)}

    def detail(self, order: Order) -> dict[str, Any]:
        places = self.config.unit_price_places
        return {
            "trade_id": order.trade_id,
            "trade_status": order.status,
            "create_date": trade_date(order.created_at),
            "modify_date": trade_date(order.modified_at),
            "trade_term": "FOB",
            "order_products": [
                {
                    "product_id": str(line.product.id),
                    "sku_id": str(line.sku.sku_id),
                    "sku_code": line.sku.sku_code,
                    "name": line.name,
                    "quantity": f"{line.quantity}.0000",
                    "unit": line.unit,
                    "unit_price": money(line.unit_price, places),
                    "product_image": (line.product.spec.images or [""])[0],
                    "sku_attributes": [
                        {"key": a["attribute_name"], "value": a["value_name"]}
                        for a in line.sku.spec.attributes
                    ],
                }
                for line in order.lines
            ],
            "product_total_amount": money(order.product_total),
            "shipment_fee": money(order.shipment_fee),
            "total_amount": money(order.total),
            "shipping_address": {
                "contact_person": "Jane Buyer",
                "address": "123 Main Street",
                "city": "New York",
                "province": "New York",
                "country": "United States of America",
                "country_code": "US",
                "zip": "10012",
            },
            "buyer": {"full_name": "Jane Buyer", "country": "US", "e_account_id": "b8s0vvDIbRvb"},
            "seller": {
                "full_name": SELLER_NAME,
                "login_id": LOGIN_ID,
                "e_account_id": SELLER_ID,
            },
        }


def _within(moment: datetime, sign: int, bound: datetime) -> bool:
    moment = moment.replace(microsecond=(moment.microsecond // 1000) * 1000)
    return moment >= bound if sign > 0 else moment <= bound
