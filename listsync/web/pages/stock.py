"""Kho: stock on hand, counted in a form or from a count sheet, and explained per SKU.

A count entered in the form is a count sheet too: the filled-in lines become one (SKU,
counted) and go through ``listsync stock import``'s own reading and planning
(:meth:`~listsync.workspace.Workspace.plan_stock_count`), so a mistake is found and worded
the same way. Either way the movements are shown first, and nothing changes until
"Apply" (:meth:`~listsync.workspace.Workspace.apply_stock_count`).
"""

from __future__ import annotations

import csv
import io
import secrets
import tempfile
from collections import OrderedDict
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from listsync.catalog.count_sheet import QUANTITY, SKU
from listsync.catalog.files import MAX_FILE_BYTES
from listsync.errors import CountSheetError, InputError, Problem
from listsync.i18n import _
from listsync.ledger.stock_counts import StockCountPlan
from listsync.report.stock import movement_rows
from listsync.web.pages.common import Upload, read_upload, upload_in
from listsync.web.render import back, flash, page, web_state, workspace
from listsync.web.security import checked_form

PLANS_KEY = "stock_plans"
PLANS_KEPT = 4
FORM_NAME = "form.csv"  # the count entered in the form, as a count sheet
SHEETS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _plans(request: Request) -> OrderedDict[str, tuple[StockCountPlan, str]]:
    extra = web_state(request).extra
    found = extra.get(PLANS_KEY)
    if not isinstance(found, OrderedDict):
        found = extra[PLANS_KEY] = OrderedDict()
    return found


def stock_page(request: Request) -> Response:
    with workspace(request) as ws:
        report = ws.report("product")
    return page(request, "stock.html", rows=report.stock)


def explain(request: Request) -> Response:
    """What ``listsync stock show SKU`` prints: on hand, every movement, what each channel
    was given and how that figure was reached."""
    with workspace(request) as ws:
        sku = ws.unit_sku(request.path_params["sku"])
        on_hand = ws.ledger.on_hand([sku]).get(sku, 0)
        movements = movement_rows(ws.ledger.movements(sku), ws.settings.tz)
        given = ws.stock_given(sku)
    return page(
        request, "stock_sku.html", sku=sku, on_hand=on_hand, movements=movements, given=given
    )


def _form_sheet(skus: list[str], counted: list[str]) -> tuple[Upload, dict[int, str]]:
    """The filled-in lines of the form as a count sheet, and which SKU each row holds."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([SKU, QUANTITY])
    rows: dict[int, str] = {}
    for sku, figure in zip(skus, counted, strict=False):
        if figure.strip():
            writer.writerow([sku, figure.strip()])
            rows[len(rows) + 2] = sku
    if not rows:
        raise InputError(_("no figure was entered: fill in the counted column first"))
    return Upload(FORM_NAME, out.getvalue().encode("utf-8")), rows


def _plan(request: Request, upload: Upload, add: bool) -> StockCountPlan:
    with workspace(request) as ws, upload_in(ws.root, upload) as path:
        return ws.plan_stock_count(path, add=add)


def _problems(problems: tuple[Problem, ...], rows: dict[int, str] | None) -> list[dict[str, Any]]:
    return [
        {
            "where": rows.get(p.row or 0, "") if rows is not None else p.row,
            "column": "" if rows is not None else p.column,
            "header": "" if rows is not None else (p.header or p.field),
            "message": p.message,
        }
        for p in problems
    ]


async def _planned(
    request: Request, upload: Upload, add: bool, note: str, rows: dict[int, str] | None
) -> Response:
    try:
        plan = await run_in_threadpool(_plan, request, upload, add)
    except CountSheetError as error:
        return page(
            request,
            "stock_problems.html",
            status_code=422,
            name=upload.name if rows is None else "",
            problems=_problems(error.problems, rows),
            total=error.total,
            by_sku=rows is not None,
        )
    plans = _plans(request)
    token = secrets.token_urlsafe(16)
    plans[token] = (plan, note)
    while len(plans) > PLANS_KEPT:
        plans.popitem(last=False)
    return page(request, "stock_plan.html", plan=plan, token=token, name=upload.name)


async def count(request: Request) -> Response:
    """The count (or delivery) entered in the form, planned."""
    form = await checked_form(request)
    add = form.get("mode") == "add"
    skus = [str(value) for value in form.getlist("sku")]
    counted = [str(value) for value in form.getlist("counted")]
    upload, rows = _form_sheet(skus, counted)
    note = str(form.get("note") or "").strip() or (
        _("delivery entered in listsync web") if add else _("count entered in listsync web")
    )
    return await _planned(request, upload, add, note, rows)


async def sheet(request: Request) -> Response:
    """A count sheet sent from the page, planned."""
    form = await checked_form(request)
    upload = await read_upload(form.get("file"), MAX_FILE_BYTES)
    add = form.get("mode") == "add"
    note = str(form.get("note") or "").strip() or upload.name
    return await _planned(request, upload, add, note, None)


def _apply(request: Request, plan: StockCountPlan, note: str) -> StockCountPlan:
    with workspace(request) as ws:
        return ws.apply_stock_count(plan, note)


async def apply(request: Request) -> Response:
    form = await checked_form(request)
    kept = _plans(request).pop(str(form.get("token") or ""), None)
    if kept is None:
        raise InputError(_("that count is no longer waiting here: enter it again"))
    plan, note = kept
    done = await run_in_threadpool(_apply, request, plan, note)
    flash(request, done.summary())
    return back("/stock")


def count_sheet(request: Request) -> Response:
    """``listsync stock export``: every SKU with its on hand and an empty counted column."""
    fmt = request.path_params["fmt"]
    if fmt not in SHEETS:
        raise InputError(_("choose one of {choices}").format(choices=", ".join(SHEETS)))
    name = f"count-sheet.{fmt}"
    with workspace(request) as ws, tempfile.TemporaryDirectory(prefix="listsync-web-") as folder:
        path = Path(folder) / name
        ws.export_count_sheet(path)
        data = path.read_bytes()
    return Response(
        data,
        media_type=SHEETS[fmt],
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


def routes() -> list[Route]:
    return [
        Route("/stock", stock_page, methods=["GET"]),
        Route("/stock/count", count, methods=["POST"]),
        Route("/stock/sheet", sheet, methods=["POST"]),
        Route("/stock/apply", apply, methods=["POST"]),
        Route("/stock/count-sheet.{fmt}", count_sheet, methods=["GET"]),
        Route("/stock/{sku:path}", explain, methods=["GET"]),
    ]
