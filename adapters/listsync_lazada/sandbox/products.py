"""The Lazada sandbox's products API: category tree, images, create/update, price and stock.

The records live in :mod:`listsync_lazada.sandbox.catalog`, the rules they must pass in
:mod:`listsync_lazada.sandbox.rules`; a seller SKU is checked here against the shop (4105
exists already, 4126 twice in one request, 4141 owned by another item). Replies and codes
follow the API reference pages (docs/marketplaces/lazada.md, "Settled against the
documentation"). Where a page names no code, a choice: over 100 SKUs in
``sku_seller_list`` is ``70`` like a corrupt list; GetProductItem of an unknown item is
``207`` (the page lists 207 and 208; its later rows use 207); GetCategoryAttributes of a
parent category is ``57`` ("No attribute sets linked to that category").
"""

from __future__ import annotations

import copy
import hashlib
import json
import struct
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from listsync_lazada import payload as payloads
from listsync_lazada.sandbox.base import (
    VN,
    LazadaFault,
    Reply,
    SandboxConfig,
    invalid,
    missing,
    now_ms,
    parse_int,
)
from listsync_lazada.sandbox.catalog import (
    BRAND_ROWS,
    BY_ID,
    CATEGORIES,
    Category,
    ItemRecord,
    SkuRecord,
)
from listsync_lazada.sandbox.rules import (
    PACKAGE_FIELDS,
    apply_sku,
    attributes_of,
    category_of,
    fail,
    images_of,
    lazada_hosted,
    payload_of,
    price_of,
    product_of,
    validate,
)

IMAGE_HOST = "vn-test-11.slatic.net"
MAX_SKUS_PER_CALL = 50
MAX_LOOKUP_SKUS = 100
MAX_PAGE = 50
MAX_OFFSET = 10_000
MAX_BRAND_PAGE = 200
FILTERS = ("all", "live", "inactive", "deleted", "pending", "rejected", "sold-out")
DATE_BOUNDS = (
    ("create_after", "created_at", 1),
    ("create_before", "created_at", -1),
    ("update_after", "updated_at", 1),
    ("update_before", "updated_at", -1),
)
WAREHOUSE = "dropshipping"


