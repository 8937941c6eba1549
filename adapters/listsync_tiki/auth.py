"""The shop's tokens: from the consent code (public apps) or client credentials (in-house
apps), kept in the core's token store, renewed before they expire or when Tiki refuses them.

- A public app trades the consent code for an access and a refresh token, and refreshes
  with ``grant_type=refresh_token``. Tiki answers with a new refresh token "with a new
  expiration date" (refresh-token page): the new pair is saved *before* it is used, so a
  run killed just after a refresh never leaves a spent refresh token behind.
- An in-house app has no refresh token: ``grant_type=client_credentials`` is simply asked
  again when the access token has expired or is refused (client-credentials page).

Token lifetimes are UNCONFIRMED (the docs only say access tokens are short-lived): the
reply's ``expires_in`` is used, and a reply without it is taken to last an hour; a
``refresh_token_expires_in`` is kept when one comes. The seller id is the token reply's
``seller_id`` when it has one, else ``GET /integration/v2/sellers/me`` (Get seller), else
the ``shop_id`` setting.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from pydantic import SecretStr

from listsync.channel.contract import Token, TokenStore
from listsync.clock import Clock
from listsync.errors import AuthError, ChannelError
from listsync.i18n import _
from listsync_tiki.client import TikiClient
from listsync_tiki.errors import CHANNEL, REAUTHORIZE, TikiRejected
from listsync_tiki.settings import TikiSettings

DEFAULT_LIFETIME = 3600  # seconds, when a token reply has no expires_in (UNCONFIRMED)
SELLER_PATH = "/integration/v2/sellers/me"


def _seconds(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def token_from(body: Mapping[str, Any], now: datetime, app_type: str, call: str) -> Token:
    """A Token from an OAuth 2.0 token reply (top level, or under ``data``)."""
    data = body.get("data") if isinstance(body.get("data"), Mapping) else body
    assert isinstance(data, Mapping)
    access = data.get("access_token")
    if not isinstance(access, str) or not access:
        raise AuthError(_("Tiki's token reply has no access token"), channel=CHANNEL, call=call)
    lifetime = _seconds(data.get("expires_in")) or DEFAULT_LIFETIME
    refresh = data.get("refresh_token")
    refresh_in = _seconds(data.get("refresh_token_expires_in") or data.get("refresh_expires_in"))
    extra = {
        key: str(value)
        for key, value in {
            "app_type": app_type,
            "scope": data.get("scope"),
            "token_type": data.get("token_type"),
            "seller_id": data.get("seller_id"),
        }.items()
        if value not in (None, "")
    }
    return Token(
        access_token=SecretStr(access),
        expires_at=now + timedelta(seconds=lifetime),
        refresh_token=SecretStr(str(refresh)) if refresh else None,
        refresh_expires_at=now + timedelta(seconds=refresh_in) if refresh_in else None,
        extra=extra,
    )


class TokenKeeper:
    def __init__(self, client: TikiClient, store: TokenStore, clock: Clock, settings: TikiSettings):
        self.client = client
        self.store = store
        self.clock = clock
        self.settings = settings
        self.shop_id = settings.shop_id
        self.in_house = settings.app_type == "in_house"
        self._lock = threading.Lock()
        client.keeper = self

    # -- what a seller call asks for -------------------------------------------------------
    def access_token(self) -> str:
        with self._lock:
            token = self.store.load(CHANNEL, self.shop_id) if self.shop_id else None
            if token is None:
                if not self.in_house:
                    raise AuthError(
                        _("Tiki is not connected for this shop yet: run `listsync auth tiki`"),
                        channel=CHANNEL,
                    )
                token = self._client_credentials()
            elif token.expired(self.clock.now()):
                token = self._renew(token)
            return token.access_token.get_secret_value()

    def refresh(self, refused: str) -> str:
        """A new access token after ``refused`` was turned away (unless one came meanwhile)."""
        with self._lock:
            token = self.store.load(CHANNEL, self.shop_id) if self.shop_id else None
            if token is not None and token.access_token.get_secret_value() != refused:
                return token.access_token.get_secret_value()
            if token is None and not self.in_house:
                raise AuthError(
                    _("Tiki is not connected for this shop yet: run `listsync auth tiki`"),
                    channel=CHANNEL,
                )
            fresh = self._client_credentials() if token is None else self._renew(token)
            return fresh.access_token.get_secret_value()

    def give_up(self, cause: AuthError) -> AuthError:
        if self.in_house:
            message = _(
                "Tiki refuses even a fresh token of the in-house app: check that the seller "
                "has connected the app in Tiki Seller Center and that client_id and "
                "client_secret are the app's"
            )
        else:
            message = _("Tiki still refuses the shop's access token after a refresh: {fix}").format(
                fix=REAUTHORIZE
            )
        return AuthError(message, channel=CHANNEL, call=cause.call)

    # -- getting tokens --------------------------------------------------------------------
    def _renew(self, token: Token) -> Token:
        if self.in_house or token.extra.get("app_type") == "in_house":
            return self._client_credentials()
        now = self.clock.now()
        if token.refresh_token is None or (
            token.refresh_expires_at is not None and now >= token.refresh_expires_at
        ):
            raise AuthError(
                _("the shop's Tiki authorization has ended: {fix}").format(fix=REAUTHORIZE),
                channel=CHANNEL,
                call="refresh_token",
            )
        body = self.client.token_call(
            "refresh_token",
            {
                "grant_type": "refresh_token",
                "refresh_token": token.refresh_token.get_secret_value(),
                "client_id": self.settings.client_id,
            },
        )
        fresh = token_from(body, now, "public", "refresh_token")
        if fresh.refresh_token is None:  # a reply without one keeps the old (UNCONFIRMED)
            fresh = Token(
                fresh.access_token,
                fresh.expires_at,
                token.refresh_token,
                token.refresh_expires_at,
                {**token.extra, **fresh.extra},
            )
        self.store.save(CHANNEL, self.shop_id, fresh)  # saved before it is ever used
        return fresh

    def _client_credentials(self) -> Token:
        now = self.clock.now()
        body = self.client.token_call("client_credentials", {"grant_type": "client_credentials"})
        token = token_from(body, now, "in_house", "client_credentials")
        shop = self.shop_id or self._seller_id(token)
        self.store.save(CHANNEL, shop, token)
        self.shop_id = shop
        return token

    def exchange(self, code: str, redirect_uri: str) -> str:
        """Trade a public app's consent code for tokens, store them; returns the seller id."""
        with self._lock:
            body = self.client.token_call(
                "authorization_code",
                {
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": redirect_uri,
                    "client_id": self.settings.client_id,
                },
            )
            token = token_from(body, self.clock.now(), "public", "authorization_code")
            shop = self._seller_id(token)
            self.store.save(CHANNEL, shop, token)
            self.shop_id = shop
            return shop

    def connect_in_house(self) -> str:
        """``listsync auth tiki`` for an in-house app: client credentials, no browser."""
        with self._lock:
            saved, self.shop_id = self.shop_id, ""
            try:
                self._client_credentials()
            except ChannelError:
                self.shop_id = saved
                raise
            return self.shop_id

    def _seller_id(self, token: Token) -> str:
        """Whose shop ``token`` opens: the reply's seller id, Get seller, or the setting."""
        if token.extra.get("seller_id"):
            return token.extra["seller_id"]
        try:
            body = self.client.call_with(
                token.access_token.get_secret_value(), "get_seller", "GET", SELLER_PATH
            )
        except TikiRejected as exc:
            if exc.status not in (404, 405) or not self.settings.shop_id:
                raise
            return self.settings.shop_id
        seller = body.get("id") if isinstance(body, Mapping) else None
        if seller in (None, ""):
            if self.settings.shop_id:
                return self.settings.shop_id
            raise AuthError(
                _("Tiki did not say which seller the new token belongs to"),
                channel=CHANNEL,
                call="get_seller",
            )
        return str(seller)
