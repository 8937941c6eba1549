"""The sync benchmark's figures: calls from the sandboxes' logs, bounds, tables, targets."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sync_bench_sandbox import RatePlan

from listsync.report.text_table import format_table

RATIO_TARGET = 1.2
RSS_TARGET_MB = 200.0
TITLES = {
    "publish": "1. first publish",
    "unchanged": "2. unchanged re-sync",
    "changed": "3. re-sync after {share} of the SKUs' stock changed",
    "pull": "4. pull of {orders} orders",
}


@dataclass
class ChannelFigures:
    plan: RatePlan
    by_path: Counter[str]
    kinds: Counter[str]
    refused: int  # answered with an error status or cut off
    sandbox_cpu: float

    @property
    def calls(self) -> int:
        return sum(self.by_path.values())

    @property
    def bound(self) -> float:
        return self.plan.bound(self.by_path)


@dataclass
class Figures:
    step: str
    result: dict[str, Any]  # the worker's JSON
    channels: dict[str, ChannelFigures] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def add_channel(self, plan: RatePlan, log: list[dict[str, Any]], cpu: float) -> None:
        by_path = Counter(str(entry["path"]) for entry in log)
        kinds = Counter(plan.kind(str(entry["path"])) for entry in log)
        refused = sum(1 for e in log if e.get("status") is None or int(e["status"]) >= 400)
        self.channels[plan.channel] = ChannelFigures(plan, by_path, kinds, refused, cpu)

    @property
    def wall(self) -> float:
        return float(self.result["wall"])

    @property
    def bound(self) -> float:
        return max((c.bound for c in self.channels.values()), default=0.0)

    @property
    def ratio(self) -> float | None:
        return self.wall / self.bound if self.bound > 0 else None

    def writes(self, channel: str) -> int:
        return self.channels[channel].kinds["write"]


def _short(path: str) -> str:
    """``add_item`` for Shopee's ``/api/v2/product/add_item``, ``/orders/get`` for Lazada's."""
    if path.startswith("/api/v2/"):
        return path.rsplit("/", 1)[-1]
    return path.removeprefix("/rest")


def _ratio(value: float | None) -> str:
    return f"{value:.3f}" if value is not None else "n/a"


def title(figures: Figures) -> str:
    share = f"{figures.extra.get('changed_skus', 0):,} ({figures.extra.get('share', '5 %')})"
    orders = f"{sum(figures.extra.get('orders_made', {}).values()):,}"
    return TITLES[figures.step].format(share=share, orders=orders)


def report_step(figures: Figures) -> str:
    out = [f"== {title(figures)} =="]
    if figures.step == "changed":
        out.append(
            f"changed: {figures.extra['changed_skus']:,} SKUs in "
            f"{figures.extra['changed_products']:,} products (on-hand raised by 5 to 11)"
        )
    if figures.step == "pull":
        made = figures.extra["orders_made"]
        out.append(
            "orders placed in the sandboxes: "
            + ", ".join(f"{k} {v:,}" for k, v in made.items())
            + f" over the last {figures.extra['days']:g} days, in"
            f" {figures.extra['orders_seconds']:.1f} s (not counted)"
        )
    headers = ["channel", "calls", "reads", "writes", "auth", "refused", "retries"]
    headers += ["avg call ms", "first call s", "done s", "bound s", "done/bound", "sandbox CPU s"]
    needed = figures.extra.get("needed", {})
    if needed:
        headers.append("writes needed")
    rows = []
    for name, channel in figures.channels.items():
        run = figures.result["channels"].get(name, {})
        done = float(run.get("done", 0.0))
        row: list[Any] = [
            name,
            channel.calls,
            channel.kinds["read"],
            channel.kinds["write"],
            channel.kinds["auth"],
            channel.refused,
            int(run.get("retries", 0)),
            round(float(run.get("mean_ms", 0.0)), 1),
            round(float(run.get("first", 0.0)), 2),
            round(done, 2),
            round(channel.bound, 2),
            _ratio(done / channel.bound if channel.bound else None),
            round(channel.sandbox_cpu, 1),
        ]
        if needed:
            row.append(needed.get(name, 0))
        rows.append(row)
    out.append(format_table(headers, rows))
    result = figures.result
    out.append(
        f"step {figures.step}: wall {figures.wall:.2f} s | bound {figures.bound:.2f} s | "
        f"wall/bound {_ratio(figures.ratio)} | peak RSS {result['rss_peak']:.1f} MB "
        f"({result['rss_start']:.1f} MB before the run) | client CPU {result['cpu']:.1f} s"
        f" | load average {figures.extra.get('load', 0.0):.1f} on {os.cpu_count()} CPUs"
    )
    for name, channel in figures.channels.items():
        calls = ", ".join(f"{_short(p)} {n:,}" for p, n in channel.by_path.most_common())
        out.append(f"  {name} calls by API: {calls or 'none'}")
        run = figures.result["channels"].get(name, {})
        counts = ", ".join(f"{k} {v:,}" for k, v in sorted(run.get("counts", {}).items()) if v)
        out.append(f"  {name} engine counts: {counts or 'none'}")
        if run.get("error"):
            out.append(f"  {name} FAILED: {run['error']}")
        for problem in run.get("problems", []):
            out.append(f"  {name} problem: {problem}")
    if "orders_in_ledger" in figures.extra:
        found = figures.extra["orders_in_ledger"]
        out.append("  orders in the ledger: " + ", ".join(f"{k} {v:,}" for k, v in found.items()))
    return "\n".join(out) + "\n"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report_targets(results: dict[str, Figures], orders: int) -> str:
    out = ["== targets =="]
    if "unchanged" in results:
        figures = results["unchanged"]
        writes = {name: figures.writes(name) for name in figures.channels}
        out.append(
            f"{_verdict(not any(writes.values()))} unchanged re-sync makes no write call: "
            + ", ".join(f"{k} {v}" for k, v in writes.items())
        )
    if "changed" in results:
        figures = results["changed"]
        needed = figures.extra["needed"]
        for name in figures.channels:
            made, need = figures.writes(name), needed[name]
            out.append(
                f"{_verdict(made <= need)} {figures.extra['share']} re-sync, {name}: {made} write "
                f"calls for {need} needed at the API's batch size"
                + (f" ({made - need} more)" if made > need else "")
            )
    for step, figures in results.items():
        if figures.ratio is None:
            out.append(f"n/a  wall ≤ {RATIO_TARGET} × bound, {step}: no API call, no bound")
            continue
        limit = RATIO_TARGET * figures.bound
        over = f" (over by {figures.wall - limit:.2f} s)" if figures.wall > limit else ""
        out.append(
            f"{_verdict(figures.wall <= limit)} wall ≤ {RATIO_TARGET} × bound, {step}: "
            f"{figures.wall:.2f} s vs {limit:.2f} s, ratio {figures.ratio:.3f}{over}"
        )
    if "pull" in results:
        peak = float(results["pull"].result["rss_peak"])
        over = f" (over by {peak - RSS_TARGET_MB:.1f} MB)" if peak >= RSS_TARGET_MB else ""
        out.append(
            f"{_verdict(peak < RSS_TARGET_MB)} peak RSS < {RSS_TARGET_MB:g} MB for the pull of "
            f"{orders:,} orders: {peak:.1f} MB{over}"
        )
    return "\n".join(out)
