"""Stock that orders hold or took: reservations (derived) and settled sales (movements).

:class:`StockStore` is a part of :class:`listsync.ledger.database.Ledger`. A reservation is not
stored: it is what the open orders in the ledger hold right now, so a cancellation gives
it back by itself. A shipped order becomes one sale movement per SKU, and a return (when
configured) one return movement, each recorded once whatever is replayed or re-run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, literal, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from listsync.catalog.model import sku_key
from listsync.ledger.base import LedgerBase
from listsync.ledger.catalog_store import unit_skus
from listsync.ledger.records import MovementReason
from listsync.ledger.schema import ORDER, ORDER_LINE, STOCK_MOVEMENT

_REFERENCE = ORDER.c.channel + literal(":") + ORDER.c.shop_id + literal(":") + ORDER.c.order_id


@dataclass(frozen=True)
class SettleCounts:
    sales: int = 0
    returns: int = 0
    unknown_skus: tuple[str, ...] = ()


class StockStore(LedgerBase):
    def reserved(self, states: Iterable[str], channel: str | None = None) -> dict[str, int]:
        """Units held by orders in ``states`` (on one channel, or all), per catalog SKU."""
        query = (
            select(ORDER_LINE.c.sku, func.sum(ORDER_LINE.c.quantity))
            .join(ORDER, ORDER.c.id == ORDER_LINE.c.order_pk)
            .where(ORDER.c.state.in_([str(s) for s in states]))
            .group_by(ORDER_LINE.c.sku)
        )
        if channel is not None:
            query = query.where(ORDER.c.channel == channel)
        with self.read() as session:
            conn = session.connection()
            known = unit_skus(conn, True)
            held: dict[str, int] = {}
            for sku, quantity in conn.execute(query):
                catalog_sku = known.get(sku_key(sku))
                if catalog_sku is not None:
                    held[catalog_sku] = held.get(catalog_sku, 0) + int(quantity)
        return held

    def settle(
        self, sold_states: Iterable[str], return_states: Iterable[str], *, restock_returns: bool
    ) -> SettleCounts:
        """Record each not-yet-settled sale (and return) as movements, in one transaction."""
        now = self._clock.now()
        with self.write() as session:
            conn = session.connection()
            known = unit_skus(conn, True)
            sales, unknown = _settle(conn, known, sold_states, MovementReason.ORDER_SALE, -1, now)
            returns = 0
            if restock_returns:
                returns, more = _settle(
                    conn,
                    known,
                    return_states,
                    MovementReason.ORDER_RETURN,
                    1,
                    now,
                    after=MovementReason.ORDER_SALE,
                )
                unknown |= more
        return SettleCounts(sales, returns, tuple(sorted(unknown)))


def _settle(
    conn: Connection,
    known: dict[str, str],
    states: Iterable[str],
    reason: str,
    sign: int,
    now: datetime,
    after: str | None = None,
) -> tuple[int, set[str]]:
    """Movements for orders in ``states`` not yet settled for ``reason`` (and, with
    ``after``, only for orders already settled for that reason: a return needs a sale)."""
    done = select(STOCK_MOVEMENT.c.reference).where(STOCK_MOVEMENT.c.reason == reason)
    pending = (
        select(_REFERENCE.label("reference"), ORDER_LINE.c.sku, func.sum(ORDER_LINE.c.quantity))
        .join(ORDER, ORDER.c.id == ORDER_LINE.c.order_pk)
        .where(ORDER.c.state.in_([str(s) for s in states]), _REFERENCE.not_in(done))
        .group_by(ORDER.c.id, ORDER_LINE.c.sku)
    )
    if after is not None:
        earlier = select(STOCK_MOVEMENT.c.reference).where(STOCK_MOVEMENT.c.reason == after)
        pending = pending.where(_REFERENCE.in_(earlier))
    rows, unknown = [], set()
    for reference, sku, quantity in conn.execute(pending):
        catalog_sku = known.get(sku_key(sku))
        if catalog_sku is None:
            unknown.add(sku)
            continue
        rows.append(
            {
                "sku": catalog_sku,
                "delta": sign * int(quantity),
                "reason": reason,
                "reference": reference,
                "note": "",
                "created_at": now,
            }
        )
    if not rows:
        return 0, unknown
    inserted = conn.execute(sqlite_insert(STOCK_MOVEMENT).on_conflict_do_nothing(), rows)
    return int(inserted.rowcount), unknown
