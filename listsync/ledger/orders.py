"""Orders in the ledger: the bulk upsert the pull step relies on, and reading them back.

The upsert is the hot path of a sync (a first pull can bring tens of thousands of
orders), so it speaks SQLAlchemy Core with executemany, never one ORM object at a time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Insert,
    Table,
    bindparam,
    delete,
    select,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql import ClauseElement

from listsync.channel.contract import Money, Order, OrderLine, OrderState
from listsync.clock import utc
from listsync.ledger.records import OrderCounts, StoredOrder
from listsync.ledger.schema import ORDER, ORDER_LINE, dumps, to_text

_EXISTING = (
    'SELECT order_id, id, fingerprint, updated_at FROM "order" '
    "WHERE channel = ? AND shop_id = ? AND order_id IN (SELECT value FROM json_each(?))"
)


_NAMED = sqlite.dialect(paramstyle="named")


def _driver_sql(stmt: ClauseElement) -> str:
    """Compile a Core statement once, for the driver's own executemany of dicts.

    On the hot path SQLAlchemy's per-row parameter processing costs more than SQLite's
    insert itself; the rows given are already plain SQLite values (times as ``to_text``
    text, money in minor units), so there is nothing left for it to convert.
    """
    return str(stmt.compile(dialect=_NAMED))


def _all_but_id(table: Table) -> dict[str, BindParameter[Any]]:
    return {column.name: bindparam(column.name) for column in table.columns if column.name != "id"}


def _order_upsert() -> Insert:
    stmt = sqlite_insert(ORDER).values(_all_but_id(ORDER))
    keys = ("channel", "shop_id", "order_id")
    return stmt.on_conflict_do_update(
        index_elements=[ORDER.c[key] for key in keys],
        set_={name: stmt.excluded[name] for name in _all_but_id(ORDER) if name not in keys},
    )


_ORDER_UPSERT = _driver_sql(_order_upsert())
_LINE_INSERT = _driver_sql(ORDER_LINE.insert().values(_all_but_id(ORDER_LINE)))
_LINES_DELETE = _driver_sql(delete(ORDER_LINE).where(ORDER_LINE.c.order_pk == bindparam("pk")))

_Line = tuple[str, str, int, int, str]
_HALF = 16


def _minor(money: Money) -> int:
    return int(money.amount) if money.currency == "VND" else money.minor


def fingerprint(order: Order) -> str:
    """Everything stored about an order, hashed: equal means a replay, to be skipped.

    Two halves: the order's own fields, then its lines, so that a status change (the
    usual update) can leave the lines alone.
    """
    return _prepare(order)[0]["fingerprint"]


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _prepare(order: Order) -> tuple[dict[str, Any], list[_Line]]:
    """The order's row (times as text, money in minor units, with its fingerprint) and lines."""
    state = OrderState(order.state).value
    created, updated = to_text(order.created_at), to_text(order.updated_at)
    total, currency = _minor(order.total), order.total.currency
    lines = [
        (line.line_id, line.sku, line.quantity, _minor(line.unit_price), line.unit_price.currency)
        for line in order.lines
    ]
    head = f"{state}\x1f{order.status}\x1f{created}\x1f{updated}\x1f{total}\x1f{currency}"
    body = "\x1e".join(f"{a}\x1f{b}\x1f{c}\x1f{d}\x1f{e}" for a, b, c, d, e in lines)
    row = {
        "order_id": order.order_id,
        "state": state,
        "status": order.status,
        "created_at": created,
        "updated_at": updated,
        "total_minor": total,
        "currency": currency,
        "fingerprint": _digest(head) + _digest(body),
    }
    return row, lines


def _latest(orders: Sequence[Order]) -> dict[str, Order]:
    """One version per order id: the most recently updated (the last one on a tie)."""
    latest: dict[str, Order] = {}
    for order in orders:
        seen = latest.get(order.order_id)
        if seen is None or utc(order.updated_at) >= utc(seen.updated_at):
            latest[order.order_id] = order
    return latest


def _existing(
    conn: Connection, channel: str, shop_id: str, order_ids: list[str]
) -> dict[str, tuple[int, str, str]]:
    """order id -> (row id, fingerprint, updated_at text), in one query whatever the count."""
    rows = conn.exec_driver_sql(_EXISTING, (channel, shop_id, dumps(order_ids))).all()
    return {order_id: (pk, print_, updated) for order_id, pk, print_, updated in rows}


