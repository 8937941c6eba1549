"""Schema migrations: an ordered list, each recorded in ``schema_migration`` once applied.

A migration is frozen once released: never edit one, add the next. Each is plain SQL
(SQLite DDL is transactional), optionally followed by a Python step for data. All
missing migrations run in one ``BEGIN IMMEDIATE`` transaction, so a ledger is never
left half-upgraded and two programs opening an old file cannot both upgrade it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine

from listsync.i18n import _
from listsync.ledger.schema import LedgerDamaged, LedgerTooNew, to_text

MIGRATION_TABLE = "schema_migration"


@dataclass(frozen=True)
class Migration:
    name: str
    steps: tuple[str, ...]
    run: Callable[[Connection], None] | None = None


_INITIAL = (
    """CREATE TABLE schema_migration (
    name TEXT NOT NULL PRIMARY KEY,
    applied_at TEXT NOT NULL
)""",
    """CREATE TABLE product (
    sku TEXT NOT NULL PRIMARY KEY,
    data TEXT NOT NULL,
    units TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    updated_at TEXT NOT NULL
)""",
    """CREATE TABLE listing (
    id INTEGER NOT NULL PRIMARY KEY,
    sku TEXT NOT NULL REFERENCES product (sku),
    channel TEXT NOT NULL,
    shop_id TEXT NOT NULL,
    remote_id TEXT,
    units TEXT NOT NULL,
    state TEXT NOT NULL,
    pushed_hash TEXT,
    last_error TEXT,
    reasons TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (sku, channel, shop_id)
)""",
    """CREATE TABLE offer (
    id INTEGER NOT NULL PRIMARY KEY,
    sku TEXT NOT NULL,
    channel TEXT NOT NULL,
    shop_id TEXT NOT NULL,
    stock INTEGER,
    price_minor INTEGER,
    currency TEXT,
    tiers TEXT NOT NULL,
    explain TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_error TEXT,
    UNIQUE (sku, channel, shop_id)
)""",
    """CREATE TABLE "order" (
    id INTEGER NOT NULL PRIMARY KEY,
    channel TEXT NOT NULL,
    shop_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    state TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    total_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    UNIQUE (channel, shop_id, order_id)
)""",
    'CREATE INDEX ix_order_created_at ON "order" (created_at)',
    """CREATE TABLE order_line (
    order_pk INTEGER NOT NULL REFERENCES "order" (id) ON DELETE CASCADE,
    line_no INTEGER NOT NULL,
    line_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    unit_price_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    PRIMARY KEY (order_pk, line_no)
) WITHOUT ROWID""",
    "CREATE INDEX ix_order_line_sku ON order_line (sku)",
    """CREATE TABLE stock_movement (
    id INTEGER NOT NULL PRIMARY KEY,
    sku TEXT NOT NULL,
    delta INTEGER NOT NULL,
    reason TEXT NOT NULL,
    reference TEXT NOT NULL,
    created_at TEXT NOT NULL,
    note TEXT NOT NULL
)""",
    "CREATE INDEX ix_stock_movement_sku ON stock_movement (sku)",
    "CREATE UNIQUE INDEX ux_stock_movement_reference ON stock_movement (sku, reason, reference)"
    " WHERE reference <> ''",
    "CREATE TRIGGER stock_movement_no_update BEFORE UPDATE ON stock_movement"
    " BEGIN SELECT RAISE(ABORT, 'stock movements are append-only'); END",
    "CREATE TRIGGER stock_movement_no_delete BEFORE DELETE ON stock_movement"
    " BEGIN SELECT RAISE(ABORT, 'stock movements are append-only'); END",
    """CREATE TABLE checkpoint (
    channel TEXT NOT NULL,
    shop_id TEXT NOT NULL,
    stream TEXT NOT NULL,
    cursor TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (channel, shop_id, stream)
)""",
    """CREATE TABLE token (
    channel TEXT NOT NULL,
    shop_id TEXT NOT NULL,
    access_token TEXT NOT NULL,
    refresh_token TEXT,
    expires_at TEXT NOT NULL,
    refresh_expires_at TEXT,
    extra TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (channel, shop_id)
)""",
    """CREATE TABLE sync_run (
    id INTEGER NOT NULL PRIMARY KEY,
    command TEXT NOT NULL,
    pid INTEGER NOT NULL,
    status TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT
)""",
    """CREATE TABLE sync_run_channel (
    run_id INTEGER NOT NULL REFERENCES sync_run (id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    counts TEXT NOT NULL,
    error TEXT,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (run_id, channel)
)""",
)

_API_CALL = (
    """CREATE TABLE api_call (
    id INTEGER NOT NULL PRIMARY KEY,
    run_id INTEGER REFERENCES sync_run (id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status INTEGER,
    elapsed_ms INTEGER NOT NULL,
    attempt INTEGER NOT NULL CONSTRAINT ck_api_call_attempt CHECK (attempt >= 1),
    error TEXT,
    at TEXT NOT NULL
)""",
    "CREATE INDEX ix_api_call_run_id ON api_call (run_id)",
)

_LISTING_CHECKED_AT = (
    "ALTER TABLE listing ADD COLUMN checked_at TEXT",
    "UPDATE listing SET checked_at = updated_at WHERE state = 'in_review'",
)

# Whose fault a listing's failure was (listsync.channel.faults.Fault); none when it stands
# well, or failed before this column existed (a row rejected then is read as the
# marketplace's refusal).
_LISTING_FAULT = ("ALTER TABLE listing ADD COLUMN fault TEXT",)

MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_initial", _INITIAL),
    Migration("0002_api_call", _API_CALL),
    Migration("0003_listing_checked_at", _LISTING_CHECKED_AT),
    Migration("0004_listing_fault", _LISTING_FAULT),
)


def damaged(path: Path, backup_dir: Path, detail: str) -> LedgerDamaged:
    return LedgerDamaged(
        _(
            "the ledger file {path} is not a listsync ledger or is damaged ({detail});"
            " {restore}, or move the file away to start a new ledger"
        ).format(path=path, detail=detail, restore=backup_hint(backup_dir))
    )


def too_new(path: Path, unknown: Sequence[str]) -> LedgerTooNew:
    return LedgerTooNew(
        _(
            "the ledger file {path} was upgraded by a newer listsync (it has {names}, which"
            " this version does not know); upgrade listsync (pip install --upgrade listsync)"
            " to use it"
        ).format(path=path, names=", ".join(unknown))
    )


def applied_migrations(conn: Connection) -> list[str] | None:
    """Names recorded in the file; ``None`` for an empty file, which is a fresh ledger.

    Raises ``LookupError`` for a SQLite file that holds other tables than a ledger's.
    """
    tables = set(
        conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'").scalars()
    )
    if not tables:
        return None
    if MIGRATION_TABLE not in tables:
        raise LookupError(_("it holds tables, but not listsync's"))
    return list(conn.exec_driver_sql(f"SELECT name FROM {MIGRATION_TABLE}").scalars())


def unknown_migrations(applied: Sequence[str] | None, known: Sequence[Migration]) -> list[str]:
    names = {migration.name for migration in known}
    return sorted(set(applied or ()) - names)


def _pending(
    conn: Connection, known: Sequence[Migration], path: Path, backup_dir: Path
) -> list[Migration]:
    try:
        applied = applied_migrations(conn)
    except LookupError as error:
        raise damaged(path, backup_dir, str(error)) from None
    unknown = unknown_migrations(applied, known)
    if unknown:
        raise too_new(path, unknown)
    done = set(applied or ())
    return [migration for migration in known if migration.name not in done]


def migrate(
    read_engine: Engine,
    write_engine: Engine,
    now: datetime,
    *,
    path: Path,
    backup_dir: Path,
    known: Sequence[Migration] = MIGRATIONS,
) -> list[str]:
    """Bring the file up to date; returns the names applied now (usually none).

    ``write_engine`` must begin its transactions with BEGIN IMMEDIATE: the check is
    repeated under that lock, so a concurrent upgrader is waited for, not raced.
    """
    with read_engine.connect() as conn, conn.begin():
        if not _pending(conn, known, path, backup_dir):
            return []
    with write_engine.connect() as conn, conn.begin():
        todo = _pending(conn, known, path, backup_dir)
        for migration in todo:
            for step in migration.steps:
                conn.exec_driver_sql(step)
            if migration.run is not None:
                migration.run(conn)
            conn.exec_driver_sql(
                f"INSERT INTO {MIGRATION_TABLE} (name, applied_at) VALUES (?, ?)",
                (migration.name, to_text(now)),
            )
    return [migration.name for migration in todo]


def backup_hint(backup_dir: Path) -> str:
    """Where a person finds the newest backup, for messages about a damaged file."""
    try:
        copies = sorted(backup_dir.glob("*.db"), key=lambda p: p.stat().st_mtime)
    except OSError:
        copies = []
    if copies:
        return _("restore the latest backup ({file})").format(file=copies[-1])
    return _("restore the latest backup (listsync keeps them in {folder})").format(
        folder=backup_dir
    )
