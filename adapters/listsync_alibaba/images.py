"""Product photos in Alibaba.com's photobank: uploaded once per content, remembered by hash.

A listing's ``main_image`` takes photobank addresses only (docs/marketplaces/alibaba.md
§4.4). A catalog photo (a file in the workspace, or a web address, fetched first) is sent
to ``alibaba.icbu.photobank.upload`` (``file_name`` and the file ``image_bytes``), whose
``upload_image_response.photobank_url`` is kept in
``<workspace>/.listsync-cache/alibaba-images.json`` under the photo's SHA-256, per API host,
so an unchanged photo is never uploaded twice. Photos must be JPEG or PNG of at most 3 MB
(UNCONFIRMED: the limit of Alibaba's product editor).
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

import requests

from listsync.catalog.photos import photo_type
from listsync.channel.faults import photo_error
from listsync.channel.upload_cache import UploadCache
from listsync.errors import NotListable, RejectedError
from listsync.i18n import _
from listsync_alibaba.client import AlibabaClient, field
from listsync_alibaba.errors import CHANNEL

UPLOAD = "alibaba.icbu.photobank.upload"
MAX_BYTES = 3_145_728
FETCH_TIMEOUT = 30


class ImageStore:
    def __init__(self, client: AlibabaClient, workspace: Path, api_host: str):
        self.client = client
        self.workspace = workspace
        self.cache = UploadCache(workspace / ".listsync-cache" / "alibaba-images.json", api_host)

    def url_for(self, ref: str, sku: str) -> str:
        """The photobank address of catalog photo ``ref``, uploading it the first time."""
        data, name = self._read(ref, sku)
        key = "sha256:" + hashlib.sha256(data).hexdigest()
        return self.cache.get(key) or self.cache.remember(key, self._upload(name, data, sku))

    def _refuse(self, message: str, sku: str) -> NotListable:
        """A photo found unusable here, before any call: the catalog's to fix."""
        return NotListable(message, channel=CHANNEL, call="upload_image", sku=sku)

    def _read(self, ref: str, sku: str) -> tuple[bytes, str]:
        if urlsplit(ref).scheme in ("http", "https"):
            try:
                response = requests.get(ref, timeout=FETCH_TIMEOUT)
                response.raise_for_status()
            except requests.RequestException as exc:
                raise photo_error(
                    _("cannot fetch photo {url} of {sku}: {error}").format(
                        url=ref, sku=sku, error=exc
                    ),
                    exc,
                    channel=CHANNEL,
                    call="upload_image",
                    sku=sku,
                ) from None
            data = response.content
            name = Path(urlsplit(ref).path).name or "photo"
        else:
            path = Path(ref)
            if not path.is_absolute():
                path = self.workspace / path
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise self._refuse(
                    _("cannot read image {path} of {sku}: {error}").format(
                        path=path, sku=sku, error=exc.strerror or exc
                    ),
                    sku,
                ) from None
            name = path.name
        if len(data) > MAX_BYTES:
            raise self._refuse(
                _("image {path} of {sku} is {size:,} bytes; Alibaba.com takes at most 3 MB").format(
                    path=ref, sku=sku, size=len(data)
                ),
                sku,
            )
        kind = photo_type(data)
        if kind not in ("jpeg", "png"):
            raise self._refuse(
                _(
                    "image {path} of {sku} is not a JPEG or PNG photo, the kinds Alibaba.com takes"
                ).format(path=ref, sku=sku),
                sku,
            )
        if not Path(name).suffix:
            name = f"{name}.{'jpg' if kind == 'jpeg' else 'png'}"
        return data, name

    def _upload(self, name: str, data: bytes, sku: str) -> str:
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        body = self.client.call(
            "upload_image",
            UPLOAD,
            {"file_name": name},
            files={"image_bytes": (name, data, mime)},
            idempotent=True,  # the same bytes again: at worst a second copy in the photobank
            sku=sku,
        )
        url = field(body, "photobank_url", api=UPLOAD)
        if not isinstance(url, str) or not url:
            raise RejectedError(
                _("Alibaba.com took photo {name} of {sku} but named no photobank address").format(
                    name=name, sku=sku
                ),
                channel=CHANNEL,
                call="upload_image",
                sku=sku,
            )
        return url
