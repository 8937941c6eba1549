"""The sync benchmark's catalog: N products made from the sample catalog's five categories.

Each product copies its category's sample product (so the adapters' default mappings and
the marketplaces' rules apply: tea needs "Hạn sử dụng", ceramics need dimensions …) with
its own SKU and name, and 1 to 4 sellable units: one unit is a product without variants,
2–4 units are variants on one option ("Khối lượng", "Size", "Kích thước"). On average
2.5 units a product, so 2,000 products give 5,000 SKUs. Every product of a category shows
the same small photo, and variants have none, so photo uploads (once per content on both
marketplaces) do not dominate the figures.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from listsync.catalog.samples import SAMPLE_DIR

CATEGORIES = ("tea", "noodles", "ceramics", "mats", "food")
OPTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "tea": ("Khối lượng", ("50g", "100g", "250g", "500g")),
    "noodles": ("Khối lượng", ("200g", "500g", "1kg", "2kg")),
    "ceramics": ("Size", ("S (20 cm)", "M (25 cm)", "L (30 cm)", "XL (35 cm)")),
    "mats": ("Kích thước", ("1m2 × 2m", "1m6 × 2m", "1m8 × 2m", "2m × 2m2")),
    "food": ("Khối lượng", ("250g", "500g", "1kg", "2kg")),
}
# Values both marketplaces' default mappings know (Shopee's attribute values are a list).
ATTRIBUTES: dict[str, dict[str, str]] = {
    "tea": {"Thành phần": "Chè Thái Nguyên, gạo sen", "Hạn sử dụng": "12 tháng"},
    "noodles": {"Thành phần": "Gạo tẻ 100%", "Hạn sử dụng": "12 tháng"},
    "ceramics": {"Chất liệu": "Gốm", "Phong cách": "Truyền thống"},
    "mats": {"Chất liệu": "Cói"},
    "food": {"Bảo quản": "Ngăn mát 0–4 °C", "Hạn sử dụng": "3 tháng"},
}
PREFIX = {"tea": "TEA", "noodles": "BUN", "ceramics": "GOM", "mats": "CHIEU", "food": "DS"}
PRICES = {"tea": 390_000, "noodles": 45_000, "ceramics": 650_000, "mats": 280_000, "food": 320_000}


def _templates() -> dict[str, dict[str, Any]]:
    sample = yaml.safe_load((SAMPLE_DIR / "catalog.yaml").read_text(encoding="utf-8"))
    found = {product["category"]: product for product in sample["products"]}
    missing = [category for category in CATEGORIES if category not in found]
    if missing:
        raise SystemExit(f"the sample catalog has no product in {missing}")
    return found


def units_of(index: int) -> int:
    """1 to 4 sellable units, scattered (a hash of the index) so that product boundaries do
    not line up with the marketplaces' batch sizes, as they would not in a real catalog."""
    return 1 + ((index * 2_654_435_761) >> 11) % 4


def make_product(
    index: int, template: dict[str, Any], not_on: tuple[str, ...] = ()
) -> dict[str, Any]:
    category = template["category"]
    product = copy.deepcopy(template)
    product.pop("channels", None)
    product.pop("variants", None)
    sku = f"{PREFIX[category]}-{index:05d}"
    base = PRICES[category]
    product.update(
        sku=sku,
        name={
            "vi": f"{template['name']['vi']} – lô {index}",
            "en": f"{template['name']['en']} – batch {index}",
        },
        price_vnd=base,
        attributes=dict(ATTRIBUTES[category]),
        images=[template["images"][0]],
    )
    if not_on:
        product["channels"] = {name: {"enabled": False} for name in not_on}
    count = units_of(index)
    if count > 1:
        option, values = OPTIONS[category]
        product["variants"] = [
            {
                "sku": f"{sku}-{position + 1}",
                "options": {option: value},
                "price_vnd": base + position * 10_000,
            }
            for position, value in enumerate(values[:count])
        ]
    return product


def write_catalog(
    path: Path, products: int, caps: dict[str, int] | None = None
) -> tuple[int, int, dict[str, int]]:
    """Write ``products`` products to ``path`` (YAML, photos relative to the sample's).

    ``caps`` limits how many products a channel carries (a shop's listing limit): the
    products past it are marked ``channels.<name>.enabled: false``.
    Returns (products, sellable units, products per category).
    """
    templates = _templates()
    rows, units, per_category = [], 0, dict.fromkeys(CATEGORIES, 0)
    for index in range(products):
        category = CATEGORIES[index % len(CATEGORIES)]
        not_on = tuple(name for name, cap in (caps or {}).items() if index >= cap)
        rows.append(make_product(index, templates[category], not_on))
        units += units_of(index)
        per_category[category] += 1
    text = yaml.safe_dump({"products": rows}, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return products, units, per_category


def stock_for(index: int) -> int:
    """Starting on-hand stock, 40 to 118 units: well above every safety stock."""
    return 40 + (index * 37) % 79
