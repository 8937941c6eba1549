"""The sandbox's products: images, items with tier variations and models, stock and prices.

Stock follows Shopee's ``stock_info_v2``: ``stock`` is the seller stock that
``update_stock`` sets, ``reserved`` is held by open orders, and the seller may never set
stock below reserved. Orders (``sandbox_orders.py``) reserve, release and ship through
:meth:`ProductStore.unit`.

As the reference pages document them: ``add_item`` takes ``seller_stock`` as optional
(an item without it starts at stock 0) and answers the attributes under ``attributes``;
``get_item_base_info`` and ``get_model_list`` send weights as strings (``"10.02"``), models
with their own ``weight``, ``dimension`` and ``pre_order``, and attributes with
``original_attribute_name``, ``is_mandatory`` and ``original_value_name``;
``get_item_list`` requires ``offset``, refuses a ``update_time_from`` later than
``update_time_to`` with ``error_update_time_range`` and tags items with ``tag.kit``; a call
without ``item_id`` is refused ``invalid field ItemId: value must  Not Null``.

Choices where Shopee's behaviour is not published (UNCONFIRMED, see the adapter docs):
``search_item`` matches ``item_sku`` case-insensitively as a substring (the worst case for
a client, which must then compare SKUs exactly); ``update_item`` refuses
``original_price`` / ``seller_stock`` (those go through update_price / update_stock);
a second item with an SKU already listed is accepted (setting ``duplicate_item_sku``
``"accept"``) or refused ``error_repeated_mtsku`` (``"refuse"``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from listsync_shopee.sandbox import rules
from listsync_shopee.sandbox.base import (
    ApiError,
    Call,
    body,
    id_list,
    int_arg,
    integer,
    missing,
    money,
    objects,
    weight_text,
    wrong,
)
from listsync_shopee.sandbox.catalog import CATEGORIES, Category, Limits

MAX_FILES = 9
MAX_IMAGE_BYTES = 10 * 1024 * 1024
IMAGE_MAGIC = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}
DELETED = ("SELLER_DELETE", "SHOPEE_DELETE")
MAX_BATCH = 50
DUPLICATE = ("error_repeated_mtsku", "A similar product has already been uploaded")


@dataclass
class Model:
    model_id: int
    model_sku: str
    tier_index: list[int]
    price: int
    stock: int
    reserved: int = 0
    weight: str | None = None  # kg; None: the item's


@dataclass
class Item:
    item_id: int
    fields: dict[str, Any]
    price: int
    stock: int
    created: datetime
    update_time: int
    reserved: int = 0
    tier_variation: list[dict[str, Any]] = field(default_factory=list)
    models: list[Model] = field(default_factory=list)

    @property
    def sku(self) -> str:
        return str(self.fields.get("item_sku", ""))

    @property
    def status(self) -> str:
        return str(self.fields.get("item_status", "NORMAL"))

    @property
    def limits(self) -> Limits:
        return CATEGORIES[self.fields["category_id"]].limits

    def model(self, model_id: int) -> Model | None:
        return next((m for m in self.models if m.model_id == model_id), None)


def stock_info(stock: int, reserved: int) -> dict[str, Any]:
    return {
        "summary_info": {
            "total_reserved_stock": reserved,
            "total_available_stock": max(0, stock - reserved),
        },
        "seller_stock": [{"location_id": "VNZ", "stock": stock, "if_saleable": True}],
    }


def price_info(amount: int) -> list[dict[str, Any]]:
    return [{"currency": "VND", "original_price": money(amount), "current_price": money(amount)}]


class ProductStore:
    def __init__(
        self,
        search_lag: Callable[[], timedelta],
        duplicates: Callable[[], str] = lambda: "accept",
    ) -> None:
        """``search_lag``: how long a new item stays out of search; ``duplicates``: "accept"
        or "refuse" a second item with a listed SKU (settings that may change)."""
        self._search_lag = search_lag
        self._duplicates = duplicates
        self.images: dict[str, dict[str, Any]] = {}
        self.items: dict[int, Item] = {}
        self._next_item = 800_000_001
        self._next_model = 9_000_001

    def reset(self) -> None:
        self.images.clear()
        self.items.clear()

    # -- what orders and the control API use ----------------------------------------
    def live(self) -> list[Item]:
        return [item for item in self.items.values() if item.status not in DELETED]

    def units(self) -> list[tuple[Item, Model | None]]:
        """Every sellable unit: each model of an item with variants, else the item."""
        found: list[tuple[Item, Model | None]] = []
        for item in self.live():
            found.extend([(item, model) for model in item.models] or [(item, None)])
        return found

    def unit(self, sku: str) -> tuple[Item, Model | None]:
        for item, model in self.units():
            if (model.model_sku if model else item.sku) == sku:
                return item, model
        raise ApiError("error_item_not_found", f"no listed unit has SKU {sku!r}")

    def state(self) -> list[dict[str, Any]]:
        return [
            {
                "sku": model.model_sku if model else item.sku,
                "product_sku": item.sku,
                "remote_id": str(item.item_id),
                "unit_id": str(model.model_id if model else 0),
                "status": item.status,
                "stock": model.stock if model else item.stock,
                "reserved": model.reserved if model else item.reserved,
                "price": model.price if model else item.price,
            }
            for item, model in self.units()
        ]

    def _item(self, item_id: Any) -> Item:
        if item_id is None:
            raise missing("ItemId")
        item = self.items.get(item_id) if isinstance(item_id, int) else None
        if item is None or item.status in DELETED:
            raise ApiError("error_item_not_found", "Product not found")
        return item

    # -- media_space ----------------------------------------------------------------
    def upload_image(self, call: Call) -> dict[str, Any]:
        files = call.request.files.get("image", [])
        if not files:
            raise wrong("image is required")
        if len(files) > MAX_FILES:
            raise wrong(f"at most {MAX_FILES} images per call")
        scene = call.request.arg("scene") or "normal"
        if scene not in ("normal", "desc"):
            raise wrong("scene should be normal or desc")
        for upload in files:
            if len(upload.data) > MAX_IMAGE_BYTES:
                raise wrong(f"image {upload.filename} is larger than 10 MB")
            if not any(upload.data.startswith(magic) for magic in IMAGE_MAGIC):
                raise wrong(f"image {upload.filename} is not a JPG or PNG file")
        infos = []
        for index, upload in enumerate(files):
            digest = hashlib.sha256(upload.data + str(len(self.images)).encode()).hexdigest()
            image_id = f"vn-11134207-{digest[:24]}"
            info = {
                "image_id": image_id,
                "image_url_list": [
                    {"image_url_region": "VN", "image_url": f"https://cf.shopee.vn/file/{image_id}"}
                ],
            }
            self.images[image_id] = {"size": len(upload.data), "scene": scene}
            infos.append({"id": index, "error": "", "message": "", "image_info": info})
        reply: dict[str, Any] = {"image_info_list": infos}
        if len(infos) == 1:
            reply["image_info"] = infos[0]["image_info"]
        return reply

    # -- items ----------------------------------------------------------------------
    def add_item(self, call: Call) -> dict[str, Any]:
        data = body(call.request)
        for name in ("category_id", "item_name", "description", "original_price", "weight"):
            if name not in data:
                raise wrong(f"{name} is required")
        for name in ("image", "logistic_info"):
            if name not in data:
                raise wrong(f"{name} is required")
        where = rules.category(data["category_id"])
        limits = where.limits
        fields: dict[str, Any] = {
            "category_id": where.category_id,
            "item_name": rules.item_name(data["item_name"], limits),
            "description": rules.description(data["description"], limits),
            "weight": rules.weight(data["weight"]),
            "image_id_list": rules.images(data["image"], limits, set(self.images)),
            "logistic_info": rules.logistics(data["logistic_info"]),
            "attribute_list": rules.attributes(data.get("attribute_list"), where),
            "brand": rules.brand(data.get("brand"), where),
            "dimension": rules.dimension(data.get("dimension"), limits),
            "condition": "NEW",
            "item_status": "NORMAL",
            **rules.simple_fields(data),
        }
        price = rules.price(data["original_price"], limits)
        if "seller_stock" in data:  # optional on the add_item page; stock inside is required
            stock = rules.stock(data["seller_stock"], limits)
        elif "normal_stock" in data:  # the older field, still in the page's request samples
            stock = rules.stock([{"stock": integer(data["normal_stock"], "normal_stock")}], limits)
        else:
            stock = 0
        if len(self.live()) >= limits.item_count:
            raise ApiError("error_reach_shop_item_limit", "The shop has reached its item limit.")
        sku = fields.get("item_sku")
        if sku and self._duplicates() == "refuse" and any(i.sku == sku for i in self.live()):
            raise ApiError(*DUPLICATE)
        item = Item(self._next_item, fields, price, stock, call.now, call.ts)
        self._next_item += 1
        self.items[item.item_id] = item
        reply = self._base_info(item)
        reply["attributes"] = reply.pop("attribute_list")  # as the add_item page answers
        return {
            **reply,
            "price_info": {"original_price": money(price), "current_price": money(price)},
            "images": self._images(item),
            "seller_stock": [{"location_id": "VNZ", "stock": stock}],
        }

    def update_item(self, call: Call) -> dict[str, Any]:
        data = body(call.request)
        item = self._item(data.get("item_id"))
        for refused, use in (("original_price", "update_price"), ("seller_stock", "update_stock")):
            if refused in data:
                raise wrong(f"{refused} can not be changed by update_item, use {use}")
        fields = dict(item.fields)
        where = CATEGORIES[fields["category_id"]]
        if "category_id" in data:
            where = rules.category(data["category_id"])
            fields["category_id"] = where.category_id
        limits = where.limits
        checks = {
            "item_name": lambda v: rules.item_name(v, limits),
            "description": lambda v: rules.description(v, limits),
            "weight": rules.weight,
            "logistic_info": rules.logistics,
        }
        for name, check in checks.items():
            if name in data:
                fields[name] = check(data[name])
        if "image" in data:
            fields["image_id_list"] = rules.images(data["image"], limits, set(self.images))
        if "dimension" in data or limits.dimension_mandatory:
            fields["dimension"] = rules.dimension(
                data.get("dimension", fields["dimension"]), limits
            )
        if "attribute_list" in data or "category_id" in data:
            fields["attribute_list"] = rules.attributes(
                data.get("attribute_list", fields["attribute_list"]), where
            )
        if "brand" in data:
            fields["brand"] = rules.brand(data["brand"], where)
        fields.update(rules.simple_fields(data))
        item.fields = fields
        item.update_time = call.ts
        return {**self._base_info(item), "images": self._images(item)}

    def init_tier_variation(self, call: Call) -> dict[str, Any]:
        data = body(call.request)
        item = self._item(data.get("item_id"))
        if item.tier_variation:
            raise wrong("the item already has tier variations, use update_tier_variation")
        tier_rows = rules.tiers(data.get("tier_variation"), item.limits, set(self.images))
        rows = rules.model_rows(data.get("model"), tier_rows)
        prepared = []
        for row in rows:
            price = rules.price(row.get("original_price"), item.limits)
            stock = rules.stock(row.get("seller_stock", row.get("normal_stock")), item.limits)
            prepared.append((row, price, stock))
        item.tier_variation = tier_rows
        for row, price, stock in prepared:
            model = Model(
                self._next_model, row.get("model_sku", ""), row["tier_index"], price, stock
            )
            if "weight" in row:
                model.weight = rules.weight(row["weight"])
            self._next_model += 1
            item.models.append(model)
        item.update_time = call.ts
        return {
            "item_id": item.item_id,
            "tier_variation": item.tier_variation,
            "model": [self._model_info(model) for model in item.models],
        }

    def _entries(self, data: dict[str, Any], name: str) -> tuple[Item, list[dict[str, Any]]]:
        item = self._item(data.get("item_id"))
        entries = objects(data.get(name), name)
        if not 1 <= len(entries) <= MAX_BATCH:
            raise wrong(f"{name} should contain 1 to {MAX_BATCH} entries")
        return item, entries

    def _target(self, item: Item, entry: dict[str, Any]) -> Model | Item | None:
        model_id = entry.get("model_id", 0)
        if model_id == 0 and not item.models:
            return item
        return item.model(model_id) if isinstance(model_id, int) else None

    def update_price(self, call: Call) -> dict[str, Any]:
        item, entries = self._entries(body(call.request), "price_list")
        success, failure = [], []
        for entry in entries:
            target = self._target(item, entry)
            if target is None:
                failure.append(
                    {"model_id": entry.get("model_id"), "failed_reason": "Model not found."}
                )
                continue
            model_id = entry.get("model_id", 0)
            try:
                target.price = rules.price(entry.get("original_price"), item.limits)
            except ApiError as error:
                failure.append({"model_id": model_id, "failed_reason": error.message})
                continue
            success.append({"model_id": model_id, "original_price": money(target.price)})
        if success:
            item.update_time = call.ts
        return {"success_list": success, "failure_list": failure}

    def update_stock(self, call: Call) -> dict[str, Any]:
        item, entries = self._entries(body(call.request), "stock_list")
        success, failure = [], []
        for entry in entries:
            target = self._target(item, entry)
            model_id = entry.get("model_id", 0)
            if target is None:
                failure.append({"model_id": model_id, "failed_reason": "Model not found."})
                continue
            try:
                stock = rules.stock(entry.get("seller_stock"), item.limits)
            except ApiError as error:
                failure.append({"model_id": model_id, "failed_reason": error.message})
                continue
            if stock < target.reserved:
                reason = f"Stock can not be less than reserved stock {target.reserved}."
                failure.append({"model_id": model_id, "failed_reason": reason})
                continue
            target.stock = stock
            success.append({"model_id": model_id, "location_id": "VNZ", "stock": stock})
        if success:
            item.update_time = call.ts
        return {"success_list": success, "failure_list": failure}

    # -- reads ----------------------------------------------------------------------
    def get_item_list(self, call: Call) -> dict[str, Any]:
        request = call.request
        offset = int_arg(request, "offset", required=False)
        if offset is None:
            raise missing("Offset")
        page_size = int_arg(request, "page_size", required=False)
        if page_size is None:
            raise missing("PageSize")
        if not 1 <= page_size <= 100 or offset < 0:
            raise wrong("page_size should be between 1 and 100 and offset at least 0")
        statuses = request.query.get("item_status") or []
        if not statuses:
            raise wrong("item_status is required")
        if any(status not in rules.ITEM_STATUSES for status in statuses):
            raise wrong(f"item_status should be among {', '.join(rules.ITEM_STATUSES)}")
        since = int_arg(request, "update_time_from", required=False)
        until = int_arg(request, "update_time_to", required=False)
        if since is not None and until is not None and since > until:
            raise ApiError(
                "error_update_time_range", "Update_time_to should be later than update_time_from."
            )
        chosen = [
            item
            for item in self.items.values()
            if item.status in statuses
            and (since is None or item.update_time >= since)
            and (until is None or item.update_time <= until)
        ]
        page = chosen[offset : offset + page_size]
        more = offset + page_size < len(chosen)
        return {
            "item": [
                {
                    "item_id": i.item_id,
                    "item_status": i.status,
                    "update_time": i.update_time,
                    "tag": {"kit": False},
                }
                for i in page
            ],
            "total_count": len(chosen),
            "has_next_page": more,
            "next_offset": offset + page_size if more else 0,
        }

    def search_item(self, call: Call) -> dict[str, Any]:
        request = call.request
        page_size = int_arg(request, "page_size")
        assert page_size is not None
        if not 1 <= page_size <= 100:
            raise wrong("page_size should be between 1 and 100")
        raw_offset = request.arg("offset") or "0"
        if not raw_offset.isdigit():
            raise wrong("offset is invalid")
        offset = int(raw_offset)
        sku, name = request.arg("item_sku"), request.arg("item_name")
        if not sku and not name:
            raise wrong("item_name or item_sku is required")
        lag = self._search_lag()
        needle = (sku or name or "").casefold()
        found = [
            item.item_id
            for item in self.live()
            if call.now - item.created >= lag
            and needle in (item.sku if sku else item.fields["item_name"]).casefold()
        ]
        page = found[offset : offset + page_size]
        more = offset + page_size < len(found)
        return {
            "item_id_list": page,
            "total_count": len(found),
            "next_offset": str(offset + page_size) if more else "",
        }

    def get_item_base_info(self, call: Call) -> dict[str, Any]:
        ids = id_list(call.request.arg("item_id_list"), "item_id_list", most=MAX_BATCH)
        found = [self.items[i] for i in ids if i in self.items]
        return {"item_list": [self._full_info(item) for item in found]}

    def get_model_list(self, call: Call) -> dict[str, Any]:
        item = self._item(int_arg(call.request, "item_id", required=False))
        return {
            "tier_variation": item.tier_variation,
            "model": [self._model_listed(item, model) for model in item.models],
        }

    # -- shapes ---------------------------------------------------------------------
    def _images(self, item: Item) -> dict[str, Any]:
        ids = item.fields["image_id_list"]
        return {
            "image_id_list": ids,
            "image_url_list": [f"https://cf.shopee.vn/file/{i}" for i in ids],
        }

    def _base_info(self, item: Item) -> dict[str, Any]:
        fields = item.fields
        return {
            "item_id": item.item_id,
            "category_id": fields["category_id"],
            "item_name": fields["item_name"],
            "description": fields["description"],
            "item_sku": item.sku,
            "weight": float(fields["weight"]),
            "dimension": fields["dimension"],
            "logistic_info": fields["logistic_info"],
            "attribute_list": fields["attribute_list"],
            "brand": fields["brand"],
            "condition": fields["condition"],
            "item_status": item.status,
            "create_time": int(item.created.timestamp()),
            "update_time": item.update_time,
        }

    def _full_info(self, item: Item) -> dict[str, Any]:
        info = {
            **self._base_info(item),
            "weight": weight_text(item.fields["weight"]),
            "attribute_list": described_attributes(
                item.fields["attribute_list"], CATEGORIES[item.fields["category_id"]]
            ),
            "image": self._images(item),
            "has_model": bool(item.models),
            "pre_order": {"is_pre_order": False, "days_to_ship": 2},
        }
        if item.models:
            stock = sum(m.stock for m in item.models)
            reserved = sum(m.reserved for m in item.models)
        else:
            info["price_info"] = price_info(item.price)
            stock, reserved = item.stock, item.reserved
        info["stock_info_v2"] = stock_info(stock, reserved)
        return info

    def _model_info(self, model: Model) -> dict[str, Any]:
        return {
            "model_id": model.model_id,
            "model_sku": model.model_sku,
            "tier_index": model.tier_index,
            "model_status": "MODEL_NORMAL",
            "price_info": price_info(model.price),
            "stock_info_v2": stock_info(model.stock, model.reserved),
        }

    def _model_listed(self, item: Item, model: Model) -> dict[str, Any]:
        """A model as get_model_list answers: its weight a string, with dimension and
        pre_order (the item's unless the model was given its own weight)."""
        return {
            **self._model_info(model),
            "weight": weight_text(model.weight or item.fields["weight"]),
            "dimension": item.fields["dimension"],
            "pre_order": {"is_pre_order": False, "days_to_ship": 2},
        }


def described_attributes(rows: list[dict[str, Any]], where: Category) -> list[dict[str, Any]]:
    """Attributes as get_item_base_info answers them: named, marked mandatory or not, and
    each listed value with its name."""
    known = {attribute.attribute_id: attribute for attribute in where.attributes}
    described = []
    for row in rows:
        attribute = known.get(row["attribute_id"])
        values = []
        for entry in row["attribute_value_list"]:
            value_id = entry.get("value_id", 0)
            name = attribute.values.get(value_id) if attribute and value_id else None
            values.append(
                {
                    "value_id": value_id,
                    "original_value_name": name or entry.get("original_value_name", ""),
                    "value_unit": entry.get("value_unit", ""),
                }
            )
        described.append(
            {
                "attribute_id": row["attribute_id"],
                "original_attribute_name": attribute.name if attribute else "",
                "is_mandatory": attribute.mandatory if attribute else False,
                "attribute_value_list": values,
            }
        )
    return described
