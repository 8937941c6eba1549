"""The Lazada sandbox's orders: GetOrders, GetOrder, GetOrderItems, GetMultipleOrderItems
and the stock they lock.

Lazada keeps the status on each order *item*, and an order item is one unit: an order
for three packs of tea has three item rows. Orders lock stock when created; a cancel
releases it, shipping takes it out of the quantity, a return puts it back. Every status
change moves ``updated_at`` forward, so ``update_after`` finds it.

``created_after``/``update_after`` and ``…_before`` are inclusive ("after or on").

Replies carry every field the reference pages mark required (and the optional ones a
client may read), with the documented codes: GetOrders 14 offset, 17 date, 19 limit,
36 status, 74 sort direction, 75 sort filter; GetOrder and GetOrderItems 16 for an
order id the shop does not have; GetMultipleOrderItems 56 a list not written ``[1,2]``,
38 more than 50 ids, 39 none of the ids found, 37 some of them not found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from listsync.sandbox.harness import BadRequest
from listsync_lazada.sandbox.base import (
    LazadaFault,
    lazada_time,
    missing,
    money,
    parse_int,
)
from listsync_lazada.sandbox.catalog import ItemRecord, SkuRecord
from listsync_lazada.sandbox.products import ProductStore

STATUSES = (
    "unpaid", "pending", "packed", "canceled", "ready_to_ship", "delivered", "returned",
    "shipped", "failed", "topack", "toship", "shipping", "lost", "lost_by_3pl",
    "damaged_by_3pl", "failed_delivery", "shipped_back", "shipped_back_success",
    "shipped_back_failed", "package_scrapped",
)  # fmt: skip
LOCKING = {"unpaid", "pending", "packed", "ready_to_ship", "topack", "toship"}
RESTOCKING = {"returned", "shipped_back_success"}
ISO_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$")
ORDER_IDS = re.compile(r"^\[\s*\d+(\s*,\s*\d+)*\s*\]$")
MAX_OFFSET = 5000
MAX_LIMIT = 100
MAX_ORDER_IDS = 50
SHOP_NAME = "HTX Sen Tây Hồ"
PROMISE = timedelta(days=2)
BUYER = {
    "first_name": "Nguyễn Văn A",
    "last_name": "",
    "phone": "84912345678",
    "phone2": "",
    "address1": "Số 1 ngõ 2 Quảng An",
    "address2": "",
    "address3": "Hà Nội",
    "address4": "Quận Tây Hồ",
    "address5": "Phường Quảng An",
    "city": "Hà Nội",
    "post_code": "100000",
    "country": "Vietnam",
}


@dataclass
class OrderItem:
    order_item_id: int
    item: ItemRecord
    sku: SkuRecord
    price: int
    status: str
    created_at: datetime
    updated_at: datetime
    stock: str = "locked"  # locked | sold | released | restocked


@dataclass
class OrderRecord:
    order_id: int
    created_at: datetime
    updated_at: datetime
    items: list[OrderItem] = field(default_factory=list)
    shipping_fee: int = 15_000

    @property
    def statuses(self) -> list[str]:
        return sorted({item.status for item in self.items})


def _move_stock(item: OrderItem, status: str) -> None:
    sku = item.sku
    if status in LOCKING:
        if item.stock != "locked" and item.stock != "sold":
            raise BadRequest(f"order item {item.order_item_id} was {item.status}; it stays closed")
        return
    if status == "canceled" or status in RESTOCKING:
        if item.stock == "locked":
            sku.reserved -= 1
            item.stock = "released"
        elif item.stock == "sold":
            sku.quantity += 1
            item.stock = "restocked"
        return
    if item.stock == "locked":
        sku.reserved -= 1
        sku.quantity -= 1
        item.stock = "sold"


class OrderStore:
    def __init__(self, products: ProductStore):
        self.products = products
        self.orders: dict[int, OrderRecord] = {}
        self._next_order = 400_000_000_000_001
        self._next_item = 500_000_000_000_001

    # -- control ---------------------------------------------------------------------
    def create(
        self,
        lines: list[tuple[str, int]],
        created_at: datetime,
        status: str = "pending",
    ) -> OrderRecord:
        if status not in LOCKING:
            raise BadRequest(f"a new order starts in one of {sorted(LOCKING)}")
        wanted: dict[int, int] = {}
        resolved = []
        for seller_sku, quantity in lines:
            found = self.products.owner(seller_sku)
            if found is None:
                raise BadRequest(f"no listing has seller SKU {seller_sku!r}")
            if quantity < 1:
                raise BadRequest("quantity must be at least 1")
            item, sku = found
            wanted[sku.sku_id] = wanted.get(sku.sku_id, 0) + quantity
            if sku.sellable < wanted[sku.sku_id]:
                raise BadRequest(f"{seller_sku} has only {sku.sellable} units to sell")
            resolved.append((item, sku, quantity))
        order = OrderRecord(self._next_order, created_at, created_at)
        self._next_order += 1
        for item, sku, quantity in resolved:
            for _ in range(quantity):
                sku.reserved += 1
                order.items.append(
                    OrderItem(
                        order_item_id=self._next_item,
                        item=item,
                        sku=sku,
                        price=int(sku.special_price or sku.price),
                        status=status,
                        created_at=created_at,
                        updated_at=created_at,
                    )
                )
                self._next_item += 1
        self.orders[order.order_id] = order
        return order

    def set_status(
        self, order_id: str, status: str, now: datetime, item_ids: set[int] | None = None
    ) -> None:
        if status not in STATUSES:
            raise BadRequest(f"unknown Lazada status {status!r}; use one of {', '.join(STATUSES)}")
        try:
            order = self.orders[int(order_id)]
        except (KeyError, ValueError):
            raise BadRequest(f"no order {order_id}") from None
        moment = max(now.replace(microsecond=0), order.updated_at)  # never ahead of the clock
        for item in order.items:
            if item_ids is not None and item.order_item_id not in item_ids:
                continue
            _move_stock(item, status)
            item.status = status
            item.updated_at = moment
        order.updated_at = moment

    # -- API ---------------------------------------------------------------------------
    def get_orders(self, params: dict[str, str]) -> dict[str, Any]:
        if not params.get("created_after") and not params.get("update_after"):
            raise missing("created_after or update_after")
        bounds = {
            name: _iso(params[name])
            for name in ("created_after", "created_before", "update_after", "update_before")
            if params.get(name)
        }
        status = params.get("status") or "all"
        if status != "all" and status not in STATUSES:
            raise LazadaFault("36", "E036: Invalid status filter")
        sort_by = params.get("sort_by") or "created_at"
        if sort_by not in ("created_at", "updated_at"):
            raise LazadaFault("75", "E075: Invalid sort filter.")
        direction = (params.get("sort_direction") or "DESC").upper()
        if direction not in ("ASC", "DESC"):
            raise LazadaFault("74", "E074: Invalid sort direction.")
        offset = parse_int("offset", params.get("offset") or 0, code="14")
        if not 0 <= offset <= MAX_OFFSET:
            raise LazadaFault("14", f'E014: "{offset}" Invalid Offset')
        limit = parse_int("limit", params.get("limit") or MAX_LIMIT, code="19")
        if not 1 <= limit <= MAX_LIMIT:
            raise LazadaFault("19", f'E019: "{limit}" Invalid Limit')
        found = [o for o in self.orders.values() if _within(o, bounds, status)]
        field_name = "created_at" if sort_by == "created_at" else "updated_at"
        found.sort(key=lambda o: (getattr(o, field_name), o.order_id), reverse=direction == "DESC")
        page = found[offset : offset + limit]
        return {"count": len(page), "countTotal": len(found), "orders": [_order(o) for o in page]}

    def get_items(self, params: dict[str, str]) -> list[dict[str, Any]]:
        """GetMultipleOrderItems (``/orders/items/get``)."""
        raw = params.get("order_ids")
        if not raw:
            raise missing("order_ids")
        if not ORDER_IDS.match(raw.strip()):
            raise LazadaFault(
                "56", "E056: Invalid OrdersIdList format. Must use array format [1,2]"
            )
        ids = [int(part) for part in raw.strip()[1:-1].split(",")]
        if len(ids) > MAX_ORDER_IDS:
            raise LazadaFault("38", "E038: Too many orders were requested")
        found = [self.orders[order_id] for order_id in ids if order_id in self.orders]
        if not found:
            raise LazadaFault("39", "E039: No orders were found")
        if len(found) < len(set(ids)):
            raise LazadaFault("37", "E037: One or more order id in the list are incorrect")
        return [
            {
                "order_id": order.order_id,
                "order_number": order.order_id,
                "order_items": [_item(order, item) for item in order.items],
            }
            for order in found
        ]

    def _one(self, params: dict[str, str]) -> OrderRecord:
        raw = params.get("order_id")
        if not raw:
            raise missing("order_id")
        try:
            return self.orders[int(raw.strip())]
        except (KeyError, ValueError):
            raise LazadaFault("16", f'E016: "{raw}" Invalid Order ID') from None

    def get_order(self, params: dict[str, str]) -> dict[str, Any]:
        """GetOrder (``/order/get``): one order, with the page's own types."""
        order = self._one(params)
        return {**_order(order), "gift_option": False}

    def get_order_items(self, params: dict[str, str]) -> list[dict[str, Any]]:
        """GetOrderItems (``/order/items/get``): one order's rows; here ``order_id`` is a
        string, as that page types it."""
        order = self._one(params)
        return [{**_item(order, item), "order_id": str(order.order_id)} for item in order.items]


