"""One run at a time per ledger: an OS file lock, and a note saying who holds it.

The lock is ``filelock`` (flock on Unix, msvcrt on Windows): the operating system frees
it when its process dies, so the lock of a killed run is taken over by the next run with
nothing to clean up. The note beside it only serves the message a second run prints.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout

from listsync.clock import Clock, SystemClock
from listsync.errors import LockedError
from listsync.i18n import _


def _holder(note: Path) -> str:
    try:
        data = json.loads(note.read_text(encoding="utf-8"))
        started = datetime.fromisoformat(data["started"])
        return _("{command} (pid {pid}, started {started:%Y-%m-%d %H:%M} UTC)").format(
            command=data.get("command", "listsync"), pid=data["pid"], started=started
        )
    except (OSError, ValueError, KeyError):
        return _("another listsync run")


@contextmanager
def run_lock(ledger_path: Path, command: str, clock: Clock | None = None) -> Iterator[None]:
    """Hold the ledger's run lock, or raise LockedError naming the run that holds it."""
    lock_path = ledger_path.with_name(ledger_path.name + ".lock")
    note = ledger_path.with_name(ledger_path.name + ".run")
    lock = FileLock(lock_path, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise LockedError(
            _("{holder} is already working on {ledger}; wait for it to finish").format(
                holder=_holder(note), ledger=ledger_path
            )
        ) from None
    try:
        started = (clock or SystemClock()).now().isoformat()
        note.write_text(
            json.dumps({"pid": os.getpid(), "started": started, "command": command}),
            encoding="utf-8",
        )
        yield
    finally:
        note.unlink(missing_ok=True)
        lock.release()
