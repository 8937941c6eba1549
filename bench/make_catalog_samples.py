"""Regenerate the sample catalog spreadsheets and images from config/catalog.example.yaml.

    .venv/bin/python bench/make_catalog_samples.py

The YAML file is the one written by hand; catalog.example.csv and catalog.example.xlsx are
made from it with ``save_catalog``, and every image it names gets a small PNG (pure Python,
no imaging library) so the sample catalog can be uploaded to a sandbox as it is.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from pathlib import Path

from listsync.catalog.files import load_catalog, save_catalog
from listsync.catalog.model import Catalog

CONFIG = Path(__file__).resolve().parents[1] / "config"
SOURCE = CONFIG / "catalog.example.yaml"
IMAGE_SIZE = 96


def png(width: int, height: int, pixel: tuple[int, int, int], seed: bytes) -> bytes:
    """A small, valid RGB PNG: a colour wash with a few stripes, different for each seed."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            stripe = (x + y + seed[(y // 12) % len(seed)]) % 24 < 4
            shade = 40 if stripe else (y * 60) // height
            row += bytes(max(0, channel - shade) for channel in pixel)
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def image_paths(catalog: Catalog) -> list[str]:
    paths = {image for product in catalog.products for image in product.images}
    for product in catalog.products:
        paths.update(image for variant in product.variants for image in variant.images)
    return sorted(paths)


def write_images(catalog: Catalog) -> None:
    for relative in image_paths(catalog):
        seed = hashlib.sha256(relative.encode()).digest()
        colour = (150 + seed[0] % 100, 120 + seed[1] % 120, 90 + seed[2] % 140)
        target = CONFIG / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(png(IMAGE_SIZE, IMAGE_SIZE, colour, seed))


def main() -> None:
    catalog = load_catalog(SOURCE)
    for suffix in (".csv", ".xlsx"):
        target = SOURCE.with_suffix(suffix)
        save_catalog(catalog, target)
        assert load_catalog(target).products == catalog.products, target
        print(f"wrote {target.relative_to(CONFIG.parent)}")
    write_images(catalog)
    print(f"wrote {len(image_paths(catalog))} images under config/images/")


if __name__ == "__main__":
    main()
