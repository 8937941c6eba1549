"""An error nobody foresaw stays with its channel, and the run is never recorded "ok".

A bug in an adapter (an AttributeError on a reply nothing checked, say) must not stop the
other channels, must be recorded as that channel's failure with one line naming the
channel and the last call it made, and must leave its traceback in the log. An error of
the run's own (the ledger failing between steps) stops the run, and the run is recorded
as failed, never as ok.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from listsync.catalog.model import LocalizedText, Product, Variant
from listsync.channel.contract import Channel, Order
from listsync.clock import FakeClock
from listsync.errors import EXIT_FAILURE
from listsync.http import CallRecord
from listsync.ledger.database import Ledger
from listsync.sync.engine import RunResult, SyncEngine, SyncOptions
from tests.channel.memory_channel import MemoryChannel

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
BUG = "'str' object has no attribute 'get'"


class Buggy(MemoryChannel):
    """A channel whose order reader trips over its own bug after one marketplace call."""

    def __init__(self, name: str, on_call: Callable[[CallRecord], None]):
        super().__init__(name)
        self.on_call = on_call

    def iter_orders(self, since: datetime, until: datetime) -> Iterator[Order]:
        self.on_call(
            CallRecord(self.name, "get_orders", "GET", "/orders", 200, 3, 1, T0)  # answered
        )
        raise AttributeError(BUG)


class World:
    def __init__(self, tmp_path: Path):
        self.clock = FakeClock(T0)
        self.ledger = Ledger.open(tmp_path / "ledger.sqlite3", clock=self.clock)
        self.ledger.upsert_products(
            [
                Product(
                    sku="TSEN",
                    name=LocalizedText(vi="Trà sen"),
                    category="tea",
                    weight_g=300,
                    price_vnd=100_000,
                    variants=(Variant(sku="TSEN-1", options={"Cỡ": "1"}),),
                )
            ]
        )
        self.ledger.set_stock("TSEN-1", 20)
        self.channels: dict[str, MemoryChannel] = {"beta": MemoryChannel("beta")}
        self.makers: dict[str, Callable[[Callable[[CallRecord], None]], MemoryChannel]] = {}

    def open(self, name: str, on_call: Callable[[CallRecord], None]) -> Channel:
        if name in self.makers:
            self.channels[name] = self.makers[name](on_call)
        return self.channels[name]

    def sync(self) -> RunResult:
        engine = SyncEngine(self.ledger, self.open, SyncOptions(), self.clock)
        return engine.run(["alpha", "beta"])

    def beta_stock(self) -> dict[str, int]:
        return {
            sku: offer.stock
            for stored in self.channels["beta"].items.values()
            for sku, offer in stored.offers.items()
        }


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def test_an_unexpected_error_in_one_channel_never_stops_the_other(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    world.makers["alpha"] = lambda on_call: Buggy("alpha", on_call)
    with caplog.at_level(logging.ERROR, logger="listsync.sync"):
        result = world.sync()
    line = f"alpha: unexpected AttributeError after get_orders: {BUG}"
    assert {name: o.error for name, o in result.outcomes.items()} == {"alpha": line, "beta": None}
    assert result.exit_code == EXIT_FAILURE and result.outcomes["alpha"].exit_code == 1
    assert world.beta_stock() == {"TSEN-1": 20}  # beta pulled and pushed all the same
    assert world.channels["alpha"].writes() == []  # a channel whose pull failed is not pushed
    (run,) = world.ledger.runs()
    assert run.status == "failed"
    assert {c.channel: c.error for c in run.channels} == {"alpha": line, "beta": None}
    assert {c.channel: c.counts.get("errors", 0) for c in run.channels} == {"alpha": 1, "beta": 0}
    (logged,) = [r for r in caplog.records if r.exc_info]
    assert logged.getMessage() == "alpha: unexpected error" and logged.exc_info is not None
    assert logged.exc_info[0] is AttributeError


def test_a_channel_that_cannot_be_opened_by_a_bug_fails_alone(world: World) -> None:
    def broken(on_call: Callable[[CallRecord], None]) -> MemoryChannel:
        raise KeyError("partner_id")

    world.makers["alpha"] = broken
    result = world.sync()
    assert result.outcomes["alpha"].error == "alpha: unexpected KeyError: 'partner_id'"
    assert result.outcomes["beta"].ok and world.beta_stock() == {"TSEN-1": 20}
    assert result.exit_code == EXIT_FAILURE
    assert world.ledger.runs()[0].status == "failed"


def test_a_run_stopped_by_its_own_error_is_recorded_failed_not_ok(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.channels["alpha"] = MemoryChannel("alpha")

    def settle(*args: object, **kwargs: object) -> None:
        raise OSError("disk I/O error")

    monkeypatch.setattr(world.ledger, "settle", settle)
    with pytest.raises(OSError, match="disk I/O error"):
        world.sync()
    (run,) = world.ledger.runs()
    assert run.status == "failed" and run.finished_at is not None
    stopped = "not finished, the run stopped: unexpected OSError: disk I/O error"
    assert {c.channel: c.error for c in run.channels} == {
        "alpha": f"alpha: {stopped}",
        "beta": f"beta: {stopped}",
    }
    assert world.beta_stock() == {}  # the push never came
