"""``listsync schedule install|show|remove`` and ``listsync nightly``.

Only click is imported here at the top, like in :mod:`listsync.cli.main`, so ``listsync --help``
stays instant; each command imports what it needs when it runs. Wired into the main group
with ``cli.add_command(schedule)`` and ``cli.add_command(nightly)``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from listsync.cli.help import examples
from listsync.i18n import _

if TYPE_CHECKING:
    from listsync.schedule.install import Host

SCHEDULER_CHOICES = ("auto", "systemd", "cron", "windows")


def make_host() -> Host:
    """This computer; tests replace this function to record commands instead of running them."""
    from listsync.schedule.install import Host

    return Host()


def _workspace(ctx: click.Context) -> Path | None:
    """The ``-w`` of the main group (or $LISTSYNC_WORKSPACE, which click already read)."""
    given = getattr(ctx.obj, "workspace_path", None)
    return Path(given) if given is not None else None


def _folder(ctx: click.Context) -> Path:
    """The workspace folder as the settings name it: absolute, links resolved."""
    chosen = _workspace(ctx) or os.environ.get("LISTSYNC_WORKSPACE") or Path.cwd()
    return Path(chosen).expanduser().resolve()


@click.group(
    help=_("Run `listsync nightly` by itself: install, show or remove the scheduled run."),
    epilog=examples(
        ("listsync schedule install --at 02:00", _("Sync by itself every night at 2:00")),
        ("listsync schedule show", _("The scheduled run of this workspace, if any")),
    ),
)
def schedule() -> None:
    pass


@schedule.command(
    "install",
    help=_("Install the nightly run with this computer's own scheduler."),
    epilog=examples(
        ("listsync schedule install --at 02:00", _("Sync by itself every night at 2:00")),
        ("listsync schedule install --every 6h --print", _("Every 6 hours; only show it")),
    ),
)
@click.option(
    "--at",
    metavar="HH:MM",
    default="02:00",
    show_default=True,
    help=_("Time of day on this computer's clock."),
)
@click.option("--every", metavar="PERIOD", help=_("Also repeat through the day, e.g. 6h or 30m."))
@click.option(
    "--print", "print_only", is_flag=True, help=_("Show what would be installed; change nothing.")
)
@click.option(
    "--scheduler",
    type=click.Choice(SCHEDULER_CHOICES),
    default="auto",
    show_default=True,
    help=_("Which scheduler; auto: Task Scheduler on Windows, else systemd if running, else cron."),
)
@click.pass_context
def schedule_install(
    ctx: click.Context, at: str, every: str | None, print_only: bool, scheduler: str
) -> None:
    from listsync.errors import ConfigError, InputError
    from listsync.schedule.entries import DAY, Job, Timing, listsync_program, parse_at, parse_every
    from listsync.schedule.install import WINDOWS, detect, install, plan_install, render_plan
    from listsync.settings import load_settings

    timing = Timing(parse_at(at), parse_every(every) if every else DAY)
    settings = load_settings(_workspace(ctx))
    if not settings.config_file.is_file():
        raise ConfigError(
            _(
                "{folder} is not a listsync workspace (no listsync.toml): make one with:"
                " listsync init {folder}"
            ).format(folder=settings.workspace)
        )
    host = make_host()
    chosen = detect(host) if scheduler == "auto" else scheduler
    program = tuple(listsync_program(windows=chosen == WINDOWS))
    plan = plan_install(Job(settings.workspace, program, timing, settings.log_dir), chosen, host)
    if print_only:
        click.echo(render_plan(plan), nl=False)
        return
    if (chosen == WINDOWS) != host.windows:
        raise InputError(
            _("a {scheduler} entry cannot be installed on this computer; --print shows it").format(
                scheduler=chosen
            )
        )
    for line in install(plan, host):
        click.echo(line)


@schedule.command(
    "show",
    help=_("Show the scheduled run installed for this workspace, if any."),
    epilog=examples(("listsync schedule show", _("The scheduled run of this workspace, if any"))),
)
@click.pass_context
def schedule_show(ctx: click.Context) -> None:
    from listsync.schedule.install import show

    for line in show(_folder(ctx), make_host()):
        click.echo(line)


@schedule.command(
    "remove",
    help=_("Remove the scheduled run of this workspace."),
    epilog=examples(("listsync schedule remove", _("Stop the nightly run of this workspace"))),
)
@click.pass_context
def schedule_remove(ctx: click.Context) -> None:
    from listsync.schedule.install import remove

    for line in remove(_folder(ctx), make_host()):
        click.echo(line)


@click.command(
    help=_(
        "The unattended run: sync under the lock, log, one summary line, exit code for"
        " monitors.\n\nExit codes: 0 all channels ok, 3 all channels ok but something needs"
        ' you (printed after the summary line as "to fix"), 1 a channel failed, 2 bad'
        " settings, 75 another run is going."
    ),
    epilog=examples(("listsync nightly", _("What the schedule runs; run it by hand to try it"))),
)
@click.option(
    "--every", metavar="PERIOD", help=_("How often the schedule starts it (default 24h).")
)
@click.option(
    "--auth-warning-days",
    metavar="DAYS",
    type=click.IntRange(min=0),
    default=7,
    show_default=True,
    help=_("Warn this many days before a shop's authorization ends."),
)
@click.option(
    "--ocop-warning-days",
    metavar="DAYS",
    type=click.IntRange(min=0),
    default=30,
    show_default=True,
    help=_("Warn this many days before an OCOP certificate expires."),
)
@click.pass_context
def nightly(
    ctx: click.Context, every: str | None, auth_warning_days: int, ocop_warning_days: int
) -> None:
    from listsync.schedule.entries import DAY, parse_every
    from listsync.schedule.nightly import NightlyOptions, run_nightly

    options = NightlyOptions(
        every=parse_every(every) if every else DAY,
        token_days=auth_warning_days,
        ocop_days=ocop_warning_days,
    )
    result = run_nightly(_workspace(ctx), options)
    for line in result.lines:
        click.echo(line)
    if result.exit_code:
        sys.exit(result.exit_code)
