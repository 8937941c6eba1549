"""What long work says while it runs, and how it is asked to stop.

Work that takes minutes (a sync's channels, reading a big catalog file) reports
:class:`ProgressEvent` values to a :class:`ProgressListener`: which channel, which phase,
how much is done of how much. An event is a plain value with nothing of a terminal in
it: the CLI draws bars or writes lines from it (:mod:`listsync.cli.progress`,
:mod:`listsync.report.progress`), the nightly run logs it, a web page can show it.

Channels run in worker threads, so events come from several threads at once;
:func:`serialized` hands them to a listener one at a time.

A :class:`StopFlag` is how a person (Ctrl+C, a button) asks work to end early. The work
checks it only at its safe points (between products, between order windows, between
batches; never between a listing's intent and its outcome, see docs/reliability.md) and
ends there by raising :class:`Stopped`.

May import nothing of listsync: everything else may import it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Phase(StrEnum):
    READ = "read"  # reading the stock a channel shows; done/total: listings
    PULL = "pull"  # pulling orders; done/total: time windows of at most a day
    PUSH = "push"  # listings: products dealt with / products planned
    OFFERS = "offers"  # stock and prices: SKUs sent / SKUs to send
    ROWS = "rows"  # rows of a catalog file read and checked; total unknown until the end


@dataclass(frozen=True)
class ProgressEvent:
    """How far one piece of work is: ``done`` of ``total`` (``None``: not known ahead)."""

    channel: str  # "" for work that is no channel's (reading a catalog file)
    phase: Phase
    done: int
    total: int | None = None

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)

    @property
    def finished(self) -> bool:
        return self.total is not None and self.done >= self.total


class ProgressListener(Protocol):
    def __call__(self, event: ProgressEvent) -> None: ...


def serialized(listener: ProgressListener) -> ProgressListener:
    """``listener``, called by one thread at a time whichever threads send the events."""
    lock = threading.Lock()

    def one_at_a_time(event: ProgressEvent) -> None:
        with lock:
            listener(event)

    return one_at_a_time


def counting(advance: Callable[[int], None], phase: Phase = Phase.PUSH) -> ProgressListener:
    """A listener that calls ``advance(n)`` with what each event of ``phase`` adds, summed
    over channels: for a single bar of everything done (the demo's)."""
    seen: dict[str, int] = {}
    lock = threading.Lock()

    def listener(event: ProgressEvent) -> None:
        if event.phase is not phase:
            return
        with lock:
            step = event.done - seen.get(event.channel, 0)
            seen[event.channel] = event.done
        if step > 0:
            advance(step)

    return listener


class Stopped(Exception):
    """The work ended at a safe point because a stop was asked for."""


class StopFlag:
    """Set once somebody asks the work to stop; the work checks it at its safe points.

    ``on_request`` is told how many times a stop has been asked for (1 for the first),
    so the person can be answered: the work is stopping, and it will not be cut off in
    the middle of a call. Thread-safe: any thread may ask, any worker may check.
    """

    def __init__(self, on_request: Callable[[int], None] | None = None):
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._requests = 0
        self.on_request = on_request

    def request(self) -> None:
        with self._lock:
            self._requests += 1
            requests = self._requests
        self._event.set()
        if self.on_request is not None:
            self.on_request(requests)

    @property
    def requested(self) -> bool:
        return self._event.is_set()

    @property
    def requests(self) -> int:
        with self._lock:
            return self._requests

    def check(self) -> None:
        """A safe point: raise :class:`Stopped` if a stop was asked for."""
        if self._event.is_set():
            raise Stopped()
