"""The ledger's records of the channels: orders, checkpoints, listings, offers, runs, calls.

:class:`RecordStore` is one of the stores :class:`~listsync.ledger.database.Ledger` is built
from; like every store it needs only what :class:`~listsync.ledger.base.LedgerBase` gives.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Connection, RowMapping, func, select

from listsync.catalog.model import PriceTier
from listsync.channel.contract import ListingState, Money, Order
from listsync.channel.faults import Fault
from listsync.errors import InputError
from listsync.i18n import _
from listsync.ledger.base import LedgerBase, upsert
from listsync.ledger.orders import load_orders, upsert_orders
from listsync.ledger.records import (
    ApiCall,
    CallRecord,
    ChannelRun,
    ListingRecord,
    OfferRecord,
    OrderCounts,
    RunRecord,
    StoredOrder,
)
from listsync.ledger.schema import (
    API_CALL,
    CHECKPOINT,
    LISTING,
    OFFER,
    ORDER,
    PRODUCT,
    SYNC_RUN,
    SYNC_RUN_CHANNEL,
)

if TYPE_CHECKING:
    pass


class RecordStore(LedgerBase):
    # -- orders and checkpoints -----------------------------------------------------------

    def upsert_orders(
        self,
        channel: str,
        shop_id: str,
        orders: Sequence[Order],
        checkpoint: tuple[str, str] | None = None,
    ) -> OrderCounts:
        """Store pulled orders and, in the same transaction, the (stream, cursor) they reach.

        A replay counts as unchanged and writes nothing; if anything fails, neither the
        orders nor the checkpoint are written, so the next pull starts from the old cursor.
        """
        now = self._clock.now()
        with self.write() as session:
            conn = session.connection()
            counts = upsert_orders(conn, channel, shop_id, orders, now)
            if checkpoint is not None:
                _write_checkpoint(conn, channel, shop_id, checkpoint, now)
        return counts

    def orders(self, channel: str | None = None, shop_id: str | None = None) -> list[StoredOrder]:
        """Stored orders, oldest first, optionally for one channel (and shop)."""
        criteria: list[ColumnElement[bool]] = []
        if channel is not None:
            criteria.append(ORDER.c.channel == channel)
        if shop_id is not None:
            criteria.append(ORDER.c.shop_id == shop_id)
        with self.read() as session:
            return load_orders(session.connection(), *criteria)

    def order(self, channel: str, shop_id: str, order_id: str) -> Order | None:
        with self.read() as session:
            found = load_orders(
                session.connection(),
                ORDER.c.channel == channel,
                ORDER.c.shop_id == shop_id,
                ORDER.c.order_id == order_id,
            )
        return found[0].order if found else None

    def order_count(self, channel: str | None = None) -> int:
        query = select(func.count()).select_from(ORDER)
        if channel is not None:
            query = query.where(ORDER.c.channel == channel)
        with self.read() as session:
            return int(session.connection().scalar(query) or 0)

    def checkpoint(self, channel: str, shop_id: str, stream: str) -> str | None:
        query = select(CHECKPOINT.c.cursor).where(
            CHECKPOINT.c.channel == channel,
            CHECKPOINT.c.shop_id == shop_id,
            CHECKPOINT.c.stream == stream,
        )
        with self.read() as session:
            cursor: str | None = session.connection().scalar(query)
        return cursor

    def set_checkpoint(self, channel: str, shop_id: str, stream: str, cursor: str) -> None:
        now = self._clock.now()
        with self.write() as session:
            _write_checkpoint(session.connection(), channel, shop_id, (stream, cursor), now)

    # -- listings -------------------------------------------------------------------------

    def listing(self, sku: str, channel: str, shop_id: str) -> ListingRecord | None:
        found = self._listings(
            LISTING.c.sku == sku, LISTING.c.channel == channel, LISTING.c.shop_id == shop_id
        )
        return found[0] if found else None

    def listings(self, channel: str, shop_id: str | None = None) -> list[ListingRecord]:
        if shop_id is None:
            return self._listings(LISTING.c.channel == channel)
        return self._listings(LISTING.c.channel == channel, LISTING.c.shop_id == shop_id)

    def save_listing(self, record: ListingRecord) -> None:
        """Write one listing row durably: used for the intent before a call and its outcome."""
        self.save_listings([record])

    def save_listings(self, records: Sequence[ListingRecord]) -> None:
        if not records:
            return
        now = self._clock.now()
        rows = [_listing_row(record, now) for record in records]
        with self.write() as session:
            conn = session.connection()
            skus = {row["sku"] for row in rows}
            known = set(conn.scalars(select(PRODUCT.c.sku).where(PRODUCT.c.sku.in_(skus))))
            if skus - known:
                missing = ", ".join(sorted(skus - known))
                raise InputError(
                    _("listings refer to products not in the ledger: {skus}").format(skus=missing)
                )
            upsert(conn, LISTING, ("sku", "channel", "shop_id"), rows)

    def _listings(self, *criteria: ColumnElement[bool]) -> list[ListingRecord]:
        query = select(LISTING).where(*criteria).order_by(LISTING.c.sku, LISTING.c.shop_id)
        with self.read() as session:
            rows = session.connection().execute(query).mappings().all()
        return [
            ListingRecord(
                sku=row["sku"],
                channel=row["channel"],
                shop_id=row["shop_id"],
                state=ListingState(row["state"]),
                remote_id=row["remote_id"],
                units=row["units"],
                pushed_hash=row["pushed_hash"],
                last_error=row["last_error"],
                reasons=tuple(row["reasons"]),
                updated_at=row["updated_at"],
                checked_at=row["checked_at"],
                fault=Fault(row["fault"]) if row["fault"] else None,
            )
            for row in rows
        ]

    # -- offers ---------------------------------------------------------------------------

    def offer(self, sku: str, channel: str, shop_id: str) -> OfferRecord | None:
        return self.offers(channel, shop_id, skus=[sku]).get(sku)

    def offers(
        self, channel: str, shop_id: str, skus: Sequence[str] | None = None
    ) -> dict[str, OfferRecord]:
        """The last accepted offer per unit SKU on one shop."""
        query = select(OFFER).where(OFFER.c.channel == channel, OFFER.c.shop_id == shop_id)
        if skus is not None:
            query = query.where(OFFER.c.sku.in_(skus))
        with self.read() as session:
            rows = session.connection().execute(query.order_by(OFFER.c.sku)).mappings().all()
        return {row["sku"]: _offer_record(row) for row in rows}

    def offers_of(self, sku: str, channel: str | None = None) -> list[OfferRecord]:
        """Every shop's last accepted offer for one SKU (on one channel, or all)."""
        query = select(OFFER).where(OFFER.c.sku == sku)
        if channel is not None:
            query = query.where(OFFER.c.channel == channel)
        with self.read() as session:
            rows = session.connection().execute(query.order_by(OFFER.c.channel)).mappings().all()
        return [_offer_record(row) for row in rows]

    def save_offers(self, records: Sequence[OfferRecord]) -> None:
        if not records:
            return
        now = self._clock.now()
        rows = [_offer_row(record, now) for record in records]
        with self.write() as session:
            upsert(session.connection(), OFFER, ("sku", "channel", "shop_id"), rows)

    # -- runs and the call log --------------------------------------------------------------

    def start_run(self, command: str, pid: int) -> int:
        row = {"command": command, "pid": pid, "status": "running", "started_at": self._clock.now()}
        with self.write() as session:
            run_id = session.connection().execute(SYNC_RUN.insert().values(row)).lastrowid
        return int(run_id)

    def record_channel(
        self, run_id: int, channel: str, counts: Mapping[str, int], error: str | None = None
    ) -> None:
        """Store (or replace) one channel's counts and one-line error for a run."""
        row = {
            "run_id": run_id,
            "channel": channel,
            "counts": {key: int(value) for key, value in counts.items()},
            "error": error,
            "recorded_at": self._clock.now(),
        }
        with self.write() as session:
            upsert(session.connection(), SYNC_RUN_CHANNEL, ("run_id", "channel"), [row])

    def finish_run(self, run_id: int, status: str) -> None:
        query = SYNC_RUN.update().where(SYNC_RUN.c.id == run_id)
        with self.write() as session:
            session.connection().execute(query.values(status=status, finished_at=self._clock.now()))

    def runs(self, limit: int = 20) -> list[RunRecord]:
        """The latest runs, newest first, with their channels."""
        query = select(SYNC_RUN).order_by(SYNC_RUN.c.id.desc()).limit(limit)
        with self.read() as session:
            conn = session.connection()
            heads = conn.execute(query).mappings().all()
            ids = [head["id"] for head in heads]
            by_run: dict[int, list[ChannelRun]] = {}
            details = select(SYNC_RUN_CHANNEL).where(SYNC_RUN_CHANNEL.c.run_id.in_(ids))
            for row in conn.execute(details.order_by(SYNC_RUN_CHANNEL.c.channel)).mappings():
                run = ChannelRun(row["channel"], row["counts"], row["error"])
                by_run.setdefault(row["run_id"], []).append(run)
        return [RunRecord(**head, channels=tuple(by_run.get(head["id"], ()))) for head in heads]

    def log_calls(self, run_id: int | None, records: Iterable[CallRecord]) -> int:
        """Append calls to the call log in one statement; paths are stored as given."""
        rows = [
            {
                "run_id": run_id,
                "channel": record.channel,
                "method": record.method,
                "path": record.path,
                "status": record.status,
                "elapsed_ms": round(record.elapsed_ms),
                "attempt": record.attempt,
                "error": record.error,
                "at": record.at,
            }
            for record in records
        ]
        if rows:
            with self.write() as session:
                session.connection().execute(API_CALL.insert(), rows)
        return len(rows)

    def api_calls(self, run_id: int | None = None) -> list[ApiCall]:
        query = select(API_CALL).order_by(API_CALL.c.id)
        if run_id is not None:
            query = query.where(API_CALL.c.run_id == run_id)
        with self.read() as session:
            rows = session.connection().execute(query).mappings().all()
        keep = ("channel", "method", "path", "status", "elapsed_ms", "attempt", "at", "error")
        return [ApiCall(**{key: row[key] for key in keep}) for row in rows]


