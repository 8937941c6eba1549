"""A computer clock running fast never costs an order: checkpoints take the marketplace's
time (the ``Date`` of its answers), never this computer's (docs/reliability.md #21)."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
import requests

from listsync.http import server_time
from tests.sync.support import sandbox_workspace

FAST = 110 * 60  # the computer's clock, 1 h 50 min ahead


@pytest.mark.parametrize("name", ["lazada", "shopee"])
def test_a_fast_clock_cannot_move_the_checkpoint_past_the_marketplace(
    tmp_path: Path, name: str
) -> None:
    with sandbox_workspace(tmp_path / "ws", (name,)) as sw:
        assert sw.sync(name, pull=False).ok  # listed, so the sandbox can take orders
        first = sw.sync(name, ahead=FAST, push=False)
        assert first.ok, first.outcomes[name].error
        shop = sw.shop(name)
        cursor = sw.ledger.checkpoint(name, shop, "orders")
        assert cursor is not None
        marketplace_now = sw.clock.now()
        assert datetime.fromisoformat(cursor) <= marketplace_now + timedelta(seconds=2)

        # an order placed after that run, pulled by a run with a right clock
        [order_id] = sw.orders(name, sku="TSTH-100", quantity=1)
        second = sw.sync(name, push=False)
        assert second.ok
        assert order_id in {stored.order.order_id for stored in sw.ledger.orders(name)}


def test_a_checkpoint_left_in_the_future_is_pulled_back(tmp_path: Path) -> None:
    with sandbox_workspace(tmp_path / "ws", ("lazada",)) as sw:
        assert sw.sync("lazada", pull=False).ok
        shop = sw.shop("lazada")
        future = sw.clock.now() + timedelta(hours=2)
        sw.ledger.set_checkpoint("lazada", shop, "orders", future.isoformat())
        [order_id] = sw.orders("lazada", sku="TSTH-100", quantity=1)
        assert sw.sync("lazada", push=False).ok
        assert order_id in {stored.order.order_id for stored in sw.ledger.orders("lazada")}
        cursor = sw.ledger.checkpoint("lazada", shop, "orders")
        assert cursor is not None and datetime.fromisoformat(cursor) < future


def test_the_sandbox_date_header_follows_its_clock(tmp_path: Path) -> None:
    with sandbox_workspace(tmp_path / "ws", ("lazada",)) as sw:
        server = sw.servers["lazada"]
        before = server_time(requests.get(server.root_url + "/nothing", timeout=5).headers["Date"])
        sw.advance_sandbox("lazada", 3 * 3600)
        after = server_time(requests.get(server.root_url + "/nothing", timeout=5).headers["Date"])
        assert before is not None and after is not None
        assert timedelta(hours=3) <= after - before < timedelta(hours=3, seconds=5)


def test_server_time_reads_http_dates() -> None:
    when = datetime(2026, 12, 4, 17, 30, 5).astimezone()
    assert server_time(format_datetime(when, usegmt=False)) == when
    assert server_time("Fri, 04 Dec 2026 17:30:05 GMT") == datetime.fromisoformat(
        "2026-12-04T17:30:05+00:00"
    )
    assert server_time(None) is None and server_time("yesterday") is None
