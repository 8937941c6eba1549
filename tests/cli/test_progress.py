"""Progress on the screen: rich bars on a terminal, plain lines elsewhere; Ctrl+C asks."""

from __future__ import annotations

import io
import os
import signal

import click
from click.testing import CliRunner
from rich.console import Console
from rich.progress import Progress

from listsync.cli.progress import Bars, Lines, ctrl_c_stops, progress_display
from listsync.progress import Phase, ProgressEvent


def test_a_terminal_gets_one_bar_per_channel_with_its_phase() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100)
    with Progress(console=console, auto_refresh=False) as progress:
        bars = Bars(progress)
        bars(ProgressEvent("lazada", Phase.PULL, 1, 4))
        bars(ProgressEvent("shopee", Phase.PUSH, 0, 35))
        bars(ProgressEvent("lazada", Phase.PUSH, 12, 35))
        bars.say("stopping")
        progress.refresh()
        tasks = {task.description: (task.completed, task.total) for task in progress.tasks}
    assert tasks == {
        "lazada: pushing products": (12, 35),
        "shopee: pushing products": (0, 35),
    }
    assert "lazada: pushing products" in screen.getvalue()
    assert "stopping" in screen.getvalue()


def test_anywhere_else_plain_lines() -> None:
    @click.command()
    def show() -> None:
        with progress_display() as display:
            assert isinstance(display, Lines)
            display.say("a line")

    result = CliRunner().invoke(show, catch_exceptions=False)
    assert result.exit_code == 0 and "a line" in result.output


def test_ctrl_c_asks_the_run_to_stop_until_the_command_ends() -> None:
    """While the command runs, SIGINT sets the flag and is answered; no KeyboardInterrupt.
    Once it ends, Ctrl+C is Python's again."""
    seen: list[bool] = []

    @click.command()
    def run() -> None:
        stop = ctrl_c_stops(Lines())
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGINT)
        seen.append(stop.requested)
        seen.append(stop.requests == 2)

    result = CliRunner().invoke(run, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert seen == [True, True]
    assert "stopping: listsync finishes the call under way" in result.output
    assert "still stopping" in result.output
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
