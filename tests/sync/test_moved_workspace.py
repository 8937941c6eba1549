"""A workspace folder copied or moved elsewhere syncs as if it had stayed where it was.

Nothing in what decides "this listing changed" may depend on where the folder lies: the
next sync from the copy, against the same shops, sends no listing and no photo again.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from listsync.channel.contract import Draft
from listsync.workspace import Workspace
from tests.sync.support import (
    MARKETS,
    PRODUCTS,
    Market,
    SandboxWorkspace,
    counts,
    ok,
    sandbox_workspace,
)

UPLOADS = {"shopee": "/api/v2/media_space/upload_image", "lazada": "/rest/image/upload"}


@pytest.fixture(params=sorted(MARKETS))
def market(request: pytest.FixtureRequest) -> Market:
    return MARKETS[request.param]


@pytest.fixture
def sw(tmp_path: Path, market: Market) -> Iterator[SandboxWorkspace]:
    with sandbox_workspace(tmp_path / "ws", (market.name,)) as workspace:
        yield workspace


def test_a_copied_workspace_sends_nothing_again(
    sw: SandboxWorkspace, market: Market, tmp_path: Path
) -> None:
    name = market.name
    first = ok(sw.sync())
    assert counts(first, name)["listings_created"] == PRODUCTS
    assert any(entry["path"] == UPLOADS[name] for entry in sw.requests_log(name))
    seen = len(sw.requests_log(name))

    moved = tmp_path / "elsewhere" / "cooperative"
    shutil.copytree(sw.root, moved)
    with Workspace(Workspace.open(moved).settings, clock=sw.clock) as copy:
        again = ok(copy.sync_engine().run([name]))

    assert counts(again, name)["listings_unchanged"] == PRODUCTS
    assert counts(again, name).get("listings_updated", 0) == 0
    assert sw.writes(name, seen) == []
    assert [e["path"] for e in sw.requests_log(name)[seen:] if e["path"] == UPLOADS[name]] == []


def _as_earlier_versions_hashed(draft: Draft, root: Path) -> str:
    """The content hash listsync gave a Shopee draft before: photos by absolute path."""

    def absolute(image: dict[str, Any]) -> dict[str, Any]:
        source = image["source"]
        if "://" in source or Path(source).is_absolute():
            return image
        return {**image, "source": str(root / source)}

    payload = dict(draft.payload)
    for key in ("images", "option_images"):
        payload[key] = [absolute(image) for image in draft.payload[key]]
    images = tuple(image["source"] for image in payload["images"])
    return Draft(draft.product_sku, payload, images=images).content_hash


def test_a_ledger_written_by_an_earlier_version_sends_nothing_again(tmp_path: Path) -> None:
    """Its listings were last pushed under the hash of photos by absolute path: after the
    upgrade they are unchanged, their hash is brought up to date, and a copy of the
    workspace then sends nothing either."""
    with sandbox_workspace(tmp_path / "ws", ("shopee",)) as sw:
        ok(sw.sync())
        shop, ledger = sw.shop("shopee"), sw.ledger
        channel = sw.ws.channel("shopee")
        try:
            drafts = {p.sku: channel.map_product(p) for p in ledger.products()}
        finally:
            channel.close()
        for record in ledger.listings("shopee", shop):
            earlier = _as_earlier_versions_hashed(drafts[record.sku], sw.root)
            assert earlier != drafts[record.sku].content_hash
            ledger.save_listing(replace(record, pushed_hash=earlier))
        seen = len(sw.requests_log("shopee"))

        upgraded = ok(sw.sync())
        assert counts(upgraded, "shopee")["listings_unchanged"] == PRODUCTS
        assert sw.writes("shopee", seen) == []
        hashes = {r.sku: r.pushed_hash for r in ledger.listings("shopee", shop)}
        assert hashes == {sku: draft.content_hash for sku, draft in drafts.items()}

        moved = tmp_path / "elsewhere"
        shutil.copytree(sw.root, moved)
        with Workspace(Workspace.open(moved).settings, clock=sw.clock) as copy:
            again = ok(copy.sync_engine().run(["shopee"]))
        assert counts(again, "shopee")["listings_unchanged"] == PRODUCTS
        assert sw.writes("shopee", seen) == []
