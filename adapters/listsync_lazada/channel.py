"""Lazada as a listsync Channel: client, token keeper, mapping and images tied together.

Orders are read by ``update_after`` windows sorted by ``updated_at`` ascending. After
every page the window moves up to the last order's ``updated_at`` (less a second, so a
bound read as "after" or "after or on" loses nothing) and the offset returns to 0; the
offset only steps through orders sharing that second. Orders updated while we page
move to the end of the list instead of shifting unread ones past us, and the offset
stays far below Lazada's 5,000. Orders read twice are yielded once (unless they changed).

Where lazada.md says UNCONFIRMED, the client takes every variant:
- error bodies are read whatever the HTTP status (200 or 4xx); an HTML page (an IP block)
  is a MalformedReply, retried for reads and UNKNOWN for writes;
- whatever refresh token a refresh returns is stored with its own expiry, so a rotating
  one and a reused one both work; a spent one asks for `listsync auth lazada`;
- order items are folded by SKU, so one row per unit and a row with several units (if a
  ``quantity`` ever appears, it is not read: rows are counted) give the same lines;
- token replies are read at the top level or under ``data``.
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
from listsync_lazada.mapping import Mapper, load_mapping
from listsync_lazada.orders import VN, fold, parse_time
from listsync_lazada.payload import dump
from listsync_lazada.settings import LazadaSettings

log = logging.getLogger("listsync.lazada")
MAX_OFFSET = 5000
MAX_ITEM_IDS = 50
MAX_LOOKUP = 100
IN_REVIEW = {"pending", "pending qc", "pending_qc"}
REJECTED = {"rejected", "live_rejected", "suspended", "banned", "lock"}
GONE = {"deleted"}


def _state(status: Any) -> ListingState:
    word = str(status or "").strip().lower()
    if word in IN_REVIEW:
        return ListingState.IN_REVIEW
    if word in REJECTED:
        return ListingState.REJECTED
    return ListingState.LIVE


def _iso(moment: datetime) -> str:
    return utc(moment).astimezone(VN).isoformat(timespec="seconds")


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
        )
        products = [
            p for p in (body.get("data") or {}).get("products") or [] if isinstance(p, dict)
        ]
        products = [p for p in products if str(p.get("status", "")).lower() not in GONE]
        if not products:
            return None
        by_model = [p for p in products if (p.get("attributes") or {}).get("model") == product_sku]
        chosen = (by_model or products)[0]
        if len(products) > 1:
            log.warning(
                "lazada: seller SKUs of %s are spread over %d products; using item %s",
                product_sku,
                len(products),
                chosen.get("item_id"),
            )
        return self._listing(chosen, product_sku)

    def _listing(self, item: Mapping[str, Any], product_sku: str) -> RemoteListing:
        units = {
            str(sku.get("SellerSku")): str(sku.get("SkuId"))
            for sku in item.get("skus") or []
            if isinstance(sku, dict) and sku.get("SellerSku")
        }
        state = _state(item.get("status"))
        reasons = tuple(str(r) for r in item.get("reject_reason") or [] if r)
        return RemoteListing(product_sku, str(item.get("item_id")), state, units, reasons)

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
        tree = self._tree(draft)
        try:
            body = self.client.call(
                "create_product",
                "/product/create",
                {"payload": dump(tree, self.settings.payload_format)},
                method="POST",
                idempotent=False,
                sku=draft.product_sku,
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
        data = body.get("data") or {}
        units = {
            str(entry.get("seller_sku")): str(entry.get("sku_id"))
            for entry in data.get("sku_list") or []
            if isinstance(entry, dict)
        }
        state = _state(data.get("item_status"))
        return RemoteListing(draft.product_sku, str(data.get("item_id")), state, units)

    def update_listing(self, listing: RemoteListing, draft: Draft) -> RemoteListing:
        self._remember(draft)
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
        )
        data = body.get("data") or {}
        units = dict(listing.units)
        for entry in data.get("sku_list") or []:
            if isinstance(entry, dict) and entry.get("seller_sku"):
                units[str(entry["seller_sku"])] = str(entry.get("sku_id"))
        return RemoteListing(listing.product_sku, listing.remote_id, listing.state, units)

    def review_state(self, listing: RemoteListing) -> RemoteListing:
        body = self.client.call(
            "get_product_item",
            "/product/item/get",
            {"item_id": listing.remote_id},
            idempotent=True,
            sku=listing.product_sku,
        )
        return self._listing(body.get("data") or {}, listing.product_sku)

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
            )
            page = [o for o in (body.get("data") or {}).get("orders") or [] if isinstance(o, dict)]
            fresh = [o for o in page if seen.get(str(o["order_id"])) != str(o.get("updated_at"))]
            yield from self._with_items(fresh)
            seen.update((str(o["order_id"]), str(o.get("updated_at"))) for o in fresh)
            if len(page) < limit:
                return
            last = parse_time(page[-1].get("updated_at"), str(page[-1]["order_id"]))
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

    def _with_items(self, orders: list[dict[str, Any]]) -> Iterator[Order]:
        for start in range(0, len(orders), MAX_ITEM_IDS):
            chunk = orders[start : start + MAX_ITEM_IDS]
            ids = ",".join(str(o["order_id"]) for o in chunk)
            body = self.client.call(
                "get_order_items", "/orders/items/get", {"order_ids": f"[{ids}]"}, idempotent=True
            )
            items: dict[str, list[dict[str, Any]]] = {}
            for entry in body.get("data") or []:
                if isinstance(entry, dict):
                    rows = [r for r in entry.get("order_items") or [] if isinstance(r, dict)]
                    items[str(entry.get("order_id"))] = rows
            for order in chunk:
                yield fold(order, items.get(str(order["order_id"]), []))

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
