"""Product → Tiki create request: pure, every problem at once, checked by the sandbox's rules."""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from listsync_tiki.mapping import Mapper, info_changes, load_mapping
from listsync_tiki.sandbox.rules import check_create
from listsync_tiki.settings import TikiSettings

from listsync.catalog.files import load_catalog
from listsync.catalog.model import ChannelOverride, LocalizedText, PriceRule, Product
from listsync.catalog.samples import copy_sample_catalog
from listsync.channel.contract import Money
from listsync.errors import ConfigError
from tests.adapters.tiki.client_support import PHOTOS, tea

WAREHOUSE = 384741
BASE = "https://htx-sen.example.vn/anh"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)


def mapper(tmp_path: Path, **changes: Any) -> Mapper:
    values: dict[str, Any] = {
        "warehouse_id": WAREHOUSE,
        "workspace": tmp_path,
        "image_base_url": BASE,
    }
    values.update(changes)
    return Mapper(load_mapping(), **values)


def sample(tmp_path: Path) -> list[Product]:
    copy_sample_catalog(tmp_path)
    return list(load_catalog(tmp_path / "catalog.yaml").rebased(tmp_path).products)


def test_the_sample_catalog_maps_and_passes_the_sandbox_rules(tmp_path: Path) -> None:
    for product in sample(tmp_path):
        draft = mapper(tmp_path).map(product)
        assert draft.ok, [str(p) for p in draft.problems]
        check_create(draft.payload, status=400, max_images=9, max_name_length=255)
        assert {o.sku for o in draft.offers} == {u.sku for u in product.units()}


def test_a_tea_with_two_sizes(tmp_path: Path) -> None:
    (product,) = [p for p in sample(tmp_path) if p.sku == "TSTH"]
    draft = mapper(tmp_path).map(product)
    payload = draft.payload
    assert payload["category_id"] == 8273
    assert payload["name"] == "Trà sen Tây Hồ ướp bông"
    assert payload["description"].startswith("<p>") and "<br/>" in payload["description"]
    attributes = payload["attributes"]
    assert attributes["brand"] == "HTX Trà sen Quảng An"
    assert attributes["origin"] == "Việt Nam"
    assert attributes["product_weight_kg"] == "0.32"
    assert (attributes["product_length"], attributes["product_width"]) == (20, 12)
    assert attributes["expiry_time"] == "12 tháng"
    assert attributes["ingredients"] == "Chè Thái Nguyên, gạo sen Tây Hồ"
    assert payload["image"] == f"{BASE}/images/tra-sen-tay-ho.png"
    assert payload["option_attributes"] == ["Khối lượng"]
    assert payload["meta_data"] == {"is_auto_turn_on": True}
    small, large = payload["variants"]
    assert small == {
        "sku": "TSTH-100",
        "price": 390_000,
        "option1": "100g",
        "seller_warehouse": str(WAREHOUSE),
        "warehouse_stocks": [{"warehouseId": WAREHOUSE, "qtyAvailable": 0}],
        "image": f"{BASE}/images/tra-sen-100g.png",
    }
    assert large["price"] == 950_000 and large["option1"] == "250g"
    assert [(o.sku, o.price) for o in draft.offers] == [
        ("TSTH-100", Money.vnd(390_000)),
        ("TSTH-250", Money.vnd(950_000)),
    ]
    assert all(isinstance(v["price"], int) for v in payload["variants"])


def test_a_tiki_price_rule_and_title(tmp_path: Path) -> None:
    product = tea(
        sizes=0,
        channels={
            "tiki": ChannelOverride(
                title="Trà sen Tây Hồ hộp quà OCOP", price_rule=PriceRule(markup_percent=Decimal(5))
            )
        },
    )
    draft = mapper(tmp_path).map(product)
    assert draft.payload["name"] == "Trà sen Tây Hồ hộp quà OCOP"
    (variant,) = draft.payload["variants"]
    assert variant["price"] == 409_500 and "option1" not in variant
    assert draft.payload["option_attributes"] == []


