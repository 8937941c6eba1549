"""One sync: pull orders → settle stock → push listings, per channel, channels in parallel.

Channels run in a worker each; SQLite serializes their ledger writes (BEGIN IMMEDIATE),
and no transaction is held across a marketplace call. One channel failing never stops
the others: the run records what each did and ends with exit code 1 if any failed.

Reconciliation: a sync (a pull and a push) reads what each channel shows now for its live
listings (``Channel.read_offers``), every run or every ``reconcile_every``-th, right
before its pull, so the orders pulled cover all but the last moment of what the figure
shows. The push then measures stock against what was shown, not only against what was last
sent, and sets back what the marketplace moved by itself (see :mod:`listsync.sync.push`).
The runs since the last read are kept as the checkpoint stream ``reconcile``.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from listsync.catalog.ocop import certificates_due, local_today
from listsync.channel.contract import Channel, ListingState
from listsync.clock import Clock
from listsync.errors import (
    EXIT_ATTENTION,
    EXIT_BAD_INPUT,
    EXIT_FAILURE,
    AuthError,
    ChannelError,
    ListsyncError,
    RateLimited,
    SetupError,
)
from listsync.http import CallRecord
from listsync.i18n import _
from listsync.ledger.database import Ledger
from listsync.progress import (
    Phase,
    ProgressEvent,
    ProgressListener,
    StopFlag,
    Stopped,
    serialized,
)
from listsync.redact import redact_text
from listsync.sync.pull_plan import PullPlan, pull_start
from listsync.sync.push import Inventory, Plan, Pusher, PushOptions, Tally, plan_push
from listsync.sync.stock_rules import (
    OPEN_STATES,
    RETURN_STATES,
    SOLD_STATES,
    StockRule,
    reserving_states,
)

log = logging.getLogger("listsync.sync")
DAY = timedelta(days=1)
ORDERS_STREAM = "orders"
RECONCILE_STREAM = "reconcile"  # its cursor: syncs since the channel's stock was last read
ATTENTION = "attention"  # a run's status: it finished, but its "To fix" list needs a person

ChannelFactory = Callable[[str, Callable[[CallRecord], None]], Channel]


@dataclass(frozen=True)
class SyncOptions:
    overlap: timedelta = timedelta(hours=1)
    backfill: timedelta = timedelta(days=30)
    reserve_from: str = "payment"
    restock_returns: bool = False
    workers: int = 4
    reconcile_every: int = 1  # read what the channels show every Nth sync; 0: never
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
    shown: dict[str, int] | None = None  # what the channel showed per SKU, when read this run
    unread: int | None = None  # syncs since its last read, when this one skipped reading
    reconciled: str | None = None  # the reconcile checkpoint as the run found it
    products_planned: int | None = None  # what its push planned, once planned
    products_done: int = 0  # of those, the products its push dealt with

    @property
    def ok(self) -> bool:
        return self.error is None

    def failed(self, error: ListsyncError) -> None:
        self.error = str(error)
        self.exit_code = max(self.exit_code, error.exit_code)

    def crashed(self, error: Exception) -> None:
        """An error no part foresaw (a bug, or a reply nothing checked): one line naming the
        channel, the last call it made and the kind of error; the traceback goes to the log."""
        self.error = unexpected(self.name, error, self.calls[-1].call if self.calls else "")
        self.exit_code = max(self.exit_code, EXIT_FAILURE)


@dataclass
class RunResult:
    run_id: int | None
    outcomes: dict[str, ChannelOutcome]
    plans: dict[str, Plan] = field(default_factory=dict)
    pulls: dict[str, PullPlan] = field(default_factory=dict)  # what a pull's dry run would read
    interrupted: bool = False  # stopped at a person's request (Ctrl+C) before the end
    problems: list[str] = field(default_factory=list)  # the run's own to fix, not a channel's
    notes: list[str] = field(default_factory=list)  # the run's own good to know

    @property
    def ok(self) -> bool:
        return all(outcome.ok for outcome in self.outcomes.values())

    @property
    def to_fix(self) -> list[str]:
        """Everything the summary lists under "To fix": the run's own, then each channel's."""
        return [*self.problems, *(p for o in self.outcomes.values() for p in o.tally.problems)]

    @property
    def exit_code(self) -> int:
        """0 when every channel is ok and nothing is left to fix; 3 when the run finished
        but something needs a person (products not listed, an expired OCOP certificate: its
        "To fix" list); 2 when a channel's settings are wrong (a person must fix them);
        else 1."""
        codes = [
            outcome.exit_code or EXIT_FAILURE
            for outcome in self.outcomes.values()
            if not outcome.ok
        ]
        if not codes:
            return EXIT_ATTENTION if self.to_fix else 0
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
        progress: ProgressListener | None = None,
        stop: StopFlag | None = None,
    ) -> RunResult:
        """Pull, settle and push on ``names``; records a sync_run row with what happened.

        ``progress`` hears how far each channel is (:mod:`listsync.progress`), one event at
        a time although the channels run in parallel. ``stop``, or Ctrl+C (a
        KeyboardInterrupt in the main thread, which sets it), ends the run at the workers'
        next safe points: between products, order windows and batches, never between a
        create's intent and its outcome. The run is then recorded "interrupted" with what
        it did, and its result says so. The caller holds the run lock, so a run still
        marked running was cut short: it is marked so.
        """
        stop = stop or StopFlag()
        report = serialized(progress) if progress is not None else None
        started = self.clock.now()
        for stale in self.ledger.runs():
            if stale.status == "running" and stale.pid != os.getpid():
                self.ledger.finish_run(stale.id, "interrupted")
        problems, notes = self.certificates() if push else ([], [])
        run_id = self.ledger.start_run(command, os.getpid())
        outcomes = {name: ChannelOutcome(name) for name in names}
        channels: dict[str, Channel] = {}
        stopped: BaseException | None = None
        complete: set[str] = set()  # channels whose every step ran to its end
        try:
            for name in names:
                self._open(name, outcomes[name], channels)
            live = [name for name in names if name in channels]
            if pull:
                pulled = self._parallel(
                    live,
                    lambda n: self._read_then_pull(
                        n, channels[n], outcomes[n], started, push, report, stop
                    ),
                    outcomes,
                    stop,
                )
                complete = set() if push else pulled
                if not stop.requested:
                    self._settle(outcomes)
            if push and not stop.requested:
                ready = [name for name in live if outcomes[name].ok]
                inventory = self.inventory() if ready else None
                complete = self._parallel(
                    ready,
                    lambda n: self._push(
                        n, channels[n], outcomes[n], force, report, stop, inventory
                    ),
                    outcomes,
                    stop,
                )
        except KeyboardInterrupt:  # Ctrl+C while no worker runs: nothing more is begun
            stop.request()
        except BaseException as exc:  # recorded as it is (never "ok"), then raised on
            stopped = exc
            raise
        finally:
            for name, channel in channels.items():
                try:
                    channel.close()
                except Exception:
                    log.warning("%s: closing the channel failed", name, exc_info=True)
            if stop.requested:
                _cut_short(outcomes, complete)
            self._record(
                run_id, outcomes, stopped, interrupted=stop.requested, attention=bool(problems)
            )
        return RunResult(
            run_id, outcomes, interrupted=stop.requested, problems=problems, notes=notes
        )

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
        problems, notes = self.certificates()
        return RunResult(None, outcomes, plans, problems=problems, notes=notes)

    def plan_pull(self, names: Sequence[str]) -> RunResult:
        """A pull's dry run: the range each channel's pull would read, from the ledger alone."""
        until = self.clock.now()
        outcomes = {name: ChannelOutcome(name) for name in names}
        pulls: dict[str, PullPlan] = {}
        for name in names:
            channels: dict[str, Channel] = {}
            self._open(name, outcomes[name], channels)
            if name not in channels:
                continue
            channel = channels[name]
            cursor = self.ledger.checkpoint(name, channel.shop_id, ORDERS_STREAM)
            checkpoint = datetime.fromisoformat(cursor) if cursor else None
            overlap, backfill = self.options.overlap, self.options.backfill
            pulls[name] = PullPlan(
                name,
                checkpoint,
                pull_start(checkpoint, until, overlap, backfill),
                until,
                min(channel.limits.order_window or DAY, DAY),
                overlap,
                backfill,
            )
            channel.close()
        return RunResult(None, outcomes, pulls=pulls)

    # -- steps ------------------------------------------------------------------------
    def _open(self, name: str, outcome: ChannelOutcome, into: dict[str, Channel]) -> None:
        try:
            into[name] = self.open_channel(name, outcome.calls.append)
        except ListsyncError as exc:
            outcome.failed(exc)
        except Exception as exc:  # one channel's bug never stops the others
            log.error("%s: unexpected error opening the channel", name, exc_info=exc)
            outcome.crashed(exc)

    def _read_then_pull(
        self,
        name: str,
        channel: Channel,
        outcome: ChannelOutcome,
        until: datetime,
        push: bool,
        report: ProgressListener | None = None,
        stop: StopFlag | None = None,
    ) -> None:
        if push:  # a read is only of use to a push, and only after a pull: see _read
            self._read(name, channel, outcome, report)
        self._pull(name, channel, outcome, until, report, stop)

    def _read(
        self,
        name: str,
        channel: Channel,
        outcome: ChannelOutcome,
        report: ProgressListener | None = None,
    ) -> None:
        """What the channel shows now for its live listings, when a read is due this run.

        A read that fails leaves the run without reconciliation (said in "To fix"); one the
        channel cannot answer at all (authorization, setup, the day's quota) stops the
        channel as a pull would.
        """
        every = self.options.reconcile_every
        read = getattr(channel, "read_offers", None)  # None: an adapter older than the call
        if every < 1 or read is None:
            return
        shop = channel.shop_id
        cursor = outcome.reconciled = self.ledger.checkpoint(name, shop, RECONCILE_STREAM)
        since = int(cursor) if cursor and cursor.isdigit() else None
        if since is not None and since + 1 < every:
            outcome.unread = since
            return
        listings = [
            remote
            for record in self.ledger.listings(name, shop)
            if record.state is ListingState.LIVE and (remote := record.remote()) is not None
        ]
        if report is not None and listings:
            report(ProgressEvent(name, Phase.READ, 0, len(listings)))
        try:
            outcome.shown = dict(read(listings)) if listings else {}
        except (AuthError, SetupError):
            raise
        except RateLimited as exc:
            if exc.quota_exhausted:
                raise
            self._unread(name, outcome, exc)
        except ChannelError as exc:
            self._unread(name, outcome, exc)
        else:
            outcome.tally.counts["stock_read"] += len(outcome.shown)
            if report is not None and listings:
                report(ProgressEvent(name, Phase.READ, len(listings), len(listings)))

    @staticmethod
    def _unread(name: str, outcome: ChannelOutcome, exc: ChannelError) -> None:
        outcome.tally.counts["errors"] += 1
        outcome.tally.problems.append(
            _(
                "{channel}: could not read the stock it shows, so none was checked for drift "
                "this run: {error}"
            ).format(channel=name, error=exc)
        )

    def _pull(
        self,
        name: str,
        channel: Channel,
        outcome: ChannelOutcome,
        until: datetime,
        report: ProgressListener | None = None,
        stop: StopFlag | None = None,
    ) -> None:
        """Orders changed since the checkpoint, window by window, each with its checkpoint.

        The checkpoint is the marketplace's time, never this computer's: a window's end is
        capped at the newest ``Date`` its answers carried, so a clock running fast cannot
        move the checkpoint past orders the marketplace has not yet seen change. (A
        channel that reports no time, such as one not spoken to over HTTP, keeps the
        window's end.) A checkpoint from the future, left by a fast clock, is re-read from.
        """
        shop = channel.shop_id
        cursor = self.ledger.checkpoint(name, shop, ORDERS_STREAM)
        checkpoint = datetime.fromisoformat(cursor) if cursor else None
        start = pull_start(checkpoint, until, self.options.overlap, self.options.backfill)
        window = min(channel.limits.order_window or DAY, DAY)
        windows, done = max(0, -((start - until) // window)), 0
        while start < until:
            if report is not None:
                report(ProgressEvent(name, Phase.PULL, done, windows))
            if stop is not None:
                stop.check()
            end = min(start + window, until)
            seen = len(outcome.calls)
            orders = list(channel.iter_orders(start, end))
            reach = min(end, marketplace_time(outcome.calls[seen:]) or end)
            counts = self.ledger.upsert_orders(
                name, shop, orders, checkpoint=(ORDERS_STREAM, reach.isoformat())
            )
            outcome.tally.counts["orders_new"] += counts.new
            outcome.tally.counts["orders_updated"] += counts.updated
            start, done = end, done + 1
        if report is not None and windows:
            report(ProgressEvent(name, Phase.PULL, windows, windows))

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
        report: ProgressListener | None,
        stop: StopFlag | None,
        inventory: Inventory | None,
    ) -> None:
        options = self.options.push_for(name, force)
        plan = self._plan(name, channel, options, inventory, outcome.shown)
        pusher = Pusher(name, channel, self.ledger, options, self.clock, outcome.tally)
        outcome.products_planned = len(plan.listings)

        def heard(event: ProgressEvent) -> None:
            if event.phase is Phase.PUSH:
                outcome.products_done = event.done
            if report is not None:
                report(event)

        pusher.apply(plan, heard, stop)
        cursor = None
        if outcome.shown is not None:
            cursor = "0"
        elif outcome.unread is not None:
            cursor = str(outcome.unread + 1)
        if cursor is not None and cursor != outcome.reconciled:  # a quiet rerun writes nothing
            self.ledger.set_checkpoint(name, channel.shop_id, RECONCILE_STREAM, cursor)

    def _plan(
        self,
        name: str,
        channel: Channel,
        options: PushOptions,
        inventory: Inventory | None = None,
        shown: dict[str, int] | None = None,
    ) -> Plan:
        inventory = inventory or self.inventory()
        # what the channel's own open orders hold, paid or not, as the channel counts it
        held = self.ledger.reserved(OPEN_STATES, channel=name)
        return plan_push(name, channel, self.ledger, options, self.clock, inventory, held, shown)

    def certificates(self) -> tuple[list[str], list[str]]:
        """The catalog's OCOP certificates that have expired (to fix, while their products
        are still published) or expire soon (good to know), as of today where the workspace
        is. With ``publish_expired_ocop = false`` the expired ones' products are each
        channel's to fix instead (see :mod:`listsync.sync.push`)."""
        options = self.options.push
        due = certificates_due(self.ledger.products(), local_today(self.clock.now(), options.tz))
        problems, notes = [], [str(d) for d in due if not d.expired]
        if options.publish_expired_ocop and any(d.expired for d in due):
            problems = [str(d) for d in due if d.expired]
            notes.append(
                _(
                    "products whose OCOP certificate has expired are still published; "
                    "publish_expired_ocop = false in [sync] holds them back until it is renewed"
                )
            )
        return problems, notes

    def inventory(self) -> Inventory:
        return Inventory.read(self.ledger, reserving_states(self.options.reserve_from))

    def _parallel(
        self,
        names: Sequence[str],
        step: Callable[[str], None],
        outcomes: Mapping[str, ChannelOutcome],
        stop: StopFlag,
    ) -> set[str]:
        """Run ``step`` on each channel in its own worker; a failure stays with its channel,
        whatever it is: an unexpected one is recorded with its channel and the traceback
        logged, and the other channels go on. Returns the channels whose step ran to its
        end, neither failed nor stopped."""

        def guarded(name: str) -> bool:
            try:
                stop.check()
                step(name)
            except Stopped:
                return False
            except ListsyncError as exc:
                outcomes[name].failed(exc)
                outcomes[name].tally.counts["errors"] += 1
                return False
            except Exception as exc:
                log.error("%s: unexpected error", name, exc_info=exc)
                outcomes[name].crashed(exc)
                outcomes[name].tally.counts["errors"] += 1
                return False
            return True

        workers = max(1, min(self.options.workers, len(names)))
        pool = ThreadPoolExecutor(max_workers=workers)
        futures: dict[str, Future[bool]] = {}
        try:
            for name in names:
                futures[name] = pool.submit(guarded, name)
        except KeyboardInterrupt:
            stop.request()
        finally:
            _join(list(futures.values()), stop)
            pool.shutdown(wait=False)  # every worker is idle by now
        return {name for name, future in futures.items() if future.result()}

    def _record(
        self,
        run_id: int,
        outcomes: Mapping[str, ChannelOutcome],
        stopped: BaseException | None = None,
        *,
        interrupted: bool = False,
        attention: bool = False,
    ) -> None:
        """Each channel's counts, error and calls, then the run's status: "ok" only when
        every channel is and nothing is left to fix; "attention" when every channel is but
        something is to fix (a channel's problems, or ``attention``: the run's own);
        "interrupted" when the run was stopped (Ctrl-C); else "failed". A run that
        ``stopped`` on an error of its own (not a channel's) says so on each channel it
        left unfinished."""
        if stopped is not None:
            for outcome in outcomes.values():
                if outcome.error is None:
                    outcome.error = _("{channel}: not finished, the run stopped: {error}").format(
                        channel=outcome.name, error=_stop_reason(stopped)
                    )
                    outcome.exit_code = max(outcome.exit_code, EXIT_FAILURE)
            try:
                self._write(run_id, outcomes, stopped, interrupted)
            except Exception:  # the error that stopped the run is the one to raise
                log.exception("the stopped run %s could not be recorded", run_id)
            return
        self._write(run_id, outcomes, None, interrupted, attention)

    def _write(
        self,
        run_id: int,
        outcomes: Mapping[str, ChannelOutcome],
        stopped: BaseException | None,
        interrupted: bool = False,
        attention: bool = False,
    ) -> None:
        for name, outcome in outcomes.items():
            counts = Counter(outcome.tally.counts)
            counts["api_calls"] = len(outcome.calls)
            counts["retries"] = sum(1 for call in outcome.calls if call.attempt > 1)
            self.ledger.record_channel(run_id, name, dict(counts), outcome.error)
            outcome.tally.counts = counts
            self.ledger.log_calls(run_id, outcome.calls)
        if interrupted or isinstance(stopped, KeyboardInterrupt):
            status = "interrupted"
        elif stopped is None and all(o.error is None for o in outcomes.values()):
            problems = attention or any(o.tally.problems for o in outcomes.values())
            status = ATTENTION if problems else "ok"
        else:
            status = "failed"
        self.ledger.finish_run(run_id, status)


def _join(futures: Sequence[Future[bool]], stop: StopFlag) -> None:
    """Wait for every worker's step to end. Ctrl+C meanwhile (each one) asks them to stop at
    their next safe point, and the wait goes on: a worker is never left running on its own,
    mid-call. (It waits on the futures, not on the threads: a Thread.join cut short by
    Ctrl+C may take a running thread for ended.)"""
    pending, asked = set(futures), 0
    while pending:
        try:
            while asked:
                asked -= 1
                stop.request()
            pending = wait(pending).not_done
        except KeyboardInterrupt:
            asked += 1


def _cut_short(outcomes: Mapping[str, ChannelOutcome], complete: set[str]) -> None:
    """Each channel the stop left unfinished says so, with what it did kept."""
    for name, outcome in outcomes.items():
        if outcome.error is None and name not in complete:
            outcome.error = _("{channel}: not finished, the run stopped: {error}").format(
                channel=name, error=_("interrupted")
            )
            outcome.exit_code = max(outcome.exit_code, EXIT_FAILURE)


def unexpected(channel: str, error: BaseException, call: str = "") -> str:
    """One line for an error nobody foresaw: the channel, the last call, the kind of error."""
    text = redact_text(" ".join(str(error).split()))
    text = text if len(text) <= 200 else text[:199] + "…"
    kind = type(error).__name__
    if call:
        line = _("{channel}: unexpected {kind} after {call}").format(
            channel=channel, kind=kind, call=call
        )
    else:
        line = _("{channel}: unexpected {kind}").format(channel=channel, kind=kind)
    return _("{what}: {error}").format(what=line, error=text) if text else line


def _stop_reason(error: BaseException) -> str:
    if isinstance(error, KeyboardInterrupt):
        return _("interrupted")
    if isinstance(error, ListsyncError):
        return " ".join(str(error).split())
    text = redact_text(" ".join(str(error).split()))
    kind = _("unexpected {kind}").format(kind=type(error).__name__)
    return _("{what}: {error}").format(what=kind, error=text) if text else kind


def marketplace_time(calls: Sequence[CallRecord]) -> datetime | None:
    """The newest time the marketplace's answers carried (their ``Date``), if any did."""
    times = [call.server_time for call in calls if call.server_time is not None]
    return max(times) if times else None
