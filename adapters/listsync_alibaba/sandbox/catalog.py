"""The Alibaba.com sandbox's small category tree, its attributes, the seller and its warehouse.

Shapes follow TOP's ICBU models (docs/marketplaces/alibaba.md §4.4; TOP-GO
``model/icbu``): ``alibaba.icbu.category.get`` answers one ``category`` (``PostCategory``:
``category_id, name, cn_name, level, leaf_category, parent_ids, child_ids``; ``cat_id`` 0 is
the root, whose children are the first-level categories), and
``alibaba.icbu.category.attribute.get`` the leaf's ``attributes`` (``Attribute``:
``attr_id, en_name, required, input_type, show_type, sku_attribute, customize_value,
attribute_values[{attr_value_id, en_name}]``). Only leaf categories take products.

Every leaf asks for ``Brand Name`` and ``Place of Origin``; tea also for ``Shelf Life``,
ceramics and mats for ``Material``. SKU attributes (``sku_attribute``): ``Packaging`` and
``Weight`` for food, ``Color`` and ``Size`` for the home categories; their values are free
(``customize_value``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SELLER_ID = "2508412730"
USER_ID = "2208412730001"
LOGIN_ID = "htxsentayho"
SELLER_EMAIL = "htx.sen@example.vn"
SELLER_NAME = "Hop Tac Xa Sen Tay Ho"
WAREHOUSE_CODE = "VN_HAN_DEFAULT"


@dataclass(frozen=True)
class Value:
    id: int
    name: str


@dataclass(frozen=True)
class Attr:
    id: int
    name: str
    required: bool = False
    sku: bool = False
    values: tuple[Value, ...] = ()

    @property
    def input_type(self) -> str:
        return "single_select" if self.values else "input"

    def row(self) -> dict[str, Any]:
        return {
            "attr_id": self.id,
            "en_name": self.name,
            "required": self.required,
            "input_type": self.input_type,
            "show_type": "list_box" if self.values else "input",
            "value_type": "string",
            "sku_attribute": self.sku,
            "customize_value": self.sku,
            "customize_image": False,
            "car_model": False,
            "units": [],
            "attribute_values": [
                {
                    "attr_id": self.id,
                    "attr_value_id": v.id,
                    "en_name": v.name,
                    "sku_value": self.sku,
                }
                for v in self.values
            ],
        }


@dataclass(frozen=True)
class Category:
    id: int
    name: str
    cn_name: str
    parent: int  # 0 for a first-level category
    attributes: tuple[Attr, ...] = field(default=())

    @property
    def leaf(self) -> bool:
        return not any(c.parent == self.id for c in CATEGORIES)


ORIGIN = Attr(
    2,
    "Place of Origin",
    required=True,
    values=(Value(9441741, "Vietnam"), Value(9441742, "China"), Value(9441743, "Thailand")),
)
BRAND = Attr(1, "Brand Name", required=True)
SHELF_LIFE = Attr(3, "Shelf Life", required=True)
MATERIAL = Attr(
    4,
    "Material",
    required=True,
    values=(Value(10001, "Ceramic"), Value(10002, "Porcelain"), Value(10003, "Sedge")),
)
PACKAGING = Attr(100, "Packaging", sku=True)
WEIGHT = Attr(101, "Weight", sku=True)
COLOR = Attr(102, "Color", sku=True)
SIZE = Attr(103, "Size", sku=True)

FOOD = (BRAND, ORIGIN, PACKAGING, WEIGHT)
HOME = (BRAND, ORIGIN, MATERIAL, COLOR, SIZE)

CATEGORIES: tuple[Category, ...] = (
    Category(2, "Food & Beverage", "食品饮料", 0),
    Category(201, "Tea", "茶", 2),
    Category(100002221, "Green Tea", "绿茶", 201, (*FOOD, SHELF_LIFE)),
    Category(100002222, "Flower Tea", "花茶", 201, (*FOOD, SHELF_LIFE)),
    Category(202, "Grain Products", "粮食制品", 2),
    Category(100003001, "Noodles", "面条", 202, FOOD),
    Category(15, "Home & Garden", "家居园艺", 0),
    Category(1501, "Home Decor", "家居装饰", 15),
    Category(100004401, "Ceramic Crafts", "陶瓷工艺品", 1501, HOME),
    Category(1502, "Household Sundries", "家居日用", 15),
    Category(100004501, "Mats", "席子", 1502, HOME),
)
BY_ID = {c.id: c for c in CATEGORIES}


def path_of(category: Category) -> list[Category]:
    chain = [category]
    while chain[0].parent:
        chain.insert(0, BY_ID[chain[0].parent])
    return chain


def category_row(cat_id: int) -> dict[str, Any] | None:
    """``PostCategory`` of ``cat_id``; 0 is the root. None for an unknown id."""
    if cat_id == 0:
        return {
            "category_id": 0,
            "name": "Root",
            "cn_name": "根类目",
            "level": 0,
            "leaf_category": False,
            "parent_ids": [],
            "child_ids": [c.id for c in CATEGORIES if c.parent == 0],
        }
    category = BY_ID.get(cat_id)
    if category is None:
        return None
    chain = path_of(category)
    return {
        "category_id": category.id,
        "name": category.name,
        "cn_name": category.cn_name,
        "level": len(chain),
        "leaf_category": category.leaf,
        "parent_ids": [c.id for c in chain[:-1]],
        "child_ids": [c.id for c in CATEGORIES if c.parent == category.id],
    }


def attribute_rows(category: Category) -> list[dict[str, Any]]:
    return [attr.row() for attr in category.attributes]


def find_attr(category: Category, attr_id: Any, name: Any) -> Attr | None:
    """The category's attribute named by id (number or text) or by English name."""
    for attr in category.attributes:
        if attr_id not in (None, "") and str(attr_id).strip() == str(attr.id):
            return attr
        if (
            attr_id in (None, "")
            and isinstance(name, str)
            and name.strip().casefold() == attr.name.casefold()
        ):
            return attr
    return None
