"""The checks ``add_item``, ``update_item`` and ``init_tier_variation`` make, one error each.

Shopee stops at the first problem and names it; so does this module. Limits come from the
category (``get_item_limit``); VN prices must be whole dong.
"""

from __future__ import annotations

import re
from typing import Any

from listsync_shopee.sandbox.base import ApiError, integer, number, objects, text, wrong
from listsync_shopee.sandbox.catalog import (
    BRANDS,
    CATEGORIES,
    DROP_DOWNS,
    FREE_TEXT_FILED,
    LOGISTICS,
    MULTIPLE,
    Category,
    Limits,
)

ITEM_STATUSES = ("NORMAL", "BANNED", "UNLIST", "REVIEWING", "SELLER_DELETE", "SHOPEE_DELETE")
CONDITIONS = ("NEW", "USED")
MAX_SKU = 100
MAX_MODELS = 50
GTIN = re.compile(r"^(\d{8,14}|00)$")


def category(value: Any) -> Category:
    if isinstance(value, bool) or not isinstance(value, int) or value not in CATEGORIES:
        raise ApiError("error_param", "Invalid category.")
    found = CATEGORIES[value]
    if not found.leaf:
        raise ApiError(
            "error_invalid_category",
            f"Category {value} is not a leaf category, choose a sub-category.",
        )
    return found


def item_name(value: Any, limits: Limits) -> str:
    name = text(value, "item_name")
    low, high = limits.name
    if len(name.strip()) < low:
        raise ApiError(
            "error_item_name_is_too_short", f"Item name is too short, min length is {low}."
        )
    if len(name) > high:
        raise ApiError(
            "error_name_length_limit", f"Item name length should be between {low} and {high}."
        )
    return name


def description(value: Any, limits: Limits) -> str:
    desc = text(value, "description")
    low, high = limits.description
    if len(desc.strip()) < low:
        raise ApiError(
            "error_desc_length_min_limit", f"Description is too short, min length is {low}."
        )
    if len(desc) > high:
        raise wrong(f"description length should be at most {high}")
    return desc


def price(value: Any, limits: Limits, name: str = "original_price") -> int:
    """A VN price: whole dong within the category's range, or the error Shopee gives."""
    amount = number(value, name)
    if amount != amount.to_integral_value():
        raise ApiError("error_invalid_price", "Price should be an integer for this region.")
    low, high = limits.price
    if amount < low:
        raise ApiError("error_price_exceed_min_limitt", f"Price should be at least {low}.")
    if amount > high:
        raise ApiError("error_price_exceed_max_limitt", f"Price should be at most {high}.")
    return int(amount)


def stock(entries: Any, limits: Limits, name: str = "seller_stock") -> int:
    rows = objects(entries, name)
    if not rows:
        raise wrong(f"{name} should not be empty")
    total = 0
    for row in rows:
        if "location_id" in row and not isinstance(row["location_id"], str):
            raise wrong("location_id should be a string")
        count = integer(row.get("stock"), f"{name}.stock")
        total += count
    low, high = limits.stock
    if not low <= total <= high:
        raise wrong(f"stock should be between {low} and {high}")
    return total


def weight(value: Any) -> str:
    kilos = number(value, "weight")
    if kilos <= 0:
        raise wrong("weight should be greater than 0")
    return str(kilos)


def dimension(value: Any, limits: Limits) -> dict[str, int] | None:
    if value is None:
        if limits.dimension_mandatory:
            raise wrong("dimension is mandatory for this category")
        return None
    if not isinstance(value, dict):
        raise wrong("dimension should be an object")
    result = {}
    for key in ("package_height", "package_length", "package_width"):
        size = integer(value.get(key), f"dimension.{key}")
        if size <= 0:
            raise wrong(f"dimension.{key} should be greater than 0")
        result[key] = size
    return result


def images(value: Any, limits: Limits, known: set[str]) -> list[str]:
    if not isinstance(value, dict) or not isinstance(value.get("image_id_list"), list):
        raise wrong("image.image_id_list is required")
    ids = value["image_id_list"]
    low, high = limits.images
    if not low <= len(ids) <= high:
        raise wrong(f"the number of images should be between {low} and {high}")
    for image_id in ids:
        if not isinstance(image_id, str) or image_id not in known:
            raise ApiError("error_param", "Image not exist.")
    return list(ids)


def logistics(value: Any) -> list[dict[str, Any]]:
    rows = objects(value, "logistic_info")
    enabled = 0
    for row in rows:
        channel_id = integer(row.get("logistic_id"), "logistic_id")
        if not isinstance(row.get("enabled"), bool):
            raise wrong("logistic_info.enabled is required")
        channel = LOGISTICS.get(channel_id)
        if channel is None or not channel.enabled:
            raise wrong(f"logistic_id {channel_id} is not enabled for this shop")
        enabled += row["enabled"]
    if not enabled:
        raise wrong("at least one logistics channel should be enabled")
    return [dict(row) for row in rows]


