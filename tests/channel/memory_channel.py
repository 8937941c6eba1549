"""A tiny in-memory channel, so the engine can be tested without HTTP.

It keeps the promises of the Channel contract that the engine relies on and can be told to
misbehave the way marketplaces do: lose a create's reply after applying it, lag its SKU
search, hold new listings in review, refuse single SKUs, fail every call.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from listsync.catalog.model import Product
from listsync.channel.contract import (
    ChannelLimits,
    Draft,
    ListingState,
    MappingProblem,
    Money,
    Offer,
    OfferResult,
    OfferUpdate,
    Order,
    RemoteListing,
)
from listsync.errors import TransientError, UnknownOutcome


@dataclass
class Stored:
    listing: RemoteListing
    payload: dict[str, object]
    offers: dict[str, Offer] = field(default_factory=dict)
    searchable: bool = True


class MemoryChannel:
    """One shop on an imaginary marketplace that keeps everything in dictionaries."""

    def __init__(
        self,
        name: str = "memory",
        *,
        offer_batch: int = 3,
        review: bool = False,
        max_title: int = 120,
        stock_includes_reserved: bool = False,
    ):
        self.name = name
        self.limits = ChannelLimits(
            offer_batch=offer_batch,
            order_window=timedelta(days=15),
            stock_includes_reserved=stock_includes_reserved,
        )
        self.review = review
        self.max_title = max_title
        self.items: dict[str, Stored] = {}
        self.orders: dict[str, Order] = {}
        self.calls: list[str] = []
        self.lose_next_create = False
        self.lag_search = False
        self.refuse_skus: set[str] = set()
        self.down = False
        self._ids = itertools.count(1)

    @property
    def shop_id(self) -> str:
        return "shop-1"

    def _call(self, name: str) -> None:
        self.calls.append(name)
        if self.down:
            raise TransientError("the marketplace is down", channel=self.name, call=name)

    def writes(self) -> list[str]:
        return [c for c in self.calls if c in ("create", "update", "set_offers")]

    # -- the contract ---------------------------------------------------------------
    def map_product(self, product: Product) -> Draft:
        override = product.override(self.name)
        title = override.title or product.name.vi or product.name.en
        problems = []
        if len(title) > self.max_title:
            problems.append(
                MappingProblem(product.sku, "name", f"longer than {self.max_title} characters")
            )
        if product.category == "unmapped":
            problems.append(MappingProblem(product.sku, "category", "no category mapping"))
        offers = tuple(
            Offer(unit.sku, 0, Money.vnd(override.price_rule.apply(unit.price_vnd)))
            for unit in product.units()
        )
        payload = {"title": title, "category": product.category, "weight": product.weight_g}
        return Draft(product.sku, payload, offers, product.images, tuple(problems))

    def find_listing(self, product_sku: str, unit_skus: Sequence[str] = ()) -> RemoteListing | None:
        self._call("find")
        stored = self.items.get(product_sku)
        return stored.listing if stored and stored.searchable else None

    def create_listing(self, draft: Draft) -> RemoteListing:
        self._call("create")
        state = ListingState.IN_REVIEW if self.review else ListingState.LIVE
        units = {offer.sku: f"u{next(self._ids)}" for offer in draft.offers}
        listing = RemoteListing(draft.product_sku, f"r{next(self._ids)}", state, units)
        offers = {offer.sku: offer for offer in draft.offers}  # a create lists them
        self.items[draft.product_sku] = Stored(
            listing, dict(draft.payload), offers, not self.lag_search
        )
        if self.lose_next_create:
            self.lose_next_create = False
            raise UnknownOutcome("connection reset", channel=self.name, call="create")
        return listing

    def update_listing(self, listing: RemoteListing, draft: Draft) -> RemoteListing:
        self._call("update")
        self.items[listing.product_sku].payload = dict(draft.payload)
        return self.items[listing.product_sku].listing

    def set_offers(self, updates: Sequence[OfferUpdate]) -> list[OfferResult]:
        results = []
        for start in range(0, len(updates), self.limits.offer_batch):
            self._call("set_offers")
            for update in updates[start : start + self.limits.offer_batch]:
                sku = update.offer.sku
                if sku in self.refuse_skus:
                    results.append(OfferResult(sku, False, "refused by the marketplace"))
                    continue
                self.items[update.listing.product_sku].offers[sku] = update.offer
                results.append(OfferResult(sku, True))
        return results

    def read_offers(self, listings: Sequence[RemoteListing]) -> dict[str, int]:
        """One call for every listing: an imaginary API with a batch read."""
        self._call("read_offers")
        shown = {}
        for listing in listings:
            stored = self.items.get(listing.product_sku)
            if stored is None or stored.listing.remote_id != listing.remote_id:
                continue
            shown.update(
                (sku, stored.offers[sku].stock) for sku in listing.units if sku in stored.offers
            )
        return shown

    def review_state(self, listing: RemoteListing) -> RemoteListing:
        self._call("review_state")
        return self.items[listing.product_sku].listing

    def iter_orders(self, since: datetime, until: datetime) -> Iterator[Order]:
        self._call("orders")
        for order in sorted(self.orders.values(), key=lambda o: o.updated_at):
            if since <= order.updated_at <= until:
                yield order

    def authorization_url(self, redirect_url: str) -> str:
        return redirect_url + "?code=memory"

    def authorize(self, redirected_url: str) -> str:
        return self.shop_id

    def close(self) -> None:
        pass

    # -- what a test does on the marketplace's side ----------------------------------
    def approve(self, product_sku: str, ok: bool = True, reason: str = "") -> None:
        stored = self.items[product_sku]
        state = ListingState.LIVE if ok else ListingState.REJECTED
        stored.listing = replace(stored.listing, state=state, reasons=(reason,) if reason else ())

    def index(self) -> None:
        for stored in self.items.values():
            stored.searchable = True

    def put_order(self, order: Order) -> None:
        self.orders[order.order_id] = order

    def move_stock(self, product_sku: str, sku: str, stock: int) -> None:
        """The marketplace changes a figure by itself (a shipment, a cancellation)."""
        offers = self.items[product_sku].offers
        offers[sku] = replace(offers[sku], stock=stock)
