"""Push: make one channel show what the catalog and the ledger say — plan, then apply.

The plan is computed from the ledger alone (a dry run prints it and stops). Applying it
follows docs/reliability.md: the intent is written before a create and the outcome after it;
a create happens only after a lookup by seller SKU found nothing, so a listing made by
hand or by a create whose answer was lost is adopted, never duplicated; content is sent
only when its hash changed, stock and price only where they differ from what the channel
last accepted.

Reconciliation: when the run read what the channel shows now (``shown``), stock is measured
against that instead. A figure the marketplace moved by itself (a shipment it took out, a
cancelled order it put back) and that differs from the one intended is drift: it is set
back, absolutely, through the same path, and recorded. A figure that moved to exactly the
one intended needs no call; the ledger just takes note of it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from functools import partial
from typing import TypeGuard, TypeVar
from zoneinfo import ZoneInfo

from listsync.catalog.model import Product
from listsync.catalog.ocop import has_expired, local_today
from listsync.channel.contract import (
    Channel,
    Draft,
    ListingState,
    MappingProblem,
    Offer,
    OfferResult,
    OfferUpdate,
    OrderState,
    RemoteListing,
)
from listsync.channel.faults import Fault, failure_line, fault_of
from listsync.clock import Clock
from listsync.errors import (
    AuthError,
    ChannelError,
    RateLimited,
    SetupError,
    TransientError,
    UnknownOutcome,
)
from listsync.i18n import _, ngettext
from listsync.ledger.database import Ledger
from listsync.ledger.records import ListingRecord, OfferRecord
from listsync.progress import Phase, ProgressEvent, ProgressListener, StopFlag
from listsync.sync.stock_rules import Drift, StockFigure, StockRule, figure

T = TypeVar("T")
GUARD_MINIMUM = 3  # zeroing fewer listings than this is never a "mass" change

CREATE, VERIFY, UPDATE, REVIEW, NONE, PROBLEMS, REJECTED, WAIT_REVIEW = (
    "create",
    "verify",
    "update",
    "check review",
    "none",
    "problems",
    "rejected",
    "in review",
)


class ChannelStopped(ChannelError):
    """This channel cannot go on in this run; the others do. ``cause`` is what stopped it."""

    def __init__(self, message: str, *, cause: ChannelError | None = None):
        super().__init__(message)
        self.cause = cause


@dataclass(frozen=True)
class PushOptions:
    buffer: int = 0
    rule: StockRule = field(default_factory=StockRule)
    unknown_grace: timedelta = timedelta(hours=1)
    review_check: timedelta = timedelta(hours=1)
    circuit_failures: int = 5
    mass_change_share: float = 0.5
    force: bool = False
    publish_expired_ocop: bool = True  # false: such a product is not sent, and reported
    tz: tzinfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))  # for "today"


@dataclass
class Tally:
    """What happened on one channel: counters, problems to fix, things to know."""

    counts: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ListingStep:
    product: Product
    draft: Draft
    record: ListingRecord | None
    action: str
    retired: bool = False  # dropped from the catalog: its stock goes to 0, nothing else


@dataclass(frozen=True)
class OfferStep:
    product_sku: str
    figure: StockFigure
    update: OfferUpdate  # its listing is a placeholder until the listing step has run
    previous: OfferRecord | None
    shown: int | None = None  # the stock the channel showed this run, when it was read
    drift: Drift | None = None  # the channel moved its figure by itself; set it back

    @property
    def noted(self) -> bool:
        """Nothing to send: the channel already shows what is wanted; only recorded."""
        return not (self.update.set_stock or self.update.set_price)


@dataclass(frozen=True)
class Plan:
    channel: str
    listings: tuple[ListingStep, ...]
    offers: tuple[OfferStep, ...]

    def actions(self) -> Counter[str]:
        return Counter(step.action for step in self.listings)


class Circuit:
    """Stops a channel after too many passing failures in a row, instead of hammering it."""

    def __init__(self, name: str, limit: int):
        self.name, self.limit, self.failures = name, limit, 0

    def guard(self, call: Callable[[], T]) -> T:
        try:
            result = call()
        except (AuthError, SetupError) as exc:
            # no call can succeed until the shop is re-authorized, or the app's keys or this
            # computer's clock are set right; the adapter's sentence says which, as in a pull
            raise ChannelStopped(str(exc), cause=exc) from None
        except RateLimited as exc:
            if exc.quota_exhausted:
                limit = _("the marketplace's limit for today is used up")
                if exc.retry_after:
                    limit = _("the marketplace takes no calls for {minutes} minutes").format(
                        minutes=max(1, round(exc.retry_after / 60))
                    )
                raise ChannelStopped(f"{exc}; {limit}", cause=exc) from None
            self._failed(exc)
            raise
        except (TransientError, UnknownOutcome) as exc:
            self._failed(exc)
            raise
        self.failures = 0
        return result

    def _failed(self, exc: ChannelError) -> None:
        self.failures += 1
        if self.failures >= self.limit:
            raise ChannelStopped(
                _("stopped after {n} failures in a row; last: {error}").format(
                    n=self.failures, error=exc
                ),
                cause=exc,
            ) from None


@dataclass(frozen=True)
class Inventory:
    """What every channel's plan starts from, read from the ledger once per run."""

    products: tuple[Product, ...]  # every product ever imported
    active: frozenset[str]  # SKUs of those still in the catalog
    on_hand: dict[str, int]
    reserved: dict[str, int]  # held by open orders on every channel

    @classmethod
    def read(cls, ledger: Ledger, reserving: frozenset[OrderState]) -> Inventory:
        products, active = ledger.catalog_state()
        return cls(tuple(products), active, ledger.on_hand(), ledger.reserved(reserving))


