"""The figures of ``listsync report``: orders by product, channel or period, and stock now.

Everything is computed here, once, from the ledger; the formats in
:mod:`listsync.report.formats` and :mod:`listsync.report.html` only lay it out.

The rules a reader relies on (the README's "Reports" section says the same in plain words):

- An order belongs to the local day (``--tz``) of its ``created_at``; ``--from`` and
  ``--to`` are local dates, both included.
- *Orders* counts every order placed in the period, whatever became of it. *Cancelled*
  and *Returned* say how many of those ended so. *Units* and *Revenue* count only the
  others: a cancelled or returned order brought no money.
- Revenue is kept per currency: VND as whole dong, USD as exact cents. A VND total that
  includes USD orders exists only when ``usd_vnd_rate`` is configured, and says so.
- By channel and by period, revenue is the orders' totals. By product it is what the
  product's lines were sold at (quantity × unit price): an order's shipping fee or a
  shop-wide voucher belongs to no product, so products need not add up to the total.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from listsync.catalog.model import Product, sku_key
from listsync.channel.contract import Order, OrderState
from listsync.channel.faults import Fault
from listsync.errors import InputError
from listsync.format import time_text
from listsync.i18n import _
from listsync.ledger.database import Ledger, StoredOrder
from listsync.ledger.report_queries import (
    all_listings,
    all_offers,
    listing_channels,
    order_channels,
    orders_created,
)
from listsync.sync.stock_rules import available, reserving_states

BY_CHOICES = ("product", "channel", "day", "week", "month")
TIME_BUCKETS = ("day", "week", "month")
DEFAULT_DAYS = 30
VND, USD = "VND", "USD"
TOTAL_KEY = "total"

_ISO_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_VN_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")


# -- what the user gives --------------------------------------------------------------------
def parse_date(text: str, option: str) -> date:
    """A local date as a clerk types it: ``2026-11-23`` or ``23/11/2026`` (day first)."""
    value = text.strip()
    try:
        if _ISO_DATE.match(value):
            year, month, day = (int(part) for part in value.split("-"))
            return date(year, month, day)
        if _VN_DATE.match(value):
            day, month, year = (int(part) for part in value.split("/"))
            return date(year, month, day)
    except ValueError:
        pass
    raise InputError(
        _("{option} {value!r} is not a date: write it as 2026-11-23 or 23/11/2026").format(
            option=option, value=text
        )
    )


def parse_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            _("--tz {name!r} is not a time zone: write one like Asia/Ho_Chi_Minh").format(name=name)
        ) from None


@dataclass(frozen=True)
class Period:
    """Local dates ``start`` to ``end``, both included, in ``tz``."""

    start: date
    end: date
    tz: ZoneInfo

    @classmethod
    def around(
        cls, today: date, tz: ZoneInfo, start: date | None = None, end: date | None = None
    ) -> Period:
        """The asked period; by default the last 30 days up to ``today``."""
        if end is None:
            end = today if start is None else max(today, start)
        if start is None:
            start = end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise InputError(
                _("--from {start} is after --to {end}: swap them").format(start=start, end=end)
            )
        return cls(start, end, tz)

    @property
    def zone(self) -> str:
        return self.tz.key

    def bounds(self) -> tuple[datetime, datetime]:
        """The period in UTC: from local midnight of ``start`` to local midnight after ``end``."""
        first = datetime.combine(self.start, time(), self.tz)
        after = datetime.combine(self.end + timedelta(days=1), time(), self.tz)
        return first.astimezone(UTC), after.astimezone(UTC)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()


def bucket(day: date, by: str) -> tuple[str, date, date]:
    """The key of the period ``day`` falls in, with the period's first and last day.

    Weeks are ISO weeks (Monday to Sunday), keyed like ``2026-W48``; months ``2026-11``.
    """
    if by == "week":
        year, week, weekday = day.isocalendar()
        monday = day - timedelta(days=weekday - 1)
        return f"{year}-W{week:02d}", monday, monday + timedelta(days=6)
    if by == "month":
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return f"{day.year}-{day.month:02d}", first, following - timedelta(days=1)
    return day.isoformat(), day, day


# -- the figures ----------------------------------------------------------------------------
@dataclass
class Figures:
    """Orders placed, how many ended cancelled or returned, and what the others brought."""

    orders: int = 0
    cancelled: int = 0
    returned: int = 0
    units: int = 0
    revenue: dict[str, Decimal] = field(default_factory=dict)  # currency -> amount

    def add(self, state: OrderState, units: int, amounts: Iterable[tuple[str, Decimal]]) -> None:
        self.orders += 1
        if state is OrderState.CANCELLED:
            self.cancelled += 1
        elif state is OrderState.RETURNED:
            self.returned += 1
        else:
            self.units += units
            for currency, amount in amounts:
                self.revenue[currency] = self.revenue.get(currency, Decimal(0)) + amount

    def amount(self, currency: str) -> Decimal:
        """The revenue in ``currency``: whole dong for VND, 2 places otherwise."""
        places = Decimal(1) if currency == VND else Decimal("0.01")
        return self.revenue.get(currency, Decimal(0)).quantize(places)

    @property
    def vnd(self) -> int:
        return int(self.amount(VND))

    def converted(self, rate: Decimal | None) -> int | None:
        """VND plus USD at ``rate``, in whole dong (half up); None if it cannot be told."""
        if rate is None or set(self.revenue) - {VND, USD}:
            return None
        usd = (self.amount(USD) * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return self.vnd + int(usd)


@dataclass(frozen=True)
class OrderRow:
    key: str  # product SKU, channel name, or the period's key
    label: str  # the product's name; the key again otherwise
    figures: Figures
    first: date | None = None  # a period's first and last day
    last: date | None = None


@dataclass(frozen=True)
class StockRow:
    sku: str
    product: str
    name: str
    on_hand: int
    reserved: int
    buffer: int
    available: int
    given: Mapping[str, int | None]  # channel -> the stock it last accepted (None: never)


@dataclass(frozen=True)
class ToFix:
    """A product that could not be listed on a channel: whose fault, and why (a
    marketplace's reasons in its own words)."""

    sku: str
    channel: str
    reasons: tuple[str, ...]
    fault: Fault | None = Fault.MARKETPLACE  # None: failed before faults were recorded


@dataclass(frozen=True)
class Report:
    by: str
    period: Period
    generated_at: datetime  # UTC
    channels: tuple[str, ...]  # the --channel filter; empty means every channel
    usd_vnd_rate: Decimal | None
    currencies: tuple[str, ...]  # of the orders in the period, VND first
    rows: tuple[OrderRow, ...]
    total: Figures
    stock: tuple[StockRow, ...]
    stock_channels: tuple[str, ...]
    daily: Mapping[str, Mapping[date, int]]  # channel -> local day -> orders placed
    to_fix: tuple[ToFix, ...] = ()  # products that could not be listed, whatever the fault
    # channel -> its figures for the period, whatever ``by`` is (the HTML report's cards);
    # channels shown without orders have empty figures
    by_channel: Mapping[str, Figures] = field(default_factory=dict)

    @property
    def converts(self) -> bool:
        """Whether a VND total including converted USD is shown."""
        return USD in self.currencies and self.total.converted(self.usd_vnd_rate) is not None

    @property
    def foreign(self) -> tuple[str, ...]:
        return tuple(currency for currency in self.currencies if currency != VND)


@dataclass(frozen=True)
class ReportOptions:
    by: str = "day"
    start: date | None = None
    end: date | None = None
    tz: str = "Asia/Ho_Chi_Minh"
    channels: tuple[str, ...] = ()
    usd_vnd_rate: Decimal | None = None
    buffer: int = 0
    reserve_from: str = "payment"
    enabled: tuple[str, ...] = ()  # channels shown even without orders or offers
    configured: tuple[str, ...] = ()  # every [channels.<name>] section: names --channel takes


def build_report(ledger: Ledger, options: ReportOptions, now: datetime) -> Report:
    """Work out every figure of the report from the ledger (read only)."""
    if options.by not in BY_CHOICES:
        choices = ", ".join(BY_CHOICES)
        raise InputError(
            _("--by {by!r}: choose one of {choices}").format(by=options.by, choices=choices)
        )
    tz = parse_zone(options.tz)
    period = Period.around(now.astimezone(tz).date(), tz, options.start, options.end)
    channels = _check_channels(ledger, options)
    products = ledger.products(active_only=False)
    active = {product.sku for product in ledger.products()}
    orders = orders_created(ledger, *period.bounds(), channels)
    shown = channels or options.enabled
    listed = {  # shown even without an order: what did not sell is news too
        "product": {p.sku: p.name.vi or p.name.en for p in products if p.sku in active},
        "channel": {name: name for name in shown},
    }.get(options.by, {})
    rows, total, daily, by_channel = _order_figures(
        period, options.by, orders, products, listed, shown
    )
    currencies = sorted(total.revenue, key=lambda c: (c != VND, c))
    stock, stock_channels = _stock(ledger, options, channels)
    return Report(
        by=options.by,
        period=period,
        generated_at=now.astimezone(UTC),
        channels=channels,
        usd_vnd_rate=options.usd_vnd_rate,
        currencies=tuple(currencies),
        rows=tuple(rows),
        total=total,
        stock=tuple(stock),
        stock_channels=stock_channels,
        daily=daily,
        to_fix=tuple(_to_fix(ledger, channels)),
        by_channel=by_channel,
    )


def _to_fix(ledger: Ledger, channels: tuple[str, ...]) -> Iterable[ToFix]:
    for record in all_listings(ledger):
        if record.failed and (not channels or record.channel in channels):
            reasons = record.reasons or ((record.last_error,) if record.last_error else ())
            yield ToFix(record.sku, record.channel, tuple(reasons), record.fault_shown)


def _check_channels(ledger: Ledger, options: ReportOptions) -> tuple[str, ...]:
    if not options.channels:
        return ()
    known = {*options.configured, *options.enabled, *order_channels(ledger)}
    known |= set(listing_channels(ledger))
    return check_channel_names(options.channels, known)


def check_channel_names(given: Iterable[str], known: Iterable[str]) -> tuple[str, ...]:
    """``given`` (a ``--channel`` filter) without repeats, once each name is one the
    workspace knows; else an InputError naming the one probably meant."""
    import difflib

    given, known = tuple(dict.fromkeys(given)), sorted(set(known))
    for name in given:
        if name in known:
            continue
        close = difflib.get_close_matches(name, known, n=1)
        if close:
            raise InputError(
                _(
                    "--channel {name}: no such channel in this workspace; did you mean {close}?"
                ).format(name=name, close=close[0])
            )
        raise InputError(
            _("--channel {name}: no such channel in this workspace (known: {known})").format(
                name=name, known=", ".join(known) or _("none yet")
            )
        )
    return given


def _order_figures(
    period: Period,
    by: str,
    orders: Sequence[StoredOrder],
    products: Sequence[Product],
    listed: Mapping[str, str],
    channels: Sequence[str],
) -> tuple[list[OrderRow], Figures, dict[str, dict[date, int]], dict[str, Figures]]:
    owner = {sku_key(unit.sku): product for product in products for unit in product.units()}
    groups: dict[str, Figures] = defaultdict(Figures)
    labels: dict[str, str] = dict(listed)
    total = Figures()
    daily: dict[str, dict[date, int]] = {}
    by_channel = {name: Figures() for name in channels}
    for stored in orders:
        channel, order = stored.channel, stored.order
        day = period.local_day(order.created_at)
        units = sum(line.quantity for line in order.lines)
        whole = [(order.total.currency, order.total.amount)]
        total.add(order.state, units, whole)
        by_channel.setdefault(channel, Figures()).add(order.state, units, whole)
        per_channel = daily.setdefault(channel, dict.fromkeys(period.days(), 0))
        per_channel[day] += 1
        if by == "product":
            for key, (label, quantity, amounts) in _by_product(order, owner).items():
                labels.setdefault(key, label)
                groups[key].add(order.state, quantity, amounts)
        else:
            key = channel if by == "channel" else bucket(day, by)[0]
            labels.setdefault(key, key)
            groups[key].add(order.state, units, whole)
    rows: list[OrderRow] = []
    if by in TIME_BUCKETS:
        for day in period.days():
            key, first, last = bucket(day, by)
            if not rows or rows[-1].key != key:
                rows.append(OrderRow(key, key, groups.get(key) or Figures(), first, last))
    else:
        rows += [OrderRow(key, labels[key], groups[key]) for key in sorted(labels)]
    return rows, total, daily, dict(sorted(by_channel.items()))


def _by_product(
    order: Order, owner: Mapping[str, Product]
) -> dict[str, tuple[str, int, list[tuple[str, Decimal]]]]:
    """The order's lines grouped by catalog product: (name, units, line amounts)."""
    found: dict[str, tuple[str, int, list[tuple[str, Decimal]]]] = {}
    for line in order.lines:
        product = owner.get(sku_key(line.sku))
        key = product.sku if product else line.sku
        label = (product.name.vi or product.name.en) if product else _("(not in the catalog)")
        _label, units, amounts = found.get(key, (label, 0, []))
        amounts.append((line.unit_price.currency, line.unit_price.amount * line.quantity))
        found[key] = (label, units + line.quantity, amounts)
    return found


def _stock(
    ledger: Ledger, options: ReportOptions, channels: tuple[str, ...]
) -> tuple[list[StockRow], tuple[str, ...]]:
    """Each active SKU now: on hand, reserved, buffer, available, and what channels were given."""
    offers = [offer for offer in all_offers(ledger) if not channels or offer.channel in channels]
    names = sorted(set(channels or options.enabled) | {offer.channel for offer in offers})
    given: dict[str, dict[str, int | None]] = defaultdict(dict)
    for offer in offers:
        if offer.stock is not None:  # two shops on one channel: their figures add up
            row = given[offer.sku]
            row[offer.channel] = (row.get(offer.channel) or 0) + offer.stock
    on_hand = ledger.on_hand()
    reserved = ledger.reserved(reserving_states(options.reserve_from))
    rows = []
    for product in ledger.products():
        buffer = options.buffer + product.safety_stock
        for unit in product.units():
            have, held = on_hand.get(unit.sku, 0), reserved.get(unit.sku, 0)
            rows.append(
                StockRow(
                    sku=unit.sku,
                    product=product.sku,
                    name=_unit_name(product, unit.options),
                    on_hand=have,
                    reserved=held,
                    buffer=buffer,
                    available=available(have, held, buffer),
                    given={name: given.get(unit.sku, {}).get(name) for name in names},
                )
            )
    return rows, tuple(names)


def _unit_name(product: Product, options: Mapping[str, str]) -> str:
    name = product.name.vi or product.name.en
    return f"{name} ({', '.join(options.values())})" if options else name


def local_time(moment: datetime, tz: ZoneInfo) -> str:
    """``2026-11-23 14:05`` (``23/11/2026 14:05`` in Vietnamese) in ``tz``: every time a
    report shows a person."""
    return time_text(moment.astimezone(tz))
