"""Stopping a sync at a person's request (Ctrl+C, or a stop flag): only at safe points.

A stop is checked between products, between order windows and between offer batches;
never between a create's intent and its outcome. The run keeps what it did, is recorded
"interrupted", and the next run finishes the rest without sending anything twice.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from listsync.channel.contract import Draft, ListingState, OrderState, RemoteListing
from listsync.progress import Phase, ProgressEvent, StopFlag
from tests.channel.memory_channel import MemoryChannel
from tests.sync.test_engine import World, product

COUNT = 12  # products in the catalog of these tests


@pytest.fixture
def world(tmp_path: Path) -> World:
    w = World(tmp_path)
    w.ledger.upsert_products([product(f"P{i:02d}", variants=0) for i in range(COUNT)])
    for i in range(COUNT):
        w.ledger.set_stock(f"P{i:02d}", 5 + i)
    return w


class Heard:
    """A progress listener that keeps every event and may ask for a stop at one of them."""

    def __init__(self, stop: StopFlag | None = None, at: ProgressEvent | None = None):
        self.stop, self.at = stop, at
        self.events: list[ProgressEvent] = []
        self._inside = threading.Lock()
        self.overlapped = False

    def __call__(self, event: ProgressEvent) -> None:
        if not self._inside.acquire(blocking=False):
            self.overlapped = True
            self._inside.acquire()
        try:
            self.events.append(event)
            time.sleep(0.001)  # room for another thread to come in, if it could
            if self.stop is not None and event == self.at:
                self.stop.request()
        finally:
            self._inside.release()

    def of(self, channel: str, phase: Phase) -> list[ProgressEvent]:
        return [e for e in self.events if e.channel == channel and e.phase is phase]


def creates(channel: MemoryChannel) -> int:
    return channel.calls.count("create")


def test_a_stop_after_n_products_ends_the_push_there(world: World) -> None:
    stop = StopFlag()
    heard = Heard(stop, ProgressEvent("alpha", Phase.PUSH, 4, COUNT))
    result = world.sync("alpha", progress=heard, stop=stop)

    alpha = world.channels["alpha"]
    outcome = result.outcomes["alpha"]
    assert result.interrupted
    assert (outcome.products_done, outcome.products_planned) == (4, COUNT)
    assert creates(alpha) == 4
    assert "set_offers" not in alpha.calls  # the offers come after every product: not reached
    assert outcome.error == "alpha: not finished, the run stopped: interrupted"
    (run,) = world.ledger.runs()
    assert run.status == "interrupted"
    listings = world.ledger.listings("alpha")
    assert len(listings) == 4
    assert {record.state for record in listings} == {ListingState.LIVE}

    again = world.sync("alpha")
    assert again.ok and not again.interrupted
    assert creates(alpha) == COUNT  # the 8 left, and none of the 4 again
    assert again.outcomes["alpha"].tally.counts["listings_unchanged"] == 4
    assert {record.state for record in world.ledger.listings("alpha")} == {ListingState.LIVE}
    assert [run.status for run in world.ledger.runs()] == ["ok", "interrupted"]


class StopDuringCreate(MemoryChannel):
    """Asks for a stop while its ``nth`` create is on the wire, as Ctrl+C would."""

    def __init__(self, name: str, stop: StopFlag, nth: int):
        super().__init__(name)
        self.stop, self.nth = stop, nth

    def create_listing(self, draft: Draft) -> RemoteListing:
        if creates(self) + 1 == self.nth:
            self.stop.request()
        return super().create_listing(draft)


def test_a_stop_during_a_create_lets_it_finish_and_be_recorded(world: World) -> None:
    stop = StopFlag()
    world.channels = {"alpha": StopDuringCreate("alpha", stop, nth=3)}
    result = world.sync(stop=stop)

    assert result.interrupted
    assert creates(world.channels["alpha"]) == 3
    listings = world.ledger.listings("alpha")
    assert len(listings) == 3  # the third create's outcome is recorded: nothing left SENDING
    assert {record.state for record in listings} == {ListingState.LIVE}
    assert result.outcomes["alpha"].products_done == 3


def test_a_stop_in_the_pull_ends_it_between_windows(world: World) -> None:
    stop = StopFlag()
    heard = Heard(stop, ProgressEvent("alpha", Phase.PULL, 3, 30))
    world.order("alpha", "A1", "P01", 1, OrderState.PAID)
    result = world.sync("alpha", progress=heard, stop=stop)

    alpha = world.channels["alpha"]
    assert result.interrupted
    assert alpha.calls.count("orders") == 3  # windows of a day over the 30-day backfill
    assert creates(alpha) == 0  # no push after a stopped pull
    assert result.outcomes["alpha"].products_planned is None
    checkpoint = world.ledger.checkpoint("alpha", "shop-1", "orders")
    assert checkpoint is not None  # the three windows done are kept

    again = world.sync("alpha")
    assert again.ok
    assert creates(alpha) == COUNT


class Held(MemoryChannel):
    """Holds its creates until ``release`` is set."""

    def __init__(self, name: str, release: threading.Event):
        super().__init__(name)
        self.release = release

    def create_listing(self, draft: Draft) -> RemoteListing:
        assert self.release.wait(10)
        return super().create_listing(draft)


def test_a_channel_done_before_the_stop_stays_ok(world: World) -> None:
    stop, release = StopFlag(), threading.Event()
    world.channels["alpha"] = Held("alpha", release)

    def listener(event: ProgressEvent) -> None:
        if event == ProgressEvent("beta", Phase.OFFERS, COUNT, COUNT):  # beta's last step
            stop.request()
            release.set()

    result = world.sync(progress=listener, stop=stop)
    assert result.interrupted
    assert result.outcomes["beta"].ok  # it had finished everything
    assert result.outcomes["alpha"].error == "alpha: not finished, the run stopped: interrupted"
    assert creates(world.channels["alpha"]) == 1
    assert world.ledger.runs()[0].status == "interrupted"


def test_progress_comes_per_channel_and_phase_one_event_at_a_time(world: World) -> None:
    heard = Heard()
    result = world.sync(progress=heard)
    assert result.ok and not result.interrupted
    for name in ("alpha", "beta"):
        pushed = heard.of(name, Phase.PUSH)
        assert [e.done for e in pushed] == list(range(COUNT + 1))
        assert {e.total for e in pushed} == {COUNT}
        pulled = heard.of(name, Phase.PULL)
        assert [e.done for e in pulled] == list(range(31)) and pulled[-1].finished
        offers = heard.of(name, Phase.OFFERS)
        assert offers[0].done == 0 and offers[-1].done == offers[-1].total == COUNT
    assert not heard.overlapped  # the two channels' workers never called it at once

    reread = Heard()
    world.sync(progress=reread)
    assert [(e.done, e.total) for e in reread.of("alpha", Phase.READ)] == [(0, COUNT), (COUNT,) * 2]


class Interrupting(MemoryChannel):
    """Sends this process SIGINT (Ctrl+C) ``times`` times during its ``nth`` create."""

    def __init__(self, name: str, nth: int, times: int):
        super().__init__(name)
        self.nth, self.times = nth, times

    def create_listing(self, draft: Draft) -> RemoteListing:
        if creates(self) + 1 == self.nth:
            for _ in range(self.times):
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.2)  # the main thread takes it while this call is on the wire
        return super().create_listing(draft)


def test_ctrl_c_stops_the_workers_at_their_next_safe_point(world: World) -> None:
    """A real SIGINT: Python raises KeyboardInterrupt in the main thread, which waits for
    the workers; the run stops after the create under way, and says so on each Ctrl+C."""
    world.channels = {"alpha": Interrupting("alpha", nth=3, times=2)}
    told: list[int] = []
    result = world.sync(stop=StopFlag(on_request=told.append))

    assert told == [1, 2]  # the second Ctrl+C is answered too, and kills nothing
    assert result.interrupted
    assert creates(world.channels["alpha"]) == 3
    assert {record.state for record in world.ledger.listings("alpha")} == {ListingState.LIVE}
    assert len(world.ledger.listings("alpha")) == 3
    assert world.ledger.runs()[0].status == "interrupted"
