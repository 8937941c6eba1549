"""What Tiki checks in a product request, an update-info request and a price/stock update.

A create request (``POST /integration/v2.1/requests``) is checked as a whole and every
problem is reported at once, as Tiki's reference sample does (``{"errors": ["variants
don't match with option_attributes => variants option2 missing", "variants should have
price > 0"]}``). The status is ``payload_error_status`` (400 by default; Tiki's older
reference lists 422 "Payload is missing or invalid field", its common-exceptions page
only 400).

The rules (docs/marketplaces/tiki.md §3.3 and §3.6):
- ``category_id`` a known *primary* category; ``name`` 3–255 characters (Seller Center
  guide; ``max_name_length``); ``description`` present;
- ``attributes`` with every attribute the category requires (``brand``, ``origin``,
  weight in kg and length/width/height in cm above 0, and the category's own);
- ``image`` and every ``images`` entry an http(s) address; at most ``max_images``
  (9, UNCONFIRMED) in ``images``;
- ``option_attributes`` at most two names; every variant gives ``option1``/``option2``
  for each of them and no other; no two variants share their options; several variants
  need option attributes;
- each variant a seller ``sku`` (once per request), a ``price`` in whole dong above 0
  (a JSON integer: ``100000.0`` or ``"100000"`` is refused), an ``inventory_type`` the
  seller is registered for (drop-shipping here; it may be left out), and warehouses
  (``seller_warehouse``, ``warehouse_stocks[{warehouseId, qtyAvailable}]``) that are the
  seller's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypeGuard

from listsync_tiki.sandbox.base import TikiError, is_url
from listsync_tiki.sandbox.catalog import (
    BY_ID,
    INVENTORY_TYPES,
    REGISTERED_INVENTORY,
    SIZES,
    WAREHOUSE_ID,
    Category,
)

MIN_NAME_LENGTH = 3
MAX_OPTIONS = 2


@dataclass
class VariantSpec:
    sku: str
    options: tuple[str, ...]
    price: int
    market_price: int | None
    inventory_type: str
    stocks: dict[int, int]
    image: str | None
    images: list[str]


@dataclass
class CreateSpec:
    category: Category
    name: str
    description: str
    market_price: int | None
    attributes: dict[str, Any]
    image: str
    images: list[str]
    option_attributes: list[str]
    variants: list[VariantSpec]
    auto_turn_on: bool = False
    certificates: list[dict[str, str]] = field(default_factory=list)


@dataclass
class InfoSpec:
    """An update-info request: only the fields it names change, once approved."""

    product_id: int
    changes: dict[str, Any]


@dataclass
class SkuUpdate:
    """One entry of updateSku / updateSkus."""

    product_id: int | None
    original_sku: str | None
    price: int | None = None
    active: int | None = None
    warehouses: str | None = None
    quantities: dict[int, int] | None = None


def _int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _positive_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if _int(value) or isinstance(value, Decimal):
        return Decimal(value) > 0
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return False
        return number.is_finite() and number > 0
    return False


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


class Problems:
    def __init__(self, status: int) -> None:
        self.status = status
        self.errors: list[str] = []

    def add(self, message: str) -> None:
        if message not in self.errors:
            self.errors.append(message)

    def raise_any(self) -> None:
        if self.errors:
            raise TikiError(self.status, *self.errors)


def check_create(body: Any, *, status: int, max_images: int, max_name_length: int) -> CreateSpec:
    if not isinstance(body, dict):
        raise TikiError(status, "Request body must be a JSON object")
    problems = Problems(status)
    category = _category(body.get("category_id"), problems)
    name = _text(body.get("name"))
    if not name:
        problems.add("name is required")
    elif not MIN_NAME_LENGTH <= len(name) <= max_name_length:
        problems.add(f"name must be between {MIN_NAME_LENGTH} and {max_name_length} characters")
    description = _text(body.get("description"))
    if not description:
        problems.add("description is required")
    market_price = _optional_price("market_price", body.get("market_price"), problems)
    attributes = body.get("attributes")
    if not isinstance(attributes, dict):
        problems.add("attributes is required")
        attributes = {}
    elif category is not None:
        _check_attributes(attributes, category, problems)
    image = body.get("image")
    if not is_url(image):
        problems.add("image must be an http(s) URL of the main image")
    images = _images("images", body.get("images"), problems, max_images)
    options = _option_attributes(body.get("option_attributes"), problems)
    variants = _variants(body.get("variants"), options, problems, max_images)
    meta = body.get("meta_data")
    auto = False
    if meta is not None:
        if not isinstance(meta, dict):
            problems.add("meta_data must be an object")
        else:
            turn_on = meta.get("is_auto_turn_on", False)
            if not isinstance(turn_on, bool) and turn_on not in (0, 1):
                problems.add("meta_data.is_auto_turn_on must be true or false")
            auto = bool(turn_on)
    certificates = _certificates(body.get("certificate_files"), problems)
    problems.raise_any()
    assert category is not None and isinstance(image, str)
    return CreateSpec(
        category=category,
        name=name,
        description=description,
        market_price=market_price,
        attributes=dict(attributes),
        image=image.strip(),
        images=images,
        option_attributes=options,
        variants=variants,
        auto_turn_on=auto,
        certificates=certificates,
    )


def _category(raw: Any, problems: Problems) -> Category | None:
    if raw is None or raw == "":
        problems.add("category_id is required")
        return None
    if not _int(raw):
        problems.add("category_id must be an integer")
        return None
    category = BY_ID.get(raw)
    if category is None:
        problems.add(f"Category not found id: {raw}")
        return None
    if not category.primary:
        problems.add(f"category_id {raw} is not a primary category; choose a primary one")
        return None
    return category


def _check_attributes(attributes: dict[str, Any], category: Category, problems: Problems) -> None:
    for code in category.required:
        value = attributes.get(code)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.add(f"attributes.{code} is required in category {category.id}")
    brand = attributes.get("brand")
    if brand is not None and not _text(brand):
        problems.add("attributes.brand must be a brand name")
    for code in ("product_weight_kg", *SIZES):
        value = attributes.get(code)
        if value is not None and not _positive_number(value):
            problems.add(f"attributes.{code} must be a number above 0")


def _optional_price(name: str, raw: Any, problems: Problems) -> int | None:
    if raw is None:
        return None
    if not _int(raw) or raw < 0:
        problems.add(f"{name} must be a whole number of dong (VND), 0 or more")
        return None
    return int(raw)


def _images(name: str, raw: Any, problems: Problems, max_images: int) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.add(f"{name} must be a list of image URLs")
        return []
    if len(raw) > max_images:
        problems.add(f"{name} accepts at most {max_images} images")
    urls = []
    for index, url in enumerate(raw):
        if not is_url(url):
            problems.add(f"{name}[{index}] must be an http(s) URL")
        else:
            urls.append(str(url).strip())
    return urls


def _option_attributes(raw: Any, problems: Problems) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(_text(v) for v in raw):
        problems.add("option_attributes must be a list of attribute names")
        return []
    names = [_text(v) for v in raw]
    if len(names) > MAX_OPTIONS:
        problems.add(f"option_attributes accepts at most {MAX_OPTIONS} attributes")
    if len({n.casefold() for n in names}) != len(names):
        problems.add("option_attributes names an attribute twice")
    return names[:MAX_OPTIONS]


def _variants(
    raw: Any, options: list[str], problems: Problems, max_images: int
) -> list[VariantSpec]:
    if not isinstance(raw, list) or not raw:
        problems.add("variants is required: at least one variant")
        return []
    if len(raw) > 1 and not options:
        problems.add("a product with several variants needs option_attributes")
    seen_skus: set[str] = set()
    seen_options: set[tuple[str, ...]] = set()
    variants = []
    for index, entry in enumerate(raw):
        where = f"variants[{index}]"
        if not isinstance(entry, dict):
            problems.add(f"{where} must be an object")
            continue
        sku = _text(entry.get("sku"))
        if not sku:
            problems.add(f"{where}.sku is required")
        elif sku.casefold() in seen_skus:
            problems.add(f"{where}.sku {sku} is repeated in this request")
        seen_skus.add(sku.casefold())
        values = []
        for number in range(1, MAX_OPTIONS + 1):
            key = f"option{number}"
            value = _text(entry.get(key))
            if number <= len(options):
                if not value:
                    problems.add(
                        f"variants don't match with option_attributes => variants {key} missing"
                    )
                values.append(value)
            elif value:
                problems.add(
                    f"variants don't match with option_attributes => variants {key} "
                    f"given but option_attributes has {len(options)}"
                )
        combo = tuple(v.casefold() for v in values)
        if options and all(values):
            if combo in seen_options:
                problems.add(f"{where} repeats the options of another variant")
            seen_options.add(combo)
        price = entry.get("price")
        if price is None or (_int(price) and price <= 0):
            problems.add("variants should have price > 0")
        elif not _int(price):
            problems.add(f"{where}.price must be a whole number of dong (VND)")
        market = _optional_price(f"{where}.market_price", entry.get("market_price"), problems)
        inventory = _inventory_type(where, entry.get("inventory_type"), problems)
        stocks = _stocks(where, entry, problems)
        image = entry.get("image")
        if image is not None and not is_url(image):
            problems.add(f"{where}.image must be an http(s) URL")
        images = _images(f"{where}.images", entry.get("images"), problems, max_images)
        variants.append(
            VariantSpec(
                sku=sku,
                options=tuple(values),
                price=int(price) if _int(price) else 0,
                market_price=market,
                inventory_type=inventory,
                stocks=stocks,
                image=str(image).strip() if is_url(image) else None,
                images=images,
            )
        )
    return variants


def _inventory_type(where: str, raw: Any, problems: Problems) -> str:
    if raw is None or raw == "":
        return REGISTERED_INVENTORY[0]
    if raw not in INVENTORY_TYPES:
        problems.add(f"{where}.inventory_type {raw!r} is not one of {', '.join(INVENTORY_TYPES)}")
    elif raw not in REGISTERED_INVENTORY:
        problems.add(f"{where}.inventory_type {raw} is not registered for this seller")
    return str(raw)


def warehouse_ids(where: str, raw: Any, problems: Problems) -> list[int]:
    """``seller_warehouse``: ``"id1,id2"``, each one of the seller's warehouses."""
    if not isinstance(raw, str) or not raw.strip():
        problems.add(f"{where}.seller_warehouse must be a comma-separated list of warehouse ids")
        return []
    ids = []
    for part in raw.split(","):
        try:
            ids.append(int(part.strip()))
        except ValueError:
            problems.add(f"{where}.seller_warehouse {raw!r} is not a list of warehouse ids")
            return []
    for warehouse in ids:
        if warehouse != WAREHOUSE_ID:
            problems.add(f"{where}: warehouse {warehouse} is not one of the seller's warehouses")
    return ids


