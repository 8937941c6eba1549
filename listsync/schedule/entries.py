"""Scheduler entries for the nightly run: pure functions that render what would be installed.

Three schedulers, each the platform's own, each catching up a run the computer missed:

- a **systemd user timer** (``.service`` + ``.timer``): ``OnCalendar=`` with
  ``Persistent=true``. systemd documents that ``Persistent=`` only works with
  ``OnCalendar=`` timers, so ``--every`` is written as a calendar repetition
  (``*-*-* 02/6:00:00`` = 02:00, 08:00, 14:00, 20:00) and never as ``OnUnitActiveSec=``;
- a **crontab line** (cron does not catch up; the nightly run itself notices a missed
  night and the order pull resumes from its checkpoint);
- a **Windows Task Scheduler** task (XML for ``schtasks /Create /XML``) with
  ``StartWhenAvailable`` and, for ``--every``, a trigger repeated over the day.

An entry is named after its workspace (``listsync-<8 hex of the path's hash>``), so each
workspace has at most one, and installing again replaces it. Times are the computer's
local time, as every one of these schedulers reads them.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path, PurePath
from xml.sax.saxutils import escape

from listsync.errors import InputError
from listsync.i18n import _, ngettext

DAY = timedelta(days=1)
EVERY_MINUTES = (5, 10, 15, 20, 30)
EVERY_HOURS = (1, 2, 3, 4, 6, 8, 12, 24)
RUN_LIMIT = timedelta(hours=2)  # a run still going after this is stopped by the scheduler
CRON_LOG = "cron.log"


def _periods() -> str:
    return ", ".join([f"{m}m" for m in EVERY_MINUTES] + [f"{h}h" for h in EVERY_HOURS])


def parse_at(text: str) -> time:
    """``HH:MM`` (24-hour clock) as a time of day."""
    found = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", text)
    if found is None or int(found[1]) > 23 or int(found[2]) > 59:
        raise InputError(
            _("--at {value}: give a time of day as HH:MM on a 24-hour clock, e.g. 02:00").format(
                value=text
            )
        )
    return time(int(found[1]), int(found[2]))


def parse_every(text: str) -> timedelta:
    """A period that divides a day evenly, so every day has the same run times."""
    found = re.fullmatch(r"\s*(\d+)\s*(m|min|h|d)\s*", text.lower())
    if found is not None:
        count, unit = int(found[1]), found[2]
        minutes = count * {"m": 1, "min": 1, "h": 60, "d": 1440}[unit]
        if minutes in EVERY_MINUTES or minutes in (60 * h for h in EVERY_HOURS):
            return timedelta(minutes=minutes)
    raise InputError(
        _("--every {value}: give a period that divides a day evenly: {periods}").format(
            value=text, periods=_periods()
        )
    )


def format_every(every: timedelta) -> str:
    minutes = int(every.total_seconds() // 60)
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"


@dataclass(frozen=True)
class Timing:
    """When the run starts: at ``at``, then every ``every`` until the day ends."""

    at: time
    every: timedelta = DAY

    @property
    def _step(self) -> int:
        return int(self.every.total_seconds() // 60)

    @property
    def _first(self) -> int:
        return (self.at.hour * 60 + self.at.minute) % self._step

    def times(self) -> list[time]:
        """Every start time of a day, earliest first (``at`` is always one of them)."""
        return [time(m // 60, m % 60) for m in range(self._first, 1440, self._step)]

    def describe(self) -> str:
        if self.every >= DAY:
            return _("every day at {at:%H:%M}").format(at=self.at)
        starts = self.times()
        listed = ", ".join(f"{t:%H:%M}" for t in starts)
        if len(starts) > 6:
            listed = ", ".join(f"{t:%H:%M}" for t in starts[:3]) + ", …"
        minutes = self._step
        every = (
            ngettext("every hour", "every {n} hours", minutes // 60).format(n=minutes // 60)
            if minutes % 60 == 0
            else _("every {n} minutes").format(n=minutes)
        )
        return f"{every} ({listed})"

    def on_calendar(self) -> str:
        """systemd's ``OnCalendar=`` (see systemd.time(7), "Calendar Events")."""
        if self.every >= DAY:
            return f"*-*-* {self.at:%H:%M}:00"
        if self._step >= 60:
            return f"*-*-* {self._first // 60:02d}/{self._step // 60}:{self.at.minute:02d}:00"
        return f"*-*-* *:{self._first:02d}/{self._step}:00"

    def cron_fields(self) -> str:
        """The five time fields of a crontab line, as plain lists every cron understands."""
        if self.every >= DAY:
            return f"{self.at.minute} {self.at.hour} * * *"
        if self._step >= 60:
            hours = ",".join(str(t.hour) for t in self.times())
            return f"{self.at.minute} {hours} * * *"
        minutes = ",".join(str(m) for m in range(self._first, 60, self._step))
        return f"{minutes} * * * *"

    def repetition(self) -> str:
        """ISO 8601 duration of the Task Scheduler repetition (``PT6H``), "" for once a day."""
        if self.every >= DAY:
            return ""
        return f"PT{self._step // 60}H" if self._step % 60 == 0 else f"PT{self._step}M"


