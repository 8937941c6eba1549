"""``sync``, ``publish`` and ``orders pull``: one run against the marketplaces."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from listsync.cli.state import State, pass_state
from listsync.i18n import _


def sync_options(command: Callable[..., None]) -> Callable[..., None]:
    command = click.option(
        "--channel", "channels", multiple=True, help=_("Only this channel (repeatable).")
    )(command)
    command = click.option(
        "--dry-run", is_flag=True, help=_("Show the plan; send and record nothing.")
    )(command)
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
    from listsync.errors import ConfigError
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
        if dry_run:
            click.echo(render_plan(engine.plan(names, force=force)))
            return
        with run_lock(ws.settings.ledger_path, command):
            result = engine.run(names, pull=pull, push=push, force=force, command=command)
    click.echo(render_summary(result))
    if not result.ok:
        sys.exit(result.exit_code)


@click.command(help=_("Pull orders, settle stock, then publish listings, stock and prices."))
@sync_options
@pass_state
def sync(state: State, channels: tuple[str, ...], dry_run: bool, force: bool) -> None:
    run_sync(state, channels, dry_run, force, pull=True, push=True, command="sync")


@click.command(help=_("Create and update listings, stock and prices (no order pull)."))
@sync_options
@pass_state
def publish(state: State, channels: tuple[str, ...], dry_run: bool, force: bool) -> None:
    run_sync(state, channels, dry_run, force, pull=False, push=True, command="publish")


@click.group(help=_("Orders from the marketplaces."))
def orders() -> None:
    pass


@orders.command("pull", help=_("Pull new and changed orders into the ledger and settle stock."))
@sync_options
@pass_state
def orders_pull(state: State, channels: tuple[str, ...], dry_run: bool, force: bool) -> None:
    run_sync(state, channels, dry_run, force, pull=True, push=False, command="orders pull")
