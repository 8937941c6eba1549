"""The HTML report: one self-contained file, read back with html.parser, and seen in Chromium
on a phone (390 px) and a laptop (1280 px): nothing scrolls sideways, the chart and the names
are readable, every amount shows its currency, and it still prints as tables."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from listsync import i18n
from listsync.ledger.database import Ledger
from listsync.report.chart import PALETTE, chart_html, nice_step
from listsync.report.formats import deliver
from listsync.report.html import render_html
from tests.browser import LAPTOP, PHONE, colours, png_pixels, window
from tests.report.support import (
    BY_CHANNEL,
    BY_DAY,
    LONG_NAME,
    LONG_TOKEN,
    LOTUS_TEA,
    RATE,
    STOCK,
    TOTAL,
    big_catalog,
    big_report,
    big_shop_ledger,
    report,
    shop_ledger,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser


class Parsed(HTMLParser):
    """Tables as lists of rows of cell texts; every tag and attribute; the SVG marks' titles;
    the chart's words; each cell's data-label."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.labels: list[list[list[str | None]]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.titles: list[str] = []
        self.texts: list[str] = []
        self._cell: list[str] | None = None
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag != "br":
            self._in.append(tag)
        if tag == "table":
            self.tables.append([])
            self.labels.append([])
        elif tag == "tr":
            self.tables[-1].append([])
            self.labels[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
            self.labels[-1][-1].append(dict(attrs).get("data-label"))

    def handle_endtag(self, tag: str) -> None:
        while self._in and self._in.pop() != tag:
            pass
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._in and self._in[-1] == "title" and "svg" in self._in:
            self.titles.append(data)
        if "figure" in self._in and "svg" not in self._in and data.strip():
            self.texts.append(data)


@contextmanager
def language(code: str) -> Iterator[None]:
    before = i18n.current_language()
    i18n.set_language(code)
    try:
        yield
    finally:
        i18n.set_language(before)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Ledger:
    return shop_ledger(tmp_path_factory.mktemp("shop"))


@pytest.fixture(scope="module")
def page(ledger: Ledger) -> tuple[str, Parsed]:
    html = render_html(report(ledger, usd_vnd_rate=RATE))
    return html, parse(html)


def parse(html: str) -> Parsed:
    parsed = Parsed()
    parsed.feed(html)
    parsed.close()
    return parsed


def test_is_utf8_and_self_contained(page: tuple[str, Parsed]) -> None:
    html, parsed = page
    assert ("meta", {"charset": "utf-8"}) in parsed.tags
    names = {tag for tag, _attrs in parsed.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed"}
    attributes = {name for _tag, attrs in parsed.tags for name in attrs}
    assert not attributes & {"src", "href", "srcset"}
    assert "url(" not in html and "@import" not in html
    assert re.findall(r"https?://[^\"' ]+", html) == ["http://www.w3.org/2000/svg"]  # a name


def test_orders_table_holds_the_hand_count(page: tuple[str, Parsed]) -> None:
    _html, parsed = page
    orders = next(table for table in parsed.tables if table[0][0] == "Day")
    assert orders[0] == [
        "Day",
        "Orders",
        "Cancelled",
        "Returned",
        "Units",
        "Revenue (VND)",
        "Revenue (USD)",
        "Total (VND, USD converted at 25400)",
    ]
    body = {row[0]: row for row in orders[1:-1]}
    assert set(body) == set(BY_DAY)
    assert body["2026-11-21"][1:] == ["4", "1", "0", "14", "985.000 ₫", "32.50 USD", "1.810.500 ₫"]
    assert orders[-1] == [
        "Total",
        *("7", "1", "1", "18"),
        *("1.725.000 ₫", "32.50 USD", "2.550.500 ₫"),
    ]


def test_every_cell_is_labelled_with_its_column(page: tuple[str, Parsed]) -> None:
    """A phone shows each row as a card: every figure needs its column's name beside it."""
    _html, parsed = page
    for table, labels in zip(parsed.tables, parsed.labels, strict=True):
        head = table[0]
        assert labels[0] == [None] * len(head)  # the header's own cells
        for cells, row_labels in zip(table[1:], labels[1:], strict=True):
            assert row_labels == (["", *head[1:]] if cells[0] == "Total" else head)


def test_a_day_without_orders_is_quiet(page: tuple[str, Parsed]) -> None:
    html, _parsed = page
    quiet = re.findall(
        r'<tr class="quiet" data-quiet="No orders"><td class="key" [^>]*>([^<]*)', html
    )
    assert quiet == [day for day, figures in BY_DAY.items() if figures[0] == 0]


def test_stock_table_keeps_vietnamese_whole(page: tuple[str, Parsed]) -> None:
    html, parsed = page
    stock = next(table for table in parsed.tables if table[0][0] == "SKU")
    rows = {row[0]: row for row in stock[1:]}
    assert {sku: tuple(int(v) for v in row[2:6]) for sku, row in rows.items()} == STOCK
    assert rows["CBT"][1] == LONG_NAME  # whole: a page has room
    assert rows["BUN"][6:] == ["—", "90", "97"]
    assert "Trà sen Tây Hồ" in html  # as UTF-8 text, not mangled


def test_chart_has_a_bar_per_channel_and_day_with_orders(page: tuple[str, Parsed]) -> None:
    _html, parsed = page
    assert sorted(parsed.titles) == sorted(
        [
            "alibaba, 2026-11-21: 1 order",
            "lazada, 2026-11-21: 1 order",
            "lazada, 2026-11-22: 2 orders",
            "shopee, 2026-11-20: 1 order",
            "shopee, 2026-11-21: 2 orders",
        ]
    )
    total = sum(int(title.rsplit(": ", 1)[1].split()[0]) for title in parsed.titles)
    assert total == TOTAL[0]
    assert {"alibaba", "lazada", "shopee"} <= set(parsed.texts)  # the legend
    assert {"Orders", "Day (Asia/Ho_Chi_Minh)", "20/11", "0", "4"} <= set(parsed.texts)


def test_cards_show_the_totals(page: tuple[str, Parsed]) -> None:
    html, _parsed = page
    cards = re.findall(r'<div class="card"><b>([^<]*)</b><span>([^<]*)</span>', html)
    assert dict((label, value) for value, label in cards) == {
        "Orders": "7",
        "Cancelled": "1",
        "Returned": "1",
        "Units": "18",
        "Revenue (VND)": "1.725.000 ₫",
        "Revenue (USD)": "32.50 USD",
        "Total (VND, USD converted at 25400)": "2.550.500 ₫",
    }


def test_each_channel_has_a_card_in_its_chart_colour(page: tuple[str, Parsed]) -> None:
    html, _parsed = page
    cards = re.findall(
        r'<div class="card"><h3><svg class="swatch"[^>]*><rect [^>]*fill="(#\w+)"/></svg>'
        r"(\w+)</h3><dl><dt>Orders</dt><dd>([^<]*)</dd><dt>Units</dt><dd>([^<]*)</dd>"
        r"<dt>Revenue</dt><dd>([^<]*)</dd></dl></div>",
        html,
    )
    revenue = {"alibaba": "32.50 USD", "lazada": "1.350.000 ₫", "shopee": "375.000 ₫"}
    assert cards == [
        (PALETTE[index], name, str(figures[0]), str(figures[3]), revenue[name])
        for index, (name, figures) in enumerate(sorted(BY_CHANNEL.items()))
    ]


def test_amounts_are_written_with_their_currency_in_vietnamese(ledger: Ledger) -> None:
    with language("vi"):
        parsed = parse(render_html(report(ledger, usd_vnd_rate=RATE)))
    orders = parsed.tables[0]
    assert orders[-1][5:] == ["1.725.000 ₫", "US$32.50", "2.550.500 ₫"]


def test_a_name_with_markup_is_escaped(tmp_path: Path) -> None:
    from listsync.catalog.model import LocalizedText, Product

    ledger = shop_ledger(tmp_path)
    odd = Product(
        sku="ODD",
        name=LocalizedText(vi='Trà <script>alert("x")</script> & "sen"'),
        category="tea",
        weight_g=100,
        price_vnd=1000,
    )
    ledger.upsert_products([*ledger.products(), odd])
    html = render_html(report(ledger))
    assert "<script>" not in html
    assert "Trà &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;sen&quot;" in html


def test_an_empty_period_says_so(ledger: Ledger) -> None:
    chart = chart_html(report(ledger, start=date(2025, 1, 1), end=date(2025, 1, 31)))
    assert "No orders in this period" in chart and "<line " in chart
    assert "<title>" not in chart and "<rect x" not in chart


def test_a_long_period_draws_lines(ledger: Ledger) -> None:
    chart = chart_html(report(ledger, start=date(2026, 1, 1), end=date(2026, 12, 31)))
    assert chart.count("<polyline") == 3 and "<title>shopee</title>" in chart


def test_a_phone_shows_fewer_day_ticks(ledger: Ledger) -> None:
    """A month: every other day on a wide screen, every fourth on a phone (``wide`` hidden)."""
    chart = chart_html(report(ledger, start=date(2026, 11, 1), end=date(2026, 11, 30)))
    ticks = re.findall(r'<span( class="wide")? style="left:[\d.]+%">(\d\d)/11</span>', chart)
    assert [day for _wide, day in ticks] == [f"{day:02d}" for day in range(1, 31, 2)]
    assert [day for wide, day in ticks if not wide] == [f"{day:02d}" for day in range(1, 31, 4)]


def test_listings_to_fix_show_each_reason_apart(tmp_path: Path) -> None:
    html = render_html(big_report(big_shop_ledger(tmp_path)))
    section = html[html.index('<ul class="to-fix">') :]
    assert re.findall(r"<li>([^<]*)</li>", section) == [
        "Hình ảnh sản phẩm bị mờ, cần ảnh bìa nền trắng tối thiểu 500 × 500 px",
        f"Thiếu giấy chứng nhận OCOP ({LONG_TOKEN})",
    ]
    assert "<li><b>CBT on tiki</b>" in section


@pytest.mark.parametrize(
    ("peak", "step"), [(1, 1), (5, 1), (6, 2), (10, 2), (11, 5), (40, 10), (51, 20), (999, 200)]
)
def test_nice_steps(peak: int, step: int) -> None:
    assert nice_step(peak) == step


# -- seen in a browser ----------------------------------------------------------------------
# What the page measures in the browser; names: the product names the report shows. The
# header row may stay in the page for screen readers, clipped to nothing: it is not measured.
MEASURE = """names => {
  const rect = element => element.getBoundingClientRect();
  const lines = element => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const tops = [...range.getClientRects()].filter(box => box.width > 0).map(box => box.top);
    return new Set(tops.map(Math.round)).size;
  };
  const words = element => [...element.childNodes].some(
    node => node.nodeType === Node.TEXT_NODE && node.textContent.trim());
  const chart = document.querySelector("figure");
  const cells = [...document.querySelectorAll("td")];
  const dong = [];
  for (const table of document.querySelectorAll("table")) {
    const heads = [...table.querySelectorAll("th")].map(th => th.textContent);
    for (const row of table.querySelectorAll("tbody tr, tfoot tr")) {
      heads.forEach((head, index) => {
        const cell = row.children[index];
        if (head.includes("VND") && cell) dong.push(cell.textContent);
      });
    }
  }
  const fix = document.querySelector(".to-fix");
  return {
    viewport: window.innerWidth,
    content: rect(document.querySelector("h1")).right,
    page: document.documentElement.scrollWidth,
    chart: {left: rect(chart).left, right: rect(chart).right, width: rect(chart).width},
    chartText: Math.min(...[...chart.querySelectorAll("*")].filter(words).filter(
      element => element.tagName !== "title").map(element => rect(element).height)),
    widest: Math.max(...[...document.body.querySelectorAll("*")].filter(
      element => !element.closest("thead")).map(element => rect(element).right)),
    tables: [...document.querySelectorAll("table")].map(table => rect(table).right),
    names: cells.filter(cell => names.some(name => cell.textContent.startsWith(name))).map(
      cell => ({name: cell.textContent, width: rect(cell).width, lines: lines(cell)})),
    dong: dong,
    channelCards: document.querySelectorAll(".channels .card").length,
    toFix: [...fix.children].map(item => ({
      width: rect(item).width, overflow: item.scrollWidth - item.clientWidth})),
  };
}"""


@pytest.fixture(scope="module")
def big_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bigger shop's report as the CLI writes it, in Vietnamese (what goes out by Zalo)."""
    folder = tmp_path_factory.mktemp("big")
    with language("vi"):
        _text, written = deliver(big_report(big_shop_ledger(folder)), "html", None, folder)
    assert written is not None
    return written


def big_names() -> list[str]:
    return [product.name.vi for product in big_catalog()]


@pytest.mark.parametrize("size", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_report_reads_on_a_phone_and_a_laptop(
    browser: Browser, big_page: Path, screenshots: Path, size: tuple[int, int]
) -> None:
    width, height = size
    with window(browser, size) as page:
        page.goto(big_page.as_uri())
        seen = page.evaluate(MEASURE, big_names())
        page.screenshot(path=screenshots / f"report-{width}x{height}.png", full_page=True)
        chart_colours = colours(page.locator("figure").screenshot())
    assert seen["viewport"] == width  # a phone did not shrink a too-wide page to fit
    assert seen["page"] <= width and seen["widest"] <= width + 0.5  # nothing scrolls sideways
    assert all(right <= seen["content"] + 0.5 for right in seen["tables"])  # within the page
    chart = seen["chart"]
    assert chart["left"] >= 0 and chart["right"] <= width
    assert chart["width"] >= 0.8 * min(width, 1120)  # the chart takes the width it has
    assert seen["chartText"] >= 10  # its words are as big as the page's, not shrunk with it
    assert {bytes.fromhex(colour[1:]) for colour in PALETTE[:4]} <= chart_colours
    names = seen["names"]
    assert {cell["name"] for cell in names} >= {LOTUS_TEA, LONG_NAME}
    narrowest = 0.8 * width if width < 600 else 0.2 * width  # stacked on a phone: nearly all
    for cell in names:
        assert cell["width"] >= narrowest and cell["lines"] <= 3, cell
    assert len(seen["dong"]) >= 10
    assert all(re.fullmatch(r"\d{1,3}(\.\d{3})* ₫", text) for text in seen["dong"]), seen["dong"]
    assert "2.434.875.000 ₫" in seen["dong"]
    assert seen["channelCards"] == 4
    assert seen["toFix"] and all(item["overflow"] <= 0 for item in seen["toFix"])
    assert all(item["width"] >= 0.8 * min(width, 1120) - 32 for item in seen["toFix"])


def test_a_phone_shows_each_row_as_a_card_of_labelled_figures(
    browser: Browser, big_page: Path
) -> None:
    with window(browser, PHONE) as page:
        page.goto(big_page.as_uri())
        cards = page.evaluate(
            """() => [...document.querySelectorAll("tbody tr")].map(row => ({
                shown: getComputedStyle(row).display,
                cells: [...row.querySelectorAll("td")].filter(
                  cell => getComputedStyle(cell).display !== "none").map(cell => ({
                    label: cell.dataset.label,
                    before: getComputedStyle(cell, "::before").content}))}))"""
        )
        head = page.evaluate("getComputedStyle(document.querySelector('thead')).position")
    assert head == "absolute"  # the header row is left to screen readers
    assert len(cards) == 4 + 5  # products, then stock units
    for card in cards:
        assert card["shown"] == "grid"
        for cell in card["cells"]:
            assert cell["label"] and cell["before"] == f'"{cell["label"]}"'


def test_the_page_prints_as_tables_even_from_a_phone(browser: Browser, big_page: Path) -> None:
    with window(browser, PHONE) as page:
        page.goto(big_page.as_uri())
        page.emulate_media(media="print")
        shown = page.evaluate(
            """() => [...document.querySelectorAll("table")].map(table => [
                getComputedStyle(table).display,
                getComputedStyle(table.querySelector("thead")).display])"""
        )
        pdf = page.pdf(format="A4")
    assert shown == [["table", "table-header-group"]] * 2
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


def test_chromium_draws_the_page_in_the_channel_colours(
    browser: Browser, ledger: Ledger, tmp_path: Path
) -> None:
    _text, written = deliver(report(ledger, usd_vnd_rate=RATE), "html", None, tmp_path)
    assert written is not None
    with window(browser, (1000, 900)) as page:
        page.goto(written.as_uri())
        shot = page.screenshot()
        chart = page.locator("figure").screenshot()
    width, height, rows = png_pixels(shot)
    assert (width, height) == (1000, 900)
    step = len(rows[0]) // width
    pixels = {row[x : x + 3] for row in rows[::3] for x in range(0, len(row), step * 3)}
    assert len(pixels) > 20  # text, lines and bars: not a blank page
    blue, orange, green = bytes((0, 114, 178)), bytes((230, 159, 0)), bytes((0, 158, 115))
    assert {blue, orange, green} <= colours(chart)  # the three channels' bars and legend
