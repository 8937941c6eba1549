"""A local imitation of the Tiki Open Platform (Vietnam), served by the core's harness.

One server carries what Tiki serves from ``https://api.tiki.vn``: the OAuth 2.0 server
under ``/sc/oauth2`` (``auth_url``; the consent page ``/sc/oauth2/auth`` is
``authorize_url``, the token endpoint ``{auth_url}/token``, see ``auth.py``) and the
seller API under ``/integration/v2`` and ``/integration/v2.1`` (``base_url`` is the
server's root). docs/marketplaces/tiki.md says what listsync relies on.

The gateway checks, in this order: maintenance (503), the bearer token (401: missing,
unknown or expired), the seller (403 when not active), the call's scope (403: ``product``
for categories, requests, tracking and products; ``order`` for orders; ``inventory`` as
well for a stock change), the seller's call rate (429 "Current rate limit is 200
request / per second / per seller"), then the format (406 when ``Accept`` rules out JSON
or a write's body is not ``application/json``). Errors are ``{"errors": ["…"]}`` with
the status of Tiki's common-exceptions page; a known path asked with the wrong method is
405, an unknown one 404. Tiki names no ``Retry-After`` header: none is sent unless
``retry_after`` is set.

Endpoints (besides ``auth.py``'s): ``GET /integration/v2/sellers/me``;
``GET /integration/v2/categories``, ``…/categories/{id}``, ``…/categories/{id}/attributes``
(``catalog.py``); ``POST /integration/v2.1/requests``,
``POST /integration/v2.1/requests/updateProductInfo`` (and ``/integration/v2/…``),
``GET /integration/v2/tracking``, ``GET /integration/v2/tracking/{track_id}``,
``POST /integration/v2/tracking/{track_id}/replay``, ``GET /integration/v2/requests``,
``GET``/``DELETE /integration/v2/requests/{request_id}``, ``GET /integration/v2/products``,
``GET /integration/v2/products/findBy``, ``GET /integration/v2/products/{id}``,
``PUT /integration/v2/products/updateSku`` (and ``v2.1``),
``PUT /integration/v2.1/products/updateSkus`` (``products.py``);
``GET /integration/v2/orders``, ``GET /integration/v2/orders/{code}`` (``orders.py``).

Sandbox settings (``TikiSandbox(**settings)``, ``configure(**changes)`` or ``GET``/``POST
/_sandbox/settings``); UNCONFIRMED points of docs/marketplaces/tiki.md are marked (U):

- ``access_ttl`` (3600 s), ``refresh_ttl`` (2,592,000 s = 720 h), ``code_ttl`` (600 s):
  token and code lifetimes (U; Ory Hydra's defaults).
- ``old_refresh_valid`` (false): whether a used refresh token keeps working (U).
- ``refresh_needs_offline`` (true): a refresh token only with the ``offline`` scope.
- ``token_auth_method`` ("any"): "basic" or "post" insists on one way of sending the
  client secret (Tiki lets the app choose at registration).
- ``redirect_uris`` ([]): the registered redirect addresses; empty accepts any http(s).
- ``rate_per_second`` (200): calls per second per seller; ``retry_after`` (null): a
  ``Retry-After`` header on 429 (U).
- ``seller_active`` (true): false answers every call 403 "The seller is NOT active".
- ``maintenance`` (false): true answers every API call 503.
- ``payload_error_status`` (400): the status of a refused payload, 400 or 422 (U; the
  older reference pages say 422).
- ``queue_seconds``, ``processing_seconds``, ``md_review_seconds``,
  ``bot_review_seconds``, ``review_seconds`` (0 each): how long a request stays in each
  review state, on the sandbox clock; ``auto_approve`` (true): false holds requests in
  ``awaiting_approve`` for the control API.
- ``tracking_days`` (30): how long a track_id can be tracked.
- ``review_state_spelling`` ("awaiting"): "waiting" writes ``md_waiting_approve`` /
  ``bot_waiting_approve`` (U: Tiki's pages differ); both are read in filters.
- ``duplicate_sku`` ("reject"): a seller SKU already used rejects the request during
  processing ("Seller product code is not unique"); "refuse" refuses it at once (U).
- ``find_by_missing`` ("empty"): findBy of an unknown SKU answers an empty ``data``;
  "404" answers 404 (U).
- ``max_limit`` (100): the largest ``limit`` of a list (U); ``batch_limit`` (50): the
  most entries of one updateSkus (U); ``batch_errors`` ("per_item"): per-entry results,
  or "all_or_nothing" (U).
- ``quantity_includes_open_orders`` (true): ``qty_available`` counts the units open
  orders hold (Tiki's inventory guide: available = sellable + reserved); false: an order
  takes its units out of ``qty_available`` at once.
- ``orders_need_active`` (true): the control API sells only active products.
- ``money_style`` ("decimal"): invoice amounts as ``409000.00``; "integer" as
  ``409000`` (U: the reference pages show decimals, a captured reply whole numbers).
- ``max_images`` (9), ``max_name_length`` (255): product limits (U for images; 3–255
  characters is Seller Center's rule for names).

Control API beyond the harness's: ``GET``/``POST /_sandbox/settings``;
``POST /_sandbox/requests/<track_id>/approve``; ``POST /_sandbox/requests/<track_id>/reject``
with ``{"reasons": ["…"], "technical": false}`` (a technical rejection can be replayed).
``POST /_sandbox/orders`` takes ``{"count", "days"}``, ``{"sku", "quantity"}`` or
``{"lines": [{"sku", "quantity"}]}``, with an optional ``"status"`` (``queueing``,
``waiting_payment``, ``payment_review`` or ``processing``), all or nothing, and answers
order codes; ``POST /_sandbox/orders/<code>/status`` takes any Tiki status.

Clocks: tokens, codes, reviews, tracking expiry and orders run on the sandbox clock; the
rate limit on the real one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from listsync.sandbox.harness import (
    BadRequest,
    Route,
    SandboxApp,
    SandboxRequest,
    SandboxResponse,
    WindowLimiter,
)
from listsync_tiki.sandbox.auth import CLIENT_ID, CLIENT_SECRET, Access, AuthStore
from listsync_tiki.sandbox.base import SandboxConfig, TikiError, read_json, respond
from listsync_tiki.sandbox.catalog import (
    BY_ID,
    CATEGORIES,
    SELLER,
    SELLER_ID,
    WAREHOUSE,
    WAREHOUSE_ID,
    attribute_rows,
    category_detail,
    category_row,
)
from listsync_tiki.sandbox.orders import STARTING, OrderStore
from listsync_tiki.sandbox.products import ProductStore

AUTH = "/sc/oauth2"
V2 = "/integration/v2"
V21 = "/integration/v2.1"
NOT_ACCEPTABLE = "Not Acceptable — You requested a format that isn't json."
MAINTENANCE = (
    "Service Unavailable — We're temporarily offline for maintenance. Please try again later."
)


@dataclass
class Call:
    request: SandboxRequest
    now: datetime
    access: Access

    def params(self) -> dict[str, str]:
        return self.request.params()

    def json(self) -> Any:
        return read_json(self.request)

    def require(self, scope: str) -> None:
        if scope not in self.access.scopes:
            raise TikiError(
                403,
                "The client is NOT granted enough permissions to perform the action: "
                f"the '{scope}' scope was not granted",
            )


Endpoint = Callable[[Call], Any]


class TikiSandbox(SandboxApp):
    name = "tiki"
    order_story: ClassVar[dict[str, tuple[str, ...]]] = {
        "paid": ("queueing",),
        "shipped": ("packaging", "ready_to_ship", "shipping"),
        "completed": ("packaging", "ready_to_ship", "shipping", "successful_delivery", "complete"),
        "cancelled": ("canceled",),
    }

    def __init__(self, seed: int = 0, **settings: Any) -> None:
        super().__init__(seed)
        self._initial = dict(settings)
        self._table: list[tuple[str, str]] = []
        self._fresh()

    def _fresh(self) -> None:
        self.config = SandboxConfig()
        self.config.update(self._initial)
        self.auth = AuthStore(lambda: self.config)
        self.products = ProductStore(lambda: self.config)
        self.orders = OrderStore(self.products, lambda: self.config)
        self.limiter = WindowLimiter(self.config.rate_per_second)
        self.throttled = 0

    def _now(self) -> datetime:
        """Tiki's times are whole seconds (``yyyy-MM-dd HH:mm:ss``); so are the records'."""
        return self.clock.now().replace(microsecond=0)

    # -- settings --------------------------------------------------------------------
    def configure(self, **changes: Any) -> dict[str, Any]:
        """Change sandbox settings; unknown names and bad values are refused."""
        with self.lock:
            self.config.update(changes)
            self.limiter = WindowLimiter(self.config.rate_per_second)
            return self.config.public()

    # -- routes ----------------------------------------------------------------------
    def routes(self) -> Iterable[Route]:
        product, order = "product", "order"
        api: list[tuple[str, str, Endpoint, str | None, bool]] = [
            ("GET", V2 + "/sellers/me", self._seller, None, False),
            ("GET", V2 + "/categories", self._categories, product, False),
            ("GET", V2 + "/categories/{category_id}", self._category, product, False),
            ("GET", V2 + "/categories/{category_id}/attributes", self._attributes, product, False),
            ("POST", V21 + "/requests", self._create, product, True),
            ("POST", V21 + "/requests/updateProductInfo", self._info, product, True),
            ("POST", V2 + "/requests/updateProductInfo", self._info, product, True),
            ("GET", V2 + "/tracking", self._tracking_list, product, False),
            ("GET", V2 + "/tracking/{track_id}", self._tracking, product, False),
            ("POST", V2 + "/tracking/{track_id}/replay", self._replay, product, False),
            ("GET", V2 + "/requests", self._requests, product, False),
            ("GET", V2 + "/requests/{request_id}", self._request, product, False),
            ("DELETE", V2 + "/requests/{request_id}", self._delete_request, product, False),
            ("GET", V2 + "/products", self._products, product, False),
            ("GET", V2 + "/products/findBy", self._find_by, product, False),
            ("GET", V2 + "/products/{product_id}", self._product, product, False),
            ("PUT", V2 + "/products/updateSku", self._update_sku, product, True),
            ("PUT", V21 + "/products/updateSku", self._update_sku, product, True),
            ("PUT", V21 + "/products/updateSkus", self._update_skus, product, True),
            ("GET", V2 + "/orders", self._orders, order, False),
            ("GET", V2 + "/orders/{code}", self._order, order, False),
        ]
        table = [
            Route(method, path, self._gateway(handler, scope, writes))
            for method, path, handler, scope, writes in api
        ]
        table += [
            Route("GET", AUTH + "/auth", lambda r: self.auth.authorize(r, self._now())),
            Route("POST", AUTH + "/token", lambda r: self.auth.token(r, self._now())),
            Route("GET", "/_sandbox/settings", self._settings_route),
            Route("POST", "/_sandbox/settings", self._settings_route),
            Route("POST", "/_sandbox/requests/{track_id}/approve", self._approve_route),
            Route("POST", "/_sandbox/requests/{track_id}/reject", self._reject_route),
        ]
        self._table = [(route.method, route.pattern) for route in table]
        return table

    def _gateway(
        self, handler: Endpoint, scope: str | None, writes: bool
    ) -> Callable[[SandboxRequest], SandboxResponse]:
        def serve(request: SandboxRequest) -> SandboxResponse:
            now = self._now()
            try:
                if self.config.maintenance:
                    raise TikiError(503, MAINTENANCE)
                access = self.auth.bearer(request, now)
                if not self.config.seller_active:
                    raise TikiError(
                        403, "The seller is NOT active - Please contact the seller and Tiki"
                    )
                call = Call(request, now, access)
                if scope is not None:
                    call.require(scope)
                self._throttle()
                self._acceptable(request, writes)
                result = handler(call)
            except TikiError as refusal:
                return refusal.response()
            if isinstance(result, SandboxResponse):
                return result
            return respond(200, result)

        return serve

    def _throttle(self) -> None:
        if self.limiter.allow(str(SELLER_ID)):
            return
        self.throttled += 1
        rate = self.config.rate_per_second
        shown = int(rate) if float(rate).is_integer() else rate
        headers = {}
        if self.config.retry_after is not None:
            headers["Retry-After"] = str(self.config.retry_after)
        raise TikiError(
            429,
            "You're requesting too many requests! Slow down! "
            f"Current rate limit is {shown} request / per second / per seller",
            headers=headers,
        )

    @staticmethod
    def _acceptable(request: SandboxRequest, writes: bool) -> None:
        accept = (request.header("Accept") or "").lower()
        if accept and not any(
            kind.split(";")[0].strip() in ("application/json", "*/*", "application/*")
            for kind in accept.split(",")
        ):
            raise TikiError(406, NOT_ACCEPTABLE)
        if writes:
            content_type = (request.header("Content-Type") or "").split(";")[0].strip().lower()
            if content_type != "application/json":
                raise TikiError(406, NOT_ACCEPTABLE)

    # -- handlers --------------------------------------------------------------------
    def _seller(self, call: Call) -> dict[str, Any]:
        return {**SELLER, "warehouses": [dict(WAREHOUSE)]}

    def _categories(self, call: Call) -> list[dict[str, Any]]:
        params = call.params()
        rows = list(CATEGORIES)
        if params.get("parent"):
            try:
                parent = int(params["parent"])
            except ValueError:
                raise TikiError(400, "parent must be an integer") from None
            rows = [c for c in rows if c.parent == parent]
        if params.get("primary") in ("0", "1"):
            rows = [c for c in rows if int(c.primary) == int(params["primary"])]
        if params.get("name"):
            key = params["name"].casefold()
            rows = [c for c in rows if key in c.name.casefold()]
        return [category_row(c) for c in rows]

    def _category_of(self, call: Call) -> Any:
        raw = call.request.path_params["category_id"]
        category = BY_ID.get(int(raw)) if raw.isdigit() else None
        if category is None:
            raise TikiError(404, f"Category not found id: {raw}")
        return category

    def _category(self, call: Call) -> dict[str, Any]:
        return category_detail(self._category_of(call))

    def _attributes(self, call: Call) -> list[dict[str, Any]]:
        return attribute_rows(self._category_of(call))

    def _create(self, call: Call) -> dict[str, Any]:
        return self.products.create_request(call.json(), call.now)

    def _tracking_list(self, call: Call) -> list[dict[str, Any]]:
        return self.products.tracking_list(call.params(), call.now)

    def _tracking(self, call: Call) -> dict[str, Any]:
        return self.products.tracking(call.request.path_params["track_id"], call.now)

    def _replay(self, call: Call) -> dict[str, Any]:
        return self.products.replay(call.request.path_params["track_id"], call.now)

    def _requests(self, call: Call) -> dict[str, Any]:
        return self.products.requests_list(call.params(), call.now)

    def _request(self, call: Call) -> dict[str, Any]:
        return self.products.request_detail(call.request.path_params["request_id"], call.now)

    def _delete_request(self, call: Call) -> dict[str, Any]:
        return self.products.delete_request(call.request.path_params["request_id"], call.now)

    def _products(self, call: Call) -> dict[str, Any]:
        return self.products.products_list(call.params(), call.now)

    def _find_by(self, call: Call) -> dict[str, Any]:
        return self.products.find_by(call.params(), call.now)

    def _product(self, call: Call) -> dict[str, Any]:
        product_id = call.request.path_params["product_id"]
        return self.products.product_get(product_id, call.params(), call.now)

    def _orders(self, call: Call) -> dict[str, Any]:
        return self.orders.list_orders(call.params(), call.now)

    def _order(self, call: Call) -> dict[str, Any]:
        return self.orders.get_order(call.request.path_params["code"])

    def _info(self, call: Call) -> dict[str, Any]:
        return self.products.info_request(call.json(), call.now)

    def _update_sku(self, call: Call) -> dict[str, Any]:
        body = call.json()
        if isinstance(body, dict) and body.get("warehouse_quantities") is not None:
            call.require("inventory")
        return self.products.update_sku(body, call.now)

    def _update_skus(self, call: Call) -> dict[str, Any]:
        body = call.json()
        entries = body.get("data") if isinstance(body, dict) else None
        if isinstance(entries, list) and any(
            isinstance(e, dict) and e.get("warehouse_quantities") is not None for e in entries
        ):
            call.require("inventory")
        return self.products.update_skus(body, call.now)

    # -- control routes --------------------------------------------------------------
    def _settings_route(self, request: SandboxRequest) -> SandboxResponse:
        try:
            changes = read_json(request) if request.method == "POST" else None
            if changes is not None and not isinstance(changes, dict):
                raise ValueError("settings must be a JSON object")
            settings = self.configure(**(changes or {}))
        except (TikiError, TypeError, ValueError) as exc:
            return SandboxResponse(400, {"error": "bad_request", "message": str(exc)})
        return respond(200, {"settings": settings})

    def _approve_route(self, request: SandboxRequest) -> SandboxResponse:
        track_id = request.path_params["track_id"]
        try:
            row = self.products.approve(track_id, self._now())
        except TikiError as refusal:
            return SandboxResponse(
                refusal.status, {"error": "bad_request", "message": "; ".join(refusal.errors)}
            )
        return respond(200, row)

    def _reject_route(self, request: SandboxRequest) -> SandboxResponse:
        track_id = request.path_params["track_id"]
        try:
            body = read_json(request) or {}
            if not isinstance(body, dict):
                raise TikiError(400, "the body must be a JSON object")
            reasons = body.get("reasons", ["Rejected in the sandbox"])
            if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
                raise TikiError(400, "reasons must be a list of strings")
            technical = body.get("technical", False)
            if not isinstance(technical, bool):
                raise TikiError(400, "technical must be true or false")
            row = self.products.reject(track_id, reasons, technical, self._now())
        except TikiError as refusal:
            return SandboxResponse(
                refusal.status, {"error": "bad_request", "message": "; ".join(refusal.errors)}
            )
        return respond(200, row)

    # -- harness hooks ---------------------------------------------------------------
    def describe(self, root_url: str) -> dict[str, Any]:
        return {
            "base_url": root_url,
            "auth_url": root_url + AUTH,
            "authorize_url": root_url + AUTH + "/auth",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "shop_id": str(SELLER_ID),
            "warehouse_id": WAREHOUSE_ID,
        }

    def state(self) -> dict[str, Any]:
        now = self._now()
        self.products.advance(now)
        includes = self.config.quantity_includes_open_orders
        listings = []
        for product in self.products.products.values():
            stock = product.stock()
            listings.append(
                {
                    "sku": product.original_sku,
                    "remote_id": str(product.super_id or product.product_id),
                    "unit_id": str(product.product_id),
                    "product_id": product.product_id,
                    "tiki_sku": product.sku,
                    "request_id": product.request_id,
                    "name": product.name,
                    "status": "active" if product.active else "inactive",
                    "stock": stock.available,
                    "reserved": stock.reserved if includes else 0,
                    "sellable": product.sellable(includes),
                    "price": product.price,
                }
            )
        requests = [
            {
                "track_id": record.track_id,
                "request_id": record.request_id,
                "kind": record.kind,
                "state": record.phase,
                "reasons": list(record.reasons),
                "technical": record.technical,
                "product_ids": list(record.product_ids),
            }
            for record in self.products.requests.values()
        ]
        return {
            "listings": listings,
            "orders": self.orders.counts(),
            "order_count": len(self.orders.orders),
            "requests": requests,
            "settings": self.config.public(),
            "throttled": self.throttled,
            "tokens_issued": self.auth.issued,
        }

    def create_orders(self, spec: dict[str, Any]) -> list[str]:
        if not isinstance(spec, dict):
            raise BadRequest('give {"count": N, "days": D} or {"sku": ..., "quantity": ...}')
        now = self._now()
        self.products.advance(now)
        status = str(spec.get("status") or "queueing")
        if status not in STARTING:
            raise BadRequest(f"a new order starts in one of {', '.join(STARTING)}")
        try:
            if "count" in spec:
                made = self.orders.spread(
                    int(spec["count"]), float(spec.get("days", 1)), status, now, self.rng
                )
                return [order.code for order in made]
            if "lines" in spec:
                lines = [(str(line["sku"]), int(line.get("quantity", 1))) for line in spec["lines"]]
            elif "sku" in spec:
                lines = [(str(spec["sku"]), int(spec.get("quantity", 1)))]
            else:
                raise BadRequest('give {"count": N, "days": D} or {"sku": ..., "quantity": ...}')
        except (TypeError, ValueError, KeyError) as exc:
            raise BadRequest(f"bad order spec: {exc}") from None
        return [self.orders.create(lines, now, status).code]

    def set_order_status(self, order_id: str, status: str) -> None:
        self.orders.set_status(order_id, status, self._now())

    def reset(self) -> None:
        super().reset()
        self._fresh()

    def not_found(self, request: SandboxRequest) -> SandboxResponse:
        for method, pattern in self._table:
            regex = "^" + re.sub(r"\\\{(\w+)\\\}", r"[^/]+", re.escape(pattern)) + "$"
            if method != request.method and re.match(regex, request.path):
                return respond(
                    405,
                    {
                        "errors": [
                            "Method Not Allowed — You tried to access a request with an "
                            "invalid method."
                        ]
                    },
                )
        return respond(404, {"errors": [f"Not Found: {request.path}"]})

    def bad_request(self, request: SandboxRequest, message: str) -> SandboxResponse:
        if request.path.startswith("/_sandbox/"):
            return SandboxResponse(400, {"error": "bad_request", "message": message})
        return respond(400, {"errors": [message]})
