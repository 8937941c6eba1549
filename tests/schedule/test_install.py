"""Installing, showing and removing the scheduled run against a fake computer that records
the commands it is given and keeps its crontab and tasks in memory; and the CLI commands."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from listsync.cli import schedule as cli_schedule
from listsync.cli.main import cli, main
from listsync.errors import ListsyncError
from listsync.schedule.entries import DAY, Job, Timing, entry_name, parse_at, parse_every
from listsync.schedule.install import (
    CRON,
    SYSTEMD,
    WINDOWS,
    Completed,
    Host,
    default_config_home,
    detect,
    install,
    plan_install,
    remove,
    render_plan,
    show,
)

PROGRAM = ("/opt/listsync/bin/listsync",)


class FakeComputer:
    """A command runner with a crontab, Task Scheduler tasks and a systemd user manager."""

    def __init__(self, *, systemd: bool = True, cron: bool = True, linger: str = "yes"):
        self.systemd, self.cron, self.linger = systemd, cron, linger
        self.commands: list[tuple[str, ...]] = []
        self.crontab: str | None = None
        self.tasks: dict[str, str] = {}

    def __call__(self, args: Sequence[str], input: str | None = None) -> Completed:
        command = tuple(args)
        self.commands.append(command)
        match command:
            case ("systemctl", "--user", *_rest):
                return Completed(0 if self.systemd else 1, "", "" if self.systemd else "no bus")
            case ("crontab", *_rest) if not self.cron:
                return Completed(127, "", "crontab: command not found")
            case ("crontab", "-l"):
                if self.crontab is None:
                    return Completed(1, "", "no crontab for coop\n")
                return Completed(0, self.crontab)
            case ("crontab", "-"):
                self.crontab = input
                return Completed(0)
            case ("schtasks", "/Create", "/TN", name, "/XML", path, "/F"):
                self.tasks[name] = Path(path).read_text(encoding="utf-16")
                return Completed(0, "SUCCESS: The scheduled task was created.")
            case ("schtasks", "/Query", "/TN", name, *_rest):
                if name in self.tasks:
                    return Completed(0, f"TaskName:      \\{name}\nNext Run Time: 25/11/2026\n")
                return Completed(1, "", "ERROR: The system cannot find the file specified.")
            case ("schtasks", "/Delete", "/TN", name, "/F"):
                del self.tasks[name]
                return Completed(0)
            case ("loginctl", *_rest):
                return Completed(0, self.linger + "\n")
        return Completed(0)

    def ran(self, *prefix: str) -> list[tuple[str, ...]]:
        return [c for c in self.commands if c[: len(prefix)] == prefix]


def make_host(tmp_path: Path, computer: FakeComputer, *, windows: bool = False) -> Host:
    marker = tmp_path / "run-systemd-system"
    marker.mkdir(exist_ok=True)
    return Host(
        runner=computer,
        windows=windows,
        config_home=tmp_path / "config",
        systemd_marker=marker,
        user="coop",
        today=lambda: date(2026, 11, 24),
    )


def job(workspace: Path, at: str = "02:00", every: str | None = None) -> Job:
    timing = Timing(parse_at(at), parse_every(every) if every else DAY)
    return Job(workspace, PROGRAM, timing, workspace / "logs")


# -- detection ---------------------------------------------------------------------------------
def test_detect_prefers_windows_then_a_running_systemd_then_cron(tmp_path: Path) -> None:
    assert detect(make_host(tmp_path, FakeComputer(), windows=True)) == WINDOWS
    assert detect(make_host(tmp_path, FakeComputer())) == SYSTEMD
    assert detect(make_host(tmp_path, FakeComputer(systemd=False))) == CRON
    computer = FakeComputer()
    no_systemd = make_host(tmp_path, computer)
    no_systemd.systemd_marker = tmp_path / "absent"
    assert detect(no_systemd) == CRON
    assert computer.commands == []  # no systemd booted: not even asked


def test_config_home_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert default_config_home() == tmp_path / "xdg"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/path")
    assert default_config_home() == Path.home() / ".config"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert default_config_home() == Path.home() / ".config"


# -- systemd -----------------------------------------------------------------------------------
def test_systemd_install_show_remove(tmp_path: Path) -> None:
    computer = FakeComputer(linger="no")
    host = make_host(tmp_path, computer)
    workspace = tmp_path / "Sen Tây Hồ"
    name = entry_name(workspace)
    plan = plan_install(job(workspace, every="6h"), SYSTEMD, host)
    said = install(plan, host)
    service = tmp_path / "config" / "systemd" / "user" / f"{name}.service"
    timer = service.with_suffix(".timer")
    assert service.read_text(encoding="utf-8") == plan.files[service]
    assert "OnCalendar=*-*-* 02/6:00:00\nPersistent=true\n" in timer.read_text(encoding="utf-8")
    assert computer.ran("systemctl", "--user") == [
        ("systemctl", "--user", "daemon-reload"),
        ("systemctl", "--user", "enable", "--now", f"{name}.timer"),
    ]
    assert said[0].startswith(f"installed: systemd user timer {name}.timer, every 6 hours")
    assert any("loginctl enable-linger coop" in line for line in said)
    assert computer.crontab is None  # nothing was written to cron

    shown = "\n".join(show(workspace, host))
    assert f"# {service}" in shown and "OnCalendar=*-*-* 02/6:00:00" in shown
    assert ("systemctl", "--user", "list-timers", "--all", f"{name}.timer") in computer.commands

    assert remove(workspace, host) == [f"removed the systemd user timer {name}.timer"]
    assert not service.exists() and not timer.exists()
    assert computer.ran("systemctl")[-2:] == [
        ("systemctl", "--user", "disable", "--now", f"{name}.timer"),
        ("systemctl", "--user", "daemon-reload"),
    ]
    assert show(workspace, host)[0].startswith("no scheduled run is installed for")


def test_a_failing_systemctl_is_one_clear_error(tmp_path: Path) -> None:
    host = make_host(tmp_path, FakeComputer(systemd=False))
    plan = plan_install(job(tmp_path / "ws"), SYSTEMD, host)
    with pytest.raises(ListsyncError, match=r"`systemctl --user daemon-reload` failed: no bus"):
        install(plan, host)


def test_installing_with_systemd_removes_the_workspace_cron_line(tmp_path: Path) -> None:
    computer = FakeComputer()
    host = make_host(tmp_path, computer)
    workspace = tmp_path / "ws"
    install(plan_install(job(workspace), CRON, host), host)
    computer.crontab = "15 3 * * * backup.sh\n" + (computer.crontab or "")
    said = install(plan_install(job(workspace), SYSTEMD, host), host)
    assert computer.crontab == "15 3 * * * backup.sh\n"
    assert f"removed the crontab line {entry_name(workspace)}" in said


# -- cron --------------------------------------------------------------------------------------
def test_cron_keeps_one_line_per_workspace_and_the_rest_untouched(tmp_path: Path) -> None:
    computer = FakeComputer(systemd=False)
    host = make_host(tmp_path, computer)
    theirs = "MAILTO=coop@example.vn\n15 3 * * * /usr/local/bin/backup.sh\n"
    computer.crontab = theirs
    first, second = tmp_path / "Sen", tmp_path / "Gốm"
    install(plan_install(job(first), CRON, host), host)
    install(plan_install(job(first, at="03:15"), CRON, host), host)
    install(plan_install(job(second), CRON, host), host)
    lines = (computer.crontab or "").splitlines()
    assert lines[:2] == theirs.splitlines()
    assert len(lines) == 4
    assert lines[2].startswith("15 3 * * * cd ") and lines[2].endswith(f"# {entry_name(first)}")
    assert lines[3].startswith("0 2 * * * cd ") and lines[3].endswith(f"# {entry_name(second)}")

    assert show(first, host) == ["# crontab line:", lines[2]]
    assert remove(first, host) == [f"removed the crontab line {entry_name(first)}"]
    assert computer.crontab == theirs + lines[3] + "\n"
    assert remove(first, host) == [f"no scheduled run is installed for {first}; nothing to remove"]


def test_cron_starts_a_crontab_where_there_was_none(tmp_path: Path) -> None:
    computer = FakeComputer(systemd=False)
    host = make_host(tmp_path, computer)
    said = install(plan_install(job(tmp_path / "ws"), CRON, host), host)
    assert (computer.crontab or "").count("\n") == 1
    assert (computer.crontab or "").endswith(f"# {entry_name(tmp_path / 'ws')}\n")
    assert said[0] == f"installed: crontab line {entry_name(tmp_path / 'ws')}, every day at 02:00"


def test_no_scheduler_at_all_says_what_to_install(tmp_path: Path) -> None:
    host = make_host(tmp_path, FakeComputer(systemd=False, cron=False))
    with pytest.raises(ListsyncError, match=r"neither a systemd user session nor cron"):
        install(plan_install(job(tmp_path / "ws"), CRON, host), host)
    assert show(tmp_path / "ws", host)[0].startswith("no scheduled run is installed")


# -- Windows -----------------------------------------------------------------------------------
def test_windows_install_show_remove(tmp_path: Path) -> None:
    computer = FakeComputer()
    host = make_host(tmp_path, computer, windows=True)
    workspace = tmp_path / "ws"
    name = entry_name(workspace)
    plan = plan_install(job(workspace, every="12h"), WINDOWS, host)
    install(plan, host)
    assert computer.tasks[name] == next(iter(plan.files.values()))
    assert "<Interval>PT12H</Interval>" in computer.tasks[name]
    created = computer.ran("schtasks", "/Create")
    assert len(created) == 1 and created[0][:4] == ("schtasks", "/Create", "/TN", name)
    assert not Path(created[0][5]).exists()  # the XML file was a temporary one
    assert computer.ran("crontab") == [] and computer.ran("systemctl") == []

    assert show(workspace, host)[0] == f"# Windows task {name}:"
    assert remove(workspace, host) == [f"removed the Windows task {name}"]
    assert computer.tasks == {}


# -- the CLI -----------------------------------------------------------------------------------
@pytest.fixture
def listsync(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Result]]:
    """The real entry point with the schedule commands added as cli.py will add them."""
    for command in (cli_schedule.schedule, cli_schedule.nightly):
        if command.name not in cli.commands:
            monkeypatch.setitem(cli.commands, str(command.name), command)

    def run(*args: str) -> Result:
        import click

        command = click.Command("listsync", callback=lambda: main(list(args)))
        return CliRunner().invoke(command, [], catch_exceptions=False)

    yield run


@pytest.fixture
def workspace(tmp_path: Path, listsync: Callable[..., Result]) -> Path:
    folder = tmp_path / "Hợp tác xã Sen"
    assert listsync("init", str(folder)).exit_code == 0
    return folder.resolve()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--at", "25:00"), "error: --at 25:00: give a time of day as HH:MM"),
        (("--every", "7h"), "error: --every 7h: give a period that divides a day evenly"),
    ],
)
def test_bad_timing_is_one_line_and_exit_2(
    listsync: Callable[..., Result], workspace: Path, args: tuple[str, ...], message: str
) -> None:
    result = listsync("-w", str(workspace), "schedule", "install", *args)
    assert result.exit_code == 2
    assert result.output.startswith(message)
    assert result.output.count("\n") == 1


def test_nightly_with_a_bad_every_is_exit_2(
    listsync: Callable[..., Result], workspace: Path
) -> None:
    result = listsync("-w", str(workspace), "nightly", "--every", "90m")
    assert result.exit_code == 2 and result.output.startswith("error: --every 90m:")


def test_install_needs_a_workspace(listsync: Callable[..., Result], tmp_path: Path) -> None:
    result = listsync("-w", str(tmp_path), "schedule", "install", "--print")
    assert result.exit_code == 2
    assert "is not a listsync workspace (no listsync.toml)" in result.output


def test_cli_print_install_show_remove(
    listsync: Callable[..., Result],
    workspace: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    computer = FakeComputer(systemd=False)
    host = make_host(tmp_path, computer)
    monkeypatch.setattr(cli_schedule, "make_host", lambda: host)
    name = entry_name(workspace)

    printed = listsync("-w", str(workspace), "schedule", "install", "--at", "01:30", "--print")
    assert printed.exit_code == 0, printed.output
    line = printed.output.splitlines()[-1]
    assert line.startswith(f"30 1 * * * cd '{workspace}' && ") and line.endswith(f"# {name}")
    assert computer.crontab is None and computer.ran("crontab") == []  # --print changed nothing

    done = listsync("-w", str(workspace), "schedule", "install", "--at", "01:30")
    assert done.exit_code == 0, done.output
    assert computer.crontab == line + "\n"
    assert done.output.splitlines()[0] == f"installed: crontab line {name}, every day at 01:30"

    shown = listsync("-w", str(workspace), "schedule", "show")
    assert shown.output.splitlines() == ["# crontab line:", line]
    removed = listsync("-w", str(workspace), "schedule", "remove")
    assert removed.output == f"removed the crontab line {name}\n"
    assert computer.crontab == ""


def test_cli_refuses_to_install_a_windows_task_elsewhere(
    listsync: Callable[..., Result],
    workspace: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    computer = FakeComputer()
    monkeypatch.setattr(cli_schedule, "make_host", lambda: make_host(tmp_path, computer))
    printed = listsync(
        "-w", str(workspace), "schedule", "install", "--scheduler", "windows", "--print"
    )
    assert (
        printed.exit_code == 0 and "<StartWhenAvailable>true</StartWhenAvailable>" in printed.output
    )
    refused = listsync("-w", str(workspace), "schedule", "install", "--scheduler", "windows")
    assert refused.exit_code == 2 and "--print shows it" in refused.output
    assert computer.tasks == {}


def test_print_is_what_install_writes(tmp_path: Path) -> None:
    host = make_host(tmp_path, FakeComputer())
    plan = plan_install(job(tmp_path / "ws"), SYSTEMD, host)
    shown = render_plan(plan)
    install(plan, host)
    for path, text in plan.files.items():
        assert Path(path).read_text(encoding="utf-8") == text
        assert text.rstrip("\n") in shown


def test_cli_nightly_prints_one_line_and_exits_with_its_code(
    listsync: Callable[..., Result], workspace: Path
) -> None:
    result = listsync("-w", str(workspace), "nightly")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert result.output.rstrip("\n").endswith(
        " listsync nightly: not run — no channel is enabled: set enabled = true in a"
        " [channels.…] section"
    )
    log = (workspace / "logs" / "nightly.log").read_text(encoding="utf-8")
    assert result.output.strip() in log


def test_a_cron_that_refuses_the_user_does_not_stop_systemd(tmp_path: Path) -> None:
    computer = FakeComputer()

    def no_cron_for_you(args: Sequence[str], input: str | None = None) -> Completed:
        if tuple(args[:1]) == ("crontab",):
            computer.commands.append(tuple(args))
            return Completed(1, "", "You (coop) are not allowed to use this program (crontab)")
        return computer(args, input)

    host = make_host(tmp_path, computer)
    host.runner = no_cron_for_you
    said = install(plan_install(job(tmp_path / "ws"), SYSTEMD, host), host)
    assert said[0].startswith("installed: systemd user timer")
    with pytest.raises(ListsyncError, match=r"`crontab -l` failed: You \(coop\) are not allowed"):
        install(plan_install(job(tmp_path / "ws"), CRON, host), host)
