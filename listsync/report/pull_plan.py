"""What ``listsync orders pull --dry-run`` says: which channels a pull would read, from when
to when (local time), in how many windows, and why it starts there."""

from __future__ import annotations

from datetime import timedelta, tzinfo

from listsync.format import time_text
from listsync.i18n import _, ngettext
from listsync.sync.engine import RunResult
from listsync.sync.pull_plan import PullPlan

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def span_text(span: timedelta) -> str:
    """``3 days``, ``6 hours``, ``60 minutes``: the largest unit that says it exactly."""
    if span >= DAY and not span % DAY:
        return ngettext("{n} day", "{n} days", span // DAY).format(n=span // DAY)
    if span >= HOUR and not span % HOUR:
        return ngettext("{n} hour", "{n} hours", span // HOUR).format(n=span // HOUR)
    minutes = int(span.total_seconds() // 60)
    return ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)


def render_pull_plan(result: RunResult, tz: tzinfo) -> str:
    zone = getattr(tz, "key", None) or str(tz)
    lines = [_("Dry run: nothing was pulled and nothing was recorded.")]
    for name, outcome in result.outcomes.items():
        if outcome.error:
            lines.append(
                _("{channel}: cannot plan: {error}").format(channel=name, error=outcome.error)
            )
    if result.pulls:
        lines.append(
            _("A pull would read the orders that changed (times in {zone}):").format(zone=zone)
        )
    for plan in result.pulls.values():
        lines += _pull_lines(plan, tz)
    return "\n".join(lines)


def _pull_lines(plan: PullPlan, tz: tzinfo) -> list[str]:
    """Two lines: the range and its windows, then why it starts there."""
    period = ngettext(
        "{channel}: {start} to {until}, in {count} window of at most {window}",
        "{channel}: {start} to {until}, in {count} windows of at most {window}",
        plan.windows,
    ).format(
        channel=plan.channel,
        start=time_text(plan.start.astimezone(tz)),
        until=time_text(plan.until.astimezone(tz)),
        count=plan.windows,
        window=span_text(plan.window),
    )
    if plan.checkpoint is None:
        why = _("the first pull reads the last {days}").format(days=span_text(plan.backfill))
    else:
        why = _("the last pull reached {checkpoint}, less {overlap} of overlap").format(
            checkpoint=time_text(plan.checkpoint.astimezone(tz)),
            overlap=span_text(plan.overlap),
        )
    return [f"  {period}", f"    {why}"]
