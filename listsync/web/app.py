"""The Starlette app of ``listsync web``: its pages, its static files, its middleware.

Every page parses what it is given, calls the same core functions as the CLI and renders
the result; nothing is worked out here that the CLI does not work out the same way.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from listsync.errors import ChannelError, ListsyncError, LockedError
from listsync.i18n import LANG_VAR, _, language_code, speaking
from listsync.schedule.install import Host
from listsync.settings import load_settings
from listsync.web.pages import (
    auth,
    catalog,
    overview,
    products,
    report,
    schedule,
    shops,
    stock,
    sync,
)
from listsync.web.render import WebState, page
from listsync.web.security import (
    LocalNamesOnly,
    LoginWall,
    SecurityHeaders,
    is_local,
    password_hash,
    required_password,
    session_key,
)
from listsync.workspace import require_workspace

STATIC = Path(__file__).with_name("static")
SESSION_COOKIE = "listsync_session"
SESSION_HOURS = 12
MAX_BODY = 60 * 1024 * 1024  # a catalog file may be 50 MB (listsync.catalog.files)
DEFAULT_LANGUAGE = "vi"

log = logging.getLogger("listsync.web")


class Language:
    """Each request speaks its browser's choice (the header's switch), else the workspace's
    (``LISTSYNC_LANG``, then ``language`` in the settings), else Vietnamese."""

    def __init__(self, app: ASGIApp, *, default: str):
        self.app, self.default = app, default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chosen = scope.get("session", {}).get("lang")
        with speaking(language_code(chosen) or self.default):
            await self.app(scope, receive, send)


def default_language(configured: str | None) -> str:
    return language_code(os.environ.get(LANG_VAR)) or language_code(configured) or DEFAULT_LANGUAGE


def routes() -> list[BaseRoute]:
    groups = (auth, overview, products, catalog, stock, sync, shops, report, schedule)
    found: list[BaseRoute] = [route for group in groups for route in group.routes()]
    found.append(Mount("/static", app=StaticFiles(directory=STATIC), name="static"))
    return found


async def _problem(request: Request, exc: Exception) -> Response:
    """An error a person can meet, as a page with its one line (the CLI's sentence)."""
    if isinstance(exc, HTTPException):
        status, text = exc.status_code, str(exc.detail)
        if status == 404:
            text = _("There is no such page.")
    elif isinstance(exc, LockedError):
        status, text = 409, str(exc)
    elif isinstance(exc, ChannelError):
        status, text = 502, str(exc)
    elif isinstance(exc, ListsyncError):
        status, text = 400 if exc.exit_code == 2 else 500, str(exc)
    else:  # a bug: logged with its traceback, one line on the page
        log.error("unexpected error on %s", request.url.path, exc_info=exc)
        status = 500
        text = _("unexpected {kind}: {error}").format(kind=type(exc).__name__, error=exc)
    if request.headers.get("hx-request"):
        return page(request, "error_fragment.html", status_code=status, error=text)
    return page(request, "error.html", status_code=status, error=text)


class Unexpected:
    """An error nobody foresaw (a bug) on a page: its traceback goes to the log, the person
    gets one line in the page's language, as the CLI prints one."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as exc:
            if started:
                raise
            response = await _problem(Request(scope, receive), exc)
            await response(scope, receive, send)


@asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    """On the way out (Ctrl+C), a sync still going stops at its next safe point."""
    yield
    await run_in_threadpool(sync.jobs_of(app.state.web).shut_down)


def build_app(
    workspace: Path | None = None,
    *,
    host: str = "127.0.0.1",
    network: bool | None = None,
    scheduler_host: Host | None = None,
) -> Starlette:
    """The app for ``workspace``; ``network`` (by default: ``host`` is not this computer)
    needs the password set with ``listsync web --set-password``, else ConfigError."""
    require_workspace(workspace)
    settings = load_settings(workspace)
    opened = not is_local(host) if network is None else network
    stored = required_password(settings, host) if opened else password_hash(settings)
    state = WebState(
        root=settings.workspace,
        network=opened,
        language=default_language(settings.language),
        password_hash=stored,
        host=scheduler_host or Host(),
    )
    middleware = [
        Middleware(SecurityHeaders),
        *([] if opened else [Middleware(LocalNamesOnly)]),
        Middleware(
            SessionMiddleware,
            secret_key=session_key(settings),
            session_cookie=SESSION_COOKIE,
            max_age=SESSION_HOURS * 3600,
            same_site="lax",  # not strict: see listsync.web.security
            https_only=False,
        ),
        Middleware(Language, default=state.language),
        Middleware(LoginWall, required=opened),
        Middleware(Unexpected),
    ]
    app = Starlette(
        routes=routes(),
        middleware=middleware,
        exception_handlers={HTTPException: _problem, ListsyncError: _problem},
        max_body_size=MAX_BODY,
        lifespan=_lifespan,
    )
    app.state.web = state
    return app
