"""How the unattended runs of a workspace stand: what needs a look before the next run,
whether a scheduled run is installed and when it starts next, the last nightly runs, and
the end of their log.

The nightly run prints the warnings (:func:`warnings_ahead`) each night; ``listsync web``
shows all of it on its overview and schedule pages. Only reads: nothing here changes the
computer's scheduler or the ledger.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path, PurePath

from listsync.errors import ListsyncError
from listsync.ledger.records import RunRecord
from listsync.schedule.checks import (
    DAY,
    authorization_warning,
    catch_up_notes,
    last_pulls,
    ocop_warnings,
)
from listsync.schedule.entries import Timing, cron_lines, entry_name
from listsync.schedule.install import CRON, SYSTEMD, WINDOWS, Host, _read_crontab, _schedulers
from listsync.workspace import Workspace

RUN_HISTORY = 1000  # runs looked back through for each channel's last successful pull
NIGHTLY = "nightly"
LOG_FILE = "nightly.log"


def warnings_ahead(
    ws: Workspace,
    names: Sequence[str],
    now: datetime,
    *,
    every: timedelta = DAY,
    token_days: int = 7,
    ocop_days: int = 30,
) -> list[str]:
    """A missed run (and a possible gap in orders), shop authorizations that end within
    ``token_days``, OCOP certificates that expire within ``ocop_days``: one line each."""
    tz, ledger = ws.settings.tz, ws.ledger
    last = last_pulls(ledger.runs(limit=RUN_HISTORY), names)
    backfill = timedelta(days=ws.settings.backfill_days)
    lines = catch_up_notes(last, now, every, backfill, tz)
    lines += authorization_warnings(ws, names, now, token_days=token_days)
    today = now.astimezone(tz).date()
    lines += ocop_warnings(ledger.products(), today, timedelta(days=ocop_days))
    return lines


def authorization_warnings(
    ws: Workspace, names: Sequence[str], now: datetime, *, token_days: int = 7
) -> list[str]:
    """A line per shop whose authorization ends within ``token_days`` (or has ended)."""
    lines = []
    for name in names:
        try:
            shop_id = str(getattr(ws.channel_settings(name), "shop_id", "") or "")
        except ListsyncError:
            continue  # the sync reports a channel it cannot open
        token = ws.tokens.load(name, shop_id) if shop_id else None
        if token is not None:
            within = timedelta(days=token_days)
            warning = authorization_warning(name, token, now, within, ws.settings.tz)
            lines += [warning] if warning else []
    return lines


# -- what is installed ------------------------------------------------------------------------
@dataclass(frozen=True)
class Installed:
    """The scheduled run of a workspace as its scheduler holds it."""

    scheduler: str  # SYSTEMD, CRON or WINDOWS
    timing: Timing | None  # None when it cannot be read back (a Windows task, an edited entry)

    def next_start(self, now: datetime) -> datetime | None:
        """When it starts next after ``now`` (an aware time), on the computer's clock."""
        if self.timing is None:
            return None
        local = now.astimezone()
        for days in (0, 1):
            day = local.date() + timedelta(days=days)
            for start in self.timing.times():
                moment = datetime.combine(day, start, local.tzinfo)
                if moment > local:
                    return moment
        return None  # pragma: no cover - a timing always has a start in the next day


_SYSTEMD_DAY = re.compile(r"^\*-\*-\* (\d{2}):(\d{2}):00$")
_SYSTEMD_HOURS = re.compile(r"^\*-\*-\* (\d{2})/(\d+):(\d{2}):00$")
_SYSTEMD_MINUTES = re.compile(r"^\*-\*-\* \*:(\d{2})/(\d+):00$")


def timing_from_calendar(value: str) -> Timing | None:
    """The Timing whose :meth:`Timing.on_calendar` is ``value``; None for any other."""
    value = value.strip()
    if found := _SYSTEMD_DAY.match(value):
        return Timing(time(int(found[1]), int(found[2])))
    if found := _SYSTEMD_HOURS.match(value):
        every = timedelta(hours=int(found[2]))
        return Timing(time(int(found[1]), int(found[3])), every)
    if found := _SYSTEMD_MINUTES.match(value):
        return Timing(time(0, int(found[1])), timedelta(minutes=int(found[2])))
    return None


def timing_from_cron(line: str) -> Timing | None:
    """The Timing whose :meth:`Timing.cron_fields` start ``line``; None for any other."""
    fields = line.split()[:5]
    if len(fields) < 5 or fields[2:] != ["*", "*", "*"]:
        return None
    try:
        minutes = [int(m) for m in fields[0].split(",")]
        hours = None if fields[1] == "*" else [int(h) for h in fields[1].split(",")]
    except ValueError:
        return None
    if hours is None:
        step = minutes[1] - minutes[0] if len(minutes) > 1 else 60
        return Timing(time(0, minutes[0]), timedelta(minutes=step))
    if len(minutes) != 1:
        return None
    if len(hours) == 1:
        return Timing(time(hours[0], minutes[0]))
    return Timing(time(hours[0], minutes[0]), timedelta(hours=hours[1] - hours[0]))


def installed(workspace: PurePath, host: Host) -> Installed | None:
    """The scheduled run installed for ``workspace`` (the first scheduler that has one)."""
    name = entry_name(workspace)
    for scheduler in _schedulers(host):
        if scheduler == SYSTEMD:
            timer = host.unit_dir / f"{name}.timer"
            if timer.is_file():
                text = timer.read_text(encoding="utf-8")
                found = re.search(r"^OnCalendar=(.+)$", text, re.M)
                return Installed(SYSTEMD, timing_from_calendar(found[1]) if found else None)
        elif scheduler == CRON:
            lines = cron_lines(_read_crontab(host), name)
            if lines:
                return Installed(CRON, timing_from_cron(lines[0]))
        elif host.run("schtasks", "/Query", "/TN", name).ok:
            return Installed(WINDOWS, None)
    return None


# -- the last nightly runs and their log --------------------------------------------------------
def nightly_runs(runs: Sequence[RunRecord], limit: int = 10) -> list[RunRecord]:
    """The latest nightly runs of ``runs`` (newest first, as the ledger gives them)."""
    return [run for run in runs if run.command == NIGHTLY][:limit]


def log_tail(log_dir: Path, lines: int = 40) -> list[str]:
    """The last ``lines`` lines of the nightly log (none when there is no log yet)."""
    try:
        with (log_dir / LOG_FILE).open(encoding="utf-8", errors="replace") as log:
            return [line.rstrip("\n") for line in deque(log, maxlen=lines)]
    except OSError:
        return []
