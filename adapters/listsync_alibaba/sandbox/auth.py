"""Shop authorization in the Alibaba.com sandbox: the consent page, the token APIs, tokens.

The seller's consent page (``/oauth/authorize?response_type=code&redirect_uri=…&client_id=
<app_key>``, the ``authorize_url``; docs/marketplaces/alibaba.md §4.3) approves at once and
redirects to ``redirect_uri`` with a ``code`` (and the ``state`` it was given). The code
works once, within ``code_ttl`` (30 minutes, as one guide says), else ``InvalidCode``.

``/auth/token/create`` (``code``, optional ``uuid``) and ``/auth/token/refresh``
(``refresh_token``) are gateway APIs like any other (signed, path in the signature; no
access token) and answer, at the top level beside ``code: "0"`` and ``request_id``:
``access_token, refresh_token, expires_in, refresh_expires_in, account, account_id,
account_platform, country, user_info{user_id, seller_id, loginId, country}``. A refresh
token that is spent or expired is ``IllegalRefreshToken``; one whose
``refresh_expires_in`` reached 0 cannot refresh. Lifetimes run on the sandbox clock.

Choices where alibaba.md says UNCONFIRMED (settings):
- Lifetimes: ``access_ttl`` 864,000 s (10 days) and ``refresh_ttl`` 5,184,000 s (60 days),
  the example values of the migration guide (one integrator speaks of ~18 months).
- ``refresh_rotates`` (true): a refresh answers a new refresh token and spends the old one
  (false: the same refresh token comes back and keeps working); the refresh token's own
  expiry is never extended, so ``refresh_expires_in`` counts down to a new consent.
- ``token_numbers`` ("string"): ``expires_in`` and ``refresh_expires_in`` as text
  (``"864000"``, as the guide's sample shows); "number" writes them as numbers.
- ``account_platform`` is ``seller_center`` and ``account_id`` the seller's id as text
  (the guide's sample is a buyer's: ``buyApp``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from listsync.sandbox.harness import SandboxClock, SandboxRequest, SandboxResponse
from listsync_alibaba.sandbox.base import AlibabaFault, SandboxConfig, missing
from listsync_alibaba.sandbox.catalog import LOGIN_ID, SELLER_EMAIL, SELLER_ID, USER_ID


@dataclass
class _Refresh:
    expires_at: datetime
    spent: bool = False


class AuthStore:
    """The app's codes and tokens, for the sandbox's one seller."""

    def __init__(self, config: SandboxConfig, clock: SandboxClock, *, app_key: str) -> None:
        self.config = config
        self.clock = clock
        self.app_key = app_key
        self.codes: dict[str, datetime] = {}
        self.access: dict[str, datetime] = {}
        self.refresh: dict[str, _Refresh] = {}
        self.issued = 0

    def access_valid(self, token: str) -> bool:
        expires = self.access.get(token)
        return expires is not None and self.clock.now() < expires

    def consent(self, request: SandboxRequest) -> SandboxResponse:
        redirect = request.arg("redirect_uri")
        if request.arg("client_id") != self.app_key:
            return SandboxResponse(400, "Alibaba.com: unknown client_id (the app key)")
        if request.arg("response_type") != "code" or not redirect:
            return SandboxResponse(
                400, "Alibaba.com: response_type=code and redirect_uri are required"
            )
        parts = urlsplit(redirect)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return SandboxResponse(400, "Alibaba.com: redirect_uri is not an http(s) address")
        code = f"3_{self.app_key}_{secrets.token_urlsafe(18)}"
        self.codes[code] = self.clock.now()
        extra = {"code": code}
        state = request.arg("state")
        if state is not None:
            extra["state"] = state
        query = parts.query + ("&" if parts.query else "") + urlencode(extra)
        return SandboxResponse.redirect(urlunsplit(parts._replace(query=query)))

    def token_create(self, params: dict[str, str]) -> dict[str, Any]:
        code = params.get("code")
        if not code:
            raise missing("code")
        issued = self.codes.pop(code, None)
        now = self.clock.now()
        if issued is None or now - issued > timedelta(seconds=self.config.code_ttl):
            raise AlibabaFault("InvalidCode", "The authorization code is invalid or expired")
        return self._issue(now, now + timedelta(seconds=self.config.refresh_ttl))

    def token_refresh(self, params: dict[str, str]) -> dict[str, Any]:
        token = params.get("refresh_token")
        if not token:
            raise missing("refresh_token")
        record = self.refresh.get(token)
        now = self.clock.now()
        if record is None or record.spent or now >= record.expires_at:
            raise AlibabaFault(
                "IllegalRefreshToken", "The specified refresh token is invalid or expired"
            )
        if self.config.refresh_rotates:
            record.spent = True
            return self._issue(now, record.expires_at)
        return self._issue(now, record.expires_at, same_refresh=token)

    def _issue(
        self, now: datetime, refresh_expires: datetime, same_refresh: str | None = None
    ) -> dict[str, Any]:
        self.issued += 1
        access = "50000" + secrets.token_hex(24)
        self.access[access] = now + timedelta(seconds=self.config.access_ttl)
        refresh = same_refresh or "50001" + secrets.token_hex(24)
        self.refresh.setdefault(refresh, _Refresh(refresh_expires))
        refresh_left = max(0, round((refresh_expires - now).total_seconds()))
        as_text = self.config.token_numbers == "string"
        return {
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": str(self.config.access_ttl) if as_text else self.config.access_ttl,
            "refresh_expires_in": str(refresh_left) if as_text else refresh_left,
            "account": SELLER_EMAIL,
            "account_id": SELLER_ID,
            "account_platform": "seller_center",
            "country": "vn",
            "user_info": {
                "user_id": USER_ID,
                "seller_id": SELLER_ID,
                "loginId": LOGIN_ID,
                "country": "VN",
            },
        }
