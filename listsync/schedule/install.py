"""Install, show and remove a workspace's scheduled run on this computer.

Everything that touches the computer goes through a :class:`Host`: the command runner,
the configuration folder systemd reads, and whether this is Windows. Tests give a Host
whose runner records commands and keeps a crontab in memory, so they never touch the
real crontab, systemd or Task Scheduler.

One workspace has at most one entry, in one scheduler: installing with one removes the
entry the workspace may have in another (say, a crontab line left from before systemd).
"""

from __future__ import annotations

import getpass
import os
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePath

from listsync.errors import ListsyncError
from listsync.i18n import _
from listsync.schedule.entries import (
    Job,
    cron_lines,
    entry_name,
    render_cron_line,
    render_service,
    render_task_xml,
    render_timer,
    replace_cron_line,
    shown_command,
)

SYSTEMD, CRON, WINDOWS = "systemd", "cron", "windows"
SCHEDULERS = (SYSTEMD, CRON, WINDOWS)
NOT_FOUND = 127


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: str = ""
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def problem(self) -> str:
        text = (self.stderr or self.stdout).strip()
        return text.splitlines()[0] if text else _("exit code {code}").format(code=self.returncode)


Runner = Callable[[Sequence[str], str | None], Completed]


def run_command(args: Sequence[str], input: str | None = None) -> Completed:
    try:
        done = subprocess.run(
            list(args), input=input, capture_output=True, text=True, timeout=60, check=False
        )
    except FileNotFoundError:
        return Completed(NOT_FOUND, "", _("{command}: command not found").format(command=args[0]))
    except subprocess.TimeoutExpired:
        return Completed(124, "", _("{command}: no answer within 60 s").format(command=args[0]))
    return Completed(done.returncode, done.stdout, done.stderr)


def default_config_home() -> Path:
    """``$XDG_CONFIG_HOME``, else ``~/.config`` (a relative value is ignored, as the XDG
    specification says)."""
    given = os.environ.get("XDG_CONFIG_HOME", "")
    return Path(given) if given and Path(given).is_absolute() else Path.home() / ".config"


@dataclass
class Host:
    """This computer, as far as scheduling goes; every field can be replaced in tests."""

    runner: Runner = run_command
    windows: bool = field(default_factory=lambda: os.name == "nt")
    config_home: Path = field(default_factory=default_config_home)
    systemd_marker: Path = Path("/run/systemd/system")
    user: str = field(default_factory=getpass.getuser)
    today: Callable[[], date] = date.today

    def run(self, *args: str, input: str | None = None) -> Completed:
        return self.runner(args, input)

    def must(self, *args: str, input: str | None = None) -> Completed:
        done = self.run(*args, input=input)
        if not done.ok:
            raise ListsyncError(
                _("`{command}` failed: {problem}").format(
                    command=shown_command(args, self.windows), problem=done.problem
                )
            )
        return done

    @property
    def unit_dir(self) -> Path:
        return self.config_home / "systemd" / "user"

    def unit_files(self, name: str) -> list[Path]:
        return [self.unit_dir / f"{name}.service", self.unit_dir / f"{name}.timer"]


def detect(host: Host) -> str:
    """Task Scheduler on Windows; systemd where a user manager answers; else cron."""
    if host.windows:
        return WINDOWS
    if host.systemd_marker.is_dir() and host.run("systemctl", "--user", "show-environment").ok:
        return SYSTEMD
    return CRON


@dataclass(frozen=True)
class Plan:
    """What installing ``job`` with ``scheduler`` writes and runs, before anything is done."""

    scheduler: str
    job: Job
    files: dict[PurePath, str]
    commands: list[list[str]]
    cron_line: str = ""


def plan_install(job: Job, scheduler: str, host: Host) -> Plan:
    name = job.name
    if scheduler == SYSTEMD:
        service, timer = host.unit_files(name)
        return Plan(
            SYSTEMD,
            job,
            {service: render_service(job), timer: render_timer(job)},
            [
                ["systemctl", "--user", "daemon-reload"],
                ["systemctl", "--user", "enable", "--now", f"{name}.timer"],
            ],
        )
    if scheduler == CRON:
        return Plan(CRON, job, {}, [["crontab", "-"]], render_cron_line(job))
    xml = PurePath(f"{name}.xml")
    return Plan(
        WINDOWS,
        job,
        {xml: render_task_xml(job, host.today())},
        [["schtasks", "/Create", "/TN", name, "/XML", str(xml), "/F"]],
    )


def _what(plan: Plan) -> str:
    when = plan.job.timing.describe()
    if plan.scheduler == SYSTEMD:
        return _(
            "systemd user timer {name}.timer, {when}; a start missed while the computer was"
            " off runs when it is next on (Persistent=true)"
        ).format(name=plan.job.name, when=when)
    if plan.scheduler == CRON:
        return _("crontab line {name}, {when}").format(name=plan.job.name, when=when)
    return _(
        "Windows Task Scheduler task {name}, {when}; a start missed while the computer was"
        " off or asleep runs as soon as it can (StartWhenAvailable)"
    ).format(name=plan.job.name, when=when)


def render_plan(plan: Plan) -> str:
    """What ``schedule install --print`` shows: every file in full and every command."""
    lines = ["# " + _("Would install: {what}").format(what=_what(plan))]
    if plan.scheduler == CRON:
        lines.append(
            "# "
            + _('In your crontab (crontab -l), replacing any line that ends in "# {name}":').format(
                name=plan.job.name
            )
        )
        lines.append(plan.cron_line)
        return "\n".join(lines) + "\n"
    for path, text in plan.files.items():
        note = _(" (saved as UTF-16)") if plan.scheduler == WINDOWS else ""
        lines.append("# " + _("file {path}{note}:").format(path=path, note=note))
        lines.append(text.rstrip("\n"))
    lines.append("# " + _("then:"))
    lines += [shown_command(command, plan.scheduler == WINDOWS) for command in plan.commands]
    return "\n".join(lines) + "\n"


