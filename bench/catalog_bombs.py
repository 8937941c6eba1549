"""Hostile workbooks against ``catalog validate``: time and peak memory until refused.

Run: ``.venv/bin/python bench/catalog_bombs.py``.

Each workbook is built in a temporary folder, then ``listsync catalog validate`` runs on it
in a child process; the script prints the file's size, the wall time, the child's peak
resident memory and the first line of its message. The cases are the ones that once took
23 s and 2.2 GB (a 2 MB workbook unpacking to 2 GiB of whitespace) and died with
MemoryError at 5.4 GB (2,000 cells in column XFD), plus a wider 5 MB variant.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.catalog import bombs

CASES: list[tuple[str, Callable[[Path], Path]]] = [
    ("2 GiB of whitespace", lambda p: bombs.whitespace_bomb(p, megabytes=2048)),
    ("2,000 cells in column XFD", lambda p: bombs.last_column_bomb(p, rows=2000)),
    ("60,000 cells in column XFD", lambda p: bombs.last_column_bomb(p, rows=60_000)),
]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for label, build in CASES:
            path = build(Path(folder) / "bomb.xlsx")
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "listsync", "catalog", "validate", str(path)],
                capture_output=True,
                text=True,
                check=False,
            )
            wall = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            message = (done.stderr or done.stdout).strip().splitlines()[-1]
            print(
                f"{label:28} {path.stat().st_size / 1024:9.0f} KB  exit {done.returncode}  "
                f"{wall:5.2f} s  peak RSS {max(peak, before) / 1024:6.0f} MB  {message[:90]}"
            )


if __name__ == "__main__":
    main()
