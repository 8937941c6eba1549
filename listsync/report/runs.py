"""``listsync runs`` (what each sync did) and ``listsync listings`` (where each product is).

Both read the ledger only and write for an 80-column terminal, times in local time.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from listsync.catalog.model import Product
from listsync.channel.contract import ListingState
from listsync.channel.faults import Fault, fault_text
from listsync.errors import InputError
from listsync.format import money, number, vietnamese
from listsync.i18n import _
from listsync.ledger.database import Ledger, ListingRecord, OfferRecord, RunRecord
from listsync.ledger.report_queries import all_listings, all_offers
from listsync.report.model import check_channel_names, local_time
from listsync.report.table import KEY_CAP, NONE, WIDTH, Column, fit_table
from listsync.sync.engine import ATTENTION

NOT_LISTED = "not_listed"
FAILED = ListingState.FAILED.value  # as a filter: every listing that could not be listed
STATES = (*(state.value for state in ListingState), NOT_LISTED)

RUN_COLUMNS = (
    ("orders_new", _("Orders")),
    ("orders_updated", _("Changed")),
    ("listings_created", _("Created")),
    ("listings_updated", _("Updated")),
    ("listings_failed", _("Failed")),
    ("stock_sets", _("Stock")),
    ("price_sets", _("Prices")),
    ("drift", _("Drift")),  # shown for a run that set drift right, to keep runs in 80 columns
    ("api_calls", _("Calls")),
)
RUN_LEGEND = _(
    "Orders: new orders pulled; Changed: orders that changed; Created, Updated, Failed: "
    "listings; Stock, Prices: figures sent; Drift (when there was some): stock figures the "
    "marketplace had moved by itself, set back; Calls: marketplace calls. An unfinished run "
    "is still going, or was stopped: the next sync finishes its work."
)


def duration_text(delta: timedelta | None) -> str:
    """``45 s``, ``3 min 05 s``, ``2 h 07 min``; a dash for a run that did not finish."""
    if delta is None:
        return NONE
    seconds = max(0, round(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def run_status_text(status: str) -> str:
    """A finished run's status in words: "attention" is a run that finished with something
    left to fix (exit code 3)."""
    words = {
        "ok": _("ok"),
        ATTENTION: _("needs attention"),
        "failed": _("failed"),
        "interrupted": _("interrupted"),
    }
    return words.get(status, status)


def one_line(text: str) -> str:
    return " ".join(text.split())


def render_runs(runs: Sequence[RunRecord], tz: ZoneInfo) -> str:
    """Newest first: a line per run, a table of its channels, then each error on one line."""
    if not runs:
        return _("No sync has been recorded yet: run listsync sync.")
    blocks = []
    for run in runs:
        keys = [
            (key, title)
            for key, title in RUN_COLUMNS
            if key != "drift" or any(channel.counts.get(key) for channel in run.channels)
        ]
        columns = [
            Column("channel", _("Channel"), cap=KEY_CAP),
            Column("result", _("Result")),
            *(Column(key, title, "count") for key, title in keys),
        ]
        status = run_status_text(run.status) if run.finished_at is not None else _("unfinished")
        head = " · ".join(
            [
                _("Run {id}").format(id=run.id),
                run.command,
                local_time(run.started_at, tz),
                duration_text(run.duration),
                status,
            ]
        )
        lines = [head]
        if run.channels:
            rows = [
                [
                    channel.channel,
                    _("ok") if channel.error is None else _("FAILED"),
                    *(number(channel.counts.get(key, 0)) for key, _title in keys),
                ]
                for channel in run.channels
            ]
            lines.append(fit_table(columns, rows))
        lines += [_error_line(channel.channel, channel.error) for channel in run.channels]
        blocks.append("\n".join(line for line in lines if line))
    legend = RUN_LEGEND
    if any(run.status == ATTENTION for run in runs):
        legend += " " + _(
            "A run that needs attention finished, but left something to fix: listsync "
            "listings --state failed shows the products that could not be listed."
        )
    return "\n\n".join([*blocks, textwrap.fill(legend, WIDTH)])


def _error_line(channel: str, error: str | None) -> str:
    """The error on one line, led by its channel (once: channel errors often name it)."""
    if not error:
        return ""
    text = one_line(error)
    if text.startswith((f"{channel} ", f"{channel}:")):
        return text
    return _("{channel}: {error}").format(channel=channel, error=text)


# -- listings -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ListingLine:
    """One product on one channel, with the offers of its units."""

    product: str
    channel: str
    state: str  # a ListingState value, or NOT_LISTED
    record: ListingRecord | None
    offers: tuple[tuple[str, OfferRecord | None], ...]  # (unit SKU, last accepted offer)

    @property
    def failed(self) -> bool:
        """Could not be listed as the catalog says, whatever the reason: what
        ``--state failed`` shows (rejected listings too)."""
        return self.record is not None and self.record.failed


def state_text(state: str) -> str:
    """A listing's state (a ListingState value, or NOT_LISTED) in words."""
    words = {
        ListingState.PENDING.value: _("pending"),
        ListingState.SENDING.value: _("sending"),
        ListingState.UNKNOWN.value: _("unknown"),
        ListingState.IN_REVIEW.value: _("in review"),
        ListingState.LIVE.value: _("live"),
        ListingState.REJECTED.value: _("rejected"),
        ListingState.FAILED.value: _("failed"),
        NOT_LISTED: _("not listed"),
    }
    return words.get(state, state.replace("_", " "))


