"""The ledger's latest schema as sqlmodel tables, its column types, and its file errors.

These classes describe what the migrations in :mod:`listsync.ledger.migrations` build;
a test checks the two agree. The database itself is only ever created by migrations,
never by ``metadata.create_all``, so that an old file and a new one end up identical.
"""

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    DDL,
    CheckConstraint,
    Dialect,
    Index,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    text,
)
from sqlmodel import Field, SQLModel

from listsync.clock import utc
from listsync.errors import EXIT_BAD_INPUT, ListsyncError, LockedError


class LedgerError(ListsyncError):
    """The ledger file cannot be used as it is; the message says what to do."""


class LedgerDamaged(LedgerError):
    """The file is not SQLite, not a listsync ledger, or SQLite reports it corrupt."""


class LedgerNotPrivate(LedgerError):
    """Other users of this computer can read the ledger: fix its mode first."""

    exit_code = EXIT_BAD_INPUT


class LedgerTooNew(LedgerError):
    """A newer listsync has migrated this file; this version must not touch it."""


class LedgerBusy(LedgerError, LockedError):
    """Another connection held the write lock for longer than the busy timeout."""


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes stored as fixed-width ISO text (``2026-01-02T03:04:05.000000Z``).

    Fixed width keeps text order equal to time order, and SQLite's date functions read it.
    A naive datetime is taken to be UTC, as :func:`listsync.clock.utc` does everywhere.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        return None if value is None else to_text(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else from_text(value)


def to_text(value: datetime) -> str:
    return utc(value).isoformat(timespec="microseconds")[:-6] + "Z"


def from_text(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


class JsonText(TypeDecorator[Any]):
    """JSON kept as readable UTF-8 text (TEXT affinity: SQLite never turns it into a number)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else dumps(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else json.loads(value)


def dumps(value: Any) -> str:
    """Compact, key-sorted JSON; Decimals and dates become strings, never floats."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


class SchemaMigrationRow(SQLModel, table=True):
    __tablename__ = "schema_migration"

    name: str = Field(primary_key=True)
    applied_at: datetime = Field(sa_type=UtcDateTime)


class ProductRow(SQLModel, table=True):
    """A catalog product; ``units`` lists its sellable SKUs so stock checks skip ``data``."""

    __tablename__ = "product"

    sku: str = Field(primary_key=True)
    data: dict[str, Any] = Field(sa_type=JsonText)
    units: list[str] = Field(sa_type=JsonText)
    content_hash: str
    active: bool = True
    updated_at: datetime = Field(sa_type=UtcDateTime)


class ListingRow(SQLModel, table=True):
    __tablename__ = "listing"
    __table_args__ = (UniqueConstraint("sku", "channel", "shop_id"),)

    id: int | None = Field(default=None, primary_key=True)
    sku: str = Field(foreign_key="product.sku")
    channel: str
    shop_id: str
    remote_id: str | None = None
    units: dict[str, str] = Field(default_factory=dict, sa_type=JsonText)
    state: str
    pushed_hash: str | None = None
    last_error: str | None = None
    reasons: list[str] = Field(default_factory=list, sa_type=JsonText)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    checked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    fault: str | None = None  # whose fault the last failure was: a channel.faults.Fault


class OfferRow(SQLModel, table=True):
    """The stock and price a channel last accepted for one sellable SKU."""

    __tablename__ = "offer"
    __table_args__ = (UniqueConstraint("sku", "channel", "shop_id"),)

    id: int | None = Field(default=None, primary_key=True)
    sku: str
    channel: str
    shop_id: str
    stock: int | None = None
    price_minor: int | None = None
    currency: str | None = None
    tiers: list[dict[str, Any]] = Field(default_factory=list, sa_type=JsonText)
    explain: dict[str, Any] = Field(default_factory=dict, sa_type=JsonText)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    last_error: str | None = None


class OrderRow(SQLModel, table=True):
    """One marketplace order; ``fingerprint`` tells a replay from a change without the lines."""

    __tablename__ = "order"
    __table_args__ = (
        UniqueConstraint("channel", "shop_id", "order_id"),
        Index("ix_order_created_at", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: str
    shop_id: str
    order_id: str
    state: str
    status: str
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    total_minor: int
    currency: str
    fingerprint: str
    fetched_at: datetime = Field(sa_type=UtcDateTime)


class OrderLineRow(SQLModel, table=True):
    __tablename__ = "order_line"
    __table_args__ = (Index("ix_order_line_sku", "sku"), {"sqlite_with_rowid": False})

    order_pk: int = Field(primary_key=True, foreign_key="order.id", ondelete="CASCADE")
    line_no: int = Field(primary_key=True)
    line_id: str = ""
    sku: str
    quantity: int
    unit_price_minor: int
    currency: str


class StockMovementRow(SQLModel, table=True):
    """Append-only (triggers refuse UPDATE and DELETE); on hand is the sum of ``delta``."""

    __tablename__ = "stock_movement"
    __table_args__ = (
        Index("ix_stock_movement_sku", "sku"),
        Index(
            "ux_stock_movement_reference",
            "sku",
            "reason",
            "reference",
            unique=True,
            sqlite_where=text("reference <> ''"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    sku: str
    delta: int
    reason: str
    reference: str = ""
    created_at: datetime = Field(sa_type=UtcDateTime)
    note: str = ""


class CheckpointRow(SQLModel, table=True):
    __tablename__ = "checkpoint"

    channel: str = Field(primary_key=True)
    shop_id: str = Field(primary_key=True)
    stream: str = Field(primary_key=True)
    cursor: str
    updated_at: datetime = Field(sa_type=UtcDateTime)


class TokenRow(SQLModel, table=True):
    __tablename__ = "token"

    channel: str = Field(primary_key=True)
    shop_id: str = Field(primary_key=True)
    access_token: str
    refresh_token: str | None = None
    expires_at: datetime = Field(sa_type=UtcDateTime)
    refresh_expires_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    extra: dict[str, str] = Field(default_factory=dict, sa_type=JsonText)
    updated_at: datetime = Field(sa_type=UtcDateTime)


class SyncRunRow(SQLModel, table=True):
    __tablename__ = "sync_run"

    id: int | None = Field(default=None, primary_key=True)
    command: str
    pid: int
    status: str
    started_at: datetime = Field(sa_type=UtcDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class SyncRunChannelRow(SQLModel, table=True):
    __tablename__ = "sync_run_channel"

    run_id: int = Field(primary_key=True, foreign_key="sync_run.id", ondelete="CASCADE")
    channel: str = Field(primary_key=True)
    counts: dict[str, int] = Field(default_factory=dict, sa_type=JsonText)
    error: str | None = None
    recorded_at: datetime = Field(sa_type=UtcDateTime)


class ApiCallRow(SQLModel, table=True):
    """One HTTP call; ``path`` arrives redacted and is stored as given."""

    __tablename__ = "api_call"
    __table_args__ = (
        Index("ix_api_call_run_id", "run_id"),
        CheckConstraint("attempt >= 1", name="ck_api_call_attempt"),
    )

    id: int | None = Field(default=None, primary_key=True)
    run_id: int | None = Field(default=None, foreign_key="sync_run.id", ondelete="CASCADE")
    channel: str
    method: str
    path: str
    status: int | None = None
    elapsed_ms: int
    attempt: int
    error: str | None = None
    at: datetime = Field(sa_type=UtcDateTime)


def table(model: type[SQLModel]) -> Table:
    """The Core table of a model, for bulk statements."""
    found = getattr(model, "__table__", None)
    assert isinstance(found, Table)
    return found


PRODUCT = table(ProductRow)
LISTING = table(ListingRow)
OFFER = table(OfferRow)
ORDER = table(OrderRow)
ORDER_LINE = table(OrderLineRow)
STOCK_MOVEMENT = table(StockMovementRow)
CHECKPOINT = table(CheckpointRow)
TOKEN = table(TokenRow)
SYNC_RUN = table(SyncRunRow)
SYNC_RUN_CHANNEL = table(SyncRunChannelRow)
API_CALL = table(ApiCallRow)
SCHEMA_MIGRATION = table(SchemaMigrationRow)

APPEND_ONLY_TRIGGERS = tuple(
    f"CREATE TRIGGER stock_movement_no_{verb.lower()} BEFORE {verb} ON stock_movement "
    "BEGIN SELECT RAISE(ABORT, 'stock movements are append-only'); END"
    for verb in ("UPDATE", "DELETE")
)
for _trigger in APPEND_ONLY_TRIGGERS:
    event.listen(STOCK_MOVEMENT, "after_create", DDL(_trigger))
