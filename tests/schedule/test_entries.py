"""Scheduler entries: what ``schedule install --print`` shows, exactly, for systemd, cron and
Windows; times and quoting checked against the real tools where this computer has them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import date, time, timedelta
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from listsync.errors import InputError
from listsync.schedule.entries import (
    DAY,
    Job,
    Timing,
    entry_name,
    listsync_program,
    parse_at,
    parse_every,
    render_cron_line,
    render_service,
    render_task_xml,
    render_timer,
    replace_cron_line,
)
from listsync.schedule.install import (
    CRON,
    SYSTEMD,
    WINDOWS,
    Completed,
    Host,
    plan_install,
    render_plan,
)

HOME = PurePosixPath("/home/coop")
WS = HOME / "Hợp tác xã Sen"
PROGRAM = ("/home/coop/.venv/bin/listsync",)
WIN_WS = PureWindowsPath(r"C:\Users\Coop\Hợp tác xã Sen & Co")
WIN_PROGRAM = (r"C:\Program Files\Python311\pythonw.exe", "-m", "listsync")
TASK_NS = "{http://schemas.microsoft.com/windows/2004/02/mit/task}"


def job(at: str = "02:00", every: str | None = None, workspace: PurePosixPath = WS) -> Job:
    timing = Timing(parse_at(at), parse_every(every) if every else DAY)
    return Job(workspace, PROGRAM, timing, workspace / "logs")


def refuse(args: Sequence[str], input: str | None = None) -> Completed:
    pytest.fail(f"--print must run nothing, but ran {args}")


def host(tmp_path: Path) -> Host:
    return Host(
        runner=refuse,
        windows=False,
        config_home=Path(str(HOME / ".config")),
        systemd_marker=tmp_path / "no-such-dir",
        user="coop",
        today=lambda: date(2026, 11, 24),
    )


# -- parsing and timing ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"), [("02:00", time(2)), ("2:05", time(2, 5)), (" 23:59 ", time(23, 59))]
)
def test_at_reads_a_24_hour_time(text: str, expected: time) -> None:
    assert parse_at(text) == expected


@pytest.mark.parametrize("text", ["24:00", "2", "02:60", "2am", "02:00:00", ""])
def test_a_bad_at_says_how_to_write_it(text: str) -> None:
    with pytest.raises(InputError, match=r"--at .*HH:MM on a 24-hour clock, e\.g\. 02:00"):
        parse_at(text)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("6h", 360), ("30m", 30), ("30min", 30), ("1d", 1440), ("24h", 1440), ("15 M", 15)],
)
def test_every_reads_periods_that_divide_a_day(text: str, minutes: int) -> None:
    assert parse_every(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["5h", "7m", "0h", "45m", "2d", "often", "-6h"])
def test_every_refuses_uneven_periods_listing_the_good_ones(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_every(text)
    assert str(caught.value).startswith(f"--every {text}: give a period that divides a day")
    assert "30m" in str(caught.value) and "6h" in str(caught.value)


def test_start_times_cover_the_day_from_any_at() -> None:
    late = Timing(time(20, 30), timedelta(hours=6))
    assert late.times() == [time(2, 30), time(8, 30), time(14, 30), time(20, 30)]
    assert late.on_calendar() == "*-*-* 02/6:30:00"
    assert late.cron_fields() == "30 2,8,14,20 * * *"
    assert late.repetition() == "PT6H"
    quarter = Timing(time(2, 5), timedelta(minutes=15))
    assert quarter.on_calendar() == "*-*-* *:05/15:00"
    assert quarter.cron_fields() == "5,20,35,50 * * * *"
    assert quarter.repetition() == "PT15M"
    daily = Timing(time(2, 0))
    assert (daily.on_calendar(), daily.cron_fields(), daily.repetition()) == (
        "*-*-* 02:00:00",
        "0 2 * * *",
        "",
    )
    assert daily.describe() == "every day at 02:00"
    assert late.describe() == "every 6 hours (02:30, 08:30, 14:30, 20:30)"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
@pytest.mark.parametrize(("at", "every"), [("02:00", "6h"), ("20:30", "8h"), ("02:05", "15m")])
def test_systemd_reads_the_calendar_as_the_same_start_times(at: str, every: str) -> None:
    timing = Timing(parse_at(at), parse_every(every))
    per_day = len(timing.times())
    shown = subprocess.run(
        ["systemd-analyze", "calendar", timing.on_calendar(), f"--iterations={per_day}"],
        capture_output=True,
        text=True,
        check=True,
        env={"TZ": "UTC", "PATH": "/usr/bin:/bin"},
    ).stdout
    starts = {time.fromisoformat(t) for t in re.findall(r" (\d\d:\d\d):00 UTC", shown)}
    assert starts == set(timing.times())


# -- names and the program ---------------------------------------------------------------------
def test_each_workspace_has_its_own_stable_name() -> None:
    assert re.fullmatch(r"listsync-[0-9a-f]{8}", entry_name(WS))
    assert entry_name(WS) == entry_name(PurePosixPath(str(WS)))
    assert entry_name(WS) != entry_name(HOME / "Hợp tác xã Sen 2")


def test_the_program_is_the_console_script_beside_the_interpreter(tmp_path: Path) -> None:
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    python = bin_dir / "python"
    assert listsync_program(windows=False, executable=str(python)) == [
        str(python),
        "-m",
        "listsync",
    ]
    (bin_dir / "listsync").write_text("#!/bin/sh\n")
    assert listsync_program(windows=False, executable=str(python)) == [str(bin_dir / "listsync")]


def test_on_windows_the_windowless_interpreter_is_preferred(tmp_path: Path) -> None:
    scripts = tmp_path / "Scripts"
    scripts.mkdir()
    python = scripts / "python.exe"
    (scripts / "listsync.exe").write_bytes(b"MZ")
    assert listsync_program(windows=True, executable=str(python)) == [str(scripts / "listsync.exe")]
    (scripts / "pythonw.exe").write_bytes(b"MZ")
    assert listsync_program(windows=True, executable=str(python)) == [
        str(scripts / "pythonw.exe"),
        "-m",
        "listsync",
    ]


# -- --print: exact content ----------------------------------------------------------------------
def test_print_systemd_shows_both_units_and_the_commands(tmp_path: Path) -> None:
    name = entry_name(WS)
    shown = render_plan(plan_install(job(), SYSTEMD, host(tmp_path)))
    assert shown == (
        f"# Would install: systemd user timer {name}.timer, every day at 02:00; a start missed"
        " while the computer was off runs when it is next on (Persistent=true)\n"
        f"# file /home/coop/.config/systemd/user/{name}.service:\n"
        "[Unit]\n"
        "Description=listsync nightly run for /home/coop/Hợp tác xã Sen\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        "WorkingDirectory=/home/coop/Hợp tác xã Sen\n"
        'ExecStart=/home/coop/.venv/bin/listsync -w "/home/coop/Hợp tác xã Sen" nightly\n'
        "TimeoutStartSec=2h\n"
        "SuccessExitStatus=75\n"
        f"# file /home/coop/.config/systemd/user/{name}.timer:\n"
        "[Unit]\n"
        "Description=listsync nightly run for /home/coop/Hợp tác xã Sen\n"
        "\n"
        "[Timer]\n"
        "OnCalendar=*-*-* 02:00:00\n"
        "Persistent=true\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
        "# then:\n"
        "systemctl --user daemon-reload\n"
        f"systemctl --user enable --now {name}.timer\n"
    )


def test_print_systemd_every_6h_repeats_on_the_calendar(tmp_path: Path) -> None:
    plan = plan_install(job(every="6h"), SYSTEMD, host(tmp_path))
    service, timer = plan.files.values()
    assert "OnCalendar=*-*-* 02/6:00:00\nPersistent=true\n" in timer
    assert "OnUnitActiveSec" not in timer  # Persistent= works with OnCalendar= only
    assert 'ExecStart=/home/coop/.venv/bin/listsync -w "/home/coop/Hợp tác xã Sen"' in service
    assert service.splitlines()[6].endswith(" nightly --every 6h")


def test_print_cron_shows_the_one_line(tmp_path: Path) -> None:
    name = entry_name(WS)
    shown = render_plan(plan_install(job(at="02:30", every="6h"), CRON, host(tmp_path)))
    assert shown == (
        f"# Would install: crontab line {name}, every 6 hours (02:30, 08:30, 14:30, 20:30)\n"
        "# In your crontab (crontab -l), replacing any line that ends in"
        f' "# {name}":\n'
        "30 2,8,14,20 * * * cd '/home/coop/Hợp tác xã Sen'"
        " && mkdir -p '/home/coop/Hợp tác xã Sen/logs'"
        " && /home/coop/.venv/bin/listsync -w '/home/coop/Hợp tác xã Sen' nightly --every 6h"
        " >> '/home/coop/Hợp tác xã Sen/logs/cron.log' 2>&1"
        f" # {name}\n"
    )


def test_print_windows_shows_the_task_xml_and_the_command(tmp_path: Path) -> None:
    name = entry_name(WIN_WS)
    timing = Timing(parse_at("02:00"), parse_every("6h"))
    windows_job = Job(WIN_WS, WIN_PROGRAM, timing, WIN_WS / "logs")
    shown = render_plan(plan_install(windows_job, WINDOWS, host(tmp_path)))
    assert shown == (
        f"# Would install: Windows Task Scheduler task {name}, every 6 hours"
        " (02:00, 08:00, 14:00, 20:00); a start missed while the computer was off or asleep"
        " runs as soon as it can (StartWhenAvailable)\n"
        f"# file {name}.xml (saved as UTF-16):\n"
        '<?xml version="1.0" encoding="UTF-16"?>\n'
        '<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">\n'
        "  <RegistrationInfo>\n"
        r"    <Description>listsync nightly run for C:\Users\Coop\Hợp tác xã Sen &amp; Co"
        "</Description>\n"
        "  </RegistrationInfo>\n"
        "  <Triggers>\n"
        "    <CalendarTrigger>\n"
        "      <StartBoundary>2026-11-24T02:00:00</StartBoundary>\n"
        "      <Repetition>\n"
        "        <Interval>PT6H</Interval>\n"
        "        <Duration>P1D</Duration>\n"
        "        <StopAtDurationEnd>false</StopAtDurationEnd>\n"
        "      </Repetition>\n"
        "      <ScheduleByDay>\n"
        "        <DaysInterval>1</DaysInterval>\n"
        "      </ScheduleByDay>\n"
        "    </CalendarTrigger>\n"
        "  </Triggers>\n"
        "  <Principals>\n"
        '    <Principal id="Author">\n'
        "      <LogonType>InteractiveToken</LogonType>\n"
        "      <RunLevel>LeastPrivilege</RunLevel>\n"
        "    </Principal>\n"
        "  </Principals>\n"
        "  <Settings>\n"
        "    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\n"
        "    <StartWhenAvailable>true</StartWhenAvailable>\n"
        "    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\n"
        "    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>\n"
        "    <ExecutionTimeLimit>PT2H</ExecutionTimeLimit>\n"
        "    <Enabled>true</Enabled>\n"
        "  </Settings>\n"
        '  <Actions Context="Author">\n'
        "    <Exec>\n"
        r'      <Command>"C:\Program Files\Python311\pythonw.exe"</Command>' + "\n"
        r'      <Arguments>-m listsync -w "C:\Users\Coop\Hợp tác xã Sen &amp; Co" nightly'
        " --every 6h</Arguments>\n"
        r"      <WorkingDirectory>C:\Users\Coop\Hợp tác xã Sen &amp; Co</WorkingDirectory>"
        "\n"
        "    </Exec>\n"
        "  </Actions>\n"
        "</Task>\n"
        "# then:\n"
        f"schtasks /Create /TN {name} /XML {name}.xml /F\n"
    )


def test_the_task_xml_is_well_formed_utf16_and_reads_back() -> None:
    timing = Timing(parse_at("21:15"))
    xml = render_task_xml(Job(WIN_WS, WIN_PROGRAM, timing, WIN_WS), date(2026, 11, 24))
    task = ET.fromstring(xml.encode("utf-16"))
    assert task.findtext(f"{TASK_NS}Settings/{TASK_NS}StartWhenAvailable") == "true"
    trigger = task.find(f"{TASK_NS}Triggers/{TASK_NS}CalendarTrigger")
    assert trigger is not None
    assert trigger.findtext(f"{TASK_NS}StartBoundary") == "2026-11-24T21:15:00"
    assert trigger.find(f"{TASK_NS}Repetition") is None
    exec_ = f"{TASK_NS}Actions/{TASK_NS}Exec/{TASK_NS}"
    assert task.findtext(exec_ + "WorkingDirectory") == str(WIN_WS)
    assert task.findtext(exec_ + "Arguments") == f'-m listsync -w "{WIN_WS}" nightly'


# -- quoting, checked by the tools that read it ------------------------------------------------
ODD = "Hợp tác 'Sen' \"Tây Hồ\" 100% $HOME"


def test_the_cron_line_runs_in_sh_with_odd_paths(tmp_path: Path) -> None:
    workspace = tmp_path / ODD
    workspace.mkdir()
    script = tmp_path / "show args.py"
    script.write_text("import json, os, sys\nprint(json.dumps([os.getcwd(), *sys.argv[1:]]))\n")
    odd_job = Job(workspace, (sys.executable, str(script)), Timing(time(2)), workspace / "logs")
    line = render_cron_line(odd_job)
    assert re.search(r"(?<!\\)%", line) is None  # cron would cut the line at a bare %
    command = line.split(" ", 5)[5].replace("\\%", "%")  # what cron hands to sh
    subprocess.run(["sh", "-c", command], check=True, cwd=tmp_path, timeout=30)
    printed = (workspace / "logs" / "cron.log").read_text(encoding="utf-8")
    assert json.loads(printed) == [str(workspace), "-w", str(workspace), "nightly"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_accepts_the_units_with_odd_paths(tmp_path: Path) -> None:
    workspace = tmp_path / ODD
    odd_job = Job(workspace, (sys.executable, "-m", "listsync"), Timing(time(2)), workspace)
    units = tmp_path / "units"
    units.mkdir()
    (units / "listsync-test.service").write_text(render_service(odd_job), encoding="utf-8")
    (units / "listsync-test.timer").write_text(render_timer(odd_job), encoding="utf-8")
    checked = subprocess.run(
        ["systemd-analyze", "verify", str(units / "listsync-test.timer")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stderr
    service = render_service(odd_job)
    assert f"WorkingDirectory={str(workspace).replace('%', '%%')}\n" in service
    quoted = str(workspace).replace("%", "%%").replace("$", "$$").replace('"', '\\"')
    assert f' -w "{quoted}" nightly\n' in service


# -- the crontab, edited line by line ----------------------------------------------------------
def test_replacing_a_cron_line_keeps_everything_else() -> None:
    theirs = "MAILTO=coop@example.vn\n# backups\n15 3 * * * /usr/local/bin/backup.sh\n"
    first = replace_cron_line(theirs, "listsync-aaaa", "0 2 * * * a # listsync-aaaa")
    assert first == theirs + "0 2 * * * a # listsync-aaaa\n"
    other = replace_cron_line(first, "listsync-bbbb", "0 3 * * * b # listsync-bbbb")
    moved = replace_cron_line(other, "listsync-aaaa", "0 4 * * * a2 # listsync-aaaa")
    assert moved.splitlines() == [
        "MAILTO=coop@example.vn",
        "# backups",
        "15 3 * * * /usr/local/bin/backup.sh",
        "0 4 * * * a2 # listsync-aaaa",
        "0 3 * * * b # listsync-bbbb",
    ]
    assert replace_cron_line(moved, "listsync-aaaa", None) == theirs + (
        "0 3 * * * b # listsync-bbbb\n"
    )
    assert replace_cron_line("", "listsync-aaaa", None) == ""
