"""Lazada's error bodies turned into listsync's typed errors, with sentences for people.

A body is ``{type, code, message, request_id}``, plus ``detail`` (one entry per field or
SKU) on product writes. Gateway codes are words (``IllegalAccessToken``), business codes
are numeric strings (``"4157"``). Some business rules arrive as a generic ``500``/``501``
with the real code inside ``detail`` or the message, so both places are read.

The numeric codes are the API reference pages' (docs/marketplaces/lazada.md, and the
"Settled against the documentation" section of docs/marketplaces/): a request Lazada
cannot read (14, 17, 19, 36, 56, 38, 70, 74, 75) and an order or item it does not know
(16, 37, 39, 207, 4137) are refusals, as are the product rules; ``6`` is a passing
internal error except on GetOrders, where it means a bad status filter.
"""

from __future__ import annotations

import re
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

CHANNEL = "lazada"
THROTTLE = {"ApiCallLimit", "901", "4154", "513"}
DUPLICATE = {"4105", "4126", "4141"}
REAUTHORIZE = _("run `listsync auth lazada` again")
TRANSIENT = {
    "ServiceTimeout",
    "ServiceUnavailable",
    "SystemBusy",
    "InternalError",
    "502",
    "506",
    "1000",
}

EXPLAIN = {
    "1": _("a mandatory field is missing"),
    "5": _("Lazada could not read the request (invalid format)"),
    "6": _("the order status filter is not one Lazada knows"),
    "14": _("the offset (where the page starts) is not valid"),
    "16": _(
        "Lazada does not know this order in this shop (is the token the shop's own? "
        "run `listsync auth lazada` for the right shop)"
    ),
    "17": _("a date is not written as Lazada asks (ISO 8601: 2024-05-01T09:30:00+07:00)"),
    "19": _("the page size (limit) is not valid"),
    "36": _("the order or product status filter is not one Lazada knows"),
    "37": _("Lazada does not know one of the orders asked for in this shop"),
    "38": _("too many orders were asked for at once (at most 50)"),
    "39": _("Lazada found none of the orders asked for in this shop"),
    "56": _("the list of order ids is not written as Lazada asks ([1,2,3])"),
    "57": _("the Lazada category has no attributes of its own: choose a last-level category"),
    "70": _("the seller SKU list is not a JSON list of at most 100 SKUs"),
    "74": _("the sort direction is not valid (ASC or DESC)"),
    "75": _("the field to sort by is not valid (created_at or updated_at)"),
    "200": _("the Lazada item id is missing"),
    "207": _("the Lazada item does not exist in this shop any more"),
    "208": _("the Lazada item does not exist in this shop any more"),
    "201": _(
        "the Lazada category id is not valid: check the category in the mapping file"
        " (mapping_file in [channels.lazada])"
    ),
    "204": _("too many SKUs in one price/stock call"),
    "300": _("the image format is not supported (JPG or PNG only)"),
    "301": _("Lazada could not fetch the image"),
    "302": _("the image address is not supported"),
    "303": _("the image is too large (at most 3 MB and 5000×5000 pixels)"),
    "4104": _("VND prices must be whole dong"),
    "4105": _("the seller SKU is already used in this shop"),
    "4110": _(
        "a mandatory attribute of the Lazada category is missing (fill it in under the "
        "category's `attributes:` in the mapping, or in the product's Lazada attributes)"
    ),
    "4115": _("an attribute value is not one of the options the Lazada category offers"),
    "4118": _("the price must not be 0"),
    "4121": _("VND special prices must be whole dong"),
    "4126": _("the same seller SKU appears twice in the request"),
    "4134": _(
        "the Lazada category is not a last-level category: map the product to a leaf of "
        "Lazada's category tree"
    ),
    "4137": _("the Lazada item does not exist in this shop any more"),
    "4138": _("an image is not hosted by Lazada (it must be uploaded or migrated first)"),
    "4139": _("the main image is missing"),
    "4141": _("the seller SKU belongs to another Lazada product"),
    "4142": _("the brand is not valid in this category (map it under `brands:` in the mapping)"),
    "4143": _("a variant option is not a sale property of the category, nor declared"),
    "4148": _("the shop has reached its product limit"),
    "4157": _("the special price must be below the price"),
    "4160": _("the title is longer than 255 bytes"),
    "4164": _("the package weighs more than 40 kg"),
    "4165": _("the package's length + width + height is over 300 cm"),
    "4169": _("at most 8 images are allowed"),
    "4170": _("the stock is locked by a campaign"),
    "4171": _("too many SKUs in one price/stock call"),
    "4225": _("Global Plus items cannot be changed here"),
    "4227": _("the Lazada category id does not exist in this country (see the category tree)"),
    "4228": _("the Lazada category is no longer active (see the category tree)"),
    "SellerNotActive": _("the seller account is not active"),
    "SellerNotVerified": _("the seller account is not verified"),
}


