"""Read-only ledger queries the reports need, as plain functions taking a Ledger.

They only read (one snapshot each) and return the ledger's own plain records, so the
report code never sees a database type.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, select

from listsync.ledger.orders import load_orders
from listsync.ledger.records import ListingRecord, OfferRecord, StoredOrder
from listsync.ledger.schema import LISTING, OFFER, ORDER

if TYPE_CHECKING:
    from listsync.ledger.database import Ledger


def orders_created(
    ledger: Ledger, start: datetime, end: datetime, channels: Sequence[str] = ()
) -> list[StoredOrder]:
    """Orders created in ``[start, end)`` (UTC), on ``channels`` (all when empty), oldest first."""
    criteria: list[ColumnElement[bool]] = [ORDER.c.created_at >= start, ORDER.c.created_at < end]
    if channels:
        criteria.append(ORDER.c.channel.in_(list(channels)))
    with ledger.read() as session:
        return load_orders(session.connection(), *criteria)


def listing_channels(ledger: Ledger) -> list[str]:
    """Every channel that has a listing row, sorted."""
    query = select(LISTING.c.channel).distinct().order_by(LISTING.c.channel)
    with ledger.read() as session:
        return list(session.connection().scalars(query))


def all_listings(ledger: Ledger) -> list[ListingRecord]:
    """Every listing row, by channel then product SKU."""
    return [record for name in listing_channels(ledger) for record in ledger.listings(name)]


def all_offers(ledger: Ledger) -> list[OfferRecord]:
    """Every offer a channel last accepted, by channel, shop, then SKU."""
    query = (
        select(OFFER.c.channel, OFFER.c.shop_id)
        .distinct()
        .order_by(OFFER.c.channel, OFFER.c.shop_id)
    )
    with ledger.read() as session:
        shops = [(row[0], row[1]) for row in session.connection().execute(query)]
    return [offer for channel, shop in shops for offer in ledger.offers(channel, shop).values()]


def order_channels(ledger: Ledger) -> list[str]:
    """Every channel that has an order in the ledger, sorted."""
    query = select(ORDER.c.channel).distinct().order_by(ORDER.c.channel)
    with ledger.read() as session:
        return list(session.connection().scalars(query))
