"""The reading commands: ``listsync report``, ``listsync runs`` and ``listsync listings``.

Thin click commands, added to the ``listsync`` group by :mod:`listsync.cli.main`. Only click
is imported here at module level; the work is in :mod:`listsync.report.model` and its formats.
A wrong date, zone or channel is an InputError: one line, exit code 2.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import click

from listsync.cli.help import examples
from listsync.i18n import _

if TYPE_CHECKING:
    from listsync.workspace import Workspace

BY_CHOICES = ("product", "channel", "day", "week", "month")

channel_option = click.option(
    "--channel",
    "channels",
    multiple=True,
    metavar="NAME",
    help=_("Only this channel (repeatable)."),
)
FORMATS = ("table", "csv", "json", "xlsx", "html")


class OpensWorkspace(Protocol):
    """The root command's context object (``listsync.cli.main.State``)."""

    def workspace(self) -> AbstractContextManager[Workspace]: ...


@click.command(
    "report",
    help=_(
        "Orders (count, units, revenue, cancellations) and stock, over a period.\n\n"
        "The default period is the last 30 days, in the workspace's local time."
    ),
    epilog=examples(
        ("listsync report --by channel --from 2026-11-01", _("Orders by marketplace since 1/11")),
        ("listsync report --format xlsx", _("The last 30 days as a workbook")),
    ),
)
@click.option(
    "--by",
    type=click.Choice(BY_CHOICES),
    default="day",
    show_default=True,
    help=_("Group the orders by product, channel, day, week (Monday first) or month."),
)
@click.option(
    "--from", "start", metavar="DATE", help=_("First local day, e.g. 2026-11-01 or 01/11/2026.")
)
@click.option("--to", "end", metavar="DATE", help=_("Last local day, included (default: today)."))
@click.option(
    "--tz", metavar="ZONE", help=_("Time zone of the days (default: the workspace's timezone).")
)
@channel_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help=_("table, csv and json print here; xlsx and html are written to a file."),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_("Write to this file (default for xlsx/html: report-<date> in the workspace)."),
)
@click.pass_obj
def report_cmd(
    state: OpensWorkspace,
    by: str,
    start: str | None,
    end: str | None,
    tz: str | None,
    channels: tuple[str, ...],
    fmt: str,
    output: Path | None,
) -> None:
    from listsync.report.formats import deliver
    from listsync.report.model import parse_date, parse_zone

    first = parse_date(start, "--from") if start else None
    last = parse_date(end, "--to") if end else None
    if tz is not None:
        parse_zone(tz)
    with state.workspace() as ws:
        report = ws.report(by, first, last, tz, channels)
        text, written = deliver(report, fmt, output, ws.root)
    if text:
        click.echo(text, nl=False)
    if written is not None:
        click.echo(_("Report written to {path}").format(path=written))


@click.command(
    "runs",
    help=_("The latest syncs: when, how long, what each channel did, and every error."),
    epilog=examples(("listsync runs --limit 3", _("The last three syncs"))),
)
@click.option(
    "--limit",
    type=click.IntRange(1, 1000),
    default=10,
    show_default=True,
    help=_("How many of the latest runs to show."),
)
@click.pass_obj
def runs_cmd(state: OpensWorkspace, limit: int) -> None:
    from listsync.report.runs import render_runs

    with state.workspace() as ws:
        runs = ws.ledger.runs(limit)
        tz = ws.settings.tz
    click.echo(render_runs(runs, tz))


@click.command(
    "listings",
    help=_("Each product on each channel: state, remote id, stock and price last sent, errors."),
    epilog=examples(
        ("listsync listings --state rejected", _("Listings a marketplace refused, and why")),
        ("listsync listings --channel tiki", _("Tiki's listings only")),
    ),
)
@channel_option
@click.option(
    "--state",
    "wanted",
    metavar="STATE",
    help=_("Only listings in this state: live, in_review, rejected, failed, not_listed, …"),
)
@click.pass_obj
def listings_cmd(state: OpensWorkspace, channels: tuple[str, ...], wanted: str | None) -> None:
    from listsync.report.runs import listing_lines, parse_state, render_listings

    chosen = parse_state(wanted)
    with state.workspace() as ws:
        enabled = [name for name, section in ws.settings.channels.items() if section.get("enabled")]
        lines = listing_lines(ws.ledger, enabled, channels, chosen, ws.settings.channels)
    click.echo(render_listings(lines))
