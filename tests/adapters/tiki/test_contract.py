"""The core's channel contract, run against the Tiki sandbox."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from listsync_tiki import plugin

from listsync.catalog.model import Product
from listsync.channel.contract import Channel, OfferUpdate, RemoteListing
from listsync.channel.suite import ChannelContract

PHOTO = "https://photos.htx-sen.example.vn/tra-sen/hop-qua.png"


class TestTikiContract(ChannelContract):
    plugin = plugin
    create_path = "/integration/v2.1/requests"
    cancelled_status = "canceled"
    token_lifetime = timedelta(hours=1)  # the sandbox's access token (docs/marketplaces/tiki.md)

    def product(self, sku: str = "LT-CONTRACT") -> Product:
        """The suite's sample with its photo on the web: Tiki takes photo addresses only."""
        return super().product(sku).model_copy(update={"images": (PHOTO,)})

    def publish(self, channel: Channel, product: Product, stock: int = 20) -> RemoteListing:
        """Create, let Tiki's review pass (the sandbox's review takes no time unless told),
        then set stock: a product in review has nothing to sell yet."""
        draft = channel.map_product(product)
        assert draft.ok, draft.problems
        listing = channel.review_state(channel.create_listing(draft))
        offers = [OfferUpdate(listing, dataclasses.replace(o, stock=stock)) for o in draft.offers]
        assert all(result.ok for result in channel.set_offers(offers))
        return listing
