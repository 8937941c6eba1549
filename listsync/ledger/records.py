"""Plain values the ledger takes and returns; no database types leak past the ledger."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from listsync.catalog.model import PriceTier
from listsync.channel.contract import ListingState, Money, Offer, Order, RemoteListing
from listsync.channel.faults import Fault
from listsync.i18n import _, ngettext


class MovementReason(StrEnum):
    MANUAL = "manual"
    SET = "set"  # a stock count: the delta that brings on-hand to the counted figure
    ORDER_RESERVE = "order_reserve"
    ORDER_SALE = "order_sale"
    ORDER_RELEASE = "order_release"
    ORDER_RETURN = "order_return"


def order_reference(channel: str, shop_id: str, order_id: str) -> str:
    """The reference of a movement caused by an order, e.g. ``shopee:SHOP:ORDER``."""
    return f"{channel}:{shop_id}:{order_id}"


@dataclass(frozen=True)
class Movement:
    """A change of on-hand stock for one sellable SKU.

    With a non-empty ``reference`` it is recorded at most once per (sku, reason,
    reference): settling the same order event twice adds nothing.
    """

    sku: str
    delta: int
    reason: str = MovementReason.MANUAL
    reference: str = ""
    note: str = ""
    created_at: datetime | None = None  # set by the ledger when None
    id: int | None = None  # set by the ledger


DRY_RUN_SKUS = 12  # SKUs an import's dry run names for each kind of change


@dataclass(frozen=True)
class ImportSummary:
    """What importing a catalog does (or would do, with ``dry_run``), SKUs sorted."""

    added: tuple[str, ...] = ()  # new, or back in the catalog after being removed
    changed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()  # active before, absent now: they become inactive
    active_before: int = 0
    dry_run: bool = False

    @property
    def removed_share(self) -> float:
        """The part of the previously active catalog that would go: for a mass-removal guard."""
        return len(self.removed) / self.active_before if self.active_before else 0.0

    def __str__(self) -> str:
        if self.dry_run:
            return self._would()
        return _(
            "{added} added, {changed} changed, {unchanged} unchanged, {removed} removed"
        ).format(
            added=len(self.added),
            changed=len(self.changed),
            unchanged=len(self.unchanged),
            removed=len(self.removed),
        )

    def _would(self) -> str:
        """A dry run's words: nothing changed, what an import would do, and to which SKUs."""
        lines = [
            _(
                "Dry run: nothing was changed. The import would add {added}, change {changed}"
                " and remove {removed} products ({unchanged} unchanged)."
            ).format(
                added=len(self.added),
                changed=len(self.changed),
                removed=len(self.removed),
                unchanged=len(self.unchanged),
            )
        ]
        for skus, text in (
            (self.added, _("would add: {skus}")),
            (self.changed, _("would change: {skus}")),
            (self.removed, _("would remove: {skus}")),
        ):
            if skus:
                shown = list(skus[:DRY_RUN_SKUS])
                if len(skus) > DRY_RUN_SKUS:
                    more = len(skus) - DRY_RUN_SKUS
                    shown.append(ngettext("and {n} more", "and {n} more", more).format(n=more))
                lines.append("  " + text.format(skus=", ".join(shown)))
        return "\n".join(lines)


@dataclass(frozen=True)
class OrderCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    changed_ids: tuple[str, ...] = field(default=(), repr=False)  # new or updated: to settle

    def __add__(self, other: OrderCounts) -> OrderCounts:
        return OrderCounts(
            self.new + other.new,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.changed_ids + other.changed_ids,
        )


@dataclass(frozen=True)
class StoredOrder:
    channel: str
    shop_id: str
    order: Order
    fetched_at: datetime


@dataclass(frozen=True)
class ListingRecord:
    """What the ledger knows of one product's listing on one shop."""

    sku: str
    channel: str
    shop_id: str
    state: ListingState = ListingState.PENDING
    remote_id: str | None = None
    units: Mapping[str, str] = field(default_factory=dict)  # seller SKU -> remote unit id
    pushed_hash: str | None = None  # the content hash the channel last accepted
    last_error: str | None = None
    reasons: tuple[str, ...] = ()
    updated_at: datetime | None = None  # set by the ledger
    checked_at: datetime | None = None  # when the review state was last asked
    fault: Fault | None = None  # whose fault the last failure was; None when it stands well

    @property
    def failed(self) -> bool:
        """Whether the product could not be listed as the catalog says, for whatever reason."""
        return self.fault is not None or self.state in (ListingState.FAILED, ListingState.REJECTED)

    @property
    def fault_shown(self) -> Fault | None:
        """Whose fault: a rejection recorded before faults were kept is the marketplace's
        (another failure of then is not known: None)."""
        if self.fault is None and self.state is ListingState.REJECTED:
            return Fault.MARKETPLACE
        return self.fault

    def remote(self) -> RemoteListing | None:
        if self.remote_id is None:
            return None
        return RemoteListing(self.sku, self.remote_id, self.state, dict(self.units), self.reasons)


@dataclass(frozen=True)
class OfferRecord:
    """The stock and price a channel last accepted for one sellable SKU."""

    sku: str
    channel: str
    shop_id: str
    stock: int | None = None
    price: Money | None = None
    tiers: tuple[PriceTier, ...] = ()
    explain: Mapping[str, Any] = field(default_factory=dict)  # the inputs of the figures
    last_error: str | None = None
    updated_at: datetime | None = None  # set by the ledger

    def differs(self, offer: Offer) -> tuple[bool, bool]:
        """Whether the stock, and the price, of ``offer`` differ from what was accepted."""
        price = offer.price != self.price or tuple(offer.tiers) != self.tiers
        return offer.stock != self.stock, price


@dataclass(frozen=True)
class ChannelRun:
    channel: str
    counts: Mapping[str, int]
    error: str | None = None


@dataclass(frozen=True)
class RunRecord:
    id: int
    command: str
    pid: int
    status: str
    started_at: datetime
    finished_at: datetime | None
    channels: tuple[ChannelRun, ...] = ()

    @property
    def duration(self) -> timedelta | None:
        return None if self.finished_at is None else self.finished_at - self.started_at


class CallRecord(Protocol):
    """One HTTP call as the call log stores it; ``path`` must already be redacted."""

    @property
    def channel(self) -> str: ...
    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def status(self) -> int | None: ...
    @property
    def elapsed_ms(self) -> float: ...
    @property
    def attempt(self) -> int: ...
    @property
    def error(self) -> str | None: ...
    @property
    def at(self) -> datetime: ...


@dataclass(frozen=True)
class ApiCall:
    channel: str
    method: str
    path: str
    status: int | None
    elapsed_ms: float
    attempt: int
    at: datetime
    error: str | None = None
