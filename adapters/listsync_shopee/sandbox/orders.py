"""The sandbox's orders: created through the control API, read through the order API.

``get_order_list`` sorts newest first by the requested time field and pages with an
opaque cursor that is, underneath, an offset. Shopee does not say how its cursor behaves
while orders change (UNCONFIRMED); an offset is the harsh choice: an order that changes
and leaves the window shifts the rest of the list, so a client that does not re-check can
skip an order. The adapter's client is tested against exactly that. The first page's
cursor may be empty or, as the get_order_list page's request samples send it, ``""``.

``get_order_detail`` answers an order_sn it does not know with ``error_not_found``
("Wrong parameters, detail: the order is not found.", the page's error example). Whether
one unknown order_sn among known ones refuses the whole call or is just left out is not
documented (UNCONFIRMED): setting ``order_detail_unknown`` ``"error"`` (default) or
``"skip"``. The optional fields the page lists (``recipient_address``, ``package_list``,
``shipping_carrier``, ``actual_shipping_fee``, ``note``, …) come only when asked for in
``response_optional_fields``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from random import Random
from typing import Any

from listsync.sandbox.harness import BadRequest, SandboxClock
from listsync_shopee.sandbox.base import ApiError, Call, int_arg, money, wrong
from listsync_shopee.sandbox.products import Item, Model, ProductStore

MAX_WINDOW = 15 * 86_400
MAX_DETAIL = 50
STATUSES = (
    "UNPAID",
    "READY_TO_SHIP",
    "PROCESSED",
    "RETRY_SHIP",
    "SHIPPED",
    "TO_CONFIRM_RECEIVE",
    "COMPLETED",
    "IN_CANCEL",
    "CANCELLED",
    "TO_RETURN",
)
BEFORE_SHIPPING = ("UNPAID", "READY_TO_SHIP", "PROCESSED", "RETRY_SHIP", "IN_CANCEL")
NEXT: dict[str, tuple[str, ...]] = {
    "UNPAID": ("READY_TO_SHIP", "IN_CANCEL", "CANCELLED"),
    "READY_TO_SHIP": ("PROCESSED", "SHIPPED", "IN_CANCEL", "CANCELLED"),
    "PROCESSED": ("SHIPPED", "RETRY_SHIP", "IN_CANCEL", "CANCELLED"),
    "RETRY_SHIP": ("SHIPPED", "IN_CANCEL", "CANCELLED"),
    "IN_CANCEL": ("CANCELLED", "READY_TO_SHIP"),
    "SHIPPED": ("TO_CONFIRM_RECEIVE", "COMPLETED", "TO_RETURN"),
    "TO_CONFIRM_RECEIVE": ("COMPLETED", "TO_RETURN"),
    "COMPLETED": ("TO_RETURN",),
    "TO_RETURN": ("COMPLETED",),
    "CANCELLED": (),
}
OPTIONAL_FIELDS = (
    "buyer_user_id",
    "buyer_username",
    "item_list",
    "pay_time",
    "total_amount",
    "estimated_shipping_fee",
    "actual_shipping_fee",
    "actual_shipping_fee_confirmed",
    "recipient_address",
    "note",
    "note_update_time",
    "package_list",
    "shipping_carrier",
    "payment_method",
    "cancel_by",
    "cancel_reason",
    "buyer_cancel_reason",
    "goods_to_declare",
    "split_up",
    "pickup_done_time",
)
CARRIER = "Giao Hàng Nhanh"
CARRIER_ID = 50011
NOT_FOUND = ApiError("error_not_found", "Wrong parameters, detail: the order is not found.")
SHIPPED = ("SHIPPED", "TO_CONFIRM_RECEIVE", "COMPLETED", "TO_RETURN")
INVALID_TIME = ApiError(
    "order.order_list_invalid_time",
    "Start time must be earlier than end time and diff in 15days.",
)


@dataclass
class Line:
    item_id: int
    model_id: int
    quantity: int
    price: int
    order_item_id: int


@dataclass
class Order:
    order_sn: str
    status: str
    create_time: int
    update_time: int
    lines: list[Line] = field(default_factory=list)
    pay_time: int | None = None
    cancel_by: str = ""


class OrderStore:
    def __init__(
        self,
        clock: SandboxClock,
        rng: Random,
        products: ProductStore,
        unknown: Callable[[], str] = lambda: "error",
    ) -> None:
        """``unknown``: what get_order_detail does with unknown order_sn among known ones,
        "error" or "skip" (a setting that may change)."""
        self.clock = clock
        self.rng = rng
        self.products = products
        self._unknown = unknown
        self.orders: dict[str, Order] = {}
        self._next_line = 1

    def reset(self) -> None:
        self.orders.clear()

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for order in self.orders.values():
            found[order.status] = found.get(order.status, 0) + 1
        return found

    # -- control API ----------------------------------------------------------------
    def create(self, spec: dict[str, Any]) -> list[str]:
        """``{"count", "days"}``, ``{"sku", "quantity"}`` or ``{"lines": [{"sku", "quantity"}]}``.

        Optional: ``status`` (UNPAID, the default, or READY_TO_SHIP) and, for one order,
        ``days_ago``. The control API may oversell: it places an order even when stock is
        short, so tests need not stock up first; only the seller API guards stock.
        """
        status = str(spec.get("status") or "UNPAID")
        if status not in ("UNPAID", "READY_TO_SHIP"):
            raise BadRequest("a new order's status is UNPAID or READY_TO_SHIP")
        now = self.clock.now()
        if "count" in spec:
            count, days = int(spec["count"]), float(spec.get("days", 1))
            if count < 1 or days < 0:
                raise BadRequest("count must be at least 1 and days at least 0")
            made = []
            for _ in range(count):
                placed = now - timedelta(seconds=self.rng.uniform(0, days * 86_400))
                made.append(self._place(self._random_lines(), int(placed.timestamp()), status))
            return made
        lines = spec.get("lines") or [{"sku": spec.get("sku"), "quantity": spec.get("quantity", 1)}]
        wanted = [(str(line["sku"]), int(line.get("quantity", 1))) for line in lines]
        if any(quantity < 1 for _, quantity in wanted):
            raise BadRequest("quantity must be at least 1")
        placed = now - timedelta(days=float(spec.get("days_ago", 0)))
        return [self._place(wanted, int(placed.timestamp()), status)]

    def _random_lines(self) -> list[tuple[str, int]]:
        units = self.products.units()
        if not units:
            raise BadRequest("the shop has no listed items to order")
        quantity = self.rng.randint(1, 3)
        stocked = [u for u in units if _available(u) >= quantity] or units
        item, model = self.rng.choice(stocked)
        return [(model.model_sku if model else item.sku, quantity)]

    def _place(self, wanted: list[tuple[str, int]], placed: int, status: str) -> str:
        try:
            units = [(self.products.unit(sku), quantity) for sku, quantity in wanted]
        except ApiError as error:
            raise BadRequest(error.message) from None
        order_sn = self._order_sn(placed)
        order = Order(order_sn, "UNPAID", placed, placed)
        for (item, model), quantity in units:
            target = model or item
            target.reserved += quantity
            line = Line(item.item_id, model.model_id if model else 0, quantity, target.price, 0)
            line.order_item_id, self._next_line = self._next_line, self._next_line + 1
            order.lines.append(line)
        if status == "READY_TO_SHIP":
            order.status, order.pay_time = status, placed + 60
            order.update_time = min(placed + 60, self.clock.timestamp())
        self.orders[order_sn] = order
        return order_sn

    def _order_sn(self, placed: int) -> str:
        day = datetime.fromtimestamp(placed, UTC).strftime("%y%m%d")
        alphabet = string.ascii_uppercase + string.digits
        while True:
            order_sn = day + "".join(self.rng.choice(alphabet) for _ in range(8))
            if order_sn not in self.orders:
                return order_sn

    def set_status(self, order_sn: str, status: str) -> None:
        order = self.orders.get(order_sn)
        if order is None:
            raise BadRequest(f"no order {order_sn}")
        if status not in STATUSES:
            raise BadRequest(f"unknown status {status!r}; Shopee's are {', '.join(STATUSES)}")
        if status not in NEXT[order.status]:
            raise BadRequest(f"order {order_sn} cannot go from {order.status} to {status}")
        before = order.status
        for line in order.lines:
            target = self._target(line)
            if target is None or before not in BEFORE_SHIPPING:
                continue
            if status == "CANCELLED":
                target.reserved -= line.quantity
            elif status == "SHIPPED":
                target.reserved -= line.quantity
                target.stock = max(0, target.stock - line.quantity)
        now = max(self.clock.timestamp(), order.update_time)  # never ahead of the clock
        if status == "READY_TO_SHIP" and order.pay_time is None:
            order.pay_time = now
        if status == "CANCELLED":
            order.cancel_by = "seller" if before != "IN_CANCEL" else "buyer"
        order.status, order.update_time = status, now

    def _target(self, line: Line) -> Item | Model | None:
        item = self.products.items.get(line.item_id)
        if item is None:
            return None
        return item.model(line.model_id) if line.model_id else item

    # -- order API ------------------------------------------------------------------
    def get_order_list(self, call: Call) -> dict[str, Any]:
        request = call.request
        time_field = request.arg("time_range_field")
        if time_field not in ("create_time", "update_time"):
            raise wrong("time_range_field should be create_time or update_time")
        since = int_arg(request, "time_from")
        until = int_arg(request, "time_to")
        assert since is not None and until is not None
        if since >= until or until - since > MAX_WINDOW:
            raise INVALID_TIME
        page_size = int_arg(request, "page_size")
        assert page_size is not None
        if not 1 <= page_size <= 100:
            raise wrong("page_size should be between 1 and 100")
        status = request.arg("order_status")
        if status is not None and status not in STATUSES:
            raise wrong(f"order_status {status} is invalid")
        query = f"{call.shop_id}|{time_field}|{since}|{until}|{status}"
        offset = _read_cursor(request.arg("cursor") or "", query)
        chosen = sorted(
            (
                order
                for order in self.orders.values()
                if since <= getattr(order, time_field) <= until
                and (status is None or order.status == status)
            ),
            key=lambda order: (getattr(order, time_field), order.order_sn),
            reverse=True,
        )
        page = chosen[offset : offset + page_size]
        more = offset + page_size < len(chosen)
        wants_status = "order_status" in (request.arg("response_optional_fields") or "")
        return {
            "more": more,
            "next_cursor": _cursor(offset + page_size, query) if more else "",
            "order_list": [
                {"order_sn": o.order_sn, **({"order_status": o.status} if wants_status else {})}
                for o in page
            ],
        }

    def get_order_detail(self, call: Call) -> dict[str, Any]:
        raw = call.request.arg("order_sn_list") or ""
        wanted = [sn.strip() for sn in raw.split(",") if sn.strip()]
        if not 1 <= len(wanted) <= MAX_DETAIL:
            raise wrong(f"order_sn_list should contain 1 to {MAX_DETAIL} order_sn")
        optional = {
            name.strip() for name in (call.request.arg("response_optional_fields") or "").split(",")
        }
        known = [sn for sn in wanted if sn in self.orders]
        if not known or (len(known) < len(wanted) and self._unknown() == "error"):
            raise NOT_FOUND
        return {"order_list": [self._detail(self.orders[sn], optional) for sn in known]}

    def _detail(self, order: Order, optional: set[str]) -> dict[str, Any]:
        found: dict[str, Any] = {
            "order_sn": order.order_sn,
            "region": "VN",
            "currency": "VND",
            "cod": False,
            "order_status": order.status,
            "create_time": order.create_time,
            "update_time": order.update_time,
            "days_to_ship": 2,
            "ship_by_date": order.create_time + 2 * 86_400,
            "message_to_seller": "",
        }
        extra: dict[str, Any] = {
            "buyer_user_id": 10_000_001,
            "buyer_username": "nguoimua_vn",
            "item_list": [self._line(line) for line in order.lines],
            "pay_time": order.pay_time,
            "total_amount": money(sum(line.price * line.quantity for line in order.lines)),
            "estimated_shipping_fee": money(0),
            "payment_method": "Online Payment",
            "cancel_by": order.cancel_by,
            "cancel_reason": "",
            "buyer_cancel_reason": "",
            "actual_shipping_fee": money(0) if order.status in SHIPPED else None,
            "actual_shipping_fee_confirmed": order.status in SHIPPED,
            "recipient_address": {
                "name": "N******n",
                "phone": "******89",
                "town": "",
                "district": "Quận Tây Hồ",
                "city": "Hà Nội",
                "state": "Hà Nội",
                "region": "VN",
                "zipcode": "",
                "full_address": "******, Phường Quảng An, Quận Tây Hồ, Hà Nội",
            },
            "note": "",
            "note_update_time": 0,
            "package_list": [self._package(order)],
            "shipping_carrier": CARRIER,
            "goods_to_declare": False,
            "split_up": False,
            "pickup_done_time": order.update_time if order.status in SHIPPED else 0,
        }
        found.update({name: extra[name] for name in OPTIONAL_FIELDS if name in optional})
        return found

    def _package(self, order: Order) -> dict[str, Any]:
        shipped = order.status in SHIPPED
        return {
            "package_number": f"OFG{order.order_sn}",
            "logistics_status": "LOGISTICS_DELIVERY_DONE" if shipped else "LOGISTICS_NOT_START",
            "shipping_carrier": CARRIER,
            "logistics_channel_id": CARRIER_ID,
            "parcel_chargeable_weight_gram": 0,
            "item_list": [
                {
                    "item_id": line.item_id,
                    "model_id": line.model_id,
                    "model_quantity": line.quantity,
                    "order_item_id": line.order_item_id,
                    "promotion_group_id": 0,
                    "product_location_id": "VNZ",
                }
                for line in order.lines
            ],
        }

    def _line(self, line: Line) -> dict[str, Any]:
        item = self.products.items[line.item_id]
        model = item.model(line.model_id) if line.model_id else None
        model_name = ""
        if model is not None:
            model_name = ",".join(
                item.tier_variation[tier]["option_list"][index]["option"]
                for tier, index in enumerate(model.tier_index)
            )
        return {
            "item_id": item.item_id,
            "item_name": item.fields["item_name"],
            "item_sku": item.sku,
            "model_id": line.model_id,
            "model_name": model_name,
            "model_sku": model.model_sku if model else "",
            "model_quantity_purchased": line.quantity,
            "model_original_price": money(line.price),
            "model_discounted_price": money(line.price),
            "wholesale": False,
            "weight": float(item.fields["weight"]),
            "order_item_id": line.order_item_id,
            "promotion_type": "",
            "promotion_id": 0,
            "image_info": {
                "image_url": f"https://cf.shopee.vn/file/{item.fields['image_id_list'][0]}"
            },
        }


def _available(unit: tuple[Item, Model | None]) -> int:
    item, model = unit
    target = model or item
    return target.stock - target.reserved


def _cursor(offset: int, query: str) -> str:
    key = hashlib.sha256(query.encode()).hexdigest()[:12]
    raw = json.dumps({"o": offset, "k": key}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_cursor(cursor: str, query: str) -> int:
    if cursor in ("", '""'):  # the page's request samples send cursor="" (%22%22)
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        offset = int(data["o"])
        valid = data["k"] == hashlib.sha256(query.encode()).hexdigest()[:12] and offset >= 0
    except (ValueError, KeyError, TypeError):
        valid = False
    if not valid:
        raise wrong("cursor is invalid")
    return offset
