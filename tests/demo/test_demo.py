"""``listsync demo`` end to end, as a person runs it: a subprocess in a fresh folder."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from listsync.channel.contract import ListingState
from listsync.ledger.database import Ledger


def test_the_demo_runs_everything_against_the_sandboxes(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    done = subprocess.run(
        [sys.executable, "-m", "listsync", "demo", "--dir", str(folder), "--orders", "12"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "Stock now" in done.stdout and "Orders by channel" in done.stdout
    with Ledger.open(folder / "listsync.sqlite3") as ledger:
        runs = ledger.runs()
        # publish, the push that checks Tiki's review, the sync after the orders: each ok,
        # but for the sample's OCOP certificates whose day has passed, which need a person
        assert len(runs) == 3 and {run.status for run in runs} <= {"ok", "attention"}
        to_fix = done.stdout.split("To fix (", 1)[-1].split("Good to know", 1)[0]
        fixes = [line for line in to_fix.splitlines() if line.startswith("  - ")]
        assert all("OCOP certificate" in line and "expired on" in line for line in fixes)
        assert "tiki: 5 listings wait in the marketplace's review" in done.stdout
        assert "tiki: 5 listings passed review and are live" in done.stdout
        # the sample's fresh pork roll is not for export: four listings on Alibaba.com
        for channel, listed in (("shopee", 5), ("lazada", 5), ("tiki", 5), ("alibaba", 4)):
            assert f"{channel}: the sandbox took 12 orders" in done.stdout
            assert ledger.order_count(channel) == 12
            listings = ledger.listings(channel)
            assert len(listings) == listed
            assert {listing.state for listing in listings} == {ListingState.LIVE}
        # Alibaba.com's Trade Assurance orders are in USD, shown beside the dong, not added
        report = done.stdout.split("Orders by channel", 1)[1].split("Stock now", 1)[0]
        (row,) = [line for line in report.splitlines() if line.startswith("alibaba ")]
        usd = Decimal(row.split()[-1])
        assert usd > 0 and row.split()[-2] == "0"
        assert "USD orders are shown apart" in done.stdout
        b2b = ledger.offers("alibaba", "2508412730")  # the sandbox seller
        assert set(b2b) >= {"TSTH-100", "TSTH-250", "BGMD-500"}
        assert all(o.price is not None and o.price.currency == "USD" for o in b2b.values())
        assert {t.usd for t in b2b["TSTH-100"].tiers} == {
            Decimal("14.50"),
            Decimal("12.80"),
            Decimal("11.20"),
        }
        sold = [m for m in ledger.movements() if m.reason == "order_sale"]
        assert sold and all(m.delta < 0 for m in sold)


def test_the_demo_refuses_a_folder_in_use(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "listsync", "demo", "--dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "not empty" in done.stderr and "Traceback" not in done.stderr
