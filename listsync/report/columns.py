"""The columns every report format shows, their raw values, and the words around them.

One place, so the table, CSV, JSON, XLSX and HTML never disagree on a column or a figure.
"""

from __future__ import annotations

from typing import Any

from listsync.channel.faults import fault_text
from listsync.format import date_text, money, month_text, number, week_text
from listsync.i18n import _
from listsync.report.model import TOTAL_KEY, VND, Figures, OrderRow, Report, StockRow
from listsync.report.table import KEY_CAP, NONE, Column, clip


def key_columns(by: str) -> list[Column]:
    """The columns that say what a row is about, titled in the language spoken now (a web
    page may speak another than the one the process started in)."""
    columns = {
        "product": [
            Column("product", _("Product"), cap=KEY_CAP),
            Column("name", _("Name"), flex=True),
        ],
        "channel": [Column("channel", _("Channel"), cap=KEY_CAP)],
        "day": [Column("day", _("Day"))],
        "week": [Column("week", _("Week")), Column("from", _("From"))],
        "month": [Column("month", _("Month"))],
    }
    return columns[by]


def order_columns(report: Report) -> list[Column]:
    columns = [
        *key_columns(report.by),
        Column("orders", _("Orders"), "count", group="counts"),
        Column("cancelled", _("Cancelled"), "count", group="counts"),
        Column("returned", _("Returned"), "count", group="counts"),
        Column("units", _("Units"), "count", group="counts"),
    ]
    for currency in report.currencies or (VND,):
        symbol = "₫" if currency == VND else currency
        columns.append(
            Column(
                f"revenue_{currency.lower()}",
                _("Revenue ({currency})").format(currency=currency),
                currency,
                _("Revenue {symbol}").format(symbol=symbol),
                group="money",
            )
        )
    if report.converts:
        columns.append(
            Column(
                "total_vnd_converted",
                _("Total (VND, USD converted at {rate})").format(rate=_rate(report)),
                VND,
                _("Total ₫*"),
                group="money",
            )
        )
    return columns


def order_values(report: Report, row: OrderRow | None) -> dict[str, Any]:
    """One row's raw values by column key; ``None`` gives the total row."""
    figures: Figures = report.total if row is None else row.figures
    keys = key_columns(report.by)
    values: dict[str, Any] = {column.key: "" for column in keys}
    if row is None:
        values[keys[0].key] = TOTAL_KEY
    else:
        values[keys[0].key] = row.key
        if report.by == "product":
            values["name"] = row.label
        elif report.by == "week" and row.first is not None:
            values["from"] = row.first.isoformat()
    values.update(
        orders=figures.orders,
        cancelled=figures.cancelled,
        returned=figures.returned,
        units=figures.units,
    )
    for currency in report.currencies or (VND,):
        amount = figures.amount(currency)
        values[f"revenue_{currency.lower()}"] = int(amount) if currency == VND else amount
    if report.converts:
        values["total_vnd_converted"] = figures.converted(report.usd_vnd_rate)
    return values


def shown_order_values(report: Report, row: OrderRow | None) -> dict[str, Any]:
    """:func:`order_values` for a person: a day, week or month in the interface's language.

    The table and HTML show these; CSV, JSON and XLSX keep the ISO keys of :func:`order_values`.
    """
    values = order_values(report, row)
    if row is None or row.first is None:
        return values
    first, last = row.first, row.last or row.first
    if report.by == "day":
        values["day"] = date_text(first)
    elif report.by == "week":
        values["week"] = week_text(first, last)
        values["from"] = date_text(first)
    elif report.by == "month":
        values["month"] = month_text(first)
    return values


def _rate(report: Report) -> str:
    return "" if report.usd_vnd_rate is None else number(report.usd_vnd_rate)


def stock_columns(report: Report) -> list[Column]:
    return [
        Column("sku", _("SKU"), cap=KEY_CAP),
        Column("name", _("Name"), flex=True),
        Column("on_hand", _("On hand"), "count", group="stock"),
        Column("reserved", _("Reserved"), "count", group="stock"),
        Column("buffer", _("Buffer"), "count", group="stock"),
        Column("available", _("Available"), "count", group="stock"),
        *(
            Column(
                f"given_{name}",
                _("Last given to {channel}").format(channel=name),
                "count",
                clip(name, KEY_CAP),
                group="given",
            )
            for name in report.stock_channels
        ),
    ]


def stock_values(report: Report, row: StockRow) -> dict[str, Any]:
    values: dict[str, Any] = {
        "sku": row.sku,
        "name": row.name,
        "on_hand": row.on_hand,
        "reserved": row.reserved,
        "buffer": row.buffer,
        "available": row.available,
    }
    values.update({f"given_{name}": row.given.get(name) for name in report.stock_channels})
    return values


def show(value: Any, kind: str) -> str:
    """A raw value as a person reads it in a table."""
    if value is None:
        return NONE
    if kind == "text" or isinstance(value, str):
        return str(value)
    if kind == "count":
        return number(value)
    return money(value, kind)


def title_of(report: Report) -> str:
    by = {
        "product": _("by product"),
        "channel": _("by channel"),
        "day": _("by day"),
        "week": _("by week"),
        "month": _("by month"),
    }[report.by]
    period = report.period
    return _("Orders {by}, {start} to {end} ({zone})").format(
        by=by, start=date_text(period.start), end=date_text(period.end), zone=period.zone
    )


def notes_of(report: Report) -> list[str]:
    """What a reader must know to read the figures right."""
    notes = [
        _(
            "Orders counts every order placed in the period; units and revenue leave out "
            "those cancelled or returned."
        )
    ]
    if report.by == "product":
        notes.append(_("Product revenue is quantity × unit price: no shipping or shop vouchers."))
    if report.converts:
        notes.append(
            _(
                "Total ₫*, the converted total: VND plus USD at {rate} ₫ per USD (the "
                "usd_vnd_rate setting); the VND and USD columns are as the orders were paid."
            ).format(rate=_rate(report))
        )
    elif report.foreign:
        notes.append(
            _("{currencies} orders are shown apart; set usd_vnd_rate for a VND total.").format(
                currencies=", ".join(report.foreign)
            )
        )
    return notes


def to_fix_title() -> str:
    """The heading of a report's "To fix" section."""
    return _("To fix: products that could not be listed")


def to_fix_lines(report: Report) -> list[str]:
    """One line per product that could not be listed: SKU, channel, whose fault, why."""
    lines = []
    for item in report.to_fix:
        reasons = "; ".join(item.reasons) or _("no reason given")
        where = {"sku": item.sku, "channel": item.channel, "reasons": reasons}
        if item.fault is None:
            lines.append(_("{sku} on {channel}: {reasons}").format(**where))
        else:
            fault = fault_text(item.fault)
            lines.append(_("{sku} on {channel}: {fault}: {reasons}").format(fault=fault, **where))
    return lines
