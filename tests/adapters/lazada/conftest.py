"""Fixtures the Lazada tests share: a sandbox served on 127.0.0.1, and its app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from listsync_lazada.sandbox.app import LazadaSandbox

from listsync.sandbox.harness import SandboxServer


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(LazadaSandbox()) as server:
        yield server


@pytest.fixture
def app(server: SandboxServer) -> LazadaSandbox:
    assert isinstance(server.app, LazadaSandbox)
    return server.app
