"""The nightly run on in-memory channels: lock, catch-up, warnings, the log, exit codes."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr

from listsync.catalog.model import LocalizedText, OcopRating, Product
from listsync.channel.contract import (
    ChannelPlugin,
    ChannelSettings,
    Money,
    Order,
    OrderLine,
    OrderState,
    Token,
)
from listsync.channel.registry import Registry
from listsync.clock import FakeClock
from listsync.errors import ConfigError
from listsync.schedule.nightly import LOG_FILE, NightlyOptions, NightlyResult, run_nightly
from listsync.settings import load_settings
from listsync.workspace import Workspace
from tests.channel.memory_channel import MemoryChannel

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)  # 02:00 on the 24th in Hà Nội


class MemorySettings(ChannelSettings):
    base_url: str = "memory://"
    shop_id: str = ""


class Channels(Registry):
    """The registry of a test: in-memory channels only, one shop each ("shop-1")."""

    def __init__(self, *names: str):
        super().__init__([])
        self.channels = {name: MemoryChannel(name) for name in names}

    def names(self) -> list[str]:
        return list(self.channels)

    def get(self, name: str) -> ChannelPlugin:
        if name not in self.channels:
            raise ConfigError(f"no adapter named {name} is installed")
        channel = self.channels[name]
        return ChannelPlugin(name, name.title(), MemorySettings, lambda _s, _c: channel)


class World:
    def __init__(self, root: Path, *names: str):
        self.root = root
        self.clock = FakeClock(T0)
        self.registry = Channels(*names)
        sections = "".join(
            f'\n[channels.{name}]\nenabled = true\nshop_id = "shop-1"\n' for name in names
        )
        root.mkdir(parents=True, exist_ok=True)
        (root / "listsync.toml").write_text('timezone = "Asia/Ho_Chi_Minh"\n' + sections)

    def workspace(self) -> Workspace:
        return Workspace(load_settings(self.root), self.registry, self.clock)

    def nightly(self, **options: Any) -> NightlyResult:
        return run_nightly(
            self.root, NightlyOptions(**options), clock=self.clock, registry=self.registry
        )

    def later(self, **delta: float) -> None:
        self.clock.advance(timedelta(**delta).total_seconds())

    def order(self, channel: str, order_id: str) -> None:
        now = self.clock.now()
        line = OrderLine("TSTH", 1, Money.vnd(120_000))
        order = Order(order_id, OrderState.PAID, "paid", now, now, Money.vnd(120_000), (line,))
        self.registry.channels[channel].put_order(order)

    def runs(self) -> int:
        with self.workspace() as ws:
            return len(ws.ledger.runs(limit=100))

    def log(self) -> str:
        return (self.root / "logs" / LOG_FILE).read_text(encoding="utf-8")


def tea(sku: str = "TSTH", **ocop: Any) -> Product:
    return Product(
        sku=sku,
        name=LocalizedText(vi="Trà sen Tây Hồ"),
        category="tea",
        weight_g=100,
        price_vnd=120_000,
        ocop=OcopRating(stars=4, **ocop) if ocop else None,
    )


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    world = World(tmp_path / "Hợp tác xã Sen", "lazada", "shopee")
    with world.workspace() as ws:
        ws.ledger.upsert_products([tea()])
    yield world


def summary(world: World, text: str) -> str:
    """The summary line of a run started now, as a clerk in Hà Nội reads the time."""
    stamp = f"{world.clock.now().astimezone(HANOI):%Y-%m-%d %H:%M}"
    return f"{stamp} listsync nightly: {text}"


# -- a night, good or bad --------------------------------------------------------------------
def test_a_good_night_is_one_line_and_exit_0(world: World) -> None:
    world.order("lazada", "LZ-1")
    result = world.nightly()
    assert result.exit_code == 0
    assert result.lines == [
        "2026-11-24 02:00 listsync nightly: ok — lazada ok (1 new order), shopee ok (0 new orders)"
    ]
    assert result.run_id is not None and result.log_file == world.root / "logs" / LOG_FILE
    log = world.log()
    assert result.summary in log and re.search(r"^New orders +\d", log, re.M)
    assert "nightly run started in" in log and "syncing lazada, shopee" in log
    with world.workspace() as ws:
        assert ws.ledger.order_count("lazada") == 1
        assert ws.ledger.runs()[0].command == "nightly"


def test_a_failed_channel_is_exit_1_and_named(world: World) -> None:
    world.registry.channels["shopee"].down = True
    result = world.nightly()
    assert result.exit_code == 1
    assert result.summary == summary(
        world, "FAILED — lazada ok (0 new orders), shopee FAILED (orders: the marketplace is down)"
    )
    assert "shopee failed: shopee orders: the marketplace is down" in world.log()


def test_an_unexpected_error_ends_in_the_log_not_a_traceback(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> Iterator[Order]:
        raise RuntimeError("the disk said no")

    monkeypatch.setattr(world.registry.channels["lazada"], "iter_orders", broken)
    result = world.nightly()
    assert result.exit_code == 1
    assert result.summary == summary(
        world,
        "FAILED — lazada FAILED (unexpected RuntimeError: the disk said no),"
        " shopee ok (0 new orders)",
    )
    assert "Traceback (most recent call last)" in world.log()
    with world.workspace() as ws:  # the record says what was printed (not "ok")
        (run,) = ws.ledger.runs()
    assert (run.id, run.command, run.status) == (result.run_id, "nightly", "failed")
    errors = {channel.channel: channel.error for channel in run.channels}
    assert errors == {"lazada": "lazada: unexpected RuntimeError: the disk said no", "shopee": None}


def test_bad_settings_are_exit_2_and_logged_in_the_workspace(world: World) -> None:
    (world.root / "listsync.toml").write_text('timezone = "Mars/Olympus"\n')
    result = world.nightly()
    assert result.exit_code == 2
    assert result.summary == summary(
        world,
        f"not run — {world.root / 'listsync.toml'} timezone: unknown time zone;"
        " write one like Asia/Ho_Chi_Minh",
    )
    assert result.summary in world.log()


def test_no_enabled_channel_is_exit_2(world: World) -> None:
    (world.root / "listsync.toml").write_text("[channels.lazada]\nenabled = false\n")
    result = world.nightly()
    assert result.exit_code == 2
    assert result.summary.endswith(
        "not run — no channel is enabled: set enabled = true in a [channels.…] section"
    )
    assert world.runs() == 0


HOLD = """
import sys
from pathlib import Path
from listsync.sync.runlock import run_lock

