"""`listsync sync` end to end: a child process, a workspace, a Lazada sandbox over HTTP."""

from __future__ import annotations

import re
from pathlib import Path

from tests.sync.support import PRODUCTS, UNITS, assert_published, listsync, sandbox_workspace


def summary_row(output: str, channel: str) -> dict[str, str]:
    """The summary table's column for ``channel`` (a column per channel), by row title."""
    lines = output.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Channel"))
    names = lines[header].split()[1:]
    column = names.index(channel)
    found = {}
    for line in lines[header + 2 :]:
        title, *values = re.split(r"\s{2,}", line.strip())
        assert len(values) == len(names), (names, line)
        found[title] = values[column]
        if title == "Result":
            return found
    raise AssertionError(f"no Result line in {output}")


def test_dry_run_then_sync_then_a_quiet_rerun(tmp_path: Path) -> None:
    with sandbox_workspace(tmp_path / "ws", ("lazada",)) as sw:
        seen = len(sw.requests_log("lazada"))
        dry = listsync(sw.root, "sync", "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert dry.stdout.startswith("Dry run: nothing was sent and nothing was recorded.")
        plan = dry.stdout.splitlines()
        for sku in ("TSTH", "BGMD-500", "BT-BINH-LAM", "CC-AV", "GIO-UL-1KG"):
            assert any(line.split() == [sku, "create"] for line in plan), sku
        assert any(line.split()[:4] == ["TSTH-100", "—", "→", "25"] for line in plan)
        assert len(sw.requests_log("lazada")) == seen  # not one request
        assert sw.ledger.runs() == [] and sw.ledger.listings("lazada") == []

        done = listsync(sw.root, "sync")
        assert done.returncode == 0, done.stdout + done.stderr
        # nothing but the plain progress lines a slow machine may print after a few seconds
        assert all(line.startswith("lazada: ") for line in done.stderr.splitlines())
        row = summary_row(done.stdout, "lazada")
        assert (row["Created"], row["Stock"], row["Price"], row["Result"]) == (
            str(PRODUCTS),
            str(UNITS),
            "0",  # the creates listed the prices; only the stock is sent after them
            "ok",
        )
        (run,) = sw.ledger.runs()
        assert f"Run {run.id} recorded" in done.stdout
        assert_published(sw, "lazada")

        seen = len(sw.requests_log("lazada"))
        again = listsync(sw.root, "sync")
        assert again.returncode == 0, again.stderr
        row = summary_row(again.stdout, "lazada")
        assert (row["Created"], row["Same"], row["Stock"]) == ("0", str(PRODUCTS), "0")
        assert {e["method"] for e in sw.requests_log("lazada")[seen:]} == {"GET"}


def test_a_failing_channel_exits_1_with_one_line(tmp_path: Path) -> None:
    overrides = {"lazada": {"max_attempts": 2}}
    with sandbox_workspace(tmp_path / "ws", ("lazada",), channel_overrides=overrides) as sw:
        sw.fault("lazada", action="status", status=503, times=None)
        seen = len(sw.requests_log("lazada"))
        done = listsync(sw.root, "sync")
        assert done.returncode == 1
        assert "Traceback" not in done.stdout + done.stderr
        assert summary_row(done.stdout, "lazada")["Result"] == "FAILED"
        (line,) = [line for line in done.stdout.splitlines() if line.startswith("lazada failed:")]
        assert "HTTP 503" in line
        assert len(sw.requests_log("lazada")) - seen == 2
        (run,) = sw.ledger.runs()
        assert run.status == "failed"


def test_a_product_that_could_not_be_listed_shows_everywhere_and_exits_3(
    tmp_path: Path,
) -> None:
    """A photo deleted after the import: found on this computer on both marketplaces (never
    "rejected"), in the summary's To fix, in listings --state failed, in runs and in the
    report; the run is done but needs you (exit code 3). Put back, it is listed."""
    with sandbox_workspace(tmp_path / "ws", ("lazada", "shopee")) as sw:
        photo = sw.root / "images" / "tra-sen-tay-ho.png"
        kept = photo.read_bytes()
        photo.unlink()
        done = listsync(sw.root, "sync")
        assert done.returncode == 3, done.stdout + done.stderr
        fixes = [line for line in done.stdout.splitlines() if line.startswith("  - ")]
        assert len(fixes) == 2
        for channel in ("lazada", "shopee"):
            assert summary_row(done.stdout, channel)["Failed"] == "1"
            assert any(
                line.startswith(f"  - {channel}: TSTH was not sent, fix the catalog: ")
                and "tra-sen-tay-ho.png" in line
                for line in fixes
            ), fixes
        assert "rejected" not in done.stdout
        assert "Done, but something needs you" in done.stdout

        listed = listsync(sw.root, "listings", "--state", "failed")
        assert listed.returncode == 0, listed.stderr
        rows = [line.split()[:3] for line in listed.stdout.splitlines()]
        assert ["TSTH", "lazada", "failed"] in rows and ["TSTH", "shopee", "failed"] in rows
        for channel in ("lazada", "shopee"):
            assert f"  TSTH on {channel}: not sent, fix the catalog: " in listed.stdout
        runs = listsync(sw.root, "runs")
        assert " · needs attention" in runs.stdout.splitlines()[0]
        report = listsync(sw.root, "report")
        text = " ".join(report.stdout.split())
        assert "To fix: products that could not be listed" in text
        assert "TSTH on lazada: not sent, fix the catalog: " in text

        photo.write_bytes(kept)
        again = listsync(sw.root, "sync")
        assert again.returncode == 0, again.stdout + again.stderr
        assert "To fix" not in again.stdout
        cleared = listsync(sw.root, "listings", "--state", "failed")
        assert cleared.stdout.startswith("No listing matches.")
        assert set(sw.units("lazada")) >= {"TSTH-100", "TSTH-250"}
