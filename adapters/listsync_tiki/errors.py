"""Tiki's refusals turned into listsync's typed errors, each with a sentence for people.

Tiki answers an error with a meaningful HTTP status and ``{"errors": ["explanation", …]}``
(common-exceptions page): 400 a parameter it cannot take, 401 a token missing, expired or
not linked to a seller, 403 a missing scope or an inactive seller, 404 nothing there,
405/406 a request it cannot read, 429 too many calls ("200 requests per second per
seller"), 500 and 503 (maintenance). "Please DO NOT RETRY on 4xx failures": a 4xx other
than 429 is a refusal here and never retried (429, 5xx and broken replies are handled by
the core's HttpClient, which retries what is safe to repeat). UNCONFIRMED, and read either
way: a refused product payload may come as 400 (common-exceptions page) or 422 (older
reference pages), both refusals of the item; a 429 may come with or without
``Retry-After`` (Tiki names none): the header's seconds are waited when it comes, else the
core backs off with jitter.

Other shapes are read too, whatever the status: the OAuth server's ``{"error",
"error_description"}``, a ``message`` or ``msg`` field, and the legacy seller API's HTTP 200
``{"msg": "Kết nối đang tạm ngưng bởi seller"}`` (the seller paused the connection).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from listsync.channel.consent import code_refused
from listsync.errors import AuthError, ChannelError, RejectedError, SetupError, TransientError
from listsync.i18n import _

CHANNEL = "tiki"
REAUTHORIZE = _("run `listsync auth tiki` again")
PAUSED = "tạm ngưng"  # "Kết nối đang tạm ngưng bởi seller": the seller paused the link


class TokenRejected(AuthError):
    """Tiki refused the access token (401): refresh once and try again."""


class TikiRejected(RejectedError):
    """A refusal of this item (4xx); ``status`` and ``messages`` are Tiki's."""

    def __init__(
        self,
        message: str,
        *,
        call: str = "",
        sku: str = "",
        status: int = 0,
        messages: tuple[str, ...] = (),
    ):
        super().__init__(message, channel=CHANNEL, call=call, sku=sku)
        self.status = status
        self.messages = messages

    @property
    def not_found(self) -> bool:
        return self.status == 404


def messages_of(body: Any) -> tuple[str, ...]:
    """Every explanation a Tiki error body carries, as text."""
    if isinstance(body, str):
        return (body.strip(),) if body.strip() else ()
    if not isinstance(body, Mapping):
        return ()
    found: list[str] = []
    errors = body.get("errors")
    for entry in errors if isinstance(errors, list) else [errors] if errors else []:
        if isinstance(entry, Mapping):
            text = " ".join(str(v) for v in entry.values() if v not in (None, ""))
        else:
            text = str(entry)
        if text.strip():
            found.append(text.strip())
    for key in ("error_description", "message", "msg", "error"):
        value = body.get(key)
        if isinstance(value, str) and value.strip() and value.strip() not in found:
            found.append(value.strip())
    return tuple(found)


def paused(body: Any) -> bool:
    """The legacy answer of a connection the seller paused (HTTP 200, ``msg`` only)."""
    return (
        isinstance(body, Mapping)
        and isinstance(body.get("msg"), str)
        and PAUSED in str(body["msg"]).lower()
    )


def from_response(status: int, body: Any, *, call: str, sku: str = "") -> ChannelError:
    """The typed error for a Tiki answer that is not a success."""
    said_list = messages_of(body)
    said = "; ".join(said_list) or _("no explanation given")
    where = f"HTTP {status}"
    if paused(body):
        return AuthError(
            _(
                "the seller has paused the connection with this app in Tiki Seller Center "
                "({said}); turn it back on there"
            ).format(said=said),
            channel=CHANNEL,
            call=call,
        )
    if status == 401:
        return TokenRejected(
            _("Tiki refused the shop's access token ({where}: {said})").format(
                where=where, said=said
            ),
            channel=CHANNEL,
            call=call,
        )
    if status == 403:
        return AuthError(
            _(
                "Tiki refused: the app lacks a permission (scope) or the seller account is "
                "not active ({where}: {said}); check `scope` in [channels.tiki] and {fix}"
            ).format(where=where, said=said, fix=REAUTHORIZE),
            channel=CHANNEL,
            call=call,
        )
    if status >= 500:
        return TransientError(
            _("Tiki had a passing problem ({where}: {said})").format(where=where, said=said),
            channel=CHANNEL,
            call=call,
        )
    if status == 404:
        sentence = _("Tiki has no such item")
    elif status in (405, 406):
        sentence = _("Tiki could not read the request (listsync needs fixing)")
    else:
        sentence = _("Tiki refused the request")
    text = (
        _("Tiki refused SKU {sku}: {sentence} ({where}: {said})")
        if sku
        else _("{sentence} ({where}: {said})")
    )
    return TikiRejected(
        text.format(sku=sku, sentence=sentence, where=where, said=said),
        call=call,
        sku=sku,
        status=status,
        messages=said_list,
    )


def from_token_error(status: int, body: Any, *, call: str) -> ChannelError:
    """An OAuth 2.0 error from the token endpoint (RFC 6749 §5.2), as a typed error."""
    code = str(body.get("error") or "") if isinstance(body, Mapping) else ""
    said = "; ".join(messages_of(body)) or f"HTTP {status}"
    if status >= 500:
        return TransientError(
            _("Tiki's sign-in server had a passing problem ({said})").format(said=said),
            channel=CHANNEL,
            call=call,
        )
    if code in ("invalid_client", "unauthorized_client"):
        return SetupError(
            _(
                "Tiki did not accept the app's credentials ({said}): check client_id and "
                "client_secret in [channels.tiki], and that app_type (public or in_house) and "
                "token_auth (basic or post) match the app registered on open.tiki.vn"
            ).format(said=said),
            channel=CHANNEL,
            call=call,
        )
    if code == "invalid_scope":
        return SetupError(
            _(
                "Tiki refused the permissions asked for ({said}): check `scope` in "
                "[channels.tiki] against the app's scopes on open.tiki.vn"
            ).format(said=said),
            channel=CHANNEL,
            call=call,
        )
    if code == "invalid_grant" and call == "authorization_code":
        return code_refused("Tiki", CHANNEL, said, call=call)
    return AuthError(
        _("Tiki no longer accepts this shop's authorization ({said}): {fix}").format(
            said=said, fix=REAUTHORIZE
        ),
        channel=CHANNEL,
        call=call,
    )
