"""What the demo says when it ends: the sync, the report, and where to look next."""

from __future__ import annotations

from datetime import timedelta

from listsync.demo.run import DemoResult
from listsync.i18n import _
from listsync.report.summary import render_summary


def render_demo(result: DemoResult) -> str:
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
    root = result.workspace
    lines += [
        "",
        _("Look around:"),
        f"  listsync -w {root} report --by day",
        f"  listsync -w {root} report --format html --output report.html",
        f"  listsync -w {root} stock show TSTH-100",
        f"  listsync -w {root} listings",
        f"  listsync -w {root} sync --dry-run",
    ]
    return "\n".join(lines)
