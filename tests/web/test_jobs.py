"""The sync behind the Đồng bộ page: what it shows of each channel's progress events."""

from __future__ import annotations

from datetime import UTC, datetime

from listsync.progress import Phase, ProgressEvent
from listsync.web.jobs import ChannelProgress, SyncJob


def test_each_channel_shows_its_latest_phase_and_figures() -> None:
    job = SyncJob("sync", datetime(2026, 12, 5, tzinfo=UTC))
    job.channels = {name: ChannelProgress(name) for name in ("lazada", "shopee")}
    job.heard(ProgressEvent("lazada", Phase.PULL, 1, 3))
    job.heard(ProgressEvent("lazada", Phase.PUSH, 2, 5))
    view = job.view()
    assert view["running"] and not view["stopping"]
    lazada, shopee = view["channels"]
    assert (lazada["done"], lazada["total"]) == (2, 5)
    assert lazada["line"] == "lazada: pushing products, 2 of 5 (40%)"
    assert shopee["phase"] == "waiting" and shopee["line"] == ""
    job.stop.request()
    assert job.view()["stopping"]
