"""Shop authorization in the Lazada sandbox: the consent page, the token endpoints, tokens.

The seller's consent page (``/oauth/authorize``, the ``authorize_url``) approves at once and
redirects with a ``code`` (and the ``state`` it was given). The token gateway (``/auth/rest``,
the ``auth_url``) answers ``/auth/token/create`` (a code, used once, within ``code_ttl``) and
``/auth/token/refresh``; the app's gateway checks their signatures like any call, and asks
:meth:`AuthStore.access_valid` for the access token of every seller call. Lifetimes run on
the sandbox clock and come from :class:`SandboxConfig` (``access_ttl``, ``refresh_ttl``,
``code_ttl``).

Choices where docs/marketplaces/lazada.md says UNCONFIRMED (all settable):
- Refresh: by default a new refresh token is issued and the old one is spent
  (``refresh_rotates``), and the refresh token's expiry is not extended
  (``refresh_extends``).
- ``account_id`` in token replies is null: the page says it is null when
  ``account_platform`` is ``seller_center`` (its sample shows a number).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from listsync.sandbox.harness import SandboxClock, SandboxRequest, SandboxResponse
from listsync_lazada.sandbox.base import LazadaFault, SandboxConfig, missing


@dataclass
class _Refresh:
    expires_at: datetime
    spent: bool = False


class AuthStore:
    """The app's codes and tokens. ``seller_info`` is the token replies' per-country entry
    (``country``, ``seller_id``, ``user_id``, ``short_code``); ``account`` the seller's login."""

    def __init__(
        self,
        config: SandboxConfig,
        clock: SandboxClock,
        *,
        app_key: str,
        account: str,
        seller_info: dict[str, str],
    ) -> None:
        self.config = config
        self.clock = clock
        self.app_key = app_key
        self.account = account
        self.seller_info = dict(seller_info)
        self.codes: dict[str, datetime] = {}
        self.access: dict[str, datetime] = {}
        self.refresh: dict[str, _Refresh] = {}

    def access_valid(self, token: str) -> bool:
        expires = self.access.get(token)
        return expires is not None and self.clock.now() < expires

    def consent(self, request: SandboxRequest) -> SandboxResponse:
        redirect = request.arg("redirect_uri")
        if request.arg("client_id") != self.app_key:
            return SandboxResponse(400, "Lazada: unknown client_id")
        if request.arg("response_type") != "code" or not redirect:
            return SandboxResponse(400, "Lazada: response_type=code and redirect_uri are required")
        code = "0_" + self.app_key + "_" + secrets.token_hex(12)
        self.codes[code] = self.clock.now()
        extra = {"code": code}
        if request.arg("state") is not None:
            extra["state"] = request.arg("state") or ""
        parts = urlsplit(redirect)
        query = parts.query + ("&" if parts.query else "") + urlencode(extra)
        return SandboxResponse.redirect(urlunsplit(parts._replace(query=query)))

    def token_create(self, params: dict[str, str]) -> dict[str, Any]:
        code = params.get("code")
        if not code:
            raise missing("code")
        issued = self.codes.pop(code, None)
        if issued is None or self.clock.now() - issued > timedelta(seconds=self.config.code_ttl):
            raise LazadaFault("InvalidCode", "The authorization code is invalid or expired")
        now = self.clock.now()
        refresh_expires = now + timedelta(seconds=self.config.refresh_ttl)
        return self._issue(now, refresh_expires, "country_user_info")

    def token_refresh(self, params: dict[str, str]) -> dict[str, Any]:
        token = params.get("refresh_token")
        if not token:
            raise missing("refresh_token")
        record = self.refresh.get(token)
        now = self.clock.now()
        if record is None or record.spent or now >= record.expires_at:
            raise LazadaFault("IllegalRefreshToken", "The specified refresh token is invalid")
        expires = record.expires_at
        if self.config.refresh_extends:
            expires = now + timedelta(seconds=self.config.refresh_ttl)
        if not self.config.refresh_rotates:
            record.expires_at = expires
            return self._issue(now, expires, "country_user_info_list", same_refresh=token)
        record.spent = True
        return self._issue(now, expires, "country_user_info_list")

    def _issue(
        self,
        now: datetime,
        refresh_expires: datetime,
        info_key: str,
        same_refresh: str | None = None,
    ) -> dict[str, Any]:
        access = "50000" + secrets.token_hex(20)
        self.access[access] = now + timedelta(seconds=self.config.access_ttl)
        refresh = same_refresh or "50001" + secrets.token_hex(20)
        self.refresh.setdefault(refresh, _Refresh(refresh_expires))
        return {
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": self.config.access_ttl,
            "refresh_expires_in": max(0, round((refresh_expires - now).total_seconds())),
            "account": self.account,
            "account_id": None,
            "account_platform": "seller_center",
            "country": self.seller_info["country"],
            info_key: [dict(self.seller_info)],
        }
