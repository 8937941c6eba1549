"""Numbers, money, dates and times as a person reads them, in the interface's language.

In Vietnamese (Babel's ``vi_VN`` conventions): ``1.234.567 ₫``, ``US$1,234.50`` (a foreign
currency keeps its own separators, under its Vietnamese symbol), ``06/12/2026``,
``06/12/2026 14:05``, ``Tuần 49 (30/11–06/12)``. In English, as listsync has always written
them: ``1.234.567`` for dong (as Vietnamese do), ``1,234.50`` for dollars, ISO dates, ISO
weeks (``2026-W49``).

Only for people: CSV, XLSX and JSON exports keep plain figures and ISO dates whatever the
language.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, get_currency_symbol

from listsync.i18n import _, current_language

VND = "VND"
LOCALE = "vi_VN"
_NBSP = "\u00a0"


def vietnamese() -> bool:
    return current_language() == "vi"


def _plain(text: str) -> str:
    """Babel's no-break spaces as ordinary ones: the same width in a table, easy to search."""
    return text.replace(_NBSP, " ")


def number(value: int | Decimal) -> str:
    """A count or a figure: ``1.234`` in Vietnamese; as Python writes it in English."""
    if vietnamese():
        return _plain(format_decimal(value, locale=LOCALE))
    return str(value)


def money(amount: int | Decimal, currency: str, *, unit: bool = False) -> str:
    """An amount: ``1.234.567 ₫``, ``US$1,234.50`` in Vietnamese (the currency always shown).

    In English as listsync has always written it: ``1.234.567`` for dong, ``1,234.50``
    otherwise, followed by `` ₫`` or the currency code when ``unit`` asks for it.
    """
    if vietnamese():
        if currency == VND:
            return _plain(format_currency(int(amount), VND, locale=LOCALE))
        figure = format_decimal(Decimal(amount), "#,##0.00", locale="en_US")
        return get_currency_symbol(currency, locale=LOCALE) + figure
    if currency == VND:
        text = f"{int(amount):,}".replace(",", ".")
        return f"{text} ₫" if unit else text
    text = f"{Decimal(amount):,.2f}"
    return f"{text} {currency}" if unit else text


def date_text(day: date) -> str:
    """``06/12/2026`` in Vietnamese; ``2026-12-06`` in English."""
    if vietnamese():
        return format_date(day, "dd/MM/yyyy", locale=LOCALE)
    return day.isoformat()


def time_text(moment: datetime) -> str:
    """``06/12/2026 14:05`` (``2026-12-06 14:05`` in English); convert to local time first."""
    if vietnamese():
        return format_datetime(moment, "dd/MM/yyyy HH:mm", tzinfo=moment.tzinfo, locale=LOCALE)
    return moment.strftime("%Y-%m-%d %H:%M")


def week_text(first: date, last: date) -> str:
    """An ISO week: ``Tuần 49 (30/11–06/12)`` in Vietnamese; ``2026-W49`` in English."""
    year, week, _weekday = first.isocalendar()
    if vietnamese():
        return _("Week {week} ({start}–{end})").format(
            week=week,
            start=format_date(first, "dd/MM", locale=LOCALE),
            end=format_date(last, "dd/MM", locale=LOCALE),
        )
    return f"{year}-W{week:02d}"


def month_text(first: date) -> str:
    """A calendar month: ``12/2026`` in Vietnamese; ``2026-12`` in English."""
    if vietnamese():
        return format_date(first, "MM/yyyy", locale=LOCALE)
    return f"{first.year}-{first.month:02d}"
