"""The sync the Đồng bộ page starts: one at a time, in a thread, under the ledger's run lock.

The engine reports how far each channel is (:mod:`listsync.progress`); a :class:`SyncJob`
keeps the latest figures so the page can show them every second while the run goes on.
The run lock is taken inside the job's thread (a file lock belongs to the thread that
took it), and the page waits until it is held or refused, so a second sync (from these
pages, the CLI or the nightly run) is turned away at once with the holder's name, and a
nightly run already going is shown, never fought.
"""

from __future__ import annotations

import contextvars
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from listsync.clock import SystemClock
from listsync.errors import ConfigError, ListsyncError, LockedError
from listsync.i18n import _
from listsync.progress import Phase, ProgressEvent, StopFlag
from listsync.report.progress import phase_label, progress_line
from listsync.report.summary import render_summary
from listsync.sync.engine import RunResult
from listsync.sync.runlock import run_lock
from listsync.workspace import Workspace

log = logging.getLogger("listsync.web")
LOCK_NOTE = "listsync web: sync"  # how another run names this one while it holds the lock
START_WAIT = 30.0  # seconds the page waits for the lock to be taken or refused
SHUT_DOWN_WAIT = 60.0  # seconds a closing server waits for its sync to reach a safe point


@dataclass
class ChannelProgress:
    name: str
    phase: Phase | None = None
    done: int = 0
    total: int | None = None
    event: ProgressEvent | None = None


@dataclass
class SyncJob:
    command: str
    started_at: datetime
    stop: StopFlag = field(default_factory=StopFlag)
    channels: dict[str, ChannelProgress] = field(default_factory=dict)
    result: RunResult | None = None
    summary: str = ""
    error: str = ""
    refused: str = ""
    running: bool = False
    finished: bool = False
    ready: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    thread: threading.Thread | None = None

    def heard(self, event: ProgressEvent) -> None:
        with self.lock:
            progress = self.channels.setdefault(event.channel, ChannelProgress(event.channel))
            progress.phase, progress.done, progress.total = event.phase, event.done, event.total
            progress.event = event

    def view(self) -> dict[str, Any]:
        """What the page shows now, read at one moment."""
        with self.lock:
            outcomes = self.result.outcomes if self.result is not None else {}
            channels = []
            for name, progress in self.channels.items():
                outcome = outcomes.get(name)
                channels.append(
                    {
                        "name": name,
                        "phase": phase_label(progress.phase) if progress.phase else _("waiting"),
                        "line": progress_line(progress.event) if progress.event else "",
                        "done": progress.done,
                        "total": progress.total,
                        "ok": None if outcome is None else outcome.ok,
                        "error": outcome.error if outcome is not None else None,
                    }
                )
            return {
                "command": self.command,
                "started": self.started_at,
                "running": not self.finished,
                "stopping": self.stop.requested and not self.finished,
                "channels": channels,
                "summary": self.summary,
                "error": self.error,
                "ok": self.result.ok if self.result is not None else False,
                "interrupted": bool(self.result and self.result.interrupted),
            }


class SyncJobs:
    """The sync of these pages: at most one at a time, the last one kept for the page."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.current: SyncJob | None = None

    def start(self, root: Path, *, force: bool = False) -> SyncJob:
        """Start a sync of every switched-on channel; LockedError when one is going."""
        with self.lock:
            if self.current is not None and not self.current.finished:
                raise LockedError(
                    _("a sync started from these pages is still running; wait for it to finish")
                )
            previous = self.current
            job = self.current = SyncJob("sync", SystemClock().now())
        context = contextvars.copy_context()  # the language of the person who started it
        thread = threading.Thread(
            target=context.run, args=(_run, job, root, force), name="listsync-web-sync"
        )
        thread.daemon = True
        job.thread = thread
        thread.start()
        job.ready.wait(START_WAIT)
        if job.refused:
            with self.lock:
                self.current = previous
            raise LockedError(job.refused)
        return job

    def stop(self) -> bool:
        """Ask the running sync to stop at its next safe point; False when none runs."""
        job = self.current
        if job is None or job.finished:
            return False
        job.stop.request()
        return True

    def shut_down(self, wait: float = SHUT_DOWN_WAIT) -> None:
        """The pages are closing (Ctrl+C): a sync still going stops at its next safe point,
        recorded as interrupted, rather than being cut off with the program."""
        job = self.current
        if self.stop() and job is not None and job.thread is not None:
            job.thread.join(wait)


def _run(job: SyncJob, root: Path, force: bool) -> None:
    try:
        with Workspace.open(root) as ws:
            names = ws.enabled_channels()
            if not names:
                raise ConfigError(
                    _(
                        "no marketplace is switched on: add a [channels.<name>] section with "
                        "enabled = true to listsync.toml (listsync channels lists them; "
                        "listsync demo shows a sync against the built-in sandboxes)"
                    )
                )
            with job.lock:
                job.channels = {name: ChannelProgress(name) for name in names}
            with run_lock(ws.settings.ledger_path, LOCK_NOTE, ws.clock):
                job.running = True
                job.ready.set()
                result = ws.sync_engine().run(
                    names, command=job.command, force=force, progress=job.heard, stop=job.stop
                )
            with job.lock:
                job.result, job.summary = result, render_summary(result)
    except LockedError as exc:
        job.refused = str(exc)
    except ListsyncError as exc:
        job.error = str(exc)
    except Exception as exc:  # a bug: logged with its traceback, one line on the page
        log.error("the sync started from listsync web stopped", exc_info=exc)
        job.error = _("unexpected {kind}: {error}").format(kind=type(exc).__name__, error=exc)
    finally:
        job.finished = True
        job.ready.set()
