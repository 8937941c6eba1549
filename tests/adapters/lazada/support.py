"""Helpers for tests and demos against the Lazada sandbox: raw signed calls, a connected
channel, tiny images. Nothing here is used by the adapter itself."""

from __future__ import annotations

import struct
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from listsync_lazada.channel import LazadaChannel
from listsync_lazada.sandbox.app import APP_KEY, APP_SECRET
from listsync_lazada.settings import LazadaSettings
from listsync_lazada.signing import sign

from listsync.channel.contract import ChannelContext
from listsync.channel.tokens import MemoryTokenStore
from listsync.clock import Clock, FakeClock
from listsync.sandbox.harness import SandboxServer

REDIRECT = "http://127.0.0.1:9/callback"


def signed_params(
    api_path: str,
    params: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    timestamp: str | None = None,
    secret: str = APP_SECRET,
) -> dict[str, str]:
    values = {k: str(v) for k, v in (params or {}).items()}
    values.update(
        app_key=APP_KEY,
        timestamp=timestamp or str(int(time.time() * 1000)),
        sign_method="sha256",
    )
    if token is not None:
        values["access_token"] = token
    values["sign"] = sign(api_path, values, secret)
    return values


def raw_call(
    server: SandboxServer,
    api_path: str,
    params: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    method: str = "GET",
    where: str = "auto",
    files: dict[str, Any] | None = None,
    auth: bool = False,
    timestamp: str | None = None,
    tamper: dict[str, str] | None = None,
) -> requests.Response:
    """A signed call the way Lazada's SDK sends it; ``where`` = query, form or split."""
    values = signed_params(api_path, params, token=token, timestamp=timestamp)
    values.update(tamper or {})
    url = server.root_url + ("/auth/rest" if auth else "/rest") + api_path
    if where == "auto":
        where = "query" if method == "GET" else "form"
    if where == "query":
        return requests.request(method, url, params=values, files=files, timeout=10)
    if where == "split":
        names = sorted(values)
        query = {n: values[n] for n in names[::2]}
        form = {n: values[n] for n in names[1::2]}
        return requests.request(method, url, params=query, data=form, files=files, timeout=10)
    return requests.request(method, url, data=values, files=files, timeout=10)


def consent_code(server: SandboxServer) -> str:
    response = requests.get(
        server.root_url + "/oauth/authorize",
        params={"response_type": "code", "client_id": APP_KEY, "redirect_uri": REDIRECT},
        allow_redirects=False,
        timeout=10,
    )
    location = response.headers["Location"]
    return location.split("code=", 1)[1].split("&", 1)[0]


def grant(server: SandboxServer) -> dict[str, Any]:
    """A fresh token reply for the sandbox's seller."""
    body: dict[str, Any] = raw_call(
        server,
        "/auth/token/create",
        {"code": consent_code(server)},
        method="POST",
        auth=True,
    ).json()
    return body


def settings_for(server: SandboxServer, **changes: Any) -> LazadaSettings:
    values = {k: v for k, v in server.describe().items() if k != "channel"}
    values.update(changes)
    return LazadaSettings(enabled=True, **values)


def connect(
    server: SandboxServer,
    workspace: Path,
    *,
    clock: Clock | None = None,
    tokens: MemoryTokenStore | None = None,
    authorize: bool = True,
    **changes: Any,
) -> LazadaChannel:
    """A LazadaChannel on the sandbox, authorized through the consent page."""
    context = ChannelContext(
        tokens=tokens if tokens is not None else MemoryTokenStore(),
        clock=clock or FakeClock(datetime.now(UTC)),
        workspace=workspace,
    )
    channel = LazadaChannel(settings_for(server, rate_per_second=1000.0, **changes), context)
    if authorize:
        consent = requests.get(
            channel.authorization_url(REDIRECT), allow_redirects=False, timeout=10
        )
        channel.authorize(consent.headers["Location"])
    return channel


def png(width: int = 2, height: int = 2, padding: int = 0, seed: int = 0) -> bytes:
    """A valid PNG of the given size; ``padding`` bytes of text make it as large as wanted."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(bytes([seed % 256]) * 16)
    extra = chunk(b"tEXt", b"pad\x00" + b"x" * padding) if padding else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + extra
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )
