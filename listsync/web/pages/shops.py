"""Gian hàng: each marketplace's shop, its authorization, and connecting it.

Connecting is ``listsync auth`` without the pasting: "Connect" sends the browser to the
marketplace's consent page with this app's ``/listsync/callback`` as the address to come
back to (the path the CLI's ``auth`` registers, port 8765 by default); the marketplace sends
the browser back there with the code, and the channel trades it for the shop's tokens.

A callback is taken only from the browser session that started that connection, within
:data:`CONSENT_MINUTES`, and (for a marketplace whose link carries a ``state``) only with
that state: an address made for someone else's attempt connects nothing.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from listsync.channel.consent import consent_code, link_state
from listsync.errors import AuthError, ListsyncError
from listsync.i18n import _
from listsync.schedule.status import authorization_warnings
from listsync.web.pages.common import enabled_names
from listsync.web.render import back, flash, page, workspace
from listsync.web.security import checked_form

CALLBACK_PATH = "/listsync/callback"
CONSENT_KEY = "consent"
CONSENT_MINUTES = 15


def callback_url(request: Request) -> str:
    """This app's callback, as the browser reaches the app (``http://127.0.0.1:8765/…``)."""
    return str(request.base_url).rstrip("/") + CALLBACK_PATH


def shops(request: Request) -> Response:
    with workspace(request) as ws:
        statuses = ws.channel_statuses()
        now = ws.clock.now()
        warnings = authorization_warnings(ws, enabled_names(ws), now)
    return page(
        request,
        "shops.html",
        statuses=statuses,
        warnings=warnings,
        callback=callback_url(request),
    )


def _start(request: Request, name: str, callback: str) -> dict[str, Any]:
    """Open the channel: connect it at once (an app of the seller's own, no consent page),
    or make the consent link."""
    with workspace(request) as ws:
        channel = ws.channel(name)
        try:
            if not getattr(channel, "needs_consent", True):
                shop = channel.authorize("")
                return {"done": ws.remember_shop(name, shop)}
            link = channel.authorization_url(callback)
        finally:
            channel.close()
    return {"link": link, "state": link_state(link)}


async def connect(request: Request) -> Response:
    await checked_form(request)
    name = request.path_params["name"]
    started = await run_in_threadpool(_start, request, name, callback_url(request))
    if "done" in started:
        for line in started["done"].splitlines():
            flash(request, line)
        return back("/shops")
    request.session[CONSENT_KEY] = {
        "channel": name,
        "state": started["state"],
        "at": time.time(),
    }
    return RedirectResponse(started["link"], status_code=303)


def _finish(request: Request, name: str, state: str | None) -> str:
    address = str(request.url)
    with workspace(request) as ws:
        title = ws.registry.get(name).title
        consent_code(address, channel=name, marketplace=title, state=state)  # its state
        channel = ws.channel(name)
        try:
            shop = channel.authorize(address)
        finally:
            channel.close()
        return ws.remember_shop(name, shop)


async def callback(request: Request) -> Response:
    """Where the marketplace's consent page sends the browser back, with the code."""
    pending = request.session.pop(CONSENT_KEY, None)
    if not isinstance(pending, dict) or time.time() - float(pending.get("at", 0)) > (
        CONSENT_MINUTES * 60
    ):
        raise AuthError(
            _(
                "this address answers a connection started from the Shops page of these pages,"
                " in this browser, in the last {minutes} minutes: start again there (or, if"
                " listsync auth is waiting in a terminal, paste this page's address there)"
            ).format(minutes=CONSENT_MINUTES)
        )
    name = str(pending["channel"])
    try:
        said = await run_in_threadpool(_finish, request, name, pending.get("state"))
    except ListsyncError as exc:
        flash(request, str(exc), "error")
        return back("/shops")
    for line in said.splitlines():
        flash(request, line)
    return back("/shops")


def routes() -> list[Route]:
    return [
        Route("/shops", shops, methods=["GET"]),
        Route("/shops/{name}/connect", connect, methods=["POST"]),
        Route(CALLBACK_PATH, callback, methods=["GET"]),
    ]
