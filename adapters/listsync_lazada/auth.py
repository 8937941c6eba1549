"""The shop's tokens: exchanged from the consent code, kept in the core's token store,
refreshed before they expire or when Lazada refuses them.

A refreshed pair is saved before it is used. Whether Lazada hands back a *new* refresh
token on refresh is UNCONFIRMED; whatever comes back is stored, with its own
``refresh_expires_in``, so both behaviours work.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from pydantic import SecretStr

from listsync.channel.contract import Token, TokenStore
from listsync.clock import Clock
from listsync.errors import AuthError
from listsync.i18n import _
from listsync_lazada.client import LazadaClient
from listsync_lazada.errors import CHANNEL, REAUTHORIZE


class TokenKeeper:
    def __init__(
        self, client: LazadaClient, store: TokenStore, clock: Clock, shop_id: str, country: str
    ):
        self.client = client
        self.store = store
        self.clock = clock
        self.shop_id = shop_id
        self.country = country
        self._lock = threading.Lock()
        client.keeper = self

    def _load(self) -> Token:
        token = self.store.load(CHANNEL, self.shop_id) if self.shop_id else None
        if token is None:
            raise AuthError(
                _("Lazada is not connected for this shop yet: run `listsync auth lazada`"),
                channel=CHANNEL,
            )
        return token

    def access_token(self) -> str:
        with self._lock:
            token = self._load()
            if token.expired(self.clock.now()):
                token = self._refresh(token)
            return token.access_token.get_secret_value()

    def refresh(self) -> str:
        with self._lock:
            return self._refresh(self._load()).access_token.get_secret_value()

    def _refresh(self, token: Token) -> Token:
        now = self.clock.now()
        if token.refresh_token is None or (
            token.refresh_expires_at is not None and now >= token.refresh_expires_at
        ):
            raise AuthError(
                _("the shop's Lazada authorization has ended: {fix}").format(fix=REAUTHORIZE),
                channel=CHANNEL,
                call="refresh_token",
            )
        body = self.client.token_call(
            "refresh_token",
            "/auth/token/refresh",
            {"refresh_token": token.refresh_token.get_secret_value()},
        )
        fresh, _seller = token_from(body, now, self.country, "refresh_token")
        self.store.save(CHANNEL, self.shop_id, fresh)
        return fresh

    def give_up(self, cause: AuthError) -> AuthError:
        return AuthError(
            _("Lazada still refuses the shop's access token after a refresh: {fix}").format(
                fix=REAUTHORIZE
            ),
            channel=CHANNEL,
            call=cause.call,
        )

    def exchange(self, code: str) -> str:
        """Trade the consent code for tokens, store them, and return the seller id."""
        body = self.client.token_call("create_token", "/auth/token/create", {"code": code})
        token, seller_id = token_from(body, self.clock.now(), self.country, "create_token")
        self.store.save(CHANNEL, seller_id, token)
        self.shop_id = seller_id
        return seller_id


def _user_infos(raw: Any) -> list[Mapping[str, Any]]:
    """The seller per country: a list of ``{country, seller_id, …}`` as the field lists of
    GenerateAccessToken / RefreshAccessToken type it, or an object keyed by country as
    their samples show it (``{"sg": {"seller_id": …}}``)."""
    if isinstance(raw, Mapping):
        return [
            {"country": country, **info}
            for country, info in raw.items()
            if isinstance(info, Mapping)
        ]
    if isinstance(raw, list):
        return [info for info in raw if isinstance(info, Mapping)]
    return []


def token_from(
    body: Mapping[str, Any], now: datetime, country: str, call: str
) -> tuple[Token, str]:
    """A Token and the seller id from a token reply (top level, or under ``data``)."""
    data = body.get("data") if isinstance(body.get("data"), Mapping) else body
    assert isinstance(data, Mapping)
    try:
        access = str(data["access_token"])
        expires_in = int(data["expires_in"])
        refresh = data.get("refresh_token")
        refresh_in = data.get("refresh_expires_in")
    except (KeyError, TypeError, ValueError):
        raise AuthError(
            _("Lazada's token reply has no access token and lifetime"), channel=CHANNEL, call=call
        ) from None
    infos = _user_infos(data.get("country_user_info") or data.get("country_user_info_list"))
    chosen = next((i for i in infos if str(i.get("country", "")).lower() == country), None)
    chosen = chosen or (infos[0] if infos else {})
    seller_id = str(chosen.get("seller_id") or "")
    if not seller_id:
        raise AuthError(
            _("Lazada's token reply names no seller for country {country}").format(country=country),
            channel=CHANNEL,
            call=call,
        )
    extra = {
        key: str(value)
        for key, value in {
            "seller_id": seller_id,
            "user_id": chosen.get("user_id"),
            "short_code": chosen.get("short_code"),
            "account": data.get("account"),
            "account_id": data.get("account_id"),
            "country": data.get("country"),
        }.items()
        if value
    }
    token = Token(
        access_token=SecretStr(access),
        expires_at=now + timedelta(seconds=expires_in),
        refresh_token=SecretStr(str(refresh)) if refresh else None,
        refresh_expires_at=(
            now + timedelta(seconds=int(refresh_in)) if refresh_in not in (None, "") else None
        ),
        extra=extra,
    )
    return token, seller_id
