"""A :class:`~listsync.report.model.Report` as an 80-column table, CSV, JSON or XLSX.

Every format shows the same columns (:func:`order_columns`, :func:`stock_columns`) with
the same raw values: counts and VND as integers, other currencies as Decimal (a string
in JSON, never a float). Only the table and HTML write separators: ``1.250.000`` for
dong, as Vietnamese do, and ``1,234.50`` for dollars, as their own currency does.
"""

from __future__ import annotations

import csv
import io
import json
import os
import textwrap
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from listsync.errors import InputError
from listsync.i18n import _
from listsync.report.model import TOTAL_KEY, VND, Figures, OrderRow, Report, StockRow, local_time
from listsync.report.table import KEY_CAP, NONE, WIDTH, Column, clip, fit_table

FORMATS = ("table", "csv", "json", "xlsx", "html")


# -- columns and values ---------------------------------------------------------------------
_KEYS: dict[str, list[Column]] = {
    "product": [
        Column("product", _("Product"), cap=KEY_CAP),
        Column("name", _("Name"), flex=True),
    ],
    "channel": [Column("channel", _("Channel"), cap=KEY_CAP)],
    "day": [Column("day", _("Day"))],
    "week": [Column("week", _("Week")), Column("from", _("From"))],
    "month": [Column("month", _("Month"))],
}


def order_columns(report: Report) -> list[Column]:
    columns = [
        *_KEYS[report.by],
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
                _("Total (VND, USD converted at {rate})").format(rate=report.usd_vnd_rate),
                VND,
                _("Total ₫*"),
                group="money",
            )
        )
    return columns


def order_values(report: Report, row: OrderRow | None) -> dict[str, Any]:
    """One row's raw values by column key; ``None`` gives the total row."""
    figures: Figures = report.total if row is None else row.figures
    keys = _KEYS[report.by]
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
    if kind == VND:
        return f"{int(value):,}".replace(",", ".")
    if kind == "count":
        return str(value)
    return f"{Decimal(value):,.2f}"


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
        by=by, start=period.start.isoformat(), end=period.end.isoformat(), zone=period.zone
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
            ).format(rate=report.usd_vnd_rate)
        )
    elif report.foreign:
        notes.append(
            _("{currencies} orders are shown apart; set usd_vnd_rate for a VND total.").format(
                currencies=", ".join(report.foreign)
            )
        )
    return notes


def _shown(columns: Sequence[Column], values: dict[str, Any]) -> list[str]:
    return [show(values[column.key], column.kind) for column in columns]


def render_table(report: Report) -> str:
    orders = order_columns(report)
    rows = [_shown(orders, order_values(report, row)) for row in report.rows]
    footer = _shown(orders, order_values(report, None))
    footer[0] = _("Total")
    keys = len(_KEYS[report.by])
    lines = [title_of(report)]
    if report.channels:
        lines.append(_("Channels: {names}").format(names=", ".join(report.channels)))
    lines.append(fit_table(orders, rows, footer, keys=keys))
    lines += [textwrap.fill(note, WIDTH) for note in notes_of(report)]
    lines.append("")
    lines.append(
        _("Stock now ({when}); channel columns: the stock each last accepted").format(
            when=local_time(report.generated_at, report.period.tz)
        )
    )
    stock = stock_columns(report)
    stock_rows = [_shown(stock, stock_values(report, row)) for row in report.stock]
    lines.append(fit_table(stock, stock_rows, keys=1) if stock_rows else _("No products yet."))
    return "\n".join(lines)


# -- CSV, JSON, XLSX ------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    return "" if value is None else value