def plan_push(
    name: str,
    channel: Channel,
    ledger: Ledger,
    options: PushOptions,
    clock: Clock,
    inventory: Inventory,
    held_here: dict[str, int] | None = None,
    shown: Mapping[str, int] | None = None,
) -> Plan:
    """What a push would do, decided from the ledger alone: no marketplace call.

    ``held_here`` is what open orders hold on this channel, added back where the
    channel's stock figure counts them. ``shown`` is what the channel showed for each SKU
    when this run read it (None: not read this run); stock is then measured against it.
    """
    held = held_here if channel.limits.stock_includes_reserved and held_here else {}
    shop = channel.shop_id
    records = {record.sku: record for record in ledger.listings(name, shop)}
    accepted = ledger.offers(name, shop)
    on_hand, reserved = inventory.on_hand, inventory.reserved
    now = clock.now()
    steps, offers = [], []
    active = {
        p.sku: p for p in inventory.products if p.sku in inventory.active and p.enabled_on(name)
    }
    retired = [
        p
        for p in inventory.products
        if p.sku not in active and p.sku in records and records[p.sku].remote_id
    ]
    for product, is_retired in [(p, False) for p in active.values()] + [(p, True) for p in retired]:
        draft = channel.map_product(product)
        held_back = False
        if not (is_retired or options.publish_expired_ocop):
            draft, held_back = _held_back(product, draft, local_today(now, options.tz))
        record = records.get(product.sku)
        action = NONE if is_retired else _action(draft, record, now, options)
        steps.append(ListingStep(product, draft, record, action, is_retired))
        unsendable = action == PROBLEMS
        if unsendable and not on_sale(record):
            continue
        placeholder = RemoteListing(product.sku, "", ListingState.PENDING)
        for offer in _offers_of(draft, record) if unsendable else draft.offers:
            fig = figure(
                offer.sku,
                on_hand.get(offer.sku, 0),
                reserved.get(offer.sku, 0),
                options.buffer + product.safety_stock,
                options.rule,
                held.get(offer.sku, 0),
            )
            wanted = replace(offer, stock=0 if is_retired or held_back else fig.offered)
            previous = accepted.get(offer.sku)
            set_stock, set_price = previous.differs(wanted) if previous else (True, True)
            set_price = set_price and not (is_retired or unsendable)
            seen = shown.get(offer.sku) if shown is not None else None
            drift, noted = None, False
            if seen is not None:
                last = previous.stock if previous is not None else None
                if last is not None and seen not in (last, wanted.stock):
                    drift = Drift(seen, wanted.stock)
                set_stock = seen != wanted.stock
                noted = previous is not None and not set_stock and seen != last
            if set_stock or set_price or noted:
                update = OfferUpdate(placeholder, wanted, set_stock, set_price)
                offers.append(OfferStep(product.sku, fig, update, previous, seen, drift))
    return Plan(name, tuple(steps), tuple(offers))


