"""A real workspace wired to marketplace sandboxes over HTTP, for the sync engine's tests.

:func:`sandbox_workspace` makes what a clerk has after setting up: a folder with a
``listsync.toml`` whose ``[channels.<name>]`` sections are the sandboxes' ``describe()``
lines, the sample OCOP catalog imported, stock counted, and every shop authorized through
its marketplace's own consent flow, the tokens kept in the ledger (``LedgerTokenStore``).

The engine runs on a :class:`LiveClock`: a FakeClock that also moves with real time. The
sandboxes stamp orders with their own clock (real time plus what a test adds), so a frozen
engine clock would end its pull windows before orders a test has just made; but a
LiveClock still never sleeps: retries and Retry-After waits are recorded in ``sleeps``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Collection, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import requests

from listsync.catalog.files import load_catalog
from listsync.catalog.model import Catalog
from listsync.catalog.samples import copy_sample_catalog
from listsync.channel.contract import ListingState
from listsync.channel.registry import default_registry
from listsync.clock import FakeClock
from listsync.ledger.database import Ledger
from listsync.sandbox.harness import SandboxServer
from listsync.sync.engine import RunResult, SyncEngine
from listsync.workspace import Workspace

REDIRECT = "http://127.0.0.1:9/listsync/callback"
LISTSYNC = [sys.executable, "-m", "listsync"]
# Calls that change listings, stock or prices (made with POST; reads are GETs).
WRITE_PATHS = {
    "lazada": ("/rest/product/create", "/rest/product/update", "/rest/product/price_quantity/*"),
    "shopee": ("/api/v2/product/*",),
}


@dataclass(frozen=True)
class Market:
    """What a test must know of one marketplace's sandbox, in that marketplace's words."""

    name: str
    create_path: str
    orders_path: str  # a read every pull makes
    refresh_path: str
    paid: str  # the status a new paid order is created with
    cancelled: str
    shipped: str
    lag: dict[str, Any]  # the sandbox setting that hides new listings from SKU lookups
    token_lifetime: timedelta
    quota: dict[str, Any]  # an answer that stops the channel for the rest of the run
    token_refused: dict[str, Any]  # the answer to a call with a revoked access token
    page_size: dict[str, Any] = field(default_factory=dict)  # channel keys for small pages


MARKETS = {
    "lazada": Market(
        "lazada",
        create_path="/rest/product/create",
        orders_path="/rest/orders/get",
        refresh_path="/auth/rest/auth/token/refresh",
        paid="pending",
        cancelled="canceled",
        shipped="shipped",
        lag={"sku_lookup_lag": 600},
        token_lifetime=timedelta(days=7),
        quota={
            "type": "ISP",
            "code": "ApiCallLimit",
            "message": "Api access frequency exceeds the limit. this ban will last 3600 seconds",
            "request_id": "2100000000001",
        },
        token_refused={
            "type": "ISV",
            "code": "IllegalAccessToken",
            "message": "The specified access token is invalid or expired",
            "request_id": "2100000000002",
        },
        page_size={"order_page_size": 2},
    ),
    "shopee": Market(
        "shopee",
        create_path="/api/v2/product/add_item",
        orders_path="/api/v2/order/get_order_list",
        refresh_path="/api/v2/auth/access_token/get",
        paid="READY_TO_SHIP",
        cancelled="CANCELLED",
        shipped="SHIPPED",
        lag={"search_lag_seconds": 600},
        token_lifetime=timedelta(hours=4),
        quota={
            "error": "error_limit",
            "message": "Your daily API call quota is used up.",
            "request_id": "ffffffff",
        },
        token_refused={
            "error": "error_auth",
            "message": "Invalid access_token.",
            "request_id": "fffffffe",
        },
    ),
}

# Stock counted for each sellable SKU of the sample catalog.
STOCK = {
    "TSTH-100": 30,
    "TSTH-250": 12,
    "BGMD-500": 80,
    "BT-BINH-LAM-S-LAM": 6,
    "BT-BINH-LAM-S-RAN": 5,
    "BT-BINH-LAM-L-LAM": 4,
    "BT-BINH-LAM-L-RAN": 3,
    "CC-AV-120": 10,
    "CC-AV-160": 8,
    "CC-AV-180": 7,
    "GIO-UL-1KG": 15,
}
PRODUCTS = 5  # in the sample catalog
UNITS = len(STOCK)
SAFETY = {"TSTH": 5, "BGMD-500": 20, "CC-AV": 3, "GIO-UL-1KG": 2}  # the catalog's safety_stock


class LiveClock(FakeClock):
    """A FakeClock that also moves with real time: ``sleep`` and ``advance`` add to it."""

    def __init__(self) -> None:
        super().__init__(datetime.now(UTC))
        self._real = time.monotonic()

    def now(self) -> datetime:
        return super().now() + timedelta(seconds=time.monotonic() - self._real)

    def monotonic(self) -> float:
        return super().monotonic() + (time.monotonic() - self._real)


class Ahead(FakeClock):
    """The engine's view of time ``seconds`` after ``base``: for runs "after the grace".

    Only the engine looks ahead. The channels keep the workspace's clock, because some
    marketplaces (Shopee) sign requests with it and refuse a time 5 minutes off.
    """

    def __init__(self, base: FakeClock, seconds: float):
        super().__init__(base.now())
        self.base, self.seconds = base, seconds

    def now(self) -> datetime:
        return self.base.now() + timedelta(seconds=self.seconds)

    def monotonic(self) -> float:
        return self.base.monotonic()

    def sleep(self, seconds: float) -> None:
        self.base.sleep(seconds)


def toml_section(name: str, values: Mapping[str, Any]) -> str:
    lines = [f"[{name}]"]
    for key, value in values.items():
        text = str(value).lower() if isinstance(value, bool) else json.dumps(value)
        lines.append(f"{key} = {text}")
    return "\n".join(lines) + "\n"


def control(server: SandboxServer, method: str, path: str, body: Any = None) -> Any:
    """A call to a sandbox's control API (``/_sandbox/…``), checked."""
    response = requests.request(method, server.root_url + path, json=body, timeout=10)
    assert response.ok, f"{method} {path}: {response.status_code} {response.text}"
    return response.json()


