"""Alibaba.com as a listsync Channel: client, token keeper, mapping, listings, offers, orders.

Alibaba.com (ICBU, the B2B export marketplace where Vietnamese producers sell through the
Vietnam Pavilion) is the current Open Platform (docs/marketplaces/alibaba.md §4.1): IOP
signing, OAuth consent, TOP-named product APIs and path-named token and order APIs on one
gateway. Where alibaba.md says UNCONFIRMED, the client takes every variant and says which
it follows, in the module that meets it:

- hosts and how a call is addressed: :mod:`listsync_alibaba.settings`,
  :mod:`listsync_alibaba.client`;
- token lifetimes and rotation: :mod:`listsync_alibaba.auth`;
- error codes and rate limits (``ApiCallLimit``, TOP's 7 and 8 are "slow down"):
  :mod:`listsync_alibaba.errors`;
- review statuses and the reasons' field: :mod:`listsync_alibaba.listings`;
- stock by deltas, read before and after, never ``add``; whether the figure counts open
  orders (it does not: ``stock_includes_reserved`` false): :mod:`listsync_alibaba.offers`;
- order pages from 0 or 1, windows, masked trade ids, statuses: :mod:`listsync_alibaba.orders`;
- photo limits: :mod:`listsync_alibaba.images`; listing limits: :mod:`listsync_alibaba.mapping`.

The channel lists in English and prices in USD (``ChannelLimits.language`` "en",
``currency`` "USD"): a product needs its English name and description and its B2B terms
(MOQ, unit, USD price tiers), never translated nor converted.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from urllib.parse import urlsplit

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
from listsync.errors import NotListable
from listsync.i18n import _
from listsync_alibaba import DEFAULT_RATE
from listsync_alibaba.auth import TokenKeeper
from listsync_alibaba.client import AlibabaClient
from listsync_alibaba.errors import CHANNEL
from listsync_alibaba.images import ImageStore
from listsync_alibaba.listings import Listings
from listsync_alibaba.mapping import Mapper, load_mapping
from listsync_alibaba.offers import Offers
from listsync_alibaba.orders import Orders
from listsync_alibaba.settings import AlibabaSettings


class AlibabaChannel:
    name = CHANNEL

    def __init__(self, settings: AlibabaSettings, context: ChannelContext):
        self.settings = settings
        self.context = context
        rate = settings.rate_per_second or DEFAULT_RATE
        self.limits = ChannelLimits(
            offer_batch=20,  # the SKUs one set_offers takes; each product is one call
            order_window=None,
            stock_is_delta=True,
            language="en",
            currency="USD",
            rate_per_second=rate,
            stock_includes_reserved=False,
        )
        self.client = AlibabaClient(settings, context, rate=rate)
        self.keeper = TokenKeeper(self.client, context.tokens, context.clock, settings.shop_id)
        self.consent = Consent(
            settings.authorize_url,
            settings.app_key,
            self.keeper.exchange,
            channel=CHANNEL,
            marketplace="Alibaba",
            extra={"force_auth": "true"},
        )
        self.mapper = Mapper(
            load_mapping(settings.mapping_file), product_type=settings.product_type
        )
        host = urlsplit(settings.base_url).netloc
        self.images = ImageStore(self.client, context.workspace, host)
        self.listings = Listings(
            self.client,
            self.images,
            page_size=settings.product_page_size,
            max_pages=settings.max_product_pages,
        )
        self.offers = Offers(self.client, self.listings, settings.inventory_code)
        self.orders = Orders(self.client, self.listings, settings.order_page_size)
        self._subjects: dict[str, str] = {}
        self._units: dict[str, tuple[str, ...]] = {}

    @property
    def shop_id(self) -> str:
        return self.keeper.shop_id

    # -- listings ----------------------------------------------------------------------
    def map_product(self, product: Product) -> Draft:
        draft = self.mapper.map(product, self.name)
        self._remember(draft)
        return draft

    def _remember(self, draft: Draft) -> None:
        subject = str(draft.payload.get("subject") or "")
        if subject:
            self._subjects[draft.product_sku] = subject
        self._units[draft.product_sku] = tuple(offer.sku for offer in draft.offers)

    def find_listing(self, product_sku: str, unit_skus: Sequence[str] = ()) -> RemoteListing | None:
        skus = list(unit_skus) or list(self._units.get(product_sku, ())) or [product_sku]
        return self.listings.find(product_sku, skus, self._subjects.get(product_sku))

    def _checked(self, draft: Draft) -> Draft:
        if not draft.ok:
            raise NotListable(
                _("{sku} cannot be listed on Alibaba.com: {problems}").format(
                    sku=draft.product_sku, problems="; ".join(str(p) for p in draft.problems)
                ),
                channel=CHANNEL,
                call="map_product",
                sku=draft.product_sku,
            )
        self._remember(draft)
        return draft

    def create_listing(self, draft: Draft) -> RemoteListing:
        return self.listings.create(self._checked(draft))

    def update_listing(self, listing: RemoteListing, draft: Draft) -> RemoteListing:
        return self.listings.update(listing, self._checked(draft))

    def review_state(self, listing: RemoteListing) -> RemoteListing:
        return self.listings.review_state(listing)

    # -- price and stock ---------------------------------------------------------------
    def set_offers(self, updates: Sequence[OfferUpdate]) -> list[OfferResult]:
        return self.offers.set(updates)

    def read_offers(self, listings: Sequence[RemoteListing]) -> dict[str, int]:
        return self.offers.read(listings)

    # -- orders ------------------------------------------------------------------------
    def iter_orders(self, since: datetime, until: datetime) -> Iterator[Order]:
        return self.orders.iter_orders(since, until)

    # -- authorization -----------------------------------------------------------------
    def authorization_url(self, redirect_url: str) -> str:
        return self.consent.link(redirect_url)

    def authorize(self, redirected_url: str) -> str:
        return self.consent.complete(redirected_url)

    def close(self) -> None:
        self.client.close()
