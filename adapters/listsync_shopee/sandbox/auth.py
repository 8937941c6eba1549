"""Shop authorization in the sandbox: consent link, code exchange, single-use refresh.

All lifetimes run on the sandbox clock (shopee.md §1.3): a code lives 10 minutes and is
used once; an access token lives 4 hours; a refresh token 30 days and is spent by its
first use, which answers a new pair; the access token it replaced works 5 more minutes.
The consent page approves at once and redirects with ``code`` and ``shop_id``.
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
        self.codes: dict[str, Grant] = {}
        self.access: dict[str, Access] = {}
        self.refresh: dict[str, Refresh] = {}

    def reset(self) -> None:
        self.codes.clear()
        self.access.clear()
        self.refresh.clear()

    def access_valid(self, token: str, shop_id: int, now: datetime) -> bool:
        found = self.access.get(token)
        return found is not None and found.shop_id == shop_id and now < found.expires

    def auth_partner(self, call: Call) -> SandboxResponse:
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
        grant.used = True
        for old in self.refresh.values():
            if old.shop_id == shop_id and not old.spent:
                self._retire(old, call.now)
        return self._issue(shop_id, call.now)

    def refresh_token(self, call: Call) -> TopLevel:
        data = body(call.request)
        shop_id = self._party(data, call)
        found = self.refresh.get(str(data.get("refresh_token", "")))
        if found is None or found.spent or call.now >= found.expires or found.shop_id != shop_id:
            raise INVALID_REFRESH
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