def _write_checkpoint(
    conn: Connection, channel: str, shop_id: str, checkpoint: tuple[str, str], now: datetime
) -> None:
    stream, cursor = checkpoint
    row = {
        "channel": channel,
        "shop_id": shop_id,
        "stream": stream,
        "cursor": cursor,
        "updated_at": now,
    }
    upsert(conn, CHECKPOINT, ("channel", "shop_id", "stream"), [row])


def _listing_row(record: ListingRecord, now: datetime) -> dict[str, Any]:
    return {
        "sku": record.sku,
        "channel": record.channel,
        "shop_id": record.shop_id,
        "remote_id": record.remote_id,
        "units": dict(record.units),
        "state": ListingState(record.state).value,
        "pushed_hash": record.pushed_hash,
        "last_error": record.last_error,
        "reasons": list(record.reasons),
        "updated_at": now,
        "checked_at": record.checked_at,
        "fault": None if record.fault is None else Fault(record.fault).value,
    }


def _offer_row(record: OfferRecord, now: datetime) -> dict[str, Any]:
    return {
        "sku": record.sku,
        "channel": record.channel,
        "shop_id": record.shop_id,
        "stock": record.stock,
        "price_minor": None if record.price is None else record.price.minor,
        "currency": None if record.price is None else record.price.currency,
        "tiers": [tier.model_dump(mode="json") for tier in record.tiers],
        "explain": dict(record.explain),
        "updated_at": now,
        "last_error": record.last_error,
    }


def _offer_record(row: RowMapping) -> OfferRecord:
    minor, currency = row["price_minor"], row["currency"]
    return OfferRecord(
        sku=row["sku"],
        channel=row["channel"],
        shop_id=row["shop_id"],
        stock=row["stock"],
        price=None if minor is None else Money.from_minor(minor, currency),
        tiers=tuple(PriceTier.model_validate(tier) for tier in row["tiers"]),
        explain=row["explain"],
        last_error=row["last_error"],
        updated_at=row["updated_at"],
    )
