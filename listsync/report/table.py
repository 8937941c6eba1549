"""Plain-text tables that fit an 80-column terminal, with Vietnamese names cut cleanly.

:func:`listsync.report.text_table.format_table` sizes columns to their content; reports need more:
a hard width, names that give way first (cut with …), numbers never cut, and columns
that go on into a second block when there are too many for one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 80
GAP = "  "
NONE = "—"
MIN_FLEX = 12
KEY_CAP = 20


@dataclass(frozen=True)
class Column:
    key: str  # the name in JSON
    title: str  # the header in CSV, XLSX and HTML
    kind: str = "text"  # "text", "count", or the currency of an amount
    short: str = ""  # the header in an 80-column table, when the title is too long
    cap: int | None = None  # widest it may be in a table (longer text is cut with …)
    flex: bool = False  # gives way first when a table is too wide (names)
    group: str = ""  # columns of one group are kept in one block of a split table

    @property
    def numeric(self) -> bool:
        return self.kind != "text"

    @property
    def heading(self) -> str:
        return self.short or self.title


def cell_width(text: str) -> int:
    """Terminal columns: combining marks take none, wide East Asian characters two."""
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def clip(text: str, size: int) -> str:
    if cell_width(text) <= size:
        return text
    kept = ""
    for ch in text:
        if cell_width(kept + ch) > size - 1:
            break
        kept += ch
    return kept + "…"


def fit_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    footer: Sequence[str] | None = None,
    *,
    keys: int = 1,
    width: int = WIDTH,
) -> str:
    """A table no wider than ``width``. Numbers are never cut; text is cut with … to a
    column's ``cap``, and flexible columns (names) to what room is left, never below
    ``MIN_FLEX``. When the columns still do not fit, those after the first ``keys`` go on
    into further blocks, each repeating the key columns; columns of one ``group`` stay in
    one block when they can."""
    every = [*rows, footer] if footer is not None else list(rows)
    natural = [
        min(
            column.cap or width,
            max([cell_width(column.heading), *(cell_width(row[i]) for row in every)]),
        )
        for i, column in enumerate(columns)
    ]
    flex = [i for i, column in enumerate(columns) if column.flex]
    widths = [min(w, MIN_FLEX) if i in flex else w for i, w in enumerate(natural)]

    def span(indexes: Sequence[int]) -> int:
        return sum(widths[i] for i in indexes) + len(GAP) * (len(indexes) - 1)

    blocks: list[list[int]] = [[]]
    for group in _groups(columns, keys):
        if blocks[-1] and span([*range(keys), *blocks[-1], *group]) > width:
            blocks.append([])
        if span([*range(keys), *group]) <= width:
            blocks[-1] += group
            continue
        for i in group:  # a group too wide for any block is split column by column
            if blocks[-1] and span([*range(keys), *blocks[-1], i]) > width:
                blocks.append([])
            blocks[-1].append(i)
    shown = [[*range(keys), *block] for block in blocks]
    for i in flex:
        room = min(width - span(block) for block in shown if i in block)
        widths[i] += max(0, min(room, natural[i] - widths[i]))

    def line(cells: Sequence[str], indexes: Sequence[int]) -> str:
        parts = []
        for i in indexes:
            text = clip(cells[i], widths[i])
            pad = " " * (widths[i] - cell_width(text))
            parts.append(pad + text if columns[i].numeric else text + pad)
        return GAP.join(parts).rstrip()

    out: list[str] = []
    for indexes in shown:
        rule = line(["-" * w for w in widths], indexes)
        if out:
            out.append("")
        out += [line([c.heading for c in columns], indexes), rule]
        out += [line(row, indexes) for row in rows]
        if footer is not None:
            out += [rule, line(footer, indexes)]
    return "\n".join(out)


def _groups(columns: Sequence[Column], keys: int) -> list[list[int]]:
    """The columns after the keys, neighbours of one named group together."""
    groups: list[list[int]] = []
    for i in range(keys, len(columns)):
        name = columns[i].group
        if groups and name and columns[groups[-1][-1]].group == name:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups
