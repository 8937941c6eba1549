"""A large catalog CSV through ``catalog validate`` and ``catalog import``: peak memory, time.

Run: ``.venv/bin/python bench/catalog_memory.py [--products N] [--variants N] [--repeat]``.

The catalog is written to a temporary folder by ``tests/catalog/big_catalog.py``: by
default 40,000 products of 5 variants, 200,000 rows, each product with a long Vietnamese
description, about 60 MB. With ``--repeat --products 11000`` each of 55,000 rows repeats
its product's cells, as marketplace exports do: also about 60 MB. ``listsync catalog
validate`` runs on it in a child process, then ``listsync catalog import`` into a new
workspace in another; for each the script prints the file's size, the child's peak
resident memory (its own ``ru_maxrss``, from ``wait4``), its wall and CPU time and the
last line it printed.

A catalog file is refused unread above ``MAX_FILE_BYTES`` (50 MB), and 60 MB is above it:
the child lifts that bound for the file measured here, so what is measured is reading it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.catalog import big_catalog

CHILD = """
import sys
from listsync.catalog import files
files.MAX_FILE_BYTES = max(files.MAX_FILE_BYTES, int(sys.argv[1]))
from listsync.cli.start import main
main(sys.argv[2:])
"""


def measure(label: str, size: int, *args: str) -> None:
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(size), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "LISTSYNC_LANG": "en"},
    )
    assert child.stdout is not None
    output = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    lines = output.strip().splitlines() or [""]
    print(
        f"{label:9} {size / 1e6:6.1f} MB file  exit {child.returncode}  "
        f"wall {wall:6.2f} s  cpu {usage.ru_utime + usage.ru_stime:6.2f} s  "
        f"peak RSS {usage.ru_maxrss / 1024:6.0f} MB  {lines[-1][:80]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=40_000)
    parser.add_argument("--variants", type=int, default=5)
    parser.add_argument("--sentences", type=int, default=5, help="of each description")
    parser.add_argument(
        "--repeat", action="store_true", help="product cells on every row, not only the first"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = big_catalog.write_csv(
            Path(folder) / "catalog.csv",
            args.products,
            args.variants,
            sentences=args.sentences,
            repeat=args.repeat,
        )
        size = path.stat().st_size
        rows = args.products * max(args.variants, 1)
        print(f"{path.name}: {args.products:,} products, {rows:,} rows, {size / 1e6:.1f} MB")
        measure("validate", size, "catalog", "validate", str(path))
        workspace = Path(folder) / "workspace"
        subprocess.run(
            [sys.executable, "-m", "listsync", "init", str(workspace)],
            capture_output=True,
            check=True,
        )
        measure("import", size, "-w", str(workspace), "catalog", "import", str(path))


if __name__ == "__main__":
    main()
