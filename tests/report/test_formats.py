"""Every format of the report: read back and compared with the figures counted by hand."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from listsync.errors import InputError
from listsync.ledger.database import Ledger
from listsync.report.formats import (
    csv_field,
    deliver,
    render_csv,
    render_table,
    report_data,
    write_xlsx,
)
from listsync.report.model import BY_CHOICES
from listsync.report.table import Column, cell_width, fit_table
from tests.report.support import (
    BY_CHANNEL,
    BY_DAY,
    BY_PRODUCT,
    CONVERTED_TOTAL,
    GIVEN,
    LONG_NAME,
    RATE,
    STOCK,
    TOTAL,
    report,
    shop_ledger,
)

KEYS = ("Orders", "Cancelled", "Returned", "Units", "Revenue (VND)", "Revenue (USD)")


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Ledger:
    return shop_ledger(tmp_path_factory.mktemp("shop"))


def hand(values: dict[str, Any], *, usd: Any = str) -> tuple[Any, ...]:
    """A row read back, in the order of report_support's tuples."""
    return (*(int(values[k]) for k in KEYS[:5]), usd(values[KEYS[5]]))


# -- the 80-column table --------------------------------------------------------------------
@pytest.mark.parametrize("by", BY_CHOICES)
@pytest.mark.parametrize("rate", [None, RATE])
def test_table_fits_80_columns(ledger: Ledger, by: str, rate: Decimal | None) -> None:
    text = render_table(report(ledger, by=by, usd_vnd_rate=rate))
    too_wide = [line for line in text.splitlines() if len(line) > 80 or cell_width(line) > 80]
    assert too_wide == []
    assert "1.725.000" in text and "32.50" in text  # the totals, with their separators
    assert ("2.550.500" in text) is (rate is not None)


def test_table_by_product_cuts_long_vietnamese_names(ledger: Ledger) -> None:
    text = render_table(report(ledger, by="product"))
    counts, money = [line for line in text.splitlines() if line.startswith("CBT ")][:2]
    assert LONG_NAME not in text
    for line in (counts, money):
        assert line.startswith("CBT      Bộ ấm chén Bát Tràng men lam") and "…" in line
    assert counts.split()[-4:] == ["1", "0", "0", "1"]
    assert money.split()[-2:] == ["850.000", "0.00"]
    assert "Bún gạo lứt Chũ Bắc Giang " in text  # short enough to stay whole


def test_table_days_and_totals(ledger: Ledger) -> None:
    lines = render_table(report(ledger)).splitlines()
    day = next(line for line in lines if line.startswith("2026-11-21"))
    assert day.split() == ["2026-11-21", "4", "1", "0", "14", "985.000", "32.50"]
    total = next(line for line in lines if line.startswith("Total "))
    assert total.split() == ["Total", "7", "1", "1", "18", "1.725.000", "32.50"]


def test_fit_table_goes_on_in_a_second_block_and_never_cuts_numbers() -> None:
    columns = [
        Column("sku", "SKU", cap=20),
        Column("name", "Name", flex=True),
        *(Column(f"c{n}", f"channel-{n}", "count") for n in range(8)),
    ]
    rows = [["X" * 100, "Chiếu cói Nga Sơn " * 5, *(str(10**n) for n in range(8))]]
    text = fit_table(columns, rows)
    lines = text.splitlines()
    assert all(cell_width(line) <= 80 for line in lines)
    blocks = text.split("\n\n")
    assert len(blocks) == 2
    assert all(block.splitlines()[2].startswith("X" * 19 + "…") for block in blocks)
    assert all(str(10**n) in text for n in range(8))


def test_stock_table_with_many_channels_stays_within_80(tmp_path: Path) -> None:
    from listsync.ledger.database import OfferRecord

    ledger = shop_ledger(tmp_path)
    names = [f"marketplace-{n}" for n in range(6)]
    ledger.save_offers([OfferRecord("BUN", name, "S", stock=7) for name in names])
    text = render_table(report(ledger, enabled=tuple(names)))
    assert all(cell_width(line) <= 80 for line in text.splitlines())
    assert all(name in text for name in names)


