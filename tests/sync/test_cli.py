"""`listsync sync` end to end: a child process, a workspace, a Lazada sandbox over HTTP."""

from __future__ import annotations

from pathlib import Path

from tests.sync.support import PRODUCTS, UNITS, assert_published, listsync, sandbox_workspace


def summary_row(output: str, channel: str) -> dict[str, str]:
    """The summary table's row for ``channel``, by column title."""
    lines = output.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Channel"))
    titles = [t for t in lines[header].split("  ") if t.strip()]
    titles = [t.strip() for t in titles]
    row = next(line for line in lines[header + 2 :] if line.split()[:1] == [channel])
    values = row.split()
    assert len(values) == len(titles), (titles, values)
    return dict(zip(titles, values, strict=True))


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
        assert done.stderr == ""
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
