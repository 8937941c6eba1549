"""Alibaba.com's error replies turned into listsync's typed errors, with sentences for people.

Three shapes arrive (docs/marketplaces/alibaba.md §4.6), and all are read whatever the
HTTP status (normally 200):

- the Open Platform's own: ``{"type": "ISV"|"ISP"|"SYSTEM", "code", "message",
  "request_id"}``, success being ``code`` "0";
- the same wrapped by ``/sync`` as ``{"error_response": {"type", "code", "msg", …}}``;
- TOP's ``{"error_response": {"code": <int>, "msg", "sub_code", "sub_msg"}}``, a business
  refusal being ``sub_code`` ``isv.*`` (refused: this item) or ``isp.*`` (Alibaba's side:
  passing).

Some business calls answer success with ``result: {"success": false, "message",
"msg_code"}`` (``alibaba.icbu.product.inventory.update``'s TopResultDO): a refusal too.

Rate limits are not published for ICBU (UNCONFIRMED): ``ApiCallLimit`` and TOP's ``7``
(app call limited) and ``8`` (call frequency) are read as "slow down", waiting the "ban will
last N seconds" of the message when it says so (a second otherwise); a wait longer than the
core allows ends the channel's run for today (the app's daily quota).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from listsync.channel.consent import code_refused
from listsync.errors import (
    AuthError,
    ChannelError,
    ClockSkewError,
    RateLimited,
    RejectedError,
    SetupError,
    TransientError,
)
from listsync.http import ban_seconds
from listsync.i18n import _

CHANNEL = "alibaba"
REAUTHORIZE = _("run `listsync auth alibaba` again")
THROTTLE = {"ApiCallLimit", "7", "8", "AppCallLimit", "isp.call-limited", "accesscontrol.limited"}
TOKEN_REFUSED = {
    "IllegalAccessToken",
    "InvalidAccessToken",
    "AccessTokenExpired",
    "26",
    "27",
    "isv.invalid-session",
    "isv.session-expired",
}
AUTH_ENDED = {"IllegalRefreshToken", "InvalidRefreshToken"}
CODE_REFUSED = {"InvalidCode", "IllegalAuthCode"}
BAD_APP = {
    "IncompleteSignature",
    "InvalidSignature",
    "IllegalSignature",
    "InvalidAppKey",
    "AppKeyNotExist",
    "InsufficientPermission",
    "25",
    "28",
    "29",
    "11",
}
BAD_TIME = {"InvalidTimestamp", "IllegalTimestamp", "30", "31"}
TRANSIENT = {
    "ServiceUnavailable",
    "ServiceTimeout",
    "SystemBusy",
    "InternalError",
    "ISP",
    "SYSTEM",
    "15",
    "isp.remote-service-error",
    "isp.unknown-error",
    "isp.service-unavailable",
}
EXPLAIN = {
    "MissingParameter": _("a parameter Alibaba needs is missing (listsync needs fixing)"),
    "InvalidParameter": _("Alibaba did not accept a parameter"),
    "40": _("a parameter Alibaba needs is missing (listsync needs fixing)"),
    "41": _("Alibaba did not accept a parameter"),
    "21": _("Alibaba does not know the API name (listsync needs fixing)"),
    "22": _("Alibaba does not know the API name (listsync needs fixing)"),
    "isv.product-not-exist": _("the product does not exist in this Alibaba.com shop any more"),
    "isv.category-invalid": _(
        "the Alibaba.com category is not valid (see categories: in the Alibaba mapping)"
    ),
}


class TokenRejected(AuthError):
    """Alibaba refused the access token; the client refreshes once and tries again."""


class AlibabaRejected(RejectedError):
    """A business refusal; ``code`` and ``sub_code`` are Alibaba's."""

    def __init__(
        self, message: str, *, call: str = "", sku: str = "", code: str = "", sub_code: str = ""
    ):
        super().__init__(message, channel=CHANNEL, call=call, sku=sku)
        self.code = code
        self.sub_code = sub_code

    @property
    def codes(self) -> set[str]:
        return {c for c in (self.code, self.sub_code) if c}


