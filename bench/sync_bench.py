"""Sync engine benchmark: publish, re-sync and pull against the sandboxes, with latency.

Run (the full size takes about 15 minutes, most of it Shopee's first publish at 10/s)::

    .venv/bin/python bench/sync_bench.py                      # 2,000 products, 50,000 orders
    .venv/bin/python bench/sync_bench.py --products 50 --orders 500 --steps publish,pull

Each sandbox runs in its own process with a latency on every API call and its
marketplace's rate limit. A workspace with a generated catalog is published through the
real engine; then an unchanged re-sync, a re-sync after 5 % of the SKUs' stock changed,
and a pull of the orders the sandboxes were told to take. Each step runs in a fresh
child process (``--worker``), so its peak RSS is its own.

Per step it prints the wall time of ``SyncEngine.run``, the calls each sandbox saw
(reads / writes / auth), the rate-limit bound (per channel the sum over its APIs of
calls ÷ the allowed rate — the API's limit or the client's rate_per_second, whichever is
lower —, channels in parallel so the step's bound is the slowest channel's), wall ÷ bound,
and peak RSS (``VmHWM`` of the step's process); then PASS or MISS for each target.

The Shopee sandbox shop may list 1,000 items (``item_count_limit``, like a new shop), so
by default products past the first 1,000 are marked not for Shopee (``--shopee-items``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from sync_bench_catalog import stock_for, write_catalog
from sync_bench_report import Figures, report_step, report_targets
from sync_bench_sandbox import RatePlan, SandboxProcess, lazada_plan, shopee_plan

STEPS = ("publish", "unchanged", "changed", "pull")
RUN = {  # step -> (pull, push)
    "publish": (False, True),
    "unchanged": (False, True),
    "changed": (False, True),
    "pull": (True, False),
}
CATALOG = "bench-catalog.yaml"
ORDER_CHUNK = 5_000


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--orders", type=int, default=50_000, help="in all, split over channels")
    parser.add_argument("--days", type=float, default=20, help="the orders span this many days")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds added to each call")
    parser.add_argument("--steps", default=",".join(STEPS), help="comma-separated; needs publish")
    parser.add_argument("--channels", default="shopee,lazada")
    parser.add_argument("--changed-share", type=float, default=0.05)
    parser.add_argument("--shopee-rate", type=float, default=10.0, help="Shopee's limit, calls/s")
    parser.add_argument(
        "--shopee-items",
        type=int,
        default=1000,
        help="the Shopee sandbox shop's listing limit (item_count_limit): later products are"
        " not for Shopee",
    )
    parser.add_argument("--lazada-rate", type=float, default=20.0, help="Lazada client calls/s")
    parser.add_argument("--lazada-api-rate", type=float, default=20.0, help="per Lazada API")
    parser.add_argument("--lazada-stock-rate", type=float, default=50.0, help="price_quantity")
    parser.add_argument("--workdir", type=Path, help="keep the workspace here (default: temp)")
    parser.add_argument("--worker", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--workspace", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    steps = [step for step in args.steps.split(",") if step]
    unknown = sorted(set(steps) - set(STEPS))
    if unknown or (steps and "publish" not in steps):
        parser.error(f"--steps takes {', '.join(STEPS)} and needs publish; got {args.steps}")
    args.steps = [step for step in STEPS if step in steps]
    args.channels = [name for name in args.channels.split(",") if name]
    return args


# -- the measured side: one step in a fresh process --------------------------------------
def _memory_mb(field: str) -> float:
    """``VmRSS`` (now) or ``VmHWM`` (peak) of this process, in MB (Linux).

    Not ``ru_maxrss``: Linux carries it over an exec from the process that forked, so a
    child started by a big parent would report the parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 if field == "VmHWM" else 0.0


def worker(step: str, root: Path, names: list[str]) -> None:
    """Run one step's ``SyncEngine.run`` and print what it did as one JSON line."""
    from listsync.workspace import Workspace

    pull, push = RUN[step]
    with Workspace.open(root) as ws:
        engine = ws.sync_engine()
        rss_start = _memory_mb("VmRSS")
        cpu, started = time.process_time(), time.perf_counter()
        began = datetime.now(UTC)
        result = engine.run(names, pull=pull, push=push, command=f"bench {step}")
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = _memory_mb("VmHWM")
    channels: dict[str, Any] = {}
    for name, outcome in result.outcomes.items():
        calls = outcome.calls
        ends = [(c.at - began).total_seconds() for c in calls]
        channels[name] = {
            "error": outcome.error,
            "counts": dict(outcome.tally.counts),
            "problems": outcome.tally.problems[:3],
            "first": min(
                (end - c.elapsed_ms / 1000 for c, end in zip(calls, ends, strict=True)), default=0.0
            ),
            "done": max(ends, default=0.0),
            "retries": sum(1 for c in calls if c.attempt > 1),
            "mean_ms": sum(c.elapsed_ms for c in calls) / len(calls) if calls else 0.0,
        }
    figures = {"wall": wall, "cpu": cpu, "rss_start": rss_start, "rss_peak": peak}
    print(json.dumps({**figures, "channels": channels}))


