"""Shop authorization in the sandbox: consent link, code exchange, single-use refresh.

All lifetimes run on the sandbox clock (docs/marketplaces/shopee.md §1.3): a code lives
10 minutes and is used once; an access token lives 4 hours; a refresh token 30 days and is
spent by its first use, which answers a new pair; the access token it replaced works
5 more minutes.
The consent page approves at once and redirects with ``code`` and ``shop_id``.

Refusals as the refresh_access_token page lists them: a refresh token past its 30 days is
``refresh_token_expired`` ("Your refresh_token expired."), a spent or unknown one
``error_auth`` ("Invalid refresh_token.", the page's error example). The shop's own state,
set through the control API (``POST /_sandbox/shop``), adds the page's two shop refusals:
``ACCESS_EXPIRED`` (the seller's authorization ran out) answers refreshes with
``shop_access_expired`` and turns its access tokens down (``error_auth`` "Invalid
access_token."), until the seller authorizes again; ``BANNED`` answers authorization,
refreshes and every shop call with ``shop_banned`` until the state is set back. Which code
a shop call gets for an expired authorization is not documented (UNCONFIRMED).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from listsync.sandbox.harness import SandboxResponse
from listsync_shopee.sandbox.base import ApiError, Call, TopLevel, body, wrong

CODE_LIFETIME = timedelta(minutes=10)
ACCESS_LIFETIME = timedelta(hours=4)
REFRESH_LIFETIME = timedelta(days=30)
GRACE = timedelta(minutes=5)
INVALID_REFRESH = ApiError("error_auth", "Invalid refresh_token.")
NORMAL, ACCESS_EXPIRED, BANNED = "NORMAL", "ACCESS_EXPIRED", "BANNED"
SHOP_STATUSES = (NORMAL, ACCESS_EXPIRED, BANNED)


def refresh_expired() -> ApiError:
    return ApiError("refresh_token_expired", "Your refresh_token expired.")


def access_expired() -> ApiError:
    return ApiError("shop_access_expired", "Your access to shop has expired.")


def banned(*, gateway: bool = False) -> ApiError:
    return ApiError(
        "shop_banned",
        "The shop account has been banned. Permissions for shop authorization and API calls"
        " have been suspended until the shop account is restored.",
        gateway=gateway,
    )


@dataclass
class Grant:
    shop_id: int
    expires: datetime
    used: bool = False


@dataclass
class Access:
    shop_id: int
    expires: datetime


@dataclass
class Refresh:
    shop_id: int
    expires: datetime
    access_token: str
    spent: bool = False


class AuthStore:
    def __init__(self, shop_id: int) -> None:
        self.shop_id = shop_id
        self.status = NORMAL
        self.codes: dict[str, Grant] = {}
        self.access: dict[str, Access] = {}
        self.refresh: dict[str, Refresh] = {}

    def reset(self) -> None:
        self.status = NORMAL
        self.codes.clear()
        self.access.clear()
        self.refresh.clear()

    def set_status(self, status: str) -> None:
        """The control API's shop state: NORMAL, ACCESS_EXPIRED or BANNED."""
        if status not in SHOP_STATUSES:
            raise ValueError(f"unknown shop status {status!r}; use one of {SHOP_STATUSES}")
        self.status = status

    def access_valid(self, token: str, shop_id: int, now: datetime) -> bool:
        """Raises ``shop_banned`` for a banned shop; an expired authorization's tokens fail."""
        if self.status == BANNED:
            raise banned(gateway=True)
        found = self.access.get(token)
        return (
            self.status == NORMAL
            and found is not None
            and found.shop_id == shop_id
            and now < found.expires
        )

    def auth_partner(self, call: Call) -> SandboxResponse:
        if self.status == BANNED:
            raise banned()
        redirect = call.request.arg("redirect")
        if not redirect or urlsplit(redirect).scheme not in ("http", "https"):
            raise wrong("redirect should be an http(s) URL")
        code = secrets.token_hex(16)
        self.codes[code] = Grant(self.shop_id, call.now + CODE_LIFETIME)
        joiner = "&" if urlsplit(redirect).query else "?"
        query = urlencode({"code": code, "shop_id": self.shop_id})
        return SandboxResponse.redirect(f"{redirect}{joiner}{query}")

    def _party(self, data: dict[str, Any], call: Call) -> int:
        if data.get("partner_id") != call.partner_id:
            raise ApiError("invalid_partner_id", "Invalid partner_id.")
        if "main_account_id" in data and "shop_id" not in data:
            raise wrong("main account authorization is not available in this sandbox")
        shop_id = data.get("shop_id")
        if not isinstance(shop_id, int) or isinstance(shop_id, bool):
            raise wrong("shop_id should be an integer")
        return shop_id

    def token_get(self, call: Call) -> TopLevel:
        data = body(call.request)
        shop_id = self._party(data, call)
        grant = self.codes.get(str(data.get("code", "")))
        if grant is None or grant.used or call.now >= grant.expires:
            raise ApiError("invalid_code", "The code is expired or used or invalid")
        if grant.shop_id != shop_id:
            raise ApiError("invalid_shop_id", "Invalid shop_id.")
        if self.status == BANNED:
            raise banned()
        grant.used = True
        self.status = NORMAL  # authorizing again renews an authorization that ran out
        for old in self.refresh.values():
            if old.shop_id == shop_id and not old.spent:
                self._retire(old, call.now)
        return self._issue(shop_id, call.now)

    def refresh_token(self, call: Call) -> TopLevel:
        data = body(call.request)
        shop_id = self._party(data, call)
        found = self.refresh.get(str(data.get("refresh_token", "")))
        if found is None or found.spent or found.shop_id != shop_id:
            raise INVALID_REFRESH
        if self.status == BANNED:
            raise banned()
        if self.status == ACCESS_EXPIRED:
            raise access_expired()
        if call.now >= found.expires:
            raise refresh_expired()
        self._retire(found, call.now)
        reply = self._issue(shop_id, call.now)
        reply.update(partner_id=call.partner_id, shop_id=shop_id)
        return reply

    def _retire(self, old: Refresh, now: datetime) -> None:
        old.spent = True
        access = self.access.get(old.access_token)
        if access is not None:
            access.expires = min(access.expires, now + GRACE)

    def _issue(self, shop_id: int, now: datetime) -> TopLevel:
        access_token, refresh_token = secrets.token_hex(16), secrets.token_hex(16)
        self.access[access_token] = Access(shop_id, now + ACCESS_LIFETIME)
        self.refresh[refresh_token] = Refresh(shop_id, now + REFRESH_LIFETIME, access_token)
        return TopLevel(
            access_token=access_token,
            refresh_token=refresh_token,
            expire_in=int(ACCESS_LIFETIME.total_seconds()),
        )
