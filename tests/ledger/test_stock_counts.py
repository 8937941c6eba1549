"""Many SKUs' stock moved at once (counts and deliveries): one snapshot, one transaction,
nothing written when anything is wrong."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from sqlmodel import Session

from listsync.errors import InputError
from listsync.ledger.database import Ledger, Movement, MovementReason
from listsync.ledger.stock_counts import Count, NegativeStock, StockChange, StockCountPlan
from tests.ledger.support import make_product, open_ledger


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with open_ledger(tmp_path) as ledger:
        ledger.upsert_products(
            [make_product("TEA-1"), make_product("MAT", "MAT-S", "MAT-L"), make_product("BUN")]
        )
        ledger.add_movements([Movement("TEA-1", 7), Movement("MAT-S", 3)])
        yield ledger


def snapshot(ledger: Ledger) -> tuple[list[Movement], dict[str, int]]:
    return ledger.movements(), ledger.on_hand()


def test_a_count_sets_each_sku_and_records_only_what_changes(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    transactions = []
    write = ledger.write

    def counted_write() -> AbstractContextManager[Session]:
        transactions.append("write")
        return write()

    monkeypatch.setattr(ledger, "write", counted_write)
    changes = ledger.count_stock(
        [Count("tea-1", 10, row=2), Count("MAT-S", 3, row=3), Count("MAT-L", 4, row=4)],
        note="kiểm kho",
    )
    assert changes == (
        StockChange("TEA-1", 7, 10, 2),
        StockChange("MAT-S", 3, 3, 3),
        StockChange("MAT-L", 0, 4, 4),
    )
    assert ledger.on_hand() == {"BUN": 0, "MAT-L": 4, "MAT-S": 3, "TEA-1": 10}
    recorded = [(m.sku, m.delta, m.reason, m.note) for m in ledger.movements()[2:]]
    assert recorded == [
        ("TEA-1", 3, MovementReason.SET, "kiểm kho"),
        ("MAT-L", 4, MovementReason.SET, "kiểm kho"),
    ]
    assert transactions == ["write"]


def test_a_delivery_adds_and_is_recorded_as_stock_add_does(ledger: Ledger) -> None:
    changes = ledger.count_stock([Count("TEA-1", 5), Count("BUN", 20)], add=True)
    assert [(c.sku, c.on_hand, c.new_on_hand, c.delta) for c in changes] == [
        ("TEA-1", 7, 12, 5),
        ("BUN", 0, 20, 20),
    ]
    assert {m.reason for m in ledger.movements()[2:]} == {MovementReason.MANUAL}


def test_taking_away_below_zero_refuses_the_whole_batch(ledger: Ledger) -> None:
    before = snapshot(ledger)
    with pytest.raises(NegativeStock) as raised:
        ledger.count_stock([Count("BUN", 5), Count("TEA-1", -10)], add=True)
    assert raised.value.changes == (StockChange("TEA-1", 7, -3),)
    assert str(raised.value) == (
        "stock not changed: TEA-1: taking away 10 would leave -3 on hand (there are 7); "
        "if that is right, run again with --allow-negative"
    )
    assert snapshot(ledger) == before
    ledger.count_stock([Count("TEA-1", -10)], add=True, allow_negative=True)
    assert ledger.on_hand(["TEA-1"]) == {"TEA-1": -3}


def test_a_delivery_to_a_sku_already_below_zero_is_not_refused(ledger: Ledger) -> None:
    ledger.count_stock([Count("BUN", -5)], add=True, allow_negative=True)
    (change,) = ledger.count_stock([Count("BUN", 2)], add=True)
    assert (change.new_on_hand, change.goes_negative) == (-3, False)


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ([Count("TEA-1", 1), Count("TEA-2", 1)], "SKU TEA-2 is not in the catalog; did you mean"),
        ([Count("MAT", 1)], "MAT is a product with variants; stock is kept for each variant"),
        ([Count("TEA-1", 1), Count("tea-1", 2)], "TEA-1 is given twice"),
        ([Count("TEA-1", -1)], "invalid values: -1"),
    ],
)
def test_a_bad_count_refuses_the_whole_batch(
    ledger: Ledger, counts: list[Count], message: str
) -> None:
    before = snapshot(ledger)
    with pytest.raises(InputError, match=message) as raised:
        ledger.count_stock(counts)
    assert str(raised.value).startswith("stock not changed: ")
    assert snapshot(ledger) == before


def test_a_dry_run_reads_only(ledger: Ledger) -> None:
    before = snapshot(ledger)
    changes = ledger.count_stock([Count("TEA-1", 1)], dry_run=True)
    assert changes == (StockChange("TEA-1", 7, 1),)
    assert snapshot(ledger) == before


def test_set_stock_names_the_variants_of_a_product(ledger: Ledger) -> None:
    with pytest.raises(InputError, match="MAT-S, MAT-L"):
        ledger.set_stock("MAT", 5)


def test_the_sku_index_knows_removed_products_only_when_asked(ledger: Ledger) -> None:
    ledger.upsert_products([make_product("TEA-1"), make_product("BUN")])
    assert ledger.sku_index().find("MAT-S") is None
    assert ledger.sku_index(include_inactive=True).find("mat-s") == "MAT-S"


def test_many_skus_in_one_call(ledger: Ledger) -> None:
    ledger.upsert_products([make_product(f"P-{n:04d}") for n in range(1200)])
    counts = [Count(f"P-{n:04d}", n) for n in range(1200)]
    changes = ledger.count_stock(counts)
    assert sum(1 for change in changes if change.delta) == 1199
    assert ledger.on_hand()["P-1199"] == 1199
    again = ledger.count_stock([Count(c.sku, c.quantity + 1) for c in counts], add=True)
    assert again[-1] == StockChange("P-1199", 1199, 2399)


def test_a_plan_says_in_one_line_what_it_does() -> None:
    changes = (StockChange("A", 1, 4), StockChange("B", 2, 2), StockChange("C", 0, 1))
    skipped = tuple(f"S{n}" for n in range(7))
    plan = StockCountPlan("count.xlsx", False, (), changes, skipped)
    assert [c.sku for c in plan.moved] == ["A", "C"] and plan.unchanged == ("B",)
    assert plan.summary() == (
        "2 SKUs would change, 1 unchanged, 7 not counted, left as they were "
        "(S0, S1, S2, S3, S4 and 2 more); nothing was changed (dry run)"
    )
    done = plan.done(changes[:1], "note")
    assert done.summary() == "1 SKU changed, 0 unchanged, 7 not counted, left as they were " + (
        "(S0, S1, S2, S3, S4 and 2 more)"
    )
    delivery = StockCountPlan("d.csv", True, (), (), ("X",), applied=True)
    assert delivery.summary() == (
        "0 SKUs changed, 0 unchanged, 1 without a quantity, left as they were (X)"
    )