def run_worker(step: str, root: Path, names: list[str]) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", step]
    command += ["--workspace", str(root), "--channels", ",".join(names)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0 or not done.stdout.strip():
        raise SystemExit(f"step {step} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


# -- the harness side --------------------------------------------------------------------
def prepare(
    root: Path, args: argparse.Namespace, sandboxes: list[SandboxProcess], plans: list[RatePlan]
) -> dict[str, Any]:
    """A workspace wired to the sandboxes, its catalog imported and stocked, shops authorized."""
    from listsync.catalog.files import load_catalog
    from listsync.catalog.samples import copy_sample_catalog
    from listsync.channel.registry import default_registry
    from listsync.demo.run import authorize, configure
    from listsync.ledger.records import Movement, MovementReason
    from listsync.sandbox.harness import SandboxServer
    from listsync.settings import write_workspace_template
    from listsync.workspace import Workspace

    class Line:
        def __init__(self, sandbox: SandboxProcess, rate: float):
            self.line = {**sandbox.describe(), "rate_per_second": _number(rate)}

        def describe(self) -> dict[str, Any]:
            return self.line

    write_workspace_template(root, catalog=CATALOG)
    copy_sample_catalog(root)
    registry = default_registry()
    plugins = [registry.get(sandbox.name) for sandbox in sandboxes]
    lines = [
        Line(sandbox, plan.client_rate) for sandbox, plan in zip(sandboxes, plans, strict=True)
    ]
    configure(root, plugins, cast(list[SandboxServer], lines))
    caps = {"shopee": args.shopee_items} if "shopee" in args.channels else {}
    products, units, per_category = write_catalog(root / CATALOG, args.products, caps)
    with Workspace.open(root) as ws:
        ws.import_catalog(load_catalog(root / CATALOG))
        skus = sorted(ws.ledger.on_hand())
        stock = [
            Movement(sku, stock_for(i), MovementReason.SET, note="bench")
            for i, sku in enumerate(skus)
        ]
        ws.ledger.add_movements(stock)
        for sandbox in sandboxes:
            authorize(ws, sandbox.name)
        carried = {}
        for sandbox in sandboxes:
            sold = [p for p in ws.ledger.products() if p.enabled_on(sandbox.name)]
            carried[sandbox.name] = (len(sold), sum(len(list(p.units())) for p in sold))
    return {
        "products": products,
        "units": units,
        "per_category": per_category,
        "caps": caps,
        "carried": carried,
    }


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def change_stock(root: Path, share: float, names: list[str]) -> tuple[int, int, dict[str, int]]:
    """Raise the on-hand stock of ``share`` of the SKUs; answers (SKUs, products, needed
    write calls per channel at its API's batch size)."""
    from listsync.workspace import Workspace

    with Workspace.open(root) as ws:
        products = {p.sku: p for p in ws.ledger.products()}
        owner = {unit.sku: p.sku for p in products.values() for unit in p.units()}
        on_hand = ws.ledger.on_hand()
        chosen = random.Random(5).sample(sorted(owner), max(1, round(share * len(owner))))
        for index, sku in enumerate(chosen):
            ws.ledger.set_stock(sku, on_hand.get(sku, 0) + 5 + index % 7, note="bench: 5 %")
        needed = {}
        for name in names:
            channel = ws.channel(name)
            batch = channel.limits.offer_batch
            channel.close()
            sold = [sku for sku in chosen if products[owner[sku]].enabled_on(name)]
            if name == "shopee":  # at most `batch` models of ONE item per update_stock
                per_item = Counter(owner[sku] for sku in sold)
                needed[name] = sum(math.ceil(n / batch) for n in per_item.values())
            else:
                needed[name] = math.ceil(len(sold) / batch)
    return len(chosen), len({owner[sku] for sku in chosen}), needed


def make_orders(sandboxes: list[SandboxProcess], total: int, days: float) -> dict[str, int]:
    shares = {s.name: total // len(sandboxes) for s in sandboxes}
    shares[sandboxes[0].name] += total - sum(shares.values())

    def make(sandbox: SandboxProcess) -> int:
        made, left = 0, shares[sandbox.name]
        while left > 0:
            chunk = min(left, ORDER_CHUNK)
            reply = sandbox.control("POST", "orders", {"count": chunk, "days": days})
            made += len(reply["order_ids"])
            left -= chunk
        return made

    with ThreadPoolExecutor(len(sandboxes)) as pool:
        return dict(zip(shares, pool.map(make, sandboxes), strict=True))


def ledger_orders(root: Path, names: list[str]) -> dict[str, int]:
    from listsync.ledger.database import Ledger

    with Ledger.open(root / "listsync.sqlite3") as ledger:
        return {name: ledger.order_count(name) for name in names}


def measure(
    step: str, root: Path, sandboxes: list[SandboxProcess], plans: list[RatePlan]
) -> Figures:
    before = {s.name: len(s.requests_log()) for s in sandboxes}
    cpu = {s.name: s.cpu_seconds() or 0.0 for s in sandboxes}
    result = run_worker(step, root, [s.name for s in sandboxes])
    figures = Figures(step, result)
    for sandbox, plan in zip(sandboxes, plans, strict=True):
        log = sandbox.requests_log()[before[sandbox.name] :]
        figures.add_channel(plan, log, (sandbox.cpu_seconds() or 0.0) - cpu[sandbox.name])
    return figures


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.worker:
        worker(args.worker, args.workspace, args.channels)
        return
    known = {"shopee": shopee_plan(args.shopee_rate)}
    known["lazada"] = lazada_plan(args.lazada_rate, args.lazada_api_rate, args.lazada_stock_rate)
    plans = [known[name] for name in args.channels]
    root = args.workdir or Path(tempfile.mkdtemp(prefix="listsync-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    sandboxes: list[SandboxProcess] = []
    try:
        sandboxes.extend(SandboxProcess(plan.channel, root) for plan in plans)
        for sandbox, plan in zip(sandboxes, plans, strict=True):
            sandbox.wait_ready()
            sandbox.setup(plan, args.latency)
        started = time.perf_counter()
        setup = prepare(root, args, sandboxes, plans)
        print(f"listsync sync benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, workspace {root}")
        print(
            f"catalog: {setup['products']:,} products, {setup['units']:,} SKUs ("
            + ", ".join(f"{k} {v:,}" for k, v in setup["per_category"].items())
            + "); one shared photo per category and none per variant, so photo uploads"
            " (once per content) do not dominate"
        )
        carried = "; ".join(
            f"{k} {p:,} products, {u:,} SKUs" for k, (p, u) in setup["carried"].items()
        )
        print(f"on each channel: {carried}")
        for name, cap in setup["caps"].items():
            if cap < setup["products"]:
                print(
                    f"  ({name}: its sandbox shop may list {cap:,} items, item_count_limit as a"
                    f" new shop's; products past it are marked `channels.{name}.enabled: false`)"
                )
        print(
            f"latency: {args.latency * 1000:g} ms added to every API call;"
            " each sandbox in its own process"
        )
        for plan in plans:
            print("rates: " + plan.describe())
        print(
            "bound: per channel Σ calls ÷ min(API limit, client rate); channels in parallel,"
            " so a step's bound is its slowest channel's"
        )
        print(f"setup (not counted): {time.perf_counter() - started:.1f} s\n")
        results: dict[str, Figures] = {}
        for step in args.steps:
            extra: dict[str, Any] = {}
            if step == "changed":
                skus, products, needed = change_stock(root, args.changed_share, args.channels)
                extra = {"changed_skus": skus, "changed_products": products, "needed": needed}
                extra["share"] = f"{args.changed_share * 100:g} %"
            if step == "pull":
                began = time.perf_counter()
                extra["orders_made"] = make_orders(sandboxes, args.orders, args.days)
                extra["orders_seconds"] = time.perf_counter() - began
                extra["days"] = args.days
            figures = measure(step, root, sandboxes, plans)
            figures.extra.update(extra, load=os.getloadavg()[0])
            if step == "pull":
                figures.extra["orders_in_ledger"] = ledger_orders(root, args.channels)
            results[step] = figures
            print(report_step(figures), flush=True)
        print(report_targets(results, args.orders))
    finally:
        for sandbox in sandboxes:
            sandbox.stop()
        if args.workdir is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