def entry_name(workspace: PurePath) -> str:
    """``listsync-<8 hex>``: one name per workspace folder, the same every time."""
    key = os.path.normcase(str(workspace)).encode("utf-8")
    return "listsync-" + hashlib.sha256(key).hexdigest()[:8]


def listsync_program(*, windows: bool | None = None, executable: str | None = None) -> list[str]:
    """How to start this very listsync: its console script beside the interpreter, if
    there is one, else the interpreter with ``-m listsync``.

    The interpreter's path is kept as it is, never resolved: in a virtual environment
    ``bin/python`` is a link, and following it would leave the environment. On Windows the
    windowless ``pythonw.exe`` is used when present, so no console window opens on the
    clerk's screen; the nightly run writes everything it says to its log anyway.
    """
    windows = os.name == "nt" if windows is None else windows
    python = Path(executable or sys.executable).absolute()
    if windows:
        pythonw = python.with_name("pythonw.exe")
        if pythonw.is_file():
            return [str(pythonw), "-m", "listsync"]
        for folder in (python.parent, python.parent / "Scripts"):
            if (folder / "listsync.exe").is_file():
                return [str(folder / "listsync.exe")]
    elif (python.parent / "listsync").is_file():
        return [str(python.parent / "listsync")]
    return [str(python), "-m", "listsync"]


@dataclass(frozen=True)
class Job:
    """One workspace's scheduled run: what starts, when, and where cron's output goes."""

    workspace: PurePath
    program: tuple[str, ...]
    timing: Timing
    log_dir: PurePath

    @property
    def name(self) -> str:
        return entry_name(self.workspace)

    @property
    def argv(self) -> list[str]:
        every = [] if self.timing.every >= DAY else ["--every", format_every(self.timing.every)]
        return [*self.program, "-w", str(self.workspace), "nightly", *every]

    @property
    def title(self) -> str:
        return _("listsync nightly run for {workspace}").format(workspace=self.workspace)


# -- systemd ---------------------------------------------------------------------------------
def _systemd_value(text: str) -> str:
    """A value systemd takes verbatim except for ``%`` specifiers."""
    return text.replace("%", "%%")


def _systemd_word(word: str) -> str:
    """One ExecStart= word, quoted by systemd.syntax(7) rules when it needs it."""
    escaped = word.replace("%", "%%").replace("$", "$$")
    if word and not re.search(r"[\s\"'\\;]", word):
        return escaped
    return '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_service(job: Job) -> str:
    return "\n".join(
        [
            "[Unit]",
            f"Description={_systemd_value(job.title)}",
            "",
            "[Service]",
            "Type=oneshot",
            f"WorkingDirectory={_systemd_value(str(job.workspace))}",
            "ExecStart=" + " ".join(_systemd_word(word) for word in job.argv),
            f"TimeoutStartSec={int(RUN_LIMIT.total_seconds() // 3600)}h",
            # 75: another run held the ledger; it is doing the work, nothing failed
            "SuccessExitStatus=75",
            "",
        ]
    )


def render_timer(job: Job) -> str:
    return "\n".join(
        [
            "[Unit]",
            f"Description={_systemd_value(job.title)}",
            "",
            "[Timer]",
            f"OnCalendar={job.timing.on_calendar()}",
            "Persistent=true",
            "",
            "[Install]",
            "WantedBy=timers.target",
            "",
        ]
    )


# -- cron ------------------------------------------------------------------------------------
def cron_marker(job_or_name: Job | str) -> str:
    name = job_or_name if isinstance(job_or_name, str) else job_or_name.name
    return f"# {name}"


