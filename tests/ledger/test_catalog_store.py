"""Products (import counts, never deleted) and stock (append-only movements, on hand = sum)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from listsync.errors import InputError
from listsync.ledger.database import (
    ImportSummary,
    Ledger,
    Movement,
    MovementReason,
    order_reference,
)
from tests.ledger.support import make_product, open_ledger


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with open_ledger(tmp_path) as ledger:
        ledger.upsert_products([make_product("TEA-1"), make_product("MAT", "MAT-S", "MAT-L")])
        yield ledger


def test_import_counts_and_idempotence(tmp_path: Path) -> None:
    with open_ledger(tmp_path) as ledger:
        first = ledger.upsert_products([make_product("A"), make_product("B"), make_product("C")])
        assert (first.added, first.changed, first.unchanged, first.removed) == (
            ("A", "B", "C"),
            (),
            (),
            (),
        )
        again = ledger.upsert_products([make_product("A"), make_product("B"), make_product("C")])
        assert again == ImportSummary(unchanged=("A", "B", "C"), active_before=3)
        third = ledger.upsert_products(
            [make_product("A"), make_product("B", price=99_000), make_product("D")]
        )
        assert third == ImportSummary(
            added=("D",), changed=("B",), unchanged=("A",), removed=("C",), active_before=3
        )
        assert str(third) == "1 added, 1 changed, 1 unchanged, 1 removed"
        assert [p.sku for p in ledger.products()] == ["A", "B", "D"]
        assert [p.sku for p in ledger.products(active_only=False)] == ["A", "B", "C", "D"]
        assert ledger.product("B") == make_product("B", price=99_000)
        assert ledger.product("C") == make_product("C")  # inactive, never deleted
        back = ledger.upsert_products([make_product(s) for s in "ABCD"])
        assert back.added == ("C",) and back.changed == ("B",)


def test_a_plan_shows_a_mass_removal_before_anything_is_written(ledger: Ledger) -> None:
    plan = ledger.plan_import([make_product("TEA-1")])
    assert plan.removed == ("MAT",) and plan.dry_run
    assert plan.removed_share == 0.5
    assert [p.sku for p in ledger.products()] == ["MAT", "TEA-1"]
    assert ledger.upsert_products([make_product("TEA-1")], dry_run=True) == plan


def test_products_round_trip_exactly(ledger: Ledger) -> None:
    product = make_product(
        "LOTUS",
        "LOTUS-100G",
        "LOTUS-250G",
        name={"vi": "Trà sen Tây Hồ", "en": "West Lake lotus tea"},
        attributes={"Xuất xứ": "Hà Nội"},
        b2b={"min_order_quantity": 50, "price_tiers": [{"min_quantity": 50, "usd": "4.25"}]},
    )
    ledger.upsert_products([product])
    stored = ledger.product("LOTUS")
    assert stored == product
    assert stored is not None and stored.content_hash() == product.content_hash()


def test_a_unit_sold_by_two_products_is_refused(ledger: Ledger) -> None:
    with pytest.raises(InputError, match="mat-s"):
        ledger.upsert_products([make_product("MAT", "MAT-S"), make_product("mat-s")])
    assert [p.sku for p in ledger.products()] == ["MAT", "TEA-1"]


def test_on_hand_is_the_sum_of_movements(ledger: Ledger) -> None:
    added = ledger.add_movements(
        [Movement("TEA-1", 20), Movement("TEA-1", -3), Movement("MAT-S", 5, note="from the loom")]
    )
    assert added == 3
    assert ledger.on_hand() == {"MAT-L": 0, "MAT-S": 5, "TEA-1": 17}
    assert ledger.on_hand(["TEA-1", "MAT-L"]) == {"TEA-1": 17, "MAT-L": 0}
    assert [m.delta for m in ledger.movements("TEA-1")] == [20, -3]


def test_a_settled_order_event_is_recorded_once(ledger: Ledger) -> None:
    ref = order_reference("shopee", "S1", "240301ABC")
    sale = [
        Movement("TEA-1", -2, MovementReason.ORDER_RESERVE, ref),
        Movement("MAT-S", -1, MovementReason.ORDER_RESERVE, ref),
    ]
    assert ledger.add_movements(sale) == 2
    assert ledger.add_movements(sale) == 0
    assert ledger.add_movements([*sale, sale[0]]) == 0
    release = Movement("TEA-1", 2, MovementReason.ORDER_RELEASE, ref)
    assert ledger.add_movements([release, release]) == 1
    assert ledger.on_hand(["TEA-1", "MAT-S"]) == {"TEA-1": 0, "MAT-S": -1}
    manual = Movement("TEA-1", 1)
    assert ledger.add_movements([manual, manual]) == 2  # no reference: nothing to dedupe by


def test_skus_match_the_catalog_whatever_their_case(ledger: Ledger) -> None:
    ledger.add_movements([Movement("tea-1", 4), Movement(" Mat-S ", 1)])
    assert {m.sku for m in ledger.movements()} == {"TEA-1", "MAT-S"}
    assert ledger.on_hand(["tea-1"]) == {"tea-1": 4}


def test_unknown_skus_refuse_the_whole_batch(ledger: Ledger) -> None:
    with pytest.raises(InputError) as caught:
        ledger.add_movements([Movement("TEA-1", 5), Movement("GHOST", 1), Movement("MAT", 1)])
    assert "GHOST" in str(caught.value) and "MAT" in str(caught.value)
    assert "stock not changed" in str(caught.value)
    assert ledger.movements() == []
    with pytest.raises(InputError, match="bogus"):
        ledger.add_movements([Movement("TEA-1", 5, "bogus")])


def test_units_of_a_removed_product_need_include_inactive(ledger: Ledger) -> None:
    ledger.upsert_products([make_product("TEA-1")])
    with pytest.raises(InputError, match="MAT-S"):
        ledger.add_movements([Movement("MAT-S", 1, MovementReason.ORDER_RETURN, "r")])
    assert ledger.add_movements(
        [Movement("MAT-S", 1, MovementReason.ORDER_RETURN, "r")], include_inactive=True
    )


def test_set_stock_adds_the_difference(ledger: Ledger) -> None:
    ledger.add_movements([Movement("TEA-1", 7)])
    assert ledger.set_stock("tea-1", 10, "counted on Monday") == 3
    assert ledger.set_stock("TEA-1", 10) == 0
    assert ledger.set_stock("TEA-1", 4) == -6
    assert ledger.on_hand(["TEA-1"]) == {"TEA-1": 4}
    reasons = [(m.reason, m.delta, m.note) for m in ledger.movements("TEA-1")]
    assert reasons == [
        (MovementReason.MANUAL, 7, ""),
        (MovementReason.SET, 3, "counted on Monday"),
        (MovementReason.SET, -6, ""),
    ]
    with pytest.raises(InputError):
        ledger.set_stock("TEA-1", -1)
    with pytest.raises(InputError):
        ledger.set_stock("GHOST", 1)


@pytest.mark.parametrize(
    "statement",
    ["UPDATE stock_movement SET delta = 100", "DELETE FROM stock_movement"],
)
def test_movements_are_append_only(ledger: Ledger, statement: str) -> None:
    ledger.add_movements([Movement("TEA-1", 7)])
    with pytest.raises(IntegrityError, match="append-only"), ledger.write() as session:
        session.connection().exec_driver_sql(statement)
    assert ledger.on_hand(["TEA-1"]) == {"TEA-1": 7}
