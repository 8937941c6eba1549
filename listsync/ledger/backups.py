"""The way back from a damaged ledger: the copies :meth:`Ledger.backup` writes, kept a few
at a time, and putting one back in place of the ledger.

A restore never opens the ledger it replaces (it may be damaged beyond opening): it checks
the copy, moves the current file and its ``-wal`` / ``-shm`` aside under a dated name (so
nothing is ever lost, the damaged file included), and puts a private copy of the backup in
its place. The caller holds the run lock, so no sync writes meanwhile.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from listsync.i18n import _
from listsync.ledger.migrations import MIGRATION_TABLE
from listsync.ledger.schema import LedgerError

SIDE_FILES = ("-wal", "-shm")


def default_dir(ledger_path: Path) -> Path:
    """Where backups go unless told otherwise: ``backups`` beside the ledger."""
    return ledger_path.parent / "backups"


def backups(backup_dir: Path, stem: str) -> list[Path]:
    """The backups of the ledger named ``stem``, oldest first (their names carry the time)."""
    if not backup_dir.is_dir():
        return []
    return sorted(backup_dir.glob(f"{stem}-*.db"))


def prune(backup_dir: Path, stem: str, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups; returns those deleted."""
    old = backups(backup_dir, stem)[:-keep] if keep > 0 else []
    for path in old:
        path.unlink(missing_ok=True)
    return old


def check_backup(path: Path) -> None:
    """Refuse a file that is not a sound listsync ledger, before anything is moved."""
    if not path.is_file():
        raise LedgerError(_("there is no backup {path}").format(path=path))
    try:
        copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            sound = copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
        finally:
            copy.close()
    except sqlite3.Error:
        sound, tables = False, set()
    if not sound or MIGRATION_TABLE not in tables:
        raise LedgerError(
            _("{path} is not a sound listsync ledger; choose another backup").format(path=path)
        )


def restore(ledger_path: Path, backup: Path, now: datetime) -> Path | None:
    """Put ``backup`` in place of the ledger; returns where the replaced file went, if any."""
    check_backup(backup)
    stamp = f"{now:%Y%m%dT%H%M%SZ}"
    moved: Path | None = None
    try:
        if ledger_path.exists():
            moved = ledger_path.with_name(f"{ledger_path.name}.replaced-{stamp}")
            os.replace(ledger_path, moved)
        for suffix in SIDE_FILES:
            side = ledger_path.with_name(ledger_path.name + suffix)
            if side.exists():
                os.replace(side, side.with_name(f"{side.name}.replaced-{stamp}"))
        partial = ledger_path.with_name(f".{ledger_path.name}.restoring")
        partial.unlink(missing_ok=True)
        os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        shutil.copyfile(backup, partial)
        os.replace(partial, ledger_path)
    except OSError as error:
        raise LedgerError(
            _("cannot restore {backup} to {path}: {why}").format(
                backup=backup, path=ledger_path, why=error.strerror
            )
        ) from None
    return moved
