"""A large, valid catalog CSV, written row by row: Vietnamese products with variants.

Shared by the streaming tests and by ``bench/catalog_memory.py``, which measures it at the
size of a real cooperative group's catalog (200,000 variant rows, about 60 MB). Every
product has a long Vietnamese description, its own text, and web photos (so nothing on
disk needs to exist); product cells are written on each product's first row only, as
``listsync`` itself writes a catalog, unless ``repeat`` asks for them on every row.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

HEADER = (
    "sku",
    "variant_sku",
    "option1_name",
    "option1_value",
    "name_vi",
    "name_en",
    "description_vi",
    "description_en",
    "brand",
    "category",
    "images",
    "variant_images",
    "weight_g",
    "length_cm",
    "width_cm",
    "height_cm",
    "price_vnd",
    "variant_price_vnd",
    "origin_commune",
    "origin_province",
    "ocop_stars",
    "ocop_certificate",
    "ocop_issued",
    "ocop_expires",
    "attr.Thành phần",
    "attr.Hạn sử dụng",
)
PRODUCT_CELLS = HEADER.index("name_vi")
"""Columns before this one are on every row; the product's own cells start here."""

SENTENCES = (
    "Chè búp Thái Nguyên được hái vào sáng sớm, sao khô bằng chảo gang theo cách làm truyền "
    "thống của làng nghề.",
    "Mỗi mẻ trà được ướp qua nhiều đêm với gạo sen tươi lấy từ đầm sen Tây Hồ.",
    "Sản phẩm đạt chứng nhận OCOP, được kiểm tra an toàn thực phẩm và đóng gói tại hợp tác xã.",
    "Hộp giấy dó thủ công, thích hợp làm quà biếu dịp Tết Nguyên Đán và các ngày lễ.",
    "Bảo quản nơi khô ráo, thoáng mát, tránh ánh nắng trực tiếp; dùng hết trong vòng mười "
    "hai tháng.",
    "Nước pha có màu vàng xanh trong, hương sen thoang thoảng, vị chát nhẹ rồi ngọt hậu.",
    "Nguyên liệu được người dân trong xã trồng và chăm sóc theo hướng hữu cơ, không dùng "
    "thuốc bảo vệ thực vật.",
    "Mật ong hoa nhãn Hưng Yên sánh đặc, thơm dịu, được quay từ những tổ ong nuôi ven sông Hồng.",
)
PROVINCES = ("Hà Nội", "Thái Nguyên", "Hưng Yên", "Sơn La", "Đắk Lắk", "Lâm Đồng", "Bến Tre")
WEIGHTS = ("100g", "250g", "500g", "1kg", "2kg", "5kg")


def description(number: int, sentences: int) -> str:
    """A long text of its own for product ``number``: the pool's sentences, rotated."""
    picked = [SENTENCES[(number + n) % len(SENTENCES)] for n in range(sentences)]
    return f"Sản phẩm số {number}. " + " ".join(picked)


def product_rows(
    number: int, variants: int, *, sentences: int = 8, repeat: bool = False
) -> Iterator[list[str]]:
    """The rows of product ``number``: one per variant, or one when ``variants`` is 0."""
    sku = f"HTX-{number:06d}"
    province = PROVINCES[number % len(PROVINCES)]
    product = [
        f"Trà sen Tây Hồ ướp bông loại {number}",
        f"West Lake lotus tea no. {number}",
        description(number, sentences),
        f"Green tea scented with lotus flowers, batch {number}. Gift box of dó paper.",
        "HTX Trà sen Quảng An",
        "tea",
        f"https://cdn.htx.vn/{sku}/1.jpg|https://cdn.htx.vn/{sku}/2.jpg",
        "",
        str(100 + number % 900),
        "20",
        "12",
        "8",
        str(50_000 + (number % 400) * 1_000),
        "",
        "Phường Quảng An",
        province,
        str(3 + number % 3),
        f"{number % 9000 + 1000}/QĐ-UBND",
        "2024-06-15",
        "2027-06-15",
        "Chè Thái Nguyên, gạo sen Tây Hồ",
        "12 tháng",
    ]
    if not variants:
        yield [sku, "", "", "", *product]
        return
    blank = [""] * len(product)
    for index in range(variants):
        weight = WEIGHTS[index % len(WEIGHTS)]
        cells = list(product if index == 0 or repeat else blank)
        cells[HEADER.index("variant_images") - PRODUCT_CELLS] = (
            f"https://cdn.htx.vn/{sku}/{weight}.jpg"
        )
        cells[HEADER.index("variant_price_vnd") - PRODUCT_CELLS] = str(60_000 + index * 45_000)
        yield [sku, f"{sku}-{weight}", "Khối lượng", weight, *cells]


def write_csv(
    path: Path, products: int, variants: int = 4, *, sentences: int = 8, repeat: bool = False
) -> Path:
    """The catalog, written as Excel's "CSV UTF-8" (with a BOM) without holding it whole."""
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        for number in range(1, products + 1):
            writer.writerows(product_rows(number, variants, sentences=sentences, repeat=repeat))
    return path
