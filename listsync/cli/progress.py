"""Progress on the screen: rich bars on a terminal, plain lines anywhere else.

On a terminal (stderr), one bar per channel shows its phase (reading stock, pulling
orders, pushing products…) and how far it is; the bars go away when the work ends, before
the summary is printed. Anywhere else (cron, a pipe, the tests), a plain line now and then
(:class:`listsync.report.progress.PlainProgress`), on stderr. Both take the events of
:mod:`listsync.progress`.

While a run lasts, and until its command ends, Ctrl+C only asks it to stop
(:func:`ctrl_c_stops`): each press is answered, and the run ends at its next safe point,
never in the middle of a call.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

import click

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from listsync.progress import ProgressEvent, StopFlag


class Display(Protocol):
    def __call__(self, event: ProgressEvent) -> None: ...

    def say(self, text: str) -> None: ...


class Bars:
    """One rich bar per channel (or one for work that is no channel's)."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}
        self._lock = threading.Lock()

    def __call__(self, event: ProgressEvent) -> None:
        from listsync.report.progress import phase_label

        label = phase_label(event.phase)
        description = f"{event.channel}: {label}" if event.channel else label
        with self._lock:
            task = self.tasks.get(event.channel)
            if task is None:
                task = self.progress.add_task(description, total=event.total)
                self.tasks[event.channel] = task
        self.progress.update(task, description=description, completed=event.done, total=event.total)

    def say(self, text: str) -> None:
        self.progress.console.print(text, markup=False, highlight=False)


class Lines:
    """Plain lines on stderr, a few per channel (see :mod:`listsync.report.progress`)."""

    def __init__(self) -> None:
        from listsync.report.progress import PlainProgress

        self.plain = PlainProgress(self.say)

    def __call__(self, event: ProgressEvent) -> None:
        self.plain(event)

    def say(self, text: str) -> None:
        click.echo(text, err=True)


@contextmanager
def progress_display() -> Iterator[Display]:
    """Bars while the block runs if stderr is a terminal; plain lines otherwise."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal or console.is_dumb_terminal:
        yield Lines()
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        yield Bars(progress)


def ctrl_c_stops(display: Display) -> StopFlag:
    """A stop flag that Ctrl+C sets, instead of raising KeyboardInterrupt anywhere in the
    main thread, until the command ends (its summary printed, its exit code given); each
    press is answered on ``display``.

    Only the main thread takes signals: elsewhere the flag is given as it is (the engine
    still turns a KeyboardInterrupt into a stop).
    """
    from listsync.progress import StopFlag
    from listsync.report.progress import stop_notice

    stop = StopFlag(on_request=lambda requests: display.say(stop_notice(requests)))
    context = click.get_current_context(silent=True)
    if context is None or threading.current_thread() is not threading.main_thread():
        return stop
    previous = signal.signal(signal.SIGINT, lambda _signum, _frame: stop.request())
    context.find_root().call_on_close(lambda: signal.signal(signal.SIGINT, previous))
    return stop
