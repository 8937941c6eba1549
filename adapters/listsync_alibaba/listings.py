"""Listings on Alibaba.com: create, update, find by seller SKU, and Alibaba's review.

Calls (TOP names, docs/marketplaces/alibaba.md §4.4): ``alibaba.icbu.product.add`` answers
``{product_id}`` (Alibaba's obfuscated product id, text), the listing's ``remote_id``;
``alibaba.icbu.product.update`` sends the content again; ``alibaba.icbu.product.get``
(``product_id``) reads one product with its ``product_sku.special_skus`` (``sku_code`` = the
seller SKU, ``sku_id``) and its ``status``; ``alibaba.icbu.product.list`` lists the shop's
products 30 a page at most, newest modified first (``current_page``, ``page_size``,
``language`` ENGLISH, an optional fuzzy ``subject``), each row with ``id``, ``product_id``,
``subject``, ``status`` and ``display``. A listing's ``units`` map each seller SKU to its
``sku_id`` (``-1`` for a product without variants, as the inventory API writes it).

Finding a listing by seller SKU: the list has no SKU filter (a documented gap), so
:meth:`Listings.find` pages through it and reads each product's SKUs with
``product.get`` (remembered for the run). The engine remembers remote ids in its ledger
and asks only when it must: before a create and after a create whose answer was lost.
The search starts with the product's English subject (the list's fuzzy ``subject``
filter), which finds a lost create on the first page; only if that finds nothing does it
read the whole list, newest first, up to ``max_product_pages`` pages. A product is never
created twice: a create is only sent after a lookup found nothing, and a create refused
because a seller SKU is taken ("sku_code already used", where the gateway checks it) looks
the SKUs up and adopts the product that holds them. An adopted product that already shows
the catalog's text, category, keywords and attributes is not sent again (an update would
only put it back in review).

Review (statuses of ``AlibabaProductResponse.status``: ``approved`` passed, ``new`` and
``modified`` in review, ``tbd`` failed, ``sketch`` a draft; the list filter's words
``onSelling``, ``approved``, ``auditing``, ``editingRequired``, ``expired`` are read too):

- approved / onSelling → LIVE; new / modified / auditing / pending → IN_REVIEW;
- tbd / editingRequired / rejected → REJECTED, "needs editing", with Alibaba's reasons
  (the product's ``audit_reasons``/``reject_reasons``/``audit_reason``/``reasons``, whichever
  it carries: UNCONFIRMED) shown to the clerk; the engine sends the content again when the
  catalog changes, and Alibaba reviews it again;
- expired / sketch / deleted → REJECTED with a sentence saying what to do.

Checking reviews is cheap: the first :meth:`Listings.review_state` of a run reads the
product list a page at a time and keeps every row's status by product id; later checks
answer from there, and ``product.get`` is asked only for a product the pages read did not
show, or for a rejected one's reasons.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from listsync.channel.contract import Draft, ListingState, RemoteListing
from listsync.errors import RejectedError, UnknownOutcome
from listsync.i18n import _
from listsync_alibaba.client import AlibabaClient, field
from listsync_alibaba.errors import CHANNEL, AlibabaRejected
from listsync_alibaba.images import ImageStore

log = logging.getLogger("listsync.alibaba")
ADD = "alibaba.icbu.product.add"
UPDATE = "alibaba.icbu.product.update"
GET = "alibaba.icbu.product.get"
LIST = "alibaba.icbu.product.list"
NO_SKU = "-1"  # the sku_id of a product without variants (InventoryDto)
LIVE = frozenset({"approved", "onselling", "online", "published", "active"})
REVIEWING = frozenset({"new", "modified", "auditing", "pending", "reviewing", "in_review"})
NEEDS_EDITING = frozenset({"tbd", "editingrequired", "rejected", "audit_failed", "refused"})
TAKEN = ("already used", "already exists", "duplicate")  # a seller SKU another product holds
REASON_FIELDS = (
    "audit_reasons",
    "reject_reasons",
    "audit_reason",
    "reject_reason",
    "audit_opinion",
    "reasons",
    "reason",
)


def state_of(status: str) -> ListingState:
    word = status.strip().casefold()
    if word in LIVE:
        return ListingState.LIVE
    if word in REVIEWING:
        return ListingState.IN_REVIEW
    return ListingState.REJECTED


def reasons_of(product: Mapping[str, Any], status: str) -> tuple[str, ...]:
    """Alibaba's words on why a product is not on sale, as the clerk should read them."""
    found: list[str] = []
    for name in REASON_FIELDS:
        raw = product.get(name)
        items = raw if isinstance(raw, list) else [raw]
        for item in items:
            if isinstance(item, Mapping):
                text = " — ".join(str(v) for v in item.values() if v not in (None, ""))
            else:
                text = str(item or "").strip()
            if text and text not in found:
                found.append(text)
    word = status.strip().casefold()
    if word in NEEDS_EDITING:
        head = _("Alibaba.com asks for changes (needs editing)")
    elif word == "expired":
        head = _("the listing has expired at Alibaba.com; renew it in the seller backend")
    elif word == "sketch":
        head = _("the listing is only a draft at Alibaba.com; submit it there")
    else:
        head = _("Alibaba.com shows the listing as {status}").format(status=status or "?")
    return (head, *found)


