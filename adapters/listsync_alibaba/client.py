"""Signed calls to the Alibaba.com Open Platform over the core's HttpClient.

Every call is a form POST carrying the system parameters ``app_key``, ``sign_method``
(``sha256``), ``timestamp`` (milliseconds), ``method`` (the API name), ``format=json``, the
shop's ``access_token`` and ``sign`` (:mod:`listsync_alibaba.signing`), nested objects as
JSON text in one parameter each, files as multipart. Each attempt is signed afresh. The
timestamp is this machine's real time even when the channel runs on a fake clock.

Where a call goes (UNCONFIRMED, docs/marketplaces/alibaba.md §4.1–4.2, every variant
handled):

- a path-style API (``/auth/token/create``, ``/alibaba/order/list``) is posted to
  ``base_url`` + the path, ``method`` carrying the path too, so a gateway that reads the
  URL and one that reads ``method`` (the 2025 SDK posts to ``…/rest`` itself) both find it;
- a TOP-named API (``alibaba.icbu.product.add``) is posted to the gateway's ``/sync`` beside
  ``/rest`` (``top_gateway = "sync"``, what working integrations do: "/sync + access_token +
  sha256"), or to ``base_url`` itself with ``method`` (``top_gateway = "rest"``, the SDK's
  way). ``sync_url`` overrides where ``/sync`` is.

Replies are read whatever their wrapping: the payload may sit at the top, under
``<api_name>_response`` (TOP, dots as underscores), and then under ``result``, ``value`` or
``data``; :func:`field` finds a field through those wrappers. Errors are read whatever the
HTTP status (:mod:`listsync_alibaba.errors`); an HTML page or broken JSON is a MalformedReply
(retried for reads, UNKNOWN for writes).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol

import requests

from listsync.errors import AuthError
from listsync.http import MalformedReply, RequestSpec
from listsync.i18n import _
from listsync_alibaba.errors import (
    CHANNEL,
    AlibabaRejected,
    TokenRejected,
    error_part,
    failed_result,
    from_error,
)
from listsync_alibaba.settings import AlibabaSettings
from listsync_alibaba.signing import SIGN_METHOD, sign

if TYPE_CHECKING:
    from listsync.channel.contract import ChannelContext

Files = Mapping[str, tuple[str, bytes, str]]
WRAPPERS = ("result", "value", "data")


class Keeper(Protocol):
    """What a seller call needs of the shop's tokens (``auth.TokenKeeper``)."""

    def access_token(self) -> str: ...

    def refresh(self, refused: str) -> str: ...

    def give_up(self, cause: AuthError) -> AuthError: ...


def wire(value: Any) -> str:
    """A parameter as Alibaba takes it: objects and lists as JSON, the rest as text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return str(value)


def layers(body: Any, api: str = "") -> Iterator[Mapping[str, Any]]:
    """The reply and every wrapper inside it, outermost first."""
    seen: list[Mapping[str, Any]] = []
    todo: list[Any] = [body]
    while todo:
        part = todo.pop(0)
        if not isinstance(part, Mapping) or any(part is s for s in seen):
            continue
        seen.append(part)
        yield part
        own = api.replace(".", "_").lstrip("/").replace("/", "_") + "_response" if api else ""
        for key, value in part.items():
            if key in WRAPPERS or key == own or str(key).endswith("_response"):
                if isinstance(value, str) and value[:1] in "{[":
                    try:  # some gateways hand a nested object back as JSON text
                        value = json.loads(value)
                    except ValueError:
                        continue
                todo.append(value)


def field(body: Any, *names: str, api: str = "") -> Any:
    """The first of ``names`` found in the reply or its wrappers; None if none is there."""
    for part in layers(body, api):
        for name in names:
            if name in part and part[name] is not None:
                return part[name]
    return None


class AlibabaClient:
    def __init__(
        self,
        settings: AlibabaSettings,
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
        base = settings.base_url.rstrip("/")
        if settings.sync_url:
            self.sync_url = settings.sync_url.rstrip("/")
        elif base.endswith("/rest"):
            self.sync_url = base[: -len("/rest")] + "/sync"
        else:
            self.sync_url = base + "/sync"

    def close(self) -> None:
        self.http.close()

    def signed(self, api: str, params: Mapping[str, Any], token: str | None) -> dict[str, str]:
        signed = {name: wire(value) for name, value in params.items() if value is not None}
        signed.update(
            app_key=self.settings.app_key,
            sign_method=SIGN_METHOD,
            timestamp=str(int(self.wall_clock() * 1000)),
            method=api,
            format="json",
        )
        if token is not None:
            signed["access_token"] = token
        signed["sign"] = sign(api, signed, self._secret)
        return signed

    def where(self, api: str) -> tuple[str, str]:
        """(base URL, path) a call to ``api`` is posted to."""
        if api.startswith("/"):
            return self.settings.base_url.rstrip("/"), api
        if self.settings.top_gateway == "sync":
            return self.sync_url, ""
        return self.settings.base_url.rstrip("/"), ""

    def call(
        self,
        call: str,
        api: str,
        params: Mapping[str, Any] | None = None,
        *,
        idempotent: bool,
        files: Files | None = None,
        seller: bool = True,
        sku: str = "",
    ) -> dict[str, Any]:
        """One API call: the whole reply. For seller APIs a refused token is refreshed once
        and the call tried once more."""
        if not seller:
            return self._send(call, api, params, idempotent, files, None, sku)
        assert self.keeper is not None, "a seller call needs a Keeper"
        token = self.keeper.access_token()
        try:
            return self._send(call, api, params, idempotent, files, token, sku)
        except TokenRejected:
            token = self.keeper.refresh(token)
        try:
            return self._send(call, api, params, idempotent, files, token, sku)
        except TokenRejected as exc:
            raise self.keeper.give_up(exc) from None

    def _send(
        self,
        call: str,
        api: str,
        params: Mapping[str, Any] | None,
        idempotent: bool,
        files: Files | None,
        token: str | None,
        sku: str,
    ) -> dict[str, Any]:
        base, path = self.where(api)

        def build() -> RequestSpec:
            return RequestSpec(
                "POST", path, data=self.signed(api, params or {}, token), files=files, base_url=base
            )

        def check(response: requests.Response) -> dict[str, Any]:
            body = self.http.json(response, call)
            if not isinstance(body, dict):
                raise MalformedReply(
                    _("the reply is not an Alibaba answer (HTTP {status}): {body!r}").format(
                        status=response.status_code, body=self.http.snippet(response.text)
                    ),
                    channel=CHANNEL,
                    call=call,
                )
            error = error_part(body) or failed_result(body)
            if error is not None:
                raise from_error(error, call=call, sku=sku)
            if response.status_code >= 400:
                raise AlibabaRejected(
                    _("Alibaba refused the call (HTTP {status}): {body!r}").format(
                        status=response.status_code, body=self.http.snippet(response.text)
                    ),
                    call=call,
                    sku=sku,
                    code=str(response.status_code),
                )
            return body

        return self.http.call(call, build, check, idempotent=idempotent)
