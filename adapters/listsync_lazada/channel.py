"""Lazada as a listsync Channel: client, token keeper, mapping and images tied together.

Orders are read by ``update_after`` windows sorted by ``updated_at`` ascending. After
every page the window moves up to the last order's ``updated_at`` (less a second, so a
bound read as "after" or "after or on" loses nothing) and the offset returns to 0; the
offset only steps through orders sharing that second. Orders updated while we page
move to the end of the list instead of shifting unread ones past us, and the offset
stays far below Lazada's 5,000. Orders read twice are yielded once (unless they changed).

Where docs/marketplaces/lazada.md says UNCONFIRMED, the client takes every variant:
- error bodies are read whatever the HTTP status (200 or 4xx); an HTML page (an IP block)
  is a MalformedReply, retried for reads and UNKNOWN for writes;
- whatever refresh token a refresh returns is stored with its own expiry, so a rotating
  one and a reused one both work; a spent one asks for `listsync auth lazada`;
- order items are folded by SKU, so one row per unit and a row with several units (if a
  ``quantity`` ever appears, it is not read: rows are counted) give the same lines;
- token replies are read at the top level or under ``data``.

What the reference pages say and the adapter follows (docs/marketplaces/lazada.md,
"Settled against the documentation"):
- UpdateProduct answers ``item_status`` and ``variation``, no SKU ids: when an update adds
  SKUs, their ids are read back with GetProductItem;
- a SKU's stock is per warehouse: :meth:`LazadaChannel.stock_levels` sums
  ``multiWarehouseInventories[].sellableQuantity`` (``Available``, then ``quantity``, when a
  reply has no warehouse list); there is no SKU-level ``sellableQuantity``;
- what the seller set (the figure ``price_quantity/update`` takes, open orders' units
  included) is ``multiWarehouseInventories[].totalQuantity``: :meth:`LazadaChannel.read_offers`
  sums it for every SKU of up to 50 listings (and 100 SKUs) per ``/products/get`` call;
- GetProductItem's sample writes ``itemId``/``rejectReason`` in camel case where its field
  list says ``item_id``: both are read, and a listing keeps the item id it was asked for;
- a category's attributes (GetCategoryAttributes) are read once per category before a
  product is sent, and a missing mandatory one or a value outside a select's options is
  refused before any image is uploaded.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from listsync.catalog.model import Product
from listsync.channel.contract import (
    ChannelContext,
    ChannelLimits,
    Draft,
    ListingState,
    Offer,
    OfferResult,
    OfferUpdate,
    Order,
    RemoteListing,
)
from listsync.clock import utc
from listsync.errors import AuthError, RejectedError, TransientError, UnknownOutcome
from listsync.i18n import _
from listsync_lazada import DEFAULT_RATE
from listsync_lazada.auth import TokenKeeper
from listsync_lazada.client import LazadaClient
from listsync_lazada.errors import CHANNEL, LazadaRejected
from listsync_lazada.images import ImageStore
from listsync_lazada.mapping import (
    CategoryAttribute,
    Mapper,
    attribute_problems,
    category_attributes,
    load_mapping,
)
from listsync_lazada.orders import VN, fold, parse_time
from listsync_lazada.payload import dump
from listsync_lazada.replies import (
    CategoryAttributesReply,
    CreateReply,
    LazadaOrder,
    OrderItemsReply,
    OrdersReply,
    PriceQuantityReply,
    ProductItem,
    ProductItemReply,
    ProductsReply,
    RemoteProduct,
    UpdateReply,
)
from listsync_lazada.settings import LazadaSettings

log = logging.getLogger("listsync.lazada")
MAX_OFFSET = 5000
MAX_ITEM_IDS = 50
MAX_LOOKUP = 100
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


def _iso(moment: datetime) -> str:
    return utc(moment).astimezone(VN).isoformat(timespec="seconds")


def _whole(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def sellable_stock(sku: Mapping[str, Any]) -> int | None:
    """What a SKU of GetProducts / GetProductItem has left to sell, as the pages write it.

    The stock lives per warehouse: the sum of ``multiWarehouseInventories[].sellableQuantity``;
    a reply without that list gives ``Available``, then ``quantity``. None: no figure at all.
    """
    warehouses = [w for w in sku.get("multiWarehouseInventories") or [] if isinstance(w, dict)]
    figures = [_whole(w.get("sellableQuantity")) for w in warehouses]
    if warehouses and all(figure is not None for figure in figures):
        return sum(figure for figure in figures if figure is not None)
    for name in ("Available", "quantity"):
        if sku.get(name) not in (None, ""):
            figure = _whole(sku[name])
            if figure is not None:
                return figure
    return None


def total_stock(sku: Mapping[str, Any]) -> int | None:
    """What the seller set for a SKU of GetProducts / GetProductItem, open orders' units
    included: the sum of ``multiWarehouseInventories[].totalQuantity``. None when a reply has
    no warehouse list or a warehouse without that figure (the SKU-level ``quantity`` and
    ``Available`` are what is left to sell, not what was set)."""
    warehouses = [w for w in sku.get("multiWarehouseInventories") or [] if isinstance(w, dict)]
    figures = [_whole(w.get("totalQuantity")) for w in warehouses]
    if not warehouses or any(figure is None for figure in figures):
        return None
    return sum(figure for figure in figures if figure is not None)


def _lookup_chunks(
    listings: Sequence[RemoteListing],
) -> Iterator[list[tuple[RemoteListing, str]]]:
    """(listing, seller SKU) pairs in chunks one ``/products/get`` call can answer: at most
    ``MAX_LOOKUP`` SKUs from at most ``MAX_PAGE`` listings (a listing with more SKUs than
    that is cut over several chunks)."""
    chunk: list[tuple[RemoteListing, str]] = []
    owners = 0
    for listing in listings:
        skus = list(listing.units)
        if chunk and (len(chunk) + len(skus) > MAX_LOOKUP or owners == MAX_PAGE):
            yield chunk
            chunk, owners = [], 0
        owners += 1
        for sku in skus:
            if len(chunk) == MAX_LOOKUP:
                yield chunk
                chunk, owners = [], 1
            chunk.append((listing, sku))
    if chunk:
        yield chunk


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
        self.mapper = Mapper(
            load_mapping(settings.mapping_file), settings.language, settings.payload_format
        )
        self.images = ImageStore(self.client, context.workspace, settings.base_url)
        self._units: dict[str, tuple[str, ...]] = {}
        self._attributes: dict[str, tuple[CategoryAttribute, ...]] = {}
        self._state: str | None = None

    @property
    def shop_id(self) -> str:
        return self.keeper.shop_id

    # -- listings ----------------------------------------------------------------------
    def map_product(self, product: Product) -> Draft:
        draft = self.mapper.map(product, self.name)
        self._remember(draft)
        return draft

    def _remember(self, draft: Draft) -> None:
        """Lazada finds SKUs, not products: keep which unit SKUs a product SKU stands for."""
        self._units[draft.product_sku] = tuple(offer.sku for offer in draft.offers)

    def find_listing(self, product_sku: str, unit_skus: Sequence[str] = ()) -> RemoteListing | None:
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

    def _item(self, item_id: str, sku: str) -> ProductItem:
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
            raise RejectedError(
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
            raise RejectedError(
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

    def create_listing(self, draft: Draft) -> RemoteListing:
        self._remember(draft)
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
            found = self.find_listing(draft.product_sku)
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

    def update_listing(self, listing: RemoteListing, draft: Draft) -> RemoteListing:
        self._remember(draft)
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
                self._item(listing.remote_id, draft.product_sku),
                listing.product_sku,
                listing.remote_id,
            )
            units.update(added.units)
        return RemoteListing(listing.product_sku, listing.remote_id, listing.state, units)

    def review_state(self, listing: RemoteListing) -> RemoteListing:
        item = self._item(listing.remote_id, listing.product_sku)
        return self._listing(item, listing.product_sku, listing.remote_id)

    def stock_levels(self, listing: RemoteListing) -> dict[str, int]:
        """Each SKU's sellable stock at Lazada now (what is left after open orders),
        read the documented way: see :func:`sellable_stock`."""
        item = self._item(listing.remote_id, listing.product_sku)
        levels = {}
        for sku in item.skus:
            if sku.seller_sku:
                stock = sellable_stock(sku.model_dump(by_alias=True))
                if stock is not None:
                    levels[sku.seller_sku] = stock
        return levels

    def read_offers(self, listings: Sequence[RemoteListing]) -> dict[str, int]:
        """What each SKU's stock is set to on Lazada now (see :func:`total_stock`), read with
        ``/products/get`` by ``sku_seller_list``: up to 50 listings and 100 SKUs a call."""
        shown: dict[str, int] = {}
        for chunk in _lookup_chunks(listings):
            wanted = {(listing.remote_id, sku.casefold()): sku for listing, sku in chunk}
            skus = list(dict.fromkeys(sku for _listing, sku in chunk))
            for item in self._products_with(skus):
                item_id = str(item.get("item_id") or item.get("itemId") or "")
                for row in item.get("skus") or []:
                    if not isinstance(row, dict):
                        continue
                    key = (item_id, str(row.get("SellerSku") or "").casefold())
                    figure = total_stock(row)
                    if key in wanted and figure is not None:
                        shown[wanted[key]] = figure
        return shown

    def _products_with(self, skus: list[str]) -> Iterator[dict[str, Any]]:
        """Every product holding one of ``skus`` (at most 100), page by page."""
        offset = 0
        while True:
            body = self.client.call(
                "get_products",
                "/products/get",
                {
                    "filter": "all",
                    "limit": str(MAX_PAGE),
                    "offset": str(offset),
                    "sku_seller_list": json.dumps(skus, ensure_ascii=False),
                },
                idempotent=True,
            )
            data = body.get("data") or {}
            page = [p for p in data.get("products") or [] if isinstance(p, dict)]
            yield from page
            offset += len(page)
            total = _whole(data.get("total_products"))
            if not page or total is None or offset >= min(total, MAX_OFFSET):
                return

    # -- price and stock ---------------------------------------------------------------
    def set_offers(self, updates: Sequence[OfferUpdate]) -> list[OfferResult]:
        results: dict[int, OfferResult] = {}
        ready: list[tuple[int, OfferUpdate]] = []
        for index, update in enumerate(updates):
            problem = self._offer_problem(update)
            if problem:
                results[index] = OfferResult(update.offer.sku, False, problem)
            elif update.set_stock or (update.set_price and update.offer.price is not None):
                ready.append((index, update))
            else:
                results[index] = OfferResult(update.offer.sku, True)
        size = self.limits.offer_batch
        for start in range(0, len(ready), size):
            batch = ready[start : start + size]
            results.update(self._send_offers(batch))
        return [results[index] for index in range(len(updates))]

    @staticmethod
    def _offer_problem(update: OfferUpdate) -> str:
        offer = update.offer
        if offer.sku not in update.listing.units:
            return _("{sku} is not on Lazada item {item} yet: update the listing first").format(
                sku=offer.sku, item=update.listing.remote_id
            )
        if update.set_stock and offer.stock < 0:
            return _("stock cannot be negative ({stock})").format(stock=offer.stock)
        if update.set_price and offer.price is not None and offer.price.currency != "VND":
            return _("Lazada Việt Nam prices are in VND, not {currency}").format(
                currency=offer.price.currency
            )
        return ""

    def _send_offers(self, batch: list[tuple[int, OfferUpdate]]) -> dict[int, OfferResult]:
        skus = []
        for _index, update in batch:
            offer: Offer = update.offer
            sku: dict[str, Any] = {
                "ItemId": update.listing.remote_id,
                "SkuId": update.listing.units[offer.sku],
                "SellerSku": offer.sku,
            }
            if update.set_price and offer.price is not None:
                sku["Price"] = str(int(offer.price.amount))
            if update.set_stock:
                sku["Quantity"] = str(offer.stock)
            skus.append(sku)
        tree = {"Request": {"Product": {"Skus": {"Sku": skus}}}}
        try:
            self.client.call(
                "update_price_quantity",
                "/product/price_quantity/update",
                {"payload": dump(tree, self.settings.payload_format)},
                method="POST",
                idempotent=True,
                reply=PriceQuantityReply,
            )
        except LazadaRejected as exc:
            failed = {
                str(entry.get("seller_sku") or entry.get("SellerSku") or "").casefold(): str(
                    entry.get("message") or exc.code
                )
                for entry in exc.details
            }
            failed.pop("", None)
            outcome = {}
            for index, update in batch:
                sku_name = update.offer.sku
                if not failed:
                    outcome[index] = OfferResult(sku_name, False, str(exc))
                elif sku_name.casefold() in failed:
                    message = _("Lazada refused SKU {sku}: {why}").format(
                        sku=sku_name, why=failed[sku_name.casefold()]
                    )
                    outcome[index] = OfferResult(sku_name, False, message)
                else:
                    outcome[index] = OfferResult(sku_name, True)
            return outcome
        return {index: OfferResult(update.offer.sku, True) for index, update in batch}

    # -- orders ------------------------------------------------------------------------
    def iter_orders(self, since: datetime, until: datetime) -> Iterator[Order]:
        start = utc(since) - timedelta(seconds=1)
        end = _iso(utc(until) + timedelta(seconds=1))
        limit = self.settings.order_page_size
        offset = 0
        seen: dict[str, str] = {}
        while True:
            body = self.client.call(
                "get_orders",
                "/orders/get",
                {
                    "update_after": _iso(start),
                    "update_before": end,
                    "sort_by": "updated_at",
                    "sort_direction": "ASC",
                    "offset": str(offset),
                    "limit": str(limit),
                },
                idempotent=True,
                reply=OrdersReply,
            )
            page = body.data.orders
            fresh = [o for o in page if seen.get(o.order_id) != o.updated_at]
            yield from self._with_items(fresh)
            seen.update((o.order_id, o.updated_at) for o in fresh)
            if len(page) < limit:
                return
            last = parse_time(page[-1].updated_at, page[-1].order_id)
            moved = last.replace(microsecond=0) - timedelta(seconds=1)
            if moved > start:
                start, offset = moved, 0
                continue
            offset += limit
            if offset + limit > MAX_OFFSET:
                raise TransientError(
                    _(
                        "more than {count:,} Lazada orders changed within two seconds around "
                        "{moment}; Lazada cannot page past that"
                    ).format(count=MAX_OFFSET, moment=last.isoformat()),
                    channel=CHANNEL,
                    call="get_orders",
                )

    def _with_items(self, orders: list[LazadaOrder]) -> Iterator[Order]:
        for start in range(0, len(orders), MAX_ITEM_IDS):
            chunk = orders[start : start + MAX_ITEM_IDS]
            ids = ",".join(o.order_id for o in chunk)
            body = self.client.call(
                "get_order_items",
                "/orders/items/get",
                {"order_ids": f"[{ids}]"},
                idempotent=True,
                reply=OrderItemsReply,
            )
            items = {entry.order_id: entry.order_items for entry in body.data}
            for order in chunk:
                yield fold(order, items.get(order.order_id, []))

    # -- authorization -----------------------------------------------------------------
    def authorization_url(self, redirect_url: str) -> str:
        self._state = secrets.token_urlsafe(12)
        query = {
            "response_type": "code",
            "force_auth": "true",
            "redirect_uri": redirect_url,
            "client_id": self.settings.app_key,
            "country": self.settings.country,
            "state": self._state,
        }
        return f"{self.settings.authorize_url}?{urlencode(query)}"

    def authorize(self, redirected_url: str) -> str:
        query = parse_qs(urlsplit(redirected_url.strip()).query)
        if "error" in query:
            raise AuthError(
                _("Lazada did not authorize the shop: {error}").format(
                    error=(query.get("error_description") or query["error"])[0]
                ),
                channel=CHANNEL,
                call="authorize",
            )
        codes = query.get("code")
        if not codes:
            raise AuthError(
                _("the address has no ?code=… from Lazada; paste the whole address you landed on"),
                channel=CHANNEL,
                call="authorize",
            )
        states = query.get("state")
        state = states[0] if states else None
        if self._state is not None and state is not None and state != self._state:
            raise AuthError(
                _("the address belongs to another authorization attempt; start again"),
                channel=CHANNEL,
                call="authorize",
            )
        return self.keeper.exchange(codes[0])

    def close(self) -> None:
        self.client.close()
