"""A :class:`~listsync.report.model.Report` as an 80-column table, CSV, JSON or XLSX.

Every format shows the same columns (:func:`order_columns`, :func:`stock_columns`) with
the same raw values: counts and VND as integers, other currencies as Decimal (a string
in JSON, never a float), ISO dates, whatever the interface's language. Only the table and
HTML write figures and dates for people (:mod:`listsync.format`): in English ``1.250.000``
for dong, as Vietnamese do, and ``1,234.50`` for dollars, as their own currency does; in
Vietnamese ``1.250.000 ₫``, ``US$1,234.50`` and ``23/11/2026``.
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

from listsync.channel.faults import fault_text
from listsync.errors import InputError
from listsync.i18n import _
from listsync.report.columns import (
    key_columns,
    notes_of,
    order_columns,
    order_values,
    show,
    shown_order_values,
    stock_columns,
    stock_values,
    title_of,
    to_fix_lines,
    to_fix_title,
)
from listsync.report.model import VND, Report, local_time
from listsync.report.table import WIDTH, Column, fit_table

FORMATS = ("table", "csv", "json", "xlsx", "html")


def _shown(columns: Sequence[Column], values: dict[str, Any]) -> list[str]:
    return [show(values[column.key], column.kind) for column in columns]


def render_table(report: Report) -> str:
    orders = order_columns(report)
    rows = [_shown(orders, shown_order_values(report, row)) for row in report.rows]
    footer = _shown(orders, shown_order_values(report, None))
    footer[0] = _("Total")
    keys = len(key_columns(report.by))
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
    if report.to_fix:
        lines += ["", to_fix_title()]
        lines += [
            textwrap.fill(line, WIDTH, subsequent_indent="    ") for line in to_fix_lines(report)
        ]
    return "\n".join(lines)


# -- CSV, JSON, XLSX ------------------------------------------------------------------------
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_field(value: Any) -> Any:
    """A CSV field: text a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def render_csv(report: Report) -> str:
    """Orders (the last row is the total), an empty line, then stock; headers in words."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    orders = order_columns(report)
    writer.writerow([column.title for column in orders])
    for row in [*report.rows, None]:
        values = order_values(report, row)
        writer.writerow([csv_field(values[column.key]) for column in orders])
    writer.writerow([])
    stock = stock_columns(report)
    writer.writerow([column.title for column in stock])
    for stock_row in report.stock:
        values = stock_values(report, stock_row)
        writer.writerow([csv_field(values[column.key]) for column in stock])
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
        "to_fix": [
            {
                "sku": item.sku,
                "channel": item.channel,
                "fault": None if item.fault is None else item.fault.value,
                "reasons": list(item.reasons),
            }
            for item in report.to_fix
        ],
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
    if report.to_fix:
        fix = book.create_sheet(_("To fix"))
        fix.append([_("SKU"), _("Channel"), _("Whose fault"), _("Reasons")])
        for item in report.to_fix:
            fault = "" if item.fault is None else fault_text(item.fault)
            fix.append([item.sku, item.channel, fault, "; ".join(item.reasons)])
    daily = book.create_sheet(_("Orders per day"))
    channels = sorted(report.daily)
    daily.append([_("Day"), *channels])
    for day in report.period.days():
        daily.append([day.isoformat(), *(report.daily[name].get(day, 0) for name in channels)])
    about = book.create_sheet(_("About"))
    for label, value in (
        (_("Report"), title_of(report)),
        (_("Time zone"), report.period.zone),
        (_("Made at"), f"{report.generated_at.astimezone(report.period.tz):%Y-%m-%d %H:%M}"),
        (_("Channels"), ", ".join(report.channels) or _("all")),
        (_("USD to VND rate"), str(report.usd_vnd_rate) if report.usd_vnd_rate else _("not set")),
        *((_("Note"), note) for note in notes_of(report)),
    ):
        about.append([label, value])
    for any_sheet in book.worksheets:
        _text_as_text(any_sheet)
    book.save(path)


def _text_as_text(sheet: Any) -> None:
    """Write every text cell as text: openpyxl would store ``=…`` as a formula to run."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"


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