# -- install -----------------------------------------------------------------------------------
def install(plan: Plan, host: Host) -> list[str]:
    """Install ``plan``, replacing this workspace's entry wherever it was; say what was done."""
    if plan.scheduler == SYSTEMD:
        for path, text in plan.files.items():
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(text, encoding="utf-8")
        for command in plan.commands:
            host.must(*command)
    elif plan.scheduler == CRON:
        current = _read_crontab(host, required=True)
        host.must("crontab", "-", input=replace_cron_line(current, plan.job.name, plan.cron_line))
    else:
        with tempfile.TemporaryDirectory() as folder:
            ((name, text),) = plan.files.items()
            xml = Path(folder) / name.name
            xml.write_text(text, encoding="utf-16")
            host.must("schtasks", "/Create", "/TN", plan.job.name, "/XML", str(xml), "/F")
    removed = [
        line
        for scheduler in _schedulers(host)
        if scheduler != plan.scheduler
        for line in _remove(scheduler, plan.job.workspace, host)
    ]
    lines = [_("installed: {what}").format(what=_what(plan)), *removed]
    lines += [_("runs: {command}").format(command=shown_command(plan.job.argv, host.windows))]
    if plan.scheduler == SYSTEMD:
        lines += _linger_note(host)
    lines.append(_("check it with: listsync schedule show"))
    return lines


def _linger_note(host: Host) -> list[str]:
    done = host.run("loginctl", "show-user", host.user, "--property=Linger", "--value")
    if done.ok and done.stdout.strip() == "no":
        return [
            _(
                "note: it runs only while you are logged in; to run it when you are not,"
                " run once: loginctl enable-linger {user}"
            ).format(user=host.user)
        ]
    return []


# -- show and remove ---------------------------------------------------------------------------
def _schedulers(host: Host) -> list[str]:
    """Where an entry of a workspace may be on this computer."""
    if host.windows:
        return [WINDOWS]
    return [SYSTEMD, CRON]


def _read_crontab(host: Host, *, required: bool = False) -> str:
    """The user's crontab ("" when there is none). Unless ``required`` (installing a cron
    entry), a cron that is missing or refuses this user counts as holding nothing: looking
    for a workspace's old entry must not stop installing a systemd timer."""
    done = host.run("crontab", "-l")
    if done.ok or "no crontab" in done.stderr.lower():
        return done.stdout if done.ok else ""
    if not required:
        return ""
    if done.returncode == NOT_FOUND:
        raise ListsyncError(
            _(
                "this computer has neither a systemd user session nor cron: install cron"
                " (on Debian or Ubuntu: sudo apt install cron), or have another scheduler run"
                " `listsync nightly` in the workspace"
            )
        )
    raise ListsyncError(_("`crontab -l` failed: {problem}").format(problem=done.problem))


def show(workspace: PurePath, host: Host) -> list[str]:
    """What is installed for ``workspace``, in each scheduler that has it."""
    name, found = entry_name(workspace), []
    for scheduler in _schedulers(host):
        if scheduler == SYSTEMD:
            for path in host.unit_files(name):
                if path.is_file():
                    found += [f"# {path}", path.read_text(encoding="utf-8").rstrip("\n")]
            if found:
                timers = host.run("systemctl", "--user", "list-timers", "--all", f"{name}.timer")
                if timers.ok:
                    found.append(timers.stdout.rstrip("\n"))
        elif scheduler == CRON:
            lines = cron_lines(_read_crontab(host), name)
            if lines:
                found += ["# " + _("crontab line:"), *lines]
        else:
            task = host.run("schtasks", "/Query", "/TN", name, "/V", "/FO", "LIST")
            if task.ok:
                found += ["# " + _("Windows task {name}:").format(name=name), task.stdout.strip()]
    if not found:
        return [
            _(
                "no scheduled run is installed for {workspace}; install one with:"
                " listsync schedule install --at 02:00"
            ).format(workspace=workspace)
        ]
    return found


def remove(workspace: PurePath, host: Host) -> list[str]:
    lines = [line for where in _schedulers(host) for line in _remove(where, workspace, host)]
    return lines or [
        _("no scheduled run is installed for {workspace}; nothing to remove").format(
            workspace=workspace
        )
    ]


def _remove(scheduler: str, workspace: PurePath, host: Host) -> list[str]:
    name = entry_name(workspace)
    if scheduler == SYSTEMD:
        files = [path for path in host.unit_files(name) if path.exists()]
        if not files:
            return []
        host.run("systemctl", "--user", "disable", "--now", f"{name}.timer")
        for path in files:
            path.unlink()
        host.run("systemctl", "--user", "daemon-reload")
        return [_("removed the systemd user timer {name}.timer").format(name=name)]
    if scheduler == CRON:
        current = _read_crontab(host)
        if not cron_lines(current, name):
            return []
        host.must("crontab", "-", input=replace_cron_line(current, name, None))
        return [_("removed the crontab line {name}").format(name=name)]
    if not host.run("schtasks", "/Query", "/TN", name).ok:
        return []
    host.must("schtasks", "/Delete", "/TN", name, "/F")
    return [_("removed the Windows task {name}").format(name=name)]