def upsert_orders(
    conn: Connection, channel: str, shop_id: str, orders: Sequence[Order], now: datetime
) -> OrderCounts:
    """Insert new orders, rewrite changed ones with their lines, skip replays.

    A version older than the stored one (by ``updated_at``) is a late page of an
    overlap window, not news: it counts as unchanged and never rolls an order back.
    Must run inside the caller's write transaction.
    """
    latest = _latest(orders)
    existing = _existing(conn, channel, shop_id, list(latest))
    fetched_at = to_text(now)
    rows: list[dict[str, Any]] = []
    lines_of: dict[str, list[_Line]] = {}
    relined: list[int] = []
    new_ids: list[str] = []
    updated_ids: list[str] = []
    unchanged = 0
    for order_id, order in latest.items():
        row, lines = _prepare(order)
        known = existing.get(order_id)
        if known is not None and (known[1] == row["fingerprint"] or row["updated_at"] < known[2]):
            unchanged += 1
            continue
        if known is None:
            new_ids.append(order_id)
            lines_of[order_id] = lines
        else:
            updated_ids.append(order_id)
            if known[1][_HALF:] != row["fingerprint"][_HALF:]:
                relined.append(known[0])
                lines_of[order_id] = lines
        row.update(channel=channel, shop_id=shop_id, fetched_at=fetched_at)
        rows.append(row)
    if not rows:
        return OrderCounts(unchanged=unchanged)

    conn.exec_driver_sql(_ORDER_UPSERT, rows)
    if relined:
        conn.exec_driver_sql(_LINES_DELETE, [{"pk": pk} for pk in relined])
    pks = {order_id: known[0] for order_id, known in existing.items()}
    if new_ids:
        pks.update(
            (oid, known[0]) for oid, known in _existing(conn, channel, shop_id, new_ids).items()
        )
    line_rows = [
        {
            "order_pk": pks[order_id],
            "line_no": number,
            "line_id": line_id,
            "sku": sku,
            "quantity": quantity,
            "unit_price_minor": price,
            "currency": currency,
        }
        for order_id, lines in lines_of.items()
        for number, (line_id, sku, quantity, price, currency) in enumerate(lines, start=1)
    ]
    if line_rows:
        conn.exec_driver_sql(_LINE_INSERT, line_rows)
    return OrderCounts(len(new_ids), len(updated_ids), unchanged, (*new_ids, *updated_ids))


def load_orders(conn: Connection, *criteria: ColumnElement[bool]) -> list[StoredOrder]:
    """Orders matching ``criteria`` (on the order table), oldest first, with their lines."""
    query = (
        select(ORDER, ORDER_LINE)
        .outerjoin(ORDER_LINE, ORDER_LINE.c.order_pk == ORDER.c.id)
        .where(*criteria)
        .order_by(ORDER.c.created_at, ORDER.c.id, ORDER_LINE.c.line_no)
    )
    found: dict[int, tuple[Any, list[OrderLine]]] = {}
    for row in conn.execute(query).mappings():
        pk = row[ORDER.c.id]
        _, lines = found.setdefault(pk, (row, []))
        if row[ORDER_LINE.c.line_no] is not None:
            lines.append(
                OrderLine(
                    sku=row[ORDER_LINE.c.sku],
                    quantity=row[ORDER_LINE.c.quantity],
                    unit_price=Money.from_minor(
                        row[ORDER_LINE.c.unit_price_minor], row[ORDER_LINE.c.currency]
                    ),
                    line_id=row[ORDER_LINE.c.line_id],
                )
            )
    return [_stored(head, lines) for head, lines in found.values()]


def _stored(row: Any, lines: list[OrderLine]) -> StoredOrder:
    order = Order(
        order_id=row[ORDER.c.order_id],
        state=OrderState(row[ORDER.c.state]),
        status=row[ORDER.c.status],
        created_at=row[ORDER.c.created_at],
        updated_at=row[ORDER.c.updated_at],
        total=Money.from_minor(row[ORDER.c.total_minor], row[ORDER.c.currency]),
        lines=tuple(lines),
    )
    return StoredOrder(row[ORDER.c.channel], row[ORDER.c.shop_id], order, row[ORDER.c.fetched_at])