def _iso(raw: str) -> datetime:
    if not ISO_OFFSET.match(raw.strip()):
        raise LazadaFault("17", "Invalid date format: use ISO 8601 with an offset")
    try:
        return datetime.fromisoformat(raw.strip()).astimezone(UTC)
    except ValueError:
        raise LazadaFault("17", "Invalid date format: use ISO 8601 with an offset") from None


def _within(order: OrderRecord, bounds: dict[str, datetime], status: str) -> bool:
    checks = (
        ("created_after", order.created_at, 1),
        ("created_before", order.created_at, -1),
        ("update_after", order.updated_at, 1),
        ("update_before", order.updated_at, -1),
    )
    for name, moment, sign in checks:
        bound = bounds.get(name)
        if bound is not None and (moment < bound if sign > 0 else moment > bound):
            return False
    return status == "all" or status in order.statuses


def _order(order: OrderRecord) -> dict[str, Any]:
    """An order as GetOrders writes it: every field its page marks required."""
    total = sum(item.price for item in order.items)
    return {
        "order_id": order.order_id,
        "order_number": order.order_id,
        "created_at": lazada_time(order.created_at),
        "updated_at": lazada_time(order.updated_at),
        "address_updated_at": lazada_time(order.created_at),
        "price": money(total),
        "shipping_fee": money(order.shipping_fee),
        "voucher": "0.00",
        "voucher_platform": "0.00",
        "voucher_seller": "0.00",
        "voucher_code": "",
        "items_count": len(order.items),
        "statuses": order.statuses,
        "payment_method": "COD",
        "promised_shipping_times": lazada_time(order.created_at + PROMISE),
        "customer_first_name": BUYER["first_name"],
        "customer_last_name": "",
        "address_shipping": dict(BUYER),
        "address_billing": dict(BUYER),
        "gift_option": "0",
        "gift_message": "",
        "delivery_info": "",
        "remarks": "",
        "branch_number": "",
        "tax_code": "",
        "national_registration_number": "",
        "extra_attributes": "{}",
    }


