"""The Lazada sandbox's reference data and records: a small VN category tree with its
attributes (as GetCategoryAttributes lists them), the brands GetBrandByPages pages, and
the product and SKU records the products API keeps. The rules a product must pass are in
:mod:`listsync_lazada.sandbox.rules`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

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
