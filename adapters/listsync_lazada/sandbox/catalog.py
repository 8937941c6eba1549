"""The Lazada sandbox's product records and the rules Lazada checks on them.

Rules follow shared/marketplaces/lazada.md §2.4 and §2.7, each answered with the code
Lazada documents for it (duplicate SellerSku 4105 in the shop / 4126 twice in one
request / 4141 owned by another item, 4139 no main image, 4142 brand, 4143 undeclared
sale property, 4157 special price, 4160 title bytes, 4164 weight, 4165 size, 4169 images,
4104 price precision, 201 category). A rule without a documented code answers ``500``
"Create product failed" with a ``detail`` entry, as Lazada's generic failure does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from listsync_lazada import payload as payloads
from listsync_lazada.sandbox.base import (
    LazadaFault,
    missing,
    parse_decimal,
    parse_int,
)

MAX_IMAGES = 8
MAX_TITLE_BYTES = 255
MAX_DESCRIPTION = 25_000
MAX_WEIGHT_KG = Decimal(40)
MAX_SIZE_CM = Decimal(300)
STANDARD_SALE_PROPS = frozenset({"size", "color_family"})
PACKAGE_FIELDS = ("package_weight", "package_length", "package_width", "package_height")


@dataclass(frozen=True)
class Category:
    id: int
    name: str
    parent: int | None = None
    leaf: bool = False
    required: tuple[tuple[str, str], ...] = ()  # (attribute name, label)
    brands: frozenset[str] | None = None  # None: every brand known in the country


BRANDS = frozenset({"No Brand", "Bát Tràng", "Minh Long", "Phúc Long", "Vinamit", "Sen Tây Hồ"})
CATEGORIES = (
    Category(10000001, "Thực phẩm & Đồ uống"),
    Category(10000010, "Trà", 10000001, True, required=(("shelf_life", "Hạn sử dụng"),)),
    Category(10000011, "Mì, bún & phở khô", 10000001, True),
    Category(10000012, "Đặc sản vùng miền", 10000001, True),
    Category(10000002, "Nhà cửa & Đời sống"),
    Category(
        10000020, "Gốm sứ", 10000002, True, brands=frozenset({"No Brand", "Bát Tràng", "Minh Long"})
    ),
    Category(10100387, "Chiếu & thảm", 10000002, True),
)
BY_ID = {category.id: category for category in CATEGORIES}


@dataclass
class SkuRecord:
    sku_id: int
    seller_sku: str
    quantity: int
    price: Decimal
    special_price: Decimal | None
    package: dict[str, Decimal]
    sale_prop: dict[str, str]
    images: list[str]
    reserved: int = 0

    @property
    def shop_sku(self) -> str:
        return f"{self.sku_id}_VNAMZ-{self.sku_id + 7}"

    @property
    def sellable(self) -> int:
        return self.quantity - self.reserved


@dataclass
class ItemRecord:
    item_id: int
    category: int
    attributes: dict[str, str]
    images: list[str]
    skus: list[SkuRecord]
    created_at: datetime
    updated_at: datetime
    review_until: datetime | None = None
    variation: dict[str, Any] = field(default_factory=dict)

    def status(self, now: datetime) -> str:
        return "Pending QC" if self.review_until and now < self.review_until else "Active"

    @property
    def product_sku(self) -> str:
        """The catalog's product SKU, kept by the adapter in the free ``model`` attribute."""
        return self.attributes.get("model") or self.skus[0].seller_sku


def fail(field_name: str, message: str, code: str = "500") -> LazadaFault:
    text = "Create product failed" if code == "500" else message
    return LazadaFault(code, text, detail=[{"field": field_name, "message": message}])


def lazada_hosted(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host == "slatic.net" or host.endswith(".slatic.net")


def payload_of(params: dict[str, str]) -> dict[str, Any]:
    raw = params.get("payload")
    if raw is None:
        raise missing("payload")
    try:
        return payloads.load(raw)
    except payloads.PayloadError:
        raise LazadaFault("5", "Invalid Request Format") from None


def product_of(tree: dict[str, Any]) -> dict[str, Any]:
    product = (tree.get("Request") or {}).get("Product") if isinstance(tree, dict) else None
    if not isinstance(product, dict):
        raise LazadaFault("5", "Invalid Request Format")
    return product


def category_of(raw: Any) -> Category:
    if raw in (None, ""):
        raise LazadaFault("1", "Mandatory parameter PrimaryCategory is missing")
    try:
        category = BY_ID.get(int(str(raw)))
    except ValueError:
        category = None
    if category is None or not category.leaf:
        raise LazadaFault("201", "Invalid CategoryId")
    return category


def attributes_of(raw: Any, partial: bool = False) -> dict[str, str]:
    if not isinstance(raw, dict):
        if partial:
            raise LazadaFault("5", "Invalid Request Format")
        raise LazadaFault("1", "Mandatory parameter Attributes is missing")
    return {str(key): str(value) for key, value in raw.items() if value is not None}


def images_of(raw: Any) -> list[str]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, dict):
        raise LazadaFault("5", "Invalid Request Format")
    return [str(url).strip() for url in payloads.as_list(raw.get("Image")) if str(url).strip()]


