"""The rules Lazada checks on a product and its SKUs, first failure first, and the reading
of a request's product into records.

Rules follow docs/marketplaces/lazada.md §2.4 and §2.7 and the CreateProduct /
UpdateProduct error tables of the API reference, each answered with the code Lazada
documents for it (201 unknown category, 4134 not a leaf category, 4110 mandatory category
attribute, 4115 a value outside a select attribute's options, 4138 an image not hosted by
Lazada, 4139 no main image, 4142 brand, 4143 undeclared sale property, 4118 price 0, 4104 /
4121 price / special price precision, 4157 special price, 4160 title bytes, 4164 weight,
4165 size, 4169 images). A rule without a documented code answers ``500`` "Create product
failed" with a ``detail`` entry, as Lazada's generic failure does. The seller SKU checks
against the shop (4105, 4126, 4141) are :mod:`listsync_lazada.sandbox.products`'.
"""

from __future__ import annotations

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
from listsync_lazada.sandbox.catalog import BRANDS, BY_ID, Category, ItemRecord, SkuRecord

MAX_IMAGES = 8
MAX_TITLE_BYTES = 255
MAX_DESCRIPTION = 25_000
MAX_WEIGHT_KG = Decimal(40)
MAX_SIZE_CM = Decimal(300)
STANDARD_SALE_PROPS = frozenset({"size", "color_family"})
PACKAGE_FIELDS = ("package_weight", "package_length", "package_width", "package_height")

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