with run_lock(Path(sys.argv[1]), "sync"):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_a_run_holding_the_lock_means_exit_75_and_nothing_written(world: World) -> None:
    assert world.nightly().exit_code == 0
    calls = {name: len(channel.calls) for name, channel in world.registry.channels.items()}
    ledger = load_settings(world.root).ledger_path
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(ledger)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        world.later(hours=24)
        result = world.nightly()
    finally:
        holder.communicate("\n", timeout=30)
    assert result.exit_code == 75
    assert result.summary.startswith(summary(world, f"skipped — sync (pid {holder.pid}, started "))
    assert result.summary.endswith(f"is already working on {ledger}; wait for it to finish")
    assert world.runs() == 1
    assert {n: len(c.calls) for n, c in world.registry.channels.items()} == calls
    assert result.summary in world.log()
    assert world.nightly().exit_code == 0  # the lock was the holder's only


# -- catching up -----------------------------------------------------------------------------
def test_a_missed_night_is_said_and_its_orders_pulled(world: World) -> None:
    assert world.nightly().warnings == []
    world.later(days=1, hours=5)  # the computer was off that night
    world.order("lazada", "LZ-MISSED")
    world.later(hours=19)
    result = world.nightly()
    assert result.exit_code == 0
    assert result.warnings == ["last successful run was 2 days ago (2026-11-24 02:00); catching up"]
    assert result.lines[1] == "warning: " + result.warnings[0]
    assert result.summary == summary(
        world, "ok, 1 warning — lazada ok (1 new order), shopee ok (0 new orders)"
    )
    assert result.warnings[0] in world.log()