def on_sale(record: ListingRecord | None) -> TypeGuard[ListingRecord]:
    """The marketplace holds this listing live: whatever happens to its content here (a
    problem in the catalog, an update refused), its stock must still follow the ledger, or
    it would sell what another channel already sold."""
    if record is None or record.remote_id is None:
        return False
    return record.state is ListingState.LIVE


def _offers_of(draft: Draft, record: ListingRecord | None) -> tuple[Offer, ...]:
    """The offers of a listing whose content cannot be sent: the draft's where the mapping
    got that far, else one per unit the marketplace holds (stock only: no price is sent)."""
    if draft.offers:
        return draft.offers
    return tuple(Offer(sku, 0) for sku in (record.units if record else {}))


def _held_back(product: Product, draft: Draft, today: date) -> tuple[Draft, bool]:
    """With ``publish_expired_ocop = false``, a product whose OCOP certificate has expired is
    a problem of the catalog: it is not sent until the certificate is renewed, and a listing
    already on sale is taken off it (stock 0), as a product dropped from the catalog is."""
    if product.ocop is None or product.ocop.expires is None or not has_expired(product, today):
        return draft, False
    problem = MappingProblem(
        product.sku,
        "ocop.expires",
        _(
            "its OCOP certificate expired on {date}, and publish_expired_ocop is false: "
            "renew it and update the catalog"
        ).format(date=product.ocop.expires.isoformat()),
    )
    return replace(draft, problems=(*draft.problems, problem)), True


def _action(draft: Draft, record: ListingRecord | None, now: datetime, options: PushOptions) -> str:
    if not draft.ok:
        return PROBLEMS
    if record is None:
        return CREATE
    if record.state in (ListingState.SENDING, ListingState.UNKNOWN):
        return VERIFY
    if record.remote_id is None:
        return CREATE
    if record.state is ListingState.IN_REVIEW:
        checked = record.checked_at or record.updated_at
        due = checked is None or now >= checked + options.review_check
        return REVIEW if due else WAIT_REVIEW
    if record.state is ListingState.FAILED:  # listed, but the last push of it failed: again
        return UPDATE
    changed = record.pushed_hash not in (draft.content_hash, *draft.earlier_hashes)
    if record.state is ListingState.REJECTED:
        return UPDATE if changed else REJECTED
    return UPDATE if changed else NONE


