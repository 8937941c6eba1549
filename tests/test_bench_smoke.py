"""``bench/sync_bench.py`` still runs end to end at a tiny size, so the benchmark cannot rot.

The figures themselves are not checked (CI machines vary); what the run did is: every
step prints its figure line, the catalog is published on both sandboxes, an unchanged
re-sync writes nothing, the stock change costs exactly the calls it needs, and every
order placed reaches the ledger.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "sync_bench.py"
FIGURES = re.compile(
    r"^step (?P<step>\w+): wall (?P<wall>[\d.]+) s \| bound (?P<bound>[\d.]+) s \| "
    r"wall/bound (?P<ratio>[\d.]+|n/a) \| peak RSS (?P<rss>[\d.]+) MB",
    re.MULTILINE,
)


def test_the_sync_benchmark_runs_every_step_and_prints_its_figures(tmp_path: Path) -> None:
    fast = ["--latency", "0.002", "--shopee-rate", "50", "--lazada-rate", "50"]
    fast += ["--lazada-api-rate", "50", "--workdir", str(tmp_path / "ws")]
    done = subprocess.run(
        [sys.executable, str(BENCH), "--products", "10", "--orders", "50", *fast],
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = done.stdout
    assert done.returncode == 0, out + done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    figures = {m["step"]: m for m in FIGURES.finditer(out)}
    assert list(figures) == ["publish", "unchanged", "changed", "pull"], out
    for step, found in figures.items():
        assert float(found["wall"]) > 0 and float(found["rss"]) > 10, step
    assert figures["unchanged"]["ratio"] == "n/a"  # no call at all, so no bound
    assert float(figures["publish"]["bound"]) > 0 and float(figures["pull"]["bound"]) > 0
    assert "catalog: 10 products, 22 SKUs" in out
    for channel in ("shopee", "lazada"):
        assert re.search(rf"{channel} engine counts: api_calls \d+, listings_created 10,", out)
    assert "PASS unchanged re-sync makes no write call: shopee 0, lazada 0" in out
    assert "PASS 5 % re-sync, shopee: 1 write calls for 1 needed" in out
    assert "PASS 5 % re-sync, lazada: 1 write calls for 1 needed" in out
    assert "orders in the ledger: shopee 25, lazada 25" in out
    assert re.search(r"^(PASS|MISS) peak RSS < 200 MB for the pull of 50 orders", out, re.M)
