"""The sample OCOP catalog shipped with listsync, for ``listsync init`` and the demo."""

from __future__ import annotations

import shutil
from pathlib import Path

SAMPLE_DIR = Path(__file__).parents[1] / "data" / "sample"
CATALOG_NAME = "catalog.yaml"


def copy_sample_catalog(directory: Path) -> list[Path]:
    """Copy the sample catalog and its photos into ``directory``, never over a user's file."""
    written = []
    sources = [SAMPLE_DIR / CATALOG_NAME, *sorted((SAMPLE_DIR / "images").iterdir())]
    for source in sources:
        target = directory / source.relative_to(SAMPLE_DIR)
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
    return written
