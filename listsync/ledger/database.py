"""The ledger: one workspace's local truth, in one SQLite file.

Every connection runs WAL with ``synchronous=FULL``, a busy timeout and foreign keys;
every write transaction starts with ``BEGIN IMMEDIATE``, so a writer waits for the lock
up front instead of failing halfway (a DEFERRED read-then-write cannot wait). Nothing
here touches the network. Methods return plain values (see :mod:`listsync.ledger.records`).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType

from sqlalchemy import URL, Connection, Engine, create_engine, event, select
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from listsync.clock import Clock, SystemClock
from listsync.i18n import _
from listsync.ledger.backups import default_dir
from listsync.ledger.catalog_store import CatalogStore
from listsync.ledger.migrations import MIGRATIONS, damaged, migrate
from listsync.ledger.records import (
    ApiCall,
    CallRecord,
    ChannelRun,
    ImportSummary,
    ListingRecord,
    Movement,
    MovementReason,
    OfferRecord,
    OrderCounts,
    RunRecord,
    StoredOrder,
    order_reference,
)
from listsync.ledger.records_store import RecordStore
from listsync.ledger.schema import (
    SCHEMA_MIGRATION,
    LedgerBusy,
    LedgerDamaged,
    LedgerError,
    LedgerNotPrivate,
    LedgerTooNew,
)
from listsync.ledger.stock_store import StockStore
from listsync.ledger.tokens import LedgerTokenStore

__all__ = [
    "MIGRATIONS",
    "ApiCall",
    "CallRecord",
    "ChannelRun",
    "ImportSummary",
    "Ledger",
    "LedgerBusy",
    "LedgerDamaged",
    "LedgerError",
    "LedgerTokenStore",
    "LedgerTooNew",
    "ListingRecord",
    "Movement",
    "MovementReason",
    "OfferRecord",
    "OrderCounts",
    "RunRecord",
    "StoredOrder",
    "order_reference",
]

DEFAULT_BUSY_TIMEOUT_MS = 5000
log = logging.getLogger("listsync.ledger")
_WRITE = "listsync_write"
# SQLite's primary result codes: https://sqlite.org/rescode.html
_BUSY, _LOCKED, _READONLY, _CORRUPT, _FULL, _NOTADB = 5, 6, 8, 11, 13, 26
_CANNOT_ACCESS = frozenset({3, 7, 10, 14, 15, 22})  # PERM NOMEM IOERR CANTOPEN PROTOCOL NOLFS


def _connect_engine(path: Path, busy_timeout_ms: int) -> Engine:
    """An engine whose every connection is durable, waits for locks, and BEGINs as told."""
    engine = create_engine(
        URL.create("sqlite+pysqlite", database=str(path)),
        connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # the begin hook below emits BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _create_private(path: Path) -> None:
    """Create the file readable by its owner only: it holds shop tokens.

    SQLite gives the ``-wal`` and ``-shm`` files the same permissions as the file.
    """
    if path.is_dir():
        raise LedgerError(_("the ledger path {path} is a folder, not a file").format(path=path))
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError as error:
        raise LedgerError(
            _("cannot create the ledger {path}: {why}").format(path=path, why=error.strerror)
        ) from None


def _refuse_open(path: Path) -> None:
    """Refuse a ledger that other users of this computer can read, as a .env is refused.

    It holds the shops' orders and their (sealed) tokens; listsync makes it private, so a
    file readable by others was copied or changed by hand, and a person should know.
    """
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise LedgerNotPrivate(
            _(
                "the ledger {path} can be read by other users of this computer; "
                "fix it with: chmod 600 {path}"
            ).format(path=path)
        )


class Ledger(CatalogStore, StockStore, RecordStore):
    """Open with :meth:`open`; close with :meth:`close` or a ``with`` block."""

    def __init__(
        self, path: Path, engine: Engine, clock: Clock, busy_timeout_ms: int, backup_dir: Path
    ):
        self.path = path
        self.backup_dir = backup_dir
        self.busy_timeout_ms = busy_timeout_ms
        self._engine = engine
        self._write_engine = engine.execution_options(**{_WRITE: True})
        self._clock = clock

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
        clock: Clock | None = None,
        backup_dir: Path | None = None,
    ) -> Ledger:
        """Open (creating it 0600 if missing) and upgrade the ledger at ``path``.

        ``backup_dir`` (default: ``backups`` beside the file) is where :meth:`backup`
        writes and where error messages send a person whose file is damaged.
        """
        path = Path(path).expanduser().absolute()
        backup_dir = backup_dir or default_dir(path)
        existed = path.is_file()
        if existed and path.stat().st_size == 0 and not _has_wal(path):
            # listsync never leaves an empty ledger: this one was cut short, not made new
            raise damaged(path, backup_dir, _("the file is empty"))
        _create_private(path)
        _refuse_open(path)
        engine = _connect_engine(path, busy_timeout_ms)
        ledger = cls(path, engine, clock or SystemClock(), busy_timeout_ms, backup_dir)
        try:
            with ledger._guard():
                if existed:
                    ledger._quick_check()
                migrate(
                    engine,
                    ledger._write_engine,
                    ledger._clock.now(),
                    path=path,
                    backup_dir=ledger.backup_dir,
                )
        except BaseException:
            ledger.close()
            raise
        return ledger

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Ledger({str(self.path)!r})"

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: BEGIN IMMEDIATE now, COMMIT on success, ROLLBACK on error."""
        with (
            self._guard(),
            Session(self._write_engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            session.connection()
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read transaction: one consistent snapshot, never blocked by a writer (WAL)."""
        with self._guard(), Session(self._engine) as session, session.begin():
            yield session

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn SQLite failures a person can act on into :class:`LedgerError`s."""
        try:
            yield
        except (DBAPIError, sqlite3.Error) as error:
            translated = self._translate(error)
            if translated is None:
                raise
            raise translated from error

    def _translate(self, error: DBAPIError | sqlite3.Error) -> LedgerError | None:
        cause = error.orig if isinstance(error, DBAPIError) else error
        if not isinstance(cause, sqlite3.Error):
            return None
        code = (getattr(cause, "sqlite_errorcode", None) or 0) & 0xFF
        detail = str(cause)
        where = _("the ledger {path}").format(path=self.path)
        if code in (_BUSY, _LOCKED) or "database is locked" in detail:
            waited = self.busy_timeout_ms / 1000
            return LedgerBusy(
                _(
                    "{where} is busy: another program holds it (waited {seconds:g} s); close"
                    " other programs using it (a database browser, another listsync run) and"
                    " try again"
                ).format(where=where, seconds=waited)
            )
        if code in (_CORRUPT, _NOTADB):
            return damaged(self.path, self.backup_dir, detail)
        if code == _FULL:
            return LedgerError(
                _("the disk holding {where} is full; nothing was written").format(where=where)
            )
        if code == _READONLY:
            return LedgerError(
                _("cannot write to {where}: the file or its folder is read-only").format(
                    where=where
                )
            )
        if code in _CANNOT_ACCESS:
            return LedgerError(_("cannot use {where}: {detail}").format(where=where, detail=detail))
        return None

    # -- maintenance ----------------------------------------------------------------------

    def backup(self, dest: Path | None = None) -> Path:
        """Copy the ledger with ``VACUUM INTO`` (safe while others write); returns the copy.

        The copy is written beside ``dest`` under a temporary name, synced, checked with
        ``integrity_check``, and only then renamed, so ``dest`` is never half a ledger.
        """
        if dest is None:
            dest = self.backup_dir / f"{self.path.stem}-{self._clock.now():%Y%m%dT%H%M%SZ}.db"
        dest = dest.expanduser().absolute()
        temporary = dest.with_name(f".{dest.name}.partial")
        try:
            dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            temporary.unlink(missing_ok=True)
            os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            with self._guard():
                raw = self._engine.raw_connection()
                try:
                    raw.cursor().execute("VACUUM INTO ?", (str(temporary),))
                finally:
                    raw.close()
            _fsync(temporary)
            if not _file_is_sound(temporary):
                raise LedgerError(
                    _("the backup copy {copy} failed its integrity check").format(copy=temporary)
                )
            os.replace(temporary, dest)
            _fsync_folder(dest.parent)
        except OSError as error:
            raise LedgerError(
                _("cannot write the backup {dest}: {why}").format(dest=dest, why=error.strerror)
            ) from None
        finally:
            temporary.unlink(missing_ok=True)
        return dest

    def schema_history(self) -> list[tuple[str, datetime]]:
        """The migrations applied to this file and when, oldest first."""
        query = select(SCHEMA_MIGRATION).order_by(SCHEMA_MIGRATION.c.name)
        with self.read() as session:
            return [(row.name, row.applied_at) for row in session.connection().execute(query)]

    def _quick_check(self) -> None:
        """SQLite's quick check of every page, run when an existing file is opened.

        A damaged page would otherwise go unnoticed until a query reads it, and writes
        would go on into a broken file; refusing at once keeps the damage where it is.
        """
        with self._engine.connect() as conn:
            verdict = list(conn.exec_driver_sql("PRAGMA quick_check").scalars())
        if verdict != ["ok"]:
            log.error("PRAGMA quick_check of %s: %s", self.path, "; ".join(map(str, verdict[:20])))
            raise damaged(self.path, self.backup_dir, _("SQLite's check found damaged pages"))

    def verify(self) -> None:
        """Raise :class:`LedgerDamaged` unless SQLite's full integrity check passes."""
        if not self.integrity_check():
            raise damaged(self.path, self.backup_dir, _("it fails SQLite's integrity check"))

    def integrity_check(self) -> bool:
        """SQLite's full check of the file, plus foreign keys: True when all is sound."""
        with self.read() as session:
            conn = session.connection()
            verdict = list(conn.exec_driver_sql("PRAGMA integrity_check").scalars())
            orphans = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
        return verdict == ["ok"] and orphans is None


def _has_wal(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    return wal.is_file() and wal.stat().st_size > 0


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _file_is_sound(path: Path) -> bool:
    copy = sqlite3.connect(path)
    try:
        return copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    except sqlite3.Error:
        return False
    finally:
        copy.close()
