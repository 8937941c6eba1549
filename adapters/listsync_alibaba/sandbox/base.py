"""Pieces the Alibaba.com sandbox modules share: the signer check, the error, the settings,
JSON parameters, money and time formats.

The signer is the Open Platform's (IOP, docs/marketplaces/alibaba.md §4.2, from the
official Python SDK ``iop/base.py``), written here again so the sandbox imports nothing of
the client side: every parameter except ``sign`` (files are not parameters), sorted by name,
written ``name`` + ``value`` with no separators; an API name holding a ``/`` (path-style,
``/auth/token/create``) is put in front, a TOP-style name (``alibaba.icbu.product.list``)
is not. Uppercase hex HMAC-SHA256 keyed with the app secret. The same algorithm as
Lazada's; the self-computed vector of §4.2 is in the tests.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

DAY = 86_400
CHINA = timezone(timedelta(hours=8), "GMT+8")
CENT = Decimal("0.01")


# -- the signature -------------------------------------------------------------------
def string_to_sign(api: str, params: Mapping[str, str]) -> str:
    prefix = api if "/" in api else ""
    return prefix + "".join(f"{name}{params[name]}" for name in sorted(params) if name != "sign")


def sign(api: str, params: Mapping[str, str], secret: str) -> str:
    message = string_to_sign(api, params).encode("utf-8")
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest().upper()


# -- errors --------------------------------------------------------------------------
class AlibabaFault(Exception):
    """An error body: ``{type, code, message, request_id}`` (plus ``detail`` when given)."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        kind: str = "ISV",
        detail: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.kind = kind
        self.detail = detail


def missing(name: str) -> AlibabaFault:
    return AlibabaFault(
        "MissingParameter",
        f"The input parameter “{name}” that is mandatory for processing this request "
        "is not supplied",
    )


def invalid(name: str, why: str = "", detail: list[dict[str, str]] | None = None) -> AlibabaFault:
    text = f"The specified parameter “{name}” is not valid"
    return AlibabaFault("InvalidParameter", text + (f": {why}" if why else ""), detail=detail)


class Problems:
    """Every problem of one request, refused together as one ``InvalidParameter``."""

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, name: str, message: str) -> None:
        self.items.append({"field": name, "message": message})

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_any(self) -> None:
        if self.items:
            first = self.items[0]
            more = f" (and {len(self.items) - 1} more)" if len(self.items) > 1 else ""
            raise invalid(first["field"], first["message"] + more, detail=list(self.items))


# -- settings ------------------------------------------------------------------------
CHOICES: dict[str, tuple[Any, ...]] = {
    "token_numbers": ("string", "number"),
    "sync_envelope": ("flat", "wrapped"),
    "approved_status": ("approved", "onSelling"),
    "oversize_page": ("refuse", "truncate"),
    "below_zero": ("refuse", "clamp"),
    "duplicate_sku_code": ("allow", "refuse"),
    "stock_taken_at": ("payment", "creation"),
    "unit_price_places": (2, 4),
    "order_first_page": (0, 1),
}


@dataclass
class SandboxConfig:
    """What a test or a demo may change: constructor keywords, ``configure(**changes)`` or
    ``POST /_sandbox/settings``. The module docstring of ``app.py`` says what each means."""

    error_status: int = 200
    timestamp_window: int = 600
    rate_per_second: float | None = 40.0
    ban_seconds: int = 1
    access_ttl: int = 10 * DAY
    refresh_ttl: int = 60 * DAY
    code_ttl: int = 30 * 60
    refresh_rotates: bool = True
    token_numbers: str = "string"
    sync_envelope: str = "flat"
    review_seconds: float = 0.0
    auto_approve: bool = True
    approved_status: str = "approved"
    review_on_price_change: bool = False
    product_page_max: int = 30
    oversize_page: str = "refuse"
    below_zero: str = "refuse"
    duplicate_sku_code: str = "allow"
    max_image_bytes: int = 3_145_728
    max_images: int = 6
    order_page_max: int = 100
    order_page_default: int = 10
    order_first_page: int = 0
    mask_trade_ids: bool = False
    stock_taken_at: str = "payment"
    restock_on_close: bool = True
    unit_price_places: int = 2

    def update(self, changes: Mapping[str, Any]) -> None:
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown sandbox settings {unknown}; known: {sorted(known)}")
        for name, value in changes.items():
            allowed = CHOICES.get(name)
            if allowed is not None and value not in allowed:
                raise ValueError(f"{name} must be one of {list(allowed)}, not {value!r}")
        status = changes.get("error_status", self.error_status)
        if (
            isinstance(status, bool)
            or not isinstance(status, int)
            or not (status == 200 or 400 <= status < 500)
            or status == 429
        ):
            raise ValueError(f"error_status must be 200 or a 4xx other than 429, not {status!r}")
        for name, value in changes.items():
            setattr(self, name, value)

    def public(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


# -- parameters ----------------------------------------------------------------------
def json_param(params: Mapping[str, str], name: str, *, required: bool = False) -> Any:
    """A parameter that carries JSON text (nested objects travel as JSON in one parameter)."""
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        if required:
            raise missing(name)
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise invalid(name, "not JSON text") from None


def whole(raw: Any, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number given as a number or as text; refused when fractional or outside."""
    if isinstance(raw, bool):
        raise invalid(name, "not a whole number")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise invalid(name, "not a whole number") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise invalid(name, "not a whole number")
    number = int(value)
    if minimum is not None and number < minimum:
        raise invalid(name, f"at least {minimum}")
    if maximum is not None and number > maximum:
        raise invalid(name, f"at most {maximum}")
    return number


def decimal_of(raw: Any) -> Decimal | None:
    """A decimal from text or an integer (never a float's binary value); None if not one."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, float):
        raw = repr(raw)
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


# -- money and time ------------------------------------------------------------------
def usd(amount: Decimal, places: int = 2) -> str:
    """An amount as Alibaba writes it: text with a fixed number of decimals."""
    return str(amount.quantize(Decimal(1).scaleb(-places)))


def money(amount: Decimal, places: int = 2) -> dict[str, str]:
    return {"amount": usd(amount, places), "currency": "USD"}


def ms(moment: datetime) -> str:
    return str(int(moment.astimezone(UTC).timestamp() * 1000))


def from_ms(raw: Any, name: str) -> datetime:
    number = whole(raw, name, minimum=0)
    return datetime.fromtimestamp(number / 1000, UTC)


def china_time(moment: datetime) -> str:
    """``yyyy-MM-dd HH:mm:ss`` in GMT+8, the format of ``gmt_modified`` (TOP's time zone)."""
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


def parse_china_time(raw: str, name: str) -> datetime:
    try:
        parsed = datetime.strptime(raw.strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise invalid(name, "use yyyy-MM-dd HH:mm:ss") from None
    return parsed.replace(tzinfo=CHINA)


def _pacific() -> Any:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("America/Los_Angeles")
    except Exception:  # no time zone database: Pacific standard time all year
        return timezone(timedelta(hours=-8), "PST")


PACIFIC = _pacific()


def trade_date(moment: datetime) -> dict[str, str]:
    """An order date as the order APIs write it: ``{format_date, timestamp}``, the text in US
    Pacific time ("Jul. 31, 2025, 21:09:36 PDT.") and the timestamp in milliseconds."""
    local = moment.astimezone(PACIFIC)
    text = (
        f"{local.strftime('%b')}. {local.day}, {local.year}, "
        f"{local.strftime('%H:%M:%S')} {local.tzname()}."
    )
    return {"format_date": text, "timestamp": ms(moment)}
