"""The Tiki sandbox's reference data: a small category tree with its attributes, the
seller, its warehouse and the inventory types it is registered for.

Tiki's category tree is large; this one holds what the sample OCOP catalog needs. Only
*primary* categories (leaves) take products (``primary: 1`` in Tiki's category API).
Every primary category requires ``brand``, ``origin`` and the package's weight and size
(``product_weight_kg``, ``product_length``, ``product_width``, ``product_height``, in kg
and cm); some require more (tea and noodles ``expiry_time``; ceramics and mats
``material``). The codes follow the attribute codes Tiki's create-request samples use
(docs/marketplaces/tiki.md §3.3). Ids 1883 and 4384 are Tiki's own ("Nhà Cửa - Đời
Sống", "Bách Hóa Online"); the others are the sandbox's.

``GET /integration/v2/categories``, ``…/categories/{id}`` and
``…/categories/{id}/attributes`` answer from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SELLER_ID = 402871
SELLER_NAME = "HTX Sen Tây Hồ"
WAREHOUSE_ID = 384741
WAREHOUSE = {
    "id": WAREHOUSE_ID,
    "name": "Kho HTX Sen Tây Hồ",
    "code": f"WH000{WAREHOUSE_ID}",
    "contact_name": "Nguyễn Thị Hoa",
    "contact_phone": "+84912345678",
    "street": "Số 1 ngõ 2 Quảng An",
    "owner": "seller",
    "warehouse_type": "pickup",
    "region_code": "VN034",
    "region_name": "Hà Nội",
    "district_code": "VN034011",
    "district_name": "Quận Tây Hồ",
    "ward_code": "VN034011004",
    "ward_name": "Phường Quảng An",
    "country_code": "vn",
    "active": True,
}
SELLER = {
    "id": SELLER_ID,
    "name": SELLER_NAME,
    "active": 1,
    "logo": "https://salt.tikicdn.com/ts/seller/sen-tay-ho.png",
    "can_update_product": 1,
    "registration_status": "completed",
    "operation_models": ["dropship"],
}
# Registered for drop-shipping only: "If you have only one inventory_type, then that
# method will be picked up so you can ignore this field" (Tiki, Inventory type).
INVENTORY_TYPES = ("cross_border", "instock", "backorder", "seller_backorder", "dropship")
REGISTERED_INVENTORY = ("dropship",)
SCOPES = ("offline", "product", "order", "inventory", "multichannel")
COMMON_REQUIRED = (
    "brand",
    "origin",
    "product_weight_kg",
    "product_length",
    "product_width",
    "product_height",
)
SIZES = ("product_length", "product_width", "product_height")


@dataclass(frozen=True)
class Attribute:
    code: str
    display_name: str
    required: bool = False
    data_type: str = "varchar"
    input_type: str = "text"


COMMON_ATTRIBUTES = (
    Attribute("brand", "Thương hiệu", True),
    Attribute("origin", "Xuất xứ", True),
    Attribute("brand_origin", "Xuất xứ thương hiệu"),
    Attribute("product_weight_kg", "Trọng lượng (kg)", True, "decimal", "text"),
    Attribute("product_length", "Chiều dài (cm)", True, "decimal", "text"),
    Attribute("product_width", "Chiều rộng (cm)", True, "decimal", "text"),
    Attribute("product_height", "Chiều cao (cm)", True, "decimal", "text"),
    Attribute("bulky", "Hàng cồng kềnh", False, "int", "select"),
    Attribute("is_warranty_applied", "Có bảo hành", False, "int", "select"),
    Attribute("product_top_features", "Đặc điểm nổi bật", False, "text", "textarea"),
)


@dataclass(frozen=True)
class Category:
    id: int
    name: str
    parent: int | None
    primary: bool = False
    attributes: tuple[Attribute, ...] = ()

    def all_attributes(self) -> tuple[Attribute, ...]:
        return COMMON_ATTRIBUTES + self.attributes if self.primary else ()

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(a.code for a in self.all_attributes() if a.required)


EXPIRY = Attribute("expiry_time", "Hạn sử dụng", True)
INGREDIENTS = Attribute("ingredients", "Thành phần")
CATEGORIES = (
    Category(4384, "Bách Hóa Online", None),
    Category(4422, "Đồ uống", 4384),
    Category(8273, "Trà", 4422, True, (EXPIRY, INGREDIENTS)),
    Category(8291, "Mì, bún, phở khô", 4384, True, (EXPIRY, INGREDIENTS)),
    Category(8303, "Đặc sản vùng miền", 4384, True, (Attribute("storage", "Bảo quản"),)),
    Category(1883, "Nhà Cửa - Đời Sống", None),
    Category(1951, "Dụng cụ nhà bếp", 1883),
    Category(8344, "Gốm sứ", 1951, True, (Attribute("material", "Chất liệu", True),)),
    Category(8372, "Chiếu & thảm", 1883, True, (Attribute("material", "Chất liệu", True),)),
)
BY_ID = {category.id: category for category in CATEGORIES}


def category_row(category: Category) -> dict[str, Any]:
    return {
        "id": category.id,
        "name": category.name,
        "parent": category.parent or 0,
        "primary": int(category.primary),
    }


def category_detail(category: Category) -> dict[str, Any]:
    return {
        **category_row(category),
        "description": category.name,
        "attributes": attribute_rows(category),
    }


def attribute_rows(category: Category) -> list[dict[str, Any]]:
    return [
        {
            "id": 1000 + index,
            "code": attribute.code,
            "display_name": attribute.display_name,
            "is_required": int(attribute.required),
            "data_type": attribute.data_type,
            "input_type": attribute.input_type,
        }
        for index, attribute in enumerate(category.all_attributes(), start=1)
    ]


def path_of(category: Category) -> list[Category]:
    """The category and its parents, the category first."""
    chain = [category]
    while chain[-1].parent is not None:
        chain.append(BY_ID[chain[-1].parent])
    return chain
