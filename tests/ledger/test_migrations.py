"""Migrations: an old ledger upgrades in place, keeps its rows, and ends like a new one."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlmodel import SQLModel

from listsync.channel.contract import ListingState, Money, OrderState
from listsync.ledger.database import MIGRATIONS, Ledger, LedgerTokenStore
from listsync.ledger.migrations import Migration, migrate
from tests.ledger.support import KEY, T0, load_fixture, open_ledger, schema


def _applied(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT name, applied_at FROM schema_migration ORDER BY name"
        ).fetchall()
    finally:
        conn.close()


def test_a_new_ledger_runs_every_migration_once(tmp_path: Path) -> None:
    open_ledger(tmp_path).close()
    path = tmp_path / "ledger.db"
    applied = _applied(path)
    assert [name for name, _ in applied] == [m.name for m in MIGRATIONS]
    assert len(MIGRATIONS) >= 2
    assert all(at == "2026-03-01T08:00:00.000000Z" for _, at in applied)
    before = schema(path)
    open_ledger(tmp_path).close()
    assert _applied(path) == applied
    assert schema(path) == before


def test_the_v1_fixture_upgrades_keeps_its_rows_and_matches_a_new_ledger(tmp_path: Path) -> None:
    old = load_fixture(tmp_path / "old.db")
    assert [name for name, _ in _applied(old)] == ["0001_initial"]
    with Ledger.open(old) as ledger:
        products = ledger.products()
        assert [p.sku for p in products] == ["MAT", "TS-1"]
        assert products[1].name.vi == "Trà sen Tây Hồ"
        assert [p.sku for p in ledger.products(active_only=False)] == ["MAT", "OLD-1", "TS-1"]
        assert ledger.on_hand(["TS-1", "MAT-S", "MAT-L"]) == {"TS-1": 19, "MAT-S": -1, "MAT-L": 0}
        [stored] = ledger.orders()
        assert stored.order.state is OrderState.PAID
        assert stored.order.total == Money.vnd(470_000)
        assert [line.sku for line in stored.order.lines] == ["TS-1", "MAT-S"]
        assert stored.order.created_at == datetime(2025, 12, 1, 8, 0, tzinfo=UTC)
        assert ledger.checkpoint("shopee", "820001", "orders") == "2025-12-01T08:25:00Z"
        review = ledger.listing("MAT", "tiki", "T1")
        assert review is not None and review.state is ListingState.IN_REVIEW
        assert review.checked_at == review.updated_at  # 0003 fills it for listings in review
        live = ledger.listing("TS-1", "shopee", "820001")
        assert live is not None and live.checked_at is None
        offer = ledger.offer("TS-1", "shopee", "820001")
        assert offer is not None and offer.price == Money(Decimal(120000)) and offer.stock == 12
        token = LedgerTokenStore(ledger, KEY).load("shopee", "820001")  # written plain
        assert token is not None and token.access_token.get_secret_value() == "fixture-access"
        [run] = ledger.runs()
        assert run.channels[0].counts == {"orders_new": 1}
        assert ledger.api_calls() == []
        assert ledger.integrity_check()
    assert [name for name, _ in _applied(old)] == [m.name for m in MIGRATIONS]

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    open_ledger(fresh).close()
    assert schema(old) == schema(fresh / "ledger.db")


def test_the_migrations_build_what_the_sqlmodel_classes_describe(tmp_path: Path) -> None:
    open_ledger(tmp_path).close()
    engine = create_engine(f"sqlite:///{tmp_path / 'models.db'}")
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    migrated, modelled = schema(tmp_path / "ledger.db"), schema(tmp_path / "models.db")
    assert _shape(migrated) == _shape(modelled)


def _affinity(declared: str) -> str:
    """SQLite's column affinity rules: what a declared type means to SQLite."""
    kind = declared.upper()
    if "INT" in kind:
        return "INTEGER"
    if any(word in kind for word in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if "BLOB" in kind or not kind:
        return "BLOB"
    if any(word in kind for word in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


def _shape(found: dict[str, object]) -> dict[str, object]:
    """Columns (name, affinity, not null, pk), unique/partial indexes, keys, triggers, rowid."""
    master = found["master"]
    assert isinstance(master, list)
    columns = found["columns"]
    indexes = found["indexes"]
    keys = found["foreign_keys"]
    assert isinstance(columns, dict) and isinstance(indexes, dict) and isinstance(keys, dict)
    return {
        "tables": {
            name: (
                "WITHOUT ROWID" in (sql or "").upper(),
                sorted((c[1], _affinity(c[2]), c[3], c[5]) for c in columns[name]),
                sorted((i[2], i[3], i[4]) for i in indexes[name]),
                sorted((k[2], k[3], k[4], k[6]) for k in keys[name]),
            )
            for kind, name, _, sql in master
            if kind == "table"
        },
        "named_indexes": sorted(name for kind, name, _, _ in master if kind == "index"),
        "triggers": sorted(name for kind, name, _, _ in master if kind == "trigger"),
    }


def test_a_failing_migration_leaves_the_ledger_as_it_was(tmp_path: Path) -> None:
    open_ledger(tmp_path).close()
    path = tmp_path / "ledger.db"
    before = schema(path)
    broken = Migration("0099_broken", ("CREATE TABLE half_done (x TEXT)", "THIS IS NOT SQL"))
    ledger = open_ledger(tmp_path)
    with pytest.raises(Exception, match="syntax error"):
        migrate(
            ledger._engine,
            ledger._write_engine,
            T0,
            path=path,
            backup_dir=ledger.backup_dir,
            known=(*MIGRATIONS, broken),
        )
    ledger.close()
    assert schema(path) == before
