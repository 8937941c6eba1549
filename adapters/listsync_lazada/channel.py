"""The Lazada channel: the core's Channel contract over the Lazada Open Platform.

The parts: :mod:`client` (signed calls, errors), :mod:`auth` (tokens and the seller's
consent), :mod:`mapping` (Product -> payload, pure), :mod:`listings` (find / create /
update, review state), :mod:`offers` (stock and price, and reading stock back),
:mod:`orders` (windows, pages, items), :mod:`images` (upload once per content).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

from listsync.catalog.model import Product
from listsync.channel.consent import Consent
from listsync.channel.contract import (
    ChannelContext,
    ChannelLimits,
    Draft,
    OfferResult,
    OfferUpdate,
    Order,
    RemoteListing,
)
from listsync_lazada import DEFAULT_RATE
from listsync_lazada.auth import TokenKeeper
from listsync_lazada.client import LazadaClient
from listsync_lazada.errors import CHANNEL
from listsync_lazada.images import ImageStore
from listsync_lazada.listings import Listings
from listsync_lazada.mapping import Mapper, load_mapping
from listsync_lazada.offers import OfferReader, OfferWriter
from listsync_lazada.orders import OrderReader
from listsync_lazada.settings import LazadaSettings


class LazadaChannel:
    name = CHANNEL

    def __init__(
        self,
        settings: LazadaSettings,
        context: ChannelContext,
        *,
        wall_clock: Callable[[], float] = time.time,
    ):
        self.settings = settings
        self.context = context
        rate = settings.rate_per_second or DEFAULT_RATE
        self.limits = ChannelLimits(
            offer_batch=settings.offer_batch,
            order_window=None,
            language=settings.language,
            currency="VND",
            rate_per_second=rate,
            stock_includes_reserved=True,
        )
        self.client = LazadaClient(settings, context, rate=rate, wall_clock=wall_clock)
        self.keeper = TokenKeeper(
            self.client, context.tokens, context.clock, settings.shop_id, settings.country
        )
        self.consent = Consent(
            settings.authorize_url,
            settings.app_key,
            self.keeper.exchange,
            channel=CHANNEL,
            marketplace="Lazada",
            extra={"force_auth": "true", "country": settings.country},
        )
        self.mapper = Mapper(
            load_mapping(settings.mapping_file), settings.language, settings.payload_format
        )
        self.images = ImageStore(self.client, context.workspace, settings.base_url)
        self.listings = Listings(self.client, self.images, settings)
        self.offers = OfferWriter(self.client, settings)
        self.offer_reader = OfferReader(self.client, self.listings)
        self.order_reader = OrderReader(self.client, settings.order_page_size)

    @property
    def shop_id(self) -> str:
        return self.keeper.shop_id

    def map_product(self, product: Product) -> Draft:
        draft = self.mapper.map(product, self.name)
        self.listings.remember(draft)
        return draft

    def find_listing(self, product_sku: str, unit_skus: Sequence[str] = ()) -> RemoteListing | None:
        """By seller SKU: the product SKU and every unit SKU known for it."""
        return self.listings.find(product_sku, unit_skus)

    def create_listing(self, draft: Draft) -> RemoteListing:
        return self.listings.create(draft)

    def update_listing(self, listing: RemoteListing, draft: Draft) -> RemoteListing:
        return self.listings.update(listing, draft)

    def review_state(self, listing: RemoteListing) -> RemoteListing:
        return self.listings.review(listing)

    def set_offers(self, updates: Sequence[OfferUpdate]) -> list[OfferResult]:
        return self.offers.set(updates)

    def read_offers(self, listings: Sequence[RemoteListing]) -> dict[str, int]:
        """Each SKU's stock as the seller set it on Lazada now (open orders' units included)."""
        return self.offer_reader.read(listings)

    def stock_levels(self, listing: RemoteListing) -> dict[str, int]:
        """Each SKU's sellable stock at Lazada now (what is left after open orders)."""
        return self.offer_reader.sellable(listing)

    def iter_orders(self, since: datetime, until: datetime) -> Iterator[Order]:
        return self.order_reader.orders(since, until)

    def authorization_url(self, redirect_url: str) -> str:
        return self.consent.link(redirect_url)

    def authorize(self, redirected_url: str) -> str:
        """Exchange the code in the address Lazada sent the seller back to; returns the
        seller id."""
        return self.consent.complete(redirected_url)

    def close(self) -> None:
        self.client.close()
