"""Shopee's error codes turned into the core's typed errors, each with a sentence for people.

Shopee puts the error in the body (``{"error": code, "message": text}``) whatever the HTTP
status. Its reference pages show the code both bare (``error_auth``, the Error Codes
tables) and with its module (``common.error_auth``, ``product.error_param``,
``order.order_list_invalid_time``, the samples and error examples): codes are classified
by the part after the last dot, so both forms read the same.
Throttling has no published code (UNCONFIRMED): ``error_rate_limit`` and anything naming
a rate limit is treated as "slow down", ``error_limit`` as a daily quota that ends the run.
The token errors of the refresh_access_token page each get their own sentence: an expired
refresh token (``refresh_token_expired``), an authorization that ran out
(``shop_access_expired``) and a banned shop (``shop_banned``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

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

CHANNEL = "shopee"
REAUTHORIZE = _("run `listsync auth shopee` again")
TRANSIENT = {
    "error_server",
    "error_network",
    "error_system_busy",
    "error_inner",
    "error_busy",
    "error_timeout",
}
TITLE = {
    "error_name_length_limit",
    "error_title_exceeds_max_length",
    "error_item_name_is_too_short",
}
PRICE = {"error_price_exceed_min_limitt", "error_price_exceed_max_limitt", "error_invalid_price"}
THROTTLE_WINDOW = 1.0  # seconds: a per-second limit is clear again after one window
_ATTRIBUTE_ID = re.compile(r"attribute_id\D{0,3}(\d+)")


class TokenRejected(AuthError):
    """Shopee refused the access token: refresh once and try again (never shown as such)."""


class ClockSkew(ClockSkewError):
    """Shopee refused a timestamp we had just taken: this computer's clock is off."""


class ImageMissing(RejectedError):
    """Shopee no longer knows an image id we remembered: upload the photo again."""


class NotFound(RejectedError):
    """Shopee does not know what the call named (``error_not_found``, ``error_item_not_found``)."""


class Duplicate(RejectedError):
    """Shopee refused a new item as one it already has (``error_repeated_mtsku``)."""


def bare_code(code: str) -> str:
    """``common.error_auth`` and ``error_auth`` alike: the part after the last dot."""
    return code.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class Subject:
    """What a call was about, so an error can name it the way the user knows it."""

    sku: str = ""
    category: str = ""
    attributes: Mapping[int, str] = field(default_factory=dict)


