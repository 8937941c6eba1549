"""What every page shares: the templates (Jinja2, autoescaped, ``_()`` wired to
:mod:`listsync.i18n`), the navigation, the workspace a request reads, and short messages
carried to the next page.

Templates write every word through ``{{ _("…") }}`` (Babel extracts them, see babel.cfg)
and every figure through :mod:`listsync.format`, so a page reads like the CLI in the
same language.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from listsync.format import date_text, money, number, time_text
from listsync.i18n import _, current_language, ngettext
from listsync.report.table import NONE
from listsync.schedule.install import Host
from listsync.web.security import USER_KEY, csrf_token
from listsync.workspace import Workspace

TEMPLATES = Path(__file__).with_name("templates")
FLASH_KEY = "flash"


@dataclass
class WebState:
    """What the app keeps between requests (``app.state.web``)."""

    root: Path  # the workspace folder
    network: bool  # opened beyond this computer: login required
    language: str  # the language when a browser has chosen none
    password_hash: str | None = None
    host: Host = field(default_factory=Host)  # this computer's scheduler, for Lịch chạy
    extra: dict[str, Any] = field(default_factory=dict)  # each page group's own (jobs, uploads)


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


@contextmanager
def workspace(request: Request) -> Iterator[Workspace]:
    """The workspace, opened for one request (its settings as they are now)."""
    with Workspace.open(web_state(request).root) as ws:
        yield ws


def nav() -> list[tuple[str, str]]:
    """The pages, in the menu's order: (path, name in the language spoken now)."""
    return [
        ("/", _("Overview")),
        ("/products", _("Products")),
        ("/catalog", _("Catalog")),
        ("/stock", _("Inventory")),
        ("/sync", _("Sync")),
        ("/shops", _("Shops")),
        ("/report", _("Report")),
        ("/schedule", _("Schedule")),
    ]


def make_templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(_, ngettext, newstyle=False)  # type: ignore[attr-defined]
    env.globals.update(
        number=number,
        money=money,
        date_text=date_text,
        time_text=time_text,
        dash=NONE,
        nav=nav,
        current_language=current_language,
    )
    return Jinja2Templates(env=env)


TEMPLATES_ENV = make_templates()


def flash(request: Request, text: str, kind: str = "ok") -> None:
    """A message shown once, on the next page (after a redirect)."""
    messages = list(request.session.get(FLASH_KEY, []))
    messages.append([kind, text])
    request.session[FLASH_KEY] = messages[-5:]


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """``template`` rendered with what every page needs: the menu, the CSRF token, the
    language switch and the messages waiting to be shown."""
    state = web_state(request)
    messages = request.session.pop(FLASH_KEY, []) if not request.headers.get("hx-request") else []
    here = current_language()
    response = TEMPLATES_ENV.TemplateResponse(
        request,
        template,
        {
            "csrf": csrf_token(request.session),
            "path": request.url.path,
            "language": here,
            "other_language": "en" if here == "vi" else "vi",
            "network": state.network,
            "signed_in": bool(request.session.get(USER_KEY)),
            "messages": messages,
            "workspace_name": str(state.root),
            **context,
        },
        status_code=status_code,
    )
    return response


def fragment(request: Request, template: str, **context: Any) -> HTMLResponse:
    """A piece of a page, for htmx to swap in."""
    return TEMPLATES_ENV.TemplateResponse(
        request, template, {"csrf": csrf_token(request.session), **context}
    )


def back(path: str) -> Response:
    """After a POST: see the page again (303, so a reload does not post twice)."""
    return RedirectResponse(path, status_code=303)


def safe_svg(markup: str) -> Markup:
    """An SVG chart drawn by :mod:`listsync.report` (which escapes every text it holds)."""
    return Markup(markup)