def _rows(body: Any) -> list[Mapping[str, Any]]:
    rows = field(body, "products", api=LIST)
    if isinstance(rows, Mapping):  # TOP's XML-born shape: {"products": {"product": [...]}}
        rows = next((v for v in rows.values() if isinstance(v, list)), [])
    return [row for row in rows or [] if isinstance(row, Mapping)]


def _whole(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


class Listings:
    def __init__(
        self, client: AlibabaClient, images: ImageStore, *, page_size: int, max_pages: int
    ):
        self.client = client
        self.images = images
        self.page_size = page_size
        self.max_pages = max_pages
        self._lock = threading.Lock()
        self._products: dict[str, Mapping[str, Any]] = {}  # product id -> product.get, this run
        self._statuses: dict[str, str] = {}  # product id -> status from the list, this run
        self._next_page = 1
        self._exhausted = False
        self._adopted: set[str] = set()  # product ids found by a lookup in this run

    # -- reading -------------------------------------------------------------------------
    def product(self, product_id: str, sku: str = "", *, fresh: bool = False) -> Mapping[str, Any]:
        """``alibaba.icbu.product.get`` of one product (remembered for the run)."""
        with self._lock:
            known = None if fresh else self._products.get(product_id)
        if known is not None:
            return known
        body = self.client.call(
            "get_product",
            GET,
            {"product_id": product_id, "language": "ENGLISH"},
            idempotent=True,
            sku=sku,
        )
        product = field(body, "product", api=GET)
        if not isinstance(product, Mapping):
            product = body
        with self._lock:
            self._products[product_id] = product
        return product

    @staticmethod
    def units_of(product: Mapping[str, Any]) -> dict[str, str]:
        """Each seller SKU of a product (``sku_code``) and its ``sku_id``, from
        ``product_sku.skus`` (``product.get``) or ``product_sku.special_skus`` (as sent)."""
        units: dict[str, str] = {}
        sku_part = product.get("product_sku")
        for name in ("skus", "special_skus"):
            rows: Any = sku_part.get(name) if isinstance(sku_part, Mapping) else None
            if isinstance(rows, Mapping):  # TOP's XML-born shape: {"skus": {"sku": [...]}}
                rows = next((v for v in rows.values() if isinstance(v, list)), [])
            for entry in rows or []:
                if isinstance(entry, Mapping) and entry.get("sku_code"):
                    sku_id = entry.get("sku_id")
                    units[str(entry["sku_code"])] = NO_SKU if sku_id in (None, "") else str(sku_id)
        return units

    def _page(self, page: int, subject: str | None = None) -> tuple[list[Mapping[str, Any]], int]:
        params: dict[str, Any] = {
            "language": "ENGLISH",
            "current_page": page,
            "page_size": self.page_size,
        }
        if subject:
            params["subject"] = subject
        body = self.client.call("list_products", LIST, params, idempotent=True)
        rows = _rows(body)
        total = _whole(field(body, "total_item", "total_count", "total", api=LIST))
        with self._lock:
            for row in rows:
                pid = str(row.get("product_id") or row.get("id") or "")
                if pid and row.get("status") is not None:
                    self._statuses[pid] = str(row["status"])
        return rows, total if total is not None else -1

    # -- looking up ----------------------------------------------------------------------
    def find(
        self, product_sku: str, unit_skus: Sequence[str], subject: str | None = None
    ) -> RemoteListing | None:
        """The listing that holds these seller SKUs; None when Alibaba shows none."""
        wanted = {sku.casefold() for sku in (unit_skus or [product_sku])}
        searches = [subject, None] if subject else [None]
        for query in searches:
            page = 1
            while page <= self.max_pages:
                rows, total = self._page(page, query)
                for row in rows:
                    found = self._match(row, wanted, product_sku)
                    if found is not None:
                        return found
                if not rows or len(rows) < self.page_size or (0 <= total <= page * self.page_size):
                    break
                page += 1
            else:
                log.warning(
                    "alibaba: %s not found in the first %d pages of products; taken as absent",
                    product_sku,
                    self.max_pages,
                )
        return None

    def _match(
        self, row: Mapping[str, Any], wanted: set[str], product_sku: str
    ) -> RemoteListing | None:
        product_id = str(row.get("product_id") or row.get("id") or "")
        if not product_id:
            return None
        units = self.units_of(row)  # a list row that names its SKUs spares a product.get
        if not units:
            units = self.units_of(self.product(product_id, product_sku))
        if not {sku.casefold() for sku in units} & wanted:
            return None
        status = str(row.get("status") or self.product(product_id, product_sku).get("status"))
        state = state_of(status)
        reasons: tuple[str, ...] = ()
        if state is ListingState.REJECTED:
            reasons = reasons_of(self.product(product_id, product_sku), status)
        with self._lock:
            self._adopted.add(product_id)
        return RemoteListing(product_sku, product_id, state, units, reasons)

    # -- creating and updating -----------------------------------------------------------
    def _params(self, draft: Draft) -> dict[str, Any]:
        params = dict(draft.payload)
        refs = list((params.get("main_image") or {}).get("images") or [])
        urls = [self.images.url_for(ref, draft.product_sku) for ref in refs]
        params["main_image"] = {**dict(params.get("main_image") or {}), "images": urls}
        return params

    def create(self, draft: Draft) -> RemoteListing:
        params = self._params(draft)  # photos first: an upload is safe to repeat, a create not
        try:
            body = self.client.call(
                "create_product", ADD, params, idempotent=False, sku=draft.product_sku
            )
        except AlibabaRejected as exc:
            if not any(word in exc.detail.casefold() for word in TAKEN):
                raise
            units = [offer.sku for offer in draft.offers]
            subject = str(draft.payload.get("subject") or "")
            found = self.find(draft.product_sku, units, subject)
            if found is None:
                raise
            log.info("alibaba: %s is on Alibaba.com already; adopting it", draft.product_sku)
            return found
        product_id = field(body, "product_id", api=ADD)
        if product_id in (None, ""):
            raise UnknownOutcome(
                _(
                    "Alibaba.com took the product {sku} but its answer names no product id; it "
                    "will be looked up before anything is sent again"
                ).format(sku=draft.product_sku),
                channel=CHANNEL,
                call="create_product",
            )
        return self._settled(draft, str(product_id))

    def update(self, listing: RemoteListing, draft: Draft) -> RemoteListing:
        if listing.remote_id in self._adopted and self._same_content(listing, draft):
            # found by a lookup (a lost create, a listing made by hand) and already showing
            # the catalog's content: sending it again would only put it back in review
            return self._settled(draft, listing.remote_id, dict(listing.units))
        params = {"product_id": listing.remote_id, **self._params(draft)}
        self.client.call(
            "update_product", UPDATE, params, idempotent=True, sku=draft.product_sku
        )  # the whole content, absolutely: sending it twice changes nothing
        return self._settled(draft, listing.remote_id, dict(listing.units))

    def _settled(
        self, draft: Draft, product_id: str, known: Mapping[str, str] | None = None
    ) -> RemoteListing:
        """The listing just written, with its SKU ids and review status as Alibaba shows
        them (in review when the product cannot be read back just now)."""
        wanted = [offer.sku for offer in draft.offers]
        units = {sku: (known or {}).get(sku, "") for sku in wanted}
        status = "new"
        try:
            product = self.product(product_id, draft.product_sku, fresh=True)
        except (RejectedError, UnknownOutcome) as exc:
            log.info("alibaba: %s written, not read back: %s", draft.product_sku, exc)
        except Exception as exc:  # a passing failure: the next review check reads it
            log.info("alibaba: %s written, not read back: %s", draft.product_sku, exc)
        else:
            status = str(product.get("status") or status)
            have = {code.casefold(): sku_id for code, sku_id in self.units_of(product).items()}
            for sku in wanted:
                units[sku] = have.get(sku.casefold(), units[sku])
            if len(wanted) == 1 and not units[wanted[0]]:
                units[wanted[0]] = NO_SKU
        with self._lock:
            self._statuses[product_id] = status
        state = state_of(status)
        reasons: tuple[str, ...] = ()
        if state is ListingState.REJECTED:
            reasons = reasons_of(self._products.get(product_id, {}), status)
        return RemoteListing(draft.product_sku, product_id, state, units, reasons)

    def _same_content(self, listing: RemoteListing, draft: Draft) -> bool:
        """Whether the product shows the draft's text, category, keywords and attributes
        (photos and prices aside: prices are the offers' business)."""
        product = self.product(listing.remote_id, listing.product_sku)
        payload = draft.payload
        if str(product.get("subject") or "") != str(payload.get("subject") or ""):
            return False
        if str(product.get("description") or "") != str(payload.get("description") or ""):
            return False
        if str(product.get("category_id") or "") != str(payload.get("category_id") or ""):
            return False
        if list(product.get("keywords") or []) != list(payload.get("keywords") or []):
            return False

        def attributes(rows: Any) -> dict[str, str]:
            return {
                str(row.get("attribute_name") or "").casefold(): str(row.get("value_name") or "")
                for row in rows or []
                if isinstance(row, Mapping)
            }

        return attributes(product.get("attributes")) == attributes(payload.get("attributes"))

    # -- review --------------------------------------------------------------------------
    def review_state(self, listing: RemoteListing) -> RemoteListing:
        status = self._listed_status(listing.remote_id)
        product: Mapping[str, Any] | None = None
        if status is None:
            try:
                product = self.product(listing.remote_id, listing.product_sku, fresh=True)
            except AlibabaRejected as exc:
                return RemoteListing(
                    listing.product_sku,
                    listing.remote_id,
                    ListingState.REJECTED,
                    dict(listing.units),
                    (
                        _(
                            "Alibaba.com no longer shows product {id} ({why}); change the "
                            "product in the catalog to send it again"
                        ).format(id=listing.remote_id, why=exc.detail),
                    ),
                )
            status = str(product.get("status") or "")
        state = state_of(status)
        units = dict(listing.units)
        reasons: tuple[str, ...] = ()
        if state is ListingState.REJECTED:
            product = product or self.product(listing.remote_id, listing.product_sku, fresh=True)
            reasons = reasons_of(product, status)
        if state is ListingState.LIVE and any(not value for value in units.values()):
            have = self.units_of(product or self.product(listing.remote_id, listing.product_sku))
            lower = {code.casefold(): sku_id for code, sku_id in have.items()}
            units = {
                sku: value or lower.get(sku.casefold(), NO_SKU) for sku, value in units.items()
            }
        return RemoteListing(listing.product_sku, listing.remote_id, state, units, reasons)

    def _listed_status(self, product_id: str) -> str | None:
        """The product's status from this run's read of the product list (newest first),
        reading one more page at a time as needed; None when the pages read do not show it."""
        with self._lock:
            status = self._statuses.get(product_id)
            if status is not None or self._exhausted:
                return status
        while True:
            with self._lock:
                if self._exhausted:
                    return self._statuses.get(product_id)
                page = self._next_page
                self._next_page += 1
            rows, total = self._page(page)
            with self._lock:
                if (
                    not rows
                    or len(rows) < self.page_size
                    or 0 <= total <= page * self.page_size
                    or page >= self.max_pages
                ):
                    self._exhausted = True
                status = self._statuses.get(product_id)
            if status is not None:
                return status
