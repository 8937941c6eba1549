"""The report's figures against orders counted by hand (see report_support)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from listsync.errors import InputError
from listsync.ledger.database import Ledger
from listsync.report.model import bucket, build_report, parse_date, parse_zone
from tests.report.support import (
    BY_CHANNEL,
    BY_DAY,
    BY_PRODUCT,
    CONVERTED_TOTAL,
    GIVEN,
    LONG_NAME,
    NOW,
    RATE,
    STOCK,
    TOTAL,
    figures,
    options,
    report,
    shop_ledger,
)


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return shop_ledger(tmp_path)


def test_by_day_matches_the_hand_count(ledger: Ledger) -> None:
    result = report(ledger)
    assert {row.key: figures(row) for row in result.rows} == BY_DAY
    assert figures(result.total) == TOTAL
    assert result.currencies == ("VND", "USD")


def test_each_channel_has_its_figures_whatever_the_grouping(ledger: Ledger) -> None:
    """The HTML report's channel cards: the hand count by channel, by day as by product."""
    for by in ("day", "product"):
        result = report(ledger, by=by)
        assert {name: figures(f) for name, f in result.by_channel.items()} == BY_CHANNEL
    tiki = report(ledger, enabled=("shopee", "lazada", "alibaba", "tiki"))
    assert figures(tiki.by_channel["tiki"]) == (0, 0, 0, 0, 0, "0.00")  # enabled, no orders
    assert set(report(ledger, channels=("lazada",)).by_channel) == {"lazada"}


def test_2330_and_0030_local_fall_on_different_days(ledger: Ledger) -> None:
    """S1 at 16:30 UTC is 23:30 on the 20th in Hanoi; S2 at 17:30 UTC is 00:30 on the 21st."""
    hanoi = {row.key: row.figures.orders for row in report(ledger).rows}
    assert (hanoi["2026-11-20"], hanoi["2026-11-21"]) == (1, 4)
    in_utc = report(ledger, tz="UTC", start=date(2026, 11, 20), end=date(2026, 11, 20))
    assert [(row.key, row.figures.orders) for row in in_utc.rows] == [("2026-11-20", 2)]
    assert in_utc.daily["shopee"] == {date(2026, 11, 20): 2}


def test_period_edges_are_local_midnights(ledger: Ledger) -> None:
    """S0 (23:59 on the 16th) and S9 (00:00 on the 24th) stay out; the 24th takes S9 in."""
    assert report(ledger).total.orders == 7
    wider = report(ledger, start=date(2026, 11, 16), end=date(2026, 11, 24))
    by_day = {row.key: row.figures.orders for row in wider.rows}
    assert (by_day["2026-11-16"], by_day["2026-11-24"], wider.total.orders) == (1, 1, 9)


def test_by_channel(ledger: Ledger) -> None:
    result = report(ledger, by="channel")
    assert {row.key: figures(row) for row in result.rows} == BY_CHANNEL
    assert figures(result.total) == TOTAL


def test_by_channel_lists_enabled_channels_and_those_with_orders(ledger: Ledger) -> None:
    unconfigured = report(ledger, by="channel", enabled=())
    assert {row.key: figures(row) for row in unconfigured.rows} == BY_CHANNEL
    with_tiki = report(ledger, by="channel", enabled=("tiki",))
    assert {row.key: figures(row) for row in with_tiki.rows} == {
        **BY_CHANNEL,
        "tiki": (0, 0, 0, 0, 0, "0.00"),
    }


def test_by_product_counts_lines_and_names_products(ledger: Ledger) -> None:
    result = report(ledger, by="product")
    assert {row.key: figures(row) for row in result.rows} == BY_PRODUCT
    assert {row.key: row.label for row in result.rows}["CBT"] == LONG_NAME
    assert figures(result.total) == TOTAL


def test_channel_filter(ledger: Ledger) -> None:
    result = report(ledger, by="channel", channels=("lazada",))
    assert {row.key: figures(row) for row in result.rows} == {"lazada": BY_CHANNEL["lazada"]}
    assert figures(result.total) == BY_CHANNEL["lazada"]
    assert result.currencies == ("VND",)
    assert result.stock_channels == ("lazada",)


def test_unknown_channel_is_refused(ledger: Ledger) -> None:
    with pytest.raises(InputError, match="--channel tikki: no such channel"):
        report(ledger, channels=("tikki",))


def test_week_is_iso_monday_first_in_local_time(ledger: Ledger) -> None:
    result = report(ledger, by="week", start=date(2026, 11, 17), end=date(2026, 11, 24))
    rows = [(row.key, row.first, row.last, row.figures.orders) for row in result.rows]
    assert rows == [
        ("2026-W47", date(2026, 11, 16), date(2026, 11, 22), 7),
        ("2026-W48", date(2026, 11, 23), date(2026, 11, 29), 1),  # S9: Monday 00:00 local
    ]


