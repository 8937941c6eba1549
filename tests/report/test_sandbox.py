"""End to end: orders made in the Lazada sandbox, pulled by the sync engine, counted by the
report exactly as the sandbox counts them itself."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from listsync_lazada.sandbox.app import LazadaSandbox

from listsync.catalog.model import LocalizedText, Product, Variant
from listsync.channel.tokens import MemoryTokenStore
from listsync.clock import FakeClock
from listsync.ledger.database import Ledger
from listsync.report.model import ReportOptions, build_report
from listsync.sandbox.harness import SandboxServer
from listsync.sync.engine import SyncEngine, SyncOptions
from tests.adapters.lazada.support import connect

SAMPLE = Path(__file__).parents[2] / "listsync" / "data" / "sample.png"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def lotus_tea() -> Product:
    return Product(
        sku="TSTH",
        name=LocalizedText(vi="Trà sen Tây Hồ hộp quà", en="West Lake lotus tea gift box"),
        description=LocalizedText(vi="Trà sen Tây Hồ ướp thủ công từ hoa sen Bách Diệp."),
        brand="Sen Tây Hồ",
        category="tea",
        images=(str(SAMPLE),),
        weight_g=250,
        price_vnd=250_000,
        attributes={"Hạn sử dụng": "12 tháng", "Xuất xứ": "Việt Nam"},
        variants=(
            Variant(sku="TSTH-100", options={"Khối lượng": "100g"}, price_vnd=120_000),
            Variant(sku="TSTH-250", options={"Khối lượng": "250g"}, price_vnd=250_000),
        ),
    )


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(LazadaSandbox()) as server:
        yield server


def test_report_counts_the_sandbox_orders(server: SandboxServer, tmp_path: Path) -> None:
    clock = FakeClock(datetime.now(UTC))
    tokens = MemoryTokenStore()
    ledger = Ledger.open(tmp_path / "listsync.sqlite3", clock=clock)
    ledger.upsert_products([lotus_tea()])
    ledger.set_stock("TSTH-100", 50)
    ledger.set_stock("TSTH-250", 50)
    engine = SyncEngine(
        ledger,
        lambda _name, _on_call: connect(server, tmp_path, clock=clock, tokens=tokens),
        SyncOptions(),
        clock,
    )
    published = engine.run(["lazada"], pull=False)  # the first pull then reaches 30 days back
    assert published.ok, published.outcomes["lazada"].error

    control = server.root_url + "/_sandbox"
    made = requests.post(f"{control}/orders", json={"count": 12, "days": 3}, timeout=10)
    order_ids = made.json()["order_ids"]
    cancelled = requests.post(
        f"{control}/orders/{order_ids[0]}/status", json={"status": "canceled"}, timeout=10
    )
    assert cancelled.ok, cancelled.text
    clock.advance(120)
    pulled = engine.run(["lazada"], push=False)
    assert pulled.ok, pulled.outcomes["lazada"].error

    state = requests.get(f"{control}/state", timeout=10).json()
    now = clock.now()
    today = now.astimezone(HANOI).date()
    options = ReportOptions(by="day", start=today - timedelta(days=4), end=today)
    report = build_report(ledger, options, now)

    assert report.total.orders == state["order_count"] == 12
    assert report.total.cancelled == state["orders"]["canceled"] == 1
    app = server.app
    assert isinstance(app, LazadaSandbox)
    records = app.orders.orders.values()
    per_day = Counter(record.created_at.astimezone(HANOI).date().isoformat() for record in records)
    assert {row.key: row.figures.orders for row in report.rows if row.figures.orders} == per_day
    kept = [record for record in records if record.statuses != ["canceled"]]
    assert report.total.units == sum(len(record.items) for record in kept)
    assert report.total.vnd == sum(item.price for record in kept for item in record.items)
    by_product = build_report(ledger, ReportOptions(by="product", start=options.start), now)
    assert [(row.key, row.figures.orders) for row in by_product.rows] == [("TSTH", 12)]
