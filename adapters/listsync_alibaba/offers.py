"""Stock and prices on Alibaba.com: stock by deltas, read before and after every write.

Alibaba.com takes no absolute stock figure. ``alibaba.icbu.product.inventory.update``
takes ``request_param`` = ``{product_id, inventory_list[{sku_id (-1 without variants),
inventory_code (the warehouse), operate: "plus"|"sub", inventory}]}`` and *moves* the
figure (docs/marketplaces/alibaba.md §4.4). The word ``add`` is a trap: one integrator
found that it answers success and changes nothing, so this module never sends it, and
every write is read back.

Setting a SKU's stock to a target, per product (one call moves all its SKUs):

1. read what Alibaba shows now (``alibaba.icbu.product.inventory.get``, ``product_id`` →
   ``result.data_list[{sku_id, sku_code, inventory_code, inventory}]``: every SKU of the
   product, one call; only the ``inventory_code`` warehouse counts);
2. send target − shown as ``plus`` or ``sub`` for each SKU that differs (nothing when none
   does);
3. read back. A SKU at its target is done. A SKU still at the figure it had before, though
   Alibaba answered success, was not moved: it fails with a sentence (the trap, or a
   gateway that dropped the change) and is not sent again in this run. A SKU at another
   figure moved by itself meanwhile (a sale landed between the read and the write): it is
   left as Alibaba shows it, and the next sync, which reads again, sets it right.

A write is never sent twice blindly. When its answer is lost (the connection broke, a
timeout, a 5xx: the outcome is unknown, the change may have been made), the figure is read
again and a *new* delta computed from it, at most three rounds; so a lost answer whose
change was made sends nothing more, and one whose change was not made sends it once again.
When the outcome still cannot be told (the reads fail too), the SKUs are reported unknown:
the engine forgets what it believed was accepted, and the next sync reads and sets again.
Whatever fails, and however often the sync is run again, the stock ends at the target.
(A gateway whose reads lag its writes would defeat this; Alibaba's are taken as
consistent, UNCONFIRMED.)

The figure is what buyers can still order: units that open orders hold are not in it.
Alibaba.com takes them out when an order is placed or paid and puts them back when it is
closed (its "可售数量", the sellable quantity, "decreases by N when N are ordered; a closed
trade adds them back": a third-party write-up of Alibaba's seller backend, UNCONFIRMED by
Alibaba's API pages). So ``ChannelLimits.stock_includes_reserved`` is false, and the
engine's default ``reserve_from = "payment"`` matches a shop that takes stock at payment.

Prices and tiers go through ``alibaba.icbu.product.update.field`` (``product_id`` and the
fields that change: ``bulk_discount_prices`` from the offer's tiers, and each SKU's
``price`` in ``product_sku.special_skus``), an absolute change, safe to repeat, sent only
when the engine says the price differs from what Alibaba last accepted. Prices are USD; an
offer in any other currency is refused here, never converted.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from listsync.channel.contract import OfferResult, OfferUpdate, RemoteListing
from listsync.errors import (
    AuthError,
    ChannelError,
    RateLimited,
    RejectedError,
    SetupError,
    UnknownOutcome,
)
from listsync.i18n import _
from listsync_alibaba.client import AlibabaClient, field, layers
from listsync_alibaba.listings import NO_SKU, Listings
from listsync_alibaba.mapping import ladder_of, usd

log = logging.getLogger("listsync.alibaba")
INVENTORY_GET = "alibaba.icbu.product.inventory.get"
INVENTORY_UPDATE = "alibaba.icbu.product.inventory.update"
UPDATE_FIELD = "alibaba.icbu.product.update.field"
PLUS, SUB = "plus", "sub"  # never "add": it answers success and changes nothing
ROUNDS = 3  # reads and new deltas after lost answers, per product and run
ROW_LISTS = (
    "data_list",
    "inventory_list",
    "inventories",
    "inventory_dto_list",
    "sku_inventory_list",
    "list",
)


@dataclass(frozen=True)
class Row:
    sku_id: str
    sku_code: str
    inventory_code: str
    quantity: int


def _whole(value: Any) -> int | None:
    try:
        text = str(value).strip()
        return int(text) if text.lstrip("-").isdigit() else None
    except (TypeError, ValueError):
        return None


def inventory_rows(body: Any) -> list[Row]:
    """Every (SKU, warehouse, figure) of an ``inventory.get`` reply, whatever its wrapping."""
    found: list[Row] = []
    for part in layers(body, INVENTORY_GET):
        for name in ROW_LISTS:
            raw = part.get(name)
            if isinstance(raw, Mapping):
                raw = next((v for v in raw.values() if isinstance(v, list)), None)
            if not isinstance(raw, list):
                continue
            for entry in raw:
                if not isinstance(entry, Mapping):
                    continue
                quantity = _whole(
                    next(
                        (
                            entry[k]
                            for k in ("inventory", "quantity", "current_inventory", "stock")
                            if k in entry
                        ),
                        None,
                    )
                )
                if quantity is None:
                    continue
                sku_id = entry.get("sku_id")
                found.append(
                    Row(
                        sku_id=NO_SKU if sku_id in (None, "") else str(sku_id),
                        sku_code=str(entry.get("sku_code") or ""),
                        inventory_code=str(
                            entry.get("inventory_code") or entry.get("store_code") or ""
                        ),
                        quantity=quantity,
                    )
                )
            if found:
                return found
    return found


class Offers:
    def __init__(self, client: AlibabaClient, listings: Listings, inventory_code: str):
        self.client = client
        self.listings = listings
        self.inventory_code = inventory_code

    # -- reading -------------------------------------------------------------------------
    def read(self, listings: Sequence[RemoteListing]) -> dict[str, int]:
        """What each SKU of ``listings`` shows now: one ``inventory.get`` per product."""
        shown: dict[str, int] = {}
        for listing in listings:
            shown.update(self._shown(listing))
        return shown

    def _shown(self, listing: RemoteListing) -> dict[str, int]:
        body = self.client.call(
            "get_inventory",
            INVENTORY_GET,
            {"product_id": listing.remote_id},
            idempotent=True,
            sku=listing.product_sku,
        )
        rows = inventory_rows(body)
        code = self.inventory_code or next((r.inventory_code for r in rows if r.inventory_code), "")
        by_id: dict[str, int] = {}
        by_code: dict[str, int] = {}
        for row in rows:
            if code and row.inventory_code and row.inventory_code != code:
                continue
            by_id[row.sku_id] = by_id.get(row.sku_id, 0) + row.quantity
            if row.sku_code:
                by_code[row.sku_code.casefold()] = by_code.get(row.sku_code.casefold(), 0) + (
                    row.quantity
                )
        shown: dict[str, int] = {}
        for sku, sku_id in self._ids(listing).items():
            if sku.casefold() in by_code:
                shown[sku] = by_code[sku.casefold()]
            elif sku_id in by_id:
                shown[sku] = by_id[sku_id]
        return shown

    def _ids(self, listing: RemoteListing) -> dict[str, str]:
        """Each seller SKU's ``sku_id`` on Alibaba, read from the product when not known."""
        ids = dict(listing.units)
        if any(not value for value in ids.values()):
            have = {
                code.casefold(): sku_id
                for code, sku_id in Listings.units_of(
                    self.listings.product(listing.remote_id, listing.product_sku)
                ).items()
            }
            ids = {sku: value or have.get(sku.casefold(), "") for sku, value in ids.items()}
            if len(ids) == 1 and not next(iter(ids.values())):
                ids = dict.fromkeys(ids, NO_SKU)
        return ids

    # -- writing -------------------------------------------------------------------------
    def set(self, updates: Sequence[OfferUpdate]) -> list[OfferResult]:
        results: dict[int, OfferResult] = {}
        groups: dict[str, list[int]] = {}
        for index, update in enumerate(updates):
            key = next(
                (k for k in update.listing.units if k.casefold() == update.offer.sku.casefold()),
                None,
            )
            if key is None:
                results[index] = OfferResult(
                    update.offer.sku,
                    False,
                    _("{sku} is not on Alibaba.com listing {listing}").format(
                        sku=update.offer.sku, listing=update.listing.remote_id
                    ),
                )
                continue
            if update.set_stock and update.offer.stock < 0:
                results[index] = OfferResult(
                    update.offer.sku,
                    False,
                    _("stock cannot be negative ({stock})").format(stock=update.offer.stock),
                )
                continue
            groups.setdefault(update.listing.remote_id, []).append(index)
        for indexes in groups.values():
            chosen = [updates[i] for i in indexes]
            prices = self._prices([u for u in chosen if u.set_price])
            stock = self._stock([u for u in chosen if u.set_stock])
            for index, update in zip(indexes, chosen, strict=True):
                sku = update.offer.sku
                parts = [r for r in (prices.get(sku), stock.get(sku)) if r is not None]
                failed = [r for r in parts if not r.ok]
                if not parts:
                    results[index] = OfferResult(sku, True)
                elif failed:
                    unknown = all(r.unknown for r in failed)
                    message = "; ".join(r.message for r in failed if r.message)
                    results[index] = OfferResult(sku, False, message, unknown=unknown)
                else:
                    results[index] = OfferResult(sku, True)
        return [results[index] for index in range(len(updates))]

    # -- prices ----------------------------------------------------------------------------
    def _prices(self, updates: Sequence[OfferUpdate]) -> dict[str, OfferResult]:
        if not updates:
            return {}
        listing = updates[0].listing
        for update in updates:
            price = update.offer.price
            if price is not None and price.currency != "USD":
                return {
                    u.offer.sku: OfferResult(
                        u.offer.sku,
                        False,
                        _(
                            "Alibaba.com prices are in USD, not {currency}; listsync never "
                            "converts a price (give the product USD price tiers)"
                        ).format(currency=price.currency),
                    )
                    for u in updates
                }
        ids = self._ids(listing)
        specials = []
        for update in updates:
            if update.offer.price is None:
                continue
            key = next(k for k in ids if k.casefold() == update.offer.sku.casefold())
            entry: dict[str, Any] = {"sku_code": key, "price": usd(update.offer.price.amount)}
            if ids[key] and ids[key] != NO_SKU:
                entry["sku_id"] = ids[key]
            specials.append(entry)
        params: dict[str, Any] = {"product_id": listing.remote_id}
        tiers = next((u.offer.tiers for u in updates if u.offer.tiers), ())
        if tiers:
            params["bulk_discount_prices"] = ladder_of(tiers)
        if specials:
            params["product_sku"] = {"special_skus": specials}
        if len(params) == 1:
            return {u.offer.sku: OfferResult(u.offer.sku, True) for u in updates}
        try:
            self.client.call(
                "update_price", UPDATE_FIELD, params, idempotent=True, sku=listing.product_sku
            )
        except (AuthError, SetupError):
            raise
        except UnknownOutcome as exc:
            return {u.offer.sku: OfferResult(u.offer.sku, False, exc.detail, True) for u in updates}
        except RejectedError as exc:
            return {u.offer.sku: OfferResult(u.offer.sku, False, str(exc)) for u in updates}
        return {u.offer.sku: OfferResult(u.offer.sku, True) for u in updates}

    # -- stock -----------------------------------------------------------------------------
    def _stock(self, updates: Sequence[OfferUpdate]) -> dict[str, OfferResult]:
        """Move each SKU of one product to its target, as the module docstring says."""
        if not updates:
            return {}
        listing = updates[0].listing
        targets = {u.offer.sku: u.offer.stock for u in updates}
        results: dict[str, OfferResult] = {}
        lost = ""  # why the last write's outcome is not known
        for _round in range(ROUNDS):
            try:
                before = self._shown(listing)
            except (AuthError, SetupError):
                raise
            except ChannelError as exc:
                return self._all(targets, results, exc, unknown=bool(lost) or _passing(exc))
            missing = [sku for sku in targets if sku not in before and sku not in results]
            for sku in missing:
                results[sku] = OfferResult(
                    sku, False, _("Alibaba.com shows no stock figure for {sku}").format(sku=sku)
                )
            moves = {
                sku: target - before[sku]
                for sku, target in targets.items()
                if sku not in results and before[sku] != target
            }
            for sku in targets:
                if sku not in results and sku not in moves:
                    results[sku] = OfferResult(sku, True)
            if not moves:
                return results
            try:
                self._move(listing, moves)
            except UnknownOutcome as exc:
                lost = exc.detail
                log.info("alibaba: a stock change of %s was lost; reading again", listing.remote_id)
                continue  # read again: a new delta from what Alibaba shows now
            except (AuthError, SetupError):
                raise
            except ChannelError as exc:
                return self._all(targets, results, exc, unknown=_passing(exc))
            lost = ""
            try:
                after = self._shown(listing)
            except (AuthError, SetupError):
                raise
            except ChannelError as exc:
                return self._all(targets, results, exc, unknown=True)
            for sku, delta in moves.items():
                now = after.get(sku)
                if now == targets[sku]:
                    results[sku] = OfferResult(sku, True)
                elif now == before[sku]:
                    results[sku] = OfferResult(
                        sku,
                        False,
                        _(
                            "Alibaba.com answered that the stock of {sku} moved by {delta:+d}, "
                            "but it still shows {shown}; nothing more is sent in this run"
                        ).format(sku=sku, delta=delta, shown=now),
                    )
                else:  # moved by itself meanwhile (a sale): the next sync sets it right
                    log.info(
                        "alibaba: %s shows %s after moving to %s; a sale landed meanwhile",
                        sku,
                        now,
                        targets[sku],
                    )
                    results[sku] = OfferResult(sku, True)
            return results
        message = _(
            "the stock change was sent but its answer was lost {n} times ({why}); the next "
            "sync reads the stock again before sending anything"
        ).format(n=ROUNDS, why=lost)
        for sku in targets:
            if sku not in results or not results[sku].ok:
                results.setdefault(sku, OfferResult(sku, False, message, unknown=True))
        return results

    def _move(self, listing: RemoteListing, moves: Mapping[str, int]) -> None:
        ids = self._ids(listing)
        code = self.inventory_code or self._warehouse(listing)
        entries = [
            {
                "sku_id": ids.get(sku) or NO_SKU,
                "inventory_code": code,
                "operate": PLUS if delta > 0 else SUB,
                "inventory": abs(delta),
            }
            for sku, delta in moves.items()
        ]
        assert all(entry["operate"] in (PLUS, SUB) for entry in entries)
        self.client.call(
            "update_inventory",
            INVENTORY_UPDATE,
            {"request_param": {"product_id": listing.remote_id, "inventory_list": entries}},
            idempotent=False,  # a delta: never repeated blindly (see the module docstring)
            sku=listing.product_sku,
        )

    def _warehouse(self, listing: RemoteListing) -> str:
        body = self.client.call(
            "get_inventory",
            INVENTORY_GET,
            {"product_id": listing.remote_id},
            idempotent=True,
            sku=listing.product_sku,
        )
        code = next((r.inventory_code for r in inventory_rows(body) if r.inventory_code), "")
        if not code:
            code = str(field(body, "inventory_code", api=INVENTORY_GET) or "")
        self.inventory_code = code
        return code

    @staticmethod
    def _all(
        targets: Mapping[str, int],
        done: dict[str, OfferResult],
        exc: ChannelError,
        *,
        unknown: bool,
    ) -> dict[str, OfferResult]:
        for sku in targets:
            if sku not in done:
                done[sku] = OfferResult(sku, False, str(exc), unknown=unknown)
        return done


def _passing(exc: ChannelError) -> bool:
    """A failure that says nothing about Alibaba's figure (not a refusal). The day's quota
    used up is no passing failure: it stops the channel for the run, as the engine wants."""
    if isinstance(exc, RateLimited) and exc.quota_exhausted:
        raise exc
    return not isinstance(exc, RejectedError)
