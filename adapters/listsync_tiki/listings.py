"""Listings on Tiki: product requests, their review, and the products they become.

Tiki never creates a product at once: ``POST /integration/v2.1/requests`` answers
``{"track_id", "state": "queuing"}`` and the request walks Tiki's review (``queuing`` →
``processing`` → ``md_awaiting_approve`` → ``bot_awaiting_approve`` → ``awaiting_approve``
→ ``approved`` | ``rejected``; ``md_waiting_approve``/``bot_waiting_approve`` are read
too, the docs spell them both ways). On approval each variant becomes its own Tiki
product, inactive unless ``meta_data.is_auto_turn_on`` was set.

What the ledger keeps (the :class:`RemoteListing` fields):

- in review, ``remote_id`` is the request's **track id** (hex, as Tiki writes it) and
  ``units`` map each seller SKU to ``""`` (no product yet);
- once approved, ``remote_id`` is Tiki's id of the listing: the configurable parent's
  ``super_id`` when the variants have options, else the one product's id (digits), and
  ``units`` map each seller SKU to its Tiki ``product_id``;
- while a content update of a live listing is reviewed, each unit is written
  ``"<product_id>/<track id of its update request>"``: Tiki reviews an "update product
  info" request per product, and the listing id must not change.

Review checks are cheap: the first :meth:`Listings.review_state` of a run reads
``GET /integration/v2/requests`` newest first, a page at a time and only as far as needed,
and keeps every request it saw by track id; later checks answer from there. A request not
listed there (Tiki lists a request only once it has passed ``processing``, and its rows
need not carry ``track_id``) is asked for alone with ``GET /integration/v2/tracking/{id}``.

Outcomes:

- approved: the products are read from ``GET /integration/v2/requests/{request_id}`` and
  the listing becomes LIVE; with ``activate_approved`` the inactive ones are turned on at
  once (``updateSkus`` with ``status`` 1);
- rejected for a technical reason (the reason names a system, network, timeout,
  transform or unexpected error, as Tiki's replay guide describes them, in English or
  Vietnamese): replayed with
  ``POST /integration/v2/tracking/{track_id}/replay`` (same track id, back in review);
- rejected because a seller SKU is taken ("Seller product code is not unique": an earlier
  request of ours was approved): the products are looked up by SKU and adopted;
- rejected for its content: REJECTED with Tiki's reasons. A rejected request cannot be
  updated, so when the catalog changes (the engine sends an update only then) a *new*
  create request is sent; a rejected content update leaves the old content on sale and
  the listing REJECTED until the catalog changes.

A request is never sent twice for a product: :meth:`Listings.find` looks the seller SKUs
up (``GET /integration/v2/products/findBy?original_sku=``) before every create and after
a lost one. A request still in review has no product yet and its list row names no SKU, so
it cannot be found; the engine then waits (``unknown_grace_minutes``) before creating
again, and should it ever send a second request, Tiki rejects it as "not unique" and the
first one's products are adopted. An adopted listing whose name, description and
attributes already match the catalog is not sent for review again (photos cannot be
compared: Tiki keeps its own copies).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from listsync.channel.contract import Draft, ListingState, RemoteListing
from listsync.clock import Clock
from listsync.errors import ChannelError, RejectedError, UnknownOutcome
from listsync.i18n import _
from listsync_tiki.client import TikiClient
from listsync_tiki.errors import CHANNEL, TikiRejected
from listsync_tiki.mapping import info_changes
from listsync_tiki.orders import parse_time

log = logging.getLogger("listsync.tiki")
V2 = "/integration/v2"
CREATE_PATH = "/integration/v2.1/requests"
INFO_PATH = "/integration/v2.1/requests/updateProductInfo"
UPDATE_SKUS_PATH = "/integration/v2.1/products/updateSkus"
REVIEWING = frozenset(
    {
        "queuing",
        "queueing",
        "processing",
        "md_awaiting_approve",
        "md_waiting_approve",
        "bot_awaiting_approve",
        "bot_waiting_approve",
        "awaiting_approve",
        "drafted",
    }
)
TECHNICAL = (  # words of a rejection for technical reasons, in English and Vietnamese
    "system",
    "network",
    "timeout",
    "time out",
    "transform",
    "unexpected",
    "internal",
    "try again",
    "replay",
    "hệ thống",  # system
    "kỹ thuật",  # technical
    "kết nối",  # connection
    "thử lại",  # try again
    "quá thời gian",  # timed out
)
NOT_UNIQUE = "not unique"
TRACKING_DAYS = 30  # a track_id can be tracked this long (tracking guide)
MAX_REQUEST_PAGES = 20  # a run reads at most this many pages of the request list
_DIGITS = re.compile(r"^\d+$")
Finder = Callable[[str, Sequence[str]], RemoteListing | None]


def is_product_id(remote_id: str) -> bool:
    """Whether a listing's id is Tiki's product id (approved) or a track id (in review)."""
    return bool(_DIGITS.match(remote_id))


def split_unit(value: str) -> tuple[str, str]:
    """A unit's stored id as (product id, track id of its pending content update)."""
    product, _sep, track = value.partition("/")
    return product, track