def render_cron_line(job: Job) -> str:
    """One crontab line: cd into the workspace, run, append the output to ``cron.log``.

    Words are quoted for sh; a ``%`` is escaped as ``\\%`` because cron turns a bare one
    into a new line. The trailing comment marks the line as this workspace's.
    """
    log_file = job.log_dir / CRON_LOG
    command = (
        f"cd {shlex.quote(str(job.workspace))}"
        f" && mkdir -p {shlex.quote(str(job.log_dir))}"
        f" && {shlex.join(job.argv)} >> {shlex.quote(str(log_file))} 2>&1"
    )
    command = command.replace("%", "\\%")
    return f"{job.timing.cron_fields()} {command} {cron_marker(job)}"


def replace_cron_line(crontab: str, name: str, line: str | None) -> str:
    """``crontab`` with the lines marked for ``name`` replaced by ``line`` (or removed).

    Everything else is kept byte for byte; the result ends with a new line, as cron needs.
    """
    marker = cron_marker(name)
    kept: list[str] = []
    placed = line is None
    for existing in crontab.splitlines():
        if existing.rstrip().endswith(marker):
            if not placed:
                kept.append(line or "")
                placed = True
            continue
        kept.append(existing)
    if not placed and line is not None:
        kept.append(line)
    return "".join(f"{row}\n" for row in kept)


def cron_lines(crontab: str, name: str) -> list[str]:
    marker = cron_marker(name)
    return [row for row in crontab.splitlines() if row.rstrip().endswith(marker)]


# -- Windows Task Scheduler ----------------------------------------------------------------
def _windows_command(path: str) -> str:
    return f'"{path}"' if " " in path else path


def render_task_xml(job: Job, today: date) -> str:
    """A task for ``schtasks /Create /XML``: runs as the signed-in user, catches up a start
    missed while the computer was off or asleep, never runs twice at once, and does not
    skip a start because a laptop runs on battery."""
    first = job.timing.times()[0]
    repetition = job.timing.repetition()
    repeat = (
        [
            "      <Repetition>",
            f"        <Interval>{repetition}</Interval>",
            "        <Duration>P1D</Duration>",
            "        <StopAtDurationEnd>false</StopAtDurationEnd>",
            "      </Repetition>",
        ]
        if repetition
        else []
    )
    program, *arguments = job.argv
    limit = f"PT{int(RUN_LIMIT.total_seconds() // 3600)}H"
    lines = [
        '<?xml version="1.0" encoding="UTF-16"?>',
        '<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">',
        "  <RegistrationInfo>",
        f"    <Description>{escape(job.title)}</Description>",
        "  </RegistrationInfo>",
        "  <Triggers>",
        "    <CalendarTrigger>",
        f"      <StartBoundary>{today.isoformat()}T{first:%H:%M}:00</StartBoundary>",
        *repeat,
        "      <ScheduleByDay>",
        "        <DaysInterval>1</DaysInterval>",
        "      </ScheduleByDay>",
        "    </CalendarTrigger>",
        "  </Triggers>",
        "  <Principals>",
        '    <Principal id="Author">',
        "      <LogonType>InteractiveToken</LogonType>",
        "      <RunLevel>LeastPrivilege</RunLevel>",
        "    </Principal>",
        "  </Principals>",
        "  <Settings>",
        "    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>",
        "    <StartWhenAvailable>true</StartWhenAvailable>",
        "    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>",
        "    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>",
        "    <ExecutionTimeLimit>" + limit + "</ExecutionTimeLimit>",
        "    <Enabled>true</Enabled>",
        "  </Settings>",
        '  <Actions Context="Author">',
        "    <Exec>",
        f"      <Command>{escape(_windows_command(program))}</Command>",
        f"      <Arguments>{escape(subprocess.list2cmdline(arguments))}</Arguments>",
        f"      <WorkingDirectory>{escape(str(job.workspace))}</WorkingDirectory>",
        "    </Exec>",
        "  </Actions>",
        "</Task>",
        "",
    ]
    return "\n".join(lines)


def shown_command(argv: Sequence[str], windows: bool = False) -> str:
    """A command as a person would type it on this platform."""
    return subprocess.list2cmdline(list(argv)) if windows else shlex.join(argv)
