"""Small pieces several pages show the same way: figures, a run, an uploaded file."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any
from zoneinfo import ZoneInfo

from starlette.datastructures import UploadFile

from listsync.errors import InputError
from listsync.format import money, number
from listsync.i18n import _
from listsync.ledger.records import RunRecord
from listsync.report.model import VND, Figures, local_time
from listsync.report.runs import duration_text, one_line, run_status_text
from listsync.workspace import Workspace

UPLOAD_PREFIX = ".listsync-web-upload-"


def enabled_names(ws: Workspace) -> list[str]:
    return [name for name, section in ws.settings.channels.items() if section.get("enabled")]


def revenue_text(figures: Figures) -> str:
    """What the orders brought, each currency apart (``1.250.000 ₫ + 52.50 USD``)."""
    amounts = [
        money(figures.amount(currency), currency, unit=True)
        for currency in sorted(figures.revenue, key=lambda c: (c != VND, c))
    ]
    return " + ".join(amounts) or money(0, VND, unit=True)


def figures_text(figures: Figures | None) -> dict[str, str]:
    figures = figures or Figures()
    return {
        "orders": number(figures.orders),
        "cancelled": number(figures.cancelled),
        "units": number(figures.units),
        "revenue": revenue_text(figures),
    }


def run_view(run: RunRecord, tz: ZoneInfo) -> dict[str, Any]:
    """A recorded run as the pages show it: when, how long, how it ended, each channel."""
    return {
        "id": run.id,
        "command": run.command,
        "started": local_time(run.started_at, tz),
        "duration": duration_text(run.duration),
        "status": run_status_text(run.status) if run.finished_at is not None else _("unfinished"),
        "ok": run.status == "ok",
        "channels": [
            {
                "name": channel.channel,
                "ok": channel.error is None,
                "error": one_line(channel.error) if channel.error else "",
                "orders": number(channel.counts.get("orders_new", 0)),
            }
            for channel in run.channels
        ],
    }


# -- uploads ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Upload:
    """A file sent from a page: its bytes, and the name it had on the sender's computer
    (shown to people, never used as a path)."""

    name: str
    data: bytes

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix.lower()


def shown_name(filename: str | None) -> str:
    """The last part of an uploaded file's name (``../../evil.csv`` is ``evil.csv``)."""
    name = PureWindowsPath(PurePosixPath(filename or "").name).name.strip()
    return name or _("the file")


async def read_upload(field: object, limit: int) -> Upload:
    """The file of a form field, read into memory, at most ``limit`` bytes."""
    if not isinstance(field, UploadFile) or not field.filename:
        raise InputError(_("choose a file first"))
    data = await field.read(limit + 1)
    await field.close()
    if len(data) > limit:
        raise InputError(_("the file is larger than {size} MB").format(size=limit // (1024 * 1024)))
    return Upload(shown_name(field.filename), data)


@contextmanager
def upload_in(folder: Path, upload: Upload) -> Iterator[Path]:
    """``upload`` as a file of its own kind in ``folder`` (the workspace) while the block
    runs, so it is read exactly as the CLI reads a file there (photos beside it, the same
    checks, the same messages); then it is gone. Its name is made here, never taken from
    the sender: only a plain extension (``.xlsx``) is kept, so the reader knows the kind."""
    suffix = upload.suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", upload.suffix) else ""
    path = folder / f"{UPLOAD_PREFIX}{secrets.token_hex(8)}{suffix}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        with os.fdopen(os.open(path, flags, 0o600), "wb") as out:
            out.write(upload.data)
        yield path
    finally:
        path.unlink(missing_ok=True)
