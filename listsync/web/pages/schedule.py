"""Lịch chạy: whether the nightly run is installed on this computer, when it starts next,
its last results and the end of its log (``listsync schedule show`` and the nightly log)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from listsync.schedule.install import show
from listsync.schedule.status import installed, log_tail, nightly_runs
from listsync.web.pages.common import run_view
from listsync.web.render import page, web_state, workspace

RUNS_SHOWN = 10
LOG_LINES = 40


def schedule(request: Request) -> Response:
    host = web_state(request).host
    with workspace(request) as ws:
        now = ws.clock.now()
        runs = nightly_runs(ws.ledger.runs(200), RUNS_SHOWN)
        tz, root, log_dir = ws.settings.tz, ws.root, ws.settings.log_dir
    entry = installed(root, host)
    return page(
        request,
        "schedule.html",
        entry=entry,
        next_start=entry.next_start(now) if entry is not None else None,
        shown=show(root, host) if entry is not None else [],
        runs=[run_view(run, tz) for run in runs],
        log=log_tail(log_dir, LOG_LINES),
        log_file=log_dir / "nightly.log",
        root=root,
    )


def routes() -> list[Route]:
    return [Route("/schedule", schedule, methods=["GET"])]
