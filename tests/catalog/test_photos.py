"""A catalog's photos: inside its folder, real images, never a file from elsewhere."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from listsync.catalog.files import load_catalog
from listsync.catalog.photos import MAX_PHOTO_BYTES, check_photo, photo_type
from tests.catalog.support import (
    JPEG,
    PNG,
    load,
    make_photos,
    only_problem,
    problems,
    row,
    write_csv,
)
from tests.cli.test_main import ledger_bytes, run

WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(16)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A catalog folder inside ``tmp_path``, with a real photo, and a photo outside it."""
    inside = tmp_path / "catalog"
    make_photos(inside, ["images/tra-sen.png"])
    make_photos(tmp_path, ["elsewhere/secret.png"])
    return inside


@pytest.mark.parametrize(
    "ref",
    [
        "../../../etc/passwd",
        "/etc/shadow",
        "images/../../../root/.bashrc",
        "../elsewhere/secret.png",  # a real image, but outside
    ],
)
def test_a_photo_outside_the_catalog_folder_is_a_mistake_on_its_row(folder: Path, ref: str) -> None:
    path = write_csv(folder, [row(sku="A", images="images/tra-sen.png"), row(sku="B", images=ref)])
    found_row, field, message = only_problem(path)
    assert (found_row, field) == (3, "images")
    assert "outside the catalog's folder" in message and ref in message


def test_a_link_out_of_the_folder_is_followed_and_refused(folder: Path) -> None:
    (folder / "images" / "link.png").symlink_to(folder.parent / "elsewhere" / "secret.png")
    (folder / "linked").symlink_to(folder.parent / "elsewhere")
    for ref in ("images/link.png", "linked/secret.png"):
        found_row, field, message = only_problem(write_csv(folder, [row(images=ref)]))
        assert (found_row, field) == (2, "images")
        assert f"{ref} is outside the catalog's folder" in message


def test_nothing_outside_is_ever_opened(folder: Path) -> None:
    """A FIFO blocks whoever opens it: the check must answer without opening it."""
    fifo = folder.parent / "elsewhere" / "pipe.png"
    os.mkfifo(fifo)
    assert "outside" in (check_photo("../elsewhere/pipe.png", folder) or "")
    os.mkfifo(folder / "images" / "pipe.png")
    assert "not a photo file" in (check_photo("images/pipe.png", folder) or "")


def test_a_folder_named_in_the_settings_is_allowed(folder: Path) -> None:
    path = write_csv(folder, [row(images="../elsewhere/secret.png")])
    loaded = load_catalog(path, photo_dirs=[folder.parent / "elsewhere"])
    assert loaded.products[0].images == ("../elsewhere/secret.png",)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some text, named .jpg", "is not a JPEG, PNG or WebP image"),
        (b"", "is not a JPEG, PNG or WebP image"),
        (b"GIF89a" + bytes(10), "is not a JPEG, PNG or WebP image"),
    ],
)
def test_a_file_that_is_not_an_image_is_refused(folder: Path, content: bytes, message: str) -> None:
    (folder / "images" / "fake.jpg").write_bytes(content)
    path = write_csv(folder, [row(images="images/fake.jpg")])
    assert only_problem(path)[1:] == ("images", f"images/fake.jpg {message}")


def test_a_missing_photo_and_an_oversized_one(folder: Path) -> None:
    big = folder / "images" / "big.jpg"
    with big.open("wb") as file:
        file.write(JPEG)
        file.truncate(MAX_PHOTO_BYTES + 2 * 1024 * 1024)
    rows = [row(sku="A", images="images/none.png"), row(sku="B", images="images/big.jpg")]
    assert problems(write_csv(folder, rows)) == [
        (2, "images", "photo images/none.png does not exist"),
        (3, "images", "photo images/big.jpg is 12 MB; marketplaces take at most 10 MB"),
    ]


def test_variant_photos_are_checked_on_the_variant_row(folder: Path) -> None:
    rows = [
        row(sku="T", variant_sku="T-1", option1_name="Cỡ", option1_value="1"),
        row(
            sku="T",
            variant_sku="T-2",
            option1_name="Cỡ",
            option1_value="2",
            variant_images="/etc/passwd",
        ),
    ]
    assert only_problem(write_csv(folder, rows))[:2] == (3, "variant_images")


@pytest.mark.parametrize("ref", ["file:///etc/passwd", "ftp://example.com/a.jpg"])
def test_only_web_addresses_are_not_files(folder: Path, ref: str) -> None:
    message = only_problem(write_csv(folder, [row(images=ref)]))[2]
    assert "neither a file nor a web address" in message


def test_real_images_and_web_addresses_pass(folder: Path) -> None:
    (folder / "images" / "a.webp").write_bytes(WEBP)
    (folder / "images" / "b.jpg").write_bytes(JPEG)
    refs = "images/tra-sen.png|images/a.webp|images/b.jpg|https://cdn.example.vn/x.jpg"
    product = load(write_csv(folder, [row(images=refs)])).products[0]
    assert len(product.images) == 4
    assert [photo_type(x) for x in (PNG, JPEG, WEBP, b"BM")] == ["png", "jpeg", "webp", None]


def test_validate_and_import_refuse_and_change_nothing(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    assert run("init", str(workspace)).exit_code == 0
    assert run("-w", str(workspace), "catalog", "import").exit_code == 0
    before = ledger_bytes(workspace)
    catalog = workspace / "catalog.yaml"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(
        text.replace("images/tra-sen-tay-ho.png", "../../../etc/passwd", 1), encoding="utf-8"
    )
    for args in (
        ("catalog", "validate", str(catalog)),
        ("-w", str(workspace), "catalog", "import"),
    ):
        result = run(*args)
        assert result.exit_code == 2
        assert "catalog.yaml:" in result.output and "images" in result.output
        assert "../../../etc/passwd is outside the catalog's folder" in result.output
        assert "Traceback" not in result.output
    assert ledger_bytes(workspace) == before