@dataclass
class SandboxWorkspace:
    """One workspace and the sandboxes its channels talk to."""

    root: Path
    servers: dict[str, SandboxServer]
    clock: LiveClock
    ws: Workspace

    @property
    def ledger(self) -> Ledger:
        return self.ws.ledger

    @property
    def names(self) -> list[str]:
        return list(self.servers)

    def engine(self, ahead: float = 0) -> SyncEngine:
        """The workspace's engine; with ``ahead``, one that sees time that much later."""
        engine = self.ws.sync_engine()
        if ahead:
            engine.clock = Ahead(self.clock, ahead)
        return engine

    def sync(self, *names: str, ahead: float = 0, **kwargs: Any) -> RunResult:
        return self.engine(ahead).run(list(names or self.names), **kwargs)

    # -- the marketplace side ------------------------------------------------------------
    def control(self, name: str, method: str, path: str, body: Any = None) -> Any:
        return control(self.servers[name], method, path, body)

    def state(self, name: str) -> dict[str, Any]:
        found: dict[str, Any] = self.control(name, "GET", "/_sandbox/state")
        return found

    def units(self, name: str) -> dict[str, dict[str, Any]]:
        """The sandbox's listings by seller SKU; fails if a SKU is listed twice."""
        listings = self.state(name)["listings"]
        counts = Counter(unit["sku"] for unit in listings)
        assert max(counts.values(), default=1) == 1, f"{name}: SKUs listed twice: {counts}"
        return {unit["sku"]: unit for unit in listings}

    def orders(self, name: str, **spec: Any) -> list[str]:
        found: list[str] = self.control(name, "POST", "/_sandbox/orders", spec)["order_ids"]
        return found

    def set_status(self, name: str, order_id: str, status: str) -> None:
        self.control(name, "POST", f"/_sandbox/orders/{order_id}/status", {"status": status})

    def fault(self, name: str, **rule: Any) -> None:
        self.control(name, "POST", "/_sandbox/faults", rule)

    def clear_faults(self, name: str) -> None:
        self.control(name, "DELETE", "/_sandbox/faults")

    def requests_log(self, name: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.control(name, "GET", "/_sandbox/requests")["requests"]
        return found

    def writes(self, name: str, since: int = 0) -> list[dict[str, Any]]:
        """Write calls (creates, updates, stock and price sets) after the first ``since``."""
        return [
            entry
            for entry in self.requests_log(name)[since:]
            if entry["method"] == "POST"
            and any(fnmatchcase(entry["path"], pattern) for pattern in WRITE_PATHS[name])
        ]

    def advance_sandbox(self, name: str, seconds: float) -> None:
        self.control(name, "POST", "/_sandbox/clock", {"advance_seconds": seconds})

    # -- the ledger side -----------------------------------------------------------------
    def on_hand(self) -> dict[str, int]:
        return self.ledger.on_hand()

    def offered(self, name: str) -> dict[str, int | None]:
        shop = self.shop(name)
        return {sku: offer.stock for sku, offer in self.ledger.offers(name, shop).items()}

    def shop(self, name: str) -> str:
        return str(self.servers[name].describe()["shop_id"])


def write_workspace(
    root: Path,
    servers: Mapping[str, SandboxServer],
    *,
    sync: Mapping[str, Any] | None = None,
    channel_overrides: Mapping[str, Mapping[str, Any]] | None = None,
    backfill_days: int = 3,
) -> None:
    """listsync.toml (private: it holds the sandboxes' app secrets) and the sample catalog."""
    root.mkdir(parents=True, exist_ok=True)
    text = f'catalog = "catalog.yaml"\nbackfill_days = {backfill_days}\n\n'
    if sync:
        text += toml_section("sync", sync) + "\n"
    for name, server in servers.items():
        line = {k: v for k, v in server.describe().items() if k != "channel"}
        line.update((channel_overrides or {}).get(name, {}))
        text += toml_section(f"channels.{name}", {"enabled": True, **line}) + "\n"
    config = root / "listsync.toml"
    config.write_text(text, encoding="utf-8")
    config.chmod(0o600)
    copy_sample_catalog(root)


def import_catalog(
    ws: Workspace, only: Collection[str] | None = None, stock: Mapping[str, int] = STOCK
) -> None:
    """Import the sample catalog (or only the products ``only`` names) and count their stock."""
    catalog = renewed(load_catalog(ws.root / "catalog.yaml"))
    if only is not None:
        products = tuple(product for product in catalog.products if product.sku in only)
        catalog = Catalog(products=products, source=catalog.source)
    ws.import_catalog(catalog)
    for sku in catalog.unit_skus():
        if sku in stock:
            ws.set_stock(sku, stock[sku])


def renewed(catalog: Catalog) -> Catalog:
    """The catalog with every OCOP certificate renewed today for three years: the sample's
    end on fixed days, and an expired one is something to fix for a sync, so what a test
    sees would otherwise depend on the day it runs. Tests of expiry set their own dates."""
    today = datetime.now(UTC).date()
    products = []
    for product in catalog.products:
        ocop = product.ocop
        if ocop is not None and ocop.expires is not None:
            dates = {"issued": today, "expires": today.replace(year=today.year + 3)}
            product = product.model_copy(update={"ocop": ocop.model_copy(update=dates)})
        products.append(product)
    return Catalog(products=tuple(products), source=catalog.source)


def prepare(
    ws: Workspace, stock: Mapping[str, int] = STOCK, only: Collection[str] | None = None
) -> None:
    """Import the catalog, count stock, and authorize every configured channel."""
    import_catalog(ws, only, stock)
    for name in ws.settings.channels:
        authorize(ws, name)


def authorize(ws: Workspace, name: str) -> str:
    """The marketplace's consent flow, as `listsync auth` runs it; tokens go to the ledger."""
    channel = ws.channel(name)
    try:
        consent = requests.get(
            channel.authorization_url(REDIRECT), allow_redirects=False, timeout=10
        )
        assert consent.status_code in (301, 302, 303, 307), consent.text
        return channel.authorize(consent.headers["Location"])
    finally:
        channel.close()


# The engine's LiveClock never really sleeps, so its client-side rate limit does not hold
# back real requests: the sandboxes are told to allow many calls per second.
GENEROUS: dict[str, dict[str, Any]] = {
    "lazada": {"rate_limits": {}},
    "shopee": {"rate_per_second": 1000.0},
}


def start_servers(stack: ExitStack, names: tuple[str, ...]) -> dict[str, SandboxServer]:
    registry = default_registry()
    servers = {}
    for name in names:
        factory = registry.get(name).sandbox
        assert factory is not None, name
        servers[name] = stack.enter_context(SandboxServer(factory()))
        control(servers[name], "POST", "/_sandbox/settings", GENEROUS[name])
    return servers


@contextmanager
def sandbox_workspace(
    root: Path,
    names: tuple[str, ...] = ("lazada",),
    *,
    stock: Mapping[str, int] = STOCK,
    only: Collection[str] | None = None,
    servers: Mapping[str, SandboxServer] | None = None,
    **options: Any,
) -> Iterator[SandboxWorkspace]:
    """Sandboxes for ``names`` (or the given running ones) and a ready workspace on them."""
    with ExitStack() as stack:
        running = dict(servers) if servers is not None else start_servers(stack, names)
        write_workspace(root, running, **options)
        clock = LiveClock()
        ws = stack.enter_context(Workspace(Workspace.open(root).settings, clock=clock))
        prepare(ws, stock, only)
        yield SandboxWorkspace(root, running, clock, ws)


def listsync(
    root: Path, *args: str, timeout: float = 60, **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    """``listsync -w ROOT ARGS…`` in a child process, as a clerk would run it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LISTSYNC_")}
    return subprocess.run(
        [*LISTSYNC, "-w", str(root), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
        **kwargs,
    )


def dump(path: Path) -> list[str]:
    """The ledger's whole content as SQL, to show that nothing was written."""
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def errors(result: RunResult) -> dict[str, str | None]:
    return {name: outcome.error for name, outcome in result.outcomes.items()}


# -- what the tests assert, shared ----------------------------------------------------------


def expected_offer(sku: str, on_hand: int) -> int:
    safety = next((v for k, v in SAFETY.items() if sku.startswith(k)), 0)
    return max(0, on_hand - safety)


def ok(result: RunResult) -> RunResult:
    assert result.ok, errors(result)
    return result


def counts(result: RunResult, name: str) -> dict[str, int]:
    return dict(result.outcomes[name].tally.counts)


def stock_and_price(sw: SandboxWorkspace, name: str) -> dict[str, tuple[int, int]]:
    return {sku: (unit["stock"], unit["price"]) for sku, unit in sw.units(name).items()}


def assert_published(sw: SandboxWorkspace, name: str) -> None:
    """One listing per product, every unit at the stock the ledger says it was given."""
    units = sw.units(name)
    assert set(units) == set(STOCK)
    assert len({u["remote_id"] for u in units.values()}) == PRODUCTS
    offered = sw.offered(name)
    on_hand = sw.on_hand()
    for sku, unit in units.items():
        assert unit["stock"] == offered[sku], sku
        assert offered[sku] == expected_offer(sku, on_hand[sku]), sku
    listings = sw.ledger.listings(name)
    assert len(listings) == PRODUCTS
    assert {record.state for record in listings} == {ListingState.LIVE}
    assert {record.remote_id for record in listings} == {u["remote_id"] for u in units.values()}