class TokenRejected(AuthError):
    """The access token was refused; the client refreshes once and retries."""


class LazadaRejected(RejectedError):
    """A business refusal; ``code`` and ``details`` (the reply's ``detail``) are Lazada's."""

    def __init__(
        self,
        message: str,
        *,
        call: str = "",
        sku: str = "",
        code: str = "",
        detail: list[dict[str, Any]] | None = None,
    ):
        super().__init__(message, channel=CHANNEL, call=call, sku=sku)
        self.code = code
        self.details = detail or []

    @property
    def duplicate(self) -> bool:
        """Lazada says the seller SKU exists already (4105, 4126 or 4141)."""
        return bool(DUPLICATE & business_codes(self.code, self.details, self.detail_text))

    @property
    def detail_text(self) -> str:
        return "; ".join(_detail_line(entry) for entry in self.details)


def _detail_line(entry: Mapping[str, Any]) -> str:
    subject = entry.get("seller_sku") or entry.get("SellerSku") or entry.get("field") or ""
    message = str(entry.get("message") or entry.get("code") or "")
    return f"{subject}: {message}" if subject else message


def business_codes(code: str, detail: list[dict[str, Any]], message: str = "") -> set[str]:
    """Every code a reply carries: the top one, the ones in ``detail``, and 4-digit ones in text."""
    codes = {code}
    codes.update(str(entry.get("code")) for entry in detail if entry.get("code"))
    codes.update(re.findall(r"\b(4\d{3})\b", message))
    return codes


def from_body(body: Mapping[str, Any], *, call: str, sku: str = "") -> ChannelError:
    code = str(body.get("code", ""))
    message = str(body.get("message") or "")
    raw_detail = body.get("detail")
    detail = [d for d in raw_detail if isinstance(d, dict)] if isinstance(raw_detail, list) else []
    said = f"Lazada {code}: {message}" if message else f"Lazada {code}"
    if code in THROTTLE:
        wait = ban_seconds(message)
        if code == "ApiCallLimit" and wait is None:
            wait = 1.0
        return RateLimited(
            _("Lazada asked us to slow down ({said})").format(said=said),
            channel=CHANNEL,
            call=call,
            retry_after=wait,
        )
    if code == "IllegalAccessToken":
        return TokenRejected(
            _("Lazada refused the shop's access token ({said})").format(said=said),
            channel=CHANNEL,
            call=call,
        )
    if code == "InvalidCode":  # only the first token exchange sends a code
        return code_refused("Lazada", CHANNEL, said, call=call)
    if code in ("IllegalRefreshToken", "AUTH_TYPE_UNSUPPORTED"):
        return AuthError(
            _("Lazada no longer accepts this shop's authorization ({said}): {fix}").format(
                said=said, fix=REAUTHORIZE
            ),
            channel=CHANNEL,
            call=call,
        )
    if code == "IncompleteSignature" or (code == "InvalidParameter" and "app_key" in message):
        return SetupError(
            _(
                "Lazada did not accept the request signature ({said}): check app_key and "
                "app_secret in [channels.lazada]"
            ).format(said=said),
            channel=CHANNEL,
            call=call,
        )
    if "timestamp" in message.lower() or "timestamp" in code.lower():
        return ClockSkewError(
            _(
                "Lazada refused the request time ({said}): this computer's clock is more than "
                "2 hours off; set it right"
            ).format(said=said),
            channel=CHANNEL,
            call=call,
        )
    internal = code == "6" and "status" not in message.lower()
    if internal or code in TRANSIENT or (body.get("type") == "SYSTEM" and not code.isdigit()):
        return TransientError(
            _("Lazada had a passing problem ({said})").format(said=said), channel=CHANNEL, call=call
        )
    codes = business_codes(code, detail, message)
    details = "; ".join(_detail_line(entry) for entry in detail)
    sentence = next((EXPLAIN[c] for c in sorted(codes) if c in EXPLAIN and c != code), None)
    sentence = sentence or EXPLAIN.get(code) or details or _("Lazada refused the request")
    if details and details != sentence:
        said = f"{said} — {details}"
    if sku:
        text = _("Lazada refused SKU {sku}: {sentence} ({said})")
    else:
        text = _("Lazada refused: {sentence} ({said})")
    return LazadaRejected(
        text.format(sku=sku, sentence=sentence, said=said),
        call=call,
        sku=sku,
        code=code,
        detail=detail,
    )
