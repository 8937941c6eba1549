"""Ctrl+C on a real ``listsync sync``: it stops within a call, keeps and records what it did.

The run is a child process against a Lazada sandbox in this test's process, with 35
products to publish and a ``latency`` fault on every call, so its push takes several
seconds. SIGINT (what Ctrl+C sends) comes twice while the sixth create is on the wire (held
there by a longer latency): between its intent and its outcome. The child must finish that
call and record it, then stop; print the summary and how far it got; exit 130; and leave a
ledger that agrees with the marketplace: every listing it says was sent is there once,
none is left SENDING, and the next sync finishes the rest without a duplicate.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

from listsync.catalog.files import load_catalog
from listsync.catalog.model import Catalog
from listsync.channel.contract import ListingState
from listsync.errors import EXIT_INTERRUPTED
from tests.sync.support import LISTSYNC, MARKETS, SandboxWorkspace, ok, sandbox_workspace

NAME = "lazada"
EXTRA = 30  # products added to the sample catalog's five
LATENCY = 0.1  # seconds added to every call of the child run
HELD = 5  # creates done before the one that Ctrl+C comes during
HOLD = 1.5  # seconds that create is held on the wire


def with_many_products(sw: SandboxWorkspace) -> int:
    """The sample catalog and ``EXTRA`` copies of its rice noodles, each with stock."""
    sample = load_catalog(sw.root / "catalog.yaml")
    noodles = next(p for p in sample.products if p.sku == "BGMD-500")
    copies = tuple(noodles.model_copy(update={"sku": f"BGMD-X{n:02d}"}) for n in range(EXTRA))
    sw.ws.import_catalog(Catalog(products=(*sample.products, *copies), source=sample.source))
    for copy in copies:
        sw.ws.set_stock(copy.sku, 10)
    return len(sample.products) + EXTRA


def creates(sw: SandboxWorkspace) -> int:
    path = MARKETS[NAME].create_path
    return sum(1 for entry in sw.requests_log(NAME) if entry["path"] == path)


def test_ctrl_c_stops_the_sync_safely_and_the_next_run_finishes(tmp_path: Path) -> None:
    with sandbox_workspace(tmp_path / "ws", (NAME,)) as sw:
        products = with_many_products(sw)
        create = MARKETS[NAME].create_path
        sw.fault(NAME, action="latency", method="POST", path=create, nth=HELD + 1, seconds=HOLD)
        sw.fault(NAME, action="latency", seconds=LATENCY, times=None)
        env = {k: v for k, v in os.environ.items() if not k.startswith("LISTSYNC_")}
        child = subprocess.Popen(
            [*LISTSYNC, "-w", str(sw.root), "sync"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            deadline = time.monotonic() + 60
            while creates(sw) < HELD:
                assert time.monotonic() < deadline and child.poll() is None, "no push"
                time.sleep(0.02)
            time.sleep(HOLD / 2)  # the next product's lookup is done; its create is held
            child.send_signal(signal.SIGINT)
            pressed = time.monotonic()
            time.sleep(HOLD / 5)
            child.send_signal(signal.SIGINT)  # a second Ctrl+C while it stops
            out, err = child.communicate(timeout=30)
            took = time.monotonic() - pressed
        finally:
            if child.poll() is None:
                child.kill()
        sw.clear_faults(NAME)

        assert child.returncode == EXIT_INTERRUPTED, out + err
        assert took < HOLD + 3, f"took {took:.1f} s to stop"  # that call, not the whole push
        assert "Traceback" not in out + err
        assert "stopping: listsync finishes the call under way" in err
        assert "still stopping: the call under way is finished safely first" in err
        found = re.search(r"stopped at your request: (\d+) of (\d+) products done", out)
        assert found, out
        assert (int(found[1]), int(found[2])) == (HELD + 1, products)

        (run,) = sw.ledger.runs()
        assert run.status == "interrupted"
        listings = sw.ledger.listings(NAME)
        assert ListingState.SENDING not in {record.state for record in listings}
        units = sw.units(NAME)  # fails if a SKU is listed twice
        sent = [record for record in listings if record.remote_id]
        assert len(sent) == creates(sw) == HELD + 1  # the held one too: recorded, not SENDING
        for record in sent:
            for sku in record.units:
                assert units[sku]["remote_id"] == record.remote_id, sku

        ok(sw.sync())
        assert creates(sw) == products  # the rest, and nothing twice
        units = sw.units(NAME)
        assert len({unit["remote_id"] for unit in units.values()}) == products
        assert {record.state for record in sw.ledger.listings(NAME)} == {ListingState.LIVE}
        after, stopped = (run.status for run in sw.ledger.runs())
        assert stopped == "interrupted" and after not in ("interrupted", "failed", "running")