def parse_state(text: str | None) -> str | None:
    if text is None:
        return None
    wanted = text.strip().lower().replace("-", "_").replace(" ", "_")
    if wanted not in STATES:
        raise InputError(
            _("--state {value!r}: choose one of {states}").format(
                value=text, states=", ".join(STATES)
            )
        )
    return wanted


def listing_lines(
    ledger: Ledger,
    enabled: Iterable[str] = (),
    channels: Sequence[str] = (),
    state: str | None = None,
    configured: Iterable[str] = (),
) -> list[ListingLine]:
    """Every product × channel the ledger knows, plus products not yet on an enabled channel.

    A ``channels`` filter naming a channel neither the ledger nor ``configured`` knows is an
    InputError, with the name probably meant."""
    records = {(r.sku, r.channel): r for r in all_listings(ledger)}
    check_channel_names(channels, {*configured, *enabled, *(c for _s, c in records)})
    offers: dict[tuple[str, str], OfferRecord] = {}
    for offer in all_offers(ledger):
        offers.setdefault((offer.sku, offer.channel), offer)
    products = {p.sku: p for p in ledger.products(active_only=False)}
    active = {p.sku for p in ledger.products()}
    names = sorted({channel for _sku, channel in records} | set(enabled))
    lines = []
    for name in names:
        if channels and name not in channels:
            continue
        for sku in sorted(products.keys() | {s for s, c in records if c == name}):
            record = records.get((sku, name))
            product = products.get(sku)
            if record is None and (
                sku not in active or product is None or not product.enabled_on(name)
            ):
                continue
            units = _units(product, record)
            line = ListingLine(
                product=sku,
                channel=name,
                state=record.state.value if record else NOT_LISTED,
                record=record,
                offers=tuple((unit, offers.get((unit, name))) for unit in units),
            )
            if state is None or line.state == state or (state == FAILED and line.failed):
                lines.append(line)
    return sorted(lines, key=lambda line: (line.product, line.channel))


def _units(product: Product | None, record: ListingRecord | None) -> list[str]:
    if product is not None:
        return [unit.sku for unit in product.units()]
    return sorted(record.units) if record else []


