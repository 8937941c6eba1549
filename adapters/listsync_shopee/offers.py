"""Stock and price on Shopee: absolute sets, one item per call, at most 50 models a call.

``update_price`` / ``update_stock`` answer ``success_list`` and ``failure_list``; each
SKU's result is read from them, so one refused model (a price outside the category's
range, a stock over the limit) fails alone. Both calls set values absolutely, so they are
retried on passing failures and a failed one is simply sent again next run.

Shopee's seller stock includes the units held by open orders (it refuses a stock below
them; UNCONFIRMED beyond that rule, and the sandbox does the same): buyers can take
``stock - reserved``. The channel says so (``limits.stock_includes_reserved``) and the
engine adds back what this shop's open orders hold; the figure is sent as given.

What Shopee shows now is read back (:class:`OfferReader`, for the engine's reconciliation)
from ``stock_info_v2.seller_stock``, the figure ``update_stock`` sets: items without
variants through ``get_item_base_info``, 50 items a call; the models of an item with
variants through its ``get_model_list`` (one call per item: Shopee has no batch for models).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from listsync.channel.contract import OfferResult, OfferUpdate, RemoteListing
from listsync.errors import AuthError, RateLimited, RejectedError, TransientError
from listsync.i18n import _
from listsync_shopee.client import ShopeeClient
from listsync_shopee.errors import NotFound, Subject
from listsync_shopee.listings import Listings
from listsync_shopee.replies import BatchResult

log = logging.getLogger("listsync.shopee")

BATCH = 50
P = "/api/v2/product/"


@dataclass
class _Entry:
    sku: str
    model_id: int
    value: int


class OfferWriter:
    def __init__(self, client: ShopeeClient, listings: Listings):
        self.client = client
        self.listings = listings

    def set(self, updates: Sequence[OfferUpdate]) -> list[OfferResult]:
        notes: dict[str, list[str]] = {u.offer.sku: [] for u in updates}
        by_item: dict[str, dict[str, OfferUpdate]] = {}
        for update in updates:
            by_item.setdefault(update.listing.remote_id, {})[update.offer.sku] = update
        for remote_id, chosen in by_item.items():
            for sku, problem in self._item(int(remote_id), chosen).items():
                notes[sku].append(problem)
        return [
            OfferResult(u.offer.sku, not notes[u.offer.sku], "; ".join(notes[u.offer.sku]))
            for u in updates
        ]

    def _item(self, item_id: int, chosen: dict[str, OfferUpdate]) -> dict[str, str]:
        """Send one item's offers; answers the refused SKUs with the reasons."""
        refused: dict[str, str] = {}
        units: dict[str, str] = {}
        for update in chosen.values():
            units.update(update.listing.units)
        if any(sku not in units for sku in chosen):
            units.update(self.listings.units_of(item_id))
        prices: list[_Entry] = []
        stocks: list[_Entry] = []
        for sku, update in chosen.items():
            if sku not in units:
                refused[sku] = _("SKU {sku} is not on Shopee item {item}").format(
                    sku=sku, item=item_id
                )
                continue
            model = int(units[sku])
            price = update.offer.price
            if update.set_price and price is not None:
                if price.currency != "VND":
                    refused[sku] = _("Shopee Vietnam takes prices in VND only")
                else:
                    prices.append(_Entry(sku, model, price.minor))
            if update.set_stock:
                stocks.append(_Entry(sku, model, max(0, update.offer.stock)))
        for call, entries in (("update_price", prices), ("update_stock", stocks)):
            for start in range(0, len(entries), BATCH):
                for sku, problem in self._send(
                    call, item_id, entries[start : start + BATCH]
                ).items():
                    refused[sku] = f"{refused[sku]}; {problem}" if sku in refused else problem
        return refused

    def _send(self, call: str, item_id: int, batch: list[_Entry]) -> dict[str, str]:
        if call == "update_price":
            body: dict[str, Any] = {
                "item_id": item_id,
                "price_list": [{"model_id": e.model_id, "original_price": e.value} for e in batch],
            }
        else:
            body = {
                "item_id": item_id,
                "stock_list": [
                    {"model_id": e.model_id, "seller_stock": [{"stock": e.value}]} for e in batch
                ],
            }
        what = _("price") if call == "update_price" else _("stock")
        subject = Subject(sku=batch[0].sku if len(batch) == 1 else "")
        try:
            reply = self.client.shop(
                call,
                "POST",
                P + call,
                json=body,
                idempotent=True,
                subject=subject,
                reply=BatchResult,
            )
        except RateLimited as error:
            if error.quota_exhausted:
                raise
            return {e.sku: str(error) for e in batch}
        except AuthError:
            raise
        except (RejectedError, TransientError) as error:
            return {e.sku: str(error) for e in batch}
        succeeded = {row.model_id for row in reply.success_list}
        reasons = {row.model_id: row.failed_reason for row in reply.failure_list}
        refused: dict[str, str] = {}
        for entry in batch:
            if entry.model_id in succeeded:
                continue
            reason = reasons.get(entry.model_id) or _("Shopee did not confirm the change")
            refused[entry.sku] = _("Shopee refused {what} {value} for SKU {sku}: {reason}").format(
                what=what, value=entry.value, sku=entry.sku, reason=reason
            )
        return refused


class OfferReader:
    """What each model or item shows on Shopee now, for the engine's reconciliation."""

    def __init__(self, client: ShopeeClient, listings: Listings):
        self.client = client
        self.listings = listings

    def read(self, listings: Sequence[RemoteListing]) -> dict[str, int]:
        shown: dict[str, int] = {}
        plain: dict[int, str] = {}  # item id -> the seller SKU of an item without variants
        for listing in listings:
            if not listing.remote_id.isdigit() or not listing.units:
                continue
            item_id = int(listing.remote_id)
            if all(unit == "0" for unit in listing.units.values()):
                plain[item_id] = next(iter(listing.units))
                continue
            models = self._models(item_id)
            for sku, model_id in listing.units.items():
                if model_id in models:
                    shown[sku] = models[model_id]
        for info in self.listings.base_info(list(plain)):
            found = info.get("item_id")
            stock = seller_stock(info)
            if info.get("has_model") or stock is None:  # an item's own figure, models none
                continue
            if isinstance(found, int) and found in plain:
                shown[plain[found]] = stock
        return shown

    def _models(self, item_id: int) -> dict[str, int]:
        """Model id -> seller stock of one item's models; empty when the item is gone."""
        try:
            reply = self.client.shop(
                "get_model_list",
                "GET",
                P + "get_model_list",
                params=[("item_id", item_id)],
                idempotent=True,
            )
        except NotFound:
            log.warning("shopee: item %s is not on Shopee any more; its stock is not read", item_id)
            return {}
        found: dict[str, int] = {}
        for row in reply.get("model") or []:
            if isinstance(row, dict) and row.get("model_id") is not None:
                stock = seller_stock(row)
                if stock is not None:
                    found[str(row["model_id"])] = stock
        return found


def seller_stock(entry: Mapping[str, Any]) -> int | None:
    """The seller stock of an item or model (``stock_info_v2.seller_stock[].stock``, summed
    over locations): what ``update_stock`` sets. None when the reply holds no such figure."""
    info = entry.get("stock_info_v2")
    rows = info.get("seller_stock") if isinstance(info, dict) else None
    if not isinstance(rows, list) or not rows:
        return None
    figures = [row.get("stock") if isinstance(row, dict) else None for row in rows]
    if not all(isinstance(f, int) and not isinstance(f, bool) for f in figures):
        return None
    return sum(f for f in figures if isinstance(f, int))
