"""Helpers for the ledger tests: small products and orders, and a ledger in a temp folder."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from listsync.catalog.model import Product
from listsync.channel.contract import Money, Order, OrderLine, OrderState
from listsync.clock import FakeClock
from listsync.ledger.database import Ledger
from listsync.ledger.tokens import new_key

DATA = Path(__file__).parent / "data"
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
KEY = SecretStr(new_key())  # what LISTSYNC_LEDGER_KEY holds


def make_product(sku: str, *variants: str, price: int = 120_000, **fields: Any) -> Product:
    data: dict[str, Any] = {
        "sku": sku,
        "name": {"vi": f"Sản phẩm {sku}"},
        "category": "tea",
        "weight_g": 150,
        "price_vnd": price,
        **fields,
    }
    if variants:
        data["variants"] = [{"sku": v, "options": {"Size": v}} for v in variants]
    return Product.model_validate(data)


def make_order(
    order_id: str,
    state: OrderState = OrderState.PAID,
    *,
    hours: float = 0,
    lines: tuple[tuple[str, int], ...] = (("TEA-1", 1),),
    price: int = 120_000,
    status: str | None = None,
) -> Order:
    at = T0 + timedelta(hours=hours)
    order_lines = tuple(
        OrderLine(sku, quantity, Money.vnd(price), str(number))
        for number, (sku, quantity) in enumerate(lines, start=1)
    )
    total = Money.vnd(sum(quantity * price for _, quantity in lines))
    return Order(order_id, state, status or state.value.upper(), T0, at, total, order_lines)


def open_ledger(folder: Path, **options: Any) -> Ledger:
    options.setdefault("clock", FakeClock(T0))
    return Ledger.open(folder / "ledger.db", **options)


def load_fixture(path: Path, name: str = "ledger_v1.sql") -> Path:
    """A ledger file built from an SQL dump in tests/data."""
    conn = sqlite3.connect(path)
    try:
        conn.executescript((DATA / name).read_text(encoding="utf-8"))
    finally:
        conn.close()
    path.chmod(0o600)  # as listsync keeps a ledger: a file others can read is refused
    return path


def schema(path: Path) -> dict[str, Any]:
    """Everything SQLite knows of a file's shape: sqlite_master, and each table's columns."""
    conn = sqlite3.connect(path)
    try:
        master = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master "
            "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
        ).fetchall()
        tables = [name for kind, name, _, _ in master if kind == "table"]
        columns = {t: conn.execute(f'PRAGMA table_info("{t}")').fetchall() for t in tables}
        indexes = {t: conn.execute(f'PRAGMA index_list("{t}")').fetchall() for t in tables}
        keys = {t: conn.execute(f'PRAGMA foreign_key_list("{t}")').fetchall() for t in tables}
    finally:
        conn.close()
    return {"master": master, "columns": columns, "indexes": indexes, "foreign_keys": keys}