def _price(offer: OfferRecord | None) -> str:
    if offer is None:
        return NONE
    if offer.price is not None:
        return money(offer.price.amount, offer.price.currency, unit=True)
    if offer.tiers:
        prices = sorted(tier.usd for tier in offer.tiers)
        if vietnamese():
            return f"{money(prices[0], 'USD')}–{money(prices[-1], 'USD')}"
        return f"{prices[0]:,.2f}–{prices[-1]:,.2f} USD"
    return NONE


def _stock(offer: OfferRecord | None) -> str:
    return NONE if offer is None or offer.stock is None else number(offer.stock)


@dataclass(frozen=True)
class Attention:
    """Something about a listing a person should look at, in the marketplace's words."""

    sku: str  # the product's; a unit's for a refused stock or price
    channel: str
    kind: str  # REASONS (turned down), LAST_ERROR, or REFUSED (a stock or price)
    state: str  # the listing's state: a ListingState value, or NOT_LISTED
    detail: str  # on one line
    fault: Fault | None = None  # for a listing's last error: whose fault it was

    def __str__(self) -> str:
        where = _("{sku} on {channel}").format(sku=self.sku, channel=self.channel)
        if self.kind == LAST_ERROR and self.fault is not None:
            return _("{where}: {fault}: {error}").format(
                where=where, fault=fault_text(self.fault), error=self.detail
            )
        if self.kind == REASONS:
            return _("{where}: {state}: {reasons}").format(
                where=where, state=state_text(self.state), reasons=self.detail
            )
        if self.kind == LAST_ERROR:
            return _("{where}: last error: {error}").format(where=where, error=self.detail)
        return _("{sku} on {channel}: stock or price refused: {error}").format(
            sku=self.sku, channel=self.channel, error=self.detail
        )


REASONS, LAST_ERROR, REFUSED = "reasons", "last_error", "refused"


def needs_a_look(lines: Iterable[ListingLine]) -> list[Attention]:
    """What ``listsync listings`` lists under "Needs a look": reasons a listing was turned
    down, a listing's last error, a stock or price a channel refused."""
    found = []
    for line in lines:
        record = line.record
        if record is not None and record.reasons:
            reasons = "; ".join(one_line(r) for r in record.reasons)
            found.append(Attention(line.product, line.channel, REASONS, line.state, reasons))
        if record is not None and record.last_error:
            error = one_line(record.last_error)
            fault = record.fault_shown
            found.append(
                Attention(line.product, line.channel, LAST_ERROR, line.state, error, fault)
            )
        for unit, offer in line.offers:
            if offer is not None and offer.last_error:
                error = one_line(offer.last_error)
                found.append(Attention(unit, line.channel, REFUSED, line.state, error))
    return found


def render_listings(lines: Sequence[ListingLine]) -> str:
    """A row per product and channel, its units beneath it; then what needs a look."""
    if not lines:
        return _("No listing matches.")
    columns = [
        Column("sku", _("SKU"), cap=KEY_CAP),
        Column("channel", _("Channel"), cap=12),
        Column("state", _("State")),
        Column("remote", _("Remote id"), cap=14),
        Column("stock", _("Stock"), "count"),
        Column("price", _("Price"), "amount"),
    ]
    rows: list[list[str]] = []
    attention: list[str] = []
    for line in lines:
        record = line.record
        head = [
            line.product,
            line.channel,
            state_text(line.state),
            (record.remote_id if record else None) or NONE,
        ]
        single = len(line.offers) == 1 and line.offers[0][0] == line.product
        if single:
            offer = line.offers[0][1]
            rows.append([*head, _stock(offer), _price(offer)])
        else:
            rows.append([*head, "", ""])
            rows += [["  " + unit, "", "", "", _stock(o), _price(o)] for unit, o in line.offers]
        attention += [str(item) for item in needs_a_look([line])]
    out = [fit_table(columns, rows)]
    if attention:
        out += ["", _("Needs a look:"), *(f"  {text}" for text in attention)]
    out += [
        "",
        _("Stock and price: what the channel last accepted for each SKU; — means never sent."),
    ]
    return "\n".join(out)
