"""Orders: counted once whatever is replayed, and the checkpoint moves with them or not at all."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from listsync.channel.contract import Money, Order, OrderLine, OrderState
from listsync.ledger import records_store as ledger_store
from listsync.ledger.database import Ledger, OrderCounts
from tests.ledger.support import make_order, open_ledger


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with open_ledger(tmp_path) as ledger:
        yield ledger


def _counts(counts: OrderCounts) -> tuple[int, int, int]:
    return counts.new, counts.updated, counts.unchanged


def test_a_replay_changes_nothing(ledger: Ledger) -> None:
    batch = [make_order("A"), make_order("B", lines=(("TEA-1", 2), ("MAT-S", 1)))]
    first = ledger.upsert_orders("shopee", "S1", batch, ("orders", "cursor-1"))
    assert _counts(first) == (2, 0, 0) and first.changed_ids == ("A", "B")
    stored = ledger.orders()
    again = ledger.upsert_orders("shopee", "S1", batch, ("orders", "cursor-2"))
    assert _counts(again) == (0, 0, 2) and again.changed_ids == ()
    assert ledger.orders() == stored  # not rewritten: fetched_at is the first fetch's
    assert ledger.order_count() == 2
    assert ledger.checkpoint("shopee", "S1", "orders") == "cursor-2"


def test_a_status_change_updates_one_row(ledger: Ledger) -> None:
    ledger.upsert_orders("shopee", "S1", [make_order("A"), make_order("B")])
    shipped = make_order("A", OrderState.SHIPPED, hours=5)
    counts = ledger.upsert_orders("shopee", "S1", [shipped, make_order("B")])
    assert _counts(counts) == (0, 1, 1) and counts.changed_ids == ("A",)
    assert ledger.order_count() == 2
    assert ledger.order("shopee", "S1", "A") == shipped


def test_changed_lines_replace_the_old_ones(ledger: Ledger) -> None:
    ledger.upsert_orders("lazada", "L1", [make_order("A", lines=(("TEA-1", 1), ("MAT-S", 1)))])
    fewer = make_order("A", hours=1, lines=(("TEA-1", 3),))
    assert _counts(ledger.upsert_orders("lazada", "L1", [fewer])) == (0, 1, 0)
    assert ledger.order("lazada", "L1", "A") == fewer


def test_an_older_version_never_rolls_an_order_back(ledger: Ledger) -> None:
    paid, shipped = make_order("A"), make_order("A", OrderState.SHIPPED, hours=2)
    ledger.upsert_orders("shopee", "S1", [shipped])
    assert _counts(ledger.upsert_orders("shopee", "S1", [paid])) == (0, 0, 1)
    assert ledger.order("shopee", "S1", "A") == shipped
    same_batch = ledger.upsert_orders("tiki", "T1", [shipped, paid, shipped, paid])
    assert _counts(same_batch) == (1, 0, 0)
    assert ledger.order("tiki", "T1", "A") == shipped


def test_orders_are_kept_apart_by_channel_and_shop(ledger: Ledger) -> None:
    for channel, shop in [("shopee", "S1"), ("shopee", "S2"), ("lazada", "S1")]:
        ledger.upsert_orders(channel, shop, [make_order("SAME-ID")])
    assert ledger.order_count() == 3
    assert ledger.order_count("shopee") == 2
    assert [(o.channel, o.shop_id) for o in ledger.orders("shopee", "S2")] == [("shopee", "S2")]
    assert ledger.order("tiki", "S1", "SAME-ID") is None


def test_times_come_back_as_aware_utc_and_money_exact(ledger: Ledger) -> None:
    hanoi = timezone(timedelta(hours=7))
    local = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=hanoi)
    order = Order(
        "EXPORT-1",
        OrderState.PAID,
        "TO_BE_SHIPPED",
        local,
        local + timedelta(minutes=1),
        Money(Decimal("1275.50"), "USD"),
        (OrderLine("TEA-1", 300, Money(Decimal("4.25"), "USD"), "x-1"),),
    )
    ledger.upsert_orders("alibaba", "A1", [order])
    stored = ledger.order("alibaba", "A1", "EXPORT-1")
    assert stored is not None
    assert stored.created_at.tzinfo is UTC
    assert stored.created_at == local and stored.created_at.hour == 2
    assert stored.total == Money(Decimal("1275.50"), "USD")
    assert stored.lines[0].unit_price == Money(Decimal("4.25"), "USD")
    assert stored == order
    with ledger.read() as session:
        raw = session.connection().exec_driver_sql('SELECT created_at FROM "order"').scalar()
    assert raw == "2026-03-01T02:30:15.123456Z"


def test_the_checkpoint_is_not_written_when_the_transaction_fails(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger.upsert_orders("shopee", "S1", [make_order("A")], ("orders", "cursor-1"))

    def crash(*args: object) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(ledger_store, "_write_checkpoint", crash)
    with pytest.raises(OSError, match="power cut"):
        ledger.upsert_orders(
            "shopee",
            "S1",
            [make_order("A", OrderState.CANCELLED, hours=1), make_order("B")],
            ("orders", "cursor-2"),
        )
    monkeypatch.undo()
    assert ledger.order_count() == 1
    assert ledger.order("shopee", "S1", "A") == make_order("A")
    assert ledger.checkpoint("shopee", "S1", "orders") == "cursor-1"
    counts = ledger.upsert_orders("shopee", "S1", [make_order("B")], ("orders", "cursor-2"))
    assert _counts(counts) == (1, 0, 0)
    assert ledger.checkpoint("shopee", "S1", "orders") == "cursor-2"


def test_checkpoints_are_per_channel_shop_and_stream(ledger: Ledger) -> None:
    ledger.set_checkpoint("tiki", "T1", "orders", "2026-03-01T00:00:00Z")
    ledger.set_checkpoint("tiki", "T1", "reviews", "page-7")
    ledger.set_checkpoint("tiki", "T1", "orders", "2026-03-02T00:00:00Z")
    assert ledger.checkpoint("tiki", "T1", "orders") == "2026-03-02T00:00:00Z"
    assert ledger.checkpoint("tiki", "T1", "reviews") == "page-7"
    assert ledger.checkpoint("tiki", "T2", "orders") is None


def test_an_empty_batch_still_moves_the_checkpoint(ledger: Ledger) -> None:
    assert _counts(ledger.upsert_orders("shopee", "S1", [], ("orders", "c9"))) == (0, 0, 0)
    assert ledger.checkpoint("shopee", "S1", "orders") == "c9"


def test_channels_pulled_in_parallel_all_land(ledger: Ledger) -> None:
    channels = ["shopee", "lazada", "tiki", "alibaba"]

    def pull(channel: str) -> OrderCounts:
        total = OrderCounts()
        for page in range(5):
            batch = [make_order(f"{channel}-{page}-{n}") for n in range(20)]
            total += ledger.upsert_orders(channel, "S1", batch, ("orders", f"page-{page}"))
        return total

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(pull, channels))
    assert [r.new for r in results] == [100] * 4
    assert ledger.order_count() == 400
    assert {ledger.checkpoint(c, "S1", "orders") for c in channels} == {"page-4"}
