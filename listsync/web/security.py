"""Who may use ``listsync web``, and proof that a form was sent from its own pages.

- **On this computer only** (127.0.0.1, ::1, ``localhost``, the default) nobody logs in:
  whoever can reach the pages already sits at the computer that holds the workspace.
- **Opened to the network** (``--host 0.0.0.0``, for a phone in the storeroom) the pages
  refuse to start until a password is set (``listsync web --set-password``), then ask for
  it. Its hash (scrypt from the standard library, salted, the parameters kept with it) and
  the key that signs the sessions live in the workspace's private ``.env``.
- **Sessions** are a signed cookie (Starlette's SessionMiddleware, itsdangerous), HttpOnly
  and ``SameSite=Lax``. Not ``Strict``: connecting a shop ends with the marketplace's consent
  page sending the browser back to ``/listsync/callback``, a top-level navigation from
  another site, and a Strict cookie would not come with it: the connection waiting for
  that answer and the login would be lost. A Lax cookie is never sent with another
  site's form post or background request, and every POST must carry the CSRF token besides.
- **CSRF**: a random token per session, in every form (field ``csrf``) and in every htmx
  request (header ``X-CSRF-Token``); a POST without it is refused with 403.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
import time
from collections import deque
from collections.abc import Mapping
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from listsync.errors import ConfigError, InputError
from listsync.i18n import _
from listsync.settings import ENV_PREFIX, Settings, save_env_values

PASSWORD_VAR = f"{ENV_PREFIX}WEB_PASSWORD_HASH"
SECRET_VAR = f"{ENV_PREFIX}WEB_SESSION_SECRET"
SCHEME = "scrypt"
SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_LENGTH = 2**14, 8, 1, 32
MIN_PASSWORD = 8
CSRF_FIELD, CSRF_HEADER, CSRF_KEY = "csrf", "x-csrf-token", "csrf"
USER_KEY = "signed_in"
OPEN_PATHS = ("/login", "/static/", "/lang/")  # reachable before logging in
LOGIN_TRIES, LOGIN_WINDOW = 5, 300.0  # wrong passwords allowed per window (seconds)


# -- the password -------------------------------------------------------------------------
def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$hash``: the parameters travel with the hash, so they can change."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        dklen=SCRYPT_LENGTH,
    )
    return "$".join([SCHEME, str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest)])


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` gives ``stored``; a hash in another shape matches nothing."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != SCHEME:
            return False
        expected = _unb64(digest)
        found = hashlib.scrypt(
            password.encode("utf-8"),
            salt=_unb64(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=256 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, expected)


def check_new_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InputError(
            _("the password is too short: use at least {n} characters").format(n=MIN_PASSWORD)
        )
    return password


def set_password(settings: Settings, password: str) -> None:
    """Keep the password's hash, and a new session key, in the workspace's private .env.

    The new key signs out every browser signed in with the old password.
    """
    save_env_values(
        settings,
        {
            PASSWORD_VAR: hash_password(check_new_password(password)),
            SECRET_VAR: secrets.token_urlsafe(32),
        },
    )


def is_local(host: str) -> bool:
    """Whether ``host`` is this computer only (a loopback address or ``localhost``)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def password_hash(settings: Settings) -> str | None:
    stored = settings.web_password_hash
    return stored.get_secret_value() if stored is not None else None


def required_password(settings: Settings, host: str) -> str:
    """The password hash a server opened to the network needs, or a one-line refusal."""
    stored = password_hash(settings)
    if not stored:
        raise ConfigError(
            _(
                "listsync web --host {host} opens the pages to other computers: set a password"
                " first with: listsync web --set-password"
            ).format(host=host)
        )
    return stored


def session_key(settings: Settings) -> str:
    """The key signing the session cookies: the workspace's, else one for this run only."""
    stored = settings.web_session_secret
    return stored.get_secret_value() if stored is not None else secrets.token_urlsafe(32)


class Throttle:
    """Wrong passwords: after ``tries`` within ``window`` seconds, no more until it passes."""

    def __init__(self, tries: int = LOGIN_TRIES, window: float = LOGIN_WINDOW):
        self.tries, self.window = tries, window
        self.failures: deque[float] = deque()

    def _forget(self, now: float) -> None:
        while self.failures and now - self.failures[0] > self.window:
            self.failures.popleft()

    def blocked(self) -> bool:
        self._forget(time.monotonic())
        return len(self.failures) >= self.tries

    def failed(self) -> None:
        self.failures.append(time.monotonic())

    def reset(self) -> None:
        self.failures.clear()


# -- CSRF ---------------------------------------------------------------------------------
def csrf_token(session: dict[str, object]) -> str:
    """This session's CSRF token, made on first use."""
    token = session.get(CSRF_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(24)
        session[CSRF_KEY] = token
    return token


def csrf_ok(session: Mapping[str, object], given: str | None) -> bool:
    expected = session.get(CSRF_KEY)
    if not isinstance(expected, str) or not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


async def checked_form(request: Request) -> FormData:
    """The POST's form, once its CSRF token (field or htmx header) is this session's."""
    form = await request.form()
    field = form.get(CSRF_FIELD)
    given = request.headers.get(CSRF_HEADER) or (field if isinstance(field, str) else None)
    if not csrf_ok(request.session, given):
        await form.close()
        raise HTTPException(403, _("This form has expired: reload the page and try again."))
    return form


# -- middleware ---------------------------------------------------------------------------
class LoginWall:
    """In network mode, every page but the login page (and static files) needs a login."""

    def __init__(self, app: ASGIApp, *, required: bool):
        self.app, self.required = app, required

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.required:
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith(OPEN_PATHS) or scope.get("session", {}).get(USER_KEY):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        response: Response
        if request.headers.get("hx-request"):  # htmx swaps; make it load the login page
            response = Response(status_code=401, headers={"HX-Redirect": "/login"})
        elif request.method in ("GET", "HEAD"):
            target = path + (f"?{request.url.query}" if request.url.query else "")
            response = RedirectResponse(f"/login?next={_quote(target)}", status_code=303)
        else:
            response = Response(_("Log in first."), status_code=401)
        await response(scope, receive, send)


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="/")


def local_path(target: str | None, default: str = "/") -> str:
    """``target`` if it is a path on this site (``/stock``), else ``default``: a ``next=``
    or a Referer never sends anyone to another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


SECURITY_HEADERS = {
    # only the app's own script and style sheet; style attributes are let through for the
    # report's chart, which places its ticks with them (listsync.report.chart)
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; "
        "style-src-attr 'unsafe-inline'; script-src 'self'; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",  # the callback's code never leaves in a Referer
    "cache-control": "no-store",
}


class SecurityHeaders:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _value in headers}
                for name, value in SECURITY_HEADERS.items():
                    if static and name == "cache-control":
                        continue
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class LocalNamesOnly:
    """On this computer only, answer only requests addressed to it by a local name.

    Without a login there, a web page elsewhere could otherwise point a name of its own at
    127.0.0.1 (DNS rebinding) and drive these pages as if it were this site; its requests
    carry its own name in ``Host``, and are refused.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = dict(scope.get("headers", []))
            named = headers.get(b"host", b"").decode("latin-1")
            host = urlsplit(f"//{named}").hostname or ""
            if not is_local(host):
                response = PlainTextResponse(
                    _("listsync web answers only to this computer's own addresses"), 421
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