# -- CSV ------------------------------------------------------------------------------------
def read_csv(text: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    rows = list(csv.reader(io.StringIO(text)))
    gap = rows.index([])
    orders, stock = rows[:gap], rows[gap + 1 :]
    return (
        [dict(zip(orders[0], row, strict=True)) for row in orders[1:]],
        [dict(zip(stock[0], row, strict=True)) for row in stock[1:]],
    )


def test_csv_round_trip(ledger: Ledger) -> None:
    orders, stock = read_csv(render_csv(report(ledger)))
    *days, total = orders
    assert {row["Day"]: hand(row) for row in days} == BY_DAY
    assert total["Day"] == "total" and hand(total) == TOTAL
    assert total["Revenue (VND)"] == "1725000"  # a plain integer: no separator, no ₫
    assert {
        row["SKU"]: tuple(int(row[k]) for k in ("On hand", "Reserved", "Buffer", "Available"))
        for row in stock
    } == STOCK
    given = {
        (row["SKU"], channel): int(row[f"Last given to {channel}"])
        for row in stock
        for channel in ("alibaba", "lazada", "shopee")
        if row[f"Last given to {channel}"]
    }
    assert given == GIVEN


def test_csv_by_channel_with_conversion(ledger: Ledger) -> None:
    orders, _stock = read_csv(render_csv(report(ledger, by="channel", usd_vnd_rate=RATE)))
    *channels, total = orders
    assert {row["Channel"]: hand(row) for row in channels} == BY_CHANNEL
    converted = "Total (VND, USD converted at 25400)"
    assert {row["Channel"]: int(row[converted]) for row in channels}["alibaba"] == 825_500
    assert int(total[converted]) == CONVERTED_TOTAL


def test_csv_file_carries_a_bom_for_excel(ledger: Ledger, tmp_path: Path) -> None:
    text, written = deliver(report(ledger), "csv", tmp_path / "r.csv", tmp_path)
    assert text == "" and written == tmp_path / "r.csv"
    raw = written.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    _orders, stock = read_csv(raw.decode("utf-8-sig"))
    assert {row["SKU"]: row["Name"] for row in stock}["BUN"] == "Bún gạo lứt Chũ Bắc Giang"


# -- JSON -----------------------------------------------------------------------------------
def test_json_round_trip(ledger: Ledger) -> None:
    text, written = deliver(report(ledger, by="product", usd_vnd_rate=RATE), "json", None, Path())
    assert written is None
    data = json.loads(text)
    rows = {row["product"]: row for row in data["orders"]["rows"]}

    def figures(row: dict[str, Any]) -> tuple[Any, ...]:
        keys = ("orders", "cancelled", "returned", "units", "revenue_vnd", "revenue_usd")
        return tuple(row[key] for key in keys)

    assert {key: figures(row) for key, row in rows.items()} == BY_PRODUCT
    assert figures(data["orders"]["total"]) == TOTAL
    assert data["orders"]["total"]["total_vnd_converted"] == CONVERTED_TOTAL
    assert isinstance(data["orders"]["total"]["revenue_vnd"], int)
    assert rows["CBT"]["name"] == LONG_NAME
    assert (data["from"], data["to"], data["timezone"]) == (
        "2026-11-17",
        "2026-11-23",
        "Asia/Ho_Chi_Minh",
    )
    assert data["usd_vnd_rate"] == "25400"
    stock = {row["sku"]: row for row in data["stock"]}
    assert {
        sku: (r["on_hand"], r["reserved"], r["buffer"], r["available"]) for sku, r in stock.items()
    } == STOCK
    assert stock["CHIEU"]["given_shopee"] is None
    per_day = data["orders_per_channel_per_day"]
    assert per_day["shopee"]["2026-11-21"] == 2 and per_day["alibaba"]["2026-11-21"] == 1
    assert sum(sum(days.values()) for days in per_day.values()) == TOTAL[0]


def test_json_never_holds_a_float(ledger: Ledger) -> None:
    data = report_data(report(ledger, by="channel", usd_vnd_rate=RATE))

    def walk(value: Any) -> None:
        assert not isinstance(value, float), value
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)


