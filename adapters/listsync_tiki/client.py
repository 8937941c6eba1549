"""Calls to Tiki's Open Platform over the core's HttpClient: JSON bodies, a bearer token.

Seller calls carry ``Authorization: Bearer <access token>``; a refused token (401) is
refreshed once (or, for an in-house app, requested again) and the call is tried once more.
Token calls go to the OAuth 2.0 server (``{auth_url}/token``) as a form, the app proving
itself with HTTP Basic or in the body (``token_auth``). There is no request signing.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

import requests

from listsync.errors import AuthError
from listsync.http import MalformedReply, RequestSpec
from listsync.i18n import _
from listsync_tiki.errors import CHANNEL, TokenRejected, from_response, from_token_error, paused
from listsync_tiki.settings import TikiSettings

if TYPE_CHECKING:
    from listsync.channel.contract import ChannelContext


class Keeper(Protocol):
    """What a seller call needs of the shop's tokens (:class:`listsync_tiki.auth.TokenKeeper`)."""

    def access_token(self) -> str: ...

    def refresh(self, refused: str) -> str: ...

    def give_up(self, cause: AuthError) -> AuthError: ...


class TikiClient:
    def __init__(self, settings: TikiSettings, context: ChannelContext, *, rate: float):
        self.settings = settings
        self._secret = settings.client_secret.get_secret_value()
        basic = f"{settings.client_id}:{self._secret}".encode()
        self._basic = "Basic " + base64.b64encode(basic).decode()
        self.http = context.http_client(
            CHANNEL, settings, rate, secrets=(self._secret, self._basic.split(" ", 1)[1])
        )
        self.keeper: Keeper | None = None

    def close(self) -> None:
        self.http.close()

    # -- seller calls --------------------------------------------------------------------
    def call(
        self,
        call: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        idempotent: bool,
        sku: str = "",
    ) -> Any:
        """One seller call; a refused token is renewed once and the call tried again."""
        assert self.keeper is not None, "a seller call needs a Keeper"
        token = self.keeper.access_token()
        try:
            return self._send(call, method, path, params, body, idempotent, token, sku)
        except TokenRejected:
            token = self.keeper.refresh(token)
        try:
            return self._send(call, method, path, params, body, idempotent, token, sku)
        except TokenRejected as exc:
            raise self.keeper.give_up(exc) from None

    def call_with(
        self,
        token: str,
        call: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        """A read with a token just received, before it is known whose shop it opens."""
        return self._send(call, method, path, params, None, True, token, "")

    def _send(
        self,
        call: str,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        body: Any,
        idempotent: bool,
        token: str,
        sku: str,
    ) -> Any:
        def build() -> RequestSpec:
            return RequestSpec(
                method,
                path,
                params=dict(params or {}),
                json=body,
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            )

        def check(response: requests.Response) -> Any:
            if response.status_code >= 400:
                raise from_response(response.status_code, self._body(response), call=call, sku=sku)
            data = self.http.json(response, call)
            if paused(data):
                raise from_response(response.status_code, data, call=call, sku=sku)
            return data

        return self.http.call(call, build, check, idempotent=idempotent)

    def _body(self, response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            return self.http.snippet(response.text)

    # -- the OAuth 2.0 server --------------------------------------------------------------
    def token_call(self, call: str, form: Mapping[str, str]) -> dict[str, Any]:
        """``POST {auth_url}/token`` with ``form``; the app's credentials as the settings say.

        Marked idempotent although a refresh may spend its refresh token: if the first reply
        is lost, the repeat either works or says ``invalid_grant``, and that is the truth.
        """
        data = dict(form)
        headers = {"Accept": "application/json"}
        if self.settings.token_auth == "basic":
            headers["Authorization"] = self._basic
        else:
            data.update(client_id=self.settings.client_id, client_secret=self._secret)

        def build() -> RequestSpec:
            return RequestSpec(
                "POST",
                "/token",
                data=data,
                headers=headers,
                base_url=self.settings.auth_url,
            )

        def check(response: requests.Response) -> dict[str, Any]:
            if response.status_code >= 400:
                raise from_token_error(response.status_code, self._body(response), call=call)
            body = self.http.json(response, call)
            if not isinstance(body, dict):
                raise MalformedReply(
                    _("Tiki's token reply is not an object: {body!r}").format(
                        body=self.http.snippet(response.text)
                    ),
                    channel=CHANNEL,
                    call=call,
                )
            return body

        return self.http.call(call, build, check, idempotent=True)
