"""The contract between the core and a marketplace adapter.

It is shaped by all four marketplaces at once: a listing may sit in review for days
(Tiki) or come back rejected with reasons; stock may only be changed by deltas
(Alibaba.com), so an adapter reads before it writes; a price may be one VND figure or
a ladder of USD tiers. The core speaks only these types and never names a marketplace.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationInfo, field_validator

from listsync.catalog.model import PriceTier, Product
from listsync.errors import (
    AuthError,
    ChannelError,
    RateLimited,
    RejectedError,
    TransientError,
    UnknownOutcome,
)
from listsync.i18n import _

if TYPE_CHECKING:
    from listsync.clock import Clock
    from listsync.http import CallObserver, HttpClient
    from listsync.sandbox.harness import SandboxApp

__all__ = [
    "AuthError",
    "Channel",
    "ChannelContext",
    "ChannelError",
    "ChannelLimits",
    "ChannelPlugin",
    "ChannelSettings",
    "Draft",
    "ListingState",
    "MappingProblem",
    "Money",
    "Offer",
    "OfferResult",
    "Order",
    "OrderLine",
    "OrderState",
    "RateLimited",
    "RejectedError",
    "RemoteListing",
    "Token",
    "TokenStore",
    "TransientError",
    "UnknownOutcome",
]


class ListingState(StrEnum):
    PENDING = "pending"  # known to the ledger, never sent
    SENDING = "sending"  # intent written, call under way
    UNKNOWN = "unknown"  # sent, outcome not known: look it up before anything else
    IN_REVIEW = "in_review"
    LIVE = "live"
    REJECTED = "rejected"
    FAILED = "failed"


class OrderState(StrEnum):
    """The core's order states; each adapter maps its marketplace's statuses onto these."""

    PENDING = "pending"  # placed, not paid yet
    PAID = "paid"  # to be shipped
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    RETURNED = "returned"


@dataclass(frozen=True, order=True)
class Money:
    """An amount in one currency: whole dong for VND, cents-exact Decimal for USD."""

    amount: Decimal
    currency: str = "VND"

    def __post_init__(self) -> None:
        if isinstance(self.amount, float):
            raise TypeError("money is never a float")
        exponent = self.exponent(self.currency)
        quantized = Decimal(self.amount).quantize(Decimal(1).scaleb(-exponent))
        if quantized != Decimal(self.amount):
            raise ValueError(f"{self.amount} is not a whole amount of {self.currency}")
        object.__setattr__(self, "amount", quantized)

    @staticmethod
    def exponent(currency: str) -> int:
        return 0 if currency == "VND" else 2

    @classmethod
    def vnd(cls, dong: int) -> Money:
        return cls(Decimal(dong), "VND")

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        return cls(Decimal(minor).scaleb(-cls.exponent(currency)), currency)

    @property
    def minor(self) -> int:
        """The amount in the currency's smallest unit (dong, cents): what the ledger stores."""
        return int(self.amount.scaleb(self.exponent(self.currency)))

    def __str__(self) -> str:
        if self.currency == "VND":
            return f"{int(self.amount):,} ₫".replace(",", ".")
        return f"{self.amount:,.2f} {self.currency}"


@dataclass(frozen=True)
class MappingProblem:
    """Why a product cannot be listed on a channel as it stands; shown to the user."""

    sku: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.sku}: {self.field}: {self.message}"


@dataclass(frozen=True)
class Offer:
    """What one sellable SKU should show on a channel: its stock and its price."""

    sku: str
    stock: int
    price: Money | None = None
    tiers: tuple[PriceTier, ...] = ()


