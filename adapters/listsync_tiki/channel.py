"""Tiki as a listsync Channel: client, token keeper, mapping, listings, offers and orders.

Where docs/marketplaces/tiki.md (and docs/marketplaces/tiki.md) say UNCONFIRMED, the
client takes every variant and says which it follows:

- token lifetimes: the reply's ``expires_in`` (an hour when absent); whatever refresh token
  a refresh returns is stored (a rotating one and a reused one both work); the app proves
  itself at the token endpoint as ``token_auth`` says (HTTP Basic or the body);
- review states: both spellings (``md_awaiting_approve`` / ``md_waiting_approve``, and the
  ``bot_`` pair) read as "in review"; ``drafted`` too (Tiki's test environment);
- request-list rows with or without ``track_id``: without it, each request is tracked
  alone (``GET /integration/v2/tracking/{track_id}``);
- ``findBy?original_sku`` of an unknown SKU answering an empty list or a 404: both are
  "no product"; a create refused at once as "not unique" is looked up and adopted;
- updateSkus answering per entry or refusing the whole batch: both are read
  (:mod:`listsync_tiki.offers`);
- photos: Tiki has no upload call, so local photos need ``image_base_url``
  (:mod:`listsync_tiki.mapping`);
- stock includes the units open orders hold (Tiki's inventory guide), so
  ``stock_includes_reserved`` is true (:mod:`listsync_tiki.offers`);
- orders: see :mod:`listsync_tiki.orders` (windows, statuses, money, the seller SKU).

``listsync auth tiki`` works for both app types: a public app sends the seller to Tiki's
consent page (:meth:`TikiChannel.authorization_url`) and finishes with the address the
browser came back to (:meth:`TikiChannel.authorize`); an in-house app needs no browser
(``needs_consent`` is false): :meth:`TikiChannel.authorize` takes client credentials.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from datetime import datetime
from urllib.parse import urlencode, urlsplit, urlunsplit

from listsync.catalog.model import Product
from listsync.channel.consent import consent_code
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
from listsync_tiki import DEFAULT_RATE
from listsync_tiki.auth import TokenKeeper
from listsync_tiki.client import TikiClient
from listsync_tiki.errors import CHANNEL
from listsync_tiki.listings import Listings
from listsync_tiki.mapping import Mapper, load_mapping
from listsync_tiki.offers import Offers
from listsync_tiki.orders import Orders
from listsync_tiki.settings import TikiSettings

MIN_STATE = 8  # Tiki (Ory Hydra) refuses a shorter `state`


class TikiChannel:
    name = CHANNEL

    def __init__(self, settings: TikiSettings, context: ChannelContext):
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
        self.needs_consent = settings.app_type == "public"
        self.client = TikiClient(settings, context, rate=rate)
        self.keeper = TokenKeeper(self.client, context.tokens, context.clock, settings)
        self.mapper = Mapper(
            load_mapping(settings.mapping_file),
            warehouse_id=settings.warehouse_id,
            workspace=context.workspace,
            image_base_url=settings.image_base_url,
            language=settings.language,
            inventory_type=settings.inventory_type,
            auto_turn_on=settings.activate_approved,
        )
        self.listings = Listings(
            self.client,
            context.clock,
            activate=settings.activate_approved,
            page_size=settings.request_page_size,
        )
        self.offers = Offers(self.client, settings.warehouse_id, settings.offer_batch)
        self.orders = Orders(self.client, settings.order_page_size)
        self._units: dict[str, tuple[str, ...]] = {}
        self._state: str | None = None
        self._redirect: str | None = None

    @property
    def shop_id(self) -> str:
        return self.keeper.shop_id

    # -- listings ----------------------------------------------------------------------
    def map_product(self, product: Product) -> Draft:
        draft = self.mapper.map(product, self.name)
        self._units[draft.product_sku] = tuple(offer.sku for offer in draft.offers)
        return draft

    def find_listing(self, product_sku: str, unit_skus: Sequence[str] = ()) -> RemoteListing | None:
        skus = list(unit_skus) or list(self._units.get(product_sku, ())) or [product_sku]
        return self.listings.find(product_sku, skus)

    def _checked(self, draft: Draft) -> Draft:
        if not draft.ok:
            raise NotListable(
                _("{sku} cannot be listed on Tiki: {problems}").format(
                    sku=draft.product_sku, problems="; ".join(str(p) for p in draft.problems)
                ),
                channel=CHANNEL,
                call="map_product",
                sku=draft.product_sku,
            )
        self._units[draft.product_sku] = tuple(offer.sku for offer in draft.offers)
        return draft

    def create_listing(self, draft: Draft) -> RemoteListing:
        return self.listings.create(self._checked(draft), self.find_listing)

    def update_listing(self, listing: RemoteListing, draft: Draft) -> RemoteListing:
        return self.listings.update(listing, self._checked(draft), self.find_listing)

    def review_state(self, listing: RemoteListing) -> RemoteListing:
        return self.listings.review_state(listing, self.find_listing)

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
        """Tiki's consent page for a public app; an in-house app has none (empty)."""
        if not self.needs_consent:
            return ""
        self._state = secrets.token_urlsafe(12)
        self._redirect = redirect_url
        assert len(self._state) >= MIN_STATE
        query = {
            "response_type": "code",
            "client_id": self.settings.client_id,
            "redirect_uri": redirect_url,
            "scope": self.settings.scope,
            "state": self._state,
        }
        return f"{self.settings.authorize_url}?{urlencode(query)}"

    def authorize(self, redirected_url: str) -> str:
        """Connect the shop; returns Tiki's seller id. A public app reads the consent code
        from the address the seller was sent back to; an in-house app takes client
        credentials and ignores the address."""
        if not self.needs_consent:
            return self.keeper.connect_in_house()
        code = consent_code(redirected_url, channel=CHANNEL, marketplace="Tiki", state=self._state)
        parts = urlsplit(redirected_url.strip())
        redirect_uri = self._redirect or urlunsplit(parts._replace(query="", fragment=""))
        return self.keeper.exchange(code, redirect_uri)

    def close(self) -> None:
        self.client.close()
