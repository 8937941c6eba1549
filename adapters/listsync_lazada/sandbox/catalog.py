"""The Lazada sandbox's product records and the rules Lazada checks on them.

Rules follow docs/marketplaces/lazada.md §2.4 and §2.7 and the CreateProduct /
UpdateProduct error tables of the API reference, each answered with the code Lazada
documents for it (duplicate SellerSku 4105 in the shop / 4126 twice in one request /
4141 owned by another item, 201 unknown category, 4134 not a leaf category, 4110
mandatory category attribute, 4115 a value outside a select attribute's options, 4138
an image not hosted by Lazada, 4139 no main image, 4142 brand, 4143 undeclared sale
property, 4118 price 0, 4104 / 4121 price / special price precision, 4157 special price,
4160 title bytes, 4164 weight, 4165 size, 4169 images). A rule without a documented code
answers ``500`` "Create product failed" with a ``detail`` entry, as Lazada's generic
failure does.
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
CLOSED_INPUTS = ("singleSelect", "multiSelect")


@dataclass(frozen=True)
class Attribute:
    """One row of GetCategoryAttributes: ``level`` is its ``attribute_type``."""

    id: int
    name: str
    label: str
    input_type: str = "text"
    mandatory: bool = False
    options: tuple[str, ...] = ()
    sale_prop: bool = False
    level: str = "normal"  # normal: the product's; sku: each SKU's

    @property
    def closed(self) -> bool:
        """A value must be one of the options (a select; enum inputs take custom values)."""
        return self.input_type in CLOSED_INPUTS and bool(self.options)


COMMON_ATTRIBUTES = (
    Attribute(100001, "name", "Tên sản phẩm", "text", mandatory=True),
    Attribute(100002, "description", "Mô tả", "richText"),
    Attribute(100003, "short_description", "Điểm nổi bật", "richText"),
    Attribute(100004, "brand", "Thương hiệu", "singleSelect", mandatory=True),
    Attribute(100005, "model", "Mẫu mã", "text"),
    Attribute(
        100006,
        "warranty_type",
        "Loại bảo hành",
        "singleSelect",
        options=("No Warranty", "Local seller warranty", "International manufacturer warranty"),
    ),
    Attribute(100010, "SellerSku", "SellerSku", "text", mandatory=True, level="sku"),
    Attribute(100011, "quantity", "Số lượng", "numeric", mandatory=True, level="sku"),
    Attribute(100012, "price", "Giá", "numeric", mandatory=True, level="sku"),
    Attribute(100013, "special_price", "Giá khuyến mãi", "numeric", level="sku"),
    Attribute(100014, "package_weight", "Cân nặng (kg)", "numeric", mandatory=True, level="sku"),
    Attribute(100015, "package_length", "Dài (cm)", "numeric", mandatory=True, level="sku"),
    Attribute(100016, "package_width", "Rộng (cm)", "numeric", mandatory=True, level="sku"),
    Attribute(100017, "package_height", "Cao (cm)", "numeric", mandatory=True, level="sku"),
    Attribute(100018, "package_content", "Trong hộp có gì", "text", level="sku"),
    Attribute(
        100020,
        "color_family",
        "Nhóm màu",
        "multiEnumInput",
        options=("Trắng", "Đen", "Xanh lam", "Xanh lá", "Đỏ", "Nâu", "Vàng", "Nhiều màu"),
        sale_prop=True,
        level="sku",
    ),
    Attribute(
        100021,
        "size",
        "Kích cỡ",
        "enumInput",
        options=("S", "M", "L", "XL", "Int:One size"),
        sale_prop=True,
        level="sku",
    ),
)
SHELF_LIFE = Attribute(200001, "shelf_life", "Hạn sử dụng", "text")
INGREDIENTS = Attribute(200002, "ingredients", "Thành phần", "text")


@dataclass(frozen=True)
class Category:
    id: int
    name: str
    parent: int | None = None
    leaf: bool = False
    attributes: tuple[Attribute, ...] = ()  # the category's own, besides COMMON_ATTRIBUTES
    brands: frozenset[str] | None = None  # None: every brand known in the country

    @property
    def required(self) -> tuple[tuple[str, str], ...]:
        """(name, label) of the category's own mandatory attributes."""
        return tuple((a.name, a.label) for a in self.attributes if a.mandatory)

    def all_attributes(self) -> tuple[Attribute, ...]:
        return COMMON_ATTRIBUTES + self.attributes


