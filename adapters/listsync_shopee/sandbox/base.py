"""What every part of the Shopee sandbox shares: the error it raises and parameter parsing.

Shopee answers one error per request, ``{"error", "message", "request_id"}``; a handler
raises :class:`ApiError` with the bare code and the message Shopee uses, and the gateway in
``app.py`` turns it into that body, adding the module prefix the reference pages show
(``common.`` for the gateway's own checks, ``product.`` / ``order.`` / ``logistics.`` for
the API's) unless the sandbox is set to plain codes. Messages follow
docs/marketplaces/shopee.md §1.6; where Shopee's own wording is not published the sandbox
uses the documented ``error_param`` form ``"Wrong parameters, detail: …."`` and says so
with :func:`wrong`; a required field left out is refused as the pages' error examples show
(:func:`missing`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from listsync.sandbox.harness import SandboxRequest


class ApiError(Exception):
    """``gateway``: raised by the gateway's own checks (signature, token, throttle), which
    the reference pages show as ``common.<code>``; otherwise the API's module prefixes it."""

    def __init__(
        self, error: str, message: str, *, status: int | None = None, gateway: bool = False
    ):
        super().__init__(f"{error}: {message}")
        self.error = error
        self.message = message
        self.status = status
        self.gateway = gateway


def wrong(detail: str) -> ApiError:
    return ApiError("error_param", f"Wrong parameters, detail: {detail}.")


def missing(field: str) -> ApiError:
    """A required field left out, word for word as the error examples of update_price,
    get_model_list (``ItemId``) and get_brand_list (``Offset``) show it, double space too."""
    return ApiError("error_param", f"invalid field {field}: value must  Not Null")


class TopLevel(dict[str, Any]):
    """A reply whose data sits at the top level, as the token endpoints answer."""


@dataclass(frozen=True)
class Call:
    """One admitted request: who made it and when (on the sandbox clock)."""

    request: SandboxRequest
    partner_id: int
    shop_id: int | None
    now: datetime

    @property
    def ts(self) -> int:
        return int(self.now.timestamp())


def body(request: SandboxRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise wrong("request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise wrong("request body must be a JSON object")
    return data


def int_arg(request: SandboxRequest, name: str, *, required: bool = True) -> int | None:
    raw = request.arg(name)
    if raw is None or raw == "":
        if required:
            raise wrong(f"{name} is required")
        return None
    try:
        return int(raw)
    except ValueError:
        raise wrong(f"{name} should be an integer") from None


def id_list(raw: str | None, name: str, *, most: int) -> list[int]:
    """``1,2``, ``[1,2]`` or ``[1 2]``: the get_item_base_info page's cURL sample sends the
    second, its Java, PHP and Python samples the third (``%5B34001+34002%5D``), most clients
    the first (docs/marketplaces/shopee.md §1.1); all three are read."""
    if not raw:
        raise wrong(f"{name} is required")
    text = raw.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        ids = [int(part) for part in re.split(r"[\s,]+", text) if part]
    except ValueError:
        raise wrong(f"{name} should be a list of integers") from None
    if not 1 <= len(ids) <= most:
        raise wrong(f"{name} should contain 1 to {most} ids")
    return ids


def integer(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise wrong(f"{name} should be an integer")
    return value


def number(value: Any, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise wrong(f"{name} should be a number")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise wrong(f"{name} should be a number") from None


def text(value: Any, name: str, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise wrong(f"{name} should be a string")
    return value


def objects(value: Any, name: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise wrong(f"{name} should be a list of objects")
    return value


def money(amount: int) -> float:
    """Shopee sends prices as JSON floats, whole numbers for VND."""
    return float(amount)


def weight_text(kilos: str | Decimal) -> str:
    """A weight as get_item_base_info and get_model_list send it: a string, ``"10.02"``."""
    value = Decimal(str(kilos)).normalize()
    return f"{value:f}"