def _image_size(data: bytes) -> tuple[str, int, int] | None:
    """(extension, width, height) of a PNG or JPEG, or None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return "png", width, height
    if not data.startswith(b"\xff\xd8"):
        return None
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            index += 1
            continue
        marker = data[index + 1]
        length = int.from_bytes(data[index + 2 : index + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return "jpg", width, height
        index += 2 + length
    return "jpg", 0, 0


class ProductStore:
    def __init__(self, config: SandboxConfig):
        self.config = config
        self.items: dict[int, ItemRecord] = {}
        self.images: dict[str, str] = {}  # url -> hash_code
        self._next_item = 3_000_000_001
        self._next_sku = 15_000_000_001

    # -- lookups ---------------------------------------------------------------------
    def owner(self, seller_sku: str) -> tuple[ItemRecord, SkuRecord] | None:
        key = seller_sku.casefold()
        for item in self.items.values():
            for sku in item.skus:
                if sku.seller_sku.casefold() == key:
                    return item, sku
        return None

    def units(self) -> list[tuple[ItemRecord, SkuRecord]]:
        return [(item, sku) for item in self.items.values() for sku in item.skus]

    # -- category API ----------------------------------------------------------------
    def category_tree(self) -> list[dict[str, Any]]:
        def node(category: Category) -> dict[str, Any]:
            children = [node(c) for c in CATEGORIES if c.parent == category.id]
            entry: dict[str, Any] = {
                "category_id": category.id,
                "name": category.name,
                "leaf": category.leaf,
                "var": True,
            }
            if children:
                entry["children"] = children
            return entry

        return [node(c) for c in CATEGORIES if c.parent is None]

    def category_attributes(self, params: dict[str, str]) -> list[dict[str, Any]]:
        """GetCategoryAttributes: unknown id 4227; a parent category has no attribute set
        of its own, so it answers 57 ("No attribute sets linked to that category")."""
        raw = params.get("primary_category_id")
        if raw is None:
            raise missing("primary_category_id")
        try:
            category = BY_ID.get(int(raw.strip()))
        except ValueError:
            category = None
        if category is None:
            raise LazadaFault("4227", "Query category is null")
        if not category.leaf:
            raise LazadaFault("57", "E057: No attribute sets linked to that category.")
        return [
            {
                "id": attribute.id,
                "name": attribute.name,
                "label": attribute.label,
                "is_mandatory": int(attribute.mandatory),
                "is_sale_prop": int(attribute.sale_prop),
                "attribute_type": attribute.level,
                "input_type": attribute.input_type,
                "options": [
                    {"id": attribute.id * 100 + index, "name": option, "en_name": option}
                    for index, option in enumerate(attribute.options, start=1)
                ],
                "advanced": {"is_key_prop": 0},
            }
            for attribute in category.all_attributes()
        ]

    def brands(self, params: dict[str, str]) -> Reply:
        """GetBrandByPages: ``startRow`` (an offset) and ``pageSize`` (default 40, max 200)."""
        if params.get("startRow") in (None, ""):
            raise missing("startRow")
        start = parse_int("startRow", params["startRow"])
        size = parse_int("pageSize", params.get("pageSize") or 40)
        if start < 0:
            raise invalid("startRow", "not below 0")
        if not 1 <= size <= MAX_BRAND_PAGE:
            raise invalid("pageSize", f"between 1 and {MAX_BRAND_PAGE}")
        rows = [
            {"brand_id": brand_id, "name": name, "global_identifier": ident, "name_en": name_en}
            for brand_id, name, ident, name_en in BRAND_ROWS
        ]
        total = len(rows)
        data = {
            "start_row": start,
            "page_index": start // size + 1,
            "page_size": size,
            "total_page": (total + size - 1) // size,
            "total_record": total,
            "enable_total": True,
            "module": rows[start : start + size],
        }
        return Reply(data, {"success": True, "error_code": None, "error_msg": None})

    # -- images ----------------------------------------------------------------------
    def upload(self, files: dict[str, list[Any]]) -> dict[str, Any]:
        uploads = files.get("image")
        if not uploads:
            raise missing("image")
        data: bytes = uploads[0].data
        if len(data) > self.config.max_image_bytes:
            raise LazadaFault("303", "The image is too large")
        found = _image_size(data)
        if found is None:
            raise LazadaFault("300", "The image format is not supported (JPG or PNG only)")
        extension, width, height = found
        if max(width, height) > self.config.max_image_side:
            raise LazadaFault("303", "The image is too large")
        digest = hashlib.md5(data).hexdigest()
        url = f"https://{IMAGE_HOST}/p/{digest}.{extension}"
        self.images[url] = digest
        return {"image": {"url": url, "hash_code": digest}}

    def migrate(self, params: dict[str, str]) -> dict[str, Any]:
        tree = payload_of(params)
        url = str(((tree.get("Request") or {}).get("Image") or {}).get("Url") or "").strip()
        if not url:
            raise LazadaFault("1", "Mandatory parameter Url is missing")
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise LazadaFault("302", "Not supported URL")
        if lazada_hosted(url):
            return {"image": {"url": url, "hash_code": self.images.get(url, "")}}
        digest = hashlib.md5(url.encode()).hexdigest()
        new_url = f"https://{IMAGE_HOST}/p/{digest}.jpg"
        self.images[new_url] = digest
        return {"image": {"url": new_url, "hash_code": digest}}

    # -- create / update -------------------------------------------------------------
    def create(self, params: dict[str, str], now: datetime) -> dict[str, Any]:
        product = product_of(payload_of(params))
        skus_in = payloads.as_list((product.get("Skus") or {}).get("Sku"))
        seen: set[str] = set()
        for raw in skus_in:
            seller_sku = str((raw or {}).get("SellerSku") or "").strip()
            if seller_sku.casefold() in seen:
                raise LazadaFault("4126", f"SellerSku {seller_sku} is repeated in this request")
            seen.add(seller_sku.casefold())
            if seller_sku and self.owner(seller_sku):
                raise LazadaFault("4105", f"SellerSku {seller_sku} already exists")
        category = category_of(product.get("PrimaryCategory"))
        attributes = attributes_of(product.get("Attributes"))
        images = images_of(product.get("Images"))
        skus = [self._new_sku(raw, index) for index, raw in enumerate(skus_in)]
        item = ItemRecord(
            item_id=self._next_item,
            category=category.id,
            attributes=attributes,
            images=images,
            skus=skus,
            created_at=now,
            updated_at=now,
            variation=dict(product.get("variation") or {}),
        )
        validate(item)
        if self.config.review_seconds > 0:
            item.review_until = now + timedelta(seconds=self.config.review_seconds)
        self._next_item += 1
        self._next_sku += len(skus)
        self.items[item.item_id] = item
        return {
            "item_id": item.item_id,
            "sku_list": [_sku_ids(sku) for sku in item.skus],
            "item_status": item.status(now),
        }

    def _new_sku(self, raw: Any, offset: int) -> SkuRecord:
        if not isinstance(raw, dict):
            raise LazadaFault("5", "Invalid Request Format")
        seller_sku = str(raw.get("SellerSku") or "").strip()
        if not seller_sku:
            raise LazadaFault("1", "Mandatory parameter SellerSku is missing")
        for name in ("price", "quantity", *PACKAGE_FIELDS):
            if raw.get(name) in (None, ""):
                raise LazadaFault("1", f"Mandatory parameter {name} is missing for {seller_sku}")
        sku = SkuRecord(
            sku_id=self._next_sku + offset,
            seller_sku=seller_sku,
            quantity=0,
            price=Decimal(0),
            special_price=None,
            package={},
            sale_prop={},
            images=[],
        )
        apply_sku(sku, raw)
        return sku

    def update(self, params: dict[str, str], now: datetime) -> dict[str, Any]:
        product = product_of(payload_of(params))
        skus_in = [s for s in payloads.as_list((product.get("Skus") or {}).get("Sku"))]
        item = self._item_for_update(product, skus_in)
        candidate = copy.deepcopy(item)
        if product.get("PrimaryCategory") not in (None, ""):
            candidate.category = category_of(product["PrimaryCategory"]).id
        if product.get("Attributes") not in (None, ""):
            candidate.attributes.update(attributes_of(product["Attributes"], partial=True))
        if product.get("Images") not in (None, ""):
            candidate.images = images_of(product["Images"])
        added = 0
        for raw in skus_in:
            if not isinstance(raw, dict):
                raise LazadaFault("5", "Invalid Request Format")
            target = self._sku_in(candidate, raw)
            if target is None:
                target = self._new_sku(raw, added)
                added += 1
                candidate.skus.append(target)
            else:
                apply_sku(target, raw)
        validate(candidate)
        candidate.updated_at = now
        self._next_sku += added
        self.items[item.item_id] = candidate
        # UpdateProduct answers ``variation`` and ``item_status`` only: no SKU ids.
        return {"item_status": candidate.status(now), "variation": _variation(candidate)}

    def _item_for_update(self, product: dict[str, Any], skus_in: list[Any]) -> ItemRecord:
        if product.get("ItemId") not in (None, ""):
            item = self.items.get(parse_int("ItemId", product["ItemId"]))
            if item is None:
                raise LazadaFault(
                    "4137",
                    "The item id entered in the request does not exist on the current country "
                    "and store, please call the GetProducts/GetProductItem API to query for the "
                    "correct item id.",
                )
            return item
        for raw in skus_in:
            found = self.owner(str((raw or {}).get("SellerSku") or ""))
            if found:
                return found[0]
        raise LazadaFault("1", "Mandatory parameter ItemId is missing")

    def _sku_in(self, item: ItemRecord, raw: dict[str, Any]) -> SkuRecord | None:
        if raw.get("SkuId") not in (None, ""):
            sku_id = parse_int("SkuId", raw["SkuId"])
            for sku in item.skus:
                if sku.sku_id == sku_id:
                    return sku
            raise fail("SkuId", f"SKU {sku_id} does not belong to item {item.item_id}")
        seller_sku = str(raw.get("SellerSku") or "").strip()
        for sku in item.skus:
            if sku.seller_sku.casefold() == seller_sku.casefold():
                return sku
        owner = self.owner(seller_sku)
        if owner is not None:
            raise LazadaFault("4141", f"SellerSku {seller_sku} already exists in another item")
        return None

    # -- price and stock -------------------------------------------------------------
    def price_quantity(self, params: dict[str, str]) -> dict[str, Any]:
        product = product_of(payload_of(params))
        skus_in = payloads.as_list((product.get("Skus") or {}).get("Sku"))
        if not skus_in:
            raise LazadaFault("1", "Mandatory parameter Skus is missing")
        if len(skus_in) > MAX_SKUS_PER_CALL:
            raise LazadaFault("4171", f"At most {MAX_SKUS_PER_CALL} SKUs can be updated at once")
        failures = []
        for raw in skus_in:
            name = str((raw or {}).get("SellerSku") or (raw or {}).get("SkuId") or "")
            try:
                self._set_offer(raw)
            except LazadaFault as fault:
                message = fault.detail[0]["message"] if fault.detail else fault.message
                failures.append({"field": "SellerSku", "seller_sku": name, "message": message})
        if failures:
            raise LazadaFault("501", "Update failed", detail=failures)
        return {}

    def _set_offer(self, raw: Any) -> None:
        if not isinstance(raw, dict):
            raise fail("Sku", "not a SKU")
        found = None
        if raw.get("SkuId") not in (None, ""):
            sku_id = parse_int("SkuId", raw["SkuId"])
            found = next(((i, s) for i, s in self.units() if s.sku_id == sku_id), None)
        elif raw.get("SellerSku"):
            found = self.owner(str(raw["SellerSku"]))
        if found is None:
            raise fail("SellerSku", "SKU not found")
        _, sku = found
        quantity = sku.quantity
        if raw.get("Quantity") not in (None, ""):
            quantity = parse_int("Quantity", raw["Quantity"])
            if quantity < 0:
                raise fail("Quantity", "quantity must not be negative")
            if quantity < sku.reserved:
                raise fail(
                    "Quantity",
                    f"quantity {quantity} is below the {sku.reserved} units locked by orders",
                )
        price, special = sku.price, sku.special_price
        if raw.get("Price") not in (None, ""):
            price = price_of("Price", raw["Price"])
        if raw.get("SalePrice") not in (None, ""):
            special = price_of("SalePrice", raw["SalePrice"])
        if special is not None and special >= price:
            raise fail("SalePrice", "special price must be lower than price", "4157")
        sku.quantity, sku.price, sku.special_price = quantity, price, special

    # -- reads -----------------------------------------------------------------------
    def get_products(self, params: dict[str, str], now: datetime) -> dict[str, Any]:
        wanted = params.get("filter") or "all"
        if wanted not in FILTERS:
            raise LazadaFault("36", "E036: Invalid status filter")
        limit = _count(params, "limit", 10, "19", "Invalid Limit", 1, MAX_PAGE)
        offset = _count(params, "offset", 0, "14", "Invalid Offset", 0, MAX_OFFSET)
        bounds = {name: _date(params[name]) for name, _, _ in DATE_BOUNDS if params.get(name)}
        items = sorted(self.items.values(), key=lambda i: i.item_id)
        items = [i for i in items if _filter(wanted, i, now) and _dated(i, bounds)]
        if "sku_seller_list" in params:
            wanted_skus = _sku_list(params["sku_seller_list"])
            lag = timedelta(seconds=self.config.sku_lookup_lag)
            items = [
                item
                for item in items
                if item.created_at + lag <= now
                and any(sku.seller_sku.casefold() in wanted_skus for sku in item.skus)
            ]
        page = items[offset : offset + limit]
        return {"total_products": len(items), "products": [render(i, now) for i in page]}

    def get_item(self, params: dict[str, str], now: datetime) -> dict[str, Any]:
        if not params.get("item_id"):
            raise LazadaFault("200", "E200: Empty SellerSku")
        try:
            item = self.items.get(int(params["item_id"].strip()))
        except ValueError:
            item = None
        if item is None:
            raise LazadaFault("207", "SKU not exist")
        return render(item, now)


def _sku_ids(sku: SkuRecord) -> dict[str, Any]:
    return {"seller_sku": sku.seller_sku, "shop_sku": sku.shop_sku, "sku_id": sku.sku_id}


def _filter(wanted: str, item: ItemRecord, now: datetime) -> bool:
    status = item.status(now)
    if wanted == "all":
        return True
    if wanted == "live":
        return status == "Active"
    if wanted == "pending":
        return status == "Pending QC"
    if wanted == "sold-out":
        return all(sku.sellable <= 0 for sku in item.skus)
    return False


def _count(
    params: dict[str, str], name: str, default: int, code: str, what: str, low: int, high: int
) -> int:
    """``limit`` / ``offset``: a whole number in range, else Lazada's E0nn "%s" <what>."""
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise LazadaFault(code, f'E0{code}: "{raw}" {what}')
    return value