def _item(order: OrderRecord, item: OrderItem) -> dict[str, Any]:
    """An order item row as GetMultipleOrderItems writes it (required fields, and the
    optional ``sku_id``/``product_id``/``voucher_*``/``order_type``/``buyer_id``)."""
    variation = ", ".join(f"{k}:{v}" for k, v in item.sku.sale_prop.items())
    closed = item.status == "canceled" or item.status in RESTOCKING
    images = item.sku.images or item.item.images
    row = {
        "order_item_id": item.order_item_id,
        "order_id": order.order_id,
        "shop_id": SHOP_NAME,
        "sku": item.sku.seller_sku,
        "shop_sku": item.sku.shop_sku,
        "sku_id": str(item.sku.sku_id),
        "product_id": str(item.item.item_id),
        "name": item.item.attributes.get("name", ""),
        "variation": variation,
        "product_main_image": images[0] if images else "",
        "product_detail_url": (
            f"https://www.lazada.vn/-i{item.item.item_id}-s{item.sku.sku_id}.html"
        ),
        "item_price": money(item.price),
        "paid_price": money(item.price),
        "currency": "VND",
        "status": item.status,
        "reason": "Customer request" if closed else "",
        "reason_detail": "",
        "return_status": "returned" if item.status in RESTOCKING else "",
        "cancel_return_initiator": (
            ("return-customer" if item.status in RESTOCKING else "cancellation-customer")
            if closed
            else ""
        ),
        "shipping_type": "Dropshipping",
        "shipping_provider_type": "standard",
        "shipment_provider": "",
        "shipping_amount": "0.00",
        "shipping_service_cost": 0,
        "voucher_amount": "0.00",
        "voucher_platform": "0.00",
        "voucher_seller": "0.00",
        "voucher_code": "",
        "wallet_credits": "0.00",
        "tax_amount": "0.00",
        "tracking_code": "",
        "tracking_code_pre": "",
        "package_id": "",
        "invoice_number": "",
        "purchase_order_id": "",
        "purchase_order_number": "",
        "promised_shipping_time": lazada_time(item.created_at + PROMISE),
        "digital_delivery_info": "",
        "is_digital": 0,
        "extra_attributes": "{}",
        "order_type": "Normal",
        "buyer_id": "700123456",
        "created_at": lazada_time(item.created_at),
        "updated_at": lazada_time(item.updated_at),
    }
    return row