def test_web_photos_go_as_they_are_and_local_ones_under_image_base_url(tmp_path: Path) -> None:
    for name in ("ảnh/trà sen.png", "images/x.png"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(PNG)
    product = tea(images=(f"{PHOTOS}/a.png", "ảnh/trà sen.png"))
    draft = mapper(tmp_path).map(product)
    assert draft.payload["image"] == f"{PHOTOS}/a.png"
    assert draft.payload["images"] == [f"{BASE}/%E1%BA%A3nh/tr%C3%A0%20sen.png"]
    assert draft.images == (f"{PHOTOS}/a.png", f"{BASE}/%E1%BA%A3nh/tr%C3%A0%20sen.png")
    inside = mapper(tmp_path).map(tea(images=(str(tmp_path / "images" / "x.png"),)))
    assert inside.payload["image"] == f"{BASE}/images/x.png"


def test_a_local_photo_without_a_web_address_is_a_clear_problem(tmp_path: Path) -> None:
    draft = mapper(tmp_path, image_base_url=None).map(tea(images=("images/tra.png",)))
    assert not draft.ok
    (problem,) = draft.problems
    assert problem.field == "images" and problem.sku == "TSTH"
    assert "image_base_url" in problem.message and "no upload" in problem.message
    outside = mapper(tmp_path).map(tea(images=("/elsewhere/tra.png",)))
    assert [p.field for p in outside.problems] == ["images"]
    assert "outside the workspace" in outside.problems[0].message


def test_a_local_photo_that_is_gone_is_a_problem_found_here(tmp_path: Path) -> None:
    """Tiki fetches a photo from its address itself: a file missing here would only come
    back as Tiki's refusal, so it is reported before anything is sent."""
    draft = mapper(tmp_path).map(tea(images=("images/gone.png",)))
    assert [(p.field, p.message) for p in draft.problems] == [
        ("images", "photo images/gone.png does not exist")
    ]


def test_every_problem_at_once(tmp_path: Path) -> None:
    product = tea(
        category="no-such-category",
        name=LocalizedText(vi="Tr"),
        description=LocalizedText(),
        images=(),
    )
    draft = mapper(tmp_path).map(product)
    fields = sorted(p.field for p in draft.problems)
    assert fields == ["category", "description", "dimensions", "images", "name"]
    assert all(p.sku == "TSTH" for p in draft.problems)


def test_a_required_attribute_of_the_category(tmp_path: Path) -> None:
    draft = mapper(tmp_path).map(tea(attributes={}))
    assert [(p.field, p.message) for p in draft.problems] == [
        ("attributes", "Tiki category 'Trà' requires attribute 'Hạn sử dụng'")
    ]
    given = tea(
        attributes={}, channels={"tiki": ChannelOverride(attributes={"expiry_time": "9 tháng"})}
    )
    assert mapper(tmp_path).map(given).ok


def test_an_update_carries_content_only(tmp_path: Path) -> None:
    payload = mapper(tmp_path).map(tea()).payload
    changes = info_changes(payload)
    assert set(changes) == {"name", "description", "attributes", "image", "images"}
    assert "variants" not in changes and "price" not in changes


def test_the_mapping_file_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "tiki.yaml"
    path.write_text("categories:\n  tea: {id: not-a-number}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"categories\.tea\.id"):
        load_mapping(path)
    with pytest.raises(ConfigError, match="cannot read the Tiki mapping file"):
        load_mapping(tmp_path / "missing.yaml")


def test_the_example_mapping_is_the_shipped_one() -> None:
    root = Path(__file__).parents[3]
    shipped = (root / "adapters" / "listsync_tiki" / "categories.yaml").read_text("utf-8")
    assert (root / "config" / "tiki" / "categories.yaml").read_text("utf-8") == shipped


def test_the_example_settings_are_tiki_settings() -> None:
    root = Path(__file__).parents[3]
    text = (root / "config" / "listsync.example.toml").read_text("utf-8")
    uncommented = re.sub(r"^# (# )?(?=\w+ = |\[[\w.]+\]$)", "", text, flags=re.M)
    section = tomllib.loads(uncommented)["channels"]["tiki"]
    settings = TikiSettings(**section)
    assert (settings.app_type, settings.warehouse_id) == ("public", 384741)
    assert settings.authorize_url == "https://api.tiki.vn/sc/oauth2/auth"
    assert settings.client_secret.get_secret_value() == "…"
