"""The upload cache the adapters share: per API host, kept across runs, written whole."""

from __future__ import annotations

import json
from pathlib import Path

from listsync.channel.upload_cache import UploadCache


def test_answers_are_kept_per_host_and_across_runs(tmp_path: Path) -> None:
    path = tmp_path / ".listsync-cache" / "sàn-images.json"
    live = UploadCache(path, "api.example.vn")
    assert live.get("sha256:ab") is None
    assert live.remember("sha256:ab", "https://cdn/1.jpg") == "https://cdn/1.jpg"
    sandbox = UploadCache(path, "127.0.0.1:8080")
    assert sandbox.get("sha256:ab") is None
    sandbox.remember("sha256:ab", "http://127.0.0.1:8080/1.jpg")
    later = UploadCache(path, "api.example.vn")
    assert later.get("sha256:ab") == "https://cdn/1.jpg"
    assert sorted(json.loads(path.read_text("utf-8"))) == ["127.0.0.1:8080", "api.example.vn"]
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no partial file left


def test_a_damaged_cache_file_is_started_afresh(tmp_path: Path) -> None:
    path = tmp_path / "images.json"
    path.write_text("{not json", encoding="utf-8")
    cache = UploadCache(path, "host")
    assert cache.get("k") is None
    cache.remember("k", "v")
    assert UploadCache(path, "host").get("k") == "v"
