"""Progress as text: the plain lines a log gets, and what a stopped run says."""

from __future__ import annotations

from itertools import pairwise

from listsync.clock import FakeClock
from listsync.progress import Phase, ProgressEvent
from listsync.report.progress import PlainProgress, progress_line, stop_notice, stopped_line
from listsync.sync.engine import ChannelOutcome, RunResult


def lines_of(events: list[tuple[float, ProgressEvent]]) -> list[tuple[float, str]]:
    """Each event after the seconds it comes at: the lines written, with their time."""
    clock = FakeClock()
    written: list[tuple[float, str]] = []
    plain = PlainProgress(lambda line: written.append((clock.monotonic(), line)), clock)
    for at, event in events:
        clock.advance(at - clock.monotonic())
        plain(event)
    return written


def push(done: int, total: int, channel: str = "lazada") -> ProgressEvent:
    return ProgressEvent(channel, Phase.PUSH, done, total)


def test_a_run_of_a_few_seconds_writes_nothing() -> None:
    assert lines_of([(n * 0.4, push(n, 10)) for n in range(11)]) == []


def test_a_slow_push_writes_a_line_every_ten_percent_then_its_end() -> None:
    written = lines_of([(float(n), push(n, 100)) for n in range(101)])
    assert [line for _at, line in written] == [
        *(f"lazada: pushing products, {n} of 100 ({n}%)" for n in range(10, 100, 10)),
        "lazada: pushing products, 100 of 100 (100%)",
    ]


def test_never_more_than_a_line_every_few_seconds() -> None:
    written = lines_of([(n * 0.2, push(n, 100)) for n in range(101)])  # 20 s in all
    times = [at for at, _line in written]
    assert [line.split(", ")[1] for _at, line in written] == [
        "25 of 100 (25%)",
        "50 of 100 (50%)",
        "75 of 100 (75%)",
        "100 of 100 (100%)",
    ]
    assert all(later - earlier >= 5 for earlier, later in pairwise(times))


def test_each_channel_and_phase_has_its_own_lines() -> None:
    events = []
    for n in range(41):
        events.append((n * 0.5, push(n, 40, "lazada")))
        events.append((n * 0.5, ProgressEvent("shopee", Phase.PULL, n // 4, 10)))
    written = [line for _at, line in lines_of(events)]
    assert "lazada: pushing products, 10 of 40 (25%)" in written
    assert "shopee: pulling orders, 2 of 10 (20%)" in written
    assert written[-2:] == [
        "lazada: pushing products, 40 of 40 (100%)",
        "shopee: pulling orders, 10 of 10 (100%)",
    ]


def test_rows_of_unknown_number_are_counted_every_few_seconds() -> None:
    events = [(n * 1.0, ProgressEvent("", Phase.ROWS, n * 100)) for n in range(1, 13)]
    events.append((12.5, ProgressEvent("", Phase.ROWS, 1234, 1234)))
    assert [line for _at, line in lines_of(events)] == [
        "reading rows, 600 so far",
        "reading rows, 1100 so far",
        "reading rows, 1234 of 1234 (100%)",
    ]


def test_each_phase_in_words() -> None:
    assert progress_line(ProgressEvent("tiki", Phase.READ, 3, 40)) == (
        "tiki: reading stock, 3 of 40 (7%)"
    )
    assert progress_line(ProgressEvent("tiki", Phase.OFFERS, 50, 50)) == (
        "tiki: sending stock and prices, 50 of 50 (100%)"
    )


def outcome(name: str, planned: int | None, done: int) -> ChannelOutcome:
    found = ChannelOutcome(name)
    found.products_planned, found.products_done = planned, done
    return found


def test_a_stopped_run_says_how_far_its_push_got() -> None:
    result = RunResult(
        1,
        {"lazada": outcome("lazada", 35, 6), "shopee": outcome("shopee", 35, 35)},
        interrupted=True,
    )
    assert stopped_line(result) == "stopped at your request: 41 of 70 products done"
    early = RunResult(2, {"lazada": outcome("lazada", None, 0)}, interrupted=True)
    assert stopped_line(early) == "stopped at your request before any product was pushed"


def test_ctrl_c_is_answered_the_first_time_and_after() -> None:
    assert stop_notice(1).startswith("stopping: listsync finishes the call under way")
    assert stop_notice(2).startswith("still stopping: the call under way is finished safely")
    assert stop_notice(3) == stop_notice(2)
