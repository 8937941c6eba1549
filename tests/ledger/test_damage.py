"""A damaged ledger is refused by every command, never written to, never made anew; a
backup made before each nightly run is the way back."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from listsync.ledger.backups import backups, check_backup, prune
from listsync.ledger.database import Ledger, LedgerDamaged, LedgerError
from tests.cli.test_main import ledger_bytes, run
from tests.schedule.test_nightly import World, tea


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A workspace with the sample catalog imported and some stock counted."""
    workspace = tmp_path / "ws"
    assert run("init", str(workspace)).exit_code == 0
    assert run("-w", str(workspace), "catalog", "import").exit_code == 0
    assert run("-w", str(workspace), "stock", "set", "TSTH-100", "40").exit_code == 0
    return workspace


def overwrite_an_index_page(ledger: Path) -> None:
    connection = sqlite3.connect(ledger)
    try:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        root = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'index' AND rootpage > 1 "
            "ORDER BY rootpage DESC LIMIT 1"
        ).fetchone()[0]
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    with ledger.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(os.urandom(page_size))


WRITES = [
    ("catalog", "import"),
    ("stock", "add", "TSTH-100", "3"),
    ("stock", "set", "TSTH-100", "9"),
]


def test_a_damaged_page_is_refused_by_every_command_and_nothing_is_written(ws: Path) -> None:
    ledger = ws / "listsync.sqlite3"
    overwrite_an_index_page(ledger)
    before = ledger_bytes(ws)
    for command in [*WRITES, ("stock", "show"), ("report",)]:
        result = run("-w", str(ws), *command)
        assert result.exit_code == 1, (command, result.output)
        assert "is not a listsync ledger or is damaged" in result.output
        assert "restore the latest backup" in result.output
        assert "Traceback" not in result.output
    assert ledger_bytes(ws) == before


def test_an_emptied_ledger_is_never_taken_for_a_new_one(ws: Path) -> None:
    ledger = ws / "listsync.sqlite3"
    ledger.write_bytes(b"")
    for command in [*WRITES, ("stock", "show"), ("catalog", "list")]:
        result = run("-w", str(ws), *command)
        assert result.exit_code == 1, (command, result.output)
        assert "the file is empty" in result.output
        assert "added" not in result.output and "not authorized" not in result.output
    assert ledger.stat().st_size == 0


def test_backup_then_restore_brings_the_ledger_back(ws: Path) -> None:
    made = run("-w", str(ws), "backup")
    assert made.exit_code == 0, made.output
    assert "The ledger is sound; copied to" in made.output
    [copy] = backups(ws / "backups", "listsync")
    check_backup(copy)
    overwrite_an_index_page(ws / "listsync.sqlite3")
    assert run("-w", str(ws), "stock", "show").exit_code == 1
    listed = run("-w", str(ws), "restore", "--list")
    assert listed.output.strip() == str(copy)
    restored = run("-w", str(ws), "restore")
    assert restored.exit_code == 0, restored.output
    assert f"Restored the ledger from {copy}." in restored.output
    kept = [p for p in ws.iterdir() if p.name.startswith("listsync.sqlite3.replaced-")]
    assert len(kept) == 1  # the damaged file is kept aside, never deleted
    shown = run("-w", str(ws), "stock", "show", "TSTH-100")
    assert shown.exit_code == 0 and "40" in shown.output
    with Ledger.open(ws / "listsync.sqlite3") as ledger:
        assert ledger.integrity_check()


def test_restore_refuses_what_is_not_a_ledger_and_needs_a_backup(ws: Path) -> None:
    nothing = run("-w", str(ws), "restore")
    assert nothing.exit_code == 2 and "there is no backup in" in nothing.output
    bogus = ws / "bogus.db"
    bogus.write_bytes(b"not a database at all")
    before = ledger_bytes(ws)
    refused = run("-w", str(ws), "restore", str(bogus))
    assert refused.exit_code == 1 and "is not a sound listsync ledger" in refused.output
    assert ledger_bytes(ws) == before


def test_each_nightly_run_checks_and_copies_the_ledger_keeping_the_newest(
    tmp_path: Path,
) -> None:
    world = World(tmp_path / "coop", "lazada")
    with world.workspace() as workspace:
        workspace.ledger.upsert_products([tea()])
    for _ in range(3):
        assert world.nightly(backups_kept=2).exit_code == 0
        world.later(hours=24)
    kept = backups(world.root / "backups", "listsync")
    assert len(kept) == 2
    for copy in kept:
        check_backup(copy)
    assert "the ledger is sound; copied to" in world.log()


def test_a_nightly_run_on_a_damaged_ledger_syncs_nothing(tmp_path: Path) -> None:
    world = World(tmp_path / "coop", "lazada")
    with world.workspace() as workspace:
        workspace.ledger.upsert_products([tea()])
    assert world.nightly().exit_code == 0
    overwrite_an_index_page(world.root / "listsync.sqlite3")
    result = world.nightly()
    assert result.exit_code == 1
    assert "damaged" in result.summary and "restore" in result.summary


def test_prune_keeps_the_newest(tmp_path: Path) -> None:
    for stamp in ("20261201T000000Z", "20261202T000000Z", "20261203T000000Z"):
        (tmp_path / f"listsync-{stamp}.db").write_bytes(b"")
    removed = prune(tmp_path, "listsync", 1)
    assert [p.name for p in removed] == [
        "listsync-20261201T000000Z.db",
        "listsync-20261202T000000Z.db",
    ]
    assert [p.name for p in backups(tmp_path, "listsync")] == ["listsync-20261203T000000Z.db"]
    with pytest.raises(LedgerError):
        check_backup(tmp_path / "missing.db")
    assert issubclass(LedgerDamaged, LedgerError)
