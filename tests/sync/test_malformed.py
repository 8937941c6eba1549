"""docs/reliability.md #14: a reply of the wrong shape fails its own channel, and only it.

Both sandboxes run in one workspace over real HTTP. After a first sync, a stock count
changes, so both channels have a stock figure to send; then one marketplace answers one
call with a body of the wrong shape (the sandbox's ``malformed`` fault). The run must name
the channel and the call in a sentence, still send the other channel's stock, exit 1, and
record the run as failed with that sentence, in the ledger and in ``listsync runs``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from listsync.schedule.nightly import run_nightly
from tests.sync.support import (
    MARKETS,
    SandboxWorkspace,
    errors,
    expected_offer,
    listsync,
    ok,
    sandbox_workspace,
)

CHANGED = "GIO-UL-1KG"  # the SKU whose count changes between the two syncs
COUNTED = 40
ORDERED = "TSTH-100"  # what the failing marketplace's orders hold (so its batches are read)
SHAPE = "the reply does not have the documented shape"


@dataclass(frozen=True)
class Case:
    channel: str  # the marketplace answering wrongly
    path: str
    body: Any  # what it answers (JSON, or text sent as it is)
    error: str  # the one line the run records for that channel
    orders: int = 0  # orders made first, so the call answering wrongly is reached

    @property
    def other(self) -> str:
        return "lazada" if self.channel == "shopee" else "shopee"


SHOPEE_OK = {"error": "", "message": "", "request_id": "0b1c2d3e"}
LAZADA_OK = {"code": "0", "request_id": "2101a2b3c4"}
LAZADA_TIME = "2026-05-01 09:30:00 +0700"

CASES = {
    # the audit's case: a list that is not a list
    "shopee-order-list-not-a-list": Case(
        "shopee",
        "/api/v2/order/get_order_list",
        {
            **SHOPEE_OK,
            "response": {"more": False, "next_cursor": "", "order_list": "not-a-list"},
        },
        f"shopee get_order_list: {SHAPE} (response.order_list: must be a list)",
    ),
    # a required field missing
    "lazada-order-without-order-id": Case(
        "lazada",
        "/rest/orders/get",
        {
            **LAZADA_OK,
            "data": {
                "count": 1,
                "countTotal": 1,
                "orders": [
                    {
                        "created_at": LAZADA_TIME,
                        "updated_at": LAZADA_TIME,
                        "price": "120000.00",
                        "statuses": ["pending"],
                    }
                ],
            },
        },
        f"lazada get_orders: {SHAPE} (data.orders.0.order_id: is missing)",
    ),
    # wrong types in batch replies: details of up to 50 orders, items of up to 50 orders
    "shopee-detail-batch-quantity-in-words": Case(
        "shopee",
        "/api/v2/order/get_order_detail",
        {
            **SHOPEE_OK,
            "response": {
                "order_list": [
                    {
                        "order_sn": "260501ABCDEF01",
                        "order_status": "READY_TO_SHIP",
                        "currency": "VND",
                        "create_time": 1_777_600_000,
                        "update_time": 1_777_600_000,
                        "item_list": [{"model_sku": ORDERED, "model_quantity_purchased": "two"}],
                    }
                ]
            },
        },
        f"shopee get_order_detail: {SHAPE}"
        " (response.order_list.0.item_list.0.model_quantity_purchased: must be a whole number)",
        orders=2,
    ),
    "lazada-items-batch-rows-not-a-list": Case(
        "lazada",
        "/rest/orders/items/get",
        {**LAZADA_OK, "data": [{"order_id": 1, "order_items": {"sku": ORDERED}}]},
        f"lazada get_order_items: {SHAPE} (data.0.order_items: must be a list)",
        orders=2,
    ),
    # not JSON at all
    "shopee-order-list-html": Case(
        "shopee",
        "/api/v2/order/get_order_list",
        "<html><body>502 Bad Gateway</body></html>",
        "shopee get_order_list: the reply was not valid JSON (HTTP 200):"
        " '<html><body>502 Bad Gateway</body></html>'",
    ),
}


@contextmanager
def published(root: Path, **options: Any) -> Iterator[SandboxWorkspace]:
    """Both marketplaces, published once; then a count changes, so each has stock to send."""
    with sandbox_workspace(root, ("lazada", "shopee"), **options) as workspace:
        ok(workspace.sync())
        workspace.ws.set_stock(CHANGED, COUNTED)
        yield workspace


@pytest.fixture
def sw(tmp_path: Path) -> Iterator[SandboxWorkspace]:
    with published(tmp_path / "ws") as workspace:
        yield workspace


def answer_wrongly(sw: SandboxWorkspace, case: Case) -> None:
    if case.orders:
        paid = MARKETS[case.channel].paid
        for _ in range(case.orders):
            sw.orders(case.channel, sku=ORDERED, quantity=1, status=paid)
    body = case.body if isinstance(case.body, str) else json.dumps(case.body)
    sw.fault(case.channel, action="malformed", path=case.path, body=body, times=None)


def stock_of(sw: SandboxWorkspace, channel: str) -> int:
    return int(sw.units(channel)[CHANGED]["stock"])


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_a_wrong_shape_fails_its_channel_and_the_other_still_sends(
    sw: SandboxWorkspace, case: Case
) -> None:
    before = stock_of(sw, case.channel)
    answer_wrongly(sw, case)

    result = sw.sync()

    assert errors(result) == {case.channel: case.error, case.other: None}
    assert result.exit_code == 1 and not result.ok
    # the other marketplace was sent its pending stock change in the same run
    assert stock_of(sw, case.other) == expected_offer(CHANGED, COUNTED) != before
    assert sw.offered(case.other)[CHANGED] == expected_offer(CHANGED, COUNTED)
    # the failing one was not pushed (its pull failed), and nothing of it was stored
    assert stock_of(sw, case.channel) == before
    assert sw.ledger.order_count(case.channel) == 0
    # the ledger says what happened
    latest, first = sw.ledger.runs()
    assert first.status == "ok" and latest.id == result.run_id
    assert latest.status == "failed"
    assert {c.channel: c.error for c in latest.channels} == errors(result)


def test_listsync_sync_exits_1_and_listsync_runs_says_failed(tmp_path: Path) -> None:
    """The audit's reply through the command a clerk runs, then the history they read."""
    case = CASES["shopee-order-list-not-a-list"]
    once = {"shopee": {"max_attempts": 1}}  # the command sleeps for real between attempts
    with published(tmp_path / "ws", channel_overrides=once) as sw:
        answer_wrongly(sw, case)
        done = listsync(sw.root, "sync")
        history = listsync(sw.root, "runs")
        lazada_stock = stock_of(sw, "lazada")

    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert f"shopee failed: {case.error}" in done.stdout.splitlines()
    assert lazada_stock == expected_offer(CHANGED, COUNTED)
    assert history.returncode == 0, history.stderr
    lines = history.stdout.splitlines()
    newest = next(line for line in lines if line.startswith("Run "))
    assert " · sync · " in newest and newest.endswith(" · failed")
    assert case.error in lines  # the channel's reason, on one line, before the older run
    assert lines.index(case.error) < lines.index(
        next(line for line in lines[1:] if line.startswith("Run "))
    )


def test_the_nightly_run_records_what_it_printed(sw: SandboxWorkspace) -> None:
    case = CASES["shopee-order-list-not-a-list"]
    answer_wrongly(sw, case)

    result = run_nightly(sw.root, clock=sw.clock)

    assert result.exit_code == 1
    verdict, said = result.summary.split(" — ", 1)
    assert " listsync nightly: FAILED" in verdict
    assert said == f"lazada ok (0 new orders), shopee FAILED ({case.error.removeprefix('shopee ')})"
    (latest, _first) = sw.ledger.runs()
    assert (latest.id, latest.command, latest.status) == (result.run_id, "nightly", "failed")
    assert {c.channel: c.error for c in latest.channels} == {"lazada": None, "shopee": case.error}
    assert stock_of(sw, "lazada") == expected_offer(CHANGED, COUNTED)
