"""How a person types this very listsync, for the commands the demo suggests at its end.

The README's install (``python3 -m venv .venv && .venv/bin/pip install -q . &&
.venv/bin/listsync demo``) does not put ``listsync`` on the PATH, so a bare ``listsync``
would answer "command not found". The running program's own path is shown instead, from
the current folder when that is shorter (``.venv/bin/listsync``; ``.venv\\Scripts\\listsync.exe``
on Windows), and plain ``listsync`` only when the PATH finds this same program.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

NAME = "listsync"


def quoted(text: str, *, windows: bool) -> str:
    """``text`` as one word of the shell people use there (cmd/PowerShell, or a POSIX one)."""
    return subprocess.list2cmdline([text]) if windows else shlex.quote(text)


def _script(argv0: str, executable: str, cwd: Path, windows: bool) -> Path | None:
    """The ``listsync`` console script that is running: the one started (``argv0``), else
    the one beside the interpreter (``python -m listsync``); None when there is none."""
    started = cwd / argv0
    if started.stem.lower() == NAME:
        for candidate in (started, started.with_name(started.name + ".exe")):
            if candidate.is_file():
                return candidate
    python = cwd / executable  # never resolved: a venv's python is a link out of the venv
    if windows:
        beside = [python.parent / f"{NAME}.exe", python.parent / "Scripts" / f"{NAME}.exe"]
    else:
        beside = [python.parent / NAME]
    return next((path for path in beside if path.is_file()), None)


def _shortest(path: Path, cwd: Path) -> str:
    """``path`` from ``cwd`` when it lies there and that is shorter (``.venv/bin/listsync``),
    else as it is (never ``../../…``, which no one reads at a glance)."""
    whole = os.path.normpath(path)
    try:
        relative = os.path.relpath(whole, cwd)
    except ValueError:  # another drive, on Windows
        return whole
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return whole
    if os.sep not in relative and (os.altsep is None or os.altsep not in relative):
        relative = os.curdir + os.sep + relative  # a bare name would be looked up on the PATH
    return min((relative, whole), key=len)


def this_program(
    *,
    argv0: str | None = None,
    executable: str | None = None,
    cwd: Path | None = None,
    search_path: str | None = None,
    windows: bool | None = None,
) -> str:
    """The words that start this listsync from ``cwd``'s shell (the current folder's)."""
    windows = os.name == "nt" if windows is None else windows
    cwd = cwd or Path.cwd()
    argv0 = sys.argv[0] if argv0 is None else argv0
    executable = executable or sys.executable
    script = _script(argv0, executable, cwd, windows)
    if script is None:
        python = _shortest(cwd / executable, cwd)
        return " ".join(quoted(word, windows=windows) for word in (python, "-m", NAME))
    found = shutil.which(NAME, path=search_path)
    try:
        if found is not None and os.path.samefile(found, script):
            return NAME
    except OSError:
        pass
    return quoted(_shortest(script, cwd), windows=windows)
