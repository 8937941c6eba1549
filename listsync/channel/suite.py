"""The contract every channel adapter must keep, as one reusable pytest suite.

An adapter's tests subclass :class:`ChannelContract` with a few lines::

    class TestShopeeContract(ChannelContract):
        plugin = shopee_plugin
        create_path = "/api/v2/product/add_item"
        cancelled_status = "CANCELLED"

The suite starts the adapter's own sandbox on 127.0.0.1, authorizes through the
marketplace's real flow, and checks the behaviour the sync engine relies on: lookups by
seller SKU, creates that are never duplicated when their reply is lost, absolute stock and
price sets, orders counted exactly, and tokens that refresh by themselves. Third-party
adapters can run it too (``pytest`` is then needed).

The adapter's HTTP client runs on a :class:`FakeClock` started at the real time: retries
and rate-limit waits are instant, and signed timestamps stay valid. The sandbox keeps its
own clock, which the suite moves forward to expire tokens.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import pytest
import requests

from listsync.catalog.model import LocalizedText, Product, Variant
from listsync.channel.contract import (
    Channel,
    ChannelContext,
    ChannelPlugin,
    ChannelSettings,
    ListingState,
    Money,
    Offer,
    OfferUpdate,
    OrderState,
    RemoteListing,
)
from listsync.channel.tokens import MemoryTokenStore
from listsync.clock import FakeClock
from listsync.errors import NotListable, UnknownOutcome
from listsync.sandbox.harness import SandboxServer

REDIRECT = "http://127.0.0.1:9/callback"


def units(product: Product) -> list[str]:
    return [unit.sku for unit in product.units()]


class ChannelContract:
    """Subclass and set ``plugin``, ``create_path`` (a glob of the create call's path) and
    ``cancelled_status`` (the marketplace's word for a cancelled order). Override
    ``product()`` when the sample below does not suit the channel's category mapping."""

    plugin: ClassVar[ChannelPlugin]
    create_path: ClassVar[str]
    cancelled_status: ClassVar[str]
    token_lifetime: ClassVar[timedelta] = timedelta(hours=4)

    # -- what a subclass may override ---------------------------------------------
    def product(self, sku: str = "LT-CONTRACT") -> Product:
        return Product(
            sku=sku,
            name=LocalizedText(vi="Trà sen Tây Hồ hộp quà", en="West Lake lotus tea gift box"),
            description=LocalizedText(
                vi="Trà sen Tây Hồ ướp thủ công từ hoa sen Bách Diệp, đạt OCOP 4 sao.",
                en="West Lake lotus tea, scented by hand with Bach Diep lotus flowers.",
            ),
            brand="Sen Tây Hồ",
            category="tea",
            images=(str(Path(__file__).parents[1] / "data" / "sample.png"),),
            weight_g=250,
            price_vnd=250_000,
            attributes={"Hạn sử dụng": "12 tháng", "Xuất xứ": "Việt Nam"},
            variants=(
                Variant(sku=f"{sku}-100", options={"Khối lượng": "100g"}, price_vnd=120_000),
                Variant(sku=f"{sku}-250", options={"Khối lượng": "250g"}, price_vnd=250_000),
            ),
        )

    def settings(self, server: SandboxServer, tmp_path: Path) -> ChannelSettings:
        values = {k: v for k, v in server.describe().items() if k != "channel"}
        return self.plugin.settings_model(enabled=True, **values)

    # -- fixtures -----------------------------------------------------------------
    @pytest.fixture
    def server(self) -> Iterator[SandboxServer]:
        assert self.plugin.sandbox is not None, "the adapter ships no sandbox"
        with SandboxServer(self.plugin.sandbox()) as server:
            yield server

    @pytest.fixture
    def tokens(self) -> MemoryTokenStore:
        return MemoryTokenStore()

    @pytest.fixture
    def channel(
        self, server: SandboxServer, tokens: MemoryTokenStore, tmp_path: Path
    ) -> Iterator[Channel]:
        context = ChannelContext(
            tokens=tokens, clock=FakeClock(datetime.now(UTC)), workspace=tmp_path
        )
        channel = self.plugin.factory(self.settings(server, tmp_path), context)
        consent = requests.get(
            channel.authorization_url(REDIRECT), allow_redirects=False, timeout=10
        )
        assert consent.status_code in (301, 302, 303, 307), consent.text
        channel.authorize(consent.headers["Location"])
        yield channel
        channel.close()

    # -- helpers ------------------------------------------------------------------
    @staticmethod
    def state(server: SandboxServer) -> dict[str, Any]:
        return requests.get(server.root_url + "/_sandbox/state", timeout=10).json()

    @staticmethod
    def amount(value: Any) -> Decimal:
        """A price as the sandbox's state shows it (whole dong, or USD text such as "9.90")."""
        return Decimal(str(value))

    @staticmethod
    def price_for(channel: Channel) -> Money:
        """A price in the channel's own currency (``limits.currency``): never converted."""
        if channel.limits.currency == "VND":
            return Money.vnd(99_000)
        return Money(Decimal("9.90"), channel.limits.currency)

    @staticmethod
    def units_on(server: SandboxServer, sku: str) -> list[dict[str, Any]]:
        return [unit for unit in ChannelContract.state(server)["listings"] if unit["sku"] == sku]

    def publish(self, channel: Channel, product: Product, stock: int = 20) -> RemoteListing:
        draft = channel.map_product(product)
        assert draft.ok, draft.problems
        listing = channel.create_listing(draft)
        offers = [OfferUpdate(listing, replace(offer, stock=stock)) for offer in draft.offers]
        assert all(result.ok for result in channel.set_offers(offers))
        return listing

    # -- the contract -------------------------------------------------------------
    def test_sample_maps_without_problems(self, channel: Channel) -> None:
        draft = channel.map_product(self.product())
        assert draft.ok, [str(p) for p in draft.problems]
        assert {offer.sku for offer in draft.offers} == {u.sku for u in self.product().units()}

    def test_mapping_reports_every_problem_at_once(self, channel: Channel) -> None:
        product = self.product().model_copy(update={"category": "no-such-category-key"})
        draft = channel.map_product(product)
        assert not draft.ok
        assert any(problem.field == "category" for problem in draft.problems)
        assert all(problem.sku == product.sku for problem in draft.problems)

    def test_a_copied_workspace_maps_to_the_same_draft(
        self, server: SandboxServer, tokens: MemoryTokenStore, tmp_path: Path
    ) -> None:
        """Nothing in what decides "changed" depends on where the workspace lies: from a
        copy of the folder elsewhere, a product with its photo in the workspace maps to the
        same content hash, so the copy's next sync sends nothing again."""
        here, there = tmp_path / "here", tmp_path / "elsewhere" / "copy"
        (here / "images").mkdir(parents=True)
        photos = []
        for ref in self.product().images:
            if "://" not in ref:
                shutil.copyfile(ref, here / "images" / Path(ref).name)
                ref = f"images/{Path(ref).name}"
            photos.append(ref)
        product = self.product().model_copy(update={"images": tuple(photos)})
        shutil.copytree(here, there)
        hashes = []
        for root in (here, there):
            context = ChannelContext(
                tokens=tokens, clock=FakeClock(datetime.now(UTC)), workspace=root
            )
            channel = self.plugin.factory(self.settings(server, root), context)
            try:
                draft = channel.map_product(product)
            finally:
                channel.close()
            assert draft.ok, [str(p) for p in draft.problems]
            hashes.append(draft.content_hash)
        assert hashes[0] == hashes[1]

    def test_a_draft_with_problems_is_refused_here_not_by_the_marketplace(
        self, channel: Channel, server: SandboxServer
    ) -> None:
        """A draft that still has problems is the catalog's to fix: a create is refused
        before anything is sent, with NotListable, so it never reads as the marketplace's
        refusal (the core tells the two apart by the error's type)."""
        product = self.product().model_copy(update={"category": "no-such-category-key"})
        draft = channel.map_product(product)
        assert not draft.ok
        with pytest.raises(NotListable):
            channel.create_listing(draft)
        assert server.calls("POST", self.create_path) == []
        assert self.state(server)["listings"] == []

    def test_a_photo_gone_from_this_computer_is_found_before_any_create(
        self, channel: Channel, server: SandboxServer, tmp_path: Path
    ) -> None:
        """A photo the catalog names that is no longer on this computer: a problem of the
        draft, or NotListable from the create; the marketplace is never asked to create."""
        product = self.product().model_copy(update={"images": (str(tmp_path / "gone.png"),)})
        draft = channel.map_product(product)
        if draft.ok:
            with pytest.raises(NotListable):
                channel.create_listing(draft)
        else:
            assert [problem.field for problem in draft.problems] == ["images"]
        assert server.calls("POST", self.create_path) == []
        assert self.state(server)["listings"] == []

    def test_find_unknown_sku_is_none(self, channel: Channel) -> None:
        assert channel.find_listing("NO-SUCH-SKU") is None

    def test_create_then_find(self, channel: Channel, server: SandboxServer) -> None:
        product = self.product()
        created = self.publish(channel, product)
        assert created.state in (ListingState.LIVE, ListingState.IN_REVIEW)
        found = channel.find_listing(product.sku, units(product))
        assert found is not None
        assert found.remote_id == created.remote_id
        assert set(found.units) == {unit.sku for unit in product.units()}
        assert sorted(u["sku"] for u in self.state(server)["listings"]) == sorted(found.units)

    def test_a_create_lists_the_drafts_prices(
        self, channel: Channel, server: SandboxServer
    ) -> None:
        draft = channel.map_product(self.product())
        channel.create_listing(draft)
        prices = {u["sku"]: self.amount(u["price"]) for u in self.state(server)["listings"]}
        assert prices == {o.sku: o.price.amount for o in draft.offers if o.price}

    def test_lost_create_reply_is_adopted_not_duplicated(
        self, channel: Channel, server: SandboxServer
    ) -> None:
        product = self.product()
        draft = channel.map_product(product)
        server.add_fault(action="drop_after", method="POST", path=self.create_path, nth=1)
        with pytest.raises(UnknownOutcome):
            channel.create_listing(draft)
        found = channel.find_listing(product.sku, units(product))
        assert found is not None
        remote_ids = {u["remote_id"] for u in self.state(server)["listings"]}
        assert remote_ids == {found.remote_id}
        assert len(server.calls("POST", self.create_path)) == 1

    def test_update_keeps_one_listing(self, channel: Channel, server: SandboxServer) -> None:
        product = self.product()
        listing = self.publish(channel, product)
        changed = product.model_copy(
            update={"name": LocalizedText(vi="Trà sen Tây Hồ thượng hạng", en="Lotus tea")}
        )
        updated = channel.update_listing(listing, channel.map_product(changed))
        assert updated.remote_id == listing.remote_id
        assert {u["remote_id"] for u in self.state(server)["listings"]} == {listing.remote_id}

    def test_set_offers_is_absolute(self, channel: Channel, server: SandboxServer) -> None:
        """Stock and price end where they were set, however the API takes them (a figure
        or a delta), and setting them twice changes nothing; the price is in the channel's
        currency."""
        product = self.product()
        listing = self.publish(channel, product)
        sku = next(product.units()).sku
        price = self.price_for(channel)
        offer = Offer(sku=sku, stock=7, price=price)
        for _ in range(2):
            results = channel.set_offers([OfferUpdate(listing, offer)])
            assert [(r.sku, r.ok) for r in results] == [(sku, True)]
        (unit,) = self.units_on(server, sku)
        assert (unit["stock"], self.amount(unit["price"])) == (7, price.amount)

    def test_read_offers_shows_what_was_set(self, channel: Channel, server: SandboxServer) -> None:
        """The figure read back is in set_offers' terms, read in batches (never a call per
        SKU), and moves as the marketplace moves it: an open order's units stay in it where
        the channel's figure counts them (``stock_includes_reserved``), else they leave it."""
        assert channel.read_offers([]) == {}
        product = self.product()
        listing = self.publish(channel, product)
        skus = units(product)
        sku = skus[0]
        channel.set_offers([OfferUpdate(listing, Offer(sku=sku, stock=7), set_price=False)])
        before = len(server.calls())
        shown = channel.read_offers([listing])
        assert len(server.calls()) - before == 1
        assert shown == {unit["sku"]: unit["stock"] for unit in self.state(server)["listings"]}
        assert shown[sku] == 7 and set(shown) == set(skus)
        requests.post(
            server.root_url + "/_sandbox/orders", json={"sku": sku, "quantity": 2}, timeout=10
        ).raise_for_status()
        held = 0 if channel.limits.stock_includes_reserved else 2
        assert channel.read_offers([listing]) == {**shown, sku: 7 - held}

    def test_orders_are_counted_exactly(self, channel: Channel, server: SandboxServer) -> None:
        product = self.product()
        listing = self.publish(channel, product)
        created = requests.post(
            server.root_url + "/_sandbox/orders", json={"count": 6, "days": 3}, timeout=10
        ).json()["order_ids"]
        now = server.app.clock.now()
        orders = list(channel.iter_orders(now - timedelta(days=4), now + timedelta(minutes=1)))
        assert sorted(o.order_id for o in orders) == sorted(created)
        for order in orders:
            assert order.lines and all(line.quantity > 0 for line in order.lines)
            assert {line.sku for line in order.lines} <= set(listing.units)
            assert order.total.currency == channel.limits.currency
            assert order.created_at.tzinfo is not None

    def test_cancellation_is_seen(self, channel: Channel, server: SandboxServer) -> None:
        self.publish(channel, self.product())
        (order_id,) = requests.post(
            server.root_url + "/_sandbox/orders", json={"count": 1, "days": 1}, timeout=10
        ).json()["order_ids"]
        response = requests.post(
            f"{server.root_url}/_sandbox/orders/{order_id}/status",
            json={"status": self.cancelled_status},
            timeout=10,
        )
        assert response.ok, response.text
        now = server.app.clock.now()
        (order,) = channel.iter_orders(now - timedelta(days=2), now + timedelta(minutes=1))
        assert order.state is OrderState.CANCELLED

    def test_expired_token_refreshes_itself(
        self, channel: Channel, server: SandboxServer, tokens: MemoryTokenStore
    ) -> None:
        saves = tokens.saves
        server.app.clock.advance((self.token_lifetime + timedelta(minutes=10)).total_seconds())
        assert channel.find_listing("NO-SUCH-SKU") is None
        assert tokens.saves == saves + 1

    def test_review_state_of_a_created_listing(self, channel: Channel) -> None:
        listing = self.publish(channel, self.product())
        again = channel.review_state(listing)
        assert again.remote_id == listing.remote_id
        assert again.state in (ListingState.LIVE, ListingState.IN_REVIEW, ListingState.REJECTED)

    def test_order_story_maps_onto_the_core_states(
        self, channel: Channel, server: SandboxServer
    ) -> None:
        story = type(server.app).order_story
        assert set(story) == {"paid", "shipped", "completed", "cancelled"}, "order_story"
        self.publish(channel, self.product())
        expected = {}
        for ending, statuses in story.items():
            (order_id,) = requests.post(
                server.root_url + "/_sandbox/orders", json={"count": 1, "days": 0}, timeout=10
            ).json()["order_ids"]
            for status in statuses:
                answer = requests.post(
                    f"{server.root_url}/_sandbox/orders/{order_id}/status",
                    json={"status": status},
                    timeout=10,
                )
                assert answer.ok, answer.text
            expected[order_id] = OrderState(ending)
        now = server.app.clock.now()
        orders = channel.iter_orders(now - timedelta(days=1), now + timedelta(minutes=1))
        assert {order.order_id: order.state for order in orders} == expected
