"""``listsync web`` in a real browser (headless Debian chromium, tests/browser.py): the clerk's
ways through it, on a phone's width and a laptop's, against the Shopee and Lazada sandboxes.

Screenshots of every page go to ``$LISTSYNC_SCREENSHOTS`` when it is set (the README's come
from there), else to the test's own folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from listsync.catalog.files import save_catalog
from listsync.catalog.model import Catalog
from listsync.channel.contract import ListingState
from listsync.ledger.records import ListingRecord
from tests.browser import LAPTOP, PHONE, window
from tests.sync.support import SandboxWorkspace
from tests.web.support import Web, saved_shop, shop_id_line

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

PAGES = {
    "overview": "/",
    "products": "/products",
    "catalog": "/catalog",
    "stock": "/stock",
    "sync": "/sync",
    "shops": "/shops",
    "report": "/report",
    "schedule": "/schedule",
}
WAIT = 30_000  # ms


@pytest.fixture
def phone(browser: Browser, web: Web) -> Iterator[Page]:
    with window(browser, PHONE) as page:
        page.set_default_timeout(WAIT)
        yield page


def sideways(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0: nothing to scroll to)."""
    width: int = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    return width


def test_a_catalog_with_mistakes_is_fixed_then_imported(
    phone: Page, web: Web, shop: SandboxWorkspace, tmp_path: Path
) -> None:
    good = tmp_path / "san-pham.csv"
    save_catalog(Catalog(products=tuple(shop.ledger.products())), good)
    text = good.read_text(encoding="utf-8-sig")
    header, first, *rest = text.splitlines()
    columns = header.split(",")
    cells = first.split(",")
    cells[columns.index("price_vnd")] = "12,5"  # a decimal price: a mistake
    bad = tmp_path / "san-pham-loi.csv"
    bad.write_text("\n".join([header, ",".join(cells), *rest]) + "\n", encoding="utf-8-sig")

    phone.goto(web.link("/catalog"))
    phone.set_input_files("#file", str(bad))
    phone.click("#check")
    problems = phone.locator("#problems tbody tr")
    assert problems.count() >= 1
    assert "nothing was imported" in phone.inner_text("#problems-head")
    assert "price_vnd" in phone.inner_text("#problems")
    assert sideways(phone) == 0

    fixed = text.replace("Trà sen Tây Hồ", "Trà sen Tây Hồ thượng hạng", 1)
    good.write_text(fixed, encoding="utf-8-sig")
    phone.set_input_files("#file", str(good))
    phone.click("#check")
    assert "no problems" in phone.inner_text("#checked")
    assert "TSTH" in phone.inner_text("main")
    phone.click("#import")
    assert "imported" in phone.inner_text(".message")
    assert "thượng hạng" in shop.ledger.product("TSTH").model_dump_json()  # type: ignore[union-attr]


def test_a_count_is_entered_checked_and_applied(
    phone: Page, web: Web, shop: SandboxWorkspace
) -> None:
    phone.goto(web.link("/stock"))
    assert sideways(phone) == 0
    phone.fill('input[aria-label="Counted TSTH-100"]', "27")
    phone.click("#plan-count")
    moves = phone.inner_text("#moves")
    assert "TSTH-100" in moves and "-3" in moves
    assert shop.on_hand()["TSTH-100"] == 30
    phone.click("#apply")
    assert "1 SKU changed" in phone.inner_text(".message")
    assert shop.on_hand()["TSTH-100"] == 27


def test_a_shop_is_connected_through_the_marketplaces_consent_page(
    phone: Page, web: Web, shop: SandboxWorkspace
) -> None:
    lazada = shop.servers["lazada"].root_url
    config = shop_id_line(shop.root, "lazada", 'shop_id = "VN0000001"')  # another shop
    seen: list[str] = []
    phone.on("request", lambda request: seen.append(request.url))
    phone.goto(web.link("/shops"))
    phone.click("#connect-lazada")
    phone.wait_for_url(web.link("/shops"))
    assert any(url.startswith(lazada) for url in seen)  # the consent page itself
    assert any("/listsync/callback?" in url and "code=" in url for url in seen)
    message = phone.inner_text(".message")
    assert message == (
        f"lazada: shop {shop.shop('lazada')} is connected; its shop_id is saved in {config}"
        " (it was VN0000001)."
    )
    assert saved_shop(shop.root, "lazada") == shop.shop("lazada")  # what the next sync uses
    assert sideways(phone) == 0


def test_a_sync_shows_its_progress_to_the_end(
    phone: Page, web: Web, shop: SandboxWorkspace
) -> None:
    # Lazada answers slowly for a moment, so the run is seen going
    shop.fault("lazada", method="*", path="/rest/*", action="latency", seconds=0.3, times=6)
    errors: list[str] = []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    phone.goto(web.link("/sync"))
    phone.click("#start")
    phone.wait_for_selector("#progress")
    assert "Syncing" in phone.inner_text("#progress h2")
    assert phone.locator("#progress progress").count() == 2  # a bar per channel
    assert phone.locator("#start").is_disabled()
    # the page's CSP allows no eval, so wait on an element rather than a script
    phone.locator("#progress h2", has_text="The sync is done").wait_for(timeout=60_000)
    done = phone.inner_text("#progress")
    assert "shopee — ok" in done and "lazada — ok" in done
    assert "Run 1 recorded" in phone.inner_text("#summary")
    assert phone.locator("#start").is_enabled()  # the page came back whole
    assert [run.status for run in shop.ledger.runs()] == ["ok"]
    assert sideways(phone) == 0
    assert errors == []  # htmx polled within the CSP (no eval, no inline style or script)


@pytest.mark.parametrize("size", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_every_page_fits_the_screen_in_vietnamese(
    browser: Browser, web: Web, shop: SandboxWorkspace, screenshots: Path, size: tuple[int, int]
) -> None:
    assert shop.sync(pull=False).ok  # published: the first pull then reads days back
    shop.orders("shopee", count=4, days=2)
    shop.orders("lazada", count=3, days=2)
    assert shop.sync().ok
    assert shop.ledger.order_count() == 7
    shop.ledger.save_listing(
        ListingRecord(
            "GIO-UL-1KG",
            "lazada",
            shop.shop("lazada"),
            ListingState.REJECTED,
            remote_id="777",
            reasons=("Ảnh bìa bị mờ: hãy dùng ảnh từ 500 × 500 px",),
        )
    )
    width, _height = size
    with window(browser, size) as page:
        page.set_default_timeout(WAIT)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(web.link("/lang/vi?next=/"))
        assert page.get_attribute("html", "lang") == "vi"
        for name, path in PAGES.items():
            page.goto(web.link(path))
            assert sideways(page) == 0, (name, sideways(page))
            assert page.get_attribute("html", "lang") == "vi"
            page.screenshot(path=screenshots / f"web-{name}-{width}.png")
        assert errors == []  # no script error, nothing the page's CSP had to block
        if width < 600:  # the menu folds behind its button
            assert not page.is_visible(".nav a[href='/report']")
            page.click(".menu-button")
            assert page.is_visible(".nav a[href='/report']")
