"""The catalog and its stock in the ledger: products (never deleted) and stock movements.

:class:`CatalogStore` is a part of :class:`listsync.ledger.database.Ledger`. On-hand stock is
never stored: it is the sum of an append-only table of movements, so a count can
always be explained, and settling the same order event twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from listsync.catalog.model import Product, sku_key
from listsync.catalog.sku_index import SUGGEST_LIMIT, SkuIndex
from listsync.errors import InputError
from listsync.i18n import _
from listsync.ledger.base import LedgerBase
from listsync.ledger.records import ImportSummary, Movement, MovementReason
from listsync.ledger.schema import PRODUCT, STOCK_MOVEMENT
from listsync.ledger.stock_counts import Count, NegativeStock, StockChange, work_out

_REASONS = frozenset(MovementReason)
_WRITE_BATCH = 500
"""Products written to the ledger per statement when a catalog is imported."""
_FEW_SKUS = 500
"""Up to this many SKUs, on hand is summed for them alone; above, for all at once."""


class CatalogStore(LedgerBase):
    # -- products ----------------------------------------------------------------------

    def plan_import(self, products: Sequence[Product]) -> ImportSummary:
        """What :meth:`upsert_products` would do, without writing: for a mass-removal guard."""
        return self.upsert_products(products, dry_run=True)

    def upsert_products(
        self, products: Sequence[Product], *, dry_run: bool = False
    ) -> ImportSummary:
        """Make the ledger's catalog equal ``products``: absent SKUs become inactive."""
        incoming = _check_catalog(products)
        now = self._clock.now()
        with self.read() if dry_run else self.write() as session:
            conn = session.connection()
            before = {
                sku: (content_hash, bool(active))
                for sku, content_hash, active in conn.execute(
                    select(PRODUCT.c.sku, PRODUCT.c.content_hash, PRODUCT.c.active)
                )
            }
            added, changed, unchanged, writes = [], [], [], []
            for sku, (product, content_hash) in incoming.items():
                old = before.get(sku)
                if old is None or not old[1]:
                    added.append(sku)
                elif old[0] != content_hash:
                    changed.append(sku)
                else:
                    unchanged.append(sku)
                    continue
                writes.append((product, content_hash))
            removed = sorted(s for s, (_, active) in before.items() if active and s not in incoming)
            if not dry_run:
                _write_products(conn, writes, removed, now)
        return ImportSummary(
            added=tuple(sorted(added)),
            changed=tuple(sorted(changed)),
            unchanged=tuple(sorted(unchanged)),
            removed=tuple(removed),
            active_before=sum(1 for _, active in before.values() if active),
            dry_run=dry_run,
        )

    def products(self, active_only: bool = True) -> list[Product]:
        query = select(PRODUCT.c.data).order_by(PRODUCT.c.sku)
        if active_only:
            query = query.where(PRODUCT.c.active)
        with self.read() as session:
            return [_stored(data) for data in session.connection().scalars(query)]

    def catalog_state(self) -> tuple[list[Product], frozenset[str]]:
        """Every product ever imported, and the SKUs of those still in the catalog: one read."""
        query = select(PRODUCT.c.data, PRODUCT.c.active).order_by(PRODUCT.c.sku)
        with self.read() as session:
            rows = session.connection().execute(query).all()
        products = [_stored(data) for data, _active in rows]
        active = frozenset(p.sku for p, (_data, flag) in zip(products, rows, strict=True) if flag)
        return products, active

    def product(self, sku: str) -> Product | None:
        """The product with this exact SKU, active or not."""
        with self.read() as session:
            data = session.connection().scalar(select(PRODUCT.c.data).where(PRODUCT.c.sku == sku))
        return None if data is None else _stored(data)

    # -- stock ---------------------------------------------------------------------------

    def add_movements(
        self, movements: Sequence[Movement], *, include_inactive: bool = False
    ) -> int:
        """Record movements; returns how many were new (a repeated reference adds nothing).

        SKUs match the catalog case-insensitively and are stored as the catalog spells
        them. Any SKU not sold by an active product (or any product, with
        ``include_inactive``) rejects the whole batch with :class:`InputError`.
        """
        now = self._clock.now()
        with self.write() as session:
            conn = session.connection()
            known = unit_skus(conn, include_inactive)
            rows, unknown, bad = [], set(), set()
            for movement in movements:
                sku = known.get(sku_key(movement.sku))
                if sku is None:
                    unknown.add(movement.sku)
                if movement.reason not in _REASONS:
                    bad.add(movement.reason)
                if type(movement.delta) is not int:
                    bad.add(f"delta {movement.delta!r}")
                rows.append(_movement_row(movement, sku or movement.sku, now))
            if unknown or bad:
                raise InputError(_movement_problems(unknown, bad))
            if not rows:
                return 0
            inserted = conn.execute(sqlite_insert(STOCK_MOVEMENT).on_conflict_do_nothing(), rows)
            return int(inserted.rowcount)

    def set_stock(self, sku: str, quantity: int, note: str = "") -> int:
        """Record the movement that makes on-hand equal ``quantity``; returns its delta."""
        if type(quantity) is not int or quantity < 0:
            raise InputError(
                _("stock for {sku} must be a whole number, 0 or more, not {quantity!r}").format(
                    sku=sku, quantity=quantity
                )
            )
        return self.count_stock([Count(sku, quantity)], note=note)[0].delta

    def sku_index(self, *, include_inactive: bool = False) -> SkuIndex:
        """The SKUs stock is kept for, and the products with variants: to check typed SKUs."""
        with self.read() as session:
            return _sku_index(session.connection(), include_inactive)

    def count_stock(
        self,
        counts: Sequence[Count],
        *,
        add: bool = False,
        note: str = "",
        dry_run: bool = False,
        allow_negative: bool = False,
    ) -> tuple[StockChange, ...]:
        """Move many SKUs' on hand at once, from one snapshot and in one transaction.

        A count sets on hand to its quantity (a ``set`` movement); with ``add`` the
        quantity is added (a ``manual`` one). A SKU whose on hand does not change gets no
        movement. Any SKU not sold by an active product, a SKU given twice, or (unless
        ``allow_negative``) units taken away below 0 refuse the whole batch with an
        :class:`InputError` (:class:`NegativeStock` for the last). ``dry_run`` reads only.
        """
        with self.read() if dry_run else self.write() as session:
            conn = session.connection()
            resolved = _resolve_counts(conn, counts, add)
            small = len(resolved) <= _FEW_SKUS
            on_hand = _sums(conn, [count.sku for count in resolved] if small else None)
            changes = work_out(resolved, on_hand, add=add)
            negative = [change for change in changes if change.goes_negative]
            if negative and not allow_negative:
                raise NegativeStock(negative)
            if not dry_run:
                reason = MovementReason.MANUAL if add else MovementReason.SET
                now = self._clock.now()
                rows = [
                    _movement_row(Movement(c.sku, c.delta, reason, note=note), c.sku, now)
                    for c in changes
                    if c.delta
                ]
                if rows:
                    conn.execute(STOCK_MOVEMENT.insert(), rows)
        return changes

    def on_hand(self, skus: Sequence[str] | None = None) -> dict[str, int]:
        """On-hand stock (the sum of movements) per SKU; every active unit when ``skus`` is None."""
        with self.read() as session:
            conn = session.connection()
            known = unit_skus(conn, True)
            if skus is None:
                totals = _sums(conn, None)
                for sku in unit_skus(conn, False).values():
                    totals.setdefault(sku, 0)
                return dict(sorted(totals.items()))
            canonical = {sku: known.get(sku_key(sku), sku) for sku in skus}
            totals = _sums(conn, list(set(canonical.values())))
            return {sku: totals.get(name, 0) for sku, name in canonical.items()}

    def movements(self, sku: str | None = None) -> list[Movement]:
        query = select(STOCK_MOVEMENT).order_by(STOCK_MOVEMENT.c.id)
        if sku is not None:
            query = query.where(STOCK_MOVEMENT.c.sku == sku)
        with self.read() as session:
            rows = session.connection().execute(query).mappings().all()
        return [Movement(**{**row, "reason": MovementReason(row["reason"])}) for row in rows]


