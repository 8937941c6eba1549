"""Random sequences of order upserts, replays, status changes and stock movements.

A plain-Python model says what the ledger must hold after each step: one row per
order id, the newest version of each, and on hand equal to the sum of the movements
that were accepted (a referenced movement only once).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from listsync.channel.contract import Order, OrderState
from listsync.ledger.database import Ledger, Movement, MovementReason
from tests.ledger.support import make_order, make_product, open_ledger

IDS = ("A", "B", "C", "D")
SKUS = ("TEA-1", "MAT-S")

order_versions = st.builds(
    make_order,
    st.sampled_from(IDS),
    st.sampled_from(list(OrderState)),
    hours=st.integers(0, 4),
    lines=st.lists(st.tuples(st.sampled_from(SKUS), st.integers(1, 3)), min_size=1, max_size=2).map(
        tuple
    ),
)
batches = st.lists(order_versions, max_size=4, unique_by=lambda order: order.order_id)
movements = st.builds(
    Movement,
    st.sampled_from(SKUS),
    st.integers(-5, 5),
    st.sampled_from(list(MovementReason)),
    st.sampled_from(("", "shopee:S1:A", "shopee:S1:B")),
)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("orders"), batches),
        st.tuples(st.just("replay"), st.integers(0, 10)),
        st.tuples(st.just("move"), st.lists(movements, max_size=4)),
    ),
    max_size=12,
)


@dataclass
class Model:
    orders: dict[str, Order] = field(default_factory=dict)
    batches: list[list[Order]] = field(default_factory=list)
    on_hand: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SKUS, 0))
    references: set[tuple[str, str, str]] = field(default_factory=set)
    movement_count: int = 0

    def upsert(self, batch: list[Order]) -> tuple[int, int, int]:
        new = updated = unchanged = 0
        for order in batch:
            stored = self.orders.get(order.order_id)
            if stored is None:
                new += 1
            elif stored == order or order.updated_at < stored.updated_at:
                unchanged += 1
                continue
            else:
                updated += 1
            self.orders[order.order_id] = order
        return new, updated, unchanged

    def move(self, batch: list[Movement]) -> int:
        accepted = 0
        for movement in batch:
            key = (movement.sku, str(movement.reason), movement.reference)
            if movement.reference and key in self.references:
                continue
            self.references.add(key)
            self.on_hand[movement.sku] += movement.delta
            accepted += 1
        self.movement_count += accepted
        return accepted


def _check(ledger: Ledger, model: Model) -> None:
    assert ledger.order_count() == len(model.orders)
    stored = {s.order.order_id: s.order for s in ledger.orders("shopee", "S1")}
    assert stored == model.orders
    assert ledger.on_hand() == model.on_hand
    assert len(ledger.movements()) == model.movement_count


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(steps)
def test_ledger_invariants_hold_after_every_step(plan: list[tuple[str, object]]) -> None:
    with tempfile.TemporaryDirectory() as folder, open_ledger(Path(folder)) as ledger:
        ledger.upsert_products([make_product("TEA-1"), make_product("MAT", "MAT-S")])
        model = Model()
        for kind, argument in plan:
            if kind == "orders":
                assert isinstance(argument, list)
                model.batches.append(argument)
                counts = ledger.upsert_orders("shopee", "S1", argument)
                assert (counts.new, counts.updated, counts.unchanged) == model.upsert(argument)
            elif kind == "replay" and model.batches:
                assert isinstance(argument, int)
                batch = model.batches[argument % len(model.batches)]
                counts = ledger.upsert_orders("shopee", "S1", batch)
                assert (counts.new, counts.updated, counts.unchanged) == model.upsert(batch)
            elif kind == "move":
                assert isinstance(argument, list)
                assert ledger.add_movements(argument) == model.move(argument)
            _check(ledger, model)
