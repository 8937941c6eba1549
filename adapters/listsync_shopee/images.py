"""Product photos on Shopee: uploaded once per content, remembered by their SHA-256.

Shopee's ``media_space/upload_image`` answers a new image id for every upload, so an
unchanged photo is looked up in a small JSON file in the workspace
(``.listsync-cache/shopee-images.json``) instead of being sent again. Entries are kept per
partner and host, so sandbox ids never leak into a real shop. An upload whose reply is lost
is simply sent again: at worst Shopee keeps an unused copy.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import requests

from listsync.channel.faults import photo_error
from listsync.errors import RejectedError
from listsync.http import MalformedReply
from listsync.i18n import _
from listsync_shopee import signing
from listsync_shopee.client import ShopeeClient
from listsync_shopee.errors import CHANNEL, Subject
from listsync_shopee.mapping import photo_path
from listsync_shopee.replies import UploadedImage, UploadReply

log = logging.getLogger("listsync.shopee")
PER_CALL = 9
CONTENT_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


class ImageStore:
    def __init__(self, client: ShopeeClient, cache_file: Path, namespace: str, root: Path):
        self.client = client
        self.cache_file = cache_file
        self.namespace = namespace
        self.root = root  # the workspace: a photo's relative name is read from there
        self._lock = threading.Lock()
        self._known: dict[str, str] | None = None

    def ids(self, images: Sequence[dict[str, Any]], subject: Subject) -> list[str]:
        """Shopee image ids for ``images`` (``{"source", "sha256"}``), uploading new ones."""
        loaded = [(image["source"], self._read(image["source"], subject)) for image in images]
        hashes = [hashlib.sha256(data).hexdigest() for _source, data in loaded]
        with self._lock:
            known = self._cache()
            missing: dict[str, tuple[str, bytes]] = {}
            for digest, (source, data) in zip(hashes, loaded, strict=True):
                if digest not in known:
                    missing.setdefault(digest, (source, data))
        pending = list(missing.items())
        for start in range(0, len(pending), PER_CALL):
            batch = pending[start : start + PER_CALL]
            uploaded = self._upload([entry for _digest, entry in batch], subject)
            with self._lock:
                known = self._cache()
                known.update(zip([digest for digest, _entry in batch], uploaded, strict=True))
                self._save(known)
        with self._lock:
            known = self._cache()
            return [known[digest] for digest in hashes]

    def forget(self, image_ids: Sequence[str]) -> None:
        """Drop ids Shopee no longer knows, so the next :meth:`ids` uploads them again."""
        with self._lock:
            known = self._cache()
            for digest in [d for d, i in known.items() if i in set(image_ids)]:
                del known[digest]
            self._save(known)

    def _read(self, source: str, subject: Subject) -> bytes:
        try:
            if source.startswith(("http://", "https://")):
                response = requests.get(source, timeout=self.client.http.timeout)
                response.raise_for_status()
                return response.content
            return photo_path(source, self.root).read_bytes()
        except (OSError, requests.RequestException) as exc:
            raise photo_error(
                _("photo {source} of SKU {sku} cannot be read: {error}").format(
                    source=source, sku=subject.sku, error=type(exc).__name__
                ),
                exc,
                channel=CHANNEL,
                call="upload_image",
                sku=subject.sku,
            ) from None

    def _upload(self, entries: list[tuple[str, bytes]], subject: Subject) -> list[str]:
        files = [
            ("image", (Path(source).name or "photo", data, _content_type(data)))
            for source, data in entries
        ]
        reply = self.client.public(
            "upload_image",
            "POST",
            signing.UPLOAD_IMAGE,
            files=files,
            idempotent=True,
            reply=UploadReply,
        )
        response = reply.response
        infos = response.image_info_list
        if infos is None and response.image_info is not None:
            infos = [UploadedImage(id=0, image_info=response.image_info)]
        if infos is None or len(infos) != len(entries):
            raise MalformedReply(
                _("Shopee's upload reply did not list one image per photo sent"),
                channel=CHANNEL,
                call="upload_image",
            )
        ids = []
        for (source, _data), info in zip(entries, infos, strict=True):
            image_id = info.image_info.image_id if info.image_info else None
            if info.error or not image_id:
                raise RejectedError(
                    _("Shopee refused photo {source} of SKU {sku}: {message}").format(
                        source=source, sku=subject.sku, message=info.message or "?"
                    ),
                    channel=CHANNEL,
                    call="upload_image",
                    sku=subject.sku,
                )
            ids.append(image_id)
        log.info("shopee: uploaded %d photo(s) for %s", len(ids), subject.sku)
        return ids

    def _cache(self) -> dict[str, str]:
        if self._known is None:
            try:
                data = json.loads(self.cache_file.read_text(encoding="utf-8"))
                spaces = data.get("images", {}) if isinstance(data, dict) else {}
                found = spaces.get(self.namespace, {}) if isinstance(spaces, dict) else {}
                self._known = {str(k): str(v) for k, v in found.items()}
            except (OSError, ValueError, AttributeError):
                self._known = {}
        return self._known

    def _save(self, known: dict[str, str]) -> None:
        """Write the cache atomically, keeping other namespaces' entries."""
        self._known = known
        try:
            data = json.loads(self.cache_file.read_text(encoding="utf-8"))
            spaces = data.get("images", {}) if isinstance(data, dict) else {}
        except (OSError, ValueError):
            spaces = {}
        spaces = spaces if isinstance(spaces, dict) else {}
        spaces[self.namespace] = known
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        partial = self.cache_file.with_suffix(".json.partial")
        partial.write_text(json.dumps({"version": 1, "images": spaces}, indent=1), "utf-8")
        os.replace(partial, self.cache_file)


def _content_type(data: bytes) -> str:
    return next(
        (kind for magic, kind in CONTENT_TYPES.items() if data.startswith(magic)), "image/jpeg"
    )
