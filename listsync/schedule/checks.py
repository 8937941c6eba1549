"""What the nightly run checks before it syncs, each a sentence a clerk can act on.

- a missed night: a channel's last successful pull is older than the schedule allows;
- a gap that may not be recoverable: that pull is older than ``backfill_days``, the reach
  the workspace gives listsync into a marketplace's order history (docs/reliability.md #19);
- a shop's authorization that ends soon (the refresh token's end, or the access token's
  when there is no refresh token): after it, nothing syncs until ``listsync auth`` is run;
- an OCOP certificate that expires soon: the catalog (and the listings) would go on
  claiming a rating the product no longer holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta, tzinfo

from listsync.catalog.model import Product
from listsync.catalog.ocop import certificates_due
from listsync.channel.contract import Token
from listsync.i18n import _, ngettext
from listsync.ledger.records import RunRecord

PULLING = frozenset({"sync", "nightly", "orders pull"})  # commands that read orders
DAY = timedelta(days=1)


def ago(span: timedelta) -> str:
    """A duration the way a person says it: 3 days, 20 hours, 45 minutes."""
    if span >= 2 * DAY:
        days = span.days
        return ngettext("{n} day", "{n} days", days).format(n=days)
    hours = int(span.total_seconds() // 3600)
    if hours >= 1:
        return ngettext("{n} hour", "{n} hours", hours).format(n=hours)
    minutes = max(0, int(span.total_seconds() // 60))
    return ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)


def local(moment: datetime, tz: tzinfo) -> str:
    return f"{moment.astimezone(tz):%Y-%m-%d %H:%M}"


def last_pulls(runs: Iterable[RunRecord], names: Sequence[str]) -> dict[str, datetime | None]:
    """When each channel's orders were last pulled without an error (the run's start: what
    a pull reads reaches up to it). ``runs`` come newest first, as the ledger gives them."""
    last: dict[str, datetime | None] = dict.fromkeys(names)
    for run in runs:
        if run.command not in PULLING or run.finished_at is None:
            continue
        for channel in run.channels:
            if channel.channel in last and last[channel.channel] is None and not channel.error:
                last[channel.channel] = run.started_at
    return last


def allowed_gap(every: timedelta) -> timedelta:
    """How long after the last run the next may start before a run counts as missed: the
    schedule's period plus a margin for a late start or a slow run."""
    return every + min(every / 2, timedelta(hours=2))


def catch_up_notes(
    last: Mapping[str, datetime | None],
    now: datetime,
    every: timedelta,
    backfill: timedelta,
    tz: tzinfo,
) -> list[str]:
    """A line per group of channels last pulled at the same time, if that was too long ago.

    A channel never pulled before has nothing to catch up: its first pull reads
    ``backfill_days``.
    """
    groups: dict[datetime, list[str]] = {}
    for name, when in last.items():
        if when is not None and now - when > allowed_gap(every):
            groups.setdefault(when, []).append(name)
    notes = []
    for when, names in sorted(groups.items()):
        prefix = "" if len(names) == len(last) else ", ".join(names) + ": "
        notes.append(
            prefix
            + _("last successful run was {ago} ago ({when}); catching up").format(
                ago=ago(now - when), when=local(when, tz)
            )
        )
        if backfill > timedelta(0) and now - when > backfill:
            notes.append(
                prefix
                + _(
                    "POSSIBLE GAP IN ORDERS: the last successful run was {ago} ago, longer than"
                    " the {days} days listsync reads back (backfill_days). A marketplace that no"
                    " longer lists orders that old cannot give them back: check its orders"
                    " from {since} to {until} in its seller center, and correct the stock of"
                    " any order missing here by hand (listsync stock add)"
                ).format(
                    ago=ago(now - when),
                    days=backfill.days,
                    since=f"{when.astimezone(tz):%Y-%m-%d}",
                    until=f"{(now - backfill).astimezone(tz):%Y-%m-%d}",
                )
            )
    return notes


def authorization_ends(token: Token) -> datetime | None:
    """When the shop must be authorized again; ``None`` when its refresh token never ends."""
    return token.expires_at if token.refresh_token is None else token.refresh_expires_at


def authorization_warning(
    name: str, token: Token, now: datetime, within: timedelta, tz: tzinfo
) -> str | None:
    ends = authorization_ends(token)
    if ends is None or ends - now > within:
        return None
    if ends <= now:
        return _(
            "{channel}: the shop's authorization ended on {when}: nothing syncs on {channel}"
            " until you run: listsync auth {channel}"
        ).format(channel=name, when=local(ends, tz))
    return _(
        "{channel}: the shop's authorization ends on {when} (in {left}): renew it before"
        " then with: listsync auth {channel}"
    ).format(channel=name, when=local(ends, tz), left=ago(ends - now))


def ocop_warnings(products: Iterable[Product], today: date, within: timedelta) -> list[str]:
    """One line per certificate that has expired or expires within ``within``."""
    return [str(due) for due in certificates_due(products, today, within)]
