"""The photos a catalog names: inside the catalog's folder, real images, of a size a
marketplace takes.

A catalog is typed by hand and often shared, so a photo column is untrusted input: a path
like ``../../etc/passwd`` or a link pointing out of the folder must never be read, let
alone uploaded. A photo is accepted only when its path, with every symlink followed, lies
inside the catalog's folder or a folder the settings name (``photo_dirs``), it is a
regular file, its first bytes say JPEG, PNG or WebP, and it is no larger than the largest
photo any supported marketplace takes. Only the first bytes are read here.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from listsync.i18n import _

# Shopee takes photos up to 10 MB (media_space/upload_image); none takes more.
MAX_PHOTO_BYTES = 10 * 1024 * 1024
WEB_SCHEMES = ("http://", "https://")


def photo_type(head: bytes) -> str | None:
    """The image type its first bytes announce: ``"jpeg"``, ``"png"``, ``"webp"`` or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def check_photo(ref: str, base: Path, allowed: Sequence[Path] = ()) -> str | None:
    """Why the photo ``ref`` (as written in a catalog in folder ``base``) cannot be used.

    ``None`` when it can: a web address, or a local image inside ``base`` or one of
    ``allowed``. Nothing outside those folders is opened.
    """
    if ref.startswith(WEB_SCHEMES):
        return None
    if "://" in ref:
        return _("{ref} is neither a file nor a web address (http:// or https://)").format(ref=ref)
    folders = [_real(folder) for folder in (base, *allowed)]
    path = _real(base / Path(ref).expanduser())
    if not any(path == folder or folder in path.parents for folder in folders):
        return _(
            "{ref} is outside the catalog's folder; put the photo in {folder} "
            "(or name its folder in photo_dirs in listsync.toml)"
        ).format(ref=ref, folder=folders[0])
    try:
        info = path.stat()
    except FileNotFoundError:
        return _("photo {ref} does not exist").format(ref=ref)
    except OSError as error:
        return _("photo {ref} cannot be read: {why}").format(ref=ref, why=error.strerror)
    if not stat.S_ISREG(info.st_mode):
        return _("{ref} is not a photo file").format(ref=ref)
    if info.st_size > MAX_PHOTO_BYTES:
        return _("photo {ref} is {size} MB; marketplaces take at most {limit} MB").format(
            ref=ref, size=_megabytes(info.st_size), limit=_megabytes(MAX_PHOTO_BYTES)
        )
    try:
        with path.open("rb") as file:
            head = file.read(12)
    except OSError as error:
        return _("photo {ref} cannot be read: {why}").format(ref=ref, why=error.strerror)
    if photo_type(head) is None:
        return _("{ref} is not a JPEG, PNG or WebP image").format(ref=ref)
    return None


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")
