"""Opening the ledger: durability settings, file permissions, locking, damaged files, backups."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event

from listsync.errors import LockedError
from listsync.ledger.database import (
    MIGRATIONS,
    Ledger,
    LedgerBusy,
    LedgerDamaged,
    LedgerError,
    LedgerTooNew,
)
from tests.ledger.support import make_product, open_ledger


def test_every_connection_is_durable_and_waits(tmp_path: Path) -> None:
    with open_ledger(tmp_path) as ledger, ledger.read() as first, ledger.read() as second:
        for session in (first, second):
            conn = session.connection()
            pragma = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")
            }
            assert pragma == {
                "journal_mode": "wal",
                "synchronous": 2,
                "busy_timeout": 5000,
                "foreign_keys": 1,
            }
        assert first.connection().connection is not second.connection().connection


def test_busy_timeout_is_configurable(tmp_path: Path) -> None:
    with open_ledger(tmp_path, busy_timeout_ms=1234) as ledger, ledger.read() as session:
        assert session.connection().exec_driver_sql("PRAGMA busy_timeout").scalar() == 1234


def test_writes_begin_immediate_and_reads_begin_deferred(tmp_path: Path) -> None:
    with open_ledger(tmp_path) as ledger:
        seen: list[str] = []
        event.listen(
            ledger._engine,
            "before_cursor_execute",
            lambda conn, cursor, statement, *rest: seen.append(statement),
        )
        ledger.set_checkpoint("shopee", "S1", "orders", "c1")
        assert seen[0] == "BEGIN IMMEDIATE"
        seen.clear()
        assert ledger.checkpoint("shopee", "S1", "orders") == "c1"
        assert seen[0] == "BEGIN"


def test_creates_folder_and_private_file(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "ledger.db"
    with Ledger.open(path) as ledger:
        ledger.set_checkpoint("shopee", "S1", "orders", "c1")
        for name in ("ledger.db", "ledger.db-wal", "ledger.db-shm"):
            assert stat.S_IMODE((path.parent / name).stat().st_mode) == 0o600
        assert [name for name, _ in ledger.schema_history()] == [m.name for m in MIGRATIONS]


def test_a_path_that_cannot_hold_a_ledger_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a folder")
    with pytest.raises(LedgerError, match="cannot create the ledger"):
        Ledger.open(tmp_path / "notes.txt" / "ledger.db")
    with pytest.raises(LedgerError, match="is a folder, not a file"):
        Ledger.open(tmp_path)


def test_a_ledger_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    Ledger.open(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)
    with pytest.raises(LedgerError) as caught:
        Ledger.open(path)
    assert str(caught.value) == (
        f"the ledger {path} can be read by other users of this computer; "
        f"fix it with: chmod 600 {path}"
    )
    assert caught.value.exit_code == 2
    path.chmod(0o600)
    Ledger.open(path).close()


def test_a_writer_makes_another_wait_then_fail_with_a_clear_message(tmp_path: Path) -> None:
    with open_ledger(tmp_path) as holder, open_ledger(tmp_path, busy_timeout_ms=300) as other:
        with holder.write():
            started = time.monotonic()
            with pytest.raises(LedgerBusy) as caught:
                other.set_checkpoint("shopee", "S1", "orders", "c1")
            assert time.monotonic() - started >= 0.25
            assert other.checkpoint("shopee", "S1", "orders") is None  # reads never wait
        assert "is busy: another program holds it" in str(caught.value)
        assert isinstance(caught.value, LockedError) and caught.value.exit_code == 75
        other.set_checkpoint("shopee", "S1", "orders", "c1")


def test_the_lock_is_taken_at_begin_not_at_the_first_write(tmp_path: Path) -> None:
    with (
        open_ledger(tmp_path) as holder,
        open_ledger(tmp_path, busy_timeout_ms=100) as other,
        holder.write(),
        pytest.raises(LedgerBusy),
        other.write(),
    ):
        pytest.fail("entered a write transaction while another held the lock")


def test_a_writer_waits_while_the_lock_is_released_within_the_timeout(tmp_path: Path) -> None:
    with open_ledger(tmp_path) as holder, open_ledger(tmp_path, busy_timeout_ms=5000) as other:
        locked = threading.Event()

        def hold() -> None:
            with holder.write():
                locked.set()
                time.sleep(0.3)

        thread = threading.Thread(target=hold)
        thread.start()
        locked.wait(5)
        started = time.monotonic()
        other.set_checkpoint("shopee", "S1", "orders", "c2")
        waited = time.monotonic() - started
        thread.join()
        assert 0.1 <= waited < 5
        assert holder.checkpoint("shopee", "S1", "orders") == "c2"


@pytest.mark.parametrize(
    "content", [b"this is a spreadsheet, not a ledger\n" * 200, os.urandom(8192)]
)
def test_a_file_that_is_not_sqlite_is_refused_with_a_pointer_to_backups(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "ledger.db"
    path.write_bytes(content)
    path.chmod(0o600)
    backups = tmp_path / "backups"
    backups.mkdir()
    (backups / "ledger-20260301T000000Z.db").write_bytes(b"")
    with pytest.raises(LedgerDamaged) as caught:
        Ledger.open(path)
    message = str(caught.value)
    assert f"the ledger file {path} is not a listsync ledger or is damaged" in message
    assert "ledger-20260301T000000Z.db" in message
    assert path.read_bytes() == content


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.commit()
    conn.close()
    path.chmod(0o600)
    with pytest.raises(LedgerDamaged, match=r"not listsync's.*restore the latest backup"):
        Ledger.open(path)


def test_a_damaged_page_fails_the_integrity_check(tmp_path: Path) -> None:
    with open_ledger(tmp_path) as ledger:
        ledger.upsert_products([make_product(f"P-{n}") for n in range(200)])
        assert ledger.integrity_check()
    path = tmp_path / "ledger.db"
    data = bytearray(path.read_bytes())
    page = 4096
    data[3 * page : 5 * page] = os.urandom(2 * page)
    path.write_bytes(bytes(data))
    try:
        with open_ledger(tmp_path) as ledger:
            assert not ledger.integrity_check()
    except LedgerDamaged as error:
        assert "restore the latest backup" in str(error)


def test_a_ledger_from_a_newer_listsync_is_refused(tmp_path: Path) -> None:
    open_ledger(tmp_path).close()
    path = tmp_path / "ledger.db"
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_migration VALUES ('0099_future', '2030-01-01T00:00:00Z')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(LedgerTooNew) as caught:
        Ledger.open(path)
    assert "0099_future" in str(caught.value)
    assert "upgrade listsync" in str(caught.value)
    assert path.read_bytes() == before


def test_backup_is_a_sound_private_copy_taken_while_another_writes(tmp_path: Path) -> None:
    with open_ledger(tmp_path) as ledger, open_ledger(tmp_path) as writer:
        ledger.upsert_products([make_product("TEA-1")])
        with writer.write() as session:
            session.connection().exec_driver_sql(
                "INSERT INTO checkpoint VALUES ('x', 'y', 'z', 'uncommitted', '2026-01-01')"
            )
            copy = ledger.backup()
        assert copy.parent == tmp_path / "backups"
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        assert [p.name for p in copy.parent.iterdir()] == [copy.name]
    with Ledger.open(copy) as restored:
        assert [p.sku for p in restored.products()] == ["TEA-1"]
        assert restored.checkpoint("x", "y", "z") is None
        assert restored.integrity_check()


def test_backup_to_a_named_file_replaces_it_whole(tmp_path: Path) -> None:
    dest = tmp_path / "copies" / "before-import.db"
    dest.parent.mkdir()
    dest.write_bytes(b"an older copy")
    with open_ledger(tmp_path) as ledger:
        assert ledger.backup(dest) == dest
    with Ledger.open(dest) as restored:
        assert restored.integrity_check()
