"""The commands the demo suggests at its end work as printed, even when ``listsync`` is not on
the PATH (the README's install: ``.venv/bin/listsync demo``), and its options are checked
before anything starts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from listsync.channel.registry import default_registry
from listsync.demo.program import this_program
from listsync.demo.run import make_orders
from listsync.errors import InputError
from listsync.sandbox.harness import SandboxServer
from tests.cli.test_main import run

posix_only = pytest.mark.skipif(os.name == "nt", reason="a POSIX shell runs the commands")
SCRIPT = Path(sys.executable).parent / "listsync"  # this environment's console script
BARE_PATH = os.pathsep.join(["/usr/bin", "/bin"])  # no listsync there


def script(folder: Path, name: str = "listsync") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def test_the_program_started_by_its_path_is_shown_by_the_shorter_path(tmp_path: Path) -> None:
    script(tmp_path / ".venv" / "bin")
    shown = this_program(
        argv0=".venv/bin/listsync",
        executable=str(tmp_path / ".venv" / "bin" / "python"),
        cwd=tmp_path,
        search_path=BARE_PATH,
        windows=False,
    )
    assert shown == ".venv/bin/listsync"
    elsewhere = tmp_path / "somewhere" / "deep" / "down" / "here"
    elsewhere.mkdir(parents=True)
    shown = this_program(
        argv0=str(tmp_path / ".venv" / "bin" / "listsync"),
        executable=str(tmp_path / ".venv" / "bin" / "python"),
        cwd=elsewhere,
        search_path=BARE_PATH,
        windows=False,
    )
    assert shown == str(tmp_path / ".venv" / "bin" / "listsync")


def test_a_program_the_path_finds_is_just_listsync(tmp_path: Path) -> None:
    found = script(tmp_path / "bin")
    shown = this_program(
        argv0=str(found),
        executable=str(tmp_path / "bin" / "python"),
        cwd=tmp_path,
        search_path=os.pathsep.join([str(tmp_path / "bin"), BARE_PATH]),
        windows=False,
    )
    assert shown == "listsync"


def test_python_dash_m_is_shown_as_the_script_beside_the_interpreter(tmp_path: Path) -> None:
    script(tmp_path / "my env" / "bin")
    shown = this_program(
        argv0=str(tmp_path / "src" / "listsync" / "__main__.py"),
        executable=str(tmp_path / "my env" / "bin" / "python3"),
        cwd=tmp_path,
        search_path=BARE_PATH,
        windows=False,
    )
    assert shown == "'my env/bin/listsync'"
    alone = this_program(
        argv0=str(tmp_path / "src" / "listsync" / "__main__.py"),
        executable=str(tmp_path / "py" / "python3"),
        cwd=tmp_path,
        search_path=BARE_PATH,
        windows=False,
    )
    assert alone == "py/python3 -m listsync"


def test_on_windows_the_scripts_folder_is_shown(tmp_path: Path) -> None:
    script(tmp_path / ".venv" / "Scripts", "listsync.exe")
    shown = this_program(
        argv0=str(tmp_path / ".venv" / "Scripts" / "listsync"),
        executable=str(tmp_path / ".venv" / "Scripts" / "python.exe"),
        cwd=tmp_path,
        search_path=BARE_PATH,
        windows=True,
    )
    assert shown == os.path.join(".venv", "Scripts", "listsync.exe")


@posix_only
@pytest.mark.skipif(not SCRIPT.is_file(), reason="listsync is not installed as a script here")
def test_the_demo_suggests_commands_that_work_without_listsync_on_the_path(tmp_path: Path) -> None:
    """As the README has it: a .venv in the current folder, listsync started by its path."""
    os.symlink(Path(sys.executable).parent.parent, tmp_path / ".venv")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LISTSYNC_")}
    env["PATH"] = BARE_PATH
    assert shutil.which("listsync", path=BARE_PATH) is None
    done = subprocess.run(
        [".venv/bin/listsync", "demo", "--dir", "demo", "--orders", "2"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    suggested = done.stdout.split("Look around:", 1)[1].strip().splitlines()
    assert len(suggested) == 5
    for line in suggested:
        assert line.strip().startswith(".venv/bin/listsync -w "), line
        tried = subprocess.run(
            line, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
        assert tried.returncode == 0, (line, tried.stdout + tried.stderr)
    assert (tmp_path / "report.html").is_file()


@pytest.mark.parametrize(
    ("args", "option"),
    [(("--orders", "-3"), "--orders"), (("--days", "0"), "--days"), (("--days", "90"), "--days")],
)
def test_a_wrong_demo_option_is_one_line_and_exit_2(
    tmp_path: Path, args: tuple[str, str], option: str
) -> None:
    result = run("demo", "--dir", str(tmp_path / "demo"), *args)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}'" in result.output and args[1] in result.output
    assert "HTTPError" not in result.output and "Traceback" not in result.output
    assert not (tmp_path / "demo").exists()  # refused before anything was made


def test_orders_a_sandbox_refuses_are_named_with_its_reason() -> None:
    factory = default_registry().get("lazada").sandbox
    assert factory is not None
    with SandboxServer(factory()) as server:
        assert make_orders(server, 0, 5) == (0, 0)
        with pytest.raises(InputError) as caught:
            make_orders(server, 5, 5)  # nothing is listed: not one order fits
    message = str(caught.value)
    assert message.startswith("the lazada sandbox took none of the 5 orders: ")
    assert "fit the listed stock" in message and "--orders" in message