def render_csv(report: Report) -> str:
    """Orders (the last row is the total), an empty line, then stock; headers in words."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    orders = order_columns(report)
    writer.writerow([column.title for column in orders])
    for row in [*report.rows, None]:
        values = order_values(report, row)
        writer.writerow([_plain(values[column.key]) for column in orders])
    writer.writerow([])
    stock = stock_columns(report)
    writer.writerow([column.title for column in stock])
    for stock_row in report.stock:
        values = stock_values(report, stock_row)
        writer.writerow([_plain(values[column.key]) for column in stock])
    return out.getvalue()


def _json_value(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def report_data(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data; amounts other than dong are strings like ``"12.50"``."""
    period = report.period
    return {
        "generated_at": report.generated_at.isoformat().replace("+00:00", "Z"),
        "timezone": period.zone,
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "by": report.by,
        "channels": list(report.channels),
        "usd_vnd_rate": None if report.usd_vnd_rate is None else str(report.usd_vnd_rate),
        "currencies": list(report.currencies),
        "orders": {
            "rows": [
                {k: _json_value(v) for k, v in order_values(report, row).items()}
                for row in report.rows
            ],
            "total": {k: _json_value(v) for k, v in order_values(report, None).items()},
        },
        "stock": [stock_values(report, row) for row in report.stock],
        "orders_per_channel_per_day": {
            channel: {day.isoformat(): count for day, count in days.items()}
            for channel, days in sorted(report.daily.items())
        },
    }


def write_xlsx(report: Report, path: Path) -> None:
    """Sheets Orders (total last), Stock, Orders per day, and About (period, zone, rate)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    formats = {VND: "#,##0", "count": "0"}
    orders_sheet = book.active
    assert orders_sheet is not None
    orders_sheet.title = _("Orders")
    sheets = [
        (
            orders_sheet,
            order_columns(report),
            [order_values(report, row) for row in [*report.rows, None]],
        ),
        (
            book.create_sheet(_("Stock")),
            stock_columns(report),
            [stock_values(report, row) for row in report.stock],
        ),
    ]
    for sheet, columns, rows in sheets:
        sheet.append([column.title for column in columns])
        for values in rows:
            sheet.append([values[column.key] for column in columns])
        for index, column in enumerate(columns, start=1):
            number_format = formats.get(column.kind, "#,##0.00" if column.numeric else "@")
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = max(10, min(40, len(column.title) + 2))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    daily = book.create_sheet(_("Orders per day"))
    channels = sorted(report.daily)
    daily.append([_("Day"), *channels])
    for day in report.period.days():
        daily.append([day.isoformat(), *(report.daily[name].get(day, 0) for name in channels)])
    about = book.create_sheet(_("About"))
    for label, value in (
        (_("Report"), title_of(report)),
        (_("Time zone"), report.period.zone),
        (_("Made at"), local_time(report.generated_at, report.period.tz)),
        (_("Channels"), ", ".join(report.channels) or _("all")),
        (_("USD to VND rate"), str(report.usd_vnd_rate) if report.usd_vnd_rate else _("not set")),
        *((_("Note"), note) for note in notes_of(report)),
    ):
        about.append([label, value])
    book.save(path)


def deliver(report: Report, fmt: str, output: Path | None, folder: Path) -> tuple[str, Path | None]:
    """Render ``report`` as ``fmt``: text for the screen, or written to a file.

    XLSX and HTML always go to a file: ``output``, else ``report-<local date>.<ext>`` in
    ``folder``. A CSV file starts with a byte-order mark, so Excel reads its Vietnamese.
    Returns the text to show (empty when written) and the file written, if any.
    """
    if fmt not in FORMATS:
        raise InputError(
            _("--format {fmt!r}: choose one of {choices}").format(
                fmt=fmt, choices=", ".join(FORMATS)
            )
        )
    if output is None and fmt in ("xlsx", "html"):
        today = report.generated_at.astimezone(report.period.tz).date()
        output = folder / f"report-{today.isoformat()}.{fmt}"
    if fmt == "xlsx":
        assert output is not None
        return "", _write(output, lambda path: write_xlsx(report, path))
    if fmt == "html":
        from listsync.report.html import render_html

        text = render_html(report)
    elif fmt == "csv":
        text = render_csv(report)
    elif fmt == "json":
        text = json.dumps(report_data(report), ensure_ascii=False, indent=2) + "\n"
    else:
        text = render_table(report) + "\n"
    if output is None:
        return text, None
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    return "", _write(output, lambda path: path.write_text(text, encoding=encoding, newline=""))


def _write(path: Path, write: Callable[[Path], object]) -> Path:
    """Write through a temporary file beside ``path``: a failure never leaves half a report."""
    path = path.expanduser().absolute()
    partial = path.with_name(f".{path.name}.partial")
    try:
        write(partial)
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise InputError(
            _("cannot write the report to {path}: {reason}").format(
                path=path, reason=error.strerror or error
            )
        ) from None
    return path
