"""Logging in (only when the pages are open to the network), out, and the language switch."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from listsync.i18n import _, language_code
from listsync.web.render import back, page, web_state
from listsync.web.security import USER_KEY, Throttle, checked_form, local_path, verify_password

THROTTLE_KEY = "login_throttle"


def _throttle(request: Request) -> Throttle:
    extra = web_state(request).extra
    throttle = extra.get(THROTTLE_KEY)
    if not isinstance(throttle, Throttle):
        throttle = extra[THROTTLE_KEY] = Throttle()
    return throttle


def login_form(request: Request) -> Response:
    if not web_state(request).network or request.session.get(USER_KEY):
        return back(local_path(request.query_params.get("next")))
    return page(request, "login.html", next=local_path(request.query_params.get("next")))


async def login(request: Request) -> Response:
    state = web_state(request)
    form = await checked_form(request)
    target = local_path(str(form.get("next") or "/"))
    if not state.network:
        return back(target)
    throttle = _throttle(request)
    if throttle.blocked():
        error = _("Too many wrong passwords: wait a few minutes, then try again.")
        return page(request, "login.html", status_code=429, next=target, error=error)
    password = str(form.get("password") or "")
    stored = state.password_hash or ""
    if not await run_in_threadpool(verify_password, password, stored):
        throttle.failed()
        error = _("Wrong password.")
        return page(request, "login.html", status_code=401, next=target, error=error)
    throttle.reset()
    request.session.clear()  # a new session on login: nothing set before it carries over
    request.session[USER_KEY] = True
    return back(target)


async def logout(request: Request) -> Response:
    await checked_form(request)
    request.session.clear()
    return back("/login" if web_state(request).network else "/")


def switch_language(request: Request) -> Response:
    """Speak the other language in this browser (the link in every page's header)."""
    code = language_code(request.path_params["code"])
    if code is not None:
        request.session["lang"] = code
    return RedirectResponse(local_path(request.query_params.get("next")), status_code=303)


def routes() -> list[Route]:
    return [
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/lang/{code}", switch_language, methods=["GET"]),
    ]
