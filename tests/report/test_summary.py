"""The text a sync prints when it ends fits an 80-column terminal, in English and Vietnamese,
with every channel and the biggest counts a cooperative meets."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

from listsync import i18n
from listsync.report.summary import COLUMNS, render_summary
from listsync.report.table import cell_width
from listsync.sync.engine import ChannelOutcome, RunResult
from listsync.sync.push import Tally

CHANNELS = ("alibaba", "lazada", "shopee", "tiki")


@pytest.fixture(params=["en", "vi"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    before = i18n.current_language()
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language(before)


def busy_run() -> RunResult:
    """Four channels, each count in the millions (a backfill of a big shop), one failed."""
    outcomes = {}
    for index, name in enumerate(CHANNELS):
        counts = Counter({key: 1_234_567 * (index + 1) for key in COLUMNS})
        outcome = ChannelOutcome(name, Tally(counts=counts))
        outcomes[name] = outcome
    outcomes["tiki"].error = "tiki get_orders: HTTP 503"
    return RunResult(42, outcomes)


def table_lines(text: str) -> list[str]:
    """The summary's table: its header, its rule, a line per count and the verdict."""
    return text.splitlines()[: 2 + len(COLUMNS) + 1]


def test_the_busiest_summary_fits_80_columns(language: str) -> None:
    text = render_summary(busy_run())
    table = table_lines(text)
    assert max(cell_width(line) for line in table) <= 80, "\n".join(table)
    assert len([line for line in table if set(line.strip()) <= {"-", " "}]) == 1  # one block
    header = table[0].split()
    assert header[-4:] == list(CHANNELS)
    figures = "4.938.268" if language == "vi" else "4938268"  # tiki's, the biggest
    assert any(line.rstrip().endswith(figures) for line in table)
    failed = "LỖI" if language == "vi" else "FAILED"
    assert table[-1].split()[-1] == failed and table[-1].split()[-4] in ("ok", "ổn")


def test_each_count_is_on_its_own_line_under_its_channel() -> None:
    text = render_summary(busy_run())
    rows = {line.split("  ")[0]: line.split() for line in table_lines(text)[2:]}
    assert rows["New orders"][-4:] == ["1234567", "2469134", "3703701", "4938268"]
    assert rows["Calls"][-1] == "4938268"
    assert rows["Result"][-4:] == ["ok", "ok", "ok", "FAILED"]
