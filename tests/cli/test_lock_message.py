""" "Another sync is running" names when it started in local time, the zone named as reports
name it (``listsync report``'s "(Asia/Ho_Chi_Minh)"), like every other time listsync shows."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from listsync.clock import FakeClock
from listsync.errors import EXIT_LOCKED
from listsync.sync.runlock import run_lock
from tests.cli.test_main import run
from tests.sync.support import LISTSYNC

STARTED = datetime(2026, 11, 23, 20, 30, tzinfo=UTC)  # 03:30 the next day in Hà Nội


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "2026-11-24 03:30 Asia/Ho_Chi_Minh"), ("vi", "24/11/2026 03:30 Asia/Ho_Chi_Minh")],
)
def test_a_second_run_names_the_first_in_local_time(
    tmp_path: Path, language: str, shown: str
) -> None:
    ws = tmp_path / "ws"
    assert run("init", str(ws)).exit_code == 0
    with (ws / "listsync.toml").open("a", encoding="utf-8") as config:
        config.write('\n[channels.lazada]\nenabled = true\napp_key = "100001"\n')
    ledger = ws / "listsync.sqlite3"
    with run_lock(ledger, "sync", FakeClock(STARTED)):
        second = subprocess.run(
            [*LISTSYNC, "-w", str(ws), "sync"],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "LISTSYNC_LANG": language},
            check=False,
        )
    assert second.returncode == EXIT_LOCKED, second.stdout + second.stderr
    (line,) = second.stderr.strip().splitlines()
    assert f"(pid {os.getpid()}, " in line and f" {shown})" in line
    assert "UTC" not in line