def _stocks(where: str, entry: dict[str, Any], problems: Problems) -> dict[int, int]:
    if entry.get("seller_warehouse") is not None:
        warehouse_ids(where, entry["seller_warehouse"], problems)
    raw = entry.get("warehouse_stocks")
    if raw is None:
        return {}
    if not isinstance(raw, list):
        problems.add(f"{where}.warehouse_stocks must be a list")
        return {}
    stocks: dict[int, int] = {}
    for stock in raw:
        if not isinstance(stock, dict):
            problems.add(f"{where}.warehouse_stocks entries must be objects")
            continue
        warehouse, quantity = stock.get("warehouseId"), stock.get("qtyAvailable")
        if not _int(warehouse) or warehouse != WAREHOUSE_ID:
            problems.add(f"{where}: warehouse {warehouse} is not one of the seller's warehouses")
        elif not _int(quantity) or quantity < 0:
            problems.add(f"{where}.warehouse_stocks qtyAvailable must be a whole number, 0 or more")
        else:
            stocks[warehouse] = quantity
    return stocks


def _certificates(raw: Any, problems: Problems) -> list[dict[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.add("certificate_files must be a list")
        return []
    files = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict) or not is_url(entry.get("url")):
            problems.add(f"certificate_files[{index}].url must be an http(s) URL")
            continue
        files.append({"url": str(entry["url"]).strip(), "type": str(entry.get("type") or "")})
    return files


INFO_FIELDS = ("name", "description", "attributes", "image", "images", "market_price")


def check_info(
    body: Any, category_of: Any, *, status: int, max_images: int, max_name_length: int
) -> InfoSpec:
    """``updateProductInfo``: ``product_id`` and the fields to change. ``category_of`` maps
    a product id to its category (None when the seller has no such product: 404)."""
    if not isinstance(body, dict):
        raise TikiError(status, "Request body must be a JSON object")
    product_id = body.get("product_id")
    if not _int(product_id):
        raise TikiError(status, "product_id is required")
    category = category_of(product_id)
    if category is None:
        raise TikiError(404, f"product_id {product_id} not found")
    problems = Problems(status)
    changes: dict[str, Any] = {}
    if "name" in body:
        name = _text(body["name"])
        if not MIN_NAME_LENGTH <= len(name) <= max_name_length:
            problems.add(f"name must be between {MIN_NAME_LENGTH} and {max_name_length} characters")
        changes["name"] = name
    if "description" in body:
        if not _text(body["description"]):
            problems.add("description must not be empty")
        changes["description"] = _text(body["description"])
    if "attributes" in body:
        attributes = body["attributes"]
        if not isinstance(attributes, dict):
            problems.add("attributes must be an object")
        else:
            for code, value in attributes.items():
                if code in category.required and (
                    value is None or (isinstance(value, str) and not value.strip())
                ):
                    problems.add(f"attributes.{code} is required in category {category.id}")
            for code in ("product_weight_kg", *SIZES):
                if code in attributes and not _positive_number(attributes[code]):
                    problems.add(f"attributes.{code} must be a number above 0")
            changes["attributes"] = dict(attributes)
    if "image" in body:
        if not is_url(body["image"]):
            problems.add("image must be an http(s) URL of the main image")
        changes["image"] = _text(body["image"])
    if "images" in body:
        changes["images"] = _images("images", body["images"], problems, max_images)
    if "market_price" in body:
        changes["market_price"] = _optional_price("market_price", body["market_price"], problems)
    if not changes:
        problems.add(f"nothing to update: give one of {', '.join(INFO_FIELDS)}")
    problems.raise_any()
    return InfoSpec(product_id, changes)


def check_sku_update(entry: Any, where: str, *, batch: bool, problems: Problems) -> SkuUpdate:
    """One updateSku body (``active`` 1/0) or one updateSkus entry (``status`` 1 active,
    2 inactive, as the batch guide's sample pairs them; UNCONFIRMED)."""
    if not isinstance(entry, dict):
        problems.add(f"{where} must be an object")
        return SkuUpdate(None, None)
    before = len(problems.errors)
    product_id = entry.get("product_id")
    original_sku = entry.get("original_sku")
    if product_id is not None and not _int(product_id):
        problems.add(f"{where}.product_id must be an integer")
        product_id = None
    if original_sku is not None and not _text(original_sku):
        problems.add(f"{where}.original_sku must be the seller's SKU")
        original_sku = None
    if product_id is None and original_sku is None:
        problems.add(f"{where}: product_id or original_sku is required")
    update = SkuUpdate(product_id, _text(original_sku) or None)
    if entry.get("price") is not None:
        price = entry["price"]
        if not _int(price):
            problems.add(f"{where}.price must be a whole number of dong (VND)")
        elif price <= 0:
            problems.add(f"{where}.price must be above 0")
        else:
            update.price = price
    flag, allowed = ("status", {1: 1, 2: 0}) if batch else ("active", {1: 1, 0: 0})
    if entry.get(flag) is not None:
        value = entry[flag]
        if isinstance(value, bool) and not batch:
            value = int(value)
        if not _int(value) or value not in allowed:
            problems.add(f"{where}.{flag} must be one of {', '.join(map(str, allowed))}")
        else:
            update.active = allowed[value]
    if entry.get("seller_warehouse") is not None:
        warehouse_ids(where, entry["seller_warehouse"], problems)
        update.warehouses = str(entry["seller_warehouse"])
    raw = entry.get("warehouse_quantities")
    if raw is not None:
        if not isinstance(raw, list):
            problems.add(f"{where}.warehouse_quantities must be a list")
        else:
            quantities: dict[int, int] = {}
            for stock in raw:
                warehouse = stock.get("warehouse_id") if isinstance(stock, dict) else None
                quantity = stock.get("qty_available") if isinstance(stock, dict) else None
                if not _int(warehouse) or warehouse != WAREHOUSE_ID:
                    problems.add(
                        f"{where}: warehouse {warehouse} is not one of the seller's warehouses"
                    )
                elif not _int(quantity) or quantity < 0:
                    problems.add(f"{where}.qty_available must be a whole number, 0 or more")
                else:
                    quantities[warehouse] = quantity
            update.quantities = quantities
    nothing = update.price is None and update.active is None and update.quantities is None
    if nothing and len(problems.errors) == before:
        problems.add(f"{where}: nothing to update (price, {flag} or warehouse_quantities)")
    return update