def _date(raw: str) -> datetime:
    """An ISO 8601 date or time (``+0800`` or ``+08:00``; no offset: Vietnam time), else 17."""
    try:
        moment = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise LazadaFault("17", f'E017: "{raw}" Invalid Date Format') from None
    return moment if moment.tzinfo else moment.replace(tzinfo=VN)


def _dated(item: ItemRecord, bounds: dict[str, datetime]) -> bool:
    """Within every bound given; "after" and "before" include the moment itself."""
    for name, field_name, sign in DATE_BOUNDS:
        bound = bounds.get(name)
        moment: datetime = getattr(item, field_name)
        if bound is not None and (moment < bound if sign > 0 else moment > bound):
            return False
    return True


def _sku_list(raw: str) -> set[str]:
    corrupt = LazadaFault("70", "E070: You have corrupt data in your sku seller list.")
    try:
        values = json.loads(raw)
    except ValueError:
        raise corrupt from None
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise corrupt
    if len(values) > MAX_LOOKUP_SKUS:
        raise corrupt
    return {value.casefold() for value in values}


def _variation(item: ItemRecord) -> dict[str, Any]:
    """The declared custom variations as GetProductItem writes them: options as a list."""
    out = {}
    for key, entry in item.variation.items():
        if not isinstance(entry, dict):
            continue
        options = entry.get("options")
        if isinstance(options, dict):
            options = options.get("option")
        name = str(entry.get("name") or "")
        out[key] = {
            "name": name,
            "label": name,
            "hasImage": str(entry.get("hasImage", "false")).lower() == "true",
            "customize": str(entry.get("customize", "true")).lower() == "true",
            "options": [str(o) for o in payloads.as_list(options)],
        }
    return out


