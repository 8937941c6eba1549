"""What the demo says when it ends: the sync, the report, and where to look next."""

from __future__ import annotations

import os
from datetime import timedelta

from listsync.demo.program import quoted, this_program
from listsync.demo.run import DemoResult
from listsync.i18n import _
from listsync.report.summary import render_summary


def render_demo(result: DemoResult, program: str | None = None) -> str:
    """What happened, and commands to look around with, started as ``program`` (by default
    the way this listsync was started: :func:`listsync.demo.program.this_program`)."""
    from listsync.report.formats import render_table
    from listsync.workspace import Workspace

    lines = [""]
    if result.sync is not None:
        lines += [_("The sync after the orders came in:"), render_summary(result.sync), ""]
    with Workspace.open(result.workspace) as ws:
        today = ws.clock.now().astimezone(ws.settings.tz).date()
        start = today - timedelta(days=result.days)
        lines.append(render_table(ws.report("channel", start, today)))
        for name in result.channels:
            lines.append(
                _(
                    "{channel}: the sandbox took {made} orders ({cancelled} cancelled); "
                    "{stored} are in the ledger"
                ).format(
                    channel=name,
                    made=result.orders_made.get(name, 0),
                    cancelled=result.cancelled.get(name, 0),
                    stored=ws.ledger.order_count(name),
                )
            )
            if name in result.in_review:
                lines.append(
                    _(
                        "{channel}: {waited} listings waited in the marketplace's review after "
                        "publishing; {live} passed and went live before the orders came"
                    ).format(
                        channel=name,
                        waited=result.in_review[name],
                        live=result.reviewed_live.get(name, 0),
                    )
                )
    windows = os.name == "nt"
    again = f"{program or this_program()} -w {quoted(str(result.workspace), windows=windows)}"
    lines += [
        "",
        _("See it all in a web browser, on this computer (Ctrl+C stops it):"),
        f"  {again} web",
        "",
        _("Look around:"),
        f"  {again} report --by day",
        f"  {again} report --format html --output report.html",
        f"  {again} stock show TSTH-100",
        f"  {again} listings",
        f"  {again} sync --dry-run",
    ]
    return "\n".join(lines)