def _check_catalog(products: Sequence[Product]) -> dict[str, tuple[Product, str]]:
    """Products by SKU with their hashes; refuses a SKU sold twice (stock would be ambiguous)."""
    owner: dict[str, str] = {}
    owners: dict[str, list[str]] = {}  # only SKUs sold more than once: not a list for each
    incoming: dict[str, tuple[Product, str]] = {}
    for product in products:
        if product.sku in incoming:
            raise InputError(
                _("product {sku} appears twice in the catalog").format(sku=product.sku)
            )
        incoming[product.sku] = (product, product.content_hash())
        for unit in product.units():
            key = sku_key(unit.sku)
            if key in owners:
                owners[key].append(product.sku)
            elif key in owner:
                owners[key] = [owner[key], product.sku]
            else:
                owner[key] = product.sku
    clashes = sorted(owners)
    if clashes:
        listed = "; ".join(f"{key} (in {', '.join(owners[key])})" for key in clashes)
        raise InputError(
            _("these SKUs are sold by more than one product: {skus}").format(skus=listed)
        )
    return incoming


def _stored(data: Any) -> Product:
    """A product as stored: validated again, but not normalised again (it already was)."""
    return Product.model_validate(data, context={"stored": True})


def _product_row(product: Product, content_hash: str, now: datetime) -> dict[str, Any]:
    return {
        "sku": product.sku,
        "data": product.model_dump(mode="json"),
        "units": [unit.sku for unit in product.units()],
        "content_hash": content_hash,
        "active": True,
        "updated_at": now,
    }


