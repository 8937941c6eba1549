"""``sync``, ``publish`` and ``orders pull``: one run against the marketplaces."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from listsync.cli.help import examples
from listsync.cli.state import State, pass_state
from listsync.i18n import _


def sync_options(command: Callable[..., None]) -> Callable[..., None]:
    command = click.option(
        "--channel", "channels", multiple=True, help=_("Only this channel (repeatable).")
    )(command)
    return click.option(
        "--dry-run", is_flag=True, help=_("Show the plan; send and record nothing.")
    )(command)


def force_option(command: Callable[..., None]) -> Callable[..., None]:
    """Only for the commands that push: a pull sets no stock."""
    return click.option(
        "--force", is_flag=True, help=_("Allow setting stock to 0 on most listings at once.")
    )(command)


def run_sync(
    state: State,
    channels: tuple[str, ...],
    dry_run: bool,
    force: bool,
    *,
    pull: bool,
    push: bool,
    command: str,
) -> None:
    from listsync.cli.progress import ctrl_c_stops, progress_display
    from listsync.errors import EXIT_INTERRUPTED, ConfigError
    from listsync.report.progress import stopped_line
    from listsync.report.pull_plan import render_pull_plan
    from listsync.report.summary import render_plan, render_summary
    from listsync.sync.runlock import run_lock

    with state.workspace() as ws:
        names = ws.enabled_channels(channels)
        if not names:
            raise ConfigError(
                _(
                    "no marketplace is switched on: add a [channels.<name>] section with "
                    "enabled = true to listsync.toml (listsync channels lists them; "
                    "listsync demo shows a sync against the built-in sandboxes)"
                )
            )
        engine = ws.sync_engine()
        if dry_run and not push:
            click.echo(render_pull_plan(engine.plan_pull(names), ws.settings.tz))
            return
        if dry_run:
            click.echo(render_plan(engine.plan(names, force=force)))
            return
        with (
            run_lock(ws.settings.ledger_path, command, tz=ws.settings.tz),
            progress_display() as display,
        ):
            result = engine.run(
                names,
                pull=pull,
                push=push,
                force=force,
                command=command,
                progress=display,
                stop=ctrl_c_stops(display),
            )
    click.echo(render_summary(result))
    if result.interrupted:
        click.echo(stopped_line(result))
        sys.exit(EXIT_INTERRUPTED)
    if result.exit_code:  # 3: done, but its "To fix" list needs you
        sys.exit(result.exit_code)


@click.command(
    help=_("Pull orders, settle stock, then publish listings, stock and prices."),
    epilog=examples(
        ("listsync sync --dry-run", _("See what a sync would send; send nothing")),
        ("listsync sync --channel shopee", _("Sync Shopee only")),
    ),
)
@sync_options
@force_option
@pass_state
def sync(state: State, channels: tuple[str, ...], dry_run: bool, force: bool) -> None:
    run_sync(state, channels, dry_run, force, pull=True, push=True, command="sync")


@click.command(
    help=_("Create and update listings, stock and prices (no order pull)."),
    epilog=examples(
        ("listsync publish --dry-run", _("See what publishing would send; send nothing")),
        ("listsync publish --channel lazada", _("Publish on Lazada only")),
    ),
)
@sync_options
@force_option
@pass_state
def publish(state: State, channels: tuple[str, ...], dry_run: bool, force: bool) -> None:
    run_sync(state, channels, dry_run, force, pull=False, push=True, command="publish")


@click.group(
    help=_("Orders from the marketplaces."),
    epilog=examples(
        ("listsync orders pull", _("Pull new and changed orders from every marketplace"))
    ),
)
def orders() -> None:
    pass


@orders.command(
    "pull",
    help=_("Pull new and changed orders into the ledger and settle stock."),
    epilog=examples(
        ("listsync orders pull --dry-run", _("See from when to when a pull would read")),
        ("listsync orders pull --channel tiki", _("Pull Tiki's orders only")),
    ),
)
@sync_options
@pass_state
def orders_pull(state: State, channels: tuple[str, ...], dry_run: bool) -> None:
    run_sync(state, channels, dry_run, False, pull=True, push=False, command="orders pull")