def test_a_night_on_time_has_nothing_to_catch_up(world: World) -> None:
    world.nightly()
    world.later(hours=25)
    assert world.nightly().warnings == []
    world.later(hours=9)
    assert world.nightly(every=timedelta(hours=6)).warnings == [
        "last successful run was 9 hours ago (2026-11-25 03:00); catching up"
    ]


def test_only_the_channel_behind_is_named(world: World) -> None:
    world.nightly()
    world.later(days=1)
    world.registry.channels["shopee"].down = True
    assert world.nightly().exit_code == 1
    world.later(days=1)
    world.registry.channels["shopee"].down = False
    assert world.nightly().warnings == [
        "shopee: last successful run was 2 days ago (2026-11-24 02:00); catching up"
    ]


def test_a_gap_longer_than_backfill_is_loud(world: World) -> None:
    world.nightly()
    world.later(days=40)
    warnings = world.nightly().warnings
    assert warnings[0] == "last successful run was 40 days ago (2026-11-24 02:00); catching up"
    assert warnings[1] == (
        "POSSIBLE GAP IN ORDERS: the last successful run was 40 days ago, longer than the 30"
        " days listsync reads back (backfill_days). A marketplace that no longer lists orders"
        " that old cannot give them back: check its orders from 2026-11-24 to 2026-12-04 in"
        " its seller center, and correct the stock of any order missing here by hand"
        " (listsync stock add)"
    )


# -- warnings --------------------------------------------------------------------------------
def token(now: datetime, **ends: timedelta | None) -> Token:
    refresh = ends.get("refresh")
    return Token(
        access_token=SecretStr("sentinel-access-token"),
        expires_at=now + (ends.get("access") or timedelta(hours=4)),
        refresh_token=None if "refresh" not in ends else SecretStr("sentinel-refresh-token"),
        refresh_expires_at=None if refresh is None else now + refresh,
    )


def test_authorizations_ending_soon_are_warned(world: World) -> None:
    now = world.clock.now()
    with world.workspace() as ws:
        tokens = ws.tokens
        tokens.save("lazada", "shop-1", token(now, refresh=timedelta(days=3)))
        tokens.save("shopee", "shop-1", token(now, refresh=timedelta(days=20)))
    result = world.nightly()
    assert result.exit_code == 0
    assert result.warnings == [
        "lazada: the shop's authorization ends on 2026-11-27 02:00 (in 3 days): renew it"
        " before then with: listsync auth lazada"
    ]
    with world.workspace() as ws:
        tokens = ws.tokens
        tokens.save("lazada", "shop-1", token(now, refresh=-timedelta(hours=1)))
        tokens.save("shopee", "shop-1", token(now, access=timedelta(hours=30)))  # no refresh
        tokens.save("lazada", "other-shop", token(now, refresh=-timedelta(days=1)))
    assert world.nightly(token_days=2).warnings == [
        "lazada: the shop's authorization ended on 2026-11-24 01:00: nothing syncs on lazada"
        " until you run: listsync auth lazada",
        "shopee: the shop's authorization ends on 2026-11-25 08:00 (in 30 hours): renew it"
        " before then with: listsync auth shopee",
    ]
    assert "sentinel" not in world.log()


