"""Ledger order import speed: 50,000 orders of 2 lines each, upserted in one transaction.

Run: ``.venv/bin/python bench/ledger_bench.py [--orders N]``.

Prints, for a first import, a full replay (all unchanged) and a full status change,
orders/s and rows/s (an order row plus its 2 line rows), on the wall clock and on this
process's CPU time (the fair figure on a shared machine). The last line is the floor:
the same rows inserted with bare ``sqlite3`` executemany, no ledger logic at all.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from listsync.channel.contract import Money, Order, OrderLine, OrderState
from listsync.ledger.database import Ledger

LINES_PER_ORDER = 2


def make_orders(count: int) -> list[Order]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    orders = []
    for number in range(count):
        at = start + timedelta(seconds=number)
        lines = (
            OrderLine(f"TEA-{number % 50}", 1 + number % 3, Money.vnd(120_000), "1"),
            OrderLine(f"MAT-{number % 20}", 1, Money.vnd(85_000), "2"),
        )
        total = Money.vnd(sum(line.quantity * line.unit_price.minor for line in lines))
        orders.append(
            Order(f"ORD{number:08d}", OrderState.PAID, "READY_TO_SHIP", at, at, total, lines)
        )
    return orders


def timed(label: str, count: int, action: Callable[[], object]) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rows = count * (1 + LINES_PER_ORDER)
    print(
        f"{label:<20} {count} orders: wall {wall:5.2f} s = {count / wall:>7,.0f} orders/s "
        f"({rows / wall:>7,.0f} rows/s); cpu {cpu:5.2f} s = {count / cpu:>7,.0f} orders/s "
        f"({rows / cpu:>7,.0f} rows/s)  {result or ''}"
    )


def sqlite_floor(path: Path, count: int) -> None:
    """The same rows through bare sqlite3, in a fresh ledger file with the same schema."""
    Ledger.open(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = FULL")
    at = "2026-01-01T00:00:00.000000Z"
    orders = [
        ("s", "S", f"O{n:08d}", "paid", "READY", at, at, 325_000, "VND", "0" * 32, at)
        for n in range(count)
    ]
    lines = [
        (n + 1, k, str(k), f"TEA-{n % 50}", 1, 120_000, "VND") for n in range(count) for k in (1, 2)
    ]

    def insert() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            'INSERT INTO "order" (channel, shop_id, order_id, state, status, created_at, '
            "updated_at, total_minor, currency, fingerprint, fetched_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            orders,
        )
        conn.executemany("INSERT INTO order_line VALUES (?, ?, ?, ?, ?, ?, ?)", lines)
        conn.execute("COMMIT")

    timed("floor (bare sqlite3)", count, insert)
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=50_000)
    count = parser.parse_args().orders
    orders = make_orders(count)
    later = timedelta(days=1)
    shipped = [
        replace(o, state=OrderState.SHIPPED, status="SHIPPED", updated_at=o.updated_at + later)
        for o in orders
    ]
    with tempfile.TemporaryDirectory() as folder:
        with Ledger.open(Path(folder) / "bench.db") as ledger:
            timed("first import", count, lambda: ledger.upsert_orders("s", "S", orders, ("o", "1")))
            timed("replay (unchanged)", count, lambda: ledger.upsert_orders("s", "S", orders))
            timed("status change", count, lambda: ledger.upsert_orders("s", "S", shipped))
            assert ledger.order_count() == count
        sqlite_floor(Path(folder) / "floor.db", count)


if __name__ == "__main__":
    main()
