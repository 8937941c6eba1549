"""What a marketplace answered for each photo already sent, so an unchanged photo is never
uploaded twice: a small JSON file in the workspace's ``.listsync-cache``, one space per API
host (a sandbox and the real marketplace never share answers). Written whole and renamed
into place, so a run killed mid-write leaves the previous file."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path


class UploadCache:
    def __init__(self, path: Path, space: str):
        self.path = path
        self.space = space
        self._lock = threading.Lock()
        self._entries: dict[str, dict[str, str]] | None = None

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._load().get(self.space, {}).get(key)

    def remember(self, key: str, value: str) -> str:
        with self._lock:
            entries = self._load()
            entries.setdefault(self.space, {})[key] = value
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, partial = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.stem}.")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(entries, handle, ensure_ascii=False, indent=1, sort_keys=True)
            os.replace(partial, self.path)
        return value

    def _load(self) -> dict[str, dict[str, str]]:
        if self._entries is None:
            try:
                raw = json.loads(self.path.read_text("utf-8"))
                self._entries = raw if isinstance(raw, dict) else {}
            except (OSError, ValueError):
                self._entries = {}
        return self._entries