def test_by_month_lists_every_month_of_the_period(ledger: Ledger) -> None:
    result = report(ledger, by="month", start=date(2026, 10, 1), end=date(2026, 12, 31))
    rows = [(row.key, row.first, row.last, row.figures.orders) for row in result.rows]
    assert rows == [
        ("2026-10", date(2026, 10, 1), date(2026, 10, 31), 0),
        ("2026-11", date(2026, 11, 1), date(2026, 11, 30), 9),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31), 0),
    ]


def test_usd_is_converted_only_with_a_rate(ledger: Ledger) -> None:
    plain = report(ledger)
    assert not plain.converts
    assert plain.total.converted(None) is None
    converted = report(ledger, usd_vnd_rate=RATE)
    assert converted.converts
    assert converted.total.converted(RATE) == CONVERTED_TOTAL
    assert converted.total.vnd == TOTAL[4]  # the VND figure itself never changes


def test_conversion_rounds_half_up_to_whole_dong(ledger: Ledger) -> None:
    result = report(ledger, usd_vnd_rate=Decimal("25400.05"))
    # 32.50 × 25,400.05 = 825,501.625 → 825,502
    assert result.total.converted(Decimal("25400.05")) == 1_725_000 + 825_502


def test_stock_section(ledger: Ledger) -> None:
    result = report(ledger)
    rows = {row.sku: row for row in result.stock}
    assert {sku: (r.on_hand, r.reserved, r.buffer, r.available) for sku, r in rows.items()} == STOCK
    assert result.stock_channels == ("alibaba", "lazada", "shopee")
    given = {
        (sku, channel): value
        for sku, row in rows.items()
        for channel, value in row.given.items()
        if value is not None
    }
    assert given == GIVEN
    assert rows["CHIEU"].given == {"alibaba": None, "lazada": None, "shopee": None}
    assert rows["TSTH-250"].name == "Trà sen Tây Hồ hộp quà thượng hạng (250g)"


def test_reserving_from_creation_holds_pending_orders_too(ledger: Ledger) -> None:
    rows = {row.sku: row for row in report(ledger, reserve_from="creation").stock}
    assert (rows["TSTH-250"].reserved, rows["TSTH-250"].available) == (12, 2)  # + L3's 2


def test_default_period_is_the_last_30_local_days(ledger: Ledger) -> None:
    result = report(ledger, start=None, end=None)
    assert (result.period.start, result.period.end) == (date(2026, 10, 25), date(2026, 11, 23))
    assert len(result.rows) == 30
    late = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)  # already 01:00 on the 24th in Hanoi
    assert build_report(ledger, options(start=None, end=None), late).period.end == date(
        2026, 11, 24
    )
    in_utc = build_report(ledger, options(start=None, end=None, tz="UTC"), late)
    assert in_utc.period.end == date(2026, 11, 23)


def test_only_from_or_only_to(ledger: Ledger) -> None:
    assert report(ledger, start=date(2026, 11, 20), end=None).period.end == NOW.date()
    only_to = report(ledger, start=None, end=date(2026, 11, 10)).period
    assert (only_to.start, only_to.end) == (date(2026, 10, 12), date(2026, 11, 10))


def test_from_after_to_is_refused(ledger: Ledger) -> None:
    with pytest.raises(InputError, match="--from 2026-11-23 is after --to 2026-11-01"):
        report(ledger, start=date(2026, 11, 23), end=date(2026, 11, 1))


def test_empty_ledger_gives_zero_rows_for_every_day(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "empty.sqlite3") as empty:
        result = report(empty, enabled=())
    assert [figures(row) for row in result.rows] == [(0, 0, 0, 0, 0, "0.00")] * 7
    assert result.stock == () and result.daily == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-23", date(2026, 11, 23)),
        ("23/11/2026", date(2026, 11, 23)),
        ("2026-1-5", date(2026, 1, 5)),
    ],
)
def test_dates_as_clerks_write_them(text: str, expected: date) -> None:
    assert parse_date(text, "--from") == expected


@pytest.mark.parametrize("text", ["2026-13-01", "11/23/2026", "yesterday", "2026/11/23", ""])
def test_bad_dates_say_how_to_write_one(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_date(text, "--to")
    message = str(caught.value)
    assert message.startswith("--to ") and "2026-11-23 or 23/11/2026" in message
    assert "\n" not in message and caught.value.exit_code == 2


def test_bad_zone() -> None:
    with pytest.raises(InputError, match="'Asia/Hanoi_City' is not a time zone") as caught:
        parse_zone("Asia/Hanoi_City")
    assert caught.value.exit_code == 2
    assert parse_zone("Asia/Bangkok").key == "Asia/Bangkok"


def test_buckets() -> None:
    sunday = date(2026, 1, 4)  # ISO week 1 of 2026 runs Mon 2025-12-29 to Sun 2026-01-04
    assert bucket(sunday, "week") == ("2026-W01", date(2025, 12, 29), date(2026, 1, 4))
    assert bucket(date(2024, 2, 10), "month") == ("2024-02", date(2024, 2, 1), date(2024, 2, 29))
    assert bucket(date(2026, 12, 31), "month")[2] == date(2026, 12, 31)
    assert bucket(date(2026, 3, 1), "day") == ("2026-03-01", date(2026, 3, 1), date(2026, 3, 1))
