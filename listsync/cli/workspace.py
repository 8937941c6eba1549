"""``init``, ``channels`` and ``auth``: make a workspace, see its marketplaces, connect a shop."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from listsync.cli.help import examples
from listsync.cli.state import State, echo_table, pass_state
from listsync.i18n import _, pick_language

if TYPE_CHECKING:
    from listsync.channel.callback import CallbackCatcher


@click.command(
    help=_("Make a workspace: listsync.toml, a private .env and a sample catalog."),
    epilog=examples(
        ("listsync init htx", _("Make a workspace in the folder htx")),
        ("listsync init", _("Make the current folder a workspace")),
    ),
)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option(
    "--force",
    is_flag=True,
    help=_(
        "Refresh listsync.toml and .env if present, keeping your settings, secrets and ledger"
        " key (the old files are saved beside them)."
    ),
)
def init(directory: Path, force: bool) -> None:
    from listsync.catalog.samples import copy_sample_catalog
    from listsync.settings import init_workspace_files

    # the language of the person making it (LISTSYNC_LANG, else the locale) becomes the
    # workspace's when it is Vietnamese
    made = init_workspace_files(directory, force=force, language=pick_language())
    for outcome in made:
        values = {"path": outcome.path, "backup": outcome.backup}
        if outcome.how == "new":
            click.echo(_("wrote {path}").format(**values))
        elif outcome.how == "refreshed":
            click.echo(
                _(
                    "refreshed {path}, keeping everything you set in it; the old file is saved"
                    " as {backup}"
                ).format(**values)
            )
        elif outcome.how == "replaced":
            click.echo(
                _(
                    "{path} could not be read, so a fresh one was written; the old file is saved"
                    " as {backup}"
                ).format(**values)
            )
        else:
            click.echo(_("kept {path} as it was").format(**values))
    for path in copy_sample_catalog(directory):
        click.echo(_("wrote {path}").format(path=path))
    steps = "listsync catalog import && listsync stock show"
    if directory.resolve() != Path.cwd().resolve():
        steps = f"cd {directory} && {steps}"
    click.echo(_("Next: {steps}").format(steps=steps))


# -- channels -----------------------------------------------------------------------------
@click.command(
    help=_("List installed marketplace adapters, configured or not, and their authorization."),
    epilog=examples(("listsync channels", _("Which marketplaces are set up and connected"))),
)
@pass_state
def channels(state: State) -> None:
    with state.workspace() as ws:
        statuses = ws.channel_statuses()
    rows = [
        [
            s.name,
            s.title,
            _("yes") if s.configured else _("no"),
            _("yes") if s.enabled else _("no"),
            _("see below") if s.problem else s.token,
        ]
        for s in statuses
    ]
    echo_table([_("Channel"), _("Marketplace"), _("Configured"), _("Enabled"), _("State")], rows)
    problems = [s for s in statuses if s.problem]
    if problems:  # whole, under the table: a cell would cut them
        click.echo("")
    for s in problems:
        click.echo(_("{channel}: {error}").format(channel=s.name, error=s.problem))


@click.command(
    help=_(
        "Connect a shop: open the consent link and approve; listsync catches the address the"
        " browser comes back to (or paste it)."
    ),
    epilog=examples(("listsync auth shopee", _("Connect your Shopee shop"))),
)
@click.argument("channel")
@click.option("--redirect-url", help=_("The address the browser was sent back to."))
@click.option(
    "--callback",
    default="http://127.0.0.1:8765/listsync/callback",
    show_default=True,
    help=_("The redirect address registered for your app."),
)
@pass_state
def auth(state: State, channel: str, redirect_url: str | None, callback: str) -> None:
    from listsync.channel.callback import CallbackCatcher
    from listsync.errors import ListsyncError

    with state.workspace() as ws:
        connection = ws.channel(channel)
        catcher: CallbackCatcher | None = None
        try:
            # a channel whose app belongs to the seller connects with its own credentials
            consent = getattr(connection, "needs_consent", True)
            if not consent:
                click.echo(_("Connecting with the app's own credentials (no browser needed)…"))
                redirect_url = redirect_url or ""
            elif not redirect_url:
                catcher = CallbackCatcher(callback)
                catching = catcher.start()
                click.echo(_("1. Open this link, log in as the shop owner and approve:"))
                click.echo("   " + connection.authorization_url(callback))
                if catching:
                    redirect_url = _caught(catcher, callback)
                else:
                    if catcher.local:
                        click.echo(
                            _(
                                "   (port {port} on this computer is in use, so listsync cannot"
                                " catch the address by itself)"
                            ).format(port=catcher.port)
                        )
                    click.echo(
                        _("2. The browser then goes to an address starting with {cb}").format(
                            cb=callback
                        )
                    )
                    redirect_url = click.prompt(_("   Paste that whole address here"))
            try:
                shop_id = connection.authorize(redirect_url)
            except ListsyncError as exc:
                if catcher is not None:
                    catcher.failed(str(exc))
                raise
            if catcher is not None:
                catcher.connected(channel, shop_id)
        finally:
            if catcher is not None:
                catcher.close()
            connection.close()
        said = ws.remember_shop(channel, shop_id)
    click.echo(said)


def _caught(catcher: CallbackCatcher, callback: str) -> str:
    """The address the browser comes back to, caught; or one pasted, if that comes first."""
    click.echo(
        _("2. The browser then comes back to {cb}, where listsync is waiting for it.").format(
            cb=callback
        )
    )
    click.echo(_("   If it shows an error page instead, paste the whole address it shows here:"))
    stdin = sys.stdin  # the terminal (click's test runner puts its own input there)

    def read_pasted() -> None:
        for line in stdin:
            if line.strip():
                catcher.offer(line)
                return

    threading.Thread(target=read_pasted, name="listsync-paste", daemon=True).start()
    address = catcher.wait()
    if catcher.source == "browser":
        click.echo(_("   The browser came back; connecting…"))
    return address
