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
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from filelock import FileLock, Timeout

from listsync.clock import Clock, SystemClock
from listsync.errors import LockedError
from listsync.format import time_text
from listsync.i18n import _


def _holder(note: Path, tz: tzinfo | None = None) -> str:
    """The run named by the note: its start in local time (``tz``, the workspace's time zone,
    else this computer's), the zone named after it."""
    try:
        data = json.loads(note.read_text(encoding="utf-8"))
        started = datetime.fromisoformat(data["started"])
        if started.tzinfo is None:  # a note written without its zone: UTC, as runs keep time
            started = started.replace(tzinfo=UTC)
        local = started.astimezone(tz)
        return _("{command} (pid {pid}, started {started} {zone})").format(
            command=data.get("command", "listsync"),
            pid=data["pid"],
            started=time_text(local),
            zone=getattr(tz, "key", None) or local.tzname() or "",
        )
    except (OSError, ValueError, KeyError):
        return _("another listsync run")


def _alive(pid: int) -> bool:
    if os.name == "nt":  # no cheap check there: a note left by a killed run is shown a while
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def holder(ledger_path: Path, tz: tzinfo | None = None) -> str | None:
    """Who holds the run lock now, named as a refused run names it; ``None`` when nobody
    seems to. Read from the note alone: looking never takes the lock, so it never turns
    away a run (the nightly one) that starts at that moment."""
    note = ledger_path.with_name(ledger_path.name + ".run")
    try:
        pid = int(json.loads(note.read_text(encoding="utf-8"))["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return _holder(note, tz) if _alive(pid) else None


@contextmanager
def run_lock(
    ledger_path: Path, command: str, clock: Clock | None = None, tz: tzinfo | None = None
) -> Iterator[None]:
    """Hold the ledger's run lock, or raise LockedError naming the run that holds it, its
    start in ``tz`` (the workspace's time zone)."""
    lock_path = ledger_path.with_name(ledger_path.name + ".lock")
    note = ledger_path.with_name(ledger_path.name + ".run")
    lock = FileLock(lock_path, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise LockedError(
            _("{holder} is already working on {ledger}; wait for it to finish").format(
                holder=_holder(note, tz), ledger=ledger_path
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
