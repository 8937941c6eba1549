"""kill -9 of ``listsync sync`` at many moments, then a rerun (docs/reliability.md #22).

Every rerun must end where an undisturbed run ends: the same listings, stock and prices on
the marketplace (one listing per SKU), the same orders, stock movements and offers in the
ledger, and no listing left SENDING. The sandbox lives in this test's process; the run
that is killed is a child process, stretched by a sandbox ``latency`` fault so the kill
points fall all over it: in the pull, between the pull and the settling, in image
uploads, between a create's intent and its reply, in the stock and price batch, in the
final bookkeeping. The rerun is made in this process, as soon as the killed run's
requests in flight have landed; if it leaves a create to verify (its lookup found
nothing yet), one more run after the grace period finishes the work.
"""

from __future__ import annotations

import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from listsync.channel.contract import ListingState
from tests.sync.support import (
    LISTSYNC,
    SandboxWorkspace,
    errors,
    import_catalog,
    ok,
    sandbox_workspace,
)

LATENCY = 0.08  # seconds added to every marketplace call of the killed run
WORKERS = 3
FIRST = ("TSTH", "BGMD-500")  # listed before the killed run; the three others are new in it
NAME = "lazada"


def prepared(sw: SandboxWorkspace) -> None:
    """The state before the run under test: two products listed, orders to pull (one
    shipped, one cancelled, two open), three new products and a stock count to publish."""
    ok(sw.sync())
    shipped, cancelled = (
        sw.orders(NAME, sku="BGMD-500", quantity=3),
        sw.orders(NAME, sku="TSTH-250"),
    )
    sw.orders(NAME, sku="TSTH-100", quantity=2)
    sw.orders(NAME, sku="BGMD-500")
    sw.set_status(NAME, shipped[0], "shipped")
    sw.set_status(NAME, cancelled[0], "canceled")
    import_catalog(sw.ws)
    sw.ws.set_stock("BGMD-500", 70)


def snapshot(sw: SandboxWorkspace) -> dict[str, Any]:
    """What must be equal after any run: ids the marketplace hands out are left out (a
    create delayed by a kill takes a later one), but they must agree with the ledger."""
    units = sw.units(NAME)  # fails on a SKU listed twice
    shop = sw.shop(NAME)
    listings = sw.ledger.listings(NAME)
    return {
        "marketplace": {sku: (u["stock"], u["price"], u["status"]) for sku, u in units.items()},
        "marketplace orders": sw.state(NAME)["orders"],
        "ids agree": all(
            units[sku]["remote_id"] == r.remote_id and units[sku]["unit_id"] == unit_id
            for r in listings
            for sku, unit_id in r.units.items()
        ),
        "orders": sorted(
            (
                stored.order.order_id,
                stored.order.state,
                tuple(sorted((line.sku, line.quantity) for line in stored.order.lines)),
            )
            for stored in sw.ledger.orders()
        ),
        "on hand": sw.on_hand(),
        "movements": sorted((m.sku, m.delta, m.reason, m.reference) for m in sw.ledger.movements()),
        "listings": sorted((r.sku, r.state, sorted(r.units), r.pushed_hash) for r in listings),
        "offers": {
            sku: (offer.stock, offer.price, offer.last_error)
            for sku, offer in sw.ledger.offers(NAME, shop).items()
        },
    }


def run_child(sw: SandboxWorkspace, kill: tuple[int, float] | None) -> tuple[int, bool]:
    """``listsync sync`` in a child process; with ``kill = (n, delay)`` it gets SIGKILL
    ``delay`` seconds after the sandbox has logged its n-th call.

    A call is logged once the sandbox has carried it out, so ``delay`` decides whether the
    child dies while it handles that answer (and commits it), or while its next call is
    on the wire (which the sandbox still carries out: an answer lost to a dead client).
    Returns how many calls the child made and whether it was killed.
    """
    server = sw.servers[NAME]
    seen = len(server.calls())
    sw.fault(NAME, action="latency", seconds=LATENCY, times=None)
    child = subprocess.Popen(
        [*LISTSYNC, "-w", str(sw.root), "sync"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if kill is not None:
        calls, delay = kill
        deadline = time.monotonic() + 60
        while len(server.calls()) - seen < calls and child.poll() is None:
            assert time.monotonic() < deadline, "the child made no progress"
            time.sleep(0.005)
        time.sleep(delay)
        child.kill()
    _out, err = child.communicate(timeout=60)
    killed = child.returncode < 0
    if not killed:
        assert child.returncode == 0, err
    sw.clear_faults(NAME)
    time.sleep(2 * LATENCY)  # calls the dead run had on the wire land now
    return len(server.calls()) - seen, killed


def rerun(sw: SandboxWorkspace) -> None:
    first = sw.sync()
    assert first.ok, errors(first)
    states = {record.state for record in sw.ledger.listings(NAME)}
    assert ListingState.SENDING not in states
    if states != {ListingState.LIVE}:  # a create to verify once its grace is over
        ok(sw.sync(ahead=3700))
    runs = sw.ledger.runs()
    assert {run.status for run in runs} <= {"ok", "interrupted"}  # none left "running"
    assert [run.status for run in runs].count("interrupted") <= 1


def killed_at(root: Path, kill: tuple[int, float]) -> tuple[dict[str, Any], bool, bool]:
    """The state after a run killed at ``kill`` and a rerun; whether it was killed, and
    whether its run record was found cut short."""
    with sandbox_workspace(root, (NAME,), only=FIRST) as sw:
        prepared(sw)
        _calls, killed = run_child(sw, kill)
        rerun(sw)
        interrupted = any(run.status == "interrupted" for run in sw.ledger.runs())
        return snapshot(sw), killed, interrupted


def test_kill_9_at_any_moment_then_a_rerun_converges(tmp_path: Path) -> None:
    with sandbox_workspace(tmp_path / "undisturbed", (NAME,), only=FIRST) as sw:
        prepared(sw)
        total, killed = run_child(sw, None)
        assert not killed and total > 10
        expected = snapshot(sw)
        assert {r.state for r in sw.ledger.listings(NAME)} == {ListingState.LIVE}
        ok(sw.sync())  # an undisturbed run is finished: another one changes nothing
        assert snapshot(sw) == expected

    # after every call of the run (and once during start-up), at three moments of a call,
    # and a few more late in a call, where the next one is on the wire
    points = [(n, (n % 3) * LATENCY / 3 + 0.01) for n in range(total + 1)]
    points += [(n, LATENCY * 0.9) for n in range(3, total, 5)]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcomes = list(
            pool.map(lambda k: killed_at(tmp_path / f"kill-{k}", points[k]), range(len(points)))
        )
    for (n, delay), (found, _killed, _interrupted) in zip(points, outcomes, strict=True):
        differing = sorted(key for key in expected if found[key] != expected[key])
        assert not differing, f"killed {delay:.2f} s after call {n} of {total}: {differing}"
    cut_short = [interrupted for _found, killed, interrupted in outcomes if killed]
    assert len(cut_short) >= len(points) - 2  # all but the last moments were cut short
    assert sum(cut_short) >= len(cut_short) - 2  # each (but those killed starting) recorded
