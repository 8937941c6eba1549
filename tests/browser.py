"""A real browser for the tests: Debian's ``chromium`` driven by Playwright (no download).

``tests/conftest.py`` makes one Chromium for the whole run out of :func:`launched` (the
``browser`` fixture). It skips only on a computer without ``chromium``; where ``CI`` is set it
never skips: there a missing ``chromium`` is an error. Each test opens its own window size with
:func:`window`, so tests never share cookies, storage or a viewport.

While the browser is open, Playwright's event loop counts as running in the main thread:
``asyncio.run`` (or ``anyio.run``) there fails, so async code under test runs in a thread of
its own (a server started in a thread, as the sandboxes are, is fine).

Screenshots go where ``LISTSYNC_SCREENSHOTS`` says, so a run (CI) can keep them; otherwise
into the test's ``tmp_path`` (see the ``screenshots`` fixture).
"""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

SCREENSHOTS_VARIABLE = "LISTSYNC_SCREENSHOTS"
PHONE = (390, 844)  # an iPhone 12 to 15, in CSS pixels; most Android phones are 360 to 412 wide
LAPTOP = (1280, 800)


def chromium_or_skip() -> str:
    """The path of Debian's chromium; skips without it, except in CI where it fails."""
    path = shutil.which("chromium")
    if path is not None:
        return path
    if os.environ.get("CI"):
        pytest.fail(
            "chromium is not installed: CI runs the browser tests (apt-get install chromium)"
        )
    pytest.skip("chromium is not installed (CI installs it: there the browser tests never skip)")


@contextmanager
def launched() -> Iterator[Browser]:
    """A headless Chromium from ``chromium``; Playwright's own browsers are never downloaded."""
    path = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def window(browser: Browser, size: tuple[int, int]) -> Iterator[Page]:
    """A fresh page ``size`` (width, height) CSS pixels. Narrower than 600, it is a phone: touch,
    and the page's ``<meta name="viewport">`` obeyed (without it a phone lays a page out 980
    pixels wide and shrinks it)."""
    width, height = size
    phone = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": height}, has_touch=phone, is_mobile=phone
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def screenshot_folder(fallback: Path) -> Path:
    """``$LISTSYNC_SCREENSHOTS`` (made if missing) when set, else ``fallback``."""
    chosen = os.environ.get(SCREENSHOTS_VARIABLE)
    if not chosen:
        return fallback
    folder = Path(chosen)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and unfiltered rows of an 8-bit RGB or RGBA PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat, header = 8, b"", b""
    while at < len(data):
        (size,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + size]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        at += 12 + size
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6)
    step = 3 if colour == 2 else 4
    raw, stride, rows = zlib.decompress(idat), width * step, []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for x in range(stride):
            a = line[x - step] if x >= step else 0
            b, c = previous[x], previous[x - step] if x >= step else 0
            if kind == 1:
                line[x] = (line[x] + a) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + b) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def colours(png: bytes) -> set[bytes]:
    """Every RGB colour a screenshot holds."""
    width, _height, rows = png_pixels(png)
    step = len(rows[0]) // width
    return {row[x : x + 3] for row in rows for x in range(0, len(row), step)}