# -- XLSX -----------------------------------------------------------------------------------
def test_xlsx_round_trip(ledger: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    write_xlsx(report(ledger, by="channel", usd_vnd_rate=RATE), path)
    book = load_workbook(path)
    assert book.sheetnames == ["Orders", "Stock", "Orders per day", "About"]
    rows = list(book["Orders"].iter_rows(values_only=True))
    header = [str(title) for title in rows[0]]
    read = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    *channels, total = read

    def usd(value: Any) -> Decimal:
        return Decimal(str(value)).quantize(Decimal("0.01"))

    assert {row["Channel"]: hand(row, usd=usd) for row in channels} == {
        name: (*figures[:5], Decimal(figures[5])) for name, figures in BY_CHANNEL.items()
    }
    assert total["Channel"] == "total"
    assert type(total["Revenue (VND)"]) is int and total["Revenue (VND)"] == TOTAL[4]
    assert total["Total (VND, USD converted at 25400)"] == CONVERTED_TOTAL
    assert book["Orders"]["F2"].number_format == "#,##0"
    stock = list(book["Stock"].iter_rows(values_only=True))
    assert {row[0]: tuple(row[2:6]) for row in stock[1:]} == STOCK
    daily = list(book["Orders per day"].iter_rows(values_only=True))
    assert daily[0] == ("Day", "alibaba", "lazada", "shopee")
    assert ("2026-11-21", 1, 1, 2) in daily
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
    assert about["Time zone"] == "Asia/Ho_Chi_Minh" and about["USD to VND rate"] == "25400"


def test_xlsx_and_html_go_to_a_dated_file_in_the_workspace(ledger: Ledger, tmp_path: Path) -> None:
    for fmt in ("xlsx", "html"):
        text, written = deliver(report(ledger), fmt, None, tmp_path)
        assert text == "" and written == tmp_path / f"report-2026-11-23.{fmt}"
        assert written.stat().st_size > 1000
    assert not list(tmp_path.glob(".*partial"))


def test_unwritable_output_is_one_clear_line(ledger: Ledger, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "folder" / "r.html"
    with pytest.raises(InputError, match=r"cannot write the report to .*r\.html") as caught:
        deliver(report(ledger), "html", target, tmp_path)
    assert "\n" not in str(caught.value)


# -- what a spreadsheet would run ------------------------------------------------------------
EVIL = ("=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(A1)")


def evil_ledger(folder: Path) -> Ledger:
    from listsync.catalog.model import LocalizedText, Product

    ledger = Ledger.open(folder / "listsync.sqlite3")
    ledger.upsert_products(
        [
            Product(
                sku=f"EVIL-{n}",
                name=LocalizedText(vi=name),
                category="tea",
                weight_g=100,
                price_vnd=10_000,
            )
            for n, name in enumerate(EVIL)
        ]
    )
    return ledger


def test_csv_neutralises_what_a_spreadsheet_would_run(tmp_path: Path) -> None:
    text = render_csv(report(evil_ledger(tmp_path), by="product"))
    _orders, stock = read_csv(text)
    names = {row["SKU"]: row["Name"] for row in stock}
    assert names == {f"EVIL-{n}": "'" + name for n, name in enumerate(EVIL)}
    assert not any(
        field.startswith(("=", "+", "-", "@", "\t", "\r"))
        for field in (cell for row in csv.reader(io.StringIO(text)) for cell in row)
    )


def test_xlsx_writes_text_as_text_never_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    write_xlsx(report(evil_ledger(tmp_path), by="product"), path)
    book = load_workbook(path)
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}
    assert set(EVIL) <= texts


@pytest.mark.parametrize("text", ["\t=1", "\r=1", "=1", "+1", "-1", "@A1"])
def test_csv_field_quotes_every_formula_start(text: str) -> None:
    assert csv_field(text) == "'" + text
    assert csv_field(-1) == -1 and csv_field("Trà sen") == "Trà sen" and csv_field(None) == ""


# -- listings to fix ------------------------------------------------------------------------
def test_listings_a_marketplace_turned_down_are_in_every_report_but_csv(tmp_path: Path) -> None:
    from listsync.channel.contract import ListingState
    from listsync.ledger.database import ListingRecord

    ledger = shop_ledger(tmp_path)
    reasons = ("Hình ảnh sản phẩm bị mờ", "Thiếu giấy chứng nhận OCOP")
    ledger.save_listing(
        ListingRecord("BUN", "tiki", "T1", ListingState.REJECTED, "track-1", reasons=reasons)
    )
    ledger.save_listing(ListingRecord("TSTH", "tiki", "T1", ListingState.LIVE, "5001"))
    shown = report(ledger, enabled=("shopee", "lazada", "alibaba", "tiki"))
    line = (
        "BUN on tiki: rejected by the marketplace: Hình ảnh sản phẩm bị mờ; Thiếu giấy chứng"
        " nhận OCOP"
    )
    table = render_table(shown)
    assert "To fix: products that could not be listed" in table and line in " ".join(table.split())
    assert report_data(shown)["to_fix"] == [
        {"sku": "BUN", "channel": "tiki", "fault": "marketplace", "reasons": list(reasons)}
    ]
    path = tmp_path / "r.xlsx"
    write_xlsx(shown, path)
    rows = list(load_workbook(path)["To fix"].iter_rows(values_only=True))
    assert rows == [
        ("SKU", "Channel", "Whose fault", "Reasons"),
        ("BUN", "tiki", "rejected by the marketplace", "; ".join(reasons)),
    ]
    assert "To fix" not in render_csv(shown)
    deliver(shown, "html", tmp_path / "r.html", tmp_path)
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    listed = "".join(f"<li>{r}</li>" for r in reasons)
    assert "<li><b>BUN on tiki</b> <i>rejected by the marketplace</i><ul>" + listed in page
    quiet = report(shop_ledger(tmp_path / "other"))
    assert "To fix" not in render_table(quiet) and report_data(quiet)["to_fix"] == []


def test_every_product_that_could_not_be_listed_is_to_fix_with_whose_fault(
    tmp_path: Path,
) -> None:
    from listsync.channel.contract import ListingState
    from listsync.channel.faults import Fault
    from listsync.ledger.database import ListingRecord

    ledger = shop_ledger(tmp_path)
    photo = "cannot read image images/bun.png of BUN: No such file or directory"
    ledger.save_listings(
        [
            ListingRecord(
                "BUN", "lazada", "L1", ListingState.FAILED, last_error=photo, fault=Fault.CATALOG
            ),
            ListingRecord(
                "TSTH",
                "shopee",
                "S1",
                ListingState.LIVE,
                "7001",
                last_error="update_item: HTTP 503",
                fault=Fault.TEMPORARY,
            ),
            ListingRecord("TSTH", "lazada", "L1", ListingState.LIVE, "3001"),
        ]
    )
    shown = report(ledger, enabled=("shopee", "lazada"))
    assert [(item.sku, item.channel, item.fault) for item in shown.to_fix] == [
        ("BUN", "lazada", Fault.CATALOG),
        ("TSTH", "shopee", Fault.TEMPORARY),
    ]
    table = " ".join(render_table(shown).split())
    assert f"BUN on lazada: not sent, fix the catalog: {photo}" in table
    assert "TSTH on shopee: failed on the way, tried again next run: update_item: HTTP 503" in table
    assert [item["fault"] for item in report_data(shown)["to_fix"]] == ["catalog", "temporary"]
    only = report(ledger, enabled=("shopee", "lazada"), channels=("lazada",))
    assert [item.sku for item in only.to_fix] == ["BUN"]
