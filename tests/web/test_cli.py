"""``listsync web`` as a clerk starts it, and how it ends: Ctrl+C closes the pages, and a sync
still going stops at a safe point rather than being cut off; the demo offers the pages."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from listsync.demo.run import DemoResult
from listsync.demo.summary import render_demo
from tests.sync.support import SandboxWorkspace
from tests.web.support import served
from tests.web.test_pages import wait_for_sync

LISTSYNC = (sys.executable, "-m", "listsync")
posix_only = pytest.mark.skipif(os.name == "nt", reason="Ctrl+C is sent as SIGINT")


@posix_only
def test_the_command_serves_the_pages_until_ctrl_c(shop: SandboxWorkspace) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LISTSYNC_")}
    child = subprocess.Popen(
        [*LISTSYNC, "-w", str(shop.root), "web", "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert child.stdout is not None
        first = child.stdout.readline()
        assert first.startswith("listsync web: http://127.0.0.1:"), first
        url = first.split(": ", 1)[1].split(" ", 1)[0]
        page = requests.get(url, timeout=10)
        assert page.status_code == 200
        assert '<html lang="vi">' in page.text  # Vietnamese unless told otherwise
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    assert "Traceback" not in err
    assert out.strip().endswith("listsync web stopped.")


def test_the_stop_button_ends_the_sync_at_a_safe_point(shop: SandboxWorkspace) -> None:
    shop.fault("lazada", method="*", path="/rest/*", action="latency", seconds=0.4, times=6)
    with served(shop.root) as (_running, web):
        assert web.post("/sync/start").status_code == 200
        stopping = web.post("/sync/stop")
        assert "Stopping at the next safe point" in stopping.text
        final = wait_for_sync(web)
        assert "The sync was stopped" in final
    (run,) = shop.ledger.runs()
    assert run.status == "interrupted" and run.finished_at is not None


def test_closing_the_pages_stops_a_sync_still_going(shop: SandboxWorkspace) -> None:
    shop.fault("lazada", method="*", path="/rest/*", action="latency", seconds=0.4, times=6)
    with served(shop.root) as (running, web):
        assert web.post("/sync/start").status_code == 200
        started = time.monotonic()
        running.stop()  # what Ctrl+C does
        assert not running.thread.is_alive()
        assert time.monotonic() - started < 30
    (run,) = shop.ledger.runs()
    assert run.status in ("interrupted", "ok") and run.finished_at is not None
    assert not any(t.name == "listsync-web-sync" for t in threading.enumerate())


def test_the_demo_ends_by_offering_the_pages(shop: SandboxWorkspace) -> None:
    text = render_demo(DemoResult(Path(shop.root), ["shopee", "lazada"]), program="listsync")
    offer, look = text.split("Look around:", 1)
    assert f"listsync -w {shop.root} web" in offer
    assert " web" not in look  # the commands to look around with are still five
