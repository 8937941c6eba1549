"""Pieces the Tiki sandbox modules share: settings, the two error shapes, time, money, JSON.

Tiki answers API errors as ``{"errors": ["…", "…"]}`` with a meaningful HTTP status
(docs/marketplaces/tiki.md §3.5) and OAuth errors as an OAuth server does (RFC 6749 §5.2:
``{"error", "error_description"}``). Times are ``yyyy-MM-dd HH:mm:ss`` in Vietnam time.
Money in requests is whole dong (JSON integers); order invoices carry decimals such as
``409000.00``, written here as JSON numbers with two decimals (``money_style`` "decimal")
or as whole numbers ("integer"), never through a Python float: request bodies are read
with ``parse_float=Decimal`` and answers are encoded by :func:`encode`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlsplit

from listsync.sandbox.harness import SandboxRequest, SandboxResponse

VN = timezone(timedelta(hours=7))
DAY = 86_400
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
TIME_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
CENT = Decimal("0.01")
_DECIMAL_MARK = "\u0000decimal:"
_DECIMAL_TOKEN = re.compile(r'"\\u0000decimal:(-?\d+(?:\.\d+)?)"')

CHOICES: dict[str, tuple[str, ...]] = {
    "token_auth_method": ("any", "basic", "post"),
    "review_state_spelling": ("awaiting", "waiting"),
    "duplicate_sku": ("reject", "refuse"),
    "find_by_missing": ("empty", "404"),
    "batch_errors": ("per_item", "all_or_nothing"),
    "money_style": ("decimal", "integer"),
}


class TikiError(Exception):
    """An API refusal: ``{"errors": [...]}`` with ``status``."""

    def __init__(self, status: int, *errors: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status}: {'; '.join(errors)}")
        self.status = status
        self.errors = list(errors)
        self.headers = dict(headers or {})

    def response(self) -> SandboxResponse:
        return respond(self.status, {"errors": self.errors}, self.headers)


class OAuthError(Exception):
    """A token endpoint refusal as RFC 6749 §5.2 writes it."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status

    def response(self) -> SandboxResponse:
        headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
        if self.status == 401:
            headers["WWW-Authenticate"] = 'Basic realm="tiki"'
        body = {"error": self.error, "error_description": self.description}
        return respond(self.status, body, headers)


@dataclass
class SandboxConfig:
    """What a test or the demo may change: ``TikiSandbox(**settings)``, ``configure()`` or
    ``POST /_sandbox/settings``. The module docstring of ``app.py`` says what each means."""

    access_ttl: int = 3600
    refresh_ttl: int = 30 * DAY
    code_ttl: int = 600
    old_refresh_valid: bool = False
    refresh_needs_offline: bool = True
    token_auth_method: str = "any"
    redirect_uris: list[str] = field(default_factory=list)
    rate_per_second: float = 200.0
    retry_after: int | None = None
    seller_active: bool = True
    maintenance: bool = False
    payload_error_status: int = 400
    queue_seconds: float = 0.0
    processing_seconds: float = 0.0
    md_review_seconds: float = 0.0
    bot_review_seconds: float = 0.0
    review_seconds: float = 0.0
    auto_approve: bool = True
    tracking_days: int = 30
    review_state_spelling: str = "awaiting"
    duplicate_sku: str = "reject"
    find_by_missing: str = "empty"
    max_limit: int = 100
    batch_limit: int = 50
    batch_errors: str = "per_item"
    quantity_includes_open_orders: bool = True
    orders_need_active: bool = True
    money_style: str = "decimal"
    max_images: int = 9
    max_name_length: int = 255

    def update(self, changes: dict[str, Any]) -> None:
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown sandbox settings {unknown}; known: {sorted(known)}")
        merged = {**self.public(), **changes}
        _check(merged)
        for name, value in changes.items():
            setattr(self, name, list(value) if isinstance(value, list) else value)

    def public(self) -> dict[str, Any]:
        return {
            f.name: list(getattr(self, f.name))
            if isinstance(getattr(self, f.name), list)
            else getattr(self, f.name)
            for f in fields(self)
        }


