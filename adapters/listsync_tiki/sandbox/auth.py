"""Tiki's OAuth 2.0 server in the sandbox: the seller's consent page, the token endpoint,
and the bearer check every ``/integration/...`` call passes.

Paths as Tiki's (docs/marketplaces/tiki.md §3.2): ``GET /sc/oauth2/auth`` (approves at
once and redirects with ``code``, ``scope`` and ``state``) and ``POST /sc/oauth2/token``
(``application/x-www-form-urlencoded``). Tiki's authorization server behaves as Ory
Hydra does (the ``/oauth2/auth`` and ``/oauth2/token`` paths, the ``offline`` scope for
refresh tokens, a ``state`` of at least 8 characters, ``token_type`` "bearer"), and so
does this one:

- grants: ``authorization_code`` (public apps), ``refresh_token`` (a new access token
  *and* a new refresh token "with a new expiration date", Tiki's refresh page),
  ``client_credentials`` (in-house apps: no refresh token, the seller's scopes). The
  client secret comes in an HTTP Basic header or in the form body (Tiki: "Send client
  secret in basic header or request body"); ``token_auth_method`` can insist on one.
  A ``client_id`` in the body beside a Basic header must name the same client.
- a refresh token is issued only when the granted scope holds ``offline`` (Hydra; Tiki's
  scope example is ``offline product order inventory``); ``refresh_needs_offline``
  false issues one always.
- whether a used refresh token keeps working is UNCONFIRMED at Tiki; Hydra spends it
  (refresh token rotation). ``old_refresh_valid`` false (default) spends it; true keeps
  it working until its own expiry.
- lifetimes are UNCONFIRMED at Tiki ("short-lived"); the defaults are Hydra's: access
  1 h (``access_ttl``), refresh 720 h (``refresh_ttl``), code 10 min (``code_ttl``), all
  on the sandbox clock. Access tokens "cannot be revoked and are valid until their
  expiry" (Tiki): a refresh leaves the old access token working.
- refusals as RFC 6749 §5.2 writes them, with Hydra's descriptions: 400
  ``invalid_request``, ``invalid_grant``, ``unsupported_grant_type``, ``invalid_scope``;
  401 ``invalid_client`` (with ``WWW-Authenticate``). The consent page redirects its
  refusals to ``redirect_uri`` (``error``, ``error_description``, ``state``) once the
  client and the redirect address are known, and answers 400 JSON before that.

Bearer refusals are Tiki's: 401 ``{"errors": [...]}`` for a missing, unknown or expired
token; 403 for a missing scope or an inactive seller.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import unquote, urlencode, urlsplit, urlunsplit

from listsync.sandbox.harness import SandboxRequest, SandboxResponse
from listsync_tiki.sandbox.base import OAuthError, SandboxConfig, TikiError, respond
from listsync_tiki.sandbox.catalog import SCOPES

CLIENT_ID = "6418302957741283"
CLIENT_SECRET = "sandbox-tiki-client-secret-8f3a1c0e9b"
MIN_STATE = 8
INVALID_REQUEST = (
    "The request is missing a required parameter, includes an invalid parameter value, "
    "includes a parameter more than once, or is otherwise malformed."
)
INVALID_CLIENT = (
    "Client authentication failed (e.g., unknown client, no client authentication "
    "included, or unsupported authentication method)."
)
INVALID_GRANT = (
    "The provided authorization grant (e.g., authorization code, resource owner "
    "credentials) or refresh token is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)
UNSUPPORTED_GRANT = "The authorization grant type is not supported by the authorization server."
INVALID_SCOPE = "The requested scope is invalid, unknown, or malformed."
INVALID_STATE = (
    "The state is missing or does not have enough characters and is therefore considered too weak."
)
UNSUPPORTED_RESPONSE = (
    "The authorization server does not support obtaining a token using this method."
)
GRANT_TYPES = ("authorization_code", "refresh_token", "client_credentials")


@dataclass
class Code:
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    expires: datetime
    used: bool = False


@dataclass
class Access:
    client_id: str
    scopes: frozenset[str]
    expires: datetime
    grant: str


@dataclass
class Refresh:
    client_id: str
    scopes: tuple[str, ...]
    expires: datetime
    spent: bool = False


def _token() -> str:
    return secrets.token_urlsafe(32) + "." + secrets.token_urlsafe(24)


def _form(request: SandboxRequest, name: str) -> str | None:
    values = request.form.get(name)
    return values[0] if values else None


def _hint(base: str, hint: str) -> str:
    return f"{base} {hint}" if hint else base


class AuthStore:
    def __init__(self, config: Callable[[], SandboxConfig]) -> None:
        self.config = config
        self.codes: dict[str, Code] = {}
        self.access: dict[str, Access] = {}
        self.refresh: dict[str, Refresh] = {}
        self.issued = 0  # token replies given, for tests and the demo

    def reset(self) -> None:
        self.codes.clear()
        self.access.clear()
        self.refresh.clear()
        self.issued = 0

    # -- the consent page ------------------------------------------------------------
    def authorize(self, request: SandboxRequest, now: datetime) -> SandboxResponse:
        if request.arg("client_id") != CLIENT_ID:
            return OAuthError("invalid_client", INVALID_CLIENT, 401).response()
        redirect = request.arg("redirect_uri") or ""
        parts = urlsplit(redirect)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            hint = "The 'redirect_uri' parameter is missing or is not an http(s) URL."
            return OAuthError("invalid_request", _hint(INVALID_REQUEST, hint)).response()
        allowed = self.config().redirect_uris
        if allowed and redirect not in allowed:
            hint = (
                "The 'redirect_uri' parameter does not match any of the OAuth 2.0 Client's "
                "pre-registered redirect urls."
            )
            return OAuthError("invalid_request", _hint(INVALID_REQUEST, hint)).response()
        state = request.arg("state") or ""

        def back(values: dict[str, str]) -> SandboxResponse:
            if state:
                values["state"] = state
            query = parts.query + ("&" if parts.query else "") + urlencode(values)
            return SandboxResponse.redirect(urlunsplit(parts._replace(query=query)))

        if request.arg("response_type") != "code":
            hint = "The client is not allowed to request response_type other than 'code'."
            return back(
                {
                    "error": "unsupported_response_type",
                    "error_description": _hint(UNSUPPORTED_RESPONSE, hint),
                }
            )
        scopes = tuple((request.arg("scope") or "").split())
        unknown = [scope for scope in scopes if scope not in SCOPES]
        if unknown:
            hint = f"The OAuth 2.0 Client is not allowed to request scope '{unknown[0]}'."
            return back({"error": "invalid_scope", "error_description": _hint(INVALID_SCOPE, hint)})
        if len(state) < MIN_STATE:
            return back({"error": "invalid_state", "error_description": INVALID_STATE})
        code = _token()
        lifetime = timedelta(seconds=self.config().code_ttl)
        self.codes[code] = Code(CLIENT_ID, redirect, scopes, now + lifetime)
        return back({"code": code, "scope": " ".join(scopes)})

    # -- the token endpoint ----------------------------------------------------------
    def token(self, request: SandboxRequest, now: datetime) -> SandboxResponse:
        try:
            return respond(
                200,
                self._token_reply(request, now),
                {"Cache-Control": "no-store", "Pragma": "no-cache"},
            )
        except OAuthError as refusal:
            return refusal.response()

    def _token_reply(self, request: SandboxRequest, now: datetime) -> dict[str, object]:
        content_type = (request.header("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            hint = "The body must be application/x-www-form-urlencoded."
            raise OAuthError("invalid_request", _hint(INVALID_REQUEST, hint))
        form = request.form
        for name, values in form.items():
            if len(values) > 1:
                hint = f"The parameter '{name}' is given more than once."
                raise OAuthError("invalid_request", _hint(INVALID_REQUEST, hint))
        client_id = self._client(request)
        grant_type = request.arg("grant_type")
        if not grant_type:
            hint = "The 'grant_type' parameter is missing."
            raise OAuthError("invalid_request", _hint(INVALID_REQUEST, hint))
        if grant_type not in GRANT_TYPES:
            raise OAuthError("unsupported_grant_type", UNSUPPORTED_GRANT)
        if grant_type == "authorization_code":
            return self._exchange_code(request, client_id, now)
        if grant_type == "refresh_token":
            return self._refresh(request, client_id, now)
        return self._client_credentials(request, client_id, now)

    def _client(self, request: SandboxRequest) -> str:
        """Authenticate the client: Basic header or body secret, exactly one of them."""
        method = self.config().token_auth_method
        header = request.header("Authorization") or ""
        body_id = _form(request, "client_id")
        body_secret = _form(request, "client_secret")
        if header.lower().startswith("basic "):
            if body_secret is not None:
                hint = "Client authentication must use one method, not the header and the body."
                raise OAuthError("invalid_request", _hint(INVALID_REQUEST, hint))
            if method == "post":
                hint = "This client authenticates with client_secret_post (secret in the body)."
                raise OAuthError("invalid_client", _hint(INVALID_CLIENT, hint), 401)
            try:
                decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
                raw_id, raw_secret = decoded.split(":", 1)
            except (ValueError, UnicodeDecodeError):
                hint = "The Basic authorization header is malformed."
                raise OAuthError("invalid_client", _hint(INVALID_CLIENT, hint), 401) from None
            client_id, secret = unquote(raw_id), unquote(raw_secret)
            if body_id is not None and body_id != client_id:
                hint = "The client_id in the body is not the one in the Basic header."
                raise OAuthError("invalid_client", _hint(INVALID_CLIENT, hint), 401)
        elif body_secret is not None:
            if method == "basic":
                hint = "This client authenticates with client_secret_basic (the Basic header)."
                raise OAuthError("invalid_client", _hint(INVALID_CLIENT, hint), 401)
            client_id, secret = body_id or "", body_secret
        else:
            raise OAuthError("invalid_client", INVALID_CLIENT, 401)
        if client_id != CLIENT_ID or not secrets.compare_digest(secret, CLIENT_SECRET):
            raise OAuthError("invalid_client", INVALID_CLIENT, 401)
        return client_id

    def _exchange_code(
        self, request: SandboxRequest, client_id: str, now: datetime
    ) -> dict[str, object]:
        raw = request.arg("code")
        if not raw:
            hint = "The 'code' parameter is missing."
            raise OAuthError("invalid_request", _hint(INVALID_REQUEST, hint))
        code = self.codes.get(raw)
        if code is None or code.client_id != client_id:
            raise OAuthError("invalid_grant", INVALID_GRANT)
        if code.used:
            hint = "The authorization code has already been used."
            raise OAuthError("invalid_grant", _hint(INVALID_GRANT, hint))
        if now >= code.expires:
            hint = "The authorization code has expired."
            raise OAuthError("invalid_grant", _hint(INVALID_GRANT, hint))
        if request.arg("redirect_uri") != code.redirect_uri:
            hint = "The 'redirect_uri' is not the one used in the authorization request."
            raise OAuthError("invalid_grant", _hint(INVALID_GRANT, hint))
        code.used = True
        return self._issue(client_id, code.scopes, now, "authorization_code")

    def _refresh(self, request: SandboxRequest, client_id: str, now: datetime) -> dict[str, object]:
        raw = request.arg("refresh_token")
        if not raw:
            hint = "The 'refresh_token' parameter is missing."
            raise OAuthError("invalid_request", _hint(INVALID_REQUEST, hint))
        found = self.refresh.get(raw)
        if found is None or found.client_id != client_id:
            raise OAuthError("invalid_grant", INVALID_GRANT)
        if found.spent:
            hint = "The refresh token has already been used."
            raise OAuthError("invalid_grant", _hint(INVALID_GRANT, hint))
        if now >= found.expires:
            hint = "The refresh token has expired."
            raise OAuthError("invalid_grant", _hint(INVALID_GRANT, hint))
        if not self.config().old_refresh_valid:
            found.spent = True
        return self._issue(client_id, found.scopes, now, "refresh_token", always_refresh=True)

    def _client_credentials(
        self, request: SandboxRequest, client_id: str, now: datetime
    ) -> dict[str, object]:
        asked = tuple((request.arg("scope") or "").split())
        unknown = [scope for scope in asked if scope not in SCOPES]
        if unknown:
            hint = f"The OAuth 2.0 Client is not allowed to request scope '{unknown[0]}'."
            raise OAuthError("invalid_scope", _hint(INVALID_SCOPE, hint))
        granted = asked or tuple(scope for scope in SCOPES if scope != "offline")
        return self._issue(client_id, granted, now, "client_credentials", never_refresh=True)

    def _issue(
        self,
        client_id: str,
        scopes: tuple[str, ...],
        now: datetime,
        grant: str,
        *,
        always_refresh: bool = False,
        never_refresh: bool = False,
    ) -> dict[str, object]:
        config = self.config()
        access = _token()
        self.access[access] = Access(
            client_id, frozenset(scopes), now + timedelta(seconds=config.access_ttl), grant
        )
        reply: dict[str, object] = {
            "access_token": access,
            "expires_in": config.access_ttl,
            "scope": " ".join(scopes),
            "token_type": "bearer",
        }
        wants_refresh = "offline" in scopes or not config.refresh_needs_offline or always_refresh
        if wants_refresh and not never_refresh:
            refresh = _token()
            expires = now + timedelta(seconds=config.refresh_ttl)
            self.refresh[refresh] = Refresh(client_id, scopes, expires)
            reply["refresh_token"] = refresh
        self.issued += 1
        return reply

    # -- bearer check ----------------------------------------------------------------
    def bearer(self, request: SandboxRequest, now: datetime) -> Access:
        header = (request.header("Authorization") or "").strip()
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise TikiError(401, "The authorization (token) is missing")
        found = self.access.get(token.strip())
        if found is None:
            raise TikiError(401, "The authorization (token) is invalid")
        if now >= found.expires:
            raise TikiError(401, "The authorization (token) is expired")
        return found
