"""Talking to Shopee: signed requests, the reply envelope, errors, and the shop's tokens.

Every attempt is signed afresh with the current time (the HTTP client rebuilds the request
for each attempt). Errors are read from the body whatever the HTTP status — Shopee's status
for errors is not documented (UNCONFIRMED) and both 200 and 4xx occur — and become the
core's typed errors through :mod:`listsync_shopee.errors`.

Tokens (docs/marketplaces/shopee.md §1.3): an access token lives 4 hours, a refresh token
30 days and works once; each refresh answers a new pair, which is saved through the token
store before it is used. When Shopee refuses an access token we refresh once and try the
call once more.
When a refresh's reply is lost, the old refresh token may already be spent: we try it once
more (it still works if Shopee never saw the first try) and otherwise stop with an
AuthError that says to authorize again — never a loop.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar, overload
from urllib.parse import urlencode

import requests
from pydantic import SecretStr

from listsync.channel.contract import ChannelContext, Token
from listsync.errors import AuthError, ChannelError, UnknownOutcome
from listsync.http import MalformedReply, RequestSpec
from listsync.i18n import _
from listsync.replies import Reply, parse_reply
from listsync_shopee import signing
from listsync_shopee.errors import (
    CHANNEL,
    REAUTHORIZE,
    ClockSkew,
    Subject,
    TokenRejected,
    classify,
)
from listsync_shopee.replies import Envelope, TokenReply
from listsync_shopee.settings import ShopeeSettings

DEFAULT_RATE = 10.0
REFRESH_LIFETIME = timedelta(days=30)
PACING = 0.9  # share of rate_per_second actually used
Params = Sequence[tuple[str, Any]]
R = TypeVar("R", bound=Reply)


class ShopeeClient:
    def __init__(self, settings: ShopeeSettings, context: ChannelContext):
        self.settings = settings
        self.context = context
        self.partner_id = settings.partner_id
        self._key = settings.partner_key.get_secret_value()
        self.shop_id: str | None = settings.shop_id
        # With a margin: Shopee's gateway counts calls over a sliding second, and network
        # jitter bunches evenly paced calls together.
        self.http = context.http_client(
            CHANNEL, settings, DEFAULT_RATE, secrets=(self._key,), pacing=PACING
        )
        self._refresh_lock = threading.Lock()
        self.wall_clock: Callable[[], float] = time.time

    def close(self) -> None:
        self.http.close()

    def now(self) -> datetime:
        return self.context.clock.now()

    def _timestamp(self) -> int:
        """Signed timestamps come from the computer's real clock, whatever clock the channel
        runs on: Shopee compares them with its own time (5 minutes either way)."""
        return int(self.wall_clock())

    # -- authorization ----------------------------------------------------------------
    def authorization_url(self, redirect_url: str) -> str:
        timestamp = self._timestamp()
        query = {
            "partner_id": self.partner_id,
            "timestamp": timestamp,
            "sign": signing.sign(self._key, self.partner_id, signing.AUTH_PARTNER, timestamp),
            "redirect": redirect_url,
        }
        return f"{self.http.base_url}{signing.AUTH_PARTNER}?{urlencode(query)}"

    def exchange_code(self, code: str, shop_id: str) -> Token:
        """Trade the consent code for the shop's first token pair, saved before it is used."""
        body = {"code": code, "partner_id": self.partner_id, "shop_id": int(shop_id)}
        reply = self.public(
            "get_access_token", "POST", signing.TOKEN_GET, json=body, reply=TokenReply
        )
        token = self._token_from(reply, shop_id)
        self.context.tokens.save(CHANNEL, shop_id, token)
        self.shop_id = shop_id
        self._hide(token)
        return token

    def require_shop(self) -> str:
        if not self.shop_id:
            raise AuthError(
                _(
                    "no Shopee shop is set: add shop_id to [channels.shopee] or run"
                    " `listsync auth shopee`"
                ),
                channel=CHANNEL,
            )
        return self.shop_id

    def token(self) -> Token:
        """The shop's access token, refreshed first when it is about to expire."""
        shop = self.require_shop()
        token = self.context.tokens.load(CHANNEL, shop)
        if token is None:
            raise AuthError(
                _("shop {shop} is not authorized yet: run `listsync auth shopee`").format(
                    shop=shop
                ),
                channel=CHANNEL,
            )
        self._hide(token)
        if token.expired(self.now()):
            token = self.refresh(token)
        return token

    def refresh(self, stale: Token) -> Token:
        """A new token pair in place of ``stale``; another thread's fresh pair is reused."""
        shop = self.require_shop()
        with self._refresh_lock:
            current = self.context.tokens.load(CHANNEL, shop) or stale
            if _secret(current.access_token) != _secret(stale.access_token):
                return current
            if current.refresh_token is None or (
                current.refresh_expires_at is not None and self.now() >= current.refresh_expires_at
            ):
                raise AuthError(
                    _("Shopee's refresh token for shop {shop} has expired: {fix}").format(
                        shop=shop, fix=REAUTHORIZE
                    ),
                    channel=CHANNEL,
                    call="refresh_access_token",
                )
            body = {
                "refresh_token": _secret(current.refresh_token),
                "partner_id": self.partner_id,
                "shop_id": int(shop),
            }
            reply = self._refresh_call(body)
            token = self._token_from(reply, shop)
            self.context.tokens.save(CHANNEL, shop, token)
            self._hide(token)
            return token

    def _refresh_call(self, body: dict[str, Any]) -> TokenReply:
        call = "refresh_access_token"
        try:
            return self.public(call, "POST", signing.TOKEN_REFRESH, json=body, reply=TokenReply)
        except ClockSkew:
            raise
        except UnknownOutcome:
            pass
        except AuthError as error:
            raise AuthError(error.detail, channel=CHANNEL, call=call) from None
        try:
            return self.public(call, "POST", signing.TOKEN_REFRESH, json=body, reply=TokenReply)
        except ClockSkew:
            raise
        except ChannelError:
            raise AuthError(
                _(
                    "the reply to Shopee's token refresh was lost, and the single-use refresh"
                    " token is now spent: {fix}"
                ).format(fix=REAUTHORIZE),
                channel=CHANNEL,
                call=call,
            ) from None

    def _token_from(self, reply: TokenReply, shop: str) -> Token:
        lifetime = reply.expire_in
        seconds = lifetime if lifetime is not None and lifetime > 0 else 4 * 3600
        now = self.now()
        return Token(
            access_token=SecretStr(reply.access_token),
            expires_at=now + timedelta(seconds=seconds),
            refresh_token=SecretStr(reply.refresh_token),
            refresh_expires_at=now + REFRESH_LIFETIME,
            extra={"shop_id": shop},
        )

    def _hide(self, token: Token) -> None:
        """Keep token values out of every message the HTTP client writes."""
        values = [self._key, _secret(token.access_token)]
        if token.refresh_token is not None:
            values.append(_secret(token.refresh_token))
        self.http.secrets = tuple(values)

    # -- calls --------------------------------------------------------------------------
    @overload
    def public(
        self,
        call: str,
        method: str,
        path: str,
        *,
        json: Any = None,
        files: Any = None,
        idempotent: bool = False,
        reply: type[R],
    ) -> R: ...

    @overload
    def public(
        self,
        call: str,
        method: str,
        path: str,
        *,
        json: Any = None,
        files: Any = None,
        idempotent: bool = False,
        reply: None = None,
    ) -> dict[str, Any]: ...

    def public(
        self,
        call: str,
        method: str,
        path: str,
        *,
        json: Any = None,
        files: Any = None,
        idempotent: bool = False,
        reply: type[Reply] | None = None,
    ) -> Any:
        """A call without a shop: the whole reply (token replies are top-level), read into
        ``reply`` when given (docs/marketplaces/shopee.md §1.3, §1.4)."""

        def common() -> list[tuple[str, Any]]:
            timestamp = self._timestamp()
            sign = signing.sign(self._key, self.partner_id, path, timestamp)
            return [("partner_id", self.partner_id), ("timestamp", timestamp), ("sign", sign)]

        def read(data: dict[str, Any]) -> Any:
            return data if reply is None else parse_reply(reply, data, channel=CHANNEL, call=call)

        return self._send(call, method, path, common, (), json, files, idempotent, Subject(), read)

    @overload
    def shop(
        self,
        call: str,
        method: str,
        path: str,
        *,
        params: Params = (),
        json: Any = None,
        idempotent: bool,
        subject: Subject | None = None,
        reply: type[R],
    ) -> R: ...

    @overload
    def shop(
        self,
        call: str,
        method: str,
        path: str,
        *,
        params: Params = (),
        json: Any = None,
        idempotent: bool,
        subject: Subject | None = None,
        reply: None = None,
    ) -> dict[str, Any]: ...

    def shop(
        self,
        call: str,
        method: str,
        path: str,
        *,
        params: Params = (),
        json: Any = None,
        idempotent: bool,
        subject: Subject | None = None,
        reply: type[Reply] | None = None,
    ) -> Any:
        """A shop call; returns ``response``, read into ``reply`` when given (a reply that
        does not fit is a MalformedReply). A refused access token is refreshed once."""
        about = subject or Subject()

        def read(data: dict[str, Any]) -> Any:
            envelope = parse_reply(Envelope, data, channel=CHANNEL, call=call)
            if reply is None:
                return envelope.response
            return parse_reply(
                reply, envelope.response, channel=CHANNEL, call=call, at=["response"]
            )

        token = self.token()
        try:
            return self._shop_once(call, method, path, token, params, json, idempotent, about, read)
        except TokenRejected:
            pass
        token = self.refresh(token)
        try:
            return self._shop_once(call, method, path, token, params, json, idempotent, about, read)
        except TokenRejected:
            raise AuthError(
                _("Shopee refused the access token even after a refresh: {fix}").format(
                    fix=REAUTHORIZE
                ),
                channel=CHANNEL,
                call=call,
            ) from None

    def _shop_once(
        self,
        call: str,
        method: str,
        path: str,
        token: Token,
        params: Params,
        json: Any,
        idempotent: bool,
        about: Subject,
        read: Callable[[dict[str, Any]], Any],
    ) -> Any:
        shop, access = self.require_shop(), _secret(token.access_token)

        def common() -> list[tuple[str, Any]]:
            timestamp = self._timestamp()
            sign = signing.sign(self._key, self.partner_id, path, timestamp, access, shop)
            return [
                ("partner_id", self.partner_id),
                ("timestamp", timestamp),
                ("access_token", access),
                ("shop_id", shop),
                ("sign", sign),
            ]

        return self._send(call, method, path, common, params, json, None, idempotent, about, read)

    def _send(
        self,
        call: str,
        method: str,
        path: str,
        common: Any,
        params: Params,
        json: Any,
        files: Any,
        idempotent: bool,
        about: Subject,
        read: Callable[[dict[str, Any]], Any],
    ) -> Any:
        """Send one call; ``read`` turns a successful reply into what the caller gets, inside
        the HTTP call, so a reply of the wrong shape is retried (a read) or unknown (a write)
        like a body that is not JSON."""

        def build() -> RequestSpec:
            return RequestSpec(method, path, params=[*common(), *params], json=json, files=files)

        def check(response: requests.Response) -> Any:
            data = self.http.json(response, call)
            if not isinstance(data, dict):
                raise self._malformed(response, call)
            code = data.get("error") or ""
            if code:
                raise classify(str(code), str(data.get("message") or ""), call=call, subject=about)
            if response.status_code >= 400:
                raise self._malformed(response, call)
            return read(data)

        return self.http.call(call, build, check, idempotent=idempotent)

    def _malformed(self, response: requests.Response, call: str) -> MalformedReply:
        return MalformedReply(
            _("Shopee's reply was not what its API promises (HTTP {status}): {body!r}").format(
                status=response.status_code, body=self.http.snippet(response.text)
            ),
            channel=CHANNEL,
            call=call,
        )


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value is not None else ""
