"""The core's channel contract, run against the Shopee adapter and its sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from listsync_shopee import plugin
from listsync_shopee.sandbox.app import ShopeeSandbox

from listsync.channel.suite import ChannelContract
from listsync.sandbox.harness import SandboxServer


class TestShopeeContract(ChannelContract):
    plugin = plugin
    create_path = "/api/v2/product/add_item"
    cancelled_status = "CANCELLED"

    @pytest.fixture
    def server(self) -> Iterator[SandboxServer]:
        """The sandbox without its 10 calls/s throttle: the contract's client waits on a
        FakeClock, which takes no real time, while the sandbox counts real seconds. The
        throttle is tested with a real clock in test_shopee_channel.py."""
        with SandboxServer(ShopeeSandbox(rate_per_second=1000)) as server:
            yield server