class Pusher:
    """Carries out a :class:`Plan` on one channel, recording every step in the ledger."""

    def __init__(
        self,
        name: str,
        channel: Channel,
        ledger: Ledger,
        options: PushOptions,
        clock: Clock,
        tally: Tally,
    ):
        self.name, self.channel, self.ledger = name, channel, ledger
        self.options, self.clock, self.tally = options, clock, tally
        self.shop = channel.shop_id
        self.circuit = Circuit(name, options.circuit_failures)
        self.created: dict[str, OfferRecord] = {}  # per SKU: what a create just listed

    def apply(
        self,
        plan: Plan,
        progress: ProgressListener | None = None,
        stop: StopFlag | None = None,
    ) -> None:
        """Carry out ``plan``, telling ``progress`` after each product and each batch of
        offers. ``stop`` is checked before each product and each batch, and only there: a
        product's steps (a create's intent, the call, its outcome) always run to their end."""
        live: dict[str, RemoteListing] = {}
        total = len(plan.listings)
        if progress is not None:
            progress(ProgressEvent(self.name, Phase.PUSH, 0, total))
        for done, step in enumerate(plan.listings, start=1):
            if stop is not None:
                stop.check()
            try:
                listing = self._listing(step)
            except ChannelStopped:
                raise
            except ChannelError as exc:
                self._fail(step, exc)
                listing = step.record.remote() if on_sale(step.record) else None
            finally:
                if progress is not None:
                    progress(ProgressEvent(self.name, Phase.PUSH, done, total))
            if listing is not None and listing.state is ListingState.LIVE:
                live[step.product.sku] = listing
        self._offers([s for s in plan.offers if s.product_sku in live], live, progress, stop)

    # -- listings ---------------------------------------------------------------------
    def _listing(self, step: ListingStep) -> RemoteListing | None:
        action, record = step.action, step.record
        if action == PROBLEMS:
            self._problems(step)
            return record.remote() if on_sale(record) else None
        if action in (CREATE, VERIFY):
            return self._create(step)
        remote = record.remote() if record else None
        assert remote is not None
        if action == REVIEW:
            return self._review(step, remote)
        if action == WAIT_REVIEW:
            self.tally.counts["listings_in_review"] += 1
            return None
        if action == REJECTED:
            self.tally.counts["listings_failed"] += 1
            reasons = "; ".join(remote.reasons) or (record.last_error if record else None) or ""
            self.tally.problems.append(
                failure_line(self.name, step.product.sku, Fault.MARKETPLACE, reasons)
            )
            return None
        if action == UPDATE:
            return self._update(step, remote)
        if record and record.pushed_hash != step.draft.content_hash:  # an earlier version's
            self.ledger.save_listing(replace(record, pushed_hash=step.draft.content_hash))
        if record and record.fault is not None:  # the catalog is back to what the channel has
            cleared = replace(record, fault=None, last_error=None)
            self.ledger.save_listing(replace(cleared, pushed_hash=step.draft.content_hash))
        self.tally.counts["listings_unchanged"] += 1
        return remote

    def _problems(self, step: ListingStep) -> None:
        """The product cannot be sent as the catalog has it: every problem goes to "To fix"
        as our check's, and the listing is recorded failed (one the marketplace holds, or a
        create whose outcome is not known yet, keeps its state: see :func:`_failed_state`)."""
        sku = step.product.sku
        reasons = [
            f"{problem.field}: {problem.message}" if problem.field else problem.message
            for problem in step.draft.problems
        ]
        self.tally.problems += [failure_line(self.name, sku, Fault.CATALOG, r) for r in reasons]
        self.tally.counts["listings_failed"] += 1
        record, error = step.record, "; ".join(reasons)
        unsure = record is not None and record.state in (ListingState.SENDING, ListingState.UNKNOWN)
        state = ListingState.UNKNOWN if unsure else _failed_state(record, Fault.CATALOG)
        if record is None or (record.state, record.last_error, record.fault) != (
            state,
            error,
            Fault.CATALOG,
        ):
            self._record(step, state=state, last_error=error, fault=Fault.CATALOG)

    def _create(self, step: ListingStep) -> RemoteListing | None:
        sku = step.product.sku
        units = [offer.sku for offer in step.draft.offers]
        found = self.circuit.guard(lambda: self.channel.find_listing(sku, units))
        if found is not None:
            self.tally.counts["listings_adopted"] += 1
            self._save(step, found, pushed_hash=None)
            if found.state is ListingState.LIVE:
                return self._update(step, found)
            return self._settled(found)
        if step.action == VERIFY and self._within_grace(step.record):
            if step.record and step.record.state is ListingState.SENDING:  # its run died
                self._record(step, state=ListingState.UNKNOWN, last_error=step.record.last_error)
            self.tally.counts["listings_unknown"] += 1
            self.tally.notes.append(
                _(
                    "{channel}: {sku} was sent but is not visible yet; checked again next run"
                ).format(channel=self.name, sku=sku)
            )
            return None
        self._record(step, state=ListingState.SENDING, last_error=None)
        try:
            created = self.circuit.guard(lambda: self.channel.create_listing(step.draft))
        except UnknownOutcome as exc:
            self._record(step, state=ListingState.UNKNOWN, last_error=exc.detail)
            self.tally.counts["listings_unknown"] += 1
            self.tally.notes.append(str(exc))
            return None
        except TransientError as exc:
            self._record(step, state=ListingState.PENDING, last_error=exc.detail)
            raise
        except ChannelStopped as exc:  # the intent must not stay SENDING once the run ends
            sent = isinstance(exc.cause, UnknownOutcome)
            state = ListingState.UNKNOWN if sent else ListingState.PENDING
            self._record(step, state=state, last_error=exc.detail)
            raise
        self.tally.counts["listings_created"] += 1
        self._save(step, created, pushed_hash=step.draft.content_hash)
        self._listed_by_create(step)
        return self._settled(created)

    def _listed_by_create(self, step: ListingStep) -> None:
        """A create lists each offer of its draft as it stands (the contract says so): record
        that, so only what differs from it (the stock, usually) is sent afterwards."""
        records = [
            OfferRecord(
                offer.sku,
                self.name,
                self.shop,
                stock=offer.stock,
                price=offer.price,
                tiers=tuple(offer.tiers),
            )
            for offer in step.draft.offers
        ]
        self.ledger.save_offers(records)
        self.created.update((record.sku, record) for record in records)

    def _within_grace(self, record: ListingRecord | None) -> bool:
        """A create whose outcome is unknown may just not be searchable yet: wait a while."""
        if record is None or record.updated_at is None:
            return False
        return self.clock.now() < record.updated_at + self.options.unknown_grace

    def _update(self, step: ListingStep, remote: RemoteListing) -> RemoteListing | None:
        updated = self.circuit.guard(lambda: self.channel.update_listing(remote, step.draft))
        self.tally.counts["listings_updated"] += 1
        self._save(step, updated, pushed_hash=step.draft.content_hash)
        return self._settled(updated)

    def _review(self, step: ListingStep, remote: RemoteListing) -> RemoteListing | None:
        current = self.circuit.guard(lambda: self.channel.review_state(remote))
        self._save(step, current, pushed_hash=step.record.pushed_hash if step.record else None)
        return self._settled(current)

    def _settled(self, listing: RemoteListing) -> RemoteListing | None:
        if listing.state is ListingState.IN_REVIEW:
            self.tally.counts["listings_in_review"] += 1
        elif listing.state is ListingState.REJECTED:
            self.tally.counts["listings_failed"] += 1
            reasons = "; ".join(listing.reasons)
            self.tally.problems.append(
                failure_line(self.name, listing.product_sku, Fault.MARKETPLACE, reasons)
            )
        return listing

    def _fail(self, step: ListingStep, exc: ChannelError) -> None:
        """The product could not be listed this run: "To fix" says whose fault it is (read
        from the error's type), and so does its listing row, with the reason."""
        fault = fault_of(exc)
        self.tally.counts["listings_failed"] += 1
        self.tally.counts["errors"] += 1
        reason = exc.detail
        if fault is Fault.TEMPORARY and exc.call:
            reason = f"{exc.call}: {reason}"
        self.tally.problems.append(failure_line(self.name, step.product.sku, fault, reason))
        # the row as it stands now: the create may have written its intent since the plan
        base = self.ledger.listing(step.product.sku, self.name, self.shop) or step.record
        self._record(
            step, state=_failed_state(base, fault), last_error=reason, fault=fault, base=base
        )

    def _record(
        self,
        step: ListingStep,
        *,
        state: ListingState,
        last_error: str | None,
        fault: Fault | None = None,
        base: ListingRecord | None = None,
    ) -> None:
        base = base or step.record or ListingRecord(step.product.sku, self.name, self.shop)
        self.ledger.save_listing(replace(base, state=state, last_error=last_error, fault=fault))

    def _save(self, step: ListingStep, listing: RemoteListing, pushed_hash: str | None) -> None:
        record = ListingRecord(
            sku=step.product.sku,
            channel=self.name,
            shop_id=self.shop,
            state=listing.state,
            remote_id=listing.remote_id,
            units=dict(listing.units),
            pushed_hash=pushed_hash,
            reasons=tuple(listing.reasons),
            checked_at=self.clock.now(),
            fault=Fault.MARKETPLACE if listing.state is ListingState.REJECTED else None,
        )
        self.ledger.save_listing(record)

    # -- offers -----------------------------------------------------------------------
    def _offers(
        self,
        steps: Sequence[OfferStep],
        live: dict[str, RemoteListing],
        progress: ProgressListener | None = None,
        stop: StopFlag | None = None,
    ) -> None:
        steps = [step for step in map(self._after_create, steps) if step is not None]
        steps = [step for step in steps if step.update.offer.sku in live[step.product_sku].units]
        self._note([step for step in steps if step.noted])
        updates = [
            replace(step.update, listing=live[step.product_sku]) for step in steps if not step.noted
        ]
        by_sku = {step.update.offer.sku: step for step in steps}
        self._guard(updates, by_sku)
        batch = max(1, self.channel.limits.offer_batch)
        for start in range(0, len(updates), batch):
            if progress is not None:
                progress(ProgressEvent(self.name, Phase.OFFERS, start, len(updates)))
            if stop is not None:
                stop.check()
            chunk = updates[start : start + batch]
            try:
                results = self.circuit.guard(partial(self.channel.set_offers, chunk))
            except ChannelStopped:
                raise
            except ChannelError as exc:
                self.tally.counts["errors"] += 1
                self.tally.problems.append(str(exc))
                continue
            self._save_offers(chunk, results, by_sku)
        if progress is not None and updates:
            progress(ProgressEvent(self.name, Phase.OFFERS, len(updates), len(updates)))

    def _note(self, steps: Sequence[OfferStep]) -> None:
        """The channel shows the wanted figure already (it moved there by itself): no call,
        the ledger takes note of what it shows."""
        records = []
        for step in steps:
            previous = step.previous or OfferRecord(step.update.offer.sku, self.name, self.shop)
            explain = _explained(step, previous, self.clock.now())
            records.append(replace(previous, stock=step.shown, explain=explain, last_error=None))
        self.ledger.save_offers(records)

    def _after_create(self, step: OfferStep) -> OfferStep | None:
        """The step measured against what a create in this run already listed."""
        listed = self.created.get(step.update.offer.sku)
        if listed is None:
            return step
        set_stock, set_price = listed.differs(step.update.offer)
        if not (set_stock or set_price):
            return None
        update = replace(step.update, set_stock=set_stock, set_price=set_price)
        return replace(step, update=update, previous=listed)

    def _guard(self, updates: Sequence[OfferUpdate], by_sku: dict[str, OfferStep]) -> None:
        zeroing = [
            u.offer.sku
            for u in updates
            if u.set_stock
            and u.offer.stock == 0
            and (prev := by_sku[u.offer.sku].previous) is not None
            and (prev.stock or 0) > 0
        ]
        selling = sum(
            1 for offer in self.ledger.offers(self.name, self.shop).values() if offer.stock
        )
        share = len(zeroing) / selling if selling else 0.0
        if (
            not self.options.force
            and len(zeroing) >= GUARD_MINIMUM
            and share > self.options.mass_change_share
        ):
            raise ChannelStopped(
                _(
                    "would set stock to 0 for {n} of the {total} SKUs on sale (e.g. {examples}); "
                    "check the catalog and stock, or run again with --force if that is right"
                ).format(n=len(zeroing), total=selling, examples=", ".join(zeroing[:3]))
            )

    def _save_offers(
        self,
        chunk: Sequence[OfferUpdate],
        results: Sequence[OfferResult],
        by_sku: dict[str, OfferStep],
    ) -> None:
        outcome = {result.sku: result for result in results}
        records = []
        drifted = []
        for update in chunk:
            sku = update.offer.sku
            step = by_sku[sku]
            previous = step.previous or OfferRecord(sku, self.name, self.shop)
            result = outcome.get(sku) or OfferResult(sku, False, _("no answer for this SKU"))
            if result.unknown:
                records.append(replace(previous, stock=None, last_error=result.message))
                continue
            if not result.ok:
                message = result.message or _("refused, with no reason given")
                self.tally.counts["offers_failed"] += 1
                self.tally.problems.append(f"{self.name}: {sku}: {message}")
                records.append(replace(previous, last_error=message))
                continue
            self.tally.counts["stock_sets"] += int(update.set_stock)
            self.tally.counts["price_sets"] += int(update.set_price)
            if update.set_stock and step.drift is not None:
                self.tally.counts["drift"] += 1
                drifted.append(step)
            now = self.clock.now()
            records.append(
                replace(
                    previous,
                    stock=update.offer.stock if update.set_stock else _kept(step, previous),
                    price=update.offer.price if update.set_price else previous.price,
                    tiers=tuple(update.offer.tiers) if update.set_price else previous.tiers,
                    explain=_explained(step, previous, now)
                    if update.set_stock or step.shown is not None
                    else previous.explain,
                    last_error=None,
                )
            )
        self.ledger.save_offers(records)
        if drifted:
            self.tally.notes.append(
                ngettext(
                    "{channel}: the marketplace had moved the stock of {n} SKU by itself; set "
                    "back (e.g. {sku}: it showed {shown}, listsync intended {intended})",
                    "{channel}: the marketplace had moved the stock of {n} SKUs by itself; set "
                    "back (e.g. {sku}: it showed {shown}, listsync intended {intended})",
                    len(drifted),
                ).format(
                    channel=self.name,
                    n=len(drifted),
                    sku=drifted[0].update.offer.sku,
                    shown=drifted[0].shown,
                    intended=drifted[0].update.offer.stock,
                )
            )


