"""Dry runs say they are dry runs, in words that fit what they would do: an order pull what
it would read (and no word of listings or --force), a catalog import what it would add,
change and remove."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from listsync.format import time_text
from listsync.ledger.database import Ledger
from tests.cli.test_main import ledger_bytes, run
from tests.sync.support import dump, listsync, sandbox_workspace

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def test_an_order_pull_dry_run_says_what_it_would_read(tmp_path: Path) -> None:
    with sandbox_workspace(tmp_path / "ws", ("lazada",)) as sw:
        before, seen = dump(sw.ledger.path), len(sw.requests_log("lazada"))
        first = listsync(sw.root, "orders", "pull", "--dry-run")
        assert first.returncode == 0, first.stdout + first.stderr
        lines = first.stdout.splitlines()
        assert lines[0] == "Dry run: nothing was pulled and nothing was recorded."
        assert lines[1] == "A pull would read the orders that changed (times in Asia/Ho_Chi_Minh):"
        at = lines.index(next(line for line in lines if line.startswith("  lazada: ")))
        assert lines[at].endswith(" in 3 windows of at most 1 day")  # backfill_days = 3
        assert lines[at + 1] == "    the first pull reads the last 3 days"
        assert all(len(line) <= 80 for line in lines)
        assert "listing" not in first.stdout.lower() and "--force" not in first.stdout
        assert len(sw.requests_log("lazada")) == seen  # not one request
        assert dump(sw.ledger.path) == before

        assert listsync(sw.root, "orders", "pull").returncode == 0
        cursor = sw.ledger.checkpoint("lazada", sw.shop("lazada"), "orders")
        assert cursor is not None
        reached = time_text(datetime.fromisoformat(cursor).astimezone(ZONE))
        again = listsync(sw.root, "orders", "pull", "--dry-run")
        assert again.returncode == 0, again.stderr
        lines = again.stdout.splitlines()
        at = lines.index(next(line for line in lines if line.startswith("  lazada: ")))
        assert lines[at].endswith(" in 1 window of at most 1 day")
        assert lines[at + 1] == f"    the last pull reached {reached}, less 1 hour of overlap"


def test_an_order_pull_has_no_force(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    assert run("init", str(workspace)).exit_code == 0
    result = run("-w", str(workspace), "orders", "pull", "--force")
    assert result.exit_code == 2 and "No such option '--force'" in result.output
    assert "--force" not in run("orders", "pull", "--help").output
    assert (
        "--force" in run("sync", "--help").output and "--force" in run("publish", "--help").output
    )


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"
    assert run("init", str(workspace)).exit_code == 0
    return workspace


def test_a_dry_run_in_a_new_workspace_leaves_no_ledger_behind(ws: Path) -> None:
    assert not (ws / "listsync.sqlite3").exists()
    dry = run("-w", str(ws), "catalog", "import", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would add 5, change 0 and remove 0 products (0 unchanged)" in dry.output
    assert sorted(path.name for path in ws.iterdir() if "sqlite3" in path.name) == []


def test_a_catalog_import_dry_run_says_so_and_changes_nothing(ws: Path) -> None:
    assert run("-w", str(ws), "catalog", "list").exit_code == 0  # the ledger, still empty
    before = ledger_bytes(ws)
    dry = run("-w", str(ws), "catalog", "import", "--dry-run")
    assert dry.exit_code == 0, dry.output
    head = dry.output.splitlines()[0]
    assert head.startswith("Dry run: nothing was changed.")
    assert "would add 5, change 0 and remove 0 products (0 unchanged)" in head
    assert "5 added" not in dry.output
    assert "would add: BGMD-500, BT-BINH-LAM, CC-AV, GIO-UL-1KG, TSTH" in dry.output
    assert ledger_bytes(ws) == before
    with Ledger.open(ws / "listsync.sqlite3") as ledger:
        assert ledger.products() == []

    assert "5 added" in run("-w", str(ws), "catalog", "import").output
    catalog = ws / "catalog.yaml"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace("Trà sen Tây Hồ", "Trà sen Tây Hồ hảo hạng", 1), "utf-8")
    before = ledger_bytes(ws)
    changed = run("-w", str(ws), "catalog", "import", "--dry-run")
    assert "would add 0, change 1 and remove 0 products (4 unchanged)" in changed.output
    assert "would change: TSTH" in changed.output and "would add:" not in changed.output
    assert ledger_bytes(ws) == before
