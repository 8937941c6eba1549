"""The HTML report: one self-contained file, read back with html.parser, and seen in Chromium."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from listsync.ledger.database import Ledger
from listsync.report.formats import deliver
from listsync.report.html import chart_svg, nice_step, render_html
from tests.report.support import BY_DAY, LONG_NAME, RATE, STOCK, TOTAL, report, shop_ledger


class Page(HTMLParser):
    """Tables as lists of rows of cell texts; every tag and attribute; the SVG marks' titles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.titles: list[str] = []
        self.texts: list[str] = []
        self._cell: list[str] | None = None
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in.append(tag)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

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
        if self._in and self._in[-1] == "text":
            self.texts.append(data)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Ledger:
    return shop_ledger(tmp_path_factory.mktemp("shop"))


@pytest.fixture(scope="module")
def page(ledger: Ledger) -> tuple[str, Page]:
    html = render_html(report(ledger, usd_vnd_rate=RATE))
    parsed = Page()
    parsed.feed(html)
    parsed.close()
    return html, parsed


def test_is_utf8_and_self_contained(page: tuple[str, Page]) -> None:
    html, parsed = page
    assert ("meta", {"charset": "utf-8"}) in parsed.tags
    names = {tag for tag, _attrs in parsed.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed"}
    attributes = {name for _tag, attrs in parsed.tags for name in attrs}
    assert not attributes & {"src", "href", "srcset"}
    assert "url(" not in html and "@import" not in html
    assert re.findall(r"https?://[^\"' ]+", html) == ["http://www.w3.org/2000/svg"]  # a name


def test_orders_table_holds_the_hand_count(page: tuple[str, Page]) -> None:
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
    assert body["2026-11-21"][1:] == ["4", "1", "0", "14", "985.000", "32.50", "1.810.500"]
    assert orders[-1] == ["Total", "7", "1", "1", "18", "1.725.000", "32.50", "2.550.500"]


def test_stock_table_keeps_vietnamese_whole(page: tuple[str, Page]) -> None:
    html, parsed = page
    stock = next(table for table in parsed.tables if table[0][0] == "SKU")
    rows = {row[0]: row for row in stock[1:]}
    assert {sku: tuple(int(v) for v in row[2:6]) for sku, row in rows.items()} == STOCK
    assert rows["CBT"][1] == LONG_NAME  # whole: a page has room
    assert rows["BUN"][6:] == ["—", "90", "97"]
    assert "Trà sen Tây Hồ" in html  # as UTF-8 text, not mangled


def test_chart_has_a_bar_per_channel_and_day_with_orders(page: tuple[str, Page]) -> None:
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
    assert {"Orders", "Day (Asia/Ho_Chi_Minh)", "20/11", "0", "2"} <= set(parsed.texts)


def test_cards_show_the_totals(page: tuple[str, Page]) -> None:
    html, _parsed = page
    cards = re.findall(r'<div class="card"><b>([^<]*)</b><span>([^<]*)</span>', html)
    assert dict((label, value) for value, label in cards) == {
        "Orders": "7",
        "Cancelled": "1",
        "Returned": "1",
        "Units": "18",
        "Revenue (VND)": "1.725.000",
        "Revenue (USD)": "32.50",
        "Total (VND, USD converted at 25400)": "2.550.500",
    }


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
    from datetime import date

    svg = chart_svg(report(ledger, start=date(2025, 1, 1), end=date(2025, 1, 31)))
    assert "No orders in this period" in svg and "<rect x" in svg
    assert "<title>" not in svg


def test_a_long_period_draws_lines(ledger: Ledger) -> None:
    from datetime import date

    svg = chart_svg(report(ledger, start=date(2026, 1, 1), end=date(2026, 12, 31)))
    assert svg.count("<polyline") == 3 and "<title>shopee</title>" in svg


@pytest.mark.parametrize(
    ("peak", "step"), [(1, 1), (5, 1), (6, 2), (10, 2), (11, 5), (40, 10), (51, 20), (999, 200)]
)
def test_nice_steps(peak: int, step: int) -> None:
    assert nice_step(peak) == step


# -- seen in a browser ----------------------------------------------------------------------
def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and unfiltered rows of an 8-bit RGB or RGBA PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat, header = 8, b"", b""
    while at < len(data):
        (size,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + size]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        at += 12 + size
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6)
    step = 3 if colour == 2 else 4
    raw, stride, rows = zlib.decompress(idat), width * step, []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for x in range(stride):
            a = line[x - step] if x >= step else 0
            b, c = previous[x], previous[x - step] if x >= step else 0
            if kind == 1:
                line[x] = (line[x] + a) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + b) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows


@pytest.mark.skipif(
    shutil.which("chromium") is None and not os.environ.get("CI"),
    reason="chromium is not installed (CI installs it: there this test never skips)",
)
def test_chromium_draws_the_page(ledger: Ledger, tmp_path: Path) -> None:
    _text, written = deliver(report(ledger, usd_vnd_rate=RATE), "html", None, tmp_path)
    assert written is not None
    shot = tmp_path / "shot.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                f"--screenshot={shot}",
                "--window-size=1000,900",
                written.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    width, height, rows = png_pixels(shot.read_bytes())
    assert (width, height) == (1000, 900)
    step = len(rows[0]) // width
    pixels = {row[x : x + 3] for row in rows[::3] for x in range(0, len(row), step * 3)}
    assert len(pixels) > 20  # text, lines and bars: not a blank page
    blue, orange, green = bytes((0, 114, 178)), bytes((230, 159, 0)), bytes((0, 158, 115))
    drawn = {row[x : x + 3] for row in rows for x in range(0, len(row), step)}
    assert {blue, orange, green} <= drawn  # the three channels' bars and legend
