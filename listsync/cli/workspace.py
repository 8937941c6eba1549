"""``init``, ``channels`` and ``auth``: make a workspace, see its marketplaces, connect a shop."""

from __future__ import annotations

from pathlib import Path

import click

from listsync.cli.state import State, echo_table, pass_state
from listsync.i18n import _, pick_language


@click.command(help=_("Make a workspace: listsync.toml, a private .env and a sample catalog."))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--force", is_flag=True, help=_("Overwrite listsync.toml and .env if present."))
def init(directory: Path, force: bool) -> None:
    from listsync.catalog.samples import copy_sample_catalog
    from listsync.settings import write_workspace_template

    # the language of the person making it (LISTSYNC_LANG, else the locale) becomes the
    # workspace's when it is Vietnamese
    written = write_workspace_template(directory, force=force, language=pick_language())
    written += copy_sample_catalog(directory)
    for path in written:
        click.echo(_("wrote {path}").format(path=path))
    steps = "listsync catalog import && listsync stock show"
    if directory.resolve() != Path.cwd().resolve():
        steps = f"cd {directory} && {steps}"
    click.echo(_("Next: {steps}").format(steps=steps))


# -- channels -----------------------------------------------------------------------------
@click.command(
    help=_("List installed marketplace adapters, configured or not, and their authorization.")
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
            s.problem or s.token,
        ]
        for s in statuses
    ]
    echo_table([_("Channel"), _("Marketplace"), _("Configured"), _("Enabled"), _("State")], rows)


@click.command(
    help=_("Connect a shop: open the consent link, then give back the address you land on.")
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
    with state.workspace() as ws:
        connection = ws.channel(channel)
        try:
            # a channel whose app belongs to the seller connects with its own credentials
            consent = getattr(connection, "needs_consent", True)
            if not consent:
                click.echo(_("Connecting with the app's own credentials (no browser needed)…"))
                redirect_url = redirect_url or ""
            elif not redirect_url:
                click.echo(_("1. Open this link, log in as the shop owner and approve:"))
                click.echo("   " + connection.authorization_url(callback))
                click.echo(
                    _("2. The browser then goes to an address starting with {cb}").format(
                        cb=callback
                    )
                )
                redirect_url = click.prompt(_("   Paste that whole address here"))
            shop_id = connection.authorize(redirect_url)
        finally:
            connection.close()
        configured = str(getattr(ws.channel_settings(channel), "shop_id", "") or "")
    click.echo(_("{channel}: shop {shop} is connected.").format(channel=channel, shop=shop_id))
    if configured != shop_id:
        click.echo(
            _('Add shop_id = "{shop}" to [channels.{channel}] in listsync.toml.').format(
                shop=shop_id, channel=channel
            )
        )
