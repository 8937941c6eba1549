"""The Shopee channel: the core's Channel contract over Shopee Open Platform v2.

The parts: :mod:`client` (signing, tokens, errors), :mod:`mapping` (Product -> listing,
pure), :mod:`listings` (find / create / update), :mod:`offers` (stock and price),
:mod:`orders` (windows, cursors, details), :mod:`images` (upload once per content).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from listsync.catalog.model import Product
from listsync.channel.contract import (
    ChannelContext,
    ChannelLimits,
    Draft,
    OfferResult,
    OfferUpdate,
    Order,
    RemoteListing,
)
from listsync.errors import AuthError
from listsync.i18n import _
from listsync_shopee import categories
from listsync_shopee.client import DEFAULT_RATE, ShopeeClient
from listsync_shopee.errors import CHANNEL
from listsync_shopee.images import ImageStore
from listsync_shopee.listings import Listings
from listsync_shopee.mapping import Mapper
from listsync_shopee.offers import BATCH, OfferReader, OfferWriter
from listsync_shopee.orders import WINDOW_SECONDS, OrderReader
from listsync_shopee.settings import ShopeeSettings

log = logging.getLogger("listsync.shopee")


class ShopeeChannel:
    name = CHANNEL

    def __init__(self, settings: ShopeeSettings, context: ChannelContext):
        self.settings = settings
        self.context = context
        self.limits = ChannelLimits(
            offer_batch=BATCH,
            order_window=timedelta(seconds=WINDOW_SECONDS),
            language="vi",
            currency="VND",
            rate_per_second=settings.rate_per_second or DEFAULT_RATE,
            stock_includes_reserved=True,
        )
        self.mapping = categories.load(settings.mapping_file).mapping
        self.client = ShopeeClient(settings, context)
        self.mapper = Mapper(self.mapping, context.workspace)
        host = urlsplit(settings.base_url).netloc
        self.images = ImageStore(
            self.client,
            context.workspace / ".listsync-cache" / "shopee-images.json",
            namespace=f"{settings.partner_id}@{host}",
            root=context.workspace,
        )
        self.listings = Listings(self.client, self.images, self.mapping)
        self.offers = OfferWriter(self.client, self.listings)
        self.offer_reader = OfferReader(self.client, self.listings)
        self.order_reader = OrderReader(self.client)

    @property
    def shop_id(self) -> str:
        return self.client.shop_id or ""

    def map_product(self, product: Product) -> Draft:
        return self.mapper.map(product)

    def find_listing(self, product_sku: str, unit_skus: Sequence[str] = ()) -> RemoteListing | None:
        """By the item's own SKU (``item_sku``), which every listing made here carries;
        ``unit_skus`` are not needed on Shopee."""
        return self.listings.find(product_sku)

    def create_listing(self, draft: Draft) -> RemoteListing:
        return self.listings.create(draft)

    def update_listing(self, listing: RemoteListing, draft: Draft) -> RemoteListing:
        return self.listings.update(listing, draft)

    def set_offers(self, updates: Sequence[OfferUpdate]) -> list[OfferResult]:
        return self.offers.set(updates)

    def read_offers(self, listings: Sequence[RemoteListing]) -> dict[str, int]:
        """Each SKU's seller stock on Shopee now (it counts the units open orders hold)."""
        return self.offer_reader.read(listings)

    def review_state(self, listing: RemoteListing) -> RemoteListing:
        return self.listings.review(listing)

    def iter_orders(self, since: datetime, until: datetime) -> Iterator[Order]:
        return self.order_reader.orders(since, until)

    def authorization_url(self, redirect_url: str) -> str:
        return self.client.authorization_url(redirect_url)

    def authorize(self, redirected_url: str) -> str:
        """Exchange the code in the address Shopee sent the seller back to; returns the shop id."""
        query = parse_qs(urlsplit(redirected_url.strip()).query)
        code = (query.get("code") or [""])[0]
        shop_id = (query.get("shop_id") or [""])[0]
        if code and not shop_id and query.get("main_account_id"):
            raise AuthError(
                _(
                    "this was a main-account authorization; listsync connects one shop at a"
                    " time: authorize a single shop with `listsync auth shopee`"
                ),
                channel=CHANNEL,
                call="authorize",
            )
        if not code or not shop_id.isdigit():
            raise AuthError(
                _(
                    "the address has no code and shop_id from Shopee: after approving, copy the"
                    " whole address the browser shows and paste it"
                ),
                channel=CHANNEL,
                call="authorize",
            )
        if self.settings.shop_id and self.settings.shop_id != shop_id:
            log.warning(
                "shopee: the seller authorized shop %s, not the configured shop %s; using %s",
                shop_id,
                self.settings.shop_id,
                shop_id,
            )
        self.client.exchange_code(code, shop_id)
        return shop_id

    def close(self) -> None:
        self.client.close()