# (brand_id, name, global_identifier, name_en): what GetBrandByPages lists.
BRAND_ROWS = (
    (20001, "No Brand", "no_brand", "No Brand"),
    (30011, "Bát Tràng", "bat_trang", "Bat Trang"),
    (30012, "Minh Long", "minh_long", "Minh Long"),
    (30013, "Phúc Long", "phuc_long", "Phuc Long"),
    (30014, "Vinamit", "vinamit", "Vinamit"),
    (30015, "Sen Tây Hồ", "sen_tay_ho", "Sen Tay Ho"),
)
BRANDS = frozenset(name for _, name, _, _ in BRAND_ROWS)
CATEGORIES = (
    Category(10000001, "Thực phẩm & Đồ uống"),
    Category(
        10000010,
        "Trà",
        10000001,
        True,
        attributes=(
            Attribute(200001, "shelf_life", "Hạn sử dụng", "text", mandatory=True),
            INGREDIENTS,
            Attribute(
                200003,
                "tea_type",
                "Loại trà",
                "singleSelect",
                options=("Trà xanh", "Trà đen", "Trà ô long", "Trà ướp hoa", "Trà thảo mộc"),
            ),
        ),
    ),
    Category(10000011, "Mì, bún & phở khô", 10000001, True, attributes=(SHELF_LIFE, INGREDIENTS)),
    Category(
        10000012,
        "Đặc sản vùng miền",
        10000001,
        True,
        attributes=(Attribute(200004, "storage", "Bảo quản", "text"),),
    ),
    Category(10000002, "Nhà cửa & Đời sống"),
    Category(
        10000020,
        "Gốm sứ",
        10000002,
        True,
        attributes=(
            Attribute(
                200005,
                "material",
                "Chất liệu",
                "singleSelect",
                options=("Gốm sứ", "Gốm", "Sứ", "Men rạn"),
            ),
        ),
        brands=frozenset({"No Brand", "Bát Tràng", "Minh Long"}),
    ),
    Category(
        10100387,
        "Chiếu & thảm",
        10000002,
        True,
        attributes=(
            Attribute(
                200006,
                "material",
                "Chất liệu",
                "singleSelect",
                options=("Cói tự nhiên", "Cói", "Tre", "Lục bình", "Nhựa"),
            ),
        ),
    ),
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


# The reference pages' wording of the codes ``fail`` answers: ``NAME:description``.
DOCUMENTED = {
    "4104": "BIZ_CHECK_PRICE_PRECISION_INVALID:Price accuracy check failed",
    "4110": "BIZ_CHECK_CAT_PROP_MANDATORY:Category attribute This parameter is mandatory",
    "4115": "CHK_CATPROP_CPV_NOT_ENUM:The CPV attribute is not one of the options provided "
    "by the category",
    "4118": "BIZ_CHECK_PRICE_IS_ZERO:Price is not 0 check",
    "4121": "BIZ_CHECK_SPECIAL_PRICE_PRECISION_INVALID:Special accuracy check does not pass",
    "4138": "BIZ_CHECK_EXIST_OUTER_IMAGE:The image exists in the outer link",
}


def fail(field_name: str, message: str, code: str = "500") -> LazadaFault:
    """A refusal with one ``detail`` entry; the top message is the code's documented one."""
    text = "Create product failed" if code == "500" else DOCUMENTED.get(code, message)
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
    if category is None:
        raise LazadaFault("201", f"E201: {raw} Invalid CategoryId")
    if not category.leaf:
        raise LazadaFault("4134", "Please select the last level category.")
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


SPECIAL_PRICES = ("special_price", "SalePrice")


def price_of(name: str, raw: Any) -> Decimal:
    value = parse_decimal(name, raw)
    if value == 0:
        raise fail(name, f"{name} must not be 0", "4118")
    if value < 0:
        raise fail(name, f"{name} must be above zero")
    if value != value.to_integral_value():
        code = "4121" if name in SPECIAL_PRICES else "4104"
        raise fail(name, f"{name} {raw} has decimals; VND prices are whole dong", code)
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
            raise fail("Images", f"{url} is not a Lazada image; upload or migrate it first", "4138")
    for attribute in category.all_attributes():
        if attribute.level != "normal":
            continue
        value = item.attributes.get(attribute.name, "").strip()
        if attribute.mandatory and not value:
            raise fail(
                attribute.name,
                f"{attribute.label} ({attribute.name}) is mandatory in {category.name}",
                "4110",
            )
        chosen = (
            [v.strip() for v in value.split(",")]
            if attribute.input_type == "multiSelect"
            else [value]
        )
        if value and attribute.closed and any(v not in attribute.options for v in chosen):
            raise fail(
                attribute.name,
                f"{attribute.name} '{value}' is not one of: {', '.join(attribute.options)}",
                "4115",
            )
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
