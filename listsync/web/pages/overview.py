"""Tổng quan: today's and this week's orders by channel, stock running low, listings that
need a look, the last run and the next scheduled one, what ends soon."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from listsync.report.overview import LOW_STOCK, low_stock, week_start
from listsync.report.runs import listing_lines, needs_a_look
from listsync.schedule.status import installed, warnings_ahead
from listsync.sync.runlock import holder
from listsync.web.pages.common import enabled_names, figures_text, run_view
from listsync.web.render import page, web_state, workspace


def overview(request: Request) -> Response:
    state = web_state(request)
    with workspace(request) as ws:
        now = ws.clock.now()
        tz = ws.settings.tz
        today = now.astimezone(tz).date()
        names = enabled_names(ws)
        day = ws.report("channel", today, today)
        week = ws.report("channel", week_start(today), today)
        attention = needs_a_look(listing_lines(ws.ledger, names))
        runs = ws.ledger.runs(1)
        warnings = warnings_ahead(ws, names, now)
        working = holder(ws.settings.ledger_path)
        entry = installed(ws.root, state.host)
    today_by = {row.key: row.figures for row in day.rows}
    week_by = {row.key: row.figures for row in week.rows}
    channels = [
        {
            "name": name,
            "today": figures_text(today_by.get(name)),
            "week": figures_text(week_by.get(name)),
        }
        for name in sorted(set(today_by) | set(week_by))
    ]
    return page(
        request,
        "overview.html",
        today=today,
        week_from=week_start(today),
        channels=channels,
        total_today=figures_text(day.total),
        total_week=figures_text(week.total),
        low=low_stock(week),
        low_limit=LOW_STOCK,
        attention=attention,
        last_run=run_view(runs[0], tz) if runs else None,
        next_start=entry.next_start(now) if entry is not None else None,
        schedule=entry,
        warnings=warnings,
        working=working,
    )


def routes() -> list[Route]:
    return [Route("/", overview, methods=["GET"])]
