"""Two syncs on one ledger (docs/reliability.md #24): the second leaves at once, code 75, naming
the first, having sent nothing and written nothing."""

from __future__ import annotations

import os
import subprocess
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from listsync.errors import EXIT_LOCKED
from listsync.sync.runlock import run_lock
from tests.sync.support import (
    LISTSYNC,
    PRODUCTS,
    assert_published,
    dump,
    listsync,
    sandbox_workspace,
)


def test_a_second_sync_leaves_at_once_naming_the_first(tmp_path: Path) -> None:
    """The first run is this test process, holding the run lock as `listsync sync` does."""
    with sandbox_workspace(tmp_path / "ws", ("lazada",)) as sw:
        ledger = sw.ledger.path
        before, seen = dump(ledger), len(sw.requests_log("lazada"))
        with run_lock(ledger, "sync"):
            started = time.monotonic()
            second = listsync(sw.root, "sync")
            took = time.monotonic() - started
            note_kept = ledger.with_name(ledger.name + ".run").exists()
        assert second.returncode == EXIT_LOCKED, second.stdout + second.stderr
        assert took < 10
        (line,) = second.stderr.strip().splitlines()
        today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%Y-%m-%d")  # local
        assert f"sync (pid {os.getpid()}, started {today}" in line
        assert "already working on" in line and str(ledger) in line
        assert second.stdout == ""
        assert len(sw.requests_log("lazada")) == seen  # no HTTP call
        assert dump(ledger) == before  # no DB write
        assert note_kept  # the second run did not remove the first run's note
        assert sw.ledger.runs() == []


def test_two_real_syncs_the_second_names_the_first(tmp_path: Path) -> None:
    """Both are `listsync sync` processes; the first is slowed by the marketplace."""
    with sandbox_workspace(tmp_path / "ws", ("lazada",)) as sw:
        note = sw.ledger.path.with_name(sw.ledger.path.name + ".run")
        sw.fault("lazada", action="latency", seconds=0.15, times=None)
        env = {k: v for k, v in os.environ.items() if not k.startswith("LISTSYNC_")}
        first = subprocess.Popen(
            [*LISTSYNC, "-w", str(sw.root), "sync"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            deadline = time.monotonic() + 30
            while not sw.requests_log("lazada")[-1]["path"].startswith("/rest/"):
                assert time.monotonic() < deadline and first.poll() is None
                time.sleep(0.02)
            assert note.exists()
            second = listsync(sw.root, "sync")
            still_running = first.poll() is None
        finally:
            out, err = first.communicate(timeout=60)
        assert still_running
        assert second.returncode == EXIT_LOCKED
        assert f"(pid {first.pid}, started" in second.stderr
        assert first.returncode == 0, err
        assert "lazada" in out and "ok" in out
        sw.clear_faults("lazada")
        (run,) = sw.ledger.runs()
        assert run.pid == first.pid and run.status == "ok"
        assert len(sw.ledger.listings("lazada")) == PRODUCTS
        assert_published(sw, "lazada")
        assert not note.exists()
