"""The one base the ledger's stores share: a clock and transactions, nothing else.

Each store (catalog, stock, records) is a class on this base;
:class:`~listsync.ledger.database.Ledger` is built from them and gives the transactions.
A store never imports the Ledger, so the parts stand in a line: base, stores, Ledger.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from listsync.clock import Clock


class LedgerBase(ABC):
    """What the stores of :class:`~listsync.ledger.database.Ledger` need: a clock, transactions."""

    _clock: Clock

    @abstractmethod
    def read(self) -> AbstractContextManager[Session]:
        """A read transaction (one consistent snapshot)."""

    @abstractmethod
    def write(self) -> AbstractContextManager[Session]:
        """A write transaction, begun IMMEDIATE."""

    def now(self) -> datetime:
        """The ledger's clock: what every row written now is stamped with."""
        return self._clock.now()


def upsert(
    conn: Connection, table: Table, keys: Sequence[str], rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert ``rows`` (all with the same keys), replacing non-key columns on a clash."""
    stmt = sqlite_insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c[key] for key in keys],
        set_={name: stmt.excluded[name] for name in rows[0] if name not in keys},
    )
    conn.execute(stmt, list(rows))