def test_ocop_certificates_expiring_soon_are_warned(world: World) -> None:
    with world.workspace() as ws:
        ws.ledger.upsert_products(
            [
                tea("TSTH", certificate="1234/QĐ-UBND", expires=date(2026, 12, 1)),
                tea("TSTH-GIFT", certificate="1234/QĐ-UBND", expires=date(2026, 12, 1)),
                tea("BUN", certificate="77/QĐ-UBND", expires=date(2027, 6, 1)),
                tea("GOM", expires=date(2026, 11, 1)),
                tea("OLD", certificate="9/QĐ-UBND", expires=date(2026, 12, 2)),
            ]
        )
        ws.ledger.upsert_products([p for p in ws.ledger.products() if p.sku != "OLD"])
    result = world.nightly()
    # one that has expired is the sync's to fix: the run needs a person (exit 3)
    expired = "The OCOP certificate of GOM expired on 2026-11-01: renew it and update the catalog"
    assert result.exit_code == 3
    assert result.warnings == [
        "OCOP certificate 1234/QĐ-UBND of TSTH, TSTH-GIFT expires on 2026-12-01: renew it and"
        " update the catalog",
    ]
    assert result.to_fix == [expired]
    assert result.summary.startswith(summary(world, "needs attention (1 to fix), 1 warning — "))
    assert result.lines[1:] == [f"warning: {result.warnings[0]}", f"to fix: {expired}"]
    again = world.nightly(ocop_days=3)
    assert (again.warnings, again.to_fix) == ([], [expired])
    assert "to fix: " + expired in world.log()
    with world.workspace() as ws:
        assert [run.status for run in ws.ledger.runs()[:2]] == ["attention", "attention"]


# -- the log ---------------------------------------------------------------------------------
def test_the_log_rotates_and_keeps_the_newest(world: World) -> None:
    results = []
    for _night in range(6):
        results.append(world.nightly(log_bytes=600, log_backups=2))
        world.later(days=1)
    logs = world.root / "logs"
    assert sorted(p.name for p in logs.iterdir()) == [LOG_FILE, f"{LOG_FILE}.1", f"{LOG_FILE}.2"]
    newest = world.log() + (logs / f"{LOG_FILE}.1").read_text(encoding="utf-8")
    assert results[-1].summary in newest
    assert world.log().endswith(
        f"Run {results[-1].run_id} recorded; see it again with listsync runs.\n"
    )
    kept = "".join(p.read_text(encoding="utf-8") for p in logs.iterdir())
    assert results[0].summary not in kept  # the oldest rotated away


def test_log_lines_stay_off_the_terminal(
    world: World, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    import logging

    caplog.set_level(logging.INFO)
    world.registry.channels["shopee"].down = True
    result = world.nightly()
    assert result.exit_code == 1
    assert [r for r in caplog.records if r.name.startswith("listsync")] == []
    assert capsys.readouterr().err == ""
    assert logging.getLogger("listsync").propagate is True  # put back as it was
    assert "FAILED" in world.log()


def test_the_log_goes_to_the_log_dir_setting(world: World) -> None:
    config = world.root / "listsync.toml"
    config.write_text('log_dir = "nhật ký"\n' + config.read_text(encoding="utf-8"))
    result = world.nightly()
    assert result.log_file == world.root / "nhật ký" / LOG_FILE
    assert result.summary in result.log_file.read_text(encoding="utf-8")
    assert not (world.root / "logs").exists()


def test_a_long_push_logs_its_progress_in_plain_lines(world: World) -> None:
    """Each create takes a second: the log gets a line every few seconds, then the end."""
    channel = world.registry.channels["lazada"]
    create = channel.create_listing

    def slow_create(draft: Any) -> Any:
        world.later(seconds=1)
        return create(draft)

    channel.create_listing = slow_create  # type: ignore[method-assign]
    with world.workspace() as ws:
        ws.ledger.upsert_products([tea(f"TS-{n:02d}") for n in range(30)])
    result = world.nightly()
    assert result.exit_code == 0, result.lines
    log = world.log()
    assert "lazada: pushing products, 5 of 30 (16%)" in log
    assert "lazada: pushing products, 30 of 30 (100%)" in log
