"""The Alibaba.com sandbox's photobank, products, their review and their stock.

APIs (TOP names, served on ``/sync`` and ``/rest`` with ``method=``; the path-style twins
of the official API list are served too, see ``app.py``):

- ``alibaba.icbu.photobank.upload``: a multipart file ``image_bytes`` (JPEG or PNG, at most
  ``max_image_bytes``), ``file_name``, optional ``group_id`` → ``upload_image_response
  {file_name, photobank_url, file_id}``. The same bytes get the same address. Listings may
  only show photobank addresses.
- ``alibaba.icbu.category.get`` (``cat_id``, 0 the root) and ``.category.attribute.get``
  (``cat_id``): :mod:`catalog`.
- ``alibaba.icbu.product.add``: checked by :mod:`rules` (every problem at once); answers
  ``product_id``, the product's obfuscated id (text). The plain numeric id is ``id`` in
  ``product.list`` rows; every call that takes a ``product_id`` accepts either.
- ``alibaba.icbu.product.update``: the whole listing again (``product_id`` + the fields of
  add). SKUs are matched by ``sku_id`` or ``sku_code`` and keep their id and stock (unless
  ``inventory_dto_list`` gives it); the listing goes back to review.
- ``alibaba.icbu.product.update.field``: ``product_id`` and only the fields to change, e.g.
  ``wholesale_trade`` (price), ``bulk_discount_prices``, or ``product_sku`` naming existing
  SKUs by ``sku_id``/``sku_code`` with their new ``price``. The result must still pass
  every rule. A change of content (subject, description, keywords, images, attributes,
  category) goes back to review; prices, MOQ and ladders apply at once (UNCONFIRMED:
  ``review_on_price_change`` false).
- ``alibaba.icbu.product.get`` (``product_id``, ``language``) → ``product{…}`` with
  ``product_sku.skus[{sku_id, sku_code, price, bulk_discount_prices, inventory_dto_list
  [{inventory_code, inventory}]}]``, ``status``, ``display`` (``Y`` on sale), ``price_type``
  (``sku_price``, ``ladder_price`` or ``fob_price``), ``gmt_modified``; a listing sent back
  carries ``audit_reasons`` (the sandbox's field: Alibaba's name is not published).
- ``alibaba.icbu.product.list``: ``language`` ENGLISH only (required), ``current_page``
  (from 1), ``page_size`` ≤ ``product_page_max`` (30), ``subject`` (fuzzy, any case),
  ``category_id``, ``gmt_modified_from``/``gmt_modified_to`` (``yyyy-MM-dd HH:mm:ss``, GMT+8,
  bounds included), ``id`` (the plain id); newest-modified first; answers ``products[]``,
  ``total_item``, ``current_page``, ``page_size``. There is no seller-SKU filter: a
  ``sku_code`` parameter is ignored, as the gateway ignores unknown parameters.
- ``alibaba.icbu.product.inventory.update``: ``request_param`` JSON ``{product_id,
  inventory_list[{sku_id, inventory_code, operate, inventory}]}``. Stock moves by
  **deltas**: ``plus`` adds ``inventory``, ``sub`` takes it away. ``sku_id`` -1 names the
  only SKU of a product without SKU attributes. ``inventory_code`` must be the seller's
  warehouse code (``describe()['inventory_code']``). Any other ``operate`` — ``add`` is the
  trap integrators report — answers success and changes nothing. A ``sub`` below zero is
  refused (``below_zero`` "refuse": ``result.success`` false, ``msg_code``
  ``INVENTORY_NOT_ENOUGH``, nothing of the request applied) or clamped to 0 ("clamp", as
  Taobao's incremental stock API documents; UNCONFIRMED which Alibaba does). The reply is
  TOP's ``TopResultDO``: ``result{success, data, message, msg_code, trace_id}``.
- ``alibaba.icbu.product.inventory.get`` (``product_id``) and
  ``alibaba.icbu.product.sku.inventory.get`` (``product_id``, optional ``sku_id``) →
  ``result{success, data_list[{product_id, sku_id, sku_code, inventory_code, inventory}]}``.

Review: every new or changed listing is ``auditing`` (``display`` ``N`` for a new one; a
live listing stays on sale while its change is reviewed) until, on the sandbox clock,
``review_seconds`` (0) have passed and ``auto_approve`` (true) lets it through, or the
control API moves it: ``POST /_sandbox/products/<product_id>/approve`` or ``…/reject
{"reasons": [...]}``. Approved listings show ``approved`` (``approved_status``; "onSelling"
is the other word alibaba.md's sources use) and ``display`` ``Y``; rejected ones
``editingRequired`` with their reasons and ``display`` ``N``, until an update sends them
back to review. ``gmt_modified`` moves with every change of content, price or review state
(not with stock).

Seller SKUs: ``duplicate_sku_code`` "allow" (default; Alibaba documents no uniqueness, so
the client must look a SKU up before creating) or "refuse" (a ``sku_code`` another product
holds is ``InvalidParameter``).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from listsync.sandbox.harness import UploadedFile
from listsync_alibaba.sandbox.base import (
    AlibabaFault,
    SandboxConfig,
    china_time,
    invalid,
    json_param,
    missing,
    parse_china_time,
    usd,
    whole,
)
from listsync_alibaba.sandbox.catalog import (
    BY_ID,
    SELLER_NAME,
    USER_ID,
    WAREHOUSE_CODE,
    attribute_rows,
    category_row,
)
from listsync_alibaba.sandbox.rules import (
    CONTENT_FIELDS,
    JSON_FIELDS,
    TEXT_FIELDS,
    ProductSpec,
    SkuSpec,
    check_product,
    listed_price,
    overlay,
)

PHOTOBANK = "https://sc04.alicdn.com/kf/"
DETAIL = "https://www.alibaba.com/product-detail/"
IMAGE_TYPES = {b"\xff\xd8\xff": ".jpg", b"\x89PNG\r\n\x1a\n": ".png"}
NOT_ENOUGH = "INVENTORY_NOT_ENOUGH"


@dataclass
class SkuRecord:
    sku_id: int
    spec: SkuSpec
    stock: int = 0

    @property
    def sku_code(self) -> str:
        return self.spec.sku_code


@dataclass
class ProductRecord:
    id: int
    product_id: str
    spec: ProductSpec
    skus: list[SkuRecord]
    created_at: datetime
    modified_at: datetime
    status: str = "auditing"  # auditing | approved | editingRequired
    display: bool = False
    entered_at: datetime | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def live(self) -> bool:
        return self.display

    def single(self) -> bool:
        """A product without SKU attributes: ``sku_id`` -1 names its one SKU."""
        return len(self.skus) == 1 and not self.skus[0].spec.attributes


def obfuscate(number: int) -> str:
    digest = hashlib.sha256(f"icbu-product:{number}".encode()).digest()
    return "Q" + base64.b32encode(digest[:10]).decode().lower().rstrip("=")


class ProductStore:
    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.products: dict[int, ProductRecord] = {}
        self.by_obfuscated: dict[str, int] = {}
        self.photobank: dict[str, dict[str, Any]] = {}
        self._next_id = 1_601_300_000_017
        self._next_sku = 106_117_950_001
        self._next_file = 37_010_001

    # -- photobank and categories ------------------------------------------------------
    def upload(
        self, params: dict[str, str], files: dict[str, list[UploadedFile]]
    ) -> dict[str, Any]:
        uploads = files.get("image_bytes") or []
        if not uploads:
            raise missing("image_bytes")
        image = uploads[0]
        suffix = next((s for magic, s in IMAGE_TYPES.items() if image.data.startswith(magic)), "")
        if not suffix:
            raise invalid("image_bytes", "a JPEG or PNG image is expected")
        if len(image.data) > self.config.max_image_bytes:
            raise invalid(
                "image_bytes", f"the image is larger than {self.config.max_image_bytes} bytes"
            )
        name = (params.get("file_name") or image.filename or "").strip()
        if not name:
            raise missing("file_name")
        digest = hashlib.sha1(image.data).hexdigest()
        url = f"{PHOTOBANK}H{digest}{suffix}"
        row = self.photobank.get(url)
        if row is None:
            row = {"file_name": name, "photobank_url": url, "file_id": self._next_file}
            self._next_file += 1
            self.photobank[url] = row
        return {"upload_image_response": dict(row)}

    @staticmethod
    def category(params: dict[str, str]) -> dict[str, Any]:
        if params.get("cat_id") in (None, ""):
            raise missing("cat_id")
        row = category_row(whole(params["cat_id"], "cat_id", minimum=0))
        if row is None:
            raise invalid("cat_id", f"no category {params['cat_id']}")
        return {"category": row}

    @staticmethod
    def attributes(params: dict[str, str]) -> dict[str, Any]:
        if params.get("cat_id") in (None, ""):
            raise missing("cat_id")
        category = BY_ID.get(whole(params["cat_id"], "cat_id", minimum=0))
        if category is None or not category.leaf:
            raise invalid("cat_id", f"{params['cat_id']} is not a leaf category")
        return {"attributes": attribute_rows(category)}

    # -- listing writes ----------------------------------------------------------------
    @staticmethod
    def decode(params: dict[str, str], names: tuple[str, ...]) -> dict[str, Any]:
        raw: dict[str, Any] = {}
        for name in names:
            if name in JSON_FIELDS:
                value = json_param(params, name)
                if value is not None:
                    raw[name] = value
            elif params.get(name) not in (None, ""):
                raw[name] = params[name]
        return raw

    def _check(self, raw: dict[str, Any], exclude: int | None = None) -> ProductSpec:
        spec = check_product(raw, set(self.photobank), self.config)
        if self.config.duplicate_sku_code == "refuse":
            held = {
                sku.sku_code.casefold()
                for product in self.products.values()
                if product.id != exclude
                for sku in product.skus
            }
            taken = sorted(s.sku_code for s in spec.skus if s.sku_code.casefold() in held)
            if taken:
                raise invalid("product_sku", f"sku_code already used: {', '.join(taken)}")
        return spec

    def add(self, params: dict[str, str], now: datetime) -> dict[str, Any]:
        raw = self.decode(params, JSON_FIELDS + TEXT_FIELDS)
        spec = self._check(raw)
        number = self._next_id
        self._next_id += 37
        record = ProductRecord(
            id=number,
            product_id=obfuscate(number),
            spec=spec,
            skus=[],
            created_at=now,
            modified_at=now,
            entered_at=now,
        )
        record.skus = self._sku_records(record, spec)
        self._remember_ids(record)
        self.products[number] = record
        self.by_obfuscated[record.product_id] = number
        return {"product_id": record.product_id}

    def _sku_records(self, record: ProductRecord, spec: ProductSpec) -> list[SkuRecord]:
        """``spec``'s SKUs, keeping the id and stock of those ``record`` already has."""
        kept: list[SkuRecord] = []
        for sku in spec.skus:
            old = next(
                (
                    s
                    for s in record.skus
                    if (sku.sku_id is not None and s.sku_id == sku.sku_id)
                    or s.sku_code.casefold() == sku.sku_code.casefold()
                ),
                None,
            )
            if old is None:
                kept.append(SkuRecord(self._next_sku, sku, sku.stock or 0))
                self._next_sku += 1
            else:
                stock = old.stock if sku.stock is None else sku.stock
                kept.append(SkuRecord(old.sku_id, sku, stock))
        return kept

    @staticmethod
    def _remember_ids(record: ProductRecord) -> None:
        """Write each SKU's id into the stored request, so a later update.field can name a
        SKU by ``sku_id`` and an update that leaves ids out still finds its SKUs."""
        rows = record.spec.raw.get("product_sku", {}).get("special_skus", [])
        for row, sku in zip(rows, record.skus, strict=False):
            if isinstance(row, dict):
                row["sku_id"] = sku.sku_id
                sku.spec.sku_id = sku.sku_id

    def update(self, params: dict[str, str], now: datetime) -> dict[str, Any]:
        record = self.resolve(params.get("product_id"))
        self.advance(now)
        raw = self.decode(params, JSON_FIELDS + TEXT_FIELDS)
        spec = self._check(raw, exclude=record.id)
        self._apply(record, spec, now, review=True)
        return {"product_id": record.product_id}

    def update_field(self, params: dict[str, str], now: datetime) -> dict[str, Any]:
        record = self.resolve(params.get("product_id"))
        self.advance(now)
        changes = self.decode(params, JSON_FIELDS + TEXT_FIELDS)
        if not changes:
            raise missing("the field to update (e.g. wholesale_trade or product_sku)")
        raw = overlay(record.spec.raw, changes)
        spec = self._check(raw, exclude=record.id)
        content = any(
            name in changes and changes[name] != record.spec.raw.get(name)
            for name in CONTENT_FIELDS
        )
        self._apply(record, spec, now, review=content or self.config.review_on_price_change)
        return {"product_id": record.product_id}

    def _apply(self, record: ProductRecord, spec: ProductSpec, now: datetime, review: bool) -> None:
        record.skus = self._sku_records(record, spec)
        record.spec = spec
        self._remember_ids(record)
        record.modified_at = now
        if review:
            record.status = "auditing"
            record.entered_at = now
            record.reasons = []

    # -- review ------------------------------------------------------------------------
    def advance(self, now: datetime) -> None:
        if not self.config.auto_approve:
            return
        wait = timedelta(seconds=float(self.config.review_seconds))
        for record in self.products.values():
            if record.status == "auditing" and record.entered_at is not None:
                ends = record.entered_at + wait
                if now >= ends:
                    self._approve(record, ends)

    def _approve(self, record: ProductRecord, at: datetime) -> None:
        record.status = "approved"
        record.display = True
        record.reasons = []
        record.modified_at = max(record.modified_at, at)

    def approve(self, ref: str, now: datetime) -> dict[str, Any]:
        record = self._control_record(ref)
        if record.status != "auditing":
            raise ValueError(f"product {ref} is {record.status}; only one in review can pass")
        self._approve(record, now)
        return self.review_row(record)

    def reject(self, ref: str, reasons: list[str], now: datetime) -> dict[str, Any]:
        record = self._control_record(ref)
        if record.status != "auditing":
            raise ValueError(f"product {ref} is {record.status}; only one in review can fail")
        record.status = "editingRequired"
        record.display = False
        record.reasons = list(reasons)
        record.modified_at = now
        return self.review_row(record)

    def _control_record(self, ref: str) -> ProductRecord:
        try:
            return self.resolve(ref)
        except AlibabaFault:
            raise KeyError(f"no product {ref}") from None

    def status_word(self, record: ProductRecord) -> str:
        if record.status == "approved":
            return self.config.approved_status
        return record.status

    def review_row(self, record: ProductRecord) -> dict[str, Any]:
        return {
            "product_id": record.product_id,
            "id": record.id,
            "status": self.status_word(record),
            "display": "Y" if record.display else "N",
            "audit_reasons": list(record.reasons),
        }

    # -- reads -------------------------------------------------------------------------
    def resolve(self, ref: Any) -> ProductRecord:
        """A product by its obfuscated id or its plain numeric id."""
        if ref in (None, ""):
            raise missing("product_id")
        text = str(ref).strip()
        number = self.by_obfuscated.get(text)
        if number is None and text.isdigit():
            number = int(text)
        record = self.products.get(number) if number is not None else None
        if record is None:
            raise invalid("product_id", f"no product {text} in this shop")
        return record

    def get(self, params: dict[str, str], now: datetime) -> dict[str, Any]:
        language = (params.get("language") or "ENGLISH").strip().upper()
        if language not in ("ENGLISH", "EN_US", "EN"):
            raise invalid("language", "this shop lists in English only")
        record = self.resolve(params.get("product_id"))
        self.advance(now)
        return {"product": self.detail(record)}

    def detail(self, record: ProductRecord) -> dict[str, Any]:
        spec = record.spec
        skus = []
        for sku in record.skus:
            row: dict[str, Any] = {
                "sku_id": sku.sku_id,
                "sku_code": sku.sku_code,
                "attr2_value": ";".join(
                    f"{a['attribute_id']}:{a['value_name']}" for a in sku.spec.attributes
                ),
                "bulk_discount_prices": [
                    {"start_quantity": start, "price": usd(price)} for start, price in spec.ladder
                ],
                "inventory_dto_list": [{"inventory_code": WAREHOUSE_CODE, "inventory": sku.stock}],
                "attributes": [dict(a) for a in sku.spec.attributes],
            }
            if sku.spec.price is not None:
                row["price"] = usd(sku.spec.price)
            skus.append(row)
        sku_attributes = sorted(
            {
                (a["attribute_id"], a["attribute_name"])
                for s in record.skus
                for a in s.spec.attributes
            }
        )
        product: dict[str, Any] = {
            "product_id": record.product_id,
            "category_id": spec.category.id,
            "group_id": spec.group_id or 0,
            "subject": spec.subject,
            "description": spec.description,
            "keywords": list(spec.keywords),
            "language": "ENGLISH",
            "product_type": spec.product_type,
            "status": self.status_word(record),
            "display": "Y" if record.display else "N",
            "attributes": [dict(a) for a in spec.attributes],
            "main_image": dict(spec.main_image),
            "product_sku": {
                "sku_attributes": [
                    {"attribute_id": attr_id, "attribute_name": name}
                    for attr_id, name in sku_attributes
                ],
                "skus": skus,
            },
            "price_type": self.price_type(spec),
            "gmt_modified": china_time(record.modified_at),
            "owner_member": int(USER_ID),
            "owner_member_display_name": SELLER_NAME,
            "is_smart_edit": False,
            "pc_detail_url": self.detail_url(record),
        }
        if spec.wholesale is not None:
            product["wholesale_trade"] = self.wholesale_row(spec.wholesale)
        if spec.sourcing is not None:
            product["sourcing_trade"] = self.sourcing_row(spec.sourcing)
        if record.status == "editingRequired":
            product["audit_reasons"] = list(record.reasons)
        return product

    @staticmethod
    def price_type(spec: ProductSpec) -> str:
        if any(s.price is not None for s in spec.skus):
            return "sku_price"
        if spec.ladder:
            return "ladder_price"
        return "fob_price"

    @staticmethod
    def detail_url(record: ProductRecord) -> str:
        slug = "-".join(record.spec.subject.split())[:60] or "product"
        return f"{DETAIL}{slug}_{record.id}.html"

    @staticmethod
    def wholesale_row(trade: dict[str, Any]) -> dict[str, Any]:
        row = dict(trade)
        if isinstance(row.get("price"), Decimal):
            row["price"] = usd(row["price"])
        else:
            row.pop("price", None)
        if isinstance(row.get("weight"), Decimal):
            row["weight"] = usd(row["weight"], 3)
        return row

    @staticmethod
    def sourcing_row(trade: dict[str, Any]) -> dict[str, Any]:
        row = dict(trade)
        for name in ("fob_min_price", "fob_max_price"):
            if isinstance(row.get(name), Decimal):
                row[name] = usd(row[name])
        for name in ("min_order_quantity", "supply_quantity", "delivery_time"):
            if row.get(name) is not None:
                row[name] = str(row[name])
        return row

    def list_products(self, params: dict[str, str], now: datetime) -> dict[str, Any]:
        language = params.get("language")
        if not language:
            raise missing("language")
        if language.strip().upper() != "ENGLISH":
            raise invalid("language", "only ENGLISH is supported")
        page = whole(params.get("current_page") or 1, "current_page", minimum=1)
        size = whole(params.get("page_size") or 10, "page_size", minimum=1)
        limit = self.config.product_page_max
        if size > limit:
            if self.config.oversize_page == "refuse":
                raise invalid("page_size", f"at most {limit}")
            size = limit
        self.advance(now)
        found = list(self.products.values())
        if params.get("subject"):
            key = params["subject"].strip().casefold()
            found = [p for p in found if key in p.spec.subject.casefold()]
        if params.get("category_id"):
            category = whole(params["category_id"], "category_id", minimum=0)
            found = [p for p in found if p.spec.category.id == category]
        if params.get("id"):
            number = whole(params["id"], "id", minimum=0)
            found = [p for p in found if p.id == number]
        if params.get("gmt_modified_from"):
            since = parse_china_time(params["gmt_modified_from"], "gmt_modified_from")
            found = [p for p in found if p.modified_at.replace(microsecond=0) >= since]
        if params.get("gmt_modified_to"):
            until = parse_china_time(params["gmt_modified_to"], "gmt_modified_to")
            found = [p for p in found if p.modified_at.replace(microsecond=0) <= until]
        found.sort(key=lambda p: (p.modified_at, p.id), reverse=True)
        chunk = found[(page - 1) * size : page * size]
        return {
            "products": [self.brief(p) for p in chunk],
            "total_item": len(found),
            "current_page": page,
            "page_size": size,
        }

    def brief(self, record: ProductRecord) -> dict[str, Any]:
        spec = record.spec
        return {
            "id": record.id,
            "product_id": record.product_id,
            "subject": spec.subject,
            "status": self.status_word(record),
            "display": "Y" if record.display else "N",
            "product_type": spec.product_type,
            "language": "ENGLISH",
            "category_id": spec.category.id,
            "group_id": spec.group_id or 0,
            "group_name": "",
            "keywords": list(spec.keywords),
            "main_image": dict(spec.main_image),
            "gmt_create": china_time(record.created_at),
            "gmt_modified": china_time(record.modified_at),
            "owner_member_display_name": SELLER_NAME,
            "is_specific": False,
            "is_rts": spec.product_type == "wholesale",
            "smart_edit": False,
            "pc_detail_url": self.detail_url(record),
        }

    # -- stock -------------------------------------------------------------------------
    def inventory_update(self, params: dict[str, str]) -> dict[str, Any]:
        request = json_param(params, "request_param", required=True)
        if not isinstance(request, dict):
            raise invalid("request_param", "an object {product_id, inventory_list}")
        record = self.resolve(request.get("product_id"))
        entries = request.get("inventory_list")
        if not isinstance(entries, list) or not entries:
            raise invalid("request_param", "inventory_list lists at least one SKU")
        moves: list[tuple[SkuRecord, int]] = []
        for index, entry in enumerate(entries):
            where = f"request_param.inventory_list[{index}]"
            if not isinstance(entry, dict):
                raise invalid(where, "an object {sku_id, inventory_code, operate, inventory}")
            sku = self._sku_of(record, entry.get("sku_id"), where)
            code = entry.get("inventory_code")
            if code in (None, ""):
                raise missing(where + ".inventory_code")
            if code != WAREHOUSE_CODE:
                raise invalid(where + ".inventory_code", f"no warehouse {code!s} in this shop")
            amount = whole(entry.get("inventory"), where + ".inventory", minimum=0)
            operate = entry.get("operate")
            if operate == "plus":
                moves.append((sku, amount))
            elif operate == "sub":
                moves.append((sku, -amount))
            # any other operate ("add", the trap integrators report) changes nothing
        after: dict[int, int] = {}
        for sku, delta in moves:
            figure = after.get(sku.sku_id, sku.stock) + delta
            if figure < 0:
                if self.config.below_zero == "refuse":
                    return self._result(
                        False,
                        NOT_ENOUGH,
                        f"SKU {sku.sku_id} ({sku.sku_code}) has {after.get(sku.sku_id, sku.stock)}"
                        f" in stock; {-delta} cannot be taken away",
                    )
                figure = 0
            after[sku.sku_id] = figure
        for sku in record.skus:
            if sku.sku_id in after:
                sku.stock = after[sku.sku_id]
        return self._result(True)

    def _result(self, success: bool, code: str = "", message: str = "") -> dict[str, Any]:
        trace = hashlib.sha1(f"{code}{message}{len(self.products)}".encode()).hexdigest()[:24]
        return {
            "result": {
                "success": success,
                "data": "true" if success else "false",
                "message": message,
                "msg_code": code,
                "trace_id": trace,
            }
        }

    def _sku_of(self, record: ProductRecord, raw: Any, where: str) -> SkuRecord:
        if raw in (None, ""):
            raise missing(where + ".sku_id")
        sku_id = whole(raw, where + ".sku_id")
        if sku_id == -1:
            if record.single():
                return record.skus[0]
            raise invalid(where + ".sku_id", "this product has SKUs: name one (-1 is for none)")
        sku = next((s for s in record.skus if s.sku_id == sku_id), None)
        if sku is None:
            raise invalid(where + ".sku_id", f"no SKU {sku_id} in product {record.product_id}")
        return sku

    def inventory_get(self, params: dict[str, str], by_sku: bool) -> dict[str, Any]:
        record = self.resolve(params.get("product_id"))
        skus = record.skus
        if by_sku and params.get("sku_id") not in (None, ""):
            skus = [self._sku_of(record, params["sku_id"], "sku_id")]
        return {
            "result": {
                "success": True,
                "data_list": [
                    {
                        "product_id": str(record.id),
                        "sku_id": sku.sku_id,
                        "sku_code": sku.sku_code,
                        "inventory_code": WAREHOUSE_CODE,
                        "inventory": sku.stock,
                    }
                    for sku in skus
                ],
            }
        }

    # -- what orders and the control API use -------------------------------------------
    def units(self) -> Iterator[tuple[ProductRecord, SkuRecord]]:
        for record in self.products.values():
            for sku in record.skus:
                yield record, sku

    def on_sale(self, seller_sku: str) -> tuple[ProductRecord, SkuRecord]:
        """The listed SKU a buyer can order, newest listing first when a code repeats."""
        key = seller_sku.casefold()
        found = [
            (record, sku)
            for record, sku in self.units()
            if sku.sku_code.casefold() == key and record.live
        ]
        if not found:
            raise ValueError(f"no SKU {seller_sku} on sale (approved and displayed)")
        return max(found, key=lambda pair: pair[0].created_at)

    def state_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "sku": sku.sku_code,
                "remote_id": record.product_id,
                "product_id": str(record.id),
                "unit_id": str(sku.sku_id),
                "subject": record.spec.subject,
                "product_type": record.spec.product_type,
                "status": self.status_word(record),
                "display": "Y" if record.display else "N",
                "audit_reasons": list(record.reasons),
                "stock": sku.stock,
                "price": usd(listed_price(record.spec, sku.spec)),
                "currency": "USD",
            }
            for record, sku in self.units()
        ]
