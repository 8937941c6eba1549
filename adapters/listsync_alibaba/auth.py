"""The shop's tokens: exchanged from the consent code, kept in the core's token store,
refreshed before they expire or when Alibaba refuses them.

``listsync auth alibaba`` is the core's :class:`~listsync.channel.consent.Consent`: the link
(``{authorize_url}?response_type=code&redirect_uri=…&client_id=<app_key>&state=…``), then
the address the seller was sent back to, whose ``code`` :class:`TokenKeeper` trades for
tokens with ``/auth/token/create`` (the code must be traded within minutes: 30 by one guide).

``/auth/token/create`` and ``/auth/token/refresh`` answer ``access_token``,
``refresh_token``, ``expires_in``, ``refresh_expires_in``, ``account``, ``account_id`` and
``user_info{user_id, seller_id, loginId, country}`` (docs/marketplaces/alibaba.md §4.3), at
the top or under ``result``/``data``. The seller id is ``user_info.seller_id``, else
``seller_id`` or ``user_id`` wherever they are, else ``account_id``. Real lifetimes are
UNCONFIRMED (10 days and 60 days in one sample, "~18 months" in another note), so the
reply's own ``expires_in``/``refresh_expires_in`` are used; a ``refresh_expires_in`` of 0
means the token cannot be refreshed. Whatever refresh token a refresh returns is stored, so
a rotating one and a reused one both work. A refreshed pair is saved before it is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from pydantic import SecretStr

from listsync.channel.contract import Token
from listsync.channel.tokens import TokenKeeperBase
from listsync.errors import AuthError
from listsync.i18n import _
from listsync_alibaba.client import AlibabaClient, field
from listsync_alibaba.errors import CHANNEL, REAUTHORIZE

CREATE_TOKEN = "/auth/token/create"
REFRESH_TOKEN = "/auth/token/refresh"
DEFAULT_LIFETIME = 86_400  # seconds, when a token reply names no expires_in


def _seconds(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def token_from(body: Mapping[str, Any], now: datetime, call: str) -> tuple[Token, str]:
    """A Token and the seller id from a token reply."""
    access = field(body, "access_token")
    if not isinstance(access, str) or not access:
        raise AuthError(_("Alibaba's token reply has no access token"), channel=CHANNEL, call=call)
    user = field(body, "user_info")
    user = user if isinstance(user, Mapping) else {}
    seller = (
        user.get("seller_id")
        or field(body, "seller_id")
        or user.get("user_id")
        or field(body, "user_id")
        or field(body, "account_id")
    )
    seller_id = str(seller or "").strip()
    if not seller_id:
        raise AuthError(_("Alibaba's token reply names no seller"), channel=CHANNEL, call=call)
    lifetime = _seconds(field(body, "expires_in")) or DEFAULT_LIFETIME
    refresh = field(body, "refresh_token")
    refresh_in = _seconds(field(body, "refresh_expires_in"))
    extra = {
        key: str(value)
        for key, value in {
            "seller_id": seller_id,
            "user_id": user.get("user_id"),
            "login_id": user.get("loginId"),
            "account": field(body, "account"),
            "account_id": field(body, "account_id"),
            "country": user.get("country") or field(body, "country"),
        }.items()
        if value not in (None, "")
    }
    token = Token(
        access_token=SecretStr(access),
        expires_at=now + timedelta(seconds=lifetime),
        refresh_token=SecretStr(str(refresh)) if refresh and refresh_in != 0 else None,
        refresh_expires_at=now + timedelta(seconds=refresh_in) if refresh_in else None,
        extra=extra,
    )
    return token, seller_id


class TokenKeeper(TokenKeeperBase[AlibabaClient]):
    channel = CHANNEL

    def not_connected(self) -> str:
        return _("Alibaba.com is not connected for this shop yet: run `listsync auth alibaba`")

    def ended(self) -> str:
        return _("the shop's Alibaba.com authorization has ended: {fix}").format(fix=REAUTHORIZE)

    def refused_after_refresh(self) -> str:
        return _("Alibaba still refuses the shop's access token after a refresh: {fix}").format(
            fix=REAUTHORIZE
        )

    def refresh(self, refused: str) -> str:
        """A new access token after ``refused`` was turned away (unless one came meanwhile)."""
        return self._renewed(refused)

    def _refresh(self, token: Token) -> Token:
        now = self.clock.now()
        refresh_token = self._refresh_token(token, now)
        # idempotent although a refresh may spend its refresh token: if the first reply is
        # lost, the repeat either works or says IllegalRefreshToken, and that is the truth
        body = self.client.call(
            "refresh_token",
            REFRESH_TOKEN,
            {"refresh_token": refresh_token.get_secret_value()},
            idempotent=True,
            seller=False,
        )
        fresh, _seller = token_from(body, now, "refresh_token")
        if fresh.refresh_token is None and fresh.refresh_expires_at is None:
            fresh = Token(  # a reply without a new refresh token: the old one still holds
                fresh.access_token,
                fresh.expires_at,
                token.refresh_token,
                token.refresh_expires_at,
                fresh.extra,
            )
        self.store.save(CHANNEL, self.shop_id, fresh)
        return fresh

    def exchange(self, code: str) -> str:
        """Trade the consent code for tokens, store them, and return the seller id."""
        body = self.client.call(
            "create_token", CREATE_TOKEN, {"code": code}, idempotent=True, seller=False
        )
        token, seller_id = token_from(body, self.clock.now(), "create_token")
        self.store.save(CHANNEL, seller_id, token)
        self.shop_id = seller_id
        return seller_id
