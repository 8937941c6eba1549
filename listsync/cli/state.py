"""What every command receives: the workspace folder, verbosity, and table printing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from listsync.workspace import Workspace


class State:
    def __init__(self, workspace: Path | None, verbose: bool):
        self.workspace_path = workspace
        self.verbose = verbose

    @contextmanager
    def workspace(self) -> Iterator[Workspace]:
        from listsync.cli.start import use_language
        from listsync.workspace import Workspace, require_workspace

        require_workspace(self.workspace_path)
        with Workspace.open(self.workspace_path) as workspace:
            # the whole settings now: `language` may also come from .env or LISTSYNC_LANGUAGE
            use_language(workspace.settings.language)
            yield workspace


pass_state = click.make_pass_decorator(State)


def echo_table(headers: list[str], rows: list[list[Any]]) -> None:
    from listsync.report.text_table import format_table

    click.echo(format_table(headers, rows))
