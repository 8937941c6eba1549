"""The sandbox shop's reference data: a small VN category tree, limits, logistics, brands.

The numbers are the sandbox's own, in the shape ``v2.product.get_item_limit`` and
``v2.product.get_category`` answer; a real shop reads its own from those calls. The tree
is made to exercise the rules: a parent category that cannot take items, a category that
requires an attribute (``Trà`` needs ``Hạn sử dụng``), one that requires package
dimensions (``Gốm sứ``), one with a shorter title limit (``Trà``) and one drop-down
attribute that refuses free text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from listsync_shopee.sandbox.base import ApiError, Call, id_list, int_arg


@dataclass(frozen=True)
class Attribute:
    attribute_id: int
    name: str
    mandatory: bool = False
    input_type: str = "COMBO_BOX"  # a listed value or free text; DROP_DOWN: listed values only
    values: dict[int, str] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        return {
            "attribute_id": self.attribute_id,
            "name": self.name,
            "display_name": self.name,
            "mandatory": self.mandatory,
            "input_type": self.input_type,
            "attribute_value_list": [
                {"value_id": value_id, "name": name, "display_value_name": name}
                for value_id, name in self.values.items()
            ],
        }


@dataclass(frozen=True)
class Limits:
    name: tuple[int, int] = (10, 120)
    description: tuple[int, int] = (20, 3000)
    images: tuple[int, int] = (1, 9)
    price: tuple[int, int] = (1_000, 120_000_000)
    stock: tuple[int, int] = (0, 1_000_000)
    tier_name: int = 14
    tier_option: int = 20
    item_count: int = 1000
    dimension_mandatory: bool = False
    weight_mandatory: bool = True

    def describe(self) -> dict[str, Any]:
        """As ``get_item_limit`` answers; Shopee sends prices as floats."""
        return {
            "price_limit": {"min_limit": float(self.price[0]), "max_limit": float(self.price[1])},
            "stock_limit": {"min_limit": self.stock[0], "max_limit": self.stock[1]},
            "item_name_length_limit": {"min_limit": self.name[0], "max_limit": self.name[1]},
            "item_image_count_limit": {"min_limit": self.images[0], "max_limit": self.images[1]},
            "item_description_length_limit": {
                "min_limit": self.description[0],
                "max_limit": self.description[1],
            },
            "tier_variation_name_length_limit": {"min_limit": 1, "max_limit": self.tier_name},
            "tier_variation_option_length_limit": {"min_limit": 1, "max_limit": self.tier_option},
            "item_count_limit": {"max_limit": self.item_count},
            "wholesale_price_threshold_percentage": {"min_limit": 30, "max_limit": 100},
            "dts_limit": {"days_to_ship": 2, "non_pre_order_days_to_ship": 2},
            "weight_limit": {"weight_mandatory": self.weight_mandatory},
            "dimension_limit": {"dimension_mandatory": self.dimension_mandatory},
            "gtin_limit": {"gtin_validation_rule": "Optional"},
        }


@dataclass(frozen=True)
class Category:
    category_id: int
    name: str
    parent_id: int = 0
    leaf: bool = True
    attributes: tuple[Attribute, ...] = ()
    limits: Limits = field(default_factory=Limits)
    brand_mandatory: bool = False

    def describe(self) -> dict[str, Any]:
        return {
            "category_id": self.category_id,
            "parent_category_id": self.parent_id,
            "original_category_name": self.name,
            "display_category_name": self.name,
            "has_children": not self.leaf,
        }


SHELF_LIFE = Attribute(
    100100,
    "Hạn sử dụng",
    mandatory=True,
    values={1: "3 tháng", 2: "6 tháng", 3: "12 tháng", 4: "24 tháng"},
)
ORIGIN = Attribute(100101, "Xuất xứ", values={10: "Việt Nam", 11: "Trung Quốc", 12: "Nhật Bản"})
TEA_KIND = Attribute(
    100102,
    "Loại trà",
    input_type="DROP_DOWN",
    values={20: "Trà sen", 21: "Trà xanh", 22: "Trà ô long", 23: "Trà thảo mộc"},
)
MATERIAL = Attribute(100110, "Chất liệu", values={30: "Gốm", 31: "Sứ", 32: "Cói", 33: "Tre"})
STYLE = Attribute(100111, "Phong cách", values={40: "Truyền thống", 41: "Hiện đại"})
SHELF_LIFE_OPTIONAL = Attribute(
    SHELF_LIFE.attribute_id, SHELF_LIFE.name, values=dict(SHELF_LIFE.values)
)

DEFAULT_LIMITS = Limits()

CATEGORIES: dict[int, Category] = {
    category.category_id: category
    for category in (
        Category(100001, "Thực phẩm & Đồ uống", leaf=False),
        Category(100002, "Nhà cửa & Đời sống", leaf=False),
        Category(
            100010,
            "Trà",
            parent_id=100001,
            attributes=(SHELF_LIFE, ORIGIN, TEA_KIND),
            limits=Limits(name=(10, 100)),
            brand_mandatory=True,
        ),
        Category(
            100011,
            "Mì, bún & phở khô",
            parent_id=100001,
            attributes=(SHELF_LIFE, ORIGIN),
            brand_mandatory=True,
        ),
        Category(
            100012,
            "Đặc sản vùng miền",
            parent_id=100001,
            attributes=(SHELF_LIFE_OPTIONAL, ORIGIN),
        ),
        Category(
            100020,
            "Gốm sứ",
            parent_id=100002,
            attributes=(MATERIAL, ORIGIN, STYLE),
            limits=Limits(dimension_mandatory=True),
        ),
        Category(100021, "Chiếu & thảm", parent_id=100002, attributes=(MATERIAL, ORIGIN)),
    )
}


@dataclass(frozen=True)
class LogisticsChannel:
    logistics_channel_id: int
    name: str
    enabled: bool

    def describe(self) -> dict[str, Any]:
        return {
            "logistics_channel_id": self.logistics_channel_id,
            "logistics_channel_name": self.name,
            "enabled": self.enabled,
            "fee_type": "SIZE_INPUT",
            "mask_channel_id": 0,
            "cod_enabled": True,
        }


LOGISTICS: dict[int, LogisticsChannel] = {
    channel.logistics_channel_id: channel
    for channel in (
        LogisticsChannel(50011, "Giao Hàng Nhanh", True),
        LogisticsChannel(50012, "Giao Hàng Tiết Kiệm", True),
        LogisticsChannel(50018, "SPX Express", True),
        LogisticsChannel(50016, "Ninja Van", False),  # not enabled by this shop
    )
}

NO_BRAND = 0
BRANDS: dict[int, str] = {NO_BRAND: "No Brand", 1_100_001: "Phúc Long", 1_100_002: "Minh Long"}


# -- the reads that answer this data ----------------------------------------------------
def get_item_limit(call: Call) -> dict[str, Any]:
    category_id = int_arg(call.request, "category_id", required=False)
    if category_id is None:
        return DEFAULT_LIMITS.describe()
    if category_id not in CATEGORIES:
        raise ApiError("error_param", "Invalid category.")
    return CATEGORIES[category_id].limits.describe()


def get_category(call: Call) -> dict[str, Any]:
    return {"category_list": [category.describe() for category in CATEGORIES.values()]}


def get_attribute_tree(call: Call) -> dict[str, Any]:
    ids = id_list(call.request.arg("category_id_list"), "category_id_list", most=20)
    if any(i not in CATEGORIES for i in ids):
        raise ApiError("error_param", "Invalid category.")
    return {
        "list": [
            {"category_id": i, "attribute_tree": [a.describe() for a in CATEGORIES[i].attributes]}
            for i in ids
        ]
    }


def get_channel_list(call: Call) -> dict[str, Any]:
    return {"logistics_channel_list": [c.describe() for c in LOGISTICS.values()]}
