"""The Tiki sandbox's orders: Order Listing V2, order details, statuses and the stock
orders hold.

``GET /integration/v2/orders`` (docs/marketplaces/tiki.md §3.4) takes ``page`` (from 1),
``limit`` (20 by default, at most ``max_limit``: UNCONFIRMED, 100), ``status`` as one
value or with an operator (``in|a,b``, ``nin|a,b``), ``created_from_date``,
``created_to_date``, ``updated_from_date``, ``updated_to_date`` (``yyyy-MM-dd HH:mm:ss``,
Vietnam time, bounds included), ``filter_date_by`` (``today``, ``last7days``,
``last30days``), ``fulfillment_type``, ``item_inventory_type``,
``item_confirmation_status``, ``code`` (one or several, comma-separated), ``include``
(``status_histories``) and ``order_by`` (``created_at|desc`` by default,
``created_at|asc``, ``updated_at|asc``, ``updated_at|desc``: UNCONFIRMED). No maximum
date window is documented, and none is enforced. Anything else wrong is a 400
``{"errors": [...]}``. The answer is ``{"data": [order...], "paging": {total,
current_page, from, to, per_page, last_page}}``. ``GET /integration/v2/orders/{code}``
answers one order (with its ``status_histories``), 404 for a code the seller has not.

Orders have the shape of Tiki's Order V2 and Order Item V2 pages: ``code``, ``status``,
``fulfillment_type`` "dropship", ``created_at``/``updated_at``, an ``invoice`` (totals,
``total_seller_fee``, ``total_seller_income``), ``items[{id, product{id, sku, name,
seller_product_code, …}, price, qty, invoice{price, quantity, subtotal, row_total,
discount_*, seller_fee, seller_income, fees}, confirmation, …}]``, ``shipping``,
``payment``, ``customer``, ``cancel_info``, ``status_histories``, ``seller_warehouse``.
The seller's SKU of each item is ``product.seller_product_code`` (a working
integration's captured Tiki reply has that field on ``items[].product``). Invoice
amounts are decimals in VND (``409000.00``, Tiki's Order Item page;
``money_style`` "decimal") or whole numbers (``409000``, as the captured reply shows;
"integer"). The seller fee is 5% of the item's subtotal (a sandbox figure), nothing on a
cancelled order.

Statuses are Tiki's (Order status V2). A new order starts in ``queueing`` (what the
control API makes unless told otherwise; ``waiting_payment``, ``payment_review`` and
``processing`` can be asked for: such orders are "not yet real for the seller", Tiki's
guide says to leave them out with ``status=nin|processing,waiting_payment``). Every
status change moves ``updated_at``. Stock (see ``products.py``): an order holds its
units from creation; ``handover_to_partner``, ``shipping``, ``successful_delivery``,
``delivered``, ``complete`` and ``closed`` take them out of the warehouse;
``canceled`` gives held units back; ``returned`` puts shipped units back. A cancelled or
returned order cannot be reopened.

The control API's orders (``POST /_sandbox/orders``) are all or nothing: every line is
checked (a known, active product with enough sellable units; ``orders_need_active``)
before any order is made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from listsync.sandbox.harness import BadRequest
from listsync_tiki.sandbox.base import (
    DAY,
    VN,
    SandboxConfig,
    TikiError,
    money,
    page_of,
    parse_time,
    tiki_time,
    whole,
    whole_dong,
)
from listsync_tiki.sandbox.catalog import SELLER_ID, SELLER_NAME, WAREHOUSE, WAREHOUSE_ID
from listsync_tiki.sandbox.products import ProductRecord, ProductStore

STATUSES = (
    "queueing",
    "canceled",
    "complete",
    "successful_delivery",
    "processing",
    "waiting_payment",
    "handover_to_partner",
    "closed",
    "packaging",
    "picking",
    "shipping",
    "paid",
    "delivered",
    "holded",
    "ready_to_ship",
    "payment_review",
    "returned",
    "finished_packing",
)
STARTING = ("queueing", "waiting_payment", "payment_review", "processing")
LEFT_WAREHOUSE = frozenset(
    {"handover_to_partner", "shipping", "successful_delivery", "delivered", "complete", "closed"}
)
CONFIRMED = frozenset(
    {"packaging", "picking", "finished_packing", "ready_to_ship"} | LEFT_WAREHOUSE
)
FEE_RATE = Decimal("0.05")
DATE_WINDOWS = {"today": 0, "last7days": 7, "last30days": 30}
ORDER_BY = ("created_at|desc", "created_at|asc", "updated_at|desc", "updated_at|asc")
CUSTOMER = {"id": 20150314, "full_name": "Nguyễn Văn An"}
ADDRESS = {
    "full_name": "Nguyễn Văn An",
    "street": "Số 8 Phạm Hùng",
    "ward": "Phường Mỹ Đình 1",
    "ward_tiki_code": "VN034027004",
    "district": "Quận Nam Từ Liêm",
    "district_tiki_code": "VN034027",
    "region": "Hà Nội",
    "region_tiki_code": "VN034",
    "country": "Việt Nam",
    "country_id": "VN",
    "email": None,
    "phone": "",
}


@dataclass
class OrderLine:
    item_id: int
    product: ProductRecord
    quantity: int
    price: int
    includes_open_orders: bool  # how the units were held, whatever the setting is now
    stock: str = "held"  # held | shipped | released | restocked


@dataclass
class OrderRecord:
    order_id: int
    code: str
    status: str
    created_at: datetime
    updated_at: datetime
    lines: list[OrderLine] = field(default_factory=list)
    histories: list[tuple[str, datetime]] = field(default_factory=list)


def _hold(line: OrderLine) -> None:
    stock = line.product.stock()
    if line.includes_open_orders:
        stock.reserved += line.quantity
    else:
        stock.available -= line.quantity


def _move(line: OrderLine, status: str) -> None:
    stock = line.product.stock()
    if status in LEFT_WAREHOUSE:
        if line.stock == "held":
            if line.includes_open_orders:
                stock.reserved -= line.quantity
                stock.available -= line.quantity
            line.stock = "shipped"
        elif line.stock != "shipped":
            raise BadRequest(f"item {line.item_id} was {line.stock}; it stays closed")
    elif status == "canceled":
        if line.stock == "held":
            if line.includes_open_orders:
                stock.reserved -= line.quantity
            else:
                stock.available += line.quantity
            line.stock = "released"
    elif status == "returned":
        if line.stock == "held":
            _move(line, "canceled")
        elif line.stock == "shipped":
            stock.available += line.quantity
            line.stock = "restocked"
    elif line.stock != "held":
        raise BadRequest(
            f"item {line.item_id} is {line.stock}; an order cannot go back to {status}"
        )


class OrderStore:
    def __init__(self, products: ProductStore, config: Callable[[], SandboxConfig]) -> None:
        self.products = products
        self.config = config
        self.orders: dict[str, OrderRecord] = {}
        self._next_order = 200_000_001
        self._next_code = 861_000_001
        self._next_item = 300_000_001

    # -- control -----------------------------------------------------------------------
    def check_lines(self, lines: list[tuple[str, int]]) -> list[tuple[ProductRecord, int]]:
        config = self.config()
        wanted: dict[int, int] = {}
        resolved = []
        for sku, quantity in lines:
            product = self.products.owner(sku)
            if product is None:
                raise BadRequest(f"no product has seller SKU {sku!r}")
            if quantity < 1:
                raise BadRequest("quantity must be at least 1")
            if config.orders_need_active and not product.active:
                raise BadRequest(f"{sku} is inactive on Tiki: nobody can buy it")
            wanted[product.product_id] = wanted.get(product.product_id, 0) + quantity
            sellable = product.sellable(config.quantity_includes_open_orders)
            if sellable < wanted[product.product_id]:
                raise BadRequest(f"{sku} has only {sellable} units to sell")
            resolved.append((product, quantity))
        return resolved

    def create(
        self, lines: list[tuple[str, int]], created_at: datetime, status: str = "queueing"
    ) -> OrderRecord:
        if status not in STARTING:
            raise BadRequest(f"a new order starts in one of {', '.join(STARTING)}")
        resolved = self.check_lines(lines)
        includes = self.config().quantity_includes_open_orders
        order = OrderRecord(
            order_id=self._next_order,
            code=str(self._next_code),
            status=status,
            created_at=created_at,
            updated_at=created_at,
            histories=[(status, created_at)],
        )
        self._next_order += 1
        self._next_code += 1
        for product, quantity in resolved:
            line = OrderLine(self._next_item, product, quantity, product.price, includes)
            self._next_item += 1
            _hold(line)
            order.lines.append(line)
        self.orders[order.code] = order
        return order

    def spread(
        self, count: int, days: float, status: str, now: datetime, rng: Any
    ) -> list[OrderRecord]:
        """``count`` one-unit orders over the last ``days``: all of them, or none (400)."""
        if count < 1:
            raise BadRequest("count must be at least 1")
        if status not in STARTING:
            raise BadRequest(f"a new order starts in one of {', '.join(STARTING)}")
        config = self.config()
        units = [
            p for p in self.products.products.values() if p.active or not config.orders_need_active
        ]
        left = {p.product_id: p.sellable(config.quantity_includes_open_orders) for p in units}
        plan: list[tuple[str, datetime]] = []
        for _ in range(count):
            available = [p for p in units if left[p.product_id] > 0]
            if not available:
                raise BadRequest(
                    f"only {len(plan)} of the {count} orders fit the sellable stock of active "
                    "products; none was made"
                )
            product = rng.choice(available)
            left[product.product_id] -= 1
            created = now - timedelta(seconds=rng.randrange(max(1, int(days * DAY))))
            plan.append((product.original_sku, created))
        plan.sort(key=lambda entry: entry[1])
        return [self.create([(sku, 1)], created, status) for sku, created in plan]

    def set_status(self, code: str, status: str, now: datetime) -> None:
        if status not in STATUSES:
            raise BadRequest(f"unknown Tiki status {status!r}; use one of {', '.join(STATUSES)}")
        order = self.orders.get(code)
        if order is None:
            raise BadRequest(f"no order {code}")
        moment = max(now.replace(microsecond=0), order.updated_at)
        for line in order.lines:  # check every line first: all or nothing
            _check_move(line, status)
        for line in order.lines:
            _move(line, status)
        order.status = status
        order.updated_at = moment
        order.histories.append((status, moment))

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for order in self.orders.values():
            counts[order.status] = counts.get(order.status, 0) + 1
        return counts

    # -- API ---------------------------------------------------------------------------
    def list_orders(self, params: dict[str, str], now: datetime) -> dict[str, Any]:
        config = self.config()
        page = whole(params, "page", 1)
        limit = whole(params, "limit", 20, maximum=config.max_limit)
        keep = _status_filter(params.get("status"))
        bounds = [
            (attr, sign, parse_time(name, params[name]))
            for name, attr, sign in (
                ("created_from_date", "created_at", 1),
                ("created_to_date", "created_at", -1),
                ("updated_from_date", "updated_at", 1),
                ("updated_to_date", "updated_at", -1),
            )
            if params.get(name)
        ]
        window = (params.get("filter_date_by") or "").strip()
        if window:
            if window not in DATE_WINDOWS:
                raise TikiError(400, f"filter_date_by must be one of {', '.join(DATE_WINDOWS)}")
            today = now.astimezone(VN).replace(hour=0, minute=0, second=0, microsecond=0)
            bounds.append(("created_at", 1, today - timedelta(days=DATE_WINDOWS[window])))
        order_by = (params.get("order_by") or ORDER_BY[0]).strip()
        if order_by not in ORDER_BY:
            raise TikiError(400, f"order_by must be one of {', '.join(ORDER_BY)}")
        codes = {c.strip() for c in (params.get("code") or "").split(",") if c.strip()}
        simple = {
            name: params[name].strip()
            for name in ("fulfillment_type", "item_inventory_type", "item_confirmation_status")
            if params.get(name)
        }
        found = [
            order
            for order in self.orders.values()
            if keep(order.status)
            and (not codes or order.code in codes)
            and all(
                (sign > 0 and getattr(order, attr) >= bound)
                or (sign < 0 and getattr(order, attr) <= bound)
                for attr, sign, bound in bounds
            )
            and all(_matches(order, name, value) for name, value in simple.items())
        ]
        field_name, direction = order_by.split("|")
        found.sort(key=lambda o: (getattr(o, field_name), o.order_id), reverse=direction == "desc")
        chunk, paging = page_of(found, page, limit)
        include = {part.strip() for part in (params.get("include") or "").split(",")}
        rows = [self.render(o, histories="status_histories" in include) for o in chunk]
        return {"data": rows, "paging": paging}

    def get_order(self, code: str) -> dict[str, Any]:
        order = self.orders.get(code)
        if order is None:
            raise TikiError(404, f"Order not found: {code}")
        return self.render(order, histories=True)

    def render(self, order: OrderRecord, *, histories: bool) -> dict[str, Any]:
        style = self.config().money_style
        canceled = order.status == "canceled"
        items = []
        total_fee = Decimal(0)
        total_income = Decimal(0)
        subtotal_all = 0
        for line in order.lines:
            subtotal = line.price * line.quantity
            fee = Decimal(0) if canceled else -Decimal(whole_dong(subtotal * FEE_RATE))
            income = Decimal(0) if canceled else subtotal + fee
            total_fee += fee
            total_income += income
            subtotal_all += subtotal
            items.append(self._item(order, line, fee, income, style))
        return {
            "id": order.order_id,
            "code": order.code,
            "relation_code": "",
            "fulfillment_type": "dropship",
            "status": order.status,
            "is_rma": False,
            "is_vat_exporting": False,
            "has_backorder_items": False,
            "created_at": tiki_time(order.created_at),
            "updated_at": tiki_time(order.updated_at),
            "invoice": {
                "items_count": len(order.lines),
                "items_quantity": sum(line.quantity for line in order.lines),
                "subtotal": money(subtotal_all, style),
                "grand_total": money(subtotal_all, style),
                "collectible_amount": money(subtotal_all, style),
                "discount_amount": money(0, style),
                "discount_tikixu": money(0, style),
                "discount_promotion": money(0, style),
                "discount_percent": money(0, style),
                "discount_coupon": money(0, style),
                "discount_other": money(0, style),
                "gift_card_amount": money(0, style),
                "gift_card_code": None,
                "coupon_code": None,
                "shipping_amount_after_discount": money(0, style),
                "shipping_discount_amount": money(0, style),
                "handling_fee": money(0, style),
                "other_fee": money(0, style),
                "total_seller_fee": money(total_fee, style),
                "total_seller_income": money(total_income, style),
                "purchased_at": tiki_time(order.created_at),
                "tax_info": None,
            },
            "tiki_warehouse": None,
            "items": items,
            "shipping": {
                "partner_id": None,
                "partner_name": None,
                "tracking_code": None,
                "status": None,
                "plan": {
                    "id": 1,
                    "name": "TikiFAST Giao Tiết Kiệm",
                    "is_free_shipping": True,
                    "promised_delivery_date": tiki_time(order.created_at + timedelta(days=3)),
                },
                "address": dict(ADDRESS),
            },
            "payment": {
                "method": "cod",
                "is_prepaid": False,
                "status": "pending" if order.status in ("waiting_payment",) else "success",
                "description": "Thanh toán tiền mặt khi nhận hàng",
            },
            "delivery": {
                "delivery_confirmed": order.status in ("successful_delivery", "complete"),
                "delivery_confirmed_at": None,
            },
            "customer": dict(CUSTOMER),
            "cancel_info": (
                {
                    "reason_code": "customer_request",
                    "reason_text": "Khách hàng muốn hủy đơn",
                    "canceled_at": tiki_time(order.updated_at),
                }
                if canceled
                else None
            ),
            "status_histories": (
                [
                    {"id": index, "status": status, "created_at": tiki_time(moment)}
                    for index, (status, moment) in enumerate(order.histories, start=1)
                ]
                if histories
                else []
            ),
            "seller_warehouse": dict(WAREHOUSE),
            "store": {"id": SELLER_ID, "name": SELLER_NAME},
        }

    def _item(
        self, order: OrderRecord, line: OrderLine, fee: Decimal, income: Decimal, style: str
    ) -> dict[str, Any]:
        product = line.product
        subtotal = line.price * line.quantity
        confirmation = "seller_confirmed" if order.status in CONFIRMED else "waiting"
        return {
            "id": line.item_id,
            "product": {
                "id": product.product_id,
                "type": "simple",
                "super_id": product.super_id,
                "master_id": product.master_id,
                "sku": product.sku,
                "name": product.name,
                "catalog_group_name": product.category.name,
                "inventory_type": product.inventory_type,
                "imeis": [],
                "serial_numbers": [],
                "thumbnail": product.images[0] if product.images else None,
                "seller_product_code": product.original_sku,
                "seller_supply_method": None,
            },
            "seller": {"id": SELLER_ID, "name": SELLER_NAME},
            "confirmation": {
                "status": confirmation,
                "confirmed_at": tiki_time(order.updated_at)
                if confirmation == "seller_confirmed"
                else None,
                "available_confirm_sla": tiki_time(order.created_at + timedelta(hours=4)),
                "pickup_confirm_sla": None,
                "histories": [],
            },
            "parent_item_id": 0,
            "price": money(line.price, style),
            "qty": line.quantity,
            "is_virtual": False,
            "is_free_gift": False,
            "is_fulfilled": order.status in LEFT_WAREHOUSE,
            "invoice": {
                "price": money(line.price, style),
                "quantity": line.quantity,
                "subtotal": money(subtotal, style),
                "row_total": money(subtotal, style),
                "discount_amount": money(0, style),
                "discount_tikixu": money(0, style),
                "discount_promotion": money(0, style),
                "discount_percent": money(0, style),
                "discount_coupon": money(0, style),
                "discount_other": money(0, style),
                "is_seller_discount_coupon": False,
                "is_taxable": False,
                "seller_fee": money(fee, style),
                "seller_income": money(income, style),
                "fees": [],
            },
            "seller_inventory_id": WAREHOUSE_ID,
            "seller_inventory_name": WAREHOUSE["name"],
            "inventory_requisition": None,
            "inventory_withdrawals": [],
        }


def _check_move(line: OrderLine, status: str) -> None:
    """Would ``_move`` refuse? (Checked for every line before any line moves.)"""
    if status in LEFT_WAREHOUSE and line.stock not in ("held", "shipped"):
        raise BadRequest(f"item {line.item_id} was {line.stock}; it stays closed")
    if (
        status not in LEFT_WAREHOUSE
        and status not in ("canceled", "returned")
        and line.stock != "held"
    ):
        raise BadRequest(
            f"item {line.item_id} is {line.stock}; an order cannot go back to {status}"
        )


def _status_filter(raw: str | None) -> Callable[[str], bool]:
    if raw is None or not raw.strip():
        return lambda status: True
    text = raw.strip()
    operator, _, values = text.partition("|") if "|" in text else ("", "", text)
    if operator not in ("", "in", "nin"):
        raise TikiError(400, f"status operator {operator!r} is not supported: use in| or nin|")
    wanted = {value.strip() for value in values.split(",") if value.strip()}
    unknown = sorted(wanted - set(STATUSES))
    if not wanted or unknown:
        raise TikiError(400, f"Invalid status: {', '.join(unknown) or text}")
    if operator == "nin":
        return lambda status: status not in wanted
    if operator == "" and len(wanted) > 1:
        raise TikiError(400, "several statuses need the in| operator: status=in|a,b")
    return lambda status: status in wanted


def _matches(order: OrderRecord, name: str, value: str) -> bool:
    if name == "fulfillment_type":
        return value == "dropship"
    if name == "item_inventory_type":
        return any(line.product.inventory_type == value for line in order.lines)
    confirmation = "seller_confirmed" if order.status in CONFIRMED else "waiting"
    return value == confirmation
