"""The SKUs stock is kept for, and what to tell a person who typed one that is not.

Stock is kept per sellable unit: each variant, or a product without variants. A product
with variants has no stock of its own, so its SKU is not a unit but is not a typo either;
the sentence for it names its variants. A SKU that is neither gets the closest unit SKU as a
"did you mean". The ledger builds the index (:meth:`SkuIndex.of`); the stock commands and
the count sheet (:mod:`listsync.catalog.count_sheet`) check SKUs against it.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from listsync.catalog.model import sku_key
from listsync.i18n import _

SUGGEST_CUTOFF = 0.6
SUGGEST_LIMIT = 200
"""At most this many unknown SKUs of one file get a "did you mean" (each costs a search)."""
FULL_SEARCH = 2_000
"""Up to this many SKUs, a "did you mean" compares with every one of them."""
NEIGHBOURS = 40


class SkuProblem(ValueError):
    """A SKU stock cannot be kept for; the message is a sentence for the person who typed it."""


@dataclass(frozen=True)
class SkuIndex:
    units: Mapping[str, str]
    """:func:`sku_key` of each unit -> the SKU as the catalog spells it."""
    parents: Mapping[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    """:func:`sku_key` of each product with variants -> its SKU and its variants' SKUs."""

    @classmethod
    def of(cls, products: Iterable[tuple[str, Sequence[str]]]) -> SkuIndex:
        """From each product's SKU and its units' SKUs (``[sku]`` without variants)."""
        units: dict[str, str] = {}
        parents: dict[str, tuple[str, tuple[str, ...]]] = {}
        for sku, skus in products:
            units.update((sku_key(unit), unit) for unit in skus)
            if list(skus) != [sku]:
                parents[sku_key(sku)] = (sku, tuple(skus))
        return cls(units, parents)

    def find(self, sku: str) -> str | None:
        """The unit's SKU as the catalog spells it (case and spaces do not count)."""
        return self.units.get(sku_key(sku))

    def resolve(self, sku: str, *, suggest: bool = True) -> str:
        """:meth:`find`, or :class:`SkuProblem` saying why not."""
        found = self.find(sku)
        if found is None:
            raise SkuProblem(self.problem(sku, suggest=suggest))
        return found

    def problem(self, sku: str, *, suggest: bool = True) -> str:
        """Why ``sku`` holds no stock: a product with variants (named), or not in the catalog."""
        parent = self.parents.get(sku_key(sku))
        if parent is not None:
            return _(
                "{sku} is a product with variants; stock is kept for each variant: {variants}"
            ).format(sku=parent[0], variants=", ".join(parent[1]))
        message = _("SKU {sku} is not in the catalog").format(sku=sku)
        meant = self.closest(sku) if suggest else None
        if meant:
            return message + _("; did you mean {meant}?").format(meant=meant)
        return message + _(
            " (listsync catalog list shows its SKUs; after editing the catalog, run "
            "listsync catalog import)"
        )

    def closest(self, sku: str) -> str | None:
        """The unit SKU ``sku`` was most likely meant to be, if one is close enough.

        In a big catalog only the SKUs next to it in alphabetical order, read forwards and
        backwards, are compared: a typo leaves the start or the end of a SKU as it was, and
        comparing with 20,000 similar SKUs takes a noticeable moment each time.
        """
        key = sku_key(sku)
        choices = self.units if len(self.units) <= FULL_SEARCH else self._neighbours(key)
        found = difflib.get_close_matches(key, choices, n=1, cutoff=SUGGEST_CUTOFF)
        return self.units[found[0]] if found else None

    def _neighbours(self, key: str) -> set[str]:
        near: set[str] = set()
        for keys, probe, turn in ((self._sorted, key, False), (self._backwards, key[::-1], True)):
            at = bisect.bisect_left(keys, probe)
            window = keys[max(0, at - NEIGHBOURS) : at + NEIGHBOURS]
            near.update(found[::-1] if turn else found for found in window)
        return near

    @cached_property
    def _sorted(self) -> list[str]:
        return sorted(self.units)

    @cached_property
    def _backwards(self) -> list[str]:
        return sorted(key[::-1] for key in self.units)
