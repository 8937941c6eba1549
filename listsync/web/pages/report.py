"""Báo cáo: ``listsync report`` for a chosen period, with the HTML report's chart, and the
same report as XLSX, CSV or HTML to keep or send."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from listsync.errors import InputError
from listsync.i18n import _
from listsync.report.chart import chart_html
from listsync.report.columns import (
    notes_of,
    order_columns,
    show,
    shown_order_values,
    stock_columns,
    stock_values,
    title_of,
    to_fix_lines,
)
from listsync.report.formats import render_csv, write_xlsx
from listsync.report.model import BY_CHOICES, Report, local_time, parse_date
from listsync.web.render import page, safe_svg, workspace

EXPORTS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


@dataclass(frozen=True)
class Asked:
    """The period and grouping the form asks for, as the CLI's options would say them."""

    by: str
    start: date | None
    end: date | None
    channels: tuple[str, ...]

    @classmethod
    def of(cls, request: Request) -> Asked:
        query = request.query_params
        by = query.get("by") or "day"
        start, end = query.get("from") or "", query.get("to") or ""
        return cls(
            by=by,
            start=parse_date(start, _("From")) if start.strip() else None,
            end=parse_date(end, _("To")) if end.strip() else None,
            channels=tuple(name for name in query.getlist("channel") if name),
        )


def _report(request: Request) -> tuple[Report, list[str]]:
    asked = Asked.of(request)
    with workspace(request) as ws:
        report = ws.report(asked.by, asked.start, asked.end, None, asked.channels)
        known = sorted(ws.settings.channels)
    return report, known


def _cells(columns: list[Any], values: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"text": show(values[c.key], c.kind), "numeric": c.numeric, "title": c.title}
        for c in columns
    ]


def report_page(request: Request) -> Response:
    report, known = _report(request)
    orders = order_columns(report)
    total = shown_order_values(report, None)
    total[orders[0].key] = _("Total")
    stock = stock_columns(report)
    return page(
        request,
        "report.html",
        report=report,
        title=title_of(report),
        made=local_time(report.generated_at, report.period.tz),
        by_choices=BY_CHOICES,
        known=known,
        chart=safe_svg(chart_html(report)),
        order_heads=orders,
        order_rows=[_cells(orders, shown_order_values(report, row)) for row in report.rows],
        order_total=_cells(orders, total),
        notes=notes_of(report),
        stock_heads=stock,
        stock_rows=[_cells(stock, stock_values(report, row)) for row in report.stock],
        to_fix=to_fix_lines(report),
        query=request.url.query,
    )


def export(request: Request) -> Response:
    fmt = request.path_params["fmt"]
    if fmt not in EXPORTS:
        raise InputError(_("choose one of {choices}").format(choices=", ".join(sorted(EXPORTS))))
    report, _known = _report(request)
    period = report.period
    name = f"report-{period.start.isoformat()}-{period.end.isoformat()}.{fmt}"
    if fmt == "xlsx":
        with tempfile.TemporaryDirectory(prefix="listsync-web-") as folder:
            path = Path(folder) / name
            write_xlsx(report, path)
            body = path.read_bytes()
    elif fmt == "csv":
        body = render_csv(report).encode("utf-8-sig")  # Excel reads its Vietnamese so
    else:
        from listsync.report.html import render_html

        body = render_html(report).encode("utf-8")
    return Response(
        body,
        media_type=EXPORTS[fmt],
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


def routes() -> list[Route]:
    return [
        Route("/report", report_page, methods=["GET"]),
        Route("/report/export.{fmt}", export, methods=["GET"]),
    ]
