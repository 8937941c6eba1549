"""Đồng bộ: start a sync and watch each channel's progress, or see what a dry run would do.

The sync runs in a thread of this program (:mod:`listsync.web.jobs`); the page asks for
its progress every second. A run of another program (the nightly run, a ``listsync sync``
in a terminal) is shown with its holder's name and left alone.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from listsync.errors import LockedError
from listsync.i18n import _
from listsync.report.summary import render_plan
from listsync.sync.runlock import holder
from listsync.web.jobs import SyncJobs
from listsync.web.pages.common import enabled_names, run_view
from listsync.web.render import WebState, back, flash, fragment, page, web_state, workspace
from listsync.web.security import checked_form

JOBS_KEY = "sync_jobs"
RUNS_SHOWN = 5


def jobs(request: Request) -> SyncJobs:
    return jobs_of(web_state(request))


def jobs_of(state: WebState) -> SyncJobs:
    found = state.extra.get(JOBS_KEY)
    if not isinstance(found, SyncJobs):
        found = state.extra[JOBS_KEY] = SyncJobs()
    return found


def _page(request: Request, *, plan: str = "", error: str = "", status_code: int = 200) -> Response:
    with workspace(request) as ws:
        names = enabled_names(ws)
        runs = [run_view(run, ws.settings.tz) for run in ws.ledger.runs(RUNS_SHOWN)]
        working = holder(ws.settings.ledger_path)
    job = jobs(request).current
    ours = job is not None and not job.finished
    return page(
        request,
        "sync.html",
        status_code=status_code,
        names=names,
        runs=runs,
        working=None if ours else working,
        job=job.view() if job is not None else None,
        plan=plan,
        error=error,
    )


def sync_page(request: Request) -> Response:
    return _page(request)


def progress(request: Request) -> Response:
    """The job's progress, for htmx to swap in every second while it runs; once it has
    ended, the whole page again (its latest runs, its buttons)."""
    job = jobs(request).current
    view = job.view() if job is not None else None
    response = fragment(request, "sync_progress.html", job=view)
    if request.headers.get("hx-request") and (view is None or not view["running"]):
        response.headers["HX-Refresh"] = "true"
    return response


async def start(request: Request) -> Response:
    form = await checked_form(request)
    root = web_state(request).root
    try:
        await run_in_threadpool(jobs(request).start, root, force=form.get("force") == "1")
    except LockedError as exc:
        return await run_in_threadpool(_page, request, error=str(exc), status_code=409)
    return back("/sync")


async def stop(request: Request) -> Response:
    await checked_form(request)
    if jobs(request).stop():
        flash(
            request, _("Stopping at the next safe point: a listing being sent is finished first.")
        )
    return back("/sync")


def _plan(request: Request) -> str:
    with workspace(request) as ws:
        names = ws.enabled_channels()
        return render_plan(ws.sync_engine().plan(names)) if names else ""


async def plan(request: Request) -> Response:
    await checked_form(request)
    text = await run_in_threadpool(_plan, request)
    return await run_in_threadpool(_page, request, plan=text)


def routes() -> list[Route]:
    return [
        Route("/sync", sync_page, methods=["GET"]),
        Route("/sync/progress", progress, methods=["GET"]),
        Route("/sync/start", start, methods=["POST"]),
        Route("/sync/stop", stop, methods=["POST"]),
        Route("/sync/plan", plan, methods=["POST"]),
    ]
