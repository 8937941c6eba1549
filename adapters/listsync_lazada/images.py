"""Product photos at Lazada: uploaded (files) or migrated (URLs) once, remembered by hash.

Lazada only takes images it hosts. A local file is sent to ``/image/upload`` and a web
address to ``/image/migrate``; the URL Lazada answers is kept in
``<workspace>/.listsync-cache/lazada-images.json`` under the file's SHA-256 (or the
address's), per API host, so an unchanged photo is never uploaded twice.
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

from listsync.catalog.photos import photo_type
from listsync.channel.upload_cache import UploadCache
from listsync.errors import NotListable
from listsync.i18n import _
from listsync_lazada.client import LazadaClient
from listsync_lazada.errors import CHANNEL
from listsync_lazada.payload import dump_xml
from listsync_lazada.replies import ImageReply

MAX_BYTES = 3_145_728


def lazada_hosted(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host == "slatic.net" or host.endswith(".slatic.net")


class ImageStore:
    def __init__(self, client: LazadaClient, workspace: Path, api_host: str):
        self.client = client
        self.workspace = workspace
        self.cache = UploadCache(workspace / ".listsync-cache" / "lazada-images.json", api_host)

    def url_for(self, ref: str, sku: str) -> str:
        scheme = urlsplit(ref).scheme
        if scheme in ("http", "https"):
            if lazada_hosted(ref):
                return ref
            key = "url:" + hashlib.sha256(ref.encode()).hexdigest()
            return self.cache.get(key) or self.cache.remember(key, self._migrate(ref, sku))
        data, path = self._read(ref, sku)
        key = "sha256:" + hashlib.sha256(data).hexdigest()
        return self.cache.get(key) or self.cache.remember(key, self._upload(path, data, sku))

    def _read(self, ref: str, sku: str) -> tuple[bytes, Path]:
        path = Path(ref)
        if not path.is_absolute():
            path = self.workspace / path
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise NotListable(
                _("cannot read image {path} of {sku}: {error}").format(
                    path=path, sku=sku, error=exc.strerror or exc
                ),
                channel=CHANNEL,
                call="upload_image",
                sku=sku,
            ) from None
        if len(data) > MAX_BYTES:
            raise NotListable(
                _("image {path} of {sku} is {size:,} bytes; Lazada takes at most 3 MB").format(
                    path=path, sku=sku, size=len(data)
                ),
                channel=CHANNEL,
                call="upload_image",
                sku=sku,
            )
        if photo_type(data) not in ("jpeg", "png"):
            raise NotListable(
                _(
                    "image {path} of {sku} is not a JPEG or PNG photo, the kinds Lazada takes"
                ).format(path=path, sku=sku),
                channel=CHANNEL,
                call="upload_image",
                sku=sku,
            )
        return data, path

    def _upload(self, path: Path, data: bytes, sku: str) -> str:
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        body = self.client.call(
            "upload_image",
            "/image/upload",
            {},
            method="POST",
            files={"image": (path.name, data, mime)},
            idempotent=True,
            sku=sku,
            reply=ImageReply,
        )
        return body.data.image.url

    def _migrate(self, url: str, sku: str) -> str:
        payload = dump_xml({"Request": {"Image": {"Url": url}}})
        body = self.client.call(
            "migrate_image",
            "/image/migrate",
            {"payload": payload},
            method="POST",
            idempotent=True,
            sku=sku,
            reply=ImageReply,
        )
        return body.data.image.url
