"""The shop's tokens: exchanged from the consent code, kept in the core's token store,
refreshed before they expire or when Lazada refuses them.

``listsync auth lazada`` is the core's :class:`~listsync.channel.consent.Consent` (the
consent link with a ``state`` of its own, then the address the seller was sent back to),
whose ``code`` :class:`TokenKeeper` trades for tokens.

A refreshed pair is saved before it is used. Whether Lazada hands back a *new* refresh
token on refresh is UNCONFIRMED; whatever comes back is stored, with its own
``refresh_expires_in``, so both behaviours work (a spent one asks for
`listsync auth lazada`). Token replies are read at the top level or under ``data``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import SecretStr

from listsync.channel.contract import Token, TokenStore
from listsync.channel.tokens import TokenKeeperBase
from listsync.clock import Clock
from listsync.errors import AuthError
from listsync.i18n import _
from listsync_lazada.client import LazadaClient
from listsync_lazada.errors import CHANNEL, REAUTHORIZE
from listsync_lazada.replies import TokenReply


class TokenKeeper(TokenKeeperBase[LazadaClient]):
    channel = CHANNEL

    def __init__(
        self, client: LazadaClient, store: TokenStore, clock: Clock, shop_id: str, country: str
    ):
        self.country = country
        super().__init__(client, store, clock, shop_id)

    def not_connected(self) -> str:
        return _("Lazada is not connected for this shop yet: run `listsync auth lazada`")

    def ended(self) -> str:
        return _("the shop's Lazada authorization has ended: {fix}").format(fix=REAUTHORIZE)

    def refused_after_refresh(self) -> str:
        return _("Lazada still refuses the shop's access token after a refresh: {fix}").format(
            fix=REAUTHORIZE
        )

    def refresh(self) -> str:
        return self._renewed()

    def _refresh(self, token: Token) -> Token:
        now = self.clock.now()
        body = self.client.token_call(
            "refresh_token",
            "/auth/token/refresh",
            {"refresh_token": self._refresh_token(token, now).get_secret_value()},
            TokenReply,
        )
        fresh, _seller = token_from(body, now, self.country, "refresh_token")
        self.store.save(CHANNEL, self.shop_id, fresh)
        return fresh

    def exchange(self, code: str) -> str:
        """Trade the consent code for tokens, store them, and return the seller id."""
        body = self.client.token_call(
            "create_token", "/auth/token/create", {"code": code}, TokenReply
        )
        token, seller_id = token_from(body, self.clock.now(), self.country, "create_token")
        self.store.save(CHANNEL, seller_id, token)
        self.shop_id = seller_id
        return seller_id


def token_from(reply: TokenReply, now: datetime, country: str, call: str) -> tuple[Token, str]:
    """A Token and the seller id from a token reply (its model reads the seller per country
    as a list, as the field lists type it, or as an object keyed by country, as the samples
    show it)."""
    sellers = reply.sellers
    chosen = next((i for i in sellers if i.country.lower() == country), None)
    chosen = chosen or (sellers[0] if sellers else None)
    seller_id = (chosen.seller_id if chosen else None) or ""
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
            "user_id": chosen.user_id if chosen else None,
            "short_code": chosen.short_code if chosen else None,
            "account": reply.account,
            "account_id": reply.account_id,
            "country": reply.country,
        }.items()
        if value
    }
    refresh_in = reply.refresh_expires_in
    token = Token(
        access_token=SecretStr(reply.access_token),
        expires_at=now + timedelta(seconds=reply.expires_in),
        refresh_token=SecretStr(reply.refresh_token) if reply.refresh_token else None,
        refresh_expires_at=now + timedelta(seconds=refresh_in) if refresh_in is not None else None,
        extra=extra,
    )
    return token, seller_id
