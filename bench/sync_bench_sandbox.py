"""The sync benchmark's marketplaces: each sandbox in its own process, and what it was told.

A sandbox served from the benchmark's own process would share the GIL with the client
being measured, so each runs as ``python -m listsync sandbox serve <name> --json`` and is
set up through its control API: its rate limits (``/_sandbox/settings``) and a latency
on every API call (``/_sandbox/faults``). Calls are counted from the sandbox's request
log, so they are the calls the marketplace saw, retries and refusals included.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

CONTROL_TIMEOUT = 900.0  # creating 25,000 orders in one sandbox takes a while


@dataclass(frozen=True)
class RatePlan:
    """The rates of one channel: what its marketplace allows per API, what its client sends.

    ``api_rates`` maps an API path (as logged) to calls per second; other paths get
    ``default_rate``. ``client_rate`` is the channel's ``rate_per_second`` in listsync.toml:
    the client sends no faster than that, whatever the API would allow.
    """

    channel: str
    client_rate: float
    default_rate: float
    api_rates: dict[str, float] = field(default_factory=dict)
    write_paths: frozenset[str] = frozenset()
    auth_prefix: str = ""
    per_item_batch: bool = False  # offers are batched per listing (Shopee), not across them
    sandbox_settings: dict[str, Any] = field(default_factory=dict)

    def allowed(self, path: str) -> float:
        return min(self.api_rates.get(path, self.default_rate), self.client_rate)

    def kind(self, path: str) -> str:
        if self.auth_prefix and path.startswith(self.auth_prefix):
            return "auth"
        return "write" if path in self.write_paths else "read"

    def bound(self, calls: Counter[str]) -> float:
        """Seconds the calls need at the allowed rates, one after another in this channel."""
        return sum(count / self.allowed(path) for path, count in calls.items())

    def describe(self) -> str:
        special = ", ".join(f"{path} {rate:g}/s" for path, rate in sorted(self.api_rates.items()))
        return (
            f"{self.channel}: client rate_per_second = {self.client_rate:g}; marketplace "
            f"limit {self.default_rate:g}/s per API" + (f", {special}" if special else "")
        )


def shopee_plan(rate: float) -> RatePlan:
    """Shopee's sandbox limits every shop call (and every public call) to ``rate``/s; its
    default, 10/s, is the figure the adapter assumes too."""
    product = "/api/v2/product/"
    writes = ["add_item", "update_item", "init_tier_variation", "update_price", "update_stock"]
    return RatePlan(
        channel="shopee",
        client_rate=rate,
        default_rate=rate,
        write_paths=frozenset(
            [product + name for name in writes] + ["/api/v2/media_space/upload_image"]
        ),
        auth_prefix="/api/v2/auth/",
        per_item_batch=True,
        sandbox_settings={"rate_per_second": rate},
    )


def lazada_plan(client_rate: float, api_rate: float, stock_rate: float) -> RatePlan:
    """Lazada limits each API on its own; the inventory API (price_quantity) allows 50/s
    per seller (docs/marketplaces/lazada.md §2.6). The others publish no figure; ``api_rate``
    stands in."""
    stock_api = "/product/price_quantity/update"
    writes = ["/product/create", "/product/update", stock_api, "/image/upload", "/image/migrate"]
    return RatePlan(
        channel="lazada",
        client_rate=client_rate,
        default_rate=api_rate,
        api_rates={"/rest" + stock_api: stock_rate},
        write_paths=frozenset("/rest" + path for path in writes),
        auth_prefix="/auth/",
        sandbox_settings={"default_rate": api_rate, "rate_limits": {stock_api: stock_rate}},
    )


class SandboxProcess:
    """``listsync sandbox serve <name> --json`` in a child process, and its control API."""

    def __init__(self, name: str, log_dir: Path):
        self.name = name
        self._stderr = (log_dir / f"sandbox-{name}.log").open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "listsync", "sandbox", "serve", name, "--json"],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        self._log = log_dir / f"sandbox-{name}.log"
        self.line: dict[str, Any] = {}
        self.root = ""
        self.session = requests.Session()

    def wait_ready(self) -> None:
        """Read the sandbox's JSON line (started processes import in parallel meanwhile)."""
        assert self.process.stdout is not None
        first = self.process.stdout.readline()
        if not first:
            self.stop()
            raise SystemExit(f"the {self.name} sandbox did not start:\n{self._log.read_text()}")
        self.line = json.loads(first)
        parts = urlsplit(self.line["base_url"])
        self.root = f"{parts.scheme}://{parts.netloc}"

    def describe(self) -> dict[str, Any]:
        """The JSON line, as :func:`listsync.demo.run.configure` reads it from a server."""
        return dict(self.line)

    def control(self, method: str, path: str, body: Any = None) -> Any:
        reply = self.session.request(
            method, f"{self.root}/_sandbox/{path}", json=body, timeout=CONTROL_TIMEOUT
        )
        if reply.status_code != 200:
            raise SystemExit(f"{self.name} sandbox: {method} {path}: {reply.text[:300]}")
        return reply.json()

    def setup(self, plan: RatePlan, latency: float) -> None:
        self.control("POST", "settings", plan.sandbox_settings)
        self.control("DELETE", "faults")
        if latency > 0:
            self.control("POST", "faults", {"action": "latency", "seconds": latency, "times": None})

    def requests_log(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = self.control("GET", "requests")["requests"]
        return entries

    def cpu_seconds(self) -> float | None:
        """User + system CPU the sandbox process has used (Linux), to see if it kept up."""
        try:
            stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        except OSError:
            return None
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._stderr.close()
