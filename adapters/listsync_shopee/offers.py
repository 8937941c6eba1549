"""Stock and price on Shopee: absolute sets, one item per call, at most 50 models a call.

``update_price`` / ``update_stock`` answer ``success_list`` and ``failure_list``; each
SKU's result is read from them, so one refused model (a price outside the category's
range, a stock over the limit) fails alone. Both calls set values absolutely, so they are
retried on passing failures and a failed one is simply sent again next run.

Shopee's seller stock includes the units held by open orders (it refuses a stock below
them; UNCONFIRMED beyond that rule, and the sandbox does the same): buyers can take
``stock - reserved``. The channel says so (``limits.stock_includes_reserved``) and the
engine adds back what this shop's open orders hold; the figure is sent as given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from listsync.channel.contract import OfferResult, OfferUpdate
from listsync.errors import AuthError, RateLimited, RejectedError, TransientError
from listsync.i18n import _
from listsync_shopee.client import ShopeeClient
from listsync_shopee.errors import Subject
from listsync_shopee.listings import Listings

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
                call, "POST", P + call, json=body, idempotent=True, subject=subject
            )
        except RateLimited as error:
            if error.quota_exhausted:
                raise
            return {e.sku: str(error) for e in batch}
        except AuthError:
            raise
        except (RejectedError, TransientError) as error:
            return {e.sku: str(error) for e in batch}
        succeeded = {_int(row.get("model_id")) for row in reply.get("success_list") or []}
        reasons = {
            _int(row.get("model_id")): str(row.get("failed_reason") or "")
            for row in reply.get("failure_list") or []
        }
        refused: dict[str, str] = {}
        for entry in batch:
            if entry.model_id in succeeded:
                continue
            reason = reasons.get(entry.model_id) or _("Shopee did not confirm the change")
            refused[entry.sku] = _("Shopee refused {what} {value} for SKU {sku}: {reason}").format(
                what=what, value=entry.value, sku=entry.sku, reason=reason
            )
        return refused


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1