def _check(values: dict[str, Any]) -> None:
    for name, allowed in CHOICES.items():
        if values[name] not in allowed:
            raise ValueError(f"{name} must be one of {allowed}, not {values[name]!r}")
    if values["payload_error_status"] not in (400, 422):
        raise ValueError("payload_error_status must be 400 or 422")
    for name in ("access_ttl", "refresh_ttl", "code_ttl", "tracking_days", "max_images"):
        if not _whole(values[name]) or values[name] < 1:
            raise ValueError(f"{name} must be a whole number of at least 1")
    for name in ("max_limit", "batch_limit", "max_name_length"):
        if not _whole(values[name]) or values[name] < 1:
            raise ValueError(f"{name} must be a whole number of at least 1")
    rate = values["rate_per_second"]
    if isinstance(rate, bool) or not isinstance(rate, int | float) or rate <= 0:
        raise ValueError("rate_per_second must be a number above 0")
    retry = values["retry_after"]
    if retry is not None and (not _whole(retry) or retry < 0):
        raise ValueError("retry_after must be null or a whole number of seconds")
    for name in (
        "queue_seconds",
        "processing_seconds",
        "md_review_seconds",
        "bot_review_seconds",
        "review_seconds",
    ):
        value = values[name]
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValueError(f"{name} must be 0 or more seconds")
    for name in (
        "old_refresh_valid",
        "refresh_needs_offline",
        "seller_active",
        "maintenance",
        "auto_approve",
        "quantity_includes_open_orders",
        "orders_need_active",
    ):
        if not isinstance(values[name], bool):
            raise ValueError(f"{name} must be true or false")
    uris = values["redirect_uris"]
    if not isinstance(uris, list) or not all(isinstance(u, str) for u in uris):
        raise ValueError("redirect_uris must be a list of URLs")


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# -- time ------------------------------------------------------------------------------
def tiki_time(moment: datetime | None) -> str | None:
    """Tiki's time format, in Vietnam time: ``2020-03-05 11:27:24``."""
    if moment is None:
        return None
    return moment.astimezone(VN).strftime(TIME_FORMAT)


def parse_time(name: str, raw: str) -> datetime:
    """A ``yyyy-MM-dd HH:mm:ss`` parameter (Vietnam time) as an aware UTC datetime."""
    text = raw.strip()
    if not TIME_PATTERN.match(text):
        raise TikiError(400, f"{name} must be in the format yyyy-MM-dd HH:mm:ss")
    try:
        parsed = datetime.strptime(text, TIME_FORMAT)
    except ValueError:
        raise TikiError(400, f"{name} must be in the format yyyy-MM-dd HH:mm:ss") from None
    return parsed.replace(tzinfo=VN).astimezone(UTC)


# -- money -----------------------------------------------------------------------------
def money(amount: int | Decimal, style: str) -> Decimal | int:
    """An invoice amount as Tiki writes it: ``409000.00`` (decimal) or ``409000``."""
    value = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    if style == "integer":
        return int(value.to_integral_value(rounding=ROUND_HALF_UP))
    return value


def whole_dong(amount: Decimal) -> int:
    return int(amount.to_integral_value(rounding=ROUND_HALF_UP))


# -- JSON ------------------------------------------------------------------------------
def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _DECIMAL_MARK + format(value, "f")
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def encode(body: Any) -> bytes:
    """JSON with every Decimal written as a number literal (``409000.00``), never a float."""
    text = json.dumps(body, ensure_ascii=False, default=_default)
    return _DECIMAL_TOKEN.sub(lambda found: found.group(1), text).encode()


def respond(status: int, body: Any, headers: dict[str, str] | None = None) -> SandboxResponse:
    return SandboxResponse(
        status,
        encode(body),
        {"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )


def read_json(request: SandboxRequest) -> Any:
    """The request body as JSON, numbers with a fraction read as Decimal."""
    try:
        return json.loads(request.body or b"null", parse_float=Decimal)
    except ValueError:
        raise TikiError(400, "Request body is not valid JSON") from None


# -- parameters ------------------------------------------------------------------------
def whole(
    params: dict[str, str],
    name: str,
    default: int,
    *,
    minimum: int = 1,
    maximum: int | None = None,
) -> int:
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise TikiError(400, f"{name} must be an integer") from None
    if value < minimum or (maximum is not None and value > maximum):
        top = f" and {maximum}" if maximum is not None else ""
        limits = f"between {minimum}{top}" if maximum is not None else f"at least {minimum}"
        raise TikiError(400, f"{name} must be {limits}")
    return value


def page_of(items: list[Any], page: int, limit: int) -> tuple[list[Any], dict[str, int]]:
    """One page and Tiki's ``paging`` block: total, current_page, from, to, per_page,
    last_page (``from``/``to`` count from 1, as order listings write them)."""
    total = len(items)
    start = (page - 1) * limit
    chunk = items[start : start + limit]
    paging = {
        "total": total,
        "current_page": page,
        "from": start + 1 if chunk else 0,
        "to": start + len(chunk),
        "per_page": limit,
        "last_page": max(1, -(-total // limit)),
    }
    return chunk, paging


def is_url(value: Any) -> bool:
    """An http(s) address with a host and no blanks, as Tiki fetches images from."""
    if not isinstance(value, str) or not value.strip() or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)