def _package(name: str, value: Decimal) -> str:
    """Sizes as Lazada writes them: strings, centimetres with two decimals ("10.00"),
    the weight as given ("0.3")."""
    if name == "package_weight":
        return format(value.normalize(), "f")
    return format(value.quantize(Decimal("0.01")), "f")


def _money(value: Decimal | None) -> int:
    """A VND price as GetProductItem's sample writes it: a JSON number, whole dong."""
    return int(value) if value is not None else 0


def render_sku(item: ItemRecord, sku: SkuRecord) -> dict[str, Any]:
    """One SKU of GetProducts / GetProductItem, as the reference pages' samples show it.

    Stock lives per warehouse: ``totalQuantity`` is what the seller set, ``occupyQuantity``
    what open orders hold, ``sellableQuantity`` (and the SKU's ``quantity`` and
    ``Available``) what is left to sell. There is no SKU-level ``sellableQuantity``.
    Sale properties are SKU keys (``"size": "100g"``), as in the samples.
    """
    sellable = sku.sellable
    view: dict[str, Any] = {
        "Status": "active",
        "SellerSku": sku.seller_sku,
        "ShopSku": sku.shop_sku,
        "SkuId": sku.sku_id,
        "Url": f"https://www.lazada.vn/-i{item.item_id}-s{sku.sku_id}.html",
        "quantity": sellable,
        "Available": sellable,
        "multiWarehouseInventories": [
            {
                "warehouseCode": WAREHOUSE,
                "totalQuantity": sku.quantity,
                "occupyQuantity": sku.reserved,
                "withholdQuantity": 0,
                "quantity": sellable,
                "sellableQuantity": sellable,
            }
        ],
        "fblWarehouseInventories": [],
        "channelInventories": [],
        "price": _money(sku.price),
        "special_price": _money(sku.special_price),
        **{name: _package(name, value) for name, value in sku.package.items()},
        "Images": list(sku.images),
    }
    for name, value in sku.sale_prop.items():
        view.setdefault(name, value)
    return view


def render(item: ItemRecord, now: datetime) -> dict[str, Any]:
    return {
        "item_id": item.item_id,
        "primary_category": item.category,
        "attributes": dict(item.attributes),
        "images": list(item.images),
        "marketImages": [],
        "status": item.status(now),
        "trialProduct": False,
        "variation": _variation(item),
        "created_time": now_ms(item.created_at),
        "updated_time": now_ms(item.updated_at),
        "skus": [render_sku(item, sku) for sku in item.skus],
    }
