"""The Tiki sandbox's product requests and products.

A create request (``POST /integration/v2.1/requests``) is checked (``rules.py``), answers
``{"track_id", "state": "queuing"}``, and then walks Tiki's review on the sandbox clock
(docs/marketplaces/tiki.md §3.3): ``queuing`` → ``processing`` → ``md_awaiting_approve``
→ ``bot_awaiting_approve`` → ``awaiting_approve`` → ``approved`` | ``rejected``. Each
step lasts its setting (``queue_seconds``, ``processing_seconds``, ``md_review_seconds``,
``bot_review_seconds``, ``review_seconds``; 0 by default, so a request is approved the
first time anyone looks). With ``auto_approve`` false a request waits in
``awaiting_approve`` until the control API approves or rejects it
(``POST /_sandbox/requests/<track_id>/approve`` | ``/reject {"reasons", "technical"}``).

- A request gets its ``request_id`` when it leaves ``processing`` ("request_id when
  product request created successfully"); only such requests are listed by
  ``GET /integration/v2/requests`` ("created successfully request only").
- A seller SKU already used by a product, or by a request that passed processing, gets
  the request rejected on leaving ``processing`` with Tiki's reason "Seller product code
  is not unique" (as Tiki's tracking sample shows); ``duplicate_sku`` "refuse" refuses
  the request at once instead (UNCONFIRMED which Tiki does today).
- A rejection the control API marks ``technical`` can be replayed:
  ``POST /integration/v2/tracking/{track_id}/replay`` puts it back to ``queuing`` under
  the same track_id; any other is final ("a rejected request can't be updated anymore").
- Tracking a request works for ``tracking_days`` (30) after it was created.
- On approval each variant becomes its own Tiki product, **inactive** (``active`` 0)
  unless the request's ``meta_data.is_auto_turn_on`` is true. Variants of a product with
  option attributes share a ``super_id``/``super_sku`` (the configurable parent, which
  is not listed itself); a product without options has ``super_id`` 0. Images are
  re-hosted on Tiki's CDN (``salt.tikicdn.com``), as Tiki's samples show.
- Review states are written ``md_awaiting_approve``/``bot_awaiting_approve``
  (``review_state_spelling`` "awaiting", the status-flow page) or
  ``md_waiting_approve``/``bot_waiting_approve`` ("waiting", the create-request guide);
  a ``state`` filter accepts both spellings either way.

Content changes go through ``POST /integration/v2.1/requests/updateProductInfo`` (also
served under ``/integration/v2/``; the path of Tiki's "Update product info" reference,
used by working integrations): ``product_id`` and the fields to change (``name``,
``description``, ``attributes``, ``image``, ``images``, ``market_price``). It is
reviewed like a create request (``kind`` "update_product"); the live product keeps its
old content until the request is approved, and a rejected one changes nothing.

Price, active and stock change at once, without review: ``PUT
/integration/v2/products/updateSku`` (also under ``v2.1``; ``product_id`` or
``original_sku``, ``price``, ``active`` 1/0, ``seller_warehouse``,
``warehouse_quantities[{warehouse_id, qty_available}]``; answers ``{"state":
"approved"}``) and ``PUT /integration/v2.1/products/updateSkus`` (``{"data": [...]}``,
``status`` 1 active / 2 inactive, at most ``batch_limit`` entries — UNCONFIRMED, 50 by
default; each entry answered in ``data`` with ``state`` "approved" or "failed" and its
``errors`` when ``batch_errors`` is "per_item", or the whole batch refused when it is
"all_or_nothing"). A price below a tenth of the product's ``market_price`` is refused
with Tiki's sample error "Price is not valid because less than ten percent listing
price".

Stock: ``qty_available`` is what the seller sets. Tiki's inventory guide gives
``quantity_available = quantity_sellable + quantity_reserved``: the seller's figure
*includes* the units that open orders hold (``quantity_includes_open_orders`` true, the
default). An order moves units from sellable to reserved; they leave ``qty_available``
when the parcel leaves (handed over / shipping / delivered); a cancellation gives them
back to sellable. With the setting false an order takes its units out of
``qty_available`` at once. ``include=inventory`` adds
``inventory.warehouse_quantities[{warehouse_id, qty_available, qty_reserved,
qty_sellable}]`` to products.

Products: ``GET /integration/v2/products`` (``category_id``, ``active``,
``created_from_date``, ``created_to_date``, ``updated_from_date``, ``updated_to_date``,
``include=inventory``, ``page``, ``limit`` ≤ ``max_limit``), ``GET
/integration/v2/products/{id}``, and the seller-SKU lookup ``GET
/integration/v2/products/findBy?original_sku=…`` (Tiki's "Get a product by original
sku" reference, ``…/products/findBy``; used by working integrations), which answers
``{"data": [product], "paging"}``; a SKU the seller has no product for answers an empty
``data`` (``find_by_missing`` "empty", UNCONFIRMED) or 404 ("404"). Products carry both
``id`` and ``product_id`` (Tiki's v2 samples write one or the other).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from listsync_tiki.sandbox.base import (
    SandboxConfig,
    TikiError,
    page_of,
    parse_time,
    tiki_time,
    whole,
)
from listsync_tiki.sandbox.catalog import WAREHOUSE_ID, Category, path_of
from listsync_tiki.sandbox.rules import (
    CreateSpec,
    InfoSpec,
    Problems,
    SkuUpdate,
    check_create,
    check_info,
    check_sku_update,
)

PHASES = (
    "queuing",
    "processing",
    "md_awaiting_approve",
    "bot_awaiting_approve",
    "awaiting_approve",
)
FINAL = ("approved", "rejected", "deleted")
STATES = (*PHASES, "drafted", *FINAL)
ALIASES = {
    "md_waiting_approve": "md_awaiting_approve",
    "bot_waiting_approve": "bot_awaiting_approve",
}
DURATIONS = {
    "queuing": "queue_seconds",
    "processing": "processing_seconds",
    "md_awaiting_approve": "md_review_seconds",
    "bot_awaiting_approve": "bot_review_seconds",
    "awaiting_approve": "review_seconds",
}
NOT_UNIQUE = "Seller product code is not unique"
CDN = "https://salt.tikicdn.com"
CREATED_BY = "htx.sen@example.vn"
APPROVED_BY = "content.review@tiki.vn"
DATE_FILTERS = (
    ("created_from_date", "created_at", 1),
    ("created_to_date", "created_at", -1),
    ("updated_from_date", "updated_at", 1),
    ("updated_to_date", "updated_at", -1),
)


@dataclass
class Stock:
    available: int = 0
    reserved: int = 0


@dataclass
class ProductRecord:
    product_id: int
    sku: str
    master_id: int
    master_sku: str
    super_id: int
    super_sku: str
    name: str
    original_sku: str
    category: Category
    description: str
    attributes: dict[str, Any]
    options: dict[str, str]
    images: list[str]
    price: int
    market_price: int
    active: int
    inventory_type: str
    created_at: datetime
    updated_at: datetime
    request_id: str
    track_id: str
    stocks: dict[int, Stock] = field(default_factory=dict)
    version: int = 1

    def stock(self) -> Stock:
        return self.stocks.setdefault(WAREHOUSE_ID, Stock())

    def sellable(self, includes_open_orders: bool) -> int:
        total = 0
        for stock in self.stocks.values():
            held = stock.reserved if includes_open_orders else 0
            total += max(0, stock.available - held)
        return total


@dataclass
class RequestRecord:
    track_id: str
    kind: str  # create_product | update_product
    spec: CreateSpec | InfoSpec
    created_at: datetime
    phase: str
    entered_at: datetime
    updated_at: datetime
    request_id: str | None = None
    reasons: list[str] = field(default_factory=list)
    technical: bool = False
    approved_at: datetime | None = None
    product_ids: list[int] = field(default_factory=list)

    def skus(self) -> set[str]:
        if isinstance(self.spec, CreateSpec):
            return {variant.sku.casefold() for variant in self.spec.variants}
        return set()


def cdn_url(url: str) -> str:
    """Tiki keeps its own copy of every image: the same address gives the same copy."""
    digest = hashlib.md5(url.encode()).hexdigest()
    return f"{CDN}/ts/product/{digest[:2]}/{digest[2:4]}/{digest[4:6]}/{digest}.jpg"


def _image_rows(urls: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "id": None,
            "url": url,
            "path": url.split("/ts/", 1)[-1],
            "position": position,
            "width": 0,
            "height": 0,
        }
        for position, url in enumerate(urls)
    ]


def _category_rows(category: Category) -> list[dict[str, Any]]:
    return [
        {
            "id": c.id,
            "name": c.name,
            "url_key": None,
            "is_primary": c.id == category.id,
        }
        for c in path_of(category)
    ]


class ProductStore:
    def __init__(self, config: Callable[[], SandboxConfig]) -> None:
        self.config = config
        self.requests: dict[str, RequestRecord] = {}
        self.products: dict[int, ProductRecord] = {}
        self._next_request = 1_121_456_196_340_384_001
        self._next_product = 270_000_001
        self._next_master = 170_000_001
        self._next_sku = 2_100_000_000_001

    # -- the review on the sandbox clock --------------------------------------------
    def advance(self, now: datetime) -> None:
        for record in list(self.requests.values()):
            self._walk(record, now)

    def _walk(self, record: RequestRecord, now: datetime) -> None:
        config = self.config()
        while record.phase in PHASES:
            if record.phase == "awaiting_approve" and not config.auto_approve:
                return
            seconds = float(getattr(config, DURATIONS[record.phase]))
            ends = record.entered_at + timedelta(seconds=seconds)
            if now < ends:
                return
            self._leave(record, ends)

    def _leave(self, record: RequestRecord, at: datetime) -> None:
        if record.phase == "processing":
            problem = self._processing_problem(record)
            if problem:
                self._reject(record, at, [problem], technical=False)
                return
            self._new_request_id(record)
        if record.phase == "awaiting_approve":
            self._approve(record, at)
            return
        record.phase = PHASES[PHASES.index(record.phase) + 1]
        record.entered_at = at
        record.updated_at = at

    def _new_request_id(self, record: RequestRecord) -> None:
        if record.request_id is None:
            record.request_id = str(self._next_request)
            self._next_request += 1

    def _processing_problem(self, record: RequestRecord) -> str:
        if isinstance(record.spec, InfoSpec):
            if record.spec.product_id not in self.products:
                return f"Product {record.spec.product_id} does not exist any more"
            return ""
        taken = self._taken(record)
        if taken:
            return f"{NOT_UNIQUE}: {', '.join(sorted(taken))}"
        return ""

    def _taken(self, record: RequestRecord) -> set[str]:
        """Seller SKUs of ``record`` already held by a product or a processed request."""
        skus = record.skus()
        held = {p.original_sku.casefold() for p in self.products.values()}
        for other in self.requests.values():
            if other is record or other.phase in ("rejected", "deleted", "approved"):
                continue
            if other.request_id is not None:
                held |= other.skus()
        return {sku for sku in skus if sku in held}

    def _approve(self, record: RequestRecord, at: datetime) -> None:
        self._new_request_id(record)
        if isinstance(record.spec, CreateSpec):
            record.product_ids = self._create_products(record, record.spec, at)
        else:
            self._apply_info(record.spec, at)
            record.product_ids = [record.spec.product_id]
        record.phase = "approved"
        record.approved_at = at
        record.entered_at = at
        record.updated_at = at

    def _reject(
        self, record: RequestRecord, at: datetime, reasons: list[str], *, technical: bool
    ) -> None:
        record.phase = "rejected"
        record.reasons = list(reasons)
        record.technical = technical
        record.entered_at = at
        record.updated_at = at

    def _create_products(self, record: RequestRecord, spec: CreateSpec, at: datetime) -> list[int]:
        assert record.request_id is not None
        configurable = bool(spec.option_attributes)
        super_id, super_sku = 0, ""
        if configurable:
            super_id, super_sku = self._next_product, self._tiki_sku()
            self._next_product += 1
        ids = []
        for variant in spec.variants:
            master_id, master_sku = self._next_master, self._tiki_sku()
            self._next_master += 1
            product_id = self._next_product
            self._next_product += 1
            options = dict(zip(spec.option_attributes, variant.options, strict=False))
            name = spec.name + "".join(f" - {value}" for value in variant.options)
            urls = [variant.image or spec.image, *(variant.images or spec.images)]
            images = list(dict.fromkeys(cdn_url(url) for url in urls))
            stocks = {wid: Stock(available=qty) for wid, qty in variant.stocks.items()}
            self.products[product_id] = ProductRecord(
                product_id=product_id,
                sku=self._tiki_sku(),
                master_id=master_id,
                master_sku=master_sku,
                super_id=super_id,
                super_sku=super_sku,
                name=name,
                original_sku=variant.sku,
                category=spec.category,
                description=spec.description,
                attributes=dict(spec.attributes),
                options=options,
                images=images,
                price=variant.price,
                market_price=variant.market_price or spec.market_price or 0,
                active=1 if spec.auto_turn_on else 0,
                inventory_type=variant.inventory_type,
                created_at=at,
                updated_at=at,
                request_id=record.request_id,
                track_id=record.track_id,
                stocks=stocks or {WAREHOUSE_ID: Stock()},
            )
            ids.append(product_id)
        return ids

    def _apply_info(self, spec: InfoSpec, at: datetime) -> None:
        product = self.products.get(spec.product_id)
        if product is None:
            return
        changes = spec.changes
        if "name" in changes:
            product.name = changes["name"]
        if "description" in changes:
            product.description = changes["description"]
        if "attributes" in changes:
            product.attributes.update(changes["attributes"])
        if "image" in changes or "images" in changes:
            main = changes.get("image")
            rest = changes.get("images")
            current = product.images
            urls = [cdn_url(main)] if main else current[:1]
            urls += [cdn_url(u) for u in rest] if rest is not None else current[1:]
            product.images = list(dict.fromkeys(urls))
        if changes.get("market_price") is not None:
            product.market_price = changes["market_price"]
        product.version += 1
        product.updated_at = at

    def _tiki_sku(self) -> str:
        value = str(self._next_sku)
        self._next_sku += 1
        return value

    # -- writes ------------------------------------------------------------------------
    def create_request(self, body: Any, now: datetime) -> dict[str, Any]:
        config = self.config()
        self.advance(now)
        spec = check_create(
            body,
            status=config.payload_error_status,
            max_images=config.max_images,
            max_name_length=config.max_name_length,
        )
        record = self._new_record("create_product", spec, now)
        if config.duplicate_sku == "refuse":
            taken = self._taken(record)
            if taken:
                raise TikiError(
                    config.payload_error_status, f"{NOT_UNIQUE}: {', '.join(sorted(taken))}"
                )
        self.requests[record.track_id] = record
        return {"track_id": record.track_id, "state": "queuing"}

    def info_request(self, body: Any, now: datetime) -> dict[str, Any]:
        config = self.config()
        self.advance(now)

        def category_of(product_id: int) -> Category | None:
            product = self.products.get(product_id)
            return product.category if product else None

        spec = check_info(
            body,
            category_of,
            status=config.payload_error_status,
            max_images=config.max_images,
            max_name_length=config.max_name_length,
        )
        record = self._new_record("update_product", spec, now)
        self.requests[record.track_id] = record
        return {"track_id": record.track_id, "state": "queuing"}

    def _new_record(self, kind: str, spec: CreateSpec | InfoSpec, now: datetime) -> RequestRecord:
        return RequestRecord(
            track_id=uuid.uuid4().hex,
            kind=kind,
            spec=spec,
            created_at=now,
            phase="queuing",
            entered_at=now,
            updated_at=now,
        )

    def replay(self, track_id: str, now: datetime) -> dict[str, Any]:
        record = self._tracked(track_id, now)
        if record.phase != "rejected" or not record.technical:
            raise TikiError(400, "Only a request rejected for technical reasons can be replayed")
        record.phase = "queuing"
        record.reasons = []
        record.technical = False
        record.entered_at = now
        record.updated_at = now
        return {"track_id": record.track_id, "state": "queuing"}

    def delete_request(self, request_id: str, now: datetime) -> dict[str, Any]:
        record = self._by_request_id(request_id, now)
        if record.phase == "approved":
            raise TikiError(400, "An approved request cannot be deleted")
        record.phase = "deleted"
        record.updated_at = now
        return {"request_id": record.request_id, "state": "deleted"}

    # -- control -----------------------------------------------------------------------
    def approve(self, track_id: str, now: datetime) -> dict[str, Any]:
        self.advance(now)
        record = self.requests.get(track_id)
        if record is None:
            raise TikiError(404, f"no request with track_id {track_id}")
        if record.phase not in PHASES:
            raise TikiError(
                400, f"the request is {record.phase}; only one in review can be approved"
            )
        problem = self._processing_problem(record) if record.request_id is None else ""
        if isinstance(record.spec, CreateSpec) and not problem:
            taken = self._taken(record)
            problem = f"{NOT_UNIQUE}: {', '.join(sorted(taken))}" if taken else ""
        if problem:
            raise TikiError(400, f"cannot approve: {problem}")
        self._approve(record, now)
        return self.tracking_row(record)

    def reject(
        self, track_id: str, reasons: list[str], technical: bool, now: datetime
    ) -> dict[str, Any]:
        self.advance(now)
        record = self.requests.get(track_id)
        if record is None:
            raise TikiError(404, f"no request with track_id {track_id}")
        if record.phase not in PHASES:
            raise TikiError(
                400, f"the request is {record.phase}; only one in review can be rejected"
            )
        self._reject(record, now, reasons, technical=technical)
        return self.tracking_row(record)

    # -- reads -------------------------------------------------------------------------
    def spelled(self, state: str) -> str:
        if self.config().review_state_spelling == "waiting":
            for alias, canonical in ALIASES.items():
                if state == canonical:
                    return alias
        return state

    def tracking_row(self, record: RequestRecord) -> dict[str, Any]:
        return {
            "track_id": record.track_id,
            "request_id": record.request_id,
            "state": self.spelled(record.phase),
            "reason": "; ".join(record.reasons),
        }

    def _tracked(self, track_id: str, now: datetime) -> RequestRecord:
        self.advance(now)
        record = self.requests.get(track_id)
        expiry = timedelta(days=self.config().tracking_days)
        if record is None or now - record.created_at > expiry:
            raise TikiError(404, f"track_id {track_id} is invalid or expired")
        return record

    def tracking(self, track_id: str, now: datetime) -> dict[str, Any]:
        return self.tracking_row(self._tracked(track_id, now))

    def tracking_list(self, params: dict[str, str], now: datetime) -> list[dict[str, Any]]:
        self.advance(now)
        limit = whole(params, "limit", 50, maximum=self.config().max_limit)
        bounds = [
            (name, attr, sign, parse_time(name, params[name]))
            for name, attr, sign in (
                ("created_at_min", "created_at", 1),
                ("created_at_max", "created_at", -1),
                ("updated_at_min", "updated_at", 1),
                ("updated_at_max", "updated_at", -1),
            )
            if params.get(name)
        ]
        expiry = timedelta(days=self.config().tracking_days)
        found = [
            r for r in self.requests.values() if now - r.created_at <= expiry and _within(r, bounds)
        ]
        found.sort(key=lambda r: r.created_at, reverse=True)
        return [self.tracking_row(r) for r in found[:limit]]

    def _state_filter(self, raw: str | None) -> str | None:
        if raw is None or raw.strip() == "":
            return None
        state = ALIASES.get(raw.strip(), raw.strip())
        if state not in STATES:
            raise TikiError(400, f"state {raw} is not one of {', '.join(STATES)}")
        return state

    def request_row(self, record: RequestRecord, with_products: bool) -> dict[str, Any]:
        products = [self.products[pid] for pid in record.product_ids if pid in self.products]
        return {
            "request_id": record.request_id,
            "track_id": record.track_id,
            "state": self.spelled(record.phase),
            "created_at": tiki_time(record.created_at),
            "created_by": CREATED_BY,
            "kind": record.kind,
            "approved_at": tiki_time(record.approved_at),
            "approved_by": APPROVED_BY if record.approved_at else None,
            "reasons": list(record.reasons) or None,
            "products": [self.request_product(p) for p in products] if with_products else [],
        }

    def request_product(self, product: ProductRecord) -> dict[str, Any]:
        return {
            "product_id": product.product_id,
            "sku": product.sku,
            "name": product.name,
            "active": product.active,
            "original_sku": product.original_sku,
            "price": product.price,
            "market_price": product.market_price,
            "images": _image_rows(product.images),
            "categories": _category_rows(product.category),
        }

    def requests_list(self, params: dict[str, str], now: datetime) -> dict[str, Any]:
        self.advance(now)
        page = whole(params, "page", 1)
        limit = whole(params, "limit", 20, maximum=self.config().max_limit)
        state = self._state_filter(params.get("state"))
        include = {part.strip() for part in (params.get("include") or "").split(",")}
        found = [
            r
            for r in self.requests.values()
            if r.request_id is not None and (state is None or r.phase == state)
        ]
        found.sort(key=lambda r: (r.created_at, r.request_id or ""), reverse=True)
        chunk, paging = page_of(found, page, limit)
        return {
            "data": [self.request_row(r, "products" in include) for r in chunk],
            "paging": paging,
        }

    def _by_request_id(self, request_id: str, now: datetime) -> RequestRecord:
        self.advance(now)
        for record in self.requests.values():
            if record.request_id == request_id:
                return record
        raise TikiError(404, f"Request not found: {request_id}")

    def request_detail(self, request_id: str, now: datetime) -> dict[str, Any]:
        return self.request_row(self._by_request_id(request_id, now), True)

    # -- products ----------------------------------------------------------------------
    def product_row(self, product: ProductRecord, include: set[str]) -> dict[str, Any]:
        row: dict[str, Any] = {
            "id": product.product_id,
            "product_id": product.product_id,
            "sku": product.sku,
            "name": product.name,
            "master_id": product.master_id,
            "master_sku": product.master_sku,
            "super_id": product.super_id,
            "super_sku": product.super_sku,
            "active": product.active,
            "is_hidden": False,
            "original_sku": product.original_sku,
            "type": "simple",
            "entity_type": "seller_simple",
            "price": product.price,
            "market_price": product.market_price,
            "version": product.version,
            "created_at": tiki_time(product.created_at),
            "updated_at": tiki_time(product.updated_at),
            "thumbnail": product.images[0].replace("/ts/", "/cache/280x280/ts/", 1)
            if product.images
            else None,
            "images": _image_rows(product.images),
            "categories": _category_rows(product.category),
        }
        if "inventory" in include:
            row["inventory"] = self.inventory(product)
        return row

    def inventory(self, product: ProductRecord) -> dict[str, Any]:
        includes = self.config().quantity_includes_open_orders
        return {
            "inventory_type": product.inventory_type,
            "fulfillment_type": product.inventory_type,
            "seller_warehouse": ",".join(str(w) for w in product.stocks),
            "warehouse_quantities": [
                {
                    "warehouse_id": warehouse,
                    "qty_available": stock.available,
                    "qty_reserved": stock.reserved if includes else 0,
                    "qty_sellable": max(0, stock.available - (stock.reserved if includes else 0)),
                }
                for warehouse, stock in product.stocks.items()
            ],
        }

    def product_detail(self, product: ProductRecord, include: set[str]) -> dict[str, Any]:
        return {
            **self.product_row(product, include),
            "description": product.description,
            "attributes": dict(product.attributes),
            "option_attributes": dict(product.options),
            "request_id": product.request_id,
        }

    @staticmethod
    def _include(params: dict[str, str]) -> set[str]:
        return {part.strip() for part in (params.get("include") or "").split(",") if part}

    def products_list(self, params: dict[str, str], now: datetime) -> dict[str, Any]:
        self.advance(now)
        page = whole(params, "page", 1)
        limit = whole(params, "limit", 20, maximum=self.config().max_limit)
        found = list(self.products.values())
        if params.get("category_id"):
            category = whole(params, "category_id", 0, minimum=0)
            found = [p for p in found if category in {c.id for c in path_of(p.category)}]
        if params.get("active") not in (None, ""):
            active = params["active"].strip()
            if active not in ("0", "1"):
                raise TikiError(400, "active must be 0 or 1")
            found = [p for p in found if p.active == int(active)]
        bounds = [
            (name, attr, sign, parse_time(name, params[name]))
            for name, attr, sign in DATE_FILTERS
            if params.get(name)
        ]
        found = [p for p in found if _within(p, bounds)]
        found.sort(key=lambda p: (p.created_at, p.product_id), reverse=True)
        chunk, paging = page_of(found, page, limit)
        include = self._include(params)
        return {"data": [self.product_row(p, include) for p in chunk], "paging": paging}

    def product_get(self, raw_id: str, params: dict[str, str], now: datetime) -> dict[str, Any]:
        self.advance(now)
        try:
            product = self.products.get(int(raw_id))
        except ValueError:
            product = None
        if product is None:
            raise TikiError(404, f"Product not found: {raw_id}")
        return self.product_detail(product, self._include(params))

    def find_by(self, params: dict[str, str], now: datetime) -> dict[str, Any]:
        self.advance(now)
        sku = (params.get("original_sku") or "").strip()
        if not sku:
            raise TikiError(400, "original_sku is required")
        found = [p for p in self.products.values() if p.original_sku.casefold() == sku.casefold()]
        if not found and self.config().find_by_missing == "404":
            raise TikiError(404, f"Product not found with original_sku: {sku}")
        chunk, paging = page_of(found, 1, 20)
        include = self._include(params)
        return {"data": [self.product_row(p, include) for p in chunk], "paging": paging}

    def owner(self, original_sku: str) -> ProductRecord | None:
        key = original_sku.casefold()
        return next((p for p in self.products.values() if p.original_sku.casefold() == key), None)

    # -- price, active and stock -------------------------------------------------------
    def update_sku(self, request_body: Any, now: datetime) -> dict[str, Any]:
        self.advance(now)
        config = self.config()
        problems = Problems(config.payload_error_status)
        update = check_sku_update(request_body, "body", batch=False, problems=problems)
        problems.raise_any()
        product = self._product_for(update, "body", problems)
        problems.raise_any()
        assert product is not None
        self._check_price(product, update, "body", problems)
        problems.raise_any()
        self._apply(product, update, now)
        return {"state": "approved"}

    def update_skus(self, body: Any, now: datetime) -> dict[str, Any]:
        self.advance(now)
        config = self.config()
        entries = body.get("data") if isinstance(body, dict) else None
        if not isinstance(entries, list) or not entries:
            raise TikiError(config.payload_error_status, "data is required: a list of products")
        if len(entries) > config.batch_limit:
            raise TikiError(
                config.payload_error_status,
                f"data accepts at most {config.batch_limit} products per request",
            )
        planned: list[tuple[SkuUpdate, ProductRecord | None, list[str]]] = []
        for index, entry in enumerate(entries):
            where = f"data[{index}]"
            problems = Problems(config.payload_error_status)
            update = check_sku_update(entry, where, batch=True, problems=problems)
            product = None
            if not problems.errors:
                product = self._product_for(update, where, problems)
            if product is not None:
                self._check_price(product, update, where, problems)
            planned.append((update, product, problems.errors))
        failures = [error for _, _, errors in planned for error in errors]
        if failures and config.batch_errors == "all_or_nothing":
            raise TikiError(config.payload_error_status, *failures)
        answers = []
        for update, product, errors in planned:
            answer: dict[str, Any] = {
                "product_id": product.product_id if product else update.product_id,
                "original_sku": product.original_sku if product else update.original_sku,
            }
            if errors or product is None:
                answer.update(state="failed", errors=errors)
            else:
                self._apply(product, update, now)
                answer["state"] = "approved"
            answers.append(answer)
        return {"data": answers}

    def _product_for(
        self, update: SkuUpdate, where: str, problems: Problems
    ) -> ProductRecord | None:
        by_id = self.products.get(update.product_id) if update.product_id is not None else None
        by_sku = self.owner(update.original_sku) if update.original_sku else None
        if update.product_id is not None and by_id is None:
            problems.add(f"{where}: product {update.product_id} not found")
            return None
        if update.original_sku and by_sku is None:
            problems.add(f"{where}: no product with original_sku {update.original_sku}")
            return None
        if by_id is not None and by_sku is not None and by_id is not by_sku:
            problems.add(f"{where}: product_id and original_sku name different products")
            return None
        return by_id or by_sku

    @staticmethod
    def _check_price(
        product: ProductRecord, update: SkuUpdate, where: str, problems: Problems
    ) -> None:
        if update.price is not None and update.price * 10 < product.market_price:
            problems.add("Price is not valid because less than ten percent listing price")

    def _apply(self, product: ProductRecord, update: SkuUpdate, now: datetime) -> None:
        if update.price is not None:
            product.price = update.price
        if update.active is not None:
            product.active = update.active
        if update.quantities is not None:
            for warehouse, quantity in update.quantities.items():
                product.stocks.setdefault(warehouse, Stock()).available = quantity
        product.updated_at = now


def _within(record: Any, bounds: list[tuple[str, str, int, datetime]]) -> bool:
    for _name, attr, sign, bound in bounds:
        moment = getattr(record, attr)
        if (sign > 0 and moment < bound) or (sign < 0 and moment > bound):
            return False
    return True
