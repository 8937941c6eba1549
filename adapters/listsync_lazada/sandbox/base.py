"""Pieces the Lazada sandbox modules share: its settings, its error, its time format."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

VN = timezone(timedelta(hours=7))
DAY = 86_400


class LazadaFault(Exception):
    """An error body: ``{type, code, message, request_id}`` (plus ``detail`` when given)."""

    def __init__(
        self, code: str, message: str, *, kind: str = "ISV", detail: list[dict] | None = None
    ):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.kind = kind
        self.detail = detail


@dataclass
class Reply:
    """A success whose envelope carries more than ``data`` (``success``, ``error_code``…)."""

    data: Any
    extra: dict[str, Any] = field(default_factory=dict)


def missing(name: str) -> LazadaFault:
    return LazadaFault(
        "MissingParameter",
        f"The input parameter “{name}” that is mandatory for processing this request "
        "is not supplied",
    )


def invalid(name: str, why: str = "") -> LazadaFault:
    text = f"The specified parameter “{name}” is not valid"
    return LazadaFault("InvalidParameter", text + (f": {why}" if why else ""))


@dataclass
class SandboxConfig:
    """What a test or a demo may change: constructor keywords or ``POST /_sandbox/settings``.

    ``rate_limits`` maps an API path to calls per second per seller (over it: ApiCallLimit
    and a one-second ban); ``default_rate`` applies to the others (None: unlimited).
    ``product_rate`` throttles /product/create (``4154``) and /product/update (``901``).
    ``sku_lookup_lag`` hides a new product from ``sku_seller_list`` lookups for that many
    seconds of sandbox clock. ``error_status`` is the HTTP status of error bodies (200 or
    a 4xx: Lazada's documentation does not say; 5xx and 429 are the core's to read as a
    server fault or throttling, so they are refused here).
    """

    access_ttl: int = 7 * DAY
    refresh_ttl: int = 14 * DAY
    code_ttl: int = 30 * 60
    refresh_rotates: bool = True
    refresh_extends: bool = False
    error_status: int = 200
    rate_limits: dict[str, float] = field(
        default_factory=lambda: {"/product/price_quantity/update": 50.0}
    )
    default_rate: float | None = None
    product_rate: float | None = None
    sku_lookup_lag: float = 0.0
    review_seconds: float = 0.0
    max_image_bytes: int = 3_145_728
    max_image_side: int = 5000
    timestamp_window: int = 7200

    def update(self, changes: dict[str, Any]) -> None:
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown sandbox settings {unknown}; known: {sorted(known)}")
        status = changes.get("error_status", self.error_status)
        if (
            not isinstance(status, int)
            or not (status == 200 or 400 <= status < 500)
            or (status == 429)
        ):
            raise ValueError(f"error_status must be 200 or a 4xx other than 429, not {status!r}")
        for name, value in changes.items():
            setattr(self, name, value)

    def public(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def lazada_time(moment: datetime) -> str:
    """Lazada's order time format, in Vietnam time: ``2024-05-01 09:30:00 +0700``."""
    return moment.astimezone(VN).strftime("%Y-%m-%d %H:%M:%S %z")


def money(amount: int) -> str:
    return f"{amount}.00"


def parse_int(name: str, raw: Any, *, code: str | None = None) -> int:
    try:
        return int(str(raw).strip())
    except ValueError:
        if code:
            raise LazadaFault(code, f"Invalid {name}") from None
        raise invalid(name, "not a whole number") from None


def parse_decimal(name: str, raw: Any) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise LazadaFault(
            "500",
            "Create product failed",
            detail=[{"field": name, "message": f"{name} is not a number"}],
        ) from None
    if not value.is_finite():
        raise LazadaFault(
            "500",
            "Create product failed",
            detail=[{"field": name, "message": f"{name} is not a number"}],
        )
    return value


def now_ms(moment: datetime) -> str:
    return str(int(moment.astimezone(UTC).timestamp() * 1000))