def price_of(name: str, raw: Any) -> Decimal:
    value = parse_decimal(name, raw)
    if value <= 0:
        raise fail(name, f"{name} must be above zero")
    if value != value.to_integral_value():
        raise LazadaFault("4104", f"{name} {raw} has decimals; VND prices are whole dong")
    return value


def apply_sku(sku: SkuRecord, raw: dict[str, Any]) -> None:
    if raw.get("price") not in (None, ""):
        sku.price = price_of("price", raw["price"])
    if raw.get("special_price") not in (None, ""):
        sku.special_price = price_of("special_price", raw["special_price"])
    if raw.get("quantity") not in (None, ""):
        quantity = parse_int("quantity", raw["quantity"])
        if quantity < 0:
            raise fail("quantity", "quantity must not be negative")
        sku.quantity = quantity
    for name in PACKAGE_FIELDS:
        if raw.get(name) not in (None, ""):
            value = parse_decimal(name, raw[name])
            if value <= 0:
                raise fail(name, f"{name} must be above zero")
            sku.package[name] = value
    if raw.get("saleProp") not in (None, ""):
        if not isinstance(raw["saleProp"], dict):
            raise LazadaFault("5", "Invalid Request Format")
        sku.sale_prop = {str(k): str(v) for k, v in raw["saleProp"].items()}
    if raw.get("Images") not in (None, ""):
        sku.images = images_of(raw["Images"])


def validate(item: ItemRecord) -> None:
    """The rules Lazada checks on a whole product, first failure first."""
    category = BY_ID[item.category]
    name = item.attributes.get("name", "").strip()
    if not name:
        raise LazadaFault("1", "Mandatory parameter name is missing")
    if len(name.encode("utf-8")) > MAX_TITLE_BYTES:
        raise LazadaFault("4160", f"The title is longer than {MAX_TITLE_BYTES} bytes")
    brand = item.attributes.get("brand", "").strip()
    allowed = category.brands if category.brands is not None else BRANDS
    if not brand or brand not in BRANDS or brand not in allowed:
        raise LazadaFault("4142", f"Brand '{brand}' is not valid in category {category.id}")
    if len(item.attributes.get("description", "")) > MAX_DESCRIPTION:
        raise fail("description", f"description is longer than {MAX_DESCRIPTION} characters")
    if not item.images:
        raise LazadaFault("4139", "The main image is required")
    if len(item.images) > MAX_IMAGES:
        raise LazadaFault("4169", f"At most {MAX_IMAGES} pictures are allowed")
    for url in item.images + [u for sku in item.skus for u in sku.images]:
        if not lazada_hosted(url):
            raise fail("Images", f"{url} is not a Lazada image; upload or migrate it first")
    for attribute, label in category.required:
        if not item.attributes.get(attribute, "").strip():
            raise fail(attribute, f"{label} ({attribute}) is mandatory in {category.name}")
    if not item.skus:
        raise LazadaFault("1", "Mandatory parameter Skus is missing")
    declared = {
        str(entry.get("name"))
        for entry in item.variation.values()
        if isinstance(entry, dict) and entry.get("name")
    }
    combos: set[tuple[tuple[str, str], ...]] = set()
    for sku in item.skus:
        validate_sku(sku)
        unknown = set(sku.sale_prop) - STANDARD_SALE_PROPS - declared
        if unknown:
            raise LazadaFault(
                "4143",
                f"This variation attribute {sorted(unknown)[0]} is not found in the variation "
                "label, please make sure that this attribute is declared",
                detail=[{"field": "saleProp", "code": "BIZ_CHECK_SALEPROP_ATTRIBUTE_INVALID"}],
            )
        combo = tuple(sorted(sku.sale_prop.items()))
        if len(item.skus) > 1 and (not combo or combo in combos):
            raise fail("saleProp", f"{sku.seller_sku}: each SKU needs its own saleProp values")
        combos.add(combo)


def validate_sku(sku: SkuRecord) -> None:
    if sku.special_price is not None and sku.special_price >= sku.price:
        raise LazadaFault("4157", f"{sku.seller_sku}: special price must be lower than price")
    if sku.package.get("package_weight", Decimal(0)) > MAX_WEIGHT_KG:
        raise LazadaFault("4164", f"{sku.seller_sku}: package weight is over {MAX_WEIGHT_KG} kg")
    size = sum(sku.package.get(n, Decimal(0)) for n in PACKAGE_FIELDS[1:])
    if size > MAX_SIZE_CM:
        raise LazadaFault("4165", f"{sku.seller_sku}: length + width + height is over 300 cm")
    if len(sku.images) > MAX_IMAGES:
        raise LazadaFault("4169", f"At most {MAX_IMAGES} pictures are allowed")
    if len(sku.sale_prop) > 2:
        raise LazadaFault(
            "500",
            "Create product failed",
            detail=[
                {
                    "field": "saleProp",
                    "code": "BIZ_CHECK_TOTAL_SALE_PROP_MAX_ITEMS",
                    "message": "at most 2 sale properties (maxItems 2)",
                }
            ],
        )