def _failed_state(record: ListingRecord | None, fault: Fault) -> ListingState:
    """The state a listing is left in when its step failed with ``fault``: failed, or
    rejected when the marketplace refused a create. A listing the marketplace holds keeps
    its state (it is still there, as it was: a retired product's stock still goes to 0),
    the fault alone says the last push failed; a create whose outcome is not known stays so
    (it is looked up before anything is sent again)."""
    unsure = record is not None and record.state in (ListingState.SENDING, ListingState.UNKNOWN)
    if record is not None and record.remote_id is not None and not unsure:
        return record.state
    if fault is Fault.CATALOG:
        return ListingState.FAILED
    if fault is Fault.MARKETPLACE:
        return ListingState.REJECTED
    if record is None or record.state is ListingState.PENDING:
        return ListingState.FAILED
    if record.state is ListingState.SENDING:
        return ListingState.UNKNOWN
    return record.state


def _kept(step: OfferStep, previous: OfferRecord) -> int | None:
    """The stock on record when none was sent: what the channel showed, if it was read."""
    return step.shown if step.shown is not None else previous.stock


def _explained(step: OfferStep, previous: OfferRecord, now: datetime) -> dict[str, object]:
    """The figure's inputs, with the drift set right now, or else the last one set right."""
    explain: dict[str, object] = step.figure.as_dict()
    if step.drift is not None:
        explain["drift"] = replace(step.drift, at=now).as_dict()
    elif "drift" in previous.explain:
        explain["drift"] = previous.explain["drift"]
    return explain
