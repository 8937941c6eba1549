"""Price and stock on Tiki: absolute sets, batched, applied at once (never reviewed).

``PUT /integration/v2.1/products/updateSkus`` takes ``{"data": [...]}``, one entry per
product: ``product_id`` (or ``original_sku`` when the product id is not known yet),
``price`` in whole dong, ``seller_warehouse`` and ``warehouse_quantities
[{warehouse_id, qty_available}]`` for the ``warehouse_id`` of the settings (Tiki's
update-product-information guide). The engine sends only what differs from what Tiki last
accepted, and this module cuts it into batches of ``offer_batch`` (the batch size is
UNCONFIRMED: at most 50, the most Tiki is said to take in practice). Each entry's answer
(``state`` "approved" or "failed" with its ``errors``) becomes that SKU's result; a batch
refused as a whole is
read for ``data[i]`` in its messages, and what cannot be told apart fails with Tiki's
words (nothing is re-sent in this run: "Please DO NOT RETRY on 4xx failures").

Stock is what the seller has in the warehouse, units held by open orders included: Tiki's
inventory guide gives ``quantity_available = quantity_sellable + quantity_reserved``,
``qty_available`` being "the actual number of items in stock"
(open.tiki.vn/docs/docs/current/guides/tiki-theory/inventory-type/). So
``ChannelLimits.stock_includes_reserved`` is true and the engine adds back what Tiki's own
open orders hold. :meth:`Offers.read` reads ``qty_available`` of that warehouse from
``GET /integration/v2/products?include=inventory``, a page of 50 products a call.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from listsync.channel.contract import OfferResult, OfferUpdate, RemoteListing
from listsync.errors import UnknownOutcome
from listsync.i18n import _
from listsync_tiki.client import TikiClient
from listsync_tiki.errors import TikiRejected
from listsync_tiki.listings import UPDATE_SKUS_PATH, V2, product_ids

_ENTRY = re.compile(r"data\[(\d+)\]")
READ_PAGE = 50  # products a page (lists: 50 "in practice", UNCONFIRMED)


class Offers:
    def __init__(self, client: TikiClient, warehouse_id: int, batch: int):
        self.client = client
        self.warehouse_id = warehouse_id
        self.batch = batch

    def set(self, updates: Sequence[OfferUpdate]) -> list[OfferResult]:
        results: dict[int, OfferResult] = {}
        ready: list[tuple[int, dict[str, Any]]] = []
        for index, update in enumerate(updates):
            entry, problem = self._entry(update)
            if problem:
                results[index] = OfferResult(update.offer.sku, False, problem)
            elif entry is None:
                results[index] = OfferResult(update.offer.sku, True)
            else:
                ready.append((index, entry))
        for start in range(0, len(ready), self.batch):
            chunk = ready[start : start + self.batch]
            results.update(self._send([updates[i] for i, _e in chunk], chunk))
        return [results[index] for index in range(len(updates))]

    def _entry(self, update: OfferUpdate) -> tuple[dict[str, Any] | None, str]:
        offer = update.offer
        key = next((k for k in update.listing.units if k.casefold() == offer.sku.casefold()), None)
        if key is None:
            return None, _("{sku} is not on Tiki listing {listing}").format(
                sku=offer.sku, listing=update.listing.remote_id
            )
        if update.set_stock and offer.stock < 0:
            return None, _("stock cannot be negative ({stock})").format(stock=offer.stock)
        price = offer.price if update.set_price else None
        if price is not None and price.currency != "VND":
            return None, _("Tiki prices are in VND, not {currency}").format(currency=price.currency)
        entry: dict[str, Any] = {}
        product = product_ids(update.listing).get(key)
        if product:
            entry["product_id"] = int(product)
        else:
            entry["original_sku"] = key
        if price is not None:
            entry["price"] = int(price.amount)
        if update.set_stock:
            entry["seller_warehouse"] = str(self.warehouse_id)
            entry["warehouse_quantities"] = [
                {"warehouse_id": self.warehouse_id, "qty_available": offer.stock}
            ]
        if len(entry) == 1:
            return None, ""
        return entry, ""

    def _send(
        self, updates: list[OfferUpdate], chunk: list[tuple[int, dict[str, Any]]]
    ) -> dict[int, OfferResult]:
        try:
            reply = self.client.call(
                "update_skus",
                "PUT",
                UPDATE_SKUS_PATH,
                body={"data": [entry for _index, entry in chunk]},
                idempotent=True,  # absolute figures: sending them twice changes nothing
            )
        except TikiRejected as exc:
            return self._refused(updates, chunk, exc)
        except UnknownOutcome as exc:
            return {
                index: OfferResult(update.offer.sku, False, exc.detail, unknown=True)
                for update, (index, _entry) in zip(updates, chunk, strict=True)
            }
        rows = reply.get("data") if isinstance(reply, Mapping) else None
        if not isinstance(rows, list):  # an answer without per-entry results: all taken
            return {
                index: OfferResult(update.offer.sku, True)
                for update, (index, _entry) in zip(updates, chunk, strict=True)
            }
        outcome: dict[int, OfferResult] = {}
        for position, (update, (index, entry)) in enumerate(zip(updates, chunk, strict=True)):
            row = _answer_for(rows, position, entry)
            sku = update.offer.sku
            if row is None or str(row.get("state", "approved")).lower() != "failed":
                outcome[index] = OfferResult(sku, True)
                continue
            said = "; ".join(str(e) for e in row.get("errors") or []) or _("no reason given")
            outcome[index] = OfferResult(
                sku, False, _("Tiki refused SKU {sku}: {why}").format(sku=sku, why=said)
            )
        return outcome

    @staticmethod
    def _refused(
        updates: list[OfferUpdate], chunk: list[tuple[int, dict[str, Any]]], exc: TikiRejected
    ) -> dict[int, OfferResult]:
        """A batch refused as a whole: each entry named in the messages fails with its own;
        when no message names an entry, every entry fails with all of them."""
        named: dict[int, list[str]] = {}
        general: list[str] = []
        for message in exc.messages:
            found = _ENTRY.search(message)
            if found:
                named.setdefault(int(found.group(1)), []).append(message)
            else:
                general.append(message)
        outcome = {}
        for position, (update, (index, _entry)) in enumerate(zip(updates, chunk, strict=True)):
            sku = update.offer.sku
            own = named.get(position, [])
            if own or general or not named:
                why = "; ".join(own or general) or exc.detail
                text = _("Tiki refused SKU {sku}: {why}").format(sku=sku, why=why)
                outcome[index] = OfferResult(sku, False, text)
            else:  # the batch was refused for other entries: this one was not taken either
                outcome[index] = OfferResult(
                    sku, False, _("not sent: Tiki refused the batch for other SKUs")
                )
        return outcome

    # -- reading back ------------------------------------------------------------------------
    def read(self, listings: Sequence[RemoteListing]) -> dict[str, int]:
        wanted: dict[str, str] = {}  # product id -> seller SKU
        for listing in listings:
            for sku, product in product_ids(listing).items():
                wanted[product] = sku
        shown: dict[str, int] = {}
        page = 1
        while wanted and len(shown) < len(set(wanted.values())):
            body = self.client.call(
                "get_products",
                "GET",
                f"{V2}/products",
                params={"include": "inventory", "page": str(page), "limit": str(READ_PAGE)},
                idempotent=True,
            )
            rows = body.get("data") if isinstance(body, Mapping) else None
            rows = [row for row in rows or [] if isinstance(row, Mapping)]
            for row in rows:
                pid = str(row.get("product_id") or row.get("id") or "")
                if pid in wanted:
                    figure = self._figure(row)
                    if figure is not None:
                        shown[wanted[pid]] = figure
            paging = body.get("paging") if isinstance(body, Mapping) else None
            last = _whole(paging.get("last_page")) if isinstance(paging, Mapping) else None
            if not rows or last is None or page >= last:
                break
            page += 1
        return shown

    def _figure(self, row: Mapping[str, Any]) -> int | None:
        inventory = row.get("inventory")
        if not isinstance(inventory, Mapping):
            return None
        for entry in inventory.get("warehouse_quantities") or []:
            if isinstance(entry, Mapping) and _whole(entry.get("warehouse_id")) == (
                self.warehouse_id
            ):
                return _whole(entry.get("qty_available"))
        return None


def _whole(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _answer_for(
    rows: list[Any], position: int, entry: Mapping[str, Any]
) -> Mapping[str, Any] | None:
    """The answer row of one entry: matched by product id or seller SKU, else by place."""
    for row in rows:
        if not isinstance(row, Mapping):
            continue
        if "product_id" in entry and str(row.get("product_id")) == str(entry["product_id"]):
            return row
        if (
            "original_sku" in entry
            and str(row.get("original_sku", "")).casefold() == str(entry["original_sku"]).casefold()
        ):
            return row
    if position < len(rows) and isinstance(rows[position], Mapping):
        row = rows[position]
        assert isinstance(row, Mapping)
        return row
    return None
