"""One sync: pull orders → settle stock → push listings, per channel, channels in parallel.

Channels run in a worker each; SQLite serializes their ledger writes (BEGIN IMMEDIATE),
and no transaction is held across a marketplace call. One channel failing never stops
the others: the run records what each did and ends with exit code 1 if any failed.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from listsync.channel.contract import Channel
from listsync.clock import Clock
from listsync.errors import EXIT_BAD_INPUT, EXIT_FAILURE, ListsyncError
from listsync.http import CallRecord
from listsync.i18n import _
from listsync.ledger.database import Ledger
from listsync.sync.push import Inventory, Plan, Pusher, PushOptions, Tally, plan_push
from listsync.sync.stock_rules import (
    OPEN_STATES,
    RETURN_STATES,
    SOLD_STATES,
    StockRule,
    reserving_states,
)

DAY = timedelta(days=1)
ORDERS_STREAM = "orders"

ChannelFactory = Callable[[str, Callable[[CallRecord], None]], Channel]


@dataclass(frozen=True)
class SyncOptions:
    overlap: timedelta = timedelta(hours=1)
    backfill: timedelta = timedelta(days=30)
    reserve_from: str = "payment"
    restock_returns: bool = False
    workers: int = 4
    push: PushOptions = field(default_factory=PushOptions)
    rules: Mapping[str, StockRule] = field(default_factory=dict)

    def push_for(self, channel: str, force: bool) -> PushOptions:
        return replace(self.push, rule=self.rules.get(channel, StockRule()), force=force)


@dataclass
class ChannelOutcome:
    name: str
    tally: Tally = field(default_factory=Tally)
    error: str | None = None
    calls: list[CallRecord] = field(default_factory=list)
    exit_code: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None

    def failed(self, error: ListsyncError) -> None:
        self.error = str(error)
        self.exit_code = max(self.exit_code, error.exit_code)


@dataclass
class RunResult:
    run_id: int | None
    outcomes: dict[str, ChannelOutcome]
    plans: dict[str, Plan] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(outcome.ok for outcome in self.outcomes.values())

    @property
    def exit_code(self) -> int:
        """0 when every channel is ok; 2 when a channel's settings are wrong (a person must
        fix them); else 1."""
        codes = [
            outcome.exit_code or EXIT_FAILURE
            for outcome in self.outcomes.values()
            if not outcome.ok
        ]
        if not codes:
            return 0
        return EXIT_BAD_INPUT if EXIT_BAD_INPUT in codes else EXIT_FAILURE


class SyncEngine:
    def __init__(
        self,
        ledger: Ledger,
        open_channel: ChannelFactory,
        options: SyncOptions,
        clock: Clock,
    ):
        self.ledger = ledger
        self.open_channel = open_channel
        self.options = options
        self.clock = clock

    def run(
        self,
        names: Sequence[str],
        *,
        pull: bool = True,
        push: bool = True,
        force: bool = False,
        command: str = "sync",
        progress: Callable[[int], None] | None = None,
    ) -> RunResult:
        """Pull, settle and push on ``names``; records a sync_run row with what happened.

        ``progress`` is called with 1 after each product a push has dealt with. The caller
        holds the run lock, so a run still marked running was cut short: it is marked so.
        """
        started = self.clock.now()
        for stale in self.ledger.runs():
            if stale.status == "running" and stale.pid != os.getpid():
                self.ledger.finish_run(stale.id, "interrupted")
        run_id = self.ledger.start_run(command, os.getpid())
        outcomes = {name: ChannelOutcome(name) for name in names}
        channels: dict[str, Channel] = {}
        try:
            for name in names:
                self._open(name, outcomes[name], channels)
            live = [name for name in names if name in channels]
            if pull:
                self._parallel(
                    live, lambda n: self._pull(n, channels[n], outcomes[n], started), outcomes
                )
                self._settle(outcomes)
            if push:
                ready = [name for name in live if outcomes[name].ok]
                inventory = self.inventory() if ready else None
                self._parallel(
                    ready,
                    lambda n: self._push(n, channels[n], outcomes[n], force, progress, inventory),
                    outcomes,
                )
        finally:
            for channel in channels.values():
                channel.close()
            self._record(run_id, outcomes)
        return RunResult(run_id, outcomes)

    def plan(self, names: Sequence[str], *, force: bool = False) -> RunResult:
        """A dry run: what a push would do on each channel, from the ledger alone."""
        outcomes = {name: ChannelOutcome(name) for name in names}
        plans: dict[str, Plan] = {}
        inventory = self.inventory()
        for name in names:
            channels: dict[str, Channel] = {}
            self._open(name, outcomes[name], channels)
            if name in channels:
                options = self.options.push_for(name, force)
                plans[name] = self._plan(name, channels[name], options, inventory)
                channels[name].close()
        return RunResult(None, outcomes, plans)

    # -- steps ------------------------------------------------------------------------
    def _open(self, name: str, outcome: ChannelOutcome, into: dict[str, Channel]) -> None:
        try:
            into[name] = self.open_channel(name, outcome.calls.append)
        except ListsyncError as exc:
            outcome.failed(exc)

    def _pull(self, name: str, channel: Channel, outcome: ChannelOutcome, until: datetime) -> None:
        """Orders changed since the checkpoint, window by window, each with its checkpoint.

        The checkpoint is the marketplace's time, never this computer's: a window's end is
        capped at the newest ``Date`` its answers carried, so a clock running fast cannot
        move the checkpoint past orders the marketplace has not yet seen change. (A
        channel that reports no time, such as one not spoken to over HTTP, keeps the
        window's end.) A checkpoint from the future, left by a fast clock, is re-read from.
        """
        shop = channel.shop_id
        cursor = self.ledger.checkpoint(name, shop, ORDERS_STREAM)
        start = (
            datetime.fromisoformat(cursor) - self.options.overlap
            if cursor
            else until - self.options.backfill
        )
        start = min(start, until - self.options.overlap)
        window = min(channel.limits.order_window or DAY, DAY)
        while start < until:
            end = min(start + window, until)
            seen = len(outcome.calls)
            orders = list(channel.iter_orders(start, end))
            reach = min(end, marketplace_time(outcome.calls[seen:]) or end)
            counts = self.ledger.upsert_orders(
                name, shop, orders, checkpoint=(ORDERS_STREAM, reach.isoformat())
            )
            outcome.tally.counts["orders_new"] += counts.new
            outcome.tally.counts["orders_updated"] += counts.updated
            start = end

    def _settle(self, outcomes: Mapping[str, ChannelOutcome]) -> None:
        counts = self.ledger.settle(
            SOLD_STATES, RETURN_STATES, restock_returns=self.options.restock_returns
        )
        if counts.unknown_skus:
            note = _("orders name SKUs not in the catalog: {skus}").format(
                skus=", ".join(counts.unknown_skus[:5])
            )
            for outcome in outcomes.values():
                outcome.tally.notes.append(note)

    def _push(
        self,
        name: str,
        channel: Channel,
        outcome: ChannelOutcome,
        force: bool,
        progress: Callable[[int], None] | None,
        inventory: Inventory | None,
    ) -> None:
        options = self.options.push_for(name, force)
        plan = self._plan(name, channel, options, inventory)
        pusher = Pusher(name, channel, self.ledger, options, self.clock, outcome.tally)
        pusher.apply(plan, progress)

    def _plan(
        self, name: str, channel: Channel, options: PushOptions, inventory: Inventory | None = None
    ) -> Plan:
        inventory = inventory or self.inventory()
        # what the channel's own open orders hold, paid or not, as the channel counts it
        held = self.ledger.reserved(OPEN_STATES, channel=name)
        return plan_push(name, channel, self.ledger, options, self.clock, inventory, held)

    def inventory(self) -> Inventory:
        return Inventory.read(self.ledger, reserving_states(self.options.reserve_from))

    def _parallel(
        self,
        names: Sequence[str],
        step: Callable[[str], None],
        outcomes: Mapping[str, ChannelOutcome],
    ) -> None:
        """Run ``step`` on each channel in its own worker; a failure stays with its channel."""

        def guarded(name: str) -> None:
            try:
                step(name)
            except ListsyncError as exc:
                outcomes[name].failed(exc)
                outcomes[name].tally.counts["errors"] += 1

        workers = max(1, min(self.options.workers, len(names)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(guarded, names))

    def _record(self, run_id: int, outcomes: Mapping[str, ChannelOutcome]) -> None:
        for name, outcome in outcomes.items():
            counts = Counter(outcome.tally.counts)
            counts["api_calls"] = len(outcome.calls)
            counts["retries"] = sum(1 for call in outcome.calls if call.attempt > 1)
            self.ledger.record_channel(run_id, name, dict(counts), outcome.error)
            outcome.tally.counts = counts
            self.ledger.log_calls(run_id, outcome.calls)
        status = "ok" if all(o.error is None for o in outcomes.values()) else "failed"
        self.ledger.finish_run(run_id, status)


def marketplace_time(calls: Sequence[CallRecord]) -> datetime | None:
    """The newest time the marketplace's answers carried (their ``Date``), if any did."""
    times = [call.server_time for call in calls if call.server_time is not None]
    return max(times) if times else None
