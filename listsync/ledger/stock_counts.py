"""Stock counts and deliveries: many SKUs' on hand moved at once, as plain values.

A count (``add=False``) says what is on the shelf: its movement is the difference from on
hand, recorded as ``set`` like ``listsync stock set``. A delivery (``add=True``) says how
much came in (or, negative, went out): its movement is the quantity itself, recorded as
``manual`` like ``listsync stock add``. :meth:`~listsync.ledger.catalog_store.CatalogStore.
count_stock` works out every SKU's change from one snapshot of on hand and writes them in
one transaction; :class:`StockCountPlan` is what a whole count sheet does, for the
workspace to show before (``--dry-run``) and after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from listsync.errors import InputError
from listsync.i18n import _, ngettext

SHOWN_SKUS = 5
"""How many SKUs a summary names before it says "and N more"."""


@dataclass(frozen=True)
class Count:
    """One SKU's line: the counted figure, or with ``add`` the units that came in."""

    sku: str
    quantity: int
    row: int | None = None
    """The line of the count sheet it came from, to place a problem there."""


@dataclass(frozen=True)
class StockChange:
    """What one count does to one SKU's on hand."""

    sku: str
    on_hand: int
    new_on_hand: int
    row: int | None = None

    @property
    def delta(self) -> int:
        return self.new_on_hand - self.on_hand

    @property
    def goes_negative(self) -> bool:
        """Takes away more than there is. A delivery to a SKU already below 0 is not refused:
        it makes things better, and the shortfall was there before."""
        return self.delta < 0 and self.new_on_hand < 0


def work_out(
    counts: Sequence[Count], on_hand: dict[str, int], *, add: bool
) -> tuple[StockChange, ...]:
    """Each count's change against ``on_hand`` (SKUs as the catalog spells them)."""
    changes = []
    for count in counts:
        before = on_hand.get(count.sku, 0)
        after = before + count.quantity if add else count.quantity
        changes.append(StockChange(count.sku, before, after, count.row))
    return tuple(changes)


class NegativeStock(InputError):
    """Taking units away would leave on hand below 0; ``changes`` are the SKUs concerned."""

    def __init__(self, changes: Sequence[StockChange]):
        self.changes = tuple(changes)
        shown = "; ".join(negative_message(change, with_sku=True) for change in self.changes)
        super().__init__(
            _("stock not changed: {problems}").format(problems=shown)
            + _("; if that is right, run again with --allow-negative")
        )


def negative_message(change: StockChange, *, with_sku: bool = False) -> str:
    """``taking away 100 would leave -59 on hand (there are 41)``."""
    message = _("taking away {units} would leave {after} on hand (there are {before})").format(
        units=-change.delta, after=change.new_on_hand, before=change.on_hand
    )
    return f"{change.sku}: {message}" if with_sku else message


@dataclass(frozen=True)
class StockCountPlan:
    """What importing one count sheet does (or did, once ``applied``).

    ``changes`` has every SKU with a quantity, changed or not, in the sheet's order;
    ``skipped`` the SKUs whose quantity was left blank, which keep their on hand.
    """

    source: str
    add: bool
    counts: tuple[Count, ...]
    changes: tuple[StockChange, ...]
    skipped: tuple[str, ...] = ()
    applied: bool = False
    note: str = ""

    @property
    def moved(self) -> tuple[StockChange, ...]:
        """The changes that record a movement."""
        return tuple(change for change in self.changes if change.delta)

    @property
    def unchanged(self) -> tuple[str, ...]:
        return tuple(change.sku for change in self.changes if not change.delta)

    def done(self, changes: Sequence[StockChange], note: str) -> StockCountPlan:
        return replace(self, changes=tuple(changes), applied=True, note=note)

    def summary(self) -> str:
        """One line: how many SKUs change, stay, and were left out, and whether it was done."""
        moved = len(self.moved)
        if self.applied:
            head = ngettext("{count} SKU changed", "{count} SKUs changed", moved)
        else:
            head = ngettext("{count} SKU would change", "{count} SKUs would change", moved)
        parts = [head.format(count=moved)]
        parts.append(_("{count} unchanged").format(count=len(self.unchanged)))
        if self.skipped:
            left = (
                _("{count} without a quantity, left as they were ({skus})")
                if self.add
                else _("{count} not counted, left as they were ({skus})")
            )
            parts.append(left.format(count=len(self.skipped), skus=_some(self.skipped)))
        line = ", ".join(parts)
        if not self.applied:
            line += _("; nothing was changed (dry run)")
        return line


def _some(skus: Sequence[str]) -> str:
    shown = ", ".join(skus[:SHOWN_SKUS])
    if len(skus) > SHOWN_SKUS:
        shown += _(" and {count} more").format(count=len(skus) - SHOWN_SKUS)
    return shown
