"""Stock and price on Lazada: ``price_quantity/update`` in batches, and reading stock back.

:class:`OfferWriter` sends absolute figures, ``offer_batch`` SKUs a call (Lazada takes at
most 50). A SKU the listing does not carry yet, a negative stock or a price not in VND is
refused before any call. When Lazada refuses a batch, its ``detail`` names the refused
SKUs and the others count as set; a refusal naming none fails the whole batch.

What the reference pages say and the adapter follows (docs/marketplaces/lazada.md,
"Settled against the documentation"):
- a SKU's stock is per warehouse: :meth:`OfferReader.sellable` sums
  ``multiWarehouseInventories[].sellableQuantity`` (``Available``, then ``quantity``, when a
  reply has no warehouse list); there is no SKU-level ``sellableQuantity``;
- what the seller set (the figure ``price_quantity/update`` takes, open orders' units
  included) is ``multiWarehouseInventories[].totalQuantity``: :meth:`OfferReader.read`
  sums it for every SKU of up to 50 listings (and 100 SKUs) per ``/products/get`` call.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from listsync.channel.contract import Offer, OfferResult, OfferUpdate, RemoteListing
from listsync.i18n import _
from listsync_lazada.client import LazadaClient
from listsync_lazada.errors import LazadaRejected
from listsync_lazada.listings import MAX_LOOKUP, MAX_PAGE, Listings
from listsync_lazada.payload import dump
from listsync_lazada.replies import PriceQuantityReply
from listsync_lazada.settings import LazadaSettings

MAX_OFFSET = 5000  # how far /products/get is paged


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


class OfferWriter:
    def __init__(self, client: LazadaClient, settings: LazadaSettings):
        self.client = client
        self.settings = settings

    def set(self, updates: Sequence[OfferUpdate]) -> list[OfferResult]:
        results: dict[int, OfferResult] = {}
        ready: list[tuple[int, OfferUpdate]] = []
        for index, update in enumerate(updates):
            problem = self._problem(update)
            if problem:
                results[index] = OfferResult(update.offer.sku, False, problem)
            elif update.set_stock or (update.set_price and update.offer.price is not None):
                ready.append((index, update))
            else:
                results[index] = OfferResult(update.offer.sku, True)
        size = self.settings.offer_batch
        for start in range(0, len(ready), size):
            batch = ready[start : start + size]
            results.update(self._send(batch))
        return [results[index] for index in range(len(updates))]

    @staticmethod
    def _problem(update: OfferUpdate) -> str:
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

    def _send(self, batch: list[tuple[int, OfferUpdate]]) -> dict[int, OfferResult]:
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


class OfferReader:
    def __init__(self, client: LazadaClient, listings: Listings):
        self.client = client
        self.listings = listings

    def sellable(self, listing: RemoteListing) -> dict[str, int]:
        """Each SKU's sellable stock at Lazada now (what is left after open orders),
        read the documented way: see :func:`sellable_stock`."""
        item = self.listings.item(listing.remote_id, listing.product_sku)
        levels = {}
        for sku in item.skus:
            if sku.seller_sku:
                stock = sellable_stock(sku.model_dump(by_alias=True))
                if stock is not None:
                    levels[sku.seller_sku] = stock
        return levels

    def read(self, listings: Sequence[RemoteListing]) -> dict[str, int]:
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
