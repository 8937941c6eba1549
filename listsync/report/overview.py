"""The figures on the first page of ``listsync web``: today's and this week's orders by
channel, and the stock that is running low.

Everything comes from :func:`listsync.workspace.Workspace.report` (the figures of
``listsync report --by channel``); only the periods and what counts as low are said here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from listsync.report.model import Report, StockRow

LOW_STOCK = 5  # units available for sale, after reserved, buffer and safety stock


def week_start(today: date) -> date:
    """The Monday of ``today``'s week (ISO weeks, as ``listsync report --by week``)."""
    return today - timedelta(days=today.weekday())


def low_stock(report: Report, limit: int = LOW_STOCK) -> list[StockRow]:
    """The sellable units with ``limit`` or fewer available for sale, fewest first."""
    rows: Sequence[StockRow] = report.stock
    return sorted((row for row in rows if row.available <= limit), key=lambda r: r.available)