def _write_products(
    conn: Connection, products: list[tuple[Product, str]], removed: list[str], now: datetime
) -> None:
    """Upsert ``products`` (with their hashes) in batches, then mark ``removed`` inactive.

    A product's row holds all of it as JSON: made for a whole large catalog at once, the
    rows would weigh more than the catalog itself, so they are made one batch at a time.
    """
    for start in range(0, len(products), _WRITE_BATCH):
        rows = [_product_row(p, h, now) for p, h in products[start : start + _WRITE_BATCH]]
        stmt = sqlite_insert(PRODUCT)
        stmt = stmt.on_conflict_do_update(
            index_elements=[PRODUCT.c.sku],
            set_={name: stmt.excluded[name] for name in rows[0] if name != "sku"},
        )
        conn.execute(stmt, rows)
    if removed:
        conn.execute(
            PRODUCT.update()
            .where(PRODUCT.c.sku == bindparam("key"))
            .values(active=False, updated_at=now),
            [{"key": sku} for sku in removed],
        )


def unit_skus(conn: Connection, include_inactive: bool) -> dict[str, str]:
    """sku_key -> SKU as the catalog spells it, for every unit sold (by active products)."""
    query = select(PRODUCT.c.units).order_by(PRODUCT.c.active)
    if not include_inactive:
        query = query.where(PRODUCT.c.active)
    return {sku_key(sku): sku for units in conn.scalars(query) for sku in units}


def _sku_index(conn: Connection, include_inactive: bool) -> SkuIndex:
    query = select(PRODUCT.c.sku, PRODUCT.c.units)
    if not include_inactive:
        query = query.where(PRODUCT.c.active)
    return SkuIndex.of(
        (sku, units) for sku, units in conn.execute(query.order_by(PRODUCT.c.active))
    )


def _resolve_counts(conn: Connection, counts: Sequence[Count], add: bool) -> list[Count]:
    """The counts with their SKUs as the catalog spells them; InputError for a bad one."""
    index = _sku_index(conn, False)
    resolved: list[Count] = []
    problems: list[str] = []
    seen: set[str] = set()
    for count in counts:
        sku = index.find(count.sku)
        if sku is None:
            problems.append(index.problem(count.sku, suggest=len(problems) < SUGGEST_LIMIT))
        elif sku in seen:
            problems.append(_("{sku} is given twice").format(sku=sku))
        elif type(count.quantity) is not int or (count.quantity < 0 and not add):
            problems.append(_("invalid values: {values}").format(values=repr(count.quantity)))
        else:
            seen.add(sku)
            resolved.append(count if sku == count.sku else replace(count, sku=sku))
    if problems:
        raise InputError(_("stock not changed: {problems}").format(problems="; ".join(problems)))
    return resolved


def _sums(conn: Connection, skus: list[str] | None) -> dict[str, int]:
    query = select(STOCK_MOVEMENT.c.sku, func.sum(STOCK_MOVEMENT.c.delta)).group_by(
        STOCK_MOVEMENT.c.sku
    )
    if skus is not None:
        query = query.where(STOCK_MOVEMENT.c.sku.in_(skus))
    return {sku: int(total) for sku, total in conn.execute(query)}


def _movement_row(movement: Movement, sku: str, now: datetime) -> dict[str, Any]:
    return {
        "sku": sku,
        "delta": movement.delta,
        "reason": str(movement.reason),
        "reference": movement.reference,
        "created_at": movement.created_at or now,
        "note": movement.note,
    }


def _movement_problems(unknown: set[str], bad: set[str]) -> str:
    parts = []
    if unknown:
        parts.append(
            _(
                "{skus} not in the imported catalog (listsync catalog list shows its SKUs; "
                "after editing the catalog, run listsync catalog import)"
            ).format(skus=", ".join(sorted(unknown)))
        )
    if bad:
        parts.append(_("invalid values: {values}").format(values=", ".join(sorted(bad))))
    return _("stock not changed: {problems}").format(problems="; ".join(parts))
