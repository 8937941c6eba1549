"""Reading single catalog values: money, whole numbers, decimals, dates, yes/no, tiers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from listsync.catalog.values import Kind, ValueProblem, format_text, parse


@pytest.mark.parametrize(
    ("value", "dong"),
    [
        ("120000", 120000),
        ("120.000", 120000),
        ("120,000", 120000),
        ("1.250.000", 1250000),
        ("1,250,000", 1250000),
        ("1 250 000", 1250000),
        ("1\u00a0250\u00a0000", 1250000),
        ("1.500", 1500),
        ("120.000,00", 120000),
        ("120,000.00", 120000),
        ("12.00", 12),
        ("120.000đ", 120000),
        ("120.000 ₫", 120000),
        ("120000 VND", 120000),
        ("-5", -5),
        (120000, 120000),
        (12000.0, 12000),
    ],
)
def test_vnd(value: object, dong: int) -> None:
    assert parse(Kind.VND, value) == dong


@pytest.mark.parametrize(
    "value",
    [
        "12.5",
        "12,5",
        "abc",
        "1.20.000",
        "1.250,000",
        "120.000.00",
        "12.50",
        "1,250.5",
        "",
        12.5,
        True,
        "12 đồng rưỡi",
    ],
)
def test_vnd_must_be_whole_dong(value: object) -> None:
    with pytest.raises(ValueProblem, match=r"^price must be a whole number of dong, got "):
        parse(Kind.VND, value)


@pytest.mark.parametrize(
    ("value", "number"), [("1500", 1500), ("+3", 3), ("-3", -3), (7.0, 7), (7, 7)]
)
def test_whole_numbers(value: object, number: int) -> None:
    assert parse(Kind.INT, value) == number


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1.500", "write a whole number without dots, commas or spaces, e.g. 1500 (got 1.500)"),
        ("1,500", "write a whole number without dots, commas or spaces, e.g. 1500 (got 1,500)"),
        ("1.5", "must be a whole number, got 1.5"),
        (1.5, "must be a whole number, got 1.5"),
        ("ten", "must be a whole number, got ten"),
        (datetime(2026, 1, 1), "must be a whole number, got 2026-01-01"),
    ],
)
def test_whole_number_problems(value: object, message: str) -> None:
    with pytest.raises(ValueProblem) as raised:
        parse(Kind.INT, value)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        ("2.50", "2.50"),
        ("2,50", "2.50"),
        ("2,5", "2.5"),
        ("$2.50", "2.50"),
        ("2.50 USD", "2.50"),
        ("1250", "1250"),
        (2.1, "2.1"),
        (3, "3"),
        ("0.1", "0.1"),
    ],
)
def test_usd(value: object, amount: str) -> None:
    parsed = parse(Kind.USD, value)
    assert parsed == Decimal(amount) and str(parsed) == amount


def test_usd_from_a_float_cell_goes_through_its_text() -> None:
    assert parse(Kind.USD, 0.1 + 0.2) == Decimal("0.30000000000000004")
    assert parse(Kind.USD, 2.1) == Decimal("2.1")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1,250", "1,250 is unclear: write 1250 or 1.250 (no thousands separators)"),
        ("1.250,50", "must be a number such as 2.50, got 1.250,50"),
        ("two", "must be a number such as 2.50, got two"),
    ],
)
def test_decimal_problems(value: object, message: str) -> None:
    with pytest.raises(ValueProblem) as raised:
        parse(Kind.USD, value)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("value", "percent"), [("12.5", "12.5"), ("12,5%", "12.5"), ("-10 %", "-10")]
)
def test_percent(value: str, percent: str) -> None:
    assert parse(Kind.PERCENT, value) == Decimal(percent)


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2026-12-31", date(2026, 12, 31)),
        ("31/12/2026", date(2026, 12, 31)),
        ("1/2/2026", date(2026, 2, 1)),
        ("31.12.2026", date(2026, 12, 31)),
        ("31-12-2026", date(2026, 12, 31)),
        (datetime(2026, 12, 31, 0, 0), date(2026, 12, 31)),
        (date(2026, 12, 31), date(2026, 12, 31)),
    ],
)
def test_dates(value: object, day: date) -> None:
    assert parse(Kind.DATE, value) == day


@pytest.mark.parametrize(
    "value", ["31/13/2026", "12/31/2026", "2026-02-30", "31/12/26", "hôm nay", "31/12-2026", 46387]
)
def test_bad_dates(value: object) -> None:
    with pytest.raises(ValueProblem, match=r"^not a date, write it as 2026-12-31 \(got "):
        parse(Kind.DATE, value)


@pytest.mark.parametrize(
    ("value", "flag"),
    [
        ("yes", True),
        ("TRUE", True),
        ("1", True),
        ("có", True),
        ("no", False),
        ("FALSE", False),
        ("0", False),
        ("Không", False),
        (True, True),
        (False, False),
    ],
)
def test_yes_no(value: object, flag: bool) -> None:
    assert parse(Kind.BOOL, value) is flag


def test_lists_and_tiers() -> None:
    assert parse(Kind.LIST, " a.png | | b.png |") == ("a.png", "b.png")
    assert parse(Kind.TIERS, "10:2.50 | 100 : 2,10|") == [
        {"min_quantity": 10, "usd": Decimal("2.50")},
        {"min_quantity": 100, "usd": Decimal("2.10")},
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("|", "give at least one price tier, e.g. 10:2.50|100:2.10"),
        (
            "10=2.50",
            "write price tiers as quantity:USD price, separated by |, e.g. 10:2.50|100:2.10 "
            "(got 10=2.50)",
        ),
        (
            "1.000:2",
            "in the tier 1.000:2: write a whole number without dots, commas or spaces, "
            "e.g. 1000 (got 1.000)",
        ),
    ],
)
def test_tier_problems(value: str, message: str) -> None:
    with pytest.raises(ValueProblem) as raised:
        parse(Kind.TIERS, value)
    assert str(raised.value) == message


def test_text_from_typed_cells() -> None:
    assert parse(Kind.TEXT, 10023) == "10023"
    assert parse(Kind.TEXT, 10023.0) == "10023"
    assert parse(Kind.TEXT, 1.5) == "1.5"
    assert parse(Kind.TEXT, "  Tra\u0300 sen ") == "Trà sen"


def test_format_text() -> None:
    assert format_text(Kind.BOOL, False) == "no"
    assert format_text(Kind.USD, Decimal("1E+1")) == "10"
    assert format_text(Kind.DATE, date(2026, 1, 2)) == "2026-01-02"
    assert format_text(Kind.LIST, ("a", "b")) == "a|b"
    assert format_text(Kind.VND, None) == ""
