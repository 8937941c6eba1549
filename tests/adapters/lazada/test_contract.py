"""The core's channel contract, run against the Lazada sandbox."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from listsync_lazada import plugin

from listsync.catalog.model import Product
from listsync.channel.contract import Channel, OfferUpdate, RemoteListing
from listsync.channel.suite import ChannelContract


class TestLazadaContract(ChannelContract):
    plugin = plugin
    create_path = "/rest/product/create"
    cancelled_status = "canceled"
    # a test app's access token (docs/marketplaces/lazada.md §2.3)
    token_lifetime = timedelta(days=7)

    def publish(self, channel: Channel, product: Product) -> RemoteListing:
        """As the suite's, but with stock to sell: a Draft's offers carry stock 0, because
        the catalog has no stock figure (the ledger does), and the Lazada sandbox does not
        take orders for units it does not have."""
        draft = channel.map_product(product)
        assert draft.ok, draft.problems
        listing = channel.create_listing(draft)
        offers = [OfferUpdate(listing, dataclasses.replace(o, stock=20)) for o in draft.offers]
        assert all(result.ok for result in channel.set_offers(offers))
        return listing
