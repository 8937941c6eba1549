"""What an order pull reads: the range :meth:`SyncEngine._pull` reads, and how a dry run
(``listsync orders pull --dry-run``) tells it before anything is read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


def pull_start(
    checkpoint: datetime | None, until: datetime, overlap: timedelta, backfill: timedelta
) -> datetime:
    """Where a pull up to ``until`` starts: the checkpoint less the overlap (marketplaces
    update orders late), or ``backfill`` before ``until`` on a first pull. A checkpoint from
    the future, left by a fast clock, is re-read from ``until`` less the overlap."""
    start = checkpoint - overlap if checkpoint is not None else until - backfill
    return min(start, until - overlap)


@dataclass(frozen=True)
class PullPlan:
    """One channel's pull, as a dry run tells it."""

    channel: str
    checkpoint: datetime | None  # where the last pull reached; None before the first pull
    start: datetime
    until: datetime
    window: timedelta  # the longest range one read spans
    overlap: timedelta
    backfill: timedelta

    @property
    def windows(self) -> int:
        """How many reads of at most ``window`` the range takes."""
        return max(0, -((self.start - self.until) // self.window))
