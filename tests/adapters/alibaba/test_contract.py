"""The core's channel contract, run against the Alibaba.com sandbox."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from listsync_alibaba import plugin

from listsync.catalog.model import B2BTerms, Dimensions, PriceTier, Product
from listsync.channel.contract import Channel
from listsync.channel.suite import ChannelContract, units
from listsync.errors import UnknownOutcome
from listsync.sandbox.harness import SandboxServer


class TestAlibabaContract(ChannelContract):
    plugin = plugin
    create_path = "/sync"  # where alibaba.icbu.product.add goes, with every TOP-named call
    cancelled_status = "trade_close"
    token_lifetime = timedelta(days=10)  # the sandbox's access token (docs/marketplaces)

    def product(self, sku: str = "LT-CONTRACT") -> Product:
        """The suite's sample as a B2B export product: wholesale terms in USD, a box size."""
        tiers = (
            PriceTier(min_quantity=50, usd=Decimal("14.50")),
            PriceTier(min_quantity=200, usd=Decimal("12.80")),
        )
        b2b = B2BTerms(
            min_order_quantity=50,
            unit="box",
            price_tiers=tiers,
            lead_time_days=21,
            supply_per_month=1500,
        )
        return (
            super()
            .product(sku)
            .model_copy(
                update={
                    "b2b": b2b,
                    "dimensions": Dimensions(length_cm=20, width_cm=12, height_cm=8),
                }
            )
        )

    def test_lost_create_reply_is_adopted_not_duplicated(
        self, channel: Channel, server: SandboxServer
    ) -> None:
        """The suite's test, for a gateway where every TOP-named call shares one path: the
        photos are uploaded first (as a create does, and remembered), so the first call to
        /sync of the create is ``alibaba.icbu.product.add``, the one whose answer is lost."""
        product = self.product()
        draft = channel.map_product(product)
        for ref in draft.images:
            channel.images.url_for(ref, product.sku)  # type: ignore[attr-defined]
        server.add_fault(action="drop_after", method="POST", path=self.create_path, nth=1)
        with pytest.raises(UnknownOutcome):
            channel.create_listing(draft)
        found = channel.find_listing(product.sku, units(product))
        assert found is not None
        remote_ids = {u["remote_id"] for u in self.state(server)["listings"]}
        assert remote_ids == {found.remote_id}
