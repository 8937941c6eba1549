"""Reconciliation against the sandboxes over real HTTP: stock the marketplace moved by
itself is read back and set right (docs/reliability.md #38).

The sandboxes move stock as their marketplaces do: Shopee takes a shipped order's units
out of its seller stock; Lazada takes them out of its quantity when they ship and puts
them back when a shipped order is cancelled.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from listsync.report.runs import render_runs
from listsync.report.summary import render_summary
from listsync.sync.engine import RunResult
from listsync.sync.stock_rules import Drift
from tests.sync.support import STOCK, SandboxWorkspace, counts, ok, sandbox_workspace

# Shopee and Lazada read calls, by the path each sandbox logs
READS = {
    "shopee": ("/api/v2/product/get_model_list", "/api/v2/product/get_item_base_info"),
    "lazada": ("/rest/products/get",),
}


def sync(sw: SandboxWorkspace, *, reconcile: bool = True) -> RunResult:
    engine = sw.engine()
    if not reconcile:  # the engine as it was before reconciliation
        engine.options = replace(engine.options, reconcile_every=0)
    return ok(engine.run(sw.names))


def reads(sw: SandboxWorkspace, name: str, since: int = 0) -> int:
    log = sw.requests_log(name)[since:]
    return sum(1 for entry in log if entry["method"] == "GET" and entry["path"] in READS[name])


def drift_of(sw: SandboxWorkspace, name: str, sku: str) -> Drift | None:
    offer = sw.ledger.offer(sku, name, sw.shop(name))
    assert offer is not None
    return Drift.from_dict(offer.explain.get("drift"))


def test_a_lazada_order_cancelled_after_shipping_is_set_back(tmp_path: Path) -> None:
    """(a) Shipped and synced, then cancelled: Lazada puts the 2 units back (58) while the
    ledger keeps the sale (restock_returns is off) and means 56."""
    sku, name = "BGMD-500", "lazada"  # safety stock 20
    with sandbox_workspace(tmp_path / "ws", (name,), stock={sku: 78}, only={"BGMD-500"}) as sw:
        ok(sw.sync())
        assert sw.units(name)[sku]["stock"] == 58
        (order_id,) = sw.orders(name, sku=sku, quantity=2, status="pending")
        ok(sw.sync())
        assert (sw.units(name)[sku]["stock"], sw.units(name)[sku]["reserved"]) == (58, 2)

        sw.set_status(name, order_id, "shipped")  # Lazada takes the units out: 56
        seen = len(sw.requests_log(name))
        shipped = sync(sw)
        # Lazada already shows the 56 the ledger now means: nothing to send, nothing drifted
        assert sw.writes(name, seen) == []
        assert counts(shipped, name).get("drift", 0) == 0
        assert sw.on_hand()[sku] == 76 and sw.offered(name)[sku] == 56

        sw.set_status(name, order_id, "canceled")  # after shipping: Lazada puts them back
        assert sw.units(name)[sku]["stock"] == 58
        seen = len(sw.requests_log(name))
        corrected = sync(sw)
        assert counts(corrected, name)["drift"] == 1
        assert counts(corrected, name)["stock_sets"] == 1
        assert len(sw.writes(name, seen)) == 1
        assert (sw.units(name)[sku]["stock"], sw.units(name)[sku]["reserved"]) == (56, 0)
        assert sw.on_hand()[sku] == 76 and sw.offered(name)[sku] == 56
        drift = drift_of(sw, name, sku)
        assert drift is not None and (drift.shown, drift.intended) == (58, 56)
        assert drift.at is not None
        runs = sw.ledger.runs(limit=1)
        assert dict(runs[0].channels[0].counts)["drift"] == 1
        assert "Drift" in render_runs(runs, sw.ws.settings.tz)
        assert all(len(line) <= 80 for line in render_runs(runs, sw.ws.settings.tz).splitlines())
        shown = sw.ws.stock_given(sku)
        assert any("the marketplace showed 58, listsync intended 56" in line for line in shown)

        seen = len(sw.requests_log(name))
        quiet = sync(sw)  # no drift now: a read, and no write
        assert sw.writes(name, seen) == []
        assert reads(sw, name, seen) == 1  # one /products/get for the whole catalog
        assert counts(quiet, name).get("drift", 0) == 0
        assert sw.units(name)[sku]["stock"] == 56


def test_a_shopee_order_shipped_between_syncs_is_set_back(tmp_path: Path) -> None:
    """(b) The order's 2 units were counted in Shopee's figure (5 = 3 free + 2 held); it
    ships between syncs, and 2 units are counted into stock: the ledger means 5 again, as it
    last sent, while Shopee took the 2 shipped units out and shows 3."""
    sku, name = "BT-BINH-LAM-S-RAN", "shopee"  # no safety stock
    with sandbox_workspace(tmp_path / "ws", (name,), stock={sku: 5}, only={"BT-BINH-LAM"}) as sw:
        ok(sw.sync())
        (order_id,) = sw.orders(name, sku=sku, quantity=2, status="READY_TO_SHIP")
        ok(sw.sync())
        offer = sw.ledger.offer(sku, name, sw.shop(name))
        assert offer is not None and offer.stock == 5
        assert (sw.units(name)[sku]["stock"], sw.units(name)[sku]["reserved"]) == (5, 2)

        sw.set_status(name, order_id, "SHIPPED")
        sw.ws.add_stock(sku, 2, "received")
        assert sw.units(name)[sku]["stock"] == 3
        seen = len(sw.requests_log(name))
        for _ in range(3):  # without reconciliation, every rerun sends nothing
            sync(sw, reconcile=False)
        assert sw.writes(name, seen) == []
        assert sw.units(name)[sku]["stock"] == 3 and sw.offered(name)[sku] == 5

        corrected = sync(sw)
        assert counts(corrected, name)["drift"] == 1
        assert len(sw.writes(name, seen)) == 1  # one update_stock
        assert (sw.units(name)[sku]["stock"], sw.units(name)[sku]["reserved"]) == (5, 0)
        assert sw.on_hand()[sku] == 5 and sw.offered(name)[sku] == 5
        drift = drift_of(sw, name, sku)
        assert drift is not None and (drift.shown, drift.intended) == (3, 5)
        notes = corrected.outcomes[name].tally.notes
        assert any("it showed 3, listsync intended 5" in note for note in notes)
        shown = sw.ws.stock_given(sku)
        assert any("the marketplace showed 3, listsync intended 5" in line for line in shown)
        assert any("given 5: on hand 5" in line for line in shown)

        seen = len(sw.requests_log(name))
        quiet = sync(sw)
        assert sw.writes(name, seen) == []
        assert reads(sw, name, seen) == 1  # one get_model_list for the one item
        assert counts(quiet, name).get("drift", 0) == 0


def test_reconcile_every_third_run_reads_only_then(tmp_path: Path) -> None:
    sku, name = "BGMD-500", "lazada"
    with sandbox_workspace(
        tmp_path / "ws", (name,), stock={sku: 78}, only={"BGMD-500"}, sync={"reconcile_every": 3}
    ) as sw:
        ok(sw.sync())  # publishes; its read found nothing listed yet
        (order_id,) = sw.orders(name, sku=sku, quantity=2, status="pending")
        sw.set_status(name, order_id, "shipped")
        read_runs = []
        for run in range(1, 7):
            if run == 2:  # cancelled after shipping: Lazada puts the units back
                sw.set_status(name, order_id, "canceled")
            seen = len(sw.requests_log(name))
            result = ok(sw.sync())
            if reads(sw, name, seen):
                read_runs.append(run)
            if run == 1:  # the sale, sent as usual
                assert counts(result, name)["stock_sets"] == 1
            if run == 2:  # drifted, not read: left alone
                assert sw.writes(name, seen) == []
                assert sw.units(name)[sku]["stock"] == 58
            if run == 3:
                assert counts(result, name)["drift"] == 1
            assert sw.units(name)[sku]["stock"] == (58 if run == 2 else 56)
            assert sw.offered(name)[sku] == 56
        assert read_runs == [3, 6]


@pytest.mark.parametrize(("name", "calls"), [("shopee", 4), ("lazada", 1)])
def test_the_whole_catalog_is_read_in_batches(tmp_path: Path, name: str, calls: int) -> None:
    """11 SKUs of 5 listings: Shopee reads its 3 items with variants one get_model_list each
    and its 2 without in one get_item_base_info; Lazada all in one /products/get."""
    with sandbox_workspace(tmp_path / "ws", (name,)) as sw:
        ok(sw.sync())
        seen = len(sw.requests_log(name))
        result = ok(sw.sync())
        assert reads(sw, name, seen) == calls
        assert counts(result, name)["stock_read"] == len(STOCK)
        assert sw.writes(name, seen) == []
        assert "Drift" in render_summary(result)