def classify(code: str, message: str, *, call: str, subject: Subject | None = None) -> ChannelError:
    """The typed error for Shopee's ``error`` / ``message`` pair."""
    about = subject or Subject()
    bare = bare_code(code)
    text = message.strip()
    lowered = text.lower()

    def auth(sentence: str, kind: type[ChannelError] = AuthError) -> ChannelError:
        return kind(sentence, channel=CHANNEL, call=call)

    if bare == "error_limit":
        return RateLimited(
            _("Shopee's daily API quota is used up: {message}").format(message=text),
            channel=CHANNEL,
            call=call,
            quota_exhausted=True,
        )
    if "rate_limit" in bare or bare == "error_too_many_request":
        ban = ban_seconds(text)
        return RateLimited(
            _("Shopee asked us to slow down: {message}").format(message=text),
            channel=CHANNEL,
            call=call,
            retry_after=ban if ban is not None else THROTTLE_WINDOW,
        )
    if bare in TRANSIENT:
        return TransientError(
            _("Shopee had a passing problem: {message} ({code})").format(message=text, code=code),
            channel=CHANNEL,
            call=call,
        )
    if bare == "error_param" and lowered.rstrip(".") == "invalid timestamp":
        return auth(
            _(
                "system clock skew detected: check the computer's clock (Shopee accepts a"
                " request only within 5 minutes of its own time)"
            ),
            ClockSkew,
        )
    if bare == "error_auth" and "access_token" in lowered:
        return auth(_("Shopee refused the access token"), TokenRejected)
    if bare == "refresh_token_expired":
        return auth(
            _(
                "Shopee says the saved refresh token has expired (it lives 30 days and must be"
                " used before then): {fix}"
            ).format(fix=REAUTHORIZE)
        )
    if bare == "shop_access_expired":
        return auth(
            _(
                "the seller's authorization of this app for the Shopee shop has run out (the"
                " seller chose how long it lasts when approving): the seller must {fix}"
            ).format(fix=REAUTHORIZE)
        )
    if bare == "shop_banned":
        return auth(
            _(
                "Shopee has banned this shop account: authorization and API calls are suspended"
                " until Shopee restores the shop; authorizing again will not help, the seller"
                " must contact Shopee seller support"
            )
        )
    if bare == "error_shop_refresh_token" or (bare == "error_auth" and "refresh_token" in lowered):
        return auth(
            _("Shopee no longer accepts the saved refresh token: {fix}").format(fix=REAUTHORIZE)
        )
    if bare == "invalid_code" or (bare == "error_auth" and "code" in lowered):
        return auth(
            _(
                "Shopee refused the authorization code (it lives 10 minutes and works once): {fix}"
            ).format(fix=REAUTHORIZE)
        )
    if bare == "error_sign":
        return auth(
            _(
                "Shopee says the request signature is wrong: check partner_id and partner_key"
                " in [channels.shopee]"
            ),
            SetupError,
        )
    if bare == "invalid_partner_id" or text in (
        "Invalid partner_id.",
        "There is no partner_id in query.",
    ):
        return auth(_("Shopee does not know this partner_id: check [channels.shopee]"), SetupError)
    if bare in ("error_shop", "invalid_shop_id"):
        return auth(
            _("Shopee does not accept this shop id: check shop_id or {fix}").format(fix=REAUTHORIZE)
        )
    if bare == "error_permission" or (bare == "error_auth" and "permission" in lowered):
        return auth(
            _("the Shopee app has no permission for this call ({message})").format(message=text)
        )
    if bare == "error_auth":
        return auth(
            _("Shopee refused the authorization ({message}): {fix}").format(
                message=text, fix=REAUTHORIZE
            )
        )
    if text == "Image not exist." or bare == "error_image_unavailable":
        return ImageMissing(
            refusal(about, _("a photo is no longer on Shopee")), **_where(call, about)
        )
    kind = {
        "error_not_found": NotFound,
        "error_item_not_found": NotFound,
        "error_repeated_mtsku": Duplicate,
    }.get(bare, RejectedError)
    return kind(refusal(about, _reason(bare, text, about)), **_where(call, about))


def _where(call: str, about: Subject) -> dict[str, str]:
    return {"channel": CHANNEL, "call": call, "sku": about.sku}


def refusal(about: Subject, reason: str) -> str:
    if about.sku:
        return _("Shopee refused SKU {sku}: {reason}").format(sku=about.sku, reason=reason)
    return _("Shopee refused the request: {reason}").format(reason=reason)


def _reason(bare: str, text: str, about: Subject) -> str:
    category = about.category or _("this category")
    if bare == "error_less_required_attribute":
        found = _ATTRIBUTE_ID.search(text)
        name = about.attributes.get(int(found.group(1))) if found else None
        if name:
            return _("category '{category}' requires attribute '{attribute}'").format(
                category=category, attribute=name
            )
        return _("category '{category}' requires more attributes: {message}").format(
            category=category, message=text
        )
    if bare in TITLE:
        return _("the title does not fit category '{category}': {message}").format(
            category=category, message=text
        )
    if bare == "error_desc_length_min_limit":
        return _("the description is too short: {message}").format(message=text)
    if bare in PRICE:
        return _("the price is not accepted: {message}").format(message=text)
    if bare == "error_invalid_category" or text == "Invalid category.":
        return _(
            "category '{category}' cannot take listings ({message}); fix the category_id in"
            " the Shopee mapping file"
        ).format(category=category, message=text)
    if bare == "error_invalid_brand":
        return _("the brand is not registered on Shopee ({message})").format(message=text)
    if bare == "error_item_not_found":
        return _("the listing is not on Shopee any more ({message})").format(message=text)
    if bare == "error_not_found":
        return _("Shopee does not know what was asked for ({message})").format(message=text)
    if bare == "error_reach_shop_item_limit":
        return _("the shop has reached Shopee's limit on listings")
    if bare == "error_repeated_mtsku":
        return _("Shopee thinks a similar product is already listed ({message})").format(
            message=text
        )
    return f"{text} ({bare})" if text else bare
