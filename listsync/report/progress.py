"""Progress as text: each phase in words, the plain lines a log gets, what a stop says.

Where no bars can be drawn (cron, the nightly log, a pipe, the tests), :class:`PlainProgress`
writes a line now and then per channel and phase: when the work has passed another
``step`` percent, and never sooner than ``interval`` seconds after the channel's last line
(or after it began), so a run of a few seconds writes nothing and a run of minutes writes
about ten lines per channel. Once a phase that wrote a line ends, one more line says so.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from listsync.clock import Clock, SystemClock
from listsync.format import number
from listsync.i18n import _, ngettext
from listsync.progress import Phase, ProgressEvent
from listsync.sync.engine import RunResult

STEP = 10  # percent between two lines of one channel's phase
INTERVAL = 5.0  # seconds, at least, between two lines of one channel's phase


def phase_label(phase: Phase) -> str:
    """The phase in words, in the language spoken now."""
    words = {
        Phase.READ: _("reading stock"),
        Phase.PULL: _("pulling orders"),
        Phase.PUSH: _("pushing products"),
        Phase.OFFERS: _("sending stock and prices"),
        Phase.ROWS: _("reading rows"),
    }
    return words[phase]


def progress_line(event: ProgressEvent) -> str:
    """One line for ``event``: ``lazada: pushing products, 120 of 2000 (6%)``."""
    phase, done = phase_label(event.phase), number(event.done)
    if event.total is None:
        if event.channel:
            return _("{channel}: {phase}, {done} so far").format(
                channel=event.channel, phase=phase, done=done
            )
        return _("{phase}, {done} so far").format(phase=phase, done=done)
    total, percent = number(event.total), event.percent or 0
    if event.channel:
        return _("{channel}: {phase}, {done} of {total} ({percent}%)").format(
            channel=event.channel, phase=phase, done=done, total=total, percent=percent
        )
    return _("{phase}, {done} of {total} ({percent}%)").format(
        phase=phase, done=done, total=total, percent=percent
    )


@dataclass
class _Seen:
    since: float  # when the phase began, or its last line was written
    step: int = 0  # the percent its last line was written at, rounded down to a STEP
    lines: int = 0
    ended: bool = False


class PlainProgress:
    """A progress listener that writes a plain line now and then (see the module's text).

    Thread-safe: events may come from several threads; lines are written one at a time.
    """

    def __init__(
        self,
        write: Callable[[str], None],
        clock: Clock | None = None,
        *,
        step: int = STEP,
        interval: float = INTERVAL,
    ):
        self.write = write
        self.clock = clock or SystemClock()
        self.step, self.interval = step, interval
        self._seen: dict[tuple[str, Phase], _Seen] = {}
        self._lock = threading.Lock()

    def __call__(self, event: ProgressEvent) -> None:
        now = self.clock.monotonic()
        with self._lock:
            seen = self._seen.setdefault((event.channel, event.phase), _Seen(now))
            if not self._due(event, seen, now):
                return
            seen.since, seen.lines = now, seen.lines + 1
            seen.step = (event.percent or 0) // self.step * self.step
            seen.ended = event.finished
            self.write(progress_line(event))

    def _due(self, event: ProgressEvent, seen: _Seen, now: float) -> bool:
        if event.finished:
            return seen.lines > 0 and not seen.ended
        if now - seen.since < self.interval:
            return False
        percent = event.percent
        return percent is None or percent // self.step * self.step > seen.step


def stop_notice(requests: int) -> str:
    """What Ctrl+C answers: the first time, and every time after it."""
    if requests <= 1:
        return _(
            "stopping: listsync finishes the call under way, records what was done, then stops"
        )
    return _(
        "still stopping: the call under way is finished safely first, so that nothing is "
        "left half done; please wait"
    )


def stopped_line(result: RunResult) -> str:
    """The last line of a run stopped at a person's request: how far its push got."""
    planned = [o for o in result.outcomes.values() if o.products_planned is not None]
    if not planned:
        return _("stopped at your request before any product was pushed")
    total = sum(o.products_planned or 0 for o in planned)
    done = sum(o.products_done for o in planned)
    return ngettext(
        "stopped at your request: {done} of {total} product done",
        "stopped at your request: {done} of {total} products done",
        total,
    ).format(done=number(done), total=number(total))