@dataclass(frozen=True)
class Draft:
    """A product mapped to one channel's listing: the payload and every problem found."""

    product_sku: str
    payload: Mapping[str, Any]
    offers: tuple[Offer, ...] = ()
    images: tuple[str, ...] = ()
    problems: tuple[MappingProblem, ...] = ()
    earlier_hashes: tuple[str, ...] = ()
    """Hashes an earlier version of the adapter gave this same content: a listing last
    pushed under one of them is unchanged, and the engine stores ``content_hash`` instead."""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def content_hash(self) -> str:
        """What decides whether the listing's content must be sent again. Nothing in it may
        depend on where the workspace lies (a photo counts by its name in the catalog and
        its content), or a copied workspace would send every listing again."""
        canonical = json.dumps(
            {"payload": self.payload, "images": self.images}, sort_keys=True, default=str
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class RemoteListing:
    """A listing as the marketplace holds it."""

    product_sku: str
    remote_id: str
    state: ListingState
    units: Mapping[str, str] = field(default_factory=dict)  # seller SKU -> remote unit id
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class OfferUpdate:
    """Set one SKU's stock and/or price on a listing the channel already holds."""

    listing: RemoteListing
    offer: Offer
    set_stock: bool = True
    set_price: bool = True


@dataclass(frozen=True)
class OfferResult:
    sku: str
    ok: bool
    message: str = ""
    unknown: bool = False  # the call's outcome is not known (a delta API lost its reply)


@dataclass(frozen=True)
class OrderLine:
    sku: str
    quantity: int
    unit_price: Money
    line_id: str = ""


@dataclass(frozen=True)
class Order:
    order_id: str
    state: OrderState
    status: str  # the marketplace's own word, kept for reports and debugging
    created_at: datetime  # UTC
    updated_at: datetime  # UTC
    total: Money
    lines: tuple[OrderLine, ...]


@dataclass(frozen=True)
class ChannelLimits:
    """What the engine must know about a channel's API to plan calls against it."""

    offer_batch: int  # how many offers the adapter can send in one call
    order_window: timedelta | None  # longest time range one order query may span
    stock_is_delta: bool = False
    language: str = "vi"
    currency: str = "VND"
    rate_per_second: float = 10.0
    stock_includes_reserved: bool = False  # the figure sent counts units its open orders hold


@dataclass(frozen=True)
class Token:
    access_token: SecretStr
    expires_at: datetime  # UTC
    refresh_token: SecretStr | None = None
    refresh_expires_at: datetime | None = None
    extra: Mapping[str, str] = field(default_factory=dict)

    def secret_values(self) -> tuple[str, ...]:
        """The access and refresh token as text, to keep them out of every log line."""
        refresh = "" if self.refresh_token is None else self.refresh_token.get_secret_value()
        return (self.access_token.get_secret_value(), refresh)

    def expired(self, now: datetime, margin: timedelta = timedelta(minutes=5)) -> bool:
        return now + margin >= self.expires_at


class TokenStore(Protocol):
    """Where an adapter keeps a shop's tokens. ``save`` is durable when it returns."""

    def load(self, channel: str, shop_id: str) -> Token | None: ...

    def save(self, channel: str, shop_id: str, token: Token) -> None: ...


class ChannelSettings(BaseModel):
    """The keys of a ``[channels.<name>]`` section every adapter shares; adapters add theirs."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    enabled: bool = False
    base_url: str
    timeout_seconds: float = Field(default=30.0, gt=0)
    rate_per_second: float | None = Field(default=None, gt=0)
    max_attempts: int = Field(default=4, ge=1, le=10)
    mapping_file: Path | None = None

    @field_validator("*")
    @classmethod
    def _web_addresses(cls, value: Any, info: ValidationInfo) -> Any:
        """Every ``*_url`` is an http(s) address: nothing else is ever sent a request."""
        if info.field_name and info.field_name.endswith("_url") and isinstance(value, str):
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(
                    _(
                        "must be a web address starting with https:// or http://, got {value}"
                    ).format(value=value)
                )
        return value


@dataclass
class ChannelContext:
    """What the core lends an adapter: its token store, clock, call observer, workspace."""

    tokens: TokenStore
    clock: Clock
    workspace: Path = Path(".")
    on_call: CallObserver | None = None

    def http_client(
        self,
        channel: str,
        settings: ChannelSettings,
        rate: float,
        *,
        secrets: tuple[str, ...] = (),
        pacing: float = 1.0,
    ) -> HttpClient:
        """The HTTP client for one channel, as its settings say. ``rate`` is the adapter's
        default calls a second; ``pacing`` the share of the rate actually used (a margin
        for gateways that count calls over a sliding second)."""
        from listsync.http import HttpClient, RetryPolicy

        return HttpClient(
            channel=channel,
            base_url=settings.base_url,
            timeout=settings.timeout_seconds,
            rate_per_second=(settings.rate_per_second or rate) * pacing,
            policy=RetryPolicy(max_attempts=settings.max_attempts),
            clock=self.clock,
            on_call=self.on_call,
            secrets=secrets,
        )


@runtime_checkable
class Channel(Protocol):
    """One marketplace shop, as the sync engine sees it."""

    name: str
    limits: ChannelLimits

    @property
    def shop_id(self) -> str: ...

    def map_product(self, product: Product) -> Draft:
        """Pure: the listing this product becomes here, with every problem against the limits."""
        ...

    def find_listing(self, product_sku: str, unit_skus: Sequence[str] = ()) -> RemoteListing | None:
        """Look a listing up by seller SKU; ``None`` only when the marketplace says it has none.

        ``unit_skus`` are the product's sellable SKUs: some marketplaces (Lazada) only know
        a seller SKU per variant, so the product's own SKU alone cannot find it there.
        """
        ...

    def create_listing(self, draft: Draft) -> RemoteListing:
        """Create, listing each of the draft's offers at its price and stock as they stand.

        The result may be IN_REVIEW. Raises UnknownOutcome when the reply was lost.
        """
        ...

    def update_listing(self, listing: RemoteListing, draft: Draft) -> RemoteListing: ...

    def set_offers(self, updates: Sequence[OfferUpdate]) -> list[OfferResult]:
        """Set stock and price; the adapter batches, and reads first if its API takes deltas."""
        ...

    def read_offers(self, listings: Sequence[RemoteListing]) -> dict[str, int]:
        """The stock each sellable SKU of ``listings`` shows on the marketplace now.

        The figure is in the terms :meth:`set_offers` takes: where ``limits.
        stock_includes_reserved``, it counts the units the marketplace's open orders hold.
        The adapter reads through the list or batch calls its API offers, never one call per
        SKU where a batch exists. A SKU the marketplace gives no figure for is left out.
        """
        ...

    def review_state(self, listing: RemoteListing) -> RemoteListing: ...

    def iter_orders(self, since: datetime, until: datetime) -> Iterator[Order]:
        """Orders changed in ``[since, until]``, windowed and paged as the API requires."""
        ...

    def authorization_url(self, redirect_url: str) -> str: ...

    def authorize(self, redirected_url: str) -> str:
        """Finish authorization from the URL the seller was sent back to; returns the shop id.

        A channel whose app belongs to the seller and needs no consent page (client
        credentials) sets an attribute ``needs_consent = False``: ``listsync auth`` then calls
        ``authorize("")`` without sending anyone to a browser. Without the attribute, a
        channel needs the seller's consent.
        """
        ...

    def close(self) -> None: ...


def load_object(path: str) -> Any:
    """The object named ``"package.module:attribute"``, imported when first asked for."""
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)


def lazy_channel(
    path: str, model: type[ChannelSettings]
) -> Callable[[ChannelSettings, ChannelContext], Channel]:
    """A plugin factory that imports the channel class at ``path`` only when it is built."""

    def factory(settings: ChannelSettings, context: ChannelContext) -> Channel:
        if not isinstance(settings, model):
            settings = model.model_validate(settings.model_dump())
        channel: Channel = load_object(path)(settings, context)
        return channel

    return factory


def lazy_sandbox(path: str) -> Callable[[], SandboxApp]:
    """A plugin sandbox factory that imports the sandbox class at ``path`` when started."""

    def sandbox() -> SandboxApp:
        app: SandboxApp = load_object(path)()
        return app

    return sandbox


@dataclass(frozen=True)
class ChannelPlugin:
    """What an adapter registers under the entry-point group ``listsync.channels``.

    Building it must be cheap: ``factory`` and ``sandbox`` import the heavy parts lazily.
    """

    name: str
    title: str
    settings_model: type[ChannelSettings]
    factory: Callable[[ChannelSettings, ChannelContext], Channel]
    sandbox: Callable[[], SandboxApp] | None = None
    default_rate: float = 10.0
    notes: str = ""
