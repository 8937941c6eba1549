"""How much of the stock on hand each channel is offered: pure functions, explained.

Sellers who use BigSeller or Haravan expect three knobs per channel: offer only a share
of what is available, never more than a cap, and offer nothing once stock runs low, so the
last units are not sold twice on two marketplaces. Every figure carries its inputs, so
``listsync stock show SKU`` can say how it was reached.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, tzinfo
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from listsync.channel.contract import OrderState
from listsync.format import time_text
from listsync.i18n import _

# An order that left the warehouse is a sale, whatever became of it after.
SOLD_STATES = frozenset({OrderState.SHIPPED, OrderState.COMPLETED, OrderState.RETURNED})
# Marketplaces hold an order's units from its creation, paid or not (Shopee, Lazada).
OPEN_STATES = frozenset({OrderState.PENDING, OrderState.PAID})
# A sold order that came back (returned, or cancelled after it was shipped).
RETURN_STATES = frozenset({OrderState.RETURNED, OrderState.CANCELLED})


class StockRule(BaseModel):
    """A channel's stock rule, from ``[channels.<name>.stock]``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    percent: int = Field(default=100, ge=0, le=100)  # share of available offered, rounded down
    cap: int | None = Field(default=None, ge=0)  # never offer more than this
    zero_below: int | None = Field(default=None, ge=1)  # offer 0 when available is below this

    def describe(self) -> str:
        parts = [] if self.percent == 100 else [f"{self.percent}%"]
        if self.cap is not None:
            parts.append(_("cap {cap}").format(cap=self.cap))
        if self.zero_below is not None:
            parts.append(_("0 below {units}").format(units=self.zero_below))
        return ", ".join(parts) or _("all available")


@dataclass(frozen=True)
class StockFigure:
    """A stock figure for one SKU on one channel, with everything that went into it."""

    sku: str
    on_hand: int
    reserved: int
    buffer: int
    available: int
    rule: str
    offered: int
    held_here: int = 0  # units this channel's own open orders hold, where its figure counts them

    def explain(self) -> str:
        text = _(
            "on hand {on_hand} − reserved {reserved} − buffer {buffer} = available"
            " {available}; rule: {rule}"
        ).format(
            on_hand=self.on_hand,
            reserved=self.reserved,
            buffer=self.buffer,
            available=self.available,
            rule=self.rule,
        )
        if self.held_here:
            text += _("; + {units} held by its own open orders").format(units=self.held_here)
        return f"{text} → {self.offered}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Drift:
    """A figure the marketplace moved by itself, found by reading it back, and set right.

    ``shown`` is what the marketplace showed, ``intended`` what listsync meant it to show
    (and sent), ``at`` when. It is kept with the offer's explanation under ``"drift"``.
    """

    shown: int
    intended: int
    at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "shown": self.shown,
            "intended": self.intended,
            "at": self.at.isoformat() if self.at else None,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Drift | None:
        """The drift kept in an explanation, or None when there is none (or it is unreadable)."""
        if not isinstance(data, Mapping):
            return None
        shown, intended, at = data.get("shown"), data.get("intended"), data.get("at")
        if not isinstance(shown, int) or not isinstance(intended, int):
            return None
        try:
            moment = datetime.fromisoformat(at) if isinstance(at, str) else None
        except ValueError:
            moment = None
        return cls(shown, intended, moment)

    def explain(self, tz: tzinfo | None = None) -> str:
        when = time_text(self.at.astimezone(tz)) if self.at else _("at an unknown time")
        return _(
            "drift corrected {when}: the marketplace showed {shown}, listsync intended {intended}"
        ).format(when=when, shown=self.shown, intended=self.intended)


def reserving_states(reserve_from: str) -> frozenset[OrderState]:
    """Order states that hold stock back: paid orders, or every order from its creation."""
    if reserve_from == "creation":
        return frozenset({OrderState.PENDING, OrderState.PAID})
    return frozenset({OrderState.PAID})


def available(on_hand: int, reserved: int, buffer: int) -> int:
    return max(0, on_hand - reserved - buffer)


def offered(available_units: int, rule: StockRule) -> int:
    """What a channel is told it may sell, by its rule."""
    if rule.zero_below is not None and available_units < rule.zero_below:
        return 0
    share = available_units * rule.percent // 100
    return share if rule.cap is None else min(share, rule.cap)


def figure(
    sku: str, on_hand: int, reserved: int, buffer: int, rule: StockRule, held_here: int = 0
) -> StockFigure:
    """The figure for one channel. ``held_here`` is added back for a channel whose stock
    figure includes the units its own open orders hold (Shopee, Lazada): it subtracts them
    itself, and refuses a figure below them."""
    free = available(on_hand, reserved, buffer)
    given = offered(free, rule) + held_here
    return StockFigure(sku, on_hand, reserved, buffer, free, rule.describe(), given, held_here)
