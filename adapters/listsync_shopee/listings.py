"""Listings on Shopee: find by seller SKU, create, update, read the review state.

A product with variants takes two calls: ``add_item``, then ``init_tier_variation`` with
one model per variant (``model_sku`` = the variant's SKU). If the second call fails after
the first succeeded, the item exists without its variants; :class:`UnknownOutcome` then
sends the engine to :meth:`Listings.find`, which adopts the item, and
:meth:`Listings.update` adds the missing variants.

``search_item`` may match SKUs loosely and lags behind new items (its index is not
instant); the match is checked exactly against ``item_sku`` from ``get_item_base_info``.

Every reply is read into its model in :mod:`listsync_shopee.replies` (a reply that does not
fit is a MalformedReply naming the call). Items and models become :class:`RemoteItem` /
:class:`RemoteModel`; their weight comes as a string (``"10.02"`` kg) and is kept as a
Decimal (a number is read too). Before a draft is sent, its attributes are settled against
the category's live attribute tree (value id or free text, see
:func:`listsync_shopee.mapping.resolve_attributes`), read once per category and run like
the live limits. Whether Shopee refuses a second item with an SKU it already lists is not
documented (UNCONFIRMED): when a create is refused as a duplicate (``error_repeated_mtsku``,
"A similar product has already been uploaded"), the SKU is looked up and the listing found
is adopted; if none carries the SKU, the refusal stands (a similar product under another
SKU is for the seller to sort out).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from listsync.catalog.model import sku_key as _key
from listsync.channel.contract import Draft, ListingState, RemoteListing
from listsync.errors import NotListable, RejectedError, UnknownOutcome
from listsync.i18n import _
from listsync.replies import parse_reply
from listsync_shopee.categories import AttributeSpec, CategoryMap, Limits, attribute_tree
from listsync_shopee.client import ShopeeClient
from listsync_shopee.errors import CHANNEL, Duplicate, ImageMissing, Subject, refusal
from listsync_shopee.images import ImageStore
from listsync_shopee.mapping import check_limits, resolve_attributes
from listsync_shopee.replies import (
    AddedItem,
    AttributeTree,
    ItemBaseInfo,
    ItemInfo,
    ItemLimit,
    ModelInfo,
    ModelList,
    SearchItem,
    UpdatedItem,
)

log = logging.getLogger("listsync.shopee")
P = "/api/v2/product/"
STATES = {
    "NORMAL": ListingState.LIVE,
    "UNLIST": ListingState.LIVE,
    "REVIEWING": ListingState.IN_REVIEW,
    "BANNED": ListingState.REJECTED,
    "SELLER_DELETE": ListingState.REJECTED,
    "SHOPEE_DELETE": ListingState.REJECTED,
}
DELETED = ("SELLER_DELETE", "SHOPEE_DELETE")
CONTENT = (
    "item_name",
    "description",
    "weight",
    "category_id",
    "item_sku",
    "condition",
    "logistic_info",
    "attribute_list",
    "brand",
    "dimension",
)
SEARCH_PAGES = 10
T = TypeVar("T")


@dataclass(frozen=True)
class RemoteItem:
    """An item as ``get_item_base_info`` answers it (the fields listsync reads)."""

    item_id: int
    sku: str
    status: str
    has_model: bool
    create_time: int
    weight: Decimal | None  # kg

    @classmethod
    def of(cls, info: ItemInfo) -> RemoteItem:
        return cls(
            item_id=info.item_id,
            sku=info.item_sku,
            status=info.item_status,
            has_model=info.has_model,
            create_time=info.create_time,
            weight=info.weight,
        )

    @classmethod
    def from_api(cls, info: Mapping[str, Any]) -> RemoteItem:
        """One raw ``item_list`` entry; MalformedReply if it does not fit the page."""
        return cls.of(parse_reply(ItemInfo, info, channel=CHANNEL, call="get_item_base_info"))


@dataclass(frozen=True)
class RemoteModel:
    """A model as ``get_model_list`` answers it (the fields listsync reads)."""

    model_id: str
    sku: str
    weight: Decimal | None  # kg; the model's own, sent as a string

    @classmethod
    def of(cls, row: ModelInfo) -> RemoteModel:
        return cls(model_id=str(row.model_id), sku=row.model_sku, weight=row.weight)

    @classmethod
    def from_api(cls, row: Mapping[str, Any]) -> RemoteModel:
        """One raw ``model`` entry; MalformedReply if it does not fit the page."""
        return cls.of(parse_reply(ModelInfo, row, channel=CHANNEL, call="get_model_list"))


class Listings:
    def __init__(self, client: ShopeeClient, images: ImageStore, mapping: CategoryMap):
        self.client = client
        self.images = images
        self.mapping = mapping
        self._limits: dict[int, Limits] = {}
        self._trees: dict[int, dict[int, AttributeSpec]] = {}

    # -- reads ------------------------------------------------------------------------
    def find(self, product_sku: str) -> RemoteListing | None:
        ids = self._search(product_sku)
        if not ids:
            return None
        matches = [
            item
            for item in self.items(ids)
            if _key(item.sku) == _key(product_sku) and item.status not in DELETED
        ]
        if not matches:
            return None
        matches.sort(key=lambda item: (item.create_time, item.item_id))
        if len(matches) > 1:
            log.warning(
                "shopee: %d listings carry SKU %s (items %s); using the oldest",
                len(matches),
                product_sku,
                ", ".join(str(item.item_id) for item in matches),
            )
        return self._listing(product_sku, matches[0])

    def _search(self, product_sku: str) -> list[int]:
        ids: list[int] = []
        offset = ""
        for _page in range(SEARCH_PAGES):
            params = [("item_sku", product_sku), ("page_size", 100), ("offset", offset or "0")]
            reply = self.client.shop(
                "search_item",
                "GET",
                P + "search_item",
                params=params,
                idempotent=True,
                reply=SearchItem,
            )
            ids.extend(reply.item_id_list)
            next_offset = reply.next_offset or ""
            if not next_offset or next_offset == offset:
                break
            offset = next_offset
        return ids

    def base_info(self, ids: list[int]) -> list[dict[str, Any]]:
        """Each item's ``get_item_base_info`` entry, checked against :class:`ItemInfo`, as a
        mapping (undocumented fields as Shopee sent them)."""
        return [info.model_dump(by_alias=True) for info in self.item_infos(ids)]

    def item_infos(self, ids: list[int]) -> list[ItemInfo]:
        found: list[ItemInfo] = []
        for start in range(0, len(ids), 50):
            chunk = ",".join(str(i) for i in ids[start : start + 50])
            reply = self.client.shop(
                "get_item_base_info",
                "GET",
                P + "get_item_base_info",
                params=[("item_id_list", chunk)],
                idempotent=True,
                reply=ItemBaseInfo,
            )
            found.extend(reply.item_list)
        return found

    def items(self, ids: list[int]) -> list[RemoteItem]:
        return [RemoteItem.of(info) for info in self.item_infos(ids)]

    def model_list(self, item_id: int) -> list[RemoteModel]:
        reply = self.client.shop(
            "get_model_list",
            "GET",
            P + "get_model_list",
            params=[("item_id", item_id)],
            idempotent=True,
            reply=ModelList,
        )
        return [RemoteModel.of(row) for row in reply.model]

    def models(self, item_id: int) -> dict[str, str]:
        """Variant SKU -> model id of an item with variants (empty when it has none)."""
        return {model.sku: model.model_id for model in self.model_list(item_id) if model.sku}

    def units_of(self, item_id: int) -> dict[str, str]:
        """Seller SKU -> model id of one item ("0" for an item without variants)."""
        models = self.models(item_id)
        if models:
            return models
        return {item.sku: "0" for item in self.items([item_id]) if item.sku and not item.has_model}

    def _listing(self, product_sku: str, item: RemoteItem) -> RemoteListing:
        units = self.models(item.item_id) if item.has_model else {product_sku: "0"}
        state, reasons = _state(item.status)
        return RemoteListing(product_sku, str(item.item_id), state, units=units, reasons=reasons)

    def review(self, listing: RemoteListing) -> RemoteListing:
        found = self.items([int(listing.remote_id)])
        if not found:
            return RemoteListing(
                listing.product_sku,
                listing.remote_id,
                ListingState.REJECTED,
                units=listing.units,
                reasons=(_("the listing is not on Shopee any more"),),
            )
        state, reasons = _state(found[0].status)
        return RemoteListing(
            listing.product_sku, listing.remote_id, state, units=listing.units, reasons=reasons
        )

    def limits(self, category_id: int) -> Limits:
        """The shop's live limits for a category (``get_item_limit``), read once per run."""
        if category_id not in self._limits:
            reply = self.client.shop(
                "get_item_limit",
                "GET",
                P + "get_item_limit",
                params=[("category_id", category_id)],
                idempotent=True,
                reply=ItemLimit,
            )
            self._limits[category_id] = Limits.from_api(reply)
        return self._limits[category_id]

    def attributes(self, category_id: int) -> dict[int, AttributeSpec]:
        """The category's live attribute tree (``get_attribute_tree``), read once per run."""
        if category_id not in self._trees:
            reply = self.client.shop(
                "get_attribute_tree",
                "GET",
                P + "get_attribute_tree",
                params=[("category_id_list", category_id)],
                idempotent=True,
                reply=AttributeTree,
            )
            self._trees[category_id] = attribute_tree(reply, category_id)
        return self._trees[category_id]

    # -- writes -----------------------------------------------------------------------
    def create(self, draft: Draft) -> RemoteListing:
        subject = self._subject(draft)
        item = self._check(draft, subject)
        payload = draft.payload
        try:
            reply = self._with_images(
                draft.payload["images"],
                subject,
                lambda image_ids: self.client.shop(
                    "add_item",
                    "POST",
                    P + "add_item",
                    json={**item, "image": {"image_id_list": image_ids}},
                    idempotent=False,
                    subject=subject,
                    reply=AddedItem,
                ),
            )
        except Duplicate:
            found = self.find(draft.product_sku)
            if found is None:
                raise
            log.info(
                "shopee: SKU %s is already item %s; adopted", draft.product_sku, found.remote_id
            )
            return found
        item_id = reply.item_id
        units = {draft.product_sku: "0"}
        if payload["models"]:
            try:
                units = self._init_models(item_id, draft, subject)
            except RejectedError as error:
                raise UnknownOutcome(
                    _(
                        "SKU {sku} was created on Shopee as item {item}, but its variants were"
                        " refused ({error}); it will be looked up and completed"
                    ).format(sku=draft.product_sku, item=item_id, error=error.detail),
                    channel=CHANNEL,
                    call="init_tier_variation",
                ) from None
        state, reasons = _state(reply.item_status)
        return RemoteListing(draft.product_sku, str(item_id), state, units=units, reasons=reasons)

    def update(self, listing: RemoteListing, draft: Draft) -> RemoteListing:
        subject = self._subject(draft)
        item = self._check(draft, subject)
        item_id = int(listing.remote_id)
        content = {k: v for k, v in item.items() if k in CONTENT}
        reply = self._with_images(
            draft.payload["images"],
            subject,
            lambda image_ids: self.client.shop(
                "update_item",
                "POST",
                P + "update_item",
                json={"item_id": item_id, **content, "image": {"image_id_list": image_ids}},
                idempotent=True,
                subject=subject,
                reply=UpdatedItem,
            ),
        )
        wanted = {model["model_sku"] for model in draft.payload["models"]}
        units = self.models(item_id)
        if wanted and not units:
            units = self._init_models(item_id, draft, subject)
        elif {_key(s) for s in wanted} != {_key(s) for s in units}:
            raise NotListable(
                refusal(
                    subject,
                    _(
                        "its variants on Shopee ({remote}) differ from the catalog ({local});"
                        " adding or removing variants of an existing listing is not supported"
                        " yet: change them in Shopee Seller Centre"
                    ).format(
                        remote=", ".join(sorted(units)) or "-",
                        local=", ".join(sorted(wanted)) or "-",
                    ),
                ),
                channel=CHANNEL,
                call="update_item",
                sku=draft.product_sku,
            )
        if not wanted:
            units = {draft.product_sku: "0"}
        state, reasons = _state(reply.item_status)
        return RemoteListing(draft.product_sku, str(item_id), state, units=units, reasons=reasons)

    def _init_models(self, item_id: int, draft: Draft, subject: Subject) -> dict[str, str]:
        def send(option_ids: list[str]) -> ModelList:
            tiers = copy.deepcopy(list(draft.payload["tier_variation"]))
            for option, image_id in zip(tiers[0]["option_list"], option_ids, strict=False):
                option["image"] = {"image_id": image_id}
            return self.client.shop(
                "init_tier_variation",
                "POST",
                P + "init_tier_variation",
                json={
                    "item_id": item_id,
                    "tier_variation": tiers,
                    "model": draft.payload["models"],
                },
                idempotent=False,
                subject=subject,
                reply=ModelList,
            )

        reply = self._with_images(draft.payload.get("option_images") or [], subject, send)
        return {model.model_sku: str(model.model_id) for model in reply.model if model.model_sku}

    def _with_images(
        self,
        images: list[dict[str, Any]],
        subject: Subject,
        send: Callable[[list[str]], T],
    ) -> T:
        """Send with the photos' ids; when Shopee forgot one, upload again and retry once."""
        image_ids = self.images.ids(images, subject)
        try:
            return send(image_ids)
        except ImageMissing:
            self.images.forget(image_ids)
        return send(self.images.ids(images, subject))

    def _subject(self, draft: Draft) -> Subject:
        item = draft.payload["item"]
        rule = self.mapping.by_id(int(item.get("category_id") or 0))
        names = {a.attribute_id: a.name for a in rule.attributes} if rule else {}
        category = draft.payload.get("category_name") or str(item.get("category_id"))
        return Subject(sku=draft.product_sku, category=category, attributes=names)

    def _check(self, draft: Draft, subject: Subject) -> dict[str, Any]:
        """The item to send: a draft with problems is refused, its limits re-checked against
        the shop's live ones and its attributes settled against the live attribute tree."""
        problems = list(draft.problems)
        item = dict(draft.payload["item"])
        if not problems:
            category_id = int(item["category_id"])
            problems = check_limits(
                draft.product_sku, dict(draft.payload), self.limits(category_id)
            )
            if item.get("attribute_list"):
                item["attribute_list"], found = resolve_attributes(
                    draft.product_sku, list(item["attribute_list"]), self.attributes(category_id)
                )
                problems.extend(found)
        if problems:
            raise NotListable(
                _("SKU {sku} cannot be listed on Shopee as it stands: {problems}").format(
                    sku=draft.product_sku,
                    problems="; ".join(f"{p.field}: {p.message}" for p in problems),
                ),
                channel=CHANNEL,
                call="add_item",
                sku=draft.product_sku,
            )
        return item


def _state(status: str) -> tuple[ListingState, tuple[str, ...]]:
    state = STATES.get(status, ListingState.LIVE)
    if status == "BANNED":
        return state, (_("Shopee banned the listing"),)
    if status in DELETED:
        return state, (_("the listing was deleted on Shopee ({status})").format(status=status),)
    return state, ()
