"""Listings on Lazada: find by seller SKU, create, update, read the review state.

Lazada finds SKUs, not products: a product SKU is looked up with ``/products/get`` by
``sku_seller_list`` (itself and every unit SKU known for it, at most ``MAX_LOOKUP``), and
:meth:`Listings.remember` keeps which unit SKUs each mapped product stands for. A create
refused because a seller SKU exists already looks the product up and adopts it.

What the reference pages say and the adapter follows (docs/marketplaces/lazada.md,
"Settled against the documentation"):
- UpdateProduct answers ``item_status`` and ``variation``, no SKU ids: when an update adds
  SKUs, their ids are read back with GetProductItem;
- GetProductItem's sample writes ``itemId``/``rejectReason`` in camel case where its field
  list says ``item_id``: both are read, and a listing keeps the item id it was asked for;
- a category's attributes (GetCategoryAttributes) are read once per category before a
  product is sent, and a missing mandatory one or a value outside a select's options is
  refused before any image is uploaded.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from listsync.channel.contract import Draft, ListingState, RemoteListing
from listsync.errors import NotListable, UnknownOutcome
from listsync.i18n import _
from listsync_lazada.client import LazadaClient
from listsync_lazada.errors import CHANNEL, LazadaRejected
from listsync_lazada.images import ImageStore
from listsync_lazada.mapping import CategoryAttribute, attribute_problems, category_attributes
from listsync_lazada.payload import dump
from listsync_lazada.replies import (
    CategoryAttributesReply,
    CreateReply,
    ProductItem,
    ProductItemReply,
    ProductsReply,
    RemoteProduct,
    UpdateReply,
)
from listsync_lazada.settings import LazadaSettings

log = logging.getLogger("listsync.lazada")
MAX_LOOKUP = 100  # seller SKUs one ``sku_seller_list`` may hold
MAX_PAGE = 50  # products a /products/get page holds
IN_REVIEW = {"pending", "pending qc", "pending_qc"}
REJECTED = {"rejected", "live_rejected", "suspended", "banned", "lock"}
GONE = {"deleted"}
LANGUAGE_CODES = {"vi": "vi_VN", "en": "en_US"}


def _state(status: Any) -> ListingState:
    word = str(status or "").strip().lower()
    if word in IN_REVIEW:
        return ListingState.IN_REVIEW
    if word in REJECTED:
        return ListingState.REJECTED
    return ListingState.LIVE


class Listings:
    def __init__(self, client: LazadaClient, images: ImageStore, settings: LazadaSettings):
        self.client = client
        self.images = images
        self.settings = settings
        self._units: dict[str, tuple[str, ...]] = {}
        self._attributes: dict[str, tuple[CategoryAttribute, ...]] = {}

    def remember(self, draft: Draft) -> None:
        """Lazada finds SKUs, not products: keep which unit SKUs a product SKU stands for."""
        self._units[draft.product_sku] = tuple(offer.sku for offer in draft.offers)

    def find(self, product_sku: str, unit_skus: Sequence[str] = ()) -> RemoteListing | None:
        known = (*unit_skus, *self._units.get(product_sku, ()))
        wanted = list(dict.fromkeys([product_sku, *known]))
        if len(wanted) > MAX_LOOKUP:
            wanted = [product_sku, *wanted[1:MAX_LOOKUP]]
        body = self.client.call(
            "get_products",
            "/products/get",
            {
                "filter": "all",
                "limit": "50",
                "sku_seller_list": json.dumps(wanted, ensure_ascii=False),
            },
            idempotent=True,
            sku=product_sku,
            reply=ProductsReply,
        )
        products = [p for p in body.data.products if p.status.lower() not in GONE]
        if not products:
            return None
        by_model = [p for p in products if p.attributes and p.attributes.model == product_sku]
        chosen = (by_model or products)[0]
        if len(products) > 1:
            log.warning(
                "lazada: seller SKUs of %s are spread over %d products; using item %s",
                product_sku,
                len(products),
                chosen.item_id,
            )
        return self._listing(chosen, product_sku, chosen.item_id)

    def _listing(self, item: RemoteProduct, product_sku: str, remote_id: str) -> RemoteListing:
        units = {sku.seller_sku: sku.sku_id for sku in item.skus if sku.seller_sku}
        return RemoteListing(product_sku, remote_id, _state(item.status), units, item.reasons)

    def item(self, item_id: str, sku: str) -> ProductItem:
        """GetProductItem's ``data`` for one item of this shop."""
        body = self.client.call(
            "get_product_item",
            "/product/item/get",
            {"item_id": item_id},
            idempotent=True,
            sku=sku,
            reply=ProductItemReply,
        )
        return body.data

    def _check_attributes(self, draft: Draft) -> None:
        """Refuse, before any upload, what the category's attribute list says Lazada refuses."""
        if not draft.ok:
            return  # _tree says why
        product = draft.payload["Request"]["Product"]
        category = str(product.get("PrimaryCategory") or "")
        if not category:
            return
        known = self._attributes.get(category)
        if known is None:
            body = self.client.call(
                "get_category_attributes",
                "/category/attributes/get",
                {
                    "primary_category_id": category,
                    "language_code": LANGUAGE_CODES.get(self.settings.language, "en_US"),
                },
                idempotent=True,
                seller=False,
                sku=draft.product_sku,
                reply=CategoryAttributesReply,
            )
            known = self._attributes[category] = category_attributes(body.data)
        problems = attribute_problems(product.get("Attributes") or {}, known)
        if problems:
            raise NotListable(
                _("{sku} cannot be listed on Lazada: {problems}").format(
                    sku=draft.product_sku, problems="; ".join(problems)
                ),
                channel=CHANNEL,
                call="map_product",
                sku=draft.product_sku,
            )

    def _tree(self, draft: Draft) -> dict[str, Any]:
        """The draft's payload with every image reference replaced by Lazada's URL."""
        if not draft.ok:
            raise NotListable(
                _("{sku} cannot be listed on Lazada: {problems}").format(
                    sku=draft.product_sku, problems="; ".join(str(p) for p in draft.problems)
                ),
                channel=CHANNEL,
                call="map_product",
                sku=draft.product_sku,
            )
        urls = {ref: self.images.url_for(ref, draft.product_sku) for ref in draft.images}
        tree = json.loads(json.dumps(draft.payload, default=str))
        product = tree["Request"]["Product"]
        for holder in [product, *product["Skus"]["Sku"]]:
            if "Images" in holder:
                holder["Images"]["Image"] = [urls[ref] for ref in holder["Images"]["Image"]]
        return tree

    def create(self, draft: Draft) -> RemoteListing:
        self.remember(draft)
        self._check_attributes(draft)
        tree = self._tree(draft)
        try:
            body = self.client.call(
                "create_product",
                "/product/create",
                {"payload": dump(tree, self.settings.payload_format)},
                method="POST",
                idempotent=False,
                sku=draft.product_sku,
                reply=CreateReply,
            )
        except LazadaRejected as exc:
            if not exc.duplicate:
                raise
            found = self.find(draft.product_sku)
            if found is not None:
                log.info(
                    "lazada: %s was listed already; adopting item %s",
                    draft.product_sku,
                    found.remote_id,
                )
                return found
            raise UnknownOutcome(
                _(
                    "Lazada says a seller SKU of {sku} exists already but does not show it "
                    "yet; it will be looked up again before anything is sent"
                ).format(sku=draft.product_sku),
                channel=CHANNEL,
                call="create_product",
            ) from None
        created = body.data
        units = {entry.seller_sku: entry.sku_id for entry in created.sku_list}
        state = _state(created.item_status)
        return RemoteListing(draft.product_sku, created.item_id, state, units)

    def update(self, listing: RemoteListing, draft: Draft) -> RemoteListing:
        self.remember(draft)
        self._check_attributes(draft)
        tree = self._tree(draft)
        product = tree["Request"]["Product"]
        product["ItemId"] = listing.remote_id
        for sku in product["Skus"]["Sku"]:
            unit_id = listing.units.get(sku["SellerSku"])
            if unit_id is not None:
                sku["SkuId"] = unit_id
                sku.pop("quantity", None)  # stock and price belong to set_offers
                sku.pop("price", None)
        body = self.client.call(
            "update_product",
            "/product/update",
            {"payload": dump(tree, self.settings.payload_format)},
            method="POST",
            idempotent=True,
            sku=draft.product_sku,
            reply=UpdateReply,
        )
        units = dict(listing.units)
        for entry in body.data.sku_list:  # not documented; read if it ever comes
            units[entry.seller_sku] = entry.sku_id
        if any(str(sku["SellerSku"]) not in units for sku in product["Skus"]["Sku"]):
            added = self._listing(
                self.item(listing.remote_id, draft.product_sku),
                listing.product_sku,
                listing.remote_id,
            )
            units.update(added.units)
        return RemoteListing(listing.product_sku, listing.remote_id, listing.state, units)

    def review(self, listing: RemoteListing) -> RemoteListing:
        item = self.item(listing.remote_id, listing.product_sku)
        return self._listing(item, listing.product_sku, listing.remote_id)