def error_part(body: Any) -> Mapping[str, Any] | None:
    """The error a reply carries, or None for a success."""
    if not isinstance(body, Mapping):
        return None
    wrapped = body.get("error_response")
    if isinstance(wrapped, Mapping):
        return wrapped
    code = body.get("code")
    if code not in (None, "", 0, "0") and (
        body.get("type") or body.get("message") or body.get("msg") or "result" not in body
    ):
        return body
    return None


def failed_result(body: Any) -> Mapping[str, Any] | None:
    """A ``result`` (anywhere under the reply's wrappers) that says ``success: false``."""
    for part in _wrappers(body):
        result = part.get("result")
        if isinstance(result, Mapping) and str(result.get("success")).lower() == "false":
            return result
    return None


def _wrappers(body: Any) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    if isinstance(body, Mapping):
        found.append(body)
        for key, value in body.items():
            if isinstance(value, Mapping) and str(key).endswith("_response"):
                found.append(value)
    return found


def from_error(error: Mapping[str, Any], *, call: str, sku: str = "") -> ChannelError:
    """The typed error of one error object (any of the shapes above)."""
    code = str(error.get("code") or error.get("msg_code") or "").strip()
    sub_code = str(error.get("sub_code") or "").strip()
    message = str(error.get("message") or error.get("msg") or "").strip()
    sub_message = str(error.get("sub_msg") or "").strip()
    kind = str(error.get("type") or "").strip().upper()
    text = "; ".join(part for part in (message, sub_message) if part)
    said = " ".join(part for part in (f"Alibaba {code}".strip(), sub_code) if part)
    said = f"{said}: {text}" if text else said
    codes = {code, sub_code} - {""}
    if codes & THROTTLE or "call limit" in text.lower():
        wait = ban_seconds(text)
        return RateLimited(
            _("Alibaba asked us to slow down ({said})").format(said=said),
            channel=CHANNEL,
            call=call,
            retry_after=wait if wait is not None else 1.0,
        )
    if codes & TOKEN_REFUSED:
        return TokenRejected(
            _("Alibaba refused the shop's access token ({said})").format(said=said),
            channel=CHANNEL,
            call=call,
        )
    if codes & CODE_REFUSED:  # only the first token exchange sends a code
        return code_refused("Alibaba.com", CHANNEL, said, call=call)
    if codes & AUTH_ENDED:
        return AuthError(
            _("Alibaba no longer accepts this shop's authorization ({said}): {fix}").format(
                said=said, fix=REAUTHORIZE
            ),
            channel=CHANNEL,
            call=call,
        )
    if codes & BAD_APP:
        return SetupError(
            _(
                "Alibaba did not accept the app ({said}): check app_key and app_secret in "
                "[channels.alibaba], and that the app may use this API"
            ).format(said=said),
            channel=CHANNEL,
            call=call,
        )
    if codes & BAD_TIME or "timestamp" in text.lower():
        return ClockSkewError(
            _(
                "Alibaba refused the request time ({said}): this computer's clock is off; set "
                "it right"
            ).format(said=said),
            channel=CHANNEL,
            call=call,
        )
    business = sub_code.startswith("isv.") or kind == "ISV"
    if not business and (codes & TRANSIENT or kind in ("ISP", "SYSTEM") or sub_code[:4] == "isp."):
        return TransientError(
            _("Alibaba had a passing problem ({said})").format(said=said),
            channel=CHANNEL,
            call=call,
        )
    sentence = EXPLAIN.get(sub_code) or EXPLAIN.get(code) or _("Alibaba refused the request")
    if sku:
        line = _("Alibaba refused {sku}: {sentence} ({said})")
    else:
        line = _("Alibaba refused: {sentence} ({said})")
    return AlibabaRejected(
        line.format(sku=sku, sentence=sentence, said=said),
        call=call,
        sku=sku,
        code=code,
        sub_code=sub_code,
    )
