"""Workspaces for the web tests: one wired to the Shopee and Lazada sandboxes (the sample
OCOP catalog imported, stock counted, both shops connected), one with nothing yet; and
``listsync web`` served on each, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from listsync.schedule.install import Host
from tests.schedule.test_install import FakeComputer, make_host
from tests.sync.support import SandboxWorkspace, sandbox_workspace
from tests.web.support import Web, served


@pytest.fixture
def computer() -> FakeComputer:
    """This computer's scheduler, faked: no real crontab or systemd is read."""
    return FakeComputer()


@pytest.fixture
def host(tmp_path: Path, computer: FakeComputer) -> Host:
    return make_host(tmp_path, computer)


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[SandboxWorkspace]:
    """A workspace on the Shopee and Lazada sandboxes, ready to sync."""
    fast = {"rate_per_second": 1000}  # the sandboxes allow it; real pacing is tested elsewhere
    overrides = {"shopee": fast, "lazada": fast}
    with sandbox_workspace(
        tmp_path / "ws", ("shopee", "lazada"), channel_overrides=overrides
    ) as sw:
        yield sw


@pytest.fixture
def web(shop: SandboxWorkspace, host: Host) -> Iterator[Web]:
    with served(shop.root, host=host) as (_running, client):
        yield client
