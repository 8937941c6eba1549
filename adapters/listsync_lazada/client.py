"""Signed calls to the Lazada Open Platform over the core's HttpClient.

GET calls carry every parameter in the query string; POST calls carry them all (``sign``
too) as form fields, multipart when a file is attached, like Lazada's own SDK. Each
attempt is signed afresh with a new timestamp. The timestamp is the machine's real time
even when the channel runs on a fake clock: Lazada compares it with UTC (±7,200 s).

The HTTP status of an error body is UNCONFIRMED (docs/marketplaces/lazada.md), so error
bodies are read whatever the status (200 or 4xx); an HTML page (an IP block) is a
MalformedReply, retried for reads and UNKNOWN for writes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, overload

import requests

from listsync.errors import AuthError
from listsync.http import MalformedReply, RequestSpec
from listsync.i18n import _
from listsync.replies import Reply, parse_reply
from listsync_lazada.errors import CHANNEL, TokenRejected, from_body
from listsync_lazada.settings import LazadaSettings
from listsync_lazada.signing import sign

if TYPE_CHECKING:
    from listsync.channel.contract import ChannelContext

Files = Mapping[str, tuple[str, bytes, str]]
R = TypeVar("R", bound=Reply)


class Keeper(Protocol):
    """What a seller call needs of the shop's tokens (:class:`listsync_lazada.auth.TokenKeeper`)."""

    def access_token(self) -> str: ...

    def refresh(self) -> str: ...

    def give_up(self, cause: AuthError) -> AuthError: ...


class LazadaClient:
    def __init__(
        self,
        settings: LazadaSettings,
        context: ChannelContext,
        *,
        rate: float,
        wall_clock: Callable[[], float] = time.time,
    ):
        self.settings = settings
        self.wall_clock = wall_clock
        self._secret = settings.app_secret.get_secret_value()
        self.http = context.http_client(CHANNEL, settings, rate, secrets=(self._secret,))
        self.keeper: Keeper | None = None

    def close(self) -> None:
        self.http.close()

    def signed(
        self, api_path: str, params: Mapping[str, Any], access_token: str | None
    ) -> dict[str, str]:
        signed = {name: str(value) for name, value in params.items()}
        signed.update(
            app_key=self.settings.app_key,
            timestamp=str(int(self.wall_clock() * 1000)),
            sign_method="sha256",
        )
        if access_token is not None:
            signed["access_token"] = access_token
        signed["sign"] = sign(api_path, signed, self._secret)
        return signed

    @overload
    def call(
        self,
        call: str,
        api_path: str,
        params: Mapping[str, Any] | None = None,
        *,
        method: str = "GET",
        idempotent: bool,
        files: Files | None = None,
        seller: bool = True,
        sku: str = "",
        reply: type[R],
    ) -> R: ...

    @overload
    def call(
        self,
        call: str,
        api_path: str,
        params: Mapping[str, Any] | None = None,
        *,
        method: str = "GET",
        idempotent: bool,
        files: Files | None = None,
        seller: bool = True,
        sku: str = "",
        reply: None = None,
    ) -> dict[str, Any]: ...

    def call(
        self,
        call: str,
        api_path: str,
        params: Mapping[str, Any] | None = None,
        *,
        method: str = "GET",
        idempotent: bool,
        files: Files | None = None,
        seller: bool = True,
        sku: str = "",
        reply: type[Reply] | None = None,
    ) -> Any:
        """One API call: the whole reply, read into ``reply`` when given (a reply that does
        not fit is a MalformedReply). For seller APIs a refused token is refreshed once."""
        send = (call, api_path, params, method, idempotent, files)
        if not seller:
            return self._send(*send, None, sku, reply)
        assert self.keeper is not None, "a seller call needs a Keeper"
        token = self.keeper.access_token()
        try:
            return self._send(*send, token, sku, reply)
        except TokenRejected:
            token = self.keeper.refresh()
        try:
            return self._send(*send, token, sku, reply)
        except TokenRejected as exc:
            raise self.keeper.give_up(exc) from None

    def token_call(self, call: str, api_path: str, params: Mapping[str, Any], reply: type[R]) -> R:
        """A call to the token gateway (``auth_url``), signed without an access token.

        Marked idempotent although a refresh may spend its refresh token: if the first reply
        is lost, the repeat either works or says IllegalRefreshToken, and that is the truth.
        """
        return self._send(call, api_path, params, "POST", True, None, None, "", reply, auth=True)

    def _send(
        self,
        call: str,
        api_path: str,
        params: Mapping[str, Any] | None,
        method: str,
        idempotent: bool,
        files: Files | None,
        token: str | None,
        sku: str,
        reply: type[Reply] | None,
        auth: bool = False,
    ) -> Any:
        base = self.settings.auth_url if auth else None

        def build() -> RequestSpec:
            signed = self.signed(api_path, params or {}, token)
            if method == "GET":
                return RequestSpec("GET", api_path, params=signed, base_url=base)
            return RequestSpec("POST", api_path, data=signed, files=files, base_url=base)

        def check(response: requests.Response) -> Any:
            body = self.http.json(response, call)
            if not isinstance(body, dict) or "code" not in body:
                raise MalformedReply(
                    _("the reply is not a Lazada answer (HTTP {status}): {body!r}").format(
                        status=response.status_code, body=self.http.snippet(response.text)
                    ),
                    channel=CHANNEL,
                    call=call,
                )
            if str(body["code"]) != "0":
                raise from_body(body, call=call, sku=sku)
            if reply is None:
                return body
            return parse_reply(reply, body, channel=CHANNEL, call=call)

        return self.http.call(call, build, check, idempotent=idempotent)