def product_ids(listing: RemoteListing) -> dict[str, str]:
    """Each seller SKU's Tiki product id, for the units that have one."""
    found = {}
    for sku, value in listing.units.items():
        product, _track = split_unit(value)
        if product:
            found[sku] = product
    return found


def _reasons(row: Mapping[str, Any]) -> tuple[str, ...]:
    raw = row.get("reasons")
    if raw in (None, "", []):
        raw = row.get("reason")
    if isinstance(raw, str):
        parts = [part.strip() for part in raw.split(";")]
    elif isinstance(raw, list):
        parts = []
        for entry in raw:
            if isinstance(entry, Mapping):
                parts.append(" — ".join(str(v) for v in entry.values() if v not in (None, "")))
            else:
                parts.append(str(entry).strip())
    else:
        parts = []
    return tuple(part for part in parts if part)


def technical(reasons: Iterable[str]) -> bool:
    text = " ".join(reasons).casefold()
    return bool(text) and any(word in text for word in TECHNICAL)


def _state_of(row: Mapping[str, Any]) -> str:
    return str(row.get("state") or "").strip().lower()


class Listings:
    def __init__(self, client: TikiClient, clock: Clock, *, activate: bool, page_size: int):
        self.client = client
        self.clock = clock
        self.activate = activate
        self.page_size = page_size
        self._lock = threading.Lock()
        self._rows: dict[str, Mapping[str, Any]] = {}  # track id -> request row, this run
        self._next_page = 1
        self._exhausted = False
        self._adopted: set[str] = set()  # listing ids found by a lookup in this run

    # -- looking up ---------------------------------------------------------------------
    def find(self, product_sku: str, unit_skus: Sequence[str]) -> RemoteListing | None:
        """The listing holding these seller SKUs, by ``findBy?original_sku``; None if none."""
        found: dict[str, Mapping[str, Any]] = {}
        for sku in dict.fromkeys(unit_skus or [product_sku]):
            row = self._product_by_sku(sku, product_sku)
            if row is not None:
                found[sku] = row
        if not found:
            return None
        groups: dict[str, dict[str, Mapping[str, Any]]] = {}
        for sku, row in found.items():
            groups.setdefault(self._listing_id(row), {})[sku] = row
        remote_id, rows = max(groups.items(), key=lambda item: len(item[1]))
        if len(groups) > 1:
            log.warning(
                "tiki: seller SKUs of %s belong to %d Tiki listings; using %s",
                product_sku,
                len(groups),
                remote_id,
            )
        units = {sku: str(row.get("product_id") or row.get("id")) for sku, row in rows.items()}
        reasons = self._turn_on(
            [units[sku] for sku, row in rows.items() if str(row.get("active")) in ("0", "False")],
            product_sku,
        )
        self._adopted.add(remote_id)
        return RemoteListing(product_sku, remote_id, ListingState.LIVE, units, reasons)

    def _product_by_sku(self, sku: str, product_sku: str) -> Mapping[str, Any] | None:
        try:
            body = self.client.call(
                "find_product",
                "GET",
                f"{V2}/products/findBy",
                params={"original_sku": sku},
                idempotent=True,
                sku=product_sku,
            )
        except TikiRejected as exc:
            if exc.not_found:
                return None
            raise
        rows = body.get("data") if isinstance(body, Mapping) else body
        if isinstance(rows, Mapping):
            rows = [rows]
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, Mapping) and str(row.get("original_sku", "")).casefold() == (
                sku.casefold()
            ):
                return row
        return None

    @staticmethod
    def _listing_id(row: Mapping[str, Any]) -> str:
        super_id = str(row.get("super_id") or "0")
        return (
            super_id if super_id not in ("", "0") else str(row.get("product_id") or row.get("id"))
        )

    # -- creating ------------------------------------------------------------------------
    def create(self, draft: Draft, find: Finder) -> RemoteListing:
        body = json.loads(json.dumps(draft.payload, default=str))
        try:
            reply = self.client.call(
                "create_request",
                "POST",
                CREATE_PATH,
                body=body,
                idempotent=False,
                sku=draft.product_sku,
            )
        except TikiRejected as exc:
            if not any(NOT_UNIQUE in message.casefold() for message in exc.messages):
                raise
            found = find(draft.product_sku, [offer.sku for offer in draft.offers])
            if found is not None:
                log.info(
                    "tiki: %s is on Tiki already; adopting %s", draft.product_sku, found.remote_id
                )
                return found
            raise UnknownOutcome(
                _(
                    "Tiki says a seller SKU of {sku} is taken but shows no product with it "
                    "yet; it will be looked up again before anything is sent"
                ).format(sku=draft.product_sku),
                channel=CHANNEL,
                call="create_request",
            ) from None
        track = reply.get("track_id") if isinstance(reply, Mapping) else None
        if not isinstance(track, str) or not track:
            raise UnknownOutcome(
                _(
                    "Tiki took the product request for {sku} but its answer names no track "
                    "id; it will be looked up before anything is sent again"
                ).format(sku=draft.product_sku),
                channel=CHANNEL,
                call="create_request",
            )
        listing = RemoteListing(
            draft.product_sku,
            track,
            ListingState.IN_REVIEW,
            {offer.sku: "" for offer in draft.offers},
        )
        state = _state_of(reply)
        if state == "rejected":
            return RemoteListing(
                listing.product_sku,
                track,
                ListingState.REJECTED,
                listing.units,
                _reasons(reply) or (_("Tiki rejected the request"),),
            )
        return listing

    # -- content updates -------------------------------------------------------------------
    def update(self, listing: RemoteListing, draft: Draft, find: Finder) -> RemoteListing:
        ids = product_ids(listing)
        if not is_product_id(listing.remote_id) or not ids:
            # never approved: "a rejected request can't be updated", so send a new one
            return self.create(draft, find)
        if listing.remote_id in self._adopted and self._same_content(ids, draft):
            return RemoteListing(
                listing.product_sku, listing.remote_id, ListingState.LIVE, dict(listing.units)
            )
        payload = json.loads(json.dumps(draft.payload, default=str))
        base = info_changes(payload)
        units = dict(listing.units)
        missing = []
        for variant in payload.get("variants") or []:
            sku = str(variant.get("sku"))
            key = next((k for k in ids if k.casefold() == sku.casefold()), None)
            if key is None:
                missing.append(sku)
                continue
            changes = dict(base)
            values = [variant[f"option{n}"] for n in (1, 2) if variant.get(f"option{n}")]
            if values and "name" in changes:
                changes["name"] = " - ".join([changes["name"], *values])
            if variant.get("image"):
                changes["image"] = variant["image"]
                changes["images"] = list(variant.get("images") or [])
            reply = self.client.call(
                "update_product_info",
                "POST",
                INFO_PATH,
                body={"product_id": int(ids[key]), **changes},
                idempotent=False,
                sku=sku,
            )
            track = reply.get("track_id") if isinstance(reply, Mapping) else None
            if not isinstance(track, str) or not track:
                raise UnknownOutcome(
                    _(
                        "Tiki took the content update of {sku} but its answer names no track id"
                    ).format(sku=sku),
                    channel=CHANNEL,
                    call="update_product_info",
                )
            units[key] = f"{ids[key]}/{track}"
        reasons: tuple[str, ...] = ()
        if missing:
            reasons = (
                _(
                    "new variants {skus} cannot be added to a Tiki product through the API; "
                    "add them in Tiki Seller Center"
                ).format(skus=", ".join(missing)),
            )
        pending = any(split_unit(value)[1] for value in units.values())
        state = ListingState.IN_REVIEW if pending else ListingState.LIVE
        return RemoteListing(listing.product_sku, listing.remote_id, state, units, reasons)

    def _same_content(self, ids: Mapping[str, str], draft: Draft) -> bool:
        """Whether an adopted product already shows the draft's name, description and
        attributes (its photos cannot be compared: Tiki keeps copies of its own)."""
        try:
            product = self.client.call(
                "get_product",
                "GET",
                f"{V2}/products/{next(iter(ids.values()))}",
                idempotent=True,
            )
        except TikiRejected:
            return False
        if not isinstance(product, Mapping):
            return False
        payload = draft.payload
        if str(product.get("description") or "") != str(payload.get("description") or ""):
            return False
        if not str(product.get("name") or "").startswith(str(payload.get("name") or "")):
            return False
        have = product.get("attributes") if isinstance(product.get("attributes"), Mapping) else {}
        assert isinstance(have, Mapping)
        want = payload.get("attributes") or {}
        return all(str(have.get(code)) == str(value) for code, value in want.items())

    # -- review ----------------------------------------------------------------------------
    def review_state(self, listing: RemoteListing, find: Finder) -> RemoteListing:
        if not is_product_id(listing.remote_id):
            return self._review_create(listing, find)
        units = dict(listing.units)
        reasons: list[str] = []
        rejected = False
        for sku, value in listing.units.items():
            product, track = split_unit(value)
            if not track:
                continue
            row = self._request(track)
            state = _state_of(row) if row is not None else "gone"
            if state in REVIEWING:
                continue
            if state == "rejected" and technical(_reasons(row or {})) and self._replay(track):
                continue
            units[sku] = product
            if state == "approved":
                continue
            rejected = True
            said = "; ".join(_reasons(row or {})) or _("no reason given")
            if state == "rejected":
                reasons.append(
                    _(
                        "Tiki rejected the content update of {sku} ({said}); the old content "
                        "stays on sale"
                    ).format(sku=sku, said=said)
                )
            else:
                reasons.append(
                    _("Tiki no longer knows the content update of {sku} (track {track})").format(
                        sku=sku, track=track
                    )
                )
        if rejected:  # shown until the catalog changes, even if other updates still wait
            state = ListingState.REJECTED
        elif any(split_unit(value)[1] for value in units.values()):
            state = ListingState.IN_REVIEW
        else:
            state = ListingState.LIVE
        return RemoteListing(listing.product_sku, listing.remote_id, state, units, tuple(reasons))

    def _review_create(self, listing: RemoteListing, find: Finder) -> RemoteListing:
        track = listing.remote_id
        row = self._request(track)
        if row is None:
            found = find(listing.product_sku, list(listing.units))
            if found is not None:
                return found
            return RemoteListing(
                listing.product_sku,
                track,
                ListingState.REJECTED,
                dict(listing.units),
                (
                    _(
                        "Tiki no longer knows product request {track} (a track id lasts 30 "
                        "days); change the product in the catalog to send it again"
                    ).format(track=track),
                ),
            )
        state = _state_of(row)
        reasons = _reasons(row)
        if state in REVIEWING:
            return RemoteListing(
                listing.product_sku, track, ListingState.IN_REVIEW, dict(listing.units)
            )
        if state == "approved":
            return self._approved(listing, row)
        if state == "rejected":
            if any(NOT_UNIQUE in reason.casefold() for reason in reasons):
                found = find(listing.product_sku, list(listing.units))
                if found is not None:
                    return found
            if technical(reasons) and self._replay(track):
                return RemoteListing(
                    listing.product_sku, track, ListingState.IN_REVIEW, dict(listing.units)
                )
            return RemoteListing(
                listing.product_sku,
                track,
                ListingState.REJECTED,
                dict(listing.units),
                reasons or (_("Tiki rejected the product request without a reason"),),
            )
        if state == "deleted":
            return RemoteListing(
                listing.product_sku,
                track,
                ListingState.REJECTED,
                dict(listing.units),
                (_("the product request was deleted at Tiki"),),
            )
        log.warning("tiki: request %s is in state %r, read as in review", track, state)
        return RemoteListing(
            listing.product_sku, track, ListingState.IN_REVIEW, dict(listing.units)
        )

    def _approved(self, listing: RemoteListing, row: Mapping[str, Any]) -> RemoteListing:
        products = [p for p in row.get("products") or [] if isinstance(p, Mapping)]
        request_id = row.get("request_id")
        if not products and request_id:
            detail = self.client.call(
                "get_request",
                "GET",
                f"{V2}/requests/{request_id}",
                idempotent=True,
                sku=listing.product_sku,
            )
            if isinstance(detail, Mapping):
                data = detail.get("data") if isinstance(detail.get("data"), Mapping) else detail
                assert isinstance(data, Mapping)
                products = [p for p in data.get("products") or [] if isinstance(p, Mapping)]
        if not products:
            found_rows = {}
            for sku in listing.units:
                product = self._product_by_sku(sku, listing.product_sku)
                if product is not None:
                    found_rows[sku] = product
            products = list(found_rows.values())
        ours = {sku.casefold(): sku for sku in listing.units}
        units: dict[str, str] = {}
        inactive: list[str] = []
        for product in products:
            original = str(product.get("original_sku") or "")
            pid = str(product.get("product_id") or product.get("id") or "")
            if not original or not pid:
                continue
            units[ours.get(original.casefold(), original)] = pid
            if str(product.get("active")) in ("0", "False"):
                inactive.append(pid)
        if not units:
            return RemoteListing(
                listing.product_sku,
                listing.remote_id,
                ListingState.IN_REVIEW,
                dict(listing.units),
                (_("Tiki approved the request but lists no product for it yet"),),
            )
        remote_id = self._approved_id(products, units)
        reasons = self._turn_on(inactive, listing.product_sku)
        return RemoteListing(listing.product_sku, remote_id, ListingState.LIVE, units, reasons)

    def _approved_id(self, products: list[Mapping[str, Any]], units: Mapping[str, str]) -> str:
        """The listing's Tiki id: the variants' ``super_id``, or the one product's id."""
        for product in products:
            if str(product.get("super_id") or "0") not in ("", "0"):
                return str(product["super_id"])
        first = next(iter(units.values()))
        detail = self.client.call("get_product", "GET", f"{V2}/products/{first}", idempotent=True)
        if isinstance(detail, Mapping):
            data = detail.get("data") if isinstance(detail.get("data"), Mapping) else detail
            assert isinstance(data, Mapping)
            return self._listing_id(data)
        return first

    def _turn_on(self, ids: list[str], product_sku: str) -> tuple[str, ...]:
        """Activate approved products (``activate_approved``); a refusal becomes a reason."""
        if not ids or not self.activate:
            return ()
        body = {"data": [{"product_id": int(pid), "status": 1} for pid in ids]}
        try:
            reply = self.client.call(
                "activate_products",
                "PUT",
                UPDATE_SKUS_PATH,
                body=body,
                idempotent=True,
                sku=product_sku,
            )
        except RejectedError as exc:
            return (_("approved, but Tiki did not turn it on: {why}").format(why=exc.detail),)
        failed = [
            "; ".join(str(e) for e in row.get("errors") or []) or str(row.get("product_id"))
            for row in (reply.get("data") if isinstance(reply, Mapping) else None) or []
            if isinstance(row, Mapping) and str(row.get("state", "")).lower() == "failed"
        ]
        if failed:
            return (
                _("approved, but Tiki did not turn it on: {why}").format(why="; ".join(failed)),
            )
        return ()

    def _replay(self, track: str) -> bool:
        """Send a technically rejected request through Tiki's review again."""
        try:
            self.client.call(
                "replay_request", "POST", f"{V2}/tracking/{track}/replay", idempotent=True
            )
        except TikiRejected as exc:
            log.info("tiki: request %s could not be replayed: %s", track, exc)
            return False
        with self._lock:
            self._rows.pop(track, None)
        return True

    # -- the request list, read once per run ------------------------------------------------
    def _request(self, track: str) -> Mapping[str, Any] | None:
        """What Tiki says of request ``track``: from this run's list, else tracked alone;
        None when Tiki does not know it (any more)."""
        with self._lock:
            row = self._rows.get(track)
            while row is None and not self._exhausted:
                self._read_page()
                row = self._rows.get(track)
        if row is not None:
            return row
        try:
            tracked = self.client.call(
                "track_request", "GET", f"{V2}/tracking/{track}", idempotent=True
            )
        except TikiRejected as exc:
            if exc.status in (400, 404):
                return None
            raise
        if not isinstance(tracked, Mapping):
            return None
        data = tracked.get("data") if isinstance(tracked.get("data"), Mapping) else tracked
        assert isinstance(data, Mapping)
        return data

    def _read_page(self) -> None:
        page = self._next_page
        body = self.client.call(
            "get_requests",
            "GET",
            f"{V2}/requests",
            params={"page": str(page), "limit": str(self.page_size)},
            idempotent=True,
        )
        rows = body.get("data") if isinstance(body, Mapping) else None
        rows = [row for row in rows or [] if isinstance(row, Mapping)]
        paging = body.get("paging") if isinstance(body, Mapping) else None
        try:
            last = int(paging.get("last_page") or 0) if isinstance(paging, Mapping) else 0
        except (TypeError, ValueError):
            last = 0
        oldest = self.clock.now() - timedelta(days=TRACKING_DAYS)
        for row in rows:
            if row.get("track_id"):
                self._rows[str(row["track_id"])] = row
        stale = bool(rows) and all(self._created(row) < oldest for row in rows)
        no_tracks = bool(rows) and not any(row.get("track_id") for row in rows)
        self._next_page = page + 1
        if (
            not rows
            or no_tracks  # the list does not name track ids: it cannot answer by track
            or stale
            or (last and page >= last)
            or page >= MAX_REQUEST_PAGES
        ):
            self._exhausted = True

    def _created(self, row: Mapping[str, Any]) -> datetime:
        try:
            return parse_time(row.get("created_at"), str(row.get("request_id") or ""))
        except ChannelError:
            return self.clock.now()
