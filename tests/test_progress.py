"""The progress events and the stop flag that long work and its callers share."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from listsync.progress import (
    Phase,
    ProgressEvent,
    StopFlag,
    Stopped,
    counting,
    serialized,
)


def test_an_event_knows_its_share() -> None:
    assert ProgressEvent("lazada", Phase.PUSH, 3, 40).percent == 7
    assert ProgressEvent("", Phase.ROWS, 300).percent is None
    assert not ProgressEvent("", Phase.ROWS, 300).finished
    assert ProgressEvent("lazada", Phase.PUSH, 40, 40).finished
    assert ProgressEvent("lazada", Phase.PULL, 0, 0).percent is None


def test_a_serialized_listener_is_called_by_one_thread_at_a_time() -> None:
    inside, overlapped, heard = threading.Lock(), [], []

    def listener(event: ProgressEvent) -> None:
        if not inside.acquire(blocking=False):
            overlapped.append(event)
            inside.acquire()
        heard.append(event)
        time.sleep(0.0005)
        inside.release()

    one_at_a_time = serialized(listener)
    with ThreadPoolExecutor(max_workers=4) as pool:
        for channel in ("a", "b", "c", "d"):
            pool.submit(
                lambda c: [one_at_a_time(ProgressEvent(c, Phase.PUSH, n, 50)) for n in range(50)],
                channel,
            )
    assert overlapped == [] and len(heard) == 200


def test_counting_turns_each_channels_events_into_steps() -> None:
    steps: list[int] = []
    listener = counting(steps.append)
    for event in (
        ProgressEvent("a", Phase.PUSH, 0, 3),
        ProgressEvent("a", Phase.PUSH, 1, 3),
        ProgressEvent("b", Phase.PUSH, 2, 3),
        ProgressEvent("a", Phase.OFFERS, 5, 9),  # another phase: not counted
        ProgressEvent("a", Phase.PUSH, 3, 3),
    ):
        listener(event)
    assert steps == [1, 2, 2]


def test_a_stop_flag_is_checked_at_safe_points_and_answers_each_request() -> None:
    told: list[int] = []
    stop = StopFlag(on_request=told.append)
    stop.check()  # nothing asked yet
    assert not stop.requested
    stop.request()
    stop.request()
    assert stop.requested and stop.requests == 2 and told == [1, 2]
    with pytest.raises(Stopped):
        stop.check()
