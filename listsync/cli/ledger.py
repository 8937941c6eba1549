"""``backup`` and ``restore``: a copy of the ledger, and the way back to one."""

from __future__ import annotations

from pathlib import Path

import click

from listsync.cli.help import examples
from listsync.cli.state import State, pass_state
from listsync.i18n import _


@click.command(
    help=_("Copy the ledger, checked, while nothing else needs to stop."),
    epilog=examples(
        ("listsync backup", _("A dated copy in the backups folder")),
        ("listsync backup --output copy.sqlite3", _("A copy where you choose")),
    ),
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_("Write the copy here (default: a dated file in the backups folder)."),
)
@pass_state
def backup(state: State, output: Path | None) -> None:
    with state.workspace() as ws:
        ws.ledger.verify()
        copy = ws.ledger.backup(output)
    click.echo(_("The ledger is sound; copied to {path}").format(path=copy))


@click.command(
    help=_("Put a backup (the newest, unless FILE is given) in place of the ledger."),
    epilog=examples(
        ("listsync restore --list", _("The backups there are, newest first")),
        ("listsync restore", _("Put the newest backup in place of the ledger")),
    ),
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--list", "listing", is_flag=True, help=_("Only list the backups."))
@pass_state
def restore(state: State, file: Path | None, listing: bool) -> None:
    with state.workspace() as ws:
        if listing:
            found = ws.backups()
            for path in reversed(found):
                click.echo(str(path))
            if not found:
                click.echo(_("There is no backup yet."))
            return
        used, moved = ws.restore(file)
    click.echo(_("Restored the ledger from {backup}.").format(backup=used))
    if moved is not None:
        click.echo(_("The ledger it replaced is kept as {path}.").format(path=moved))
    click.echo(
        _(
            "Orders since that backup are pulled again by the next sync; stock counted by "
            "hand since then must be counted again (listsync stock set)."
        )
    )
