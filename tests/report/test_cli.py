"""``listsync report``, ``runs`` and ``listings`` through the real entry point."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

import listsync.cli.main as cli_module
from listsync.channel.contract import ListingState, Money
from listsync.channel.faults import Fault
from listsync.clock import FakeClock
from listsync.ledger.database import Ledger, ListingRecord, OfferRecord
from tests.report.support import NOW, TOTAL, shop_ledger

CONFIG = """\
timezone = "Asia/Ho_Chi_Minh"
usd_vnd_rate = "25400"

[stock]
buffer = 1

[channels.shopee]
enabled = true

[channels.lazada]
enabled = true

[channels.tiki]
enabled = true
"""


def run(*args: str) -> Result:
    command = click.Command("listsync", callback=lambda: cli_module.main(list(args)))
    return CliRunner().invoke(command, [], catch_exceptions=False)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "listsync.toml").write_text(CONFIG, encoding="utf-8")
    shop_ledger(folder).close()
    return folder


def report_args(ws: Path, *more: str) -> list[str]:
    return ["-w", str(ws), "report", "--from", "2026-11-17", "--to", "23/11/2026", *more]


def test_report_table(ws: Path) -> None:
    result = run(*report_args(ws))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Orders by day, 2026-11-17 to 2026-11-23 (Asia/Ho_Chi_Minh)"
    assert all(len(line) <= 80 for line in lines)
    total = next(line for line in lines if line.startswith("Total "))
    assert total.split() == ["Total", "7", "1", "1", "18"]
    assert "2.550.500" in result.output  # the configured rate converts USD


def test_report_json_by_channel_with_a_filter(ws: Path) -> None:
    result = run(*report_args(ws, "--by", "channel", "--channel", "shopee", "--format", "json"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [row["channel"] for row in data["orders"]["rows"]] == ["shopee"]
    assert data["orders"]["total"]["orders"] == 3 and data["channels"] == ["shopee"]


def test_report_tz_moves_the_days(ws: Path) -> None:
    result = run(*report_args(ws, "--tz", "UTC", "--format", "json"))
    rows = {row["day"]: row["orders"] for row in json.loads(result.output)["orders"]["rows"]}
    assert rows["2026-11-20"] == 2  # S1 and S2 share a UTC day


def test_html_without_output_goes_to_the_workspace(ws: Path) -> None:
    result = run(*report_args(ws, "--format", "html"))
    assert result.exit_code == 0, result.output
    (written,) = ws.glob("report-*.html")
    assert result.output == f"Report written to {written}\n"
    assert "Bún gạo lứt Chũ Bắc Giang" in written.read_text(encoding="utf-8")


def test_csv_to_a_file(ws: Path, tmp_path: Path) -> None:
    target = tmp_path / "orders.csv"
    result = run(*report_args(ws, "--format", "csv", "-o", str(target)))
    assert result.output == f"Report written to {target}\n"
    text = target.read_text(encoding="utf-8-sig")
    assert text.splitlines()[8].startswith(f"total,{TOTAL[0]},")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--tz", "Asia/Hanoi"), "error: --tz 'Asia/Hanoi' is not a time zone"),
        (("--from", "31/02/2026"), "error: --from '31/02/2026' is not a date"),
        (("--to", "2026-11-01"), "error: --from 2026-11-17 is after --to 2026-11-01"),
        (
            ("--channel", "tikky"),
            "error: --channel tikky: no such channel in this workspace; did you mean tiki?",
        ),
        (("--channel", "sendo"), "error: --channel sendo: no such channel in this workspace (kn"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(ws: Path, args: tuple[str, ...], message: str) -> None:
    result = run("-w", str(ws), "report", "--from", "2026-11-17", *args)
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert result.output.startswith(message)
    assert not list(ws.glob("report-*"))


# -- runs -----------------------------------------------------------------------------------
def record_runs(ws: Path) -> None:
    clock = FakeClock(NOW)
    with Ledger.open(ws / "listsync.sqlite3", clock=clock) as ledger:
        first = ledger.start_run("sync", 4242)
        clock.advance(65)
        ledger.record_channel(
            first, "shopee", {"orders_new": 3, "stock_sets": 5, "api_calls": 14, "retries": 1}
        )
        ledger.record_channel(
            first,
            "lazada",
            {"api_calls": 2},
            "lazada /orders/get: the shop's authorization expired:\nrun listsync auth lazada",
        )
        ledger.finish_run(first, "failed")
        clock.advance(timedelta(hours=3).total_seconds())
        ledger.start_run("orders pull", 4243)  # killed: never finished


def test_runs(ws: Path) -> None:
    record_runs(ws)
    result = run("-w", str(ws), "runs")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Run 2 · orders pull · 2026-11-23 20:01 · — · unfinished"
    first = lines.index("Run 1 · sync · 2026-11-23 17:00 · 1 min 05 s · failed")
    header, _rule, *rest = lines[first + 1 :]
    assert header.split()[:4] == ["Channel", "Result", "Orders", "Changed"]
    rows = {row.split()[0]: row.split() for row in rest[:2]}
    assert rows["shopee"][:3] == ["shopee", "ok", "3"] and rows["shopee"][-1] == "14"
    assert rows["lazada"][:2] == ["lazada", "FAILED"]
    error = "lazada /orders/get: the shop's authorization expired: run listsync auth lazada"
    assert lines[lines.index(rest[1]) + 1] == error  # on one line, right under its run
    assert all(len(line) <= 80 for line in lines)


def test_runs_limit_and_none(ws: Path) -> None:
    assert run("-w", str(ws), "runs").output.startswith("No sync has been recorded yet")
    record_runs(ws)
    result = run("-w", str(ws), "runs", "--limit", "1")
    assert "Run 2 " in result.output and "Run 1 " not in result.output
    assert run("-w", str(ws), "runs", "--limit", "0").exit_code == 2


# -- listings -------------------------------------------------------------------------------
def record_listings(ws: Path) -> None:
    with Ledger.open(ws / "listsync.sqlite3", clock=FakeClock(NOW)) as ledger:
        ledger.save_listings(
            [
                ListingRecord("TSTH", "lazada", "LZ-1", ListingState.LIVE, "3100000001"),
                ListingRecord("BUN", "lazada", "LZ-1", ListingState.LIVE, "3100000002"),
                ListingRecord(
                    "TSTH",
                    "tiki",
                    "T1",
                    ListingState.REJECTED,
                    "88123",
                    reasons=("Ảnh sản phẩm quá nhỏ", "Thiếu giấy chứng nhận OCOP"),
                ),
                ListingRecord(
                    "CBT", "shopee", "SHOP-1", ListingState.FAILED, last_error="weight too high"
                ),
            ]
        )
        ledger.save_offers(
            [
                OfferRecord("TSTH-100", "lazada", "LZ-1", 12, Money.vnd(120_000)),
                OfferRecord("TSTH-250", "lazada", "LZ-1", 4, Money.vnd(250_000)),
                OfferRecord("BUN", "lazada", "LZ-1", 30, Money.vnd(45_000), last_error="too low"),
            ]
        )


def test_listings(ws: Path) -> None:
    record_listings(ws)
    result = run("-w", str(ws), "listings")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(len(line) <= 80 for line in lines[: lines.index("")])
    rows = [line.split() for line in lines]
    assert ["TSTH", "lazada", "live", "3100000001"] in rows
    assert ["TSTH-100", "12", "120.000", "₫"] in rows and ["TSTH-250", "4", "250.000", "₫"] in rows
    assert ["BUN", "lazada", "live", "3100000002", "30", "45.000", "₫"] in rows
    assert ["TSTH", "tiki", "rejected", "88123"] in rows
    assert ["CHIEU", "shopee", "not", "listed", "—", "—", "—"] in rows
    assert "  TSTH on tiki: rejected: Ảnh sản phẩm quá nhỏ; Thiếu giấy chứng nhận OCOP" in lines
    assert "  CBT on shopee: last error: weight too high" in lines
    assert "  BUN on lazada: stock or price refused: too low" in lines


def test_listings_filters(ws: Path) -> None:
    record_listings(ws)
    rejected = run("-w", str(ws), "listings", "--state", "rejected").output.splitlines()
    assert [line.split()[:3] for line in rejected[2:3]] == [["TSTH", "tiki", "rejected"]]
    assert not any(line.startswith(("BUN", "CBT", "CHIEU")) for line in rejected)
    live = run("-w", str(ws), "listings", "--channel", "lazada", "--state", "live").output
    assert {line.split()[0] for line in live.splitlines()[2:5]} == {"BUN", "TSTH", "TSTH-100"}
    assert "tiki" not in live and "shopee" not in live
    not_listed = run("-w", str(ws), "listings", "--state", "not listed").output
    assert "CHIEU" in not_listed and "3100000001" not in not_listed
    bad = run("-w", str(ws), "listings", "--state", "gone")
    assert bad.exit_code == 2 and bad.output.startswith("error: --state 'gone': choose one of")
    typo = run("-w", str(ws), "listings", "--channel", "lazda")
    assert typo.exit_code == 2 and typo.output == (
        "error: --channel lazda: no such channel in this workspace; did you mean lazada?\n"
    )


def test_listings_state_failed_shows_every_product_that_could_not_be_listed(ws: Path) -> None:
    """Rejected ones too, and a live one whose last push failed on the way; each says whose
    fault it was."""
    record_listings(ws)
    with Ledger.open(ws / "listsync.sqlite3", clock=FakeClock(NOW)) as ledger:
        ledger.save_listings(
            [
                ListingRecord(
                    "BUN",
                    "lazada",
                    "LZ-1",
                    ListingState.LIVE,
                    "3100000002",
                    last_error="update_product: HTTP 503",
                    fault=Fault.TEMPORARY,
                ),
                ListingRecord(
                    "CHIEU",
                    "shopee",
                    "SHOP-1",
                    ListingState.FAILED,
                    last_error="images: photo images/chieu.png does not exist",
                    fault=Fault.CATALOG,
                ),
            ]
        )
    result = run("-w", str(ws), "listings", "--state", "failed")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    heads = [line.split()[:3] for line in lines[2 : lines.index("")] if not line.startswith(" ")]
    assert heads == [
        ["BUN", "lazada", "live"],
        ["CBT", "shopee", "failed"],
        ["CHIEU", "shopee", "failed"],
        ["TSTH", "tiki", "rejected"],
    ]
    assert "  BUN on lazada: failed on the way, tried again next run: update_product: HTTP 503" in (
        lines
    )
    assert (
        "  CHIEU on shopee: not sent, fix the catalog: images: photo images/chieu.png does not"
        " exist" in lines
    )
    assert "  TSTH on tiki: rejected: Ảnh sản phẩm quá nhỏ; Thiếu giấy chứng nhận OCOP" in lines
    assert "  CBT on shopee: last error: weight too high" in lines  # failed before faults were kept
    only = run("-w", str(ws), "listings", "--state", "failed", "--channel", "tiki").output
    assert "TSTH" in only and "CBT" not in only


def test_a_disabled_channel_is_known_but_not_shown(ws: Path) -> None:
    config = ws / "listsync.toml"
    config.write_text(CONFIG + "\n[channels.sendo]\nenabled = false\n", encoding="utf-8")
    shown = run(*report_args(ws, "--by", "channel", "--format", "json"))
    rows = json.loads(shown.output)["orders"]["rows"]
    assert [row["channel"] for row in rows] == ["alibaba", "lazada", "shopee", "tiki"]
    only = run(*report_args(ws, "--channel", "sendo", "--format", "json"))
    assert only.exit_code == 0 and json.loads(only.output)["orders"]["total"]["orders"] == 0
    listed = run("-w", str(ws), "listings", "--channel", "sendo")
    assert listed.exit_code == 0, listed.output
