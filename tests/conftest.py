from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

# The tests read listsync's English, whatever the language of the computer running them
# (tests/test_i18n.py sets the language it tests itself). Set before listsync is imported:
# the language is chosen then.
os.environ["LISTSYNC_LANG"] = "en"

from listsync.sandbox.harness import (
    Route,
    SandboxApp,
    SandboxRequest,
    SandboxResponse,
    SandboxServer,
)
from tests.browser import launched, screenshot_folder

if TYPE_CHECKING:
    from playwright.sync_api import Browser


class ItemsApp(SandboxApp):
    """A tiny API for testing the harness and the HTTP client: items by SKU, one counter."""

    name = "items"

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, dict[str, Any]] = {}
        self.creates = 0

    def routes(self) -> list[Route]:
        return [
            Route("POST", "/items", self.create),
            Route("GET", "/items/{sku}", self.get),
            Route("PUT", "/items/{sku}/stock", self.set_stock),
            Route("POST", "/upload", self.upload),
        ]

    def create(self, request: SandboxRequest) -> SandboxResponse:
        body = request.json()
        self.creates += 1
        self.items[body["sku"]] = {"sku": body["sku"], "stock": 0}
        return SandboxResponse(201, {"sku": body["sku"]})

    def get(self, request: SandboxRequest) -> SandboxResponse:
        item = self.items.get(request.path_params["sku"])
        return SandboxResponse(200, item) if item else SandboxResponse(404, {"error": "missing"})

    def set_stock(self, request: SandboxRequest) -> SandboxResponse:
        item = self.items[request.path_params["sku"]]
        item["stock"] = int(request.json()["stock"])
        return SandboxResponse(200, item)

    def upload(self, request: SandboxRequest) -> SandboxResponse:
        files = {
            name: [(f.filename, len(f.data)) for f in fs] for name, fs in request.files.items()
        }
        return SandboxResponse(200, {"form": request.params(), "files": files})

    def state(self) -> dict[str, Any]:
        return {"items": sorted(self.items)}

    def reset(self) -> None:
        super().reset()
        self.items.clear()


@pytest.fixture
def items_server() -> Iterator[SandboxServer]:
    with SandboxServer(ItemsApp()) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the run (see tests/browser.py): skipped without chromium,
    except in CI, where the browser tests always run."""
    with launched() as running:
        yield running


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    """Where a test saves its screenshots: $LISTSYNC_SCREENSHOTS if set, else its tmp_path."""
    return screenshot_folder(tmp_path)
