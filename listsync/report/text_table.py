"""Plain-text tables for the terminal: columns sized to their content, numbers to the right."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal (wide East Asian characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _numeric(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], max_width: int = 40) -> str:
    cells = [[_cell(v) for v in row] for row in rows]
    for row in cells:
        for i, text in enumerate(row):
            if width(text) > max_width:
                row[i] = text[: max_width - 1] + "…"
    widths = [width(h) for h in headers]
    for row in cells:
        widths = [max(w, width(text)) for w, text in zip(widths, row, strict=True)]
    right = [bool(rows) and all(_numeric(row[i]) for row in rows) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        parts = []
        for text, size, flush_right in zip(values, widths, right, strict=True):
            pad = " " * (size - width(text))
            parts.append(pad + text if flush_right else text + pad)
        return "  ".join(parts).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out += [line(row) for row in cells]
    return "\n".join(out)