def attributes(value: Any, where: Category) -> list[dict[str, Any]]:
    rows = objects(value if value is not None else [], "attribute_list")
    known = {attribute.attribute_id: attribute for attribute in where.attributes}
    given: set[int] = set()
    for row in rows:
        attribute_id = integer(row.get("attribute_id"), "attribute_id")
        attribute = known.get(attribute_id)
        if attribute is None:
            raise wrong(
                f"attribute_id {attribute_id} does not belong to category {where.category_id}"
            )
        values = objects(row.get("attribute_value_list"), "attribute_value_list")
        if not values:
            raise wrong(f"attribute_value_list of attribute_id {attribute_id} is empty")
        if len(values) > 1 and attribute.input_type not in MULTIPLE:
            raise wrong(f"attribute_id {attribute_id} takes one value")
        for entry in values:
            value_id = integer(entry.get("value_id", 0), "value_id")
            free = entry.get("original_value_name")
            if attribute.input_type == FREE_TEXT_FILED and value_id != 0:
                raise wrong(f"attribute_id {attribute_id} takes free text with value_id 0")
            if value_id == 0:
                if attribute.input_type in DROP_DOWNS or not isinstance(free, str) or not free:
                    raise wrong(f"attribute_id {attribute_id} needs a value_id from its list")
            elif value_id not in attribute.values:
                raise wrong(f"value_id {value_id} is invalid for attribute_id {attribute_id}")
        given.add(attribute_id)
    for attribute in where.attributes:
        if attribute.mandatory and attribute.attribute_id not in given:
            raise ApiError(
                "error_less_required_attribute",
                f"Mandatory attribute is missing: {attribute.name} "
                f"(attribute_id {attribute.attribute_id}).",
            )
    return [dict(row) for row in rows]


def brand(value: Any, where: Category) -> dict[str, Any]:
    if value is None:
        if where.brand_mandatory:
            raise wrong("brand is mandatory for this category, use brand_id 0 for No Brand")
        return {"brand_id": 0, "original_brand_name": BRANDS[0]}
    if not isinstance(value, dict):
        raise wrong("brand should be an object")
    brand_id = integer(value.get("brand_id"), "brand.brand_id")
    if brand_id not in BRANDS:
        raise ApiError("error_invalid_brand", f"Invalid brand_id {brand_id}.")
    return {"brand_id": brand_id, "original_brand_name": BRANDS[brand_id]}


def simple_fields(data: dict[str, Any]) -> dict[str, Any]:
    """item_sku, condition, item_status, gtin_code: checked and returned when present."""
    found: dict[str, Any] = {}
    if "item_sku" in data:
        sku = text(data["item_sku"], "item_sku")
        if len(sku) > MAX_SKU:
            raise wrong(f"item_sku should be at most {MAX_SKU} characters")
        found["item_sku"] = sku
    if "condition" in data:
        if data["condition"] not in CONDITIONS:
            raise wrong("condition should be NEW or USED")
        found["condition"] = data["condition"]
    if "item_status" in data:
        if data["item_status"] not in ("NORMAL", "UNLIST"):
            raise wrong("item_status should be NORMAL or UNLIST")
        found["item_status"] = data["item_status"]
    if "gtin_code" in data:
        if not isinstance(data["gtin_code"], str) or not GTIN.match(data["gtin_code"]):
            raise wrong('gtin_code should be 8 to 14 digits, or "00"')
        found["gtin_code"] = data["gtin_code"]
    return found


def tiers(value: Any, limits: Limits, known_images: set[str]) -> list[dict[str, Any]]:
    """Tier names and options; only the first tier's options carry images, all or none."""
    rows = objects(value, "tier_variation")
    if not 1 <= len(rows) <= 2:
        raise wrong("tier_variation should have 1 or 2 tiers")
    result = []
    for position, row in enumerate(rows):
        name = text(row.get("name"), "tier_variation.name")
        if not 1 <= len(name) <= limits.tier_name:
            raise wrong(f"tier variation name length should be between 1 and {limits.tier_name}")
        options = objects(row.get("option_list"), "option_list")
        labels = [text(option.get("option"), "option_list.option") for option in options]
        if not labels or len(set(labels)) != len(labels):
            raise wrong(f"options of tier {name!r} should be present and distinct")
        for label in labels:
            if not 1 <= len(label) <= limits.tier_option:
                raise wrong(
                    f"tier variation option length should be between 1 and {limits.tier_option}"
                )
        images = [option.get("image") for option in options]
        if any(images) and (position > 0 or not all(images)):
            raise wrong("either every option of the first tier has an image, or none")
        for image in images:
            if image and (not isinstance(image, dict) or image.get("image_id") not in known_images):
                raise ApiError("error_param", "Image not exist.")
        result.append(
            {
                "name": name,
                "option_list": [
                    {"option": label, **({"image": dict(image)} if image else {})}
                    for label, image in zip(labels, images, strict=True)
                ],
            }
        )
    return result


def model_rows(value: Any, tier_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = objects(value, "model")
    if not 1 <= len(rows) <= MAX_MODELS:
        raise wrong(f"the number of models should be between 1 and {MAX_MODELS}")
    seen: set[tuple[int, ...]] = set()
    for row in rows:
        index = row.get("tier_index")
        if not isinstance(index, list) or len(index) != len(tier_rows):
            raise wrong("tier_index should have one index per tier")
        for position, at in enumerate(index):
            if integer(at, "tier_index") not in range(len(tier_rows[position]["option_list"])):
                raise wrong(f"tier_index {index} is out of range")
        if tuple(index) in seen:
            raise wrong(f"tier_index {index} is used twice")
        seen.add(tuple(index))
        sku = text(row.get("model_sku", ""), "model_sku")
        if len(sku) > MAX_SKU:
            raise wrong(f"model_sku should be at most {MAX_SKU} characters")
    return rows
