"""The sandbox shop's reference data: a small VN category tree, limits, logistics, brands.

The numbers are the sandbox's own, in the shape ``v2.product.get_item_limit`` and
``v2.product.get_category`` answer; a real shop reads its own from those calls. The tree
is made to exercise the rules: a parent category that cannot take items, a category that
requires an attribute (``Trà`` needs ``Hạn sử dụng``), one that requires package
dimensions (``Gốm sứ``), one with a shorter title limit (``Trà``), drop-down attributes
that refuse free text (one of them, ``Vùng miền``, not in the default mapping file) and a
free-text attribute that refuses a value id (``Thành phần``).

``get_attribute_tree`` answers the shape its reference page documents: per category an
``attribute_tree`` whose entries carry ``attribute_info.input_type`` as a number
(SINGLE_DROP_DOWN 1, SINGLE_COMBO_BOX 2, FREE_TEXT_FILED 3, MULTI_DROP_DOWN 4,
MULTI_COMBO_BOX 5) and ``multi_lang`` translations; ``get_brand_list`` pages the brands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from listsync_shopee.sandbox.base import ApiError, Call, id_list, int_arg, missing, wrong

SINGLE_DROP_DOWN = 1
SINGLE_COMBO_BOX = 2
FREE_TEXT_FILED = 3  # sic, as the reference page spells it
MULTI_DROP_DOWN = 4
MULTI_COMBO_BOX = 5
DROP_DOWNS = (SINGLE_DROP_DOWN, MULTI_DROP_DOWN)  # listed values only
MULTIPLE = (MULTI_DROP_DOWN, MULTI_COMBO_BOX)  # more than one value allowed
BRAND_STATUSES = (1, 2)  # 1 normal, 2 pending (get_brand_list)


def _multi_lang(english: str) -> list[dict[str, str]]:
    return [{"language": "en", "value": english}] if english else []


@dataclass(frozen=True)
class Attribute:
    attribute_id: int
    name: str
    mandatory: bool = False
    input_type: int = SINGLE_COMBO_BOX  # a listed value or free text
    values: dict[int, str] = field(default_factory=dict)
    english: str = ""
    english_values: dict[int, str] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        return {
            "attribute_id": self.attribute_id,
            "mandatory": self.mandatory,
            "name": self.name,
            "attribute_value_list": [
                {
                    "value_id": value_id,
                    "name": name,
                    "value_unit": "",
                    "multi_lang": _multi_lang(self.english_values.get(value_id, "")),
                }
                for value_id, name in self.values.items()
            ],
            "attribute_info": {
                "input_type": self.input_type,
                "input_validation_type": 0,  # VALIDATOR_NO_VALIDATE_TYPE
                "format_type": 1,  # FORMAT_NORMAL
                "date_format_type": 0,
                "attribute_unit_list": [],
                "max_value_count": 5 if self.input_type in MULTIPLE else 1,
            },
            "multi_lang": _multi_lang(self.english),
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
    english="Shelf life",
)
ORIGIN = Attribute(
    100101,
    "Xuất xứ",
    values={10: "Việt Nam", 11: "Trung Quốc", 12: "Nhật Bản"},
    english="Country of origin",
    english_values={10: "Vietnam", 11: "China", 12: "Japan"},
)
TEA_KIND = Attribute(
    100102,
    "Loại trà",
    input_type=SINGLE_DROP_DOWN,
    values={20: "Trà sen", 21: "Trà xanh", 22: "Trà ô long", 23: "Trà thảo mộc"},
    english="Tea type",
    english_values={20: "Lotus tea", 21: "Green tea", 22: "Oolong tea", 23: "Herbal tea"},
)
INGREDIENTS = Attribute(100103, "Thành phần", input_type=FREE_TEXT_FILED, english="Ingredients")
REGION = Attribute(
    100120,
    "Vùng miền",
    input_type=SINGLE_DROP_DOWN,
    values={50: "Miền Bắc", 51: "Miền Trung", 52: "Miền Nam"},
    english="Region",
    english_values={50: "Northern Vietnam", 51: "Central Vietnam", 52: "Southern Vietnam"},
)
MATERIAL = Attribute(100110, "Chất liệu", values={30: "Gốm", 31: "Sứ", 32: "Cói", 33: "Tre"})
STYLE = Attribute(100111, "Phong cách", values={40: "Truyền thống", 41: "Hiện đại"})
SHELF_LIFE_OPTIONAL = Attribute(
    SHELF_LIFE.attribute_id, SHELF_LIFE.name, values=dict(SHELF_LIFE.values), english="Shelf life"
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
            attributes=(SHELF_LIFE, ORIGIN, TEA_KIND, INGREDIENTS),
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
            attributes=(SHELF_LIFE_OPTIONAL, ORIGIN, REGION),
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
    """``category_id_list`` (max 20) as the parameter table names it; the page's request
    samples send ``category_ids=1234,5678``, so that spelling is read too."""
    raw = call.request.arg("category_id_list") or call.request.arg("category_ids")
    if not raw:
        raise missing("CategoryIdList")
    ids = id_list(raw, "category_id_list", most=20)
    for category_id in ids:
        if category_id not in CATEGORIES:
            raise ApiError("error_invalid_category", f"Invalid category ID {category_id}")
    return {
        "list": [
            {"attribute_tree": [a.describe() for a in CATEGORIES[i].attributes], "category_id": i}
            for i in ids
        ]
    }


def get_brand_list(call: Call) -> dict[str, Any]:
    """offset, page_size (at most 100), category_id and status (1 normal, 2 pending) are all
    required; the reply pages with ``has_next_page`` / ``next_offset``. ``input_type`` is the
    value the page's sample shows; its other values are not documented (UNCONFIRMED)."""
    request = call.request
    offset = int_arg(request, "offset", required=False)
    if offset is None:
        raise missing("Offset")
    page_size = int_arg(request, "page_size", required=False)
    if page_size is None:
        raise missing("PageSize")
    category_id = int_arg(request, "category_id", required=False)
    if category_id is None:
        raise missing("CategoryId")
    status = int_arg(request, "status", required=False)
    if status is None:
        raise ApiError("error_param", "status is required.")
    if status not in BRAND_STATUSES:
        raise wrong("status should be 1 (normal) or 2 (pending)")
    if not 1 <= page_size <= 100 or offset < 0:
        raise wrong("page_size should be between 1 and 100 and offset at least 0")
    category = CATEGORIES.get(category_id)
    if category is None or not category.leaf:
        raise ApiError("error_param", "Invalid category.")
    brands = [
        {"brand_id": brand_id, "original_brand_name": name, "display_brand_name": name}
        for brand_id, name in BRANDS.items()
        if brand_id != NO_BRAND and status == 1
    ]
    page = brands[offset : offset + page_size]
    more = offset + page_size < len(brands)
    return {
        "brand_list": page,
        "has_next_page": more,
        "next_offset": offset + page_size if more else 0,
        "is_mandatory": category.brand_mandatory,
        "input_type": "TEXT_FILED",
    }


def get_channel_list(call: Call) -> dict[str, Any]:
    return {"logistics_channel_list": [c.describe() for c in LOGISTICS.values()]}
