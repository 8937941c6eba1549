"""A local imitation of the Alibaba.com Open Platform (ICBU seller APIs), on the core's harness.

It plays the current platform (docs/marketplaces/alibaba.md §4.1: the IOP-style
gateway), with the TOP-style API names that gateway serves. One server carries the
gateway at ``/rest`` (``base_url``) and ``/sync``, and the seller's consent page at
``/oauth/authorize`` (``authorize_url``; :mod:`auth`). docs/marketplaces/alibaba.md says
what listsync relies on.

**Where a call goes.** Both URL styles are served, with the parameters in the query string
or a form body (urlencoded or multipart) or both:

- everything posted to ``/rest`` (or ``/sync``) with ``method=<api name>`` — a TOP name
  such as ``alibaba.icbu.product.list`` or a path such as ``/auth/token/create``, as the
  2025 official SDK does;
- a path appended to ``/rest``: ``/rest/auth/token/create``, ``/rest/auth/token/refresh``,
  ``/rest/alibaba/order/list``, ``/rest/alibaba/order/get``, and the path twins of the
  official API list: ``/rest/alibaba/icbu/photobank/upload``, ``/rest/icbu/product/get``,
  ``/rest/alibaba/icbu/product/list``, ``/rest/icbu/product/inventory/update``,
  ``/rest/icbu/product/inventory/get``. The URL's path is the API name; a ``method``
  parameter beside it is signed like any other parameter.

TOP names served: ``alibaba.icbu.photobank.upload``, ``alibaba.icbu.category.get``,
``alibaba.icbu.category.attribute.get``, ``alibaba.icbu.product.add``, ``.update``,
``.update.field``, ``.get``, ``.list``, ``.inventory.update``, ``.inventory.get``,
``alibaba.icbu.product.sku.inventory.get`` (:mod:`products`), ``alibaba.seller.order.list``
and ``alibaba.seller.order.get`` (:mod:`orders`). An unknown name is ``InvalidApiPath``.

**The gateway checks**, in this order: the API name (``method``, ``MissingParameter``),
the system parameters ``app_key``, ``sign_method``, ``timestamp``, ``sign``
(``MissingParameter``), the app key and ``sign_method`` ``sha256`` (``InvalidParameter``),
the signature (:func:`base.sign`: HMAC-SHA256, uppercase hex, over every query and form
parameter but ``sign``, sorted, prefixed with the API name when it holds a ``/``;
``IncompleteSignature``), the timestamp (milliseconds, or TOP's ``yyyy-MM-dd HH:mm:ss`` in
GMT+8, within ``timestamp_window`` of real time; ``InvalidParameter`` naming
``timestamp``), the seller's ``access_token`` (``session``, TOP's name, is read too; missing
is ``MissingParameter``, unknown or expired ``IllegalAccessToken``), then the call rate
(``ApiCallLimit``, "this ban will last N seconds"). The token APIs need no access token.

**Replies.** Errors: ``{"type": "ISV"|"ISP", "code", "message", "request_id"}`` (plus
``detail[{field, message}]`` when a listing breaks several rules) with HTTP
``error_status``. Success: ``{"code": "0", "request_id", …}`` with each API's fields at the
top level as TOP's models name them (``product``, ``products``/``total_item``,
``result{…}`` for stock, ``value{…}`` for orders, ``upload_image_response``…). With
``sync_envelope`` "wrapped", TOP-named calls answer TOP's way instead:
``{"<name with underscores>_response": {…, "request_id"}}`` and errors
``{"error_response": {"type", "code", "msg", "request_id"}}``.

**Settings** (``AlibabaSandbox(**settings)``, ``configure(**changes)``, ``GET``/``POST
/_sandbox/settings``); UNCONFIRMED points of alibaba.md are marked (U):

- ``error_status`` (200): the HTTP status of error bodies (U), 200 or a 4xx but 429.
- ``timestamp_window`` (600 s): how far ``timestamp`` may be from real time (U: TOP's
  tolerance is 10 minutes; Lazada's IOP gateway allows 7,200 s).
- ``rate_per_second`` (40; null: none) and ``ban_seconds`` (1): calls a second per seller
  before ``ApiCallLimit`` and the ban that follows (U: ICBU publishes no rate).
- ``access_ttl`` (864,000 s), ``refresh_ttl`` (5,184,000 s), ``code_ttl`` (1,800 s),
  ``refresh_rotates`` (true), ``token_numbers`` ("string"): :mod:`auth` (U).
- ``sync_envelope`` ("flat"): the envelope of TOP-named calls, see above (U).
- ``review_seconds`` (0), ``auto_approve`` (true), ``approved_status`` ("approved" |
  "onSelling"), ``review_on_price_change`` (false): the review, :mod:`products` (U).
- ``product_page_max`` (30) and ``oversize_page`` ("refuse" | "truncate": one
  integrator saw ``page_size=50`` cut to 30 silently) for ``product.list`` (U).
- ``below_zero`` ("refuse" | "clamp"): a ``sub`` below zero stock (U).
- ``duplicate_sku_code`` ("allow" | "refuse"): a ``sku_code`` another product holds (U).
- ``max_image_bytes`` (3 MB), ``max_images`` (6): photobank and main images (U).
- ``order_page_max`` (100), ``order_page_default`` (10), ``order_first_page`` (0),
  ``mask_trade_ids`` (false), ``stock_taken_at`` ("payment"), ``restock_on_close`` (true),
  ``unit_price_places`` (2): :mod:`orders` (U).

**Control API** beyond the harness's: ``GET``/``POST /_sandbox/settings``;
``POST /_sandbox/products/<product_id>/approve`` and ``…/reject`` with ``{"reasons":
["…"]}`` (the obfuscated or the numeric id; a product still in review only).
``POST /_sandbox/orders`` takes ``{"count", "days"}``, ``{"sku", "quantity"}`` or
``{"lines": [{"sku", "quantity"}]}``, optionally ``"status"`` (``paid`` by default; or
``to_be_audited``, ``unpay``, ``paying``, ``captured``, ``undeliver``) and
``"shipment_fee"`` (USD text), all or nothing, on approved listings with the stock for it;
it answers trade ids. ``POST /_sandbox/orders/<trade_id>/status`` takes any trade status.
``GET /_sandbox/state`` lists every SKU by seller SKU with its stock, USD price and review
status, and the orders by status.

Clocks: tokens, codes, reviews and orders run on the sandbox clock; the timestamp check
and the rate limit on the real one (moving the sandbox clock must not make every honest
caller's signature stale).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from listsync.sandbox.harness import (
    BadRequest,
    Route,
    SandboxApp,
    SandboxRequest,
    SandboxResponse,
    WindowLimiter,
)
from listsync_alibaba.sandbox.auth import AuthStore
from listsync_alibaba.sandbox.base import (
    AlibabaFault,
    SandboxConfig,
    decimal_of,
    invalid,
    missing,
    parse_china_time,
    sign,
)
from listsync_alibaba.sandbox.catalog import SELLER_ID, WAREHOUSE_CODE
from listsync_alibaba.sandbox.orders import STARTING, OrderStore
from listsync_alibaba.sandbox.products import ProductStore

API = "/rest"
SYNC = "/sync"
AUTHORIZE = "/oauth/authorize"
APP_KEY = "34120587"
APP_SECRET = "sandbox-alibaba-app-secret-4f1c9a7e2b"
SYSTEM_PARAMS = ("app_key", "sign_method", "timestamp", "sign")
BAD_SIGNATURE = "The request signature does not conform to platform standards"

Handler = Callable[[dict[str, str], SandboxRequest, datetime], dict[str, Any]]


@dataclass(frozen=True)
class Api:
    handler: Handler
    seller: bool = True


class AlibabaSandbox(SandboxApp):
    name = "alibaba"
    order_story: ClassVar[dict[str, tuple[str, ...]]] = {
        "paid": (),
        "shipped": ("undeliver", "delivering"),
        "completed": ("undeliver", "delivering", "wait_confirm_receipt", "trade_success"),
        "cancelled": ("trade_close",),
    }

    def __init__(self, seed: int = 0, **settings: Any) -> None:
        super().__init__(seed)
        self._initial = dict(settings)
        self._request_ids = itertools.count(1)
        self._fresh()

    def _fresh(self) -> None:
        self.config = SandboxConfig()
        self.config.update(self._initial)
        self.products = ProductStore(self.config)
        self.orders = OrderStore(self.config, self.products)
        self.auth = AuthStore(self.config, self.clock, app_key=APP_KEY)
        self._limiters: dict[str, WindowLimiter] = {}
        self._bans: dict[str, float] = {}
        self.throttled = 0

    def configure(self, **changes: Any) -> dict[str, Any]:
        with self.lock:
            self.products.advance(self.clock.now())  # reviews due under the old settings end
            self.config.update(changes)
            self._limiters.clear()
            self._bans.clear()
            return self.config.public()

    # -- the API table -----------------------------------------------------------------
    def apis(self) -> dict[str, Api]:
        """Every API name the gateway knows; the stores are looked up at each call (a reset
        makes new ones)."""
        p = lambda: self.products  # noqa: E731
        o = lambda: self.orders  # noqa: E731
        table: dict[str, Api] = {
            "/auth/token/create": Api(lambda a, r, n: self.auth.token_create(a), seller=False),
            "/auth/token/refresh": Api(lambda a, r, n: self.auth.token_refresh(a), seller=False),
            "alibaba.icbu.photobank.upload": Api(lambda a, r, n: p().upload(a, r.files)),
            "alibaba.icbu.category.get": Api(lambda a, r, n: p().category(a)),
            "alibaba.icbu.category.attribute.get": Api(lambda a, r, n: p().attributes(a)),
            "alibaba.icbu.product.add": Api(lambda a, r, n: p().add(a, n)),
            "alibaba.icbu.product.update": Api(lambda a, r, n: p().update(a, n)),
            "alibaba.icbu.product.update.field": Api(lambda a, r, n: p().update_field(a, n)),
            "alibaba.icbu.product.get": Api(lambda a, r, n: p().get(a, n)),
            "alibaba.icbu.product.list": Api(lambda a, r, n: p().list_products(a, n)),
            "alibaba.icbu.product.inventory.update": Api(lambda a, r, n: p().inventory_update(a)),
            "alibaba.icbu.product.inventory.get": Api(
                lambda a, r, n: p().inventory_get(a, by_sku=False)
            ),
            "alibaba.icbu.product.sku.inventory.get": Api(
                lambda a, r, n: p().inventory_get(a, by_sku=True)
            ),
            "/alibaba/order/list": Api(lambda a, r, n: o().list_path(a)),
            "/alibaba/order/get": Api(lambda a, r, n: o().get(a)),
            "alibaba.seller.order.list": Api(lambda a, r, n: o().list_top(a)),
            "alibaba.seller.order.get": Api(lambda a, r, n: o().get(a)),
        }
        twins = {
            "/alibaba/icbu/photobank/upload": "alibaba.icbu.photobank.upload",
            "/icbu/product/get": "alibaba.icbu.product.get",
            "/alibaba/icbu/product/list": "alibaba.icbu.product.list",
            "/icbu/product/inventory/update": "alibaba.icbu.product.inventory.update",
            "/icbu/product/inventory/get": "alibaba.icbu.product.inventory.get",
        }
        for path, name in twins.items():
            table[path] = table[name]
        return table

    def routes(self) -> Iterable[Route]:
        self._apis = self.apis()
        for base in (API, SYNC):
            gateway = self._gateway(None)
            yield Route("GET", base, gateway)
            yield Route("POST", base, gateway)
        for name in self._apis:
            if name.startswith("/"):
                gateway = self._gateway(name)
                yield Route("GET", API + name, gateway)
                yield Route("POST", API + name, gateway)
        yield Route("GET", AUTHORIZE, lambda request: self.auth.consent(request))
        yield Route("GET", "/_sandbox/settings", self._settings_route)
        yield Route("POST", "/_sandbox/settings", self._settings_route)
        yield Route("POST", "/_sandbox/products/{product_id}/approve", self._approve_route)
        yield Route("POST", "/_sandbox/products/{product_id}/reject", self._reject_route)

    # -- the gateway -------------------------------------------------------------------
    def _gateway(self, url_api: str | None) -> Callable[[SandboxRequest], SandboxResponse]:
        def handle(request: SandboxRequest) -> SandboxResponse:
            request_id = self._request_id()
            params = request.params()
            name = url_api or params.get("method") or ""
            try:
                if not name:
                    raise missing("method")
                api = self._apis.get(name)
                if api is None:
                    raise AlibabaFault("InvalidApiPath", f"The specified API {name} is invalid")
                self._verify(params, name, api.seller)
                self._throttle()
                fields = api.handler(params, request, self.clock.now())
            except AlibabaFault as fault:
                return self._error(fault, name, request_id)
            if self.config.sync_envelope == "wrapped" and "/" not in name:
                key = name.replace(".", "_") + "_response"
                return SandboxResponse(200, {key: {**fields, "request_id": request_id}})
            return SandboxResponse(200, {"code": "0", **fields, "request_id": request_id})

        return handle

    def _error(self, fault: AlibabaFault, name: str, request_id: str) -> SandboxResponse:
        if self.config.sync_envelope == "wrapped" and name and "/" not in name:
            inner = {
                "type": fault.kind,
                "code": fault.code,
                "msg": fault.message,
                "request_id": request_id,
            }
            return SandboxResponse(self.config.error_status, {"error_response": inner})
        body: dict[str, Any] = {
            "type": fault.kind,
            "code": fault.code,
            "message": fault.message,
            "request_id": request_id,
        }
        if fault.detail is not None:
            body["detail"] = fault.detail
        return SandboxResponse(self.config.error_status, body)

    def _request_id(self) -> str:
        return f"0ba2{next(self._request_ids):021d}"

    def _verify(self, params: dict[str, str], name: str, seller: bool) -> None:
        for system in SYSTEM_PARAMS:
            if not params.get(system):
                raise missing(system)
        if params["app_key"] != APP_KEY:
            raise invalid("app_key", "no application has this key")
        if params["sign_method"].lower() != "sha256":
            raise invalid("sign_method", "use sha256 (HMAC-SHA256)")
        if params["sign"] != sign(name, params, APP_SECRET):
            raise AlibabaFault("IncompleteSignature", BAD_SIGNATURE)
        self._check_timestamp(params["timestamp"])
        if seller:
            token = params.get("access_token") or params.get("session")
            if not token:
                raise missing("access_token")
            if not self.auth.access_valid(token):
                raise AlibabaFault(
                    "IllegalAccessToken", "The specified access token is invalid or expired"
                )

    def _check_timestamp(self, raw: str) -> None:
        if raw.strip().isdigit():
            moment = int(raw) / 1000
        else:
            try:
                moment = parse_china_time(raw, "timestamp").timestamp()
            except AlibabaFault:
                raise invalid(
                    "timestamp", "milliseconds since the epoch (or yyyy-MM-dd HH:mm:ss, GMT+8)"
                ) from None
        window = self.config.timestamp_window
        if abs(time.time() - moment) > window:
            raise invalid("timestamp", f"more than {window} seconds away from the current time")

    def _throttle(self) -> None:
        rate = self.config.rate_per_second
        if rate is None:
            return
        now = time.monotonic()
        banned = self._bans.get(SELLER_ID, 0.0) > now
        limiter = self._limiters.setdefault(SELLER_ID, WindowLimiter(rate))
        if banned or not limiter.allow(SELLER_ID):
            ban = self.config.ban_seconds
            if not banned:
                self._bans[SELLER_ID] = now + ban
            self.throttled += 1
            raise AlibabaFault(
                "ApiCallLimit",
                f"Api access frequency exceeds the limit. this ban will last {ban} seconds",
                kind="ISP",
            )

    # -- control routes ----------------------------------------------------------------
    def _settings_route(self, request: SandboxRequest) -> SandboxResponse:
        try:
            changes = request.json() if request.method == "POST" else None
            if changes is not None and not isinstance(changes, dict):
                raise ValueError("settings must be a JSON object")
            return SandboxResponse(200, {"settings": self.configure(**(changes or {}))})
        except (BadRequest, TypeError, ValueError) as exc:
            return SandboxResponse(400, {"error": "bad_request", "message": str(exc)})

    def _approve_route(self, request: SandboxRequest) -> SandboxResponse:
        ref = request.path_params["product_id"]
        try:
            self.products.advance(self.clock.now())
            return SandboxResponse(200, self.products.approve(ref, self.clock.now()))
        except KeyError as exc:
            return SandboxResponse(404, {"error": "not_found", "message": str(exc.args[0])})
        except ValueError as exc:
            return SandboxResponse(400, {"error": "bad_request", "message": str(exc)})

    def _reject_route(self, request: SandboxRequest) -> SandboxResponse:
        ref = request.path_params["product_id"]
        try:
            body = request.json() or {}
            if not isinstance(body, dict):
                raise ValueError("the body must be a JSON object")
            reasons = body.get("reasons", ["Rejected in the sandbox"])
            if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
                raise ValueError("reasons must be a list of strings")
            self.products.advance(self.clock.now())
            return SandboxResponse(200, self.products.reject(ref, reasons, self.clock.now()))
        except KeyError as exc:
            return SandboxResponse(404, {"error": "not_found", "message": str(exc.args[0])})
        except (BadRequest, ValueError) as exc:
            return SandboxResponse(400, {"error": "bad_request", "message": str(exc)})

    # -- harness hooks -----------------------------------------------------------------
    def describe(self, root_url: str) -> dict[str, Any]:
        return {
            "base_url": root_url + API,
            "authorize_url": root_url + AUTHORIZE,
            "app_key": APP_KEY,
            "app_secret": APP_SECRET,
            "shop_id": SELLER_ID,
            "inventory_code": WAREHOUSE_CODE,
        }

    def state(self) -> dict[str, Any]:
        self.products.advance(self.clock.now())
        return {
            "listings": self.products.state_rows(),
            "orders": self.orders.counts(),
            "order_count": len(self.orders.orders),
            "photobank": len(self.products.photobank),
            "settings": self.config.public(),
            "throttled": self.throttled,
            "tokens_issued": self.auth.issued,
        }

    def create_orders(self, spec: dict[str, Any]) -> list[str]:
        if not isinstance(spec, dict):
            raise BadRequest('give {"count": N, "days": D} or {"sku": ..., "quantity": ...}')
        now = self.clock.now()
        self.products.advance(now)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)  # Alibaba keeps ms
        status = str(spec.get("status") or "paid")
        if status not in STARTING:
            raise BadRequest(f"a new order starts in one of {', '.join(STARTING)}")
        fee = decimal_of(spec.get("shipment_fee", "0.00"))
        if fee is None or fee < 0:
            raise BadRequest('shipment_fee is a USD amount such as "4.67"')
        try:
            if "count" in spec:
                made = self.orders.spread(
                    int(spec["count"]), float(spec.get("days", 1)), status, now, self.rng
                )
                return [order.trade_id for order in made]
            if "lines" in spec:
                lines = [(str(line["sku"]), int(line.get("quantity", 1))) for line in spec["lines"]]
            elif "sku" in spec:
                lines = [(str(spec["sku"]), int(spec.get("quantity", 1)))]
            else:
                raise BadRequest('give {"count": N, "days": D} or {"sku": ..., "quantity": ...}')
        except (TypeError, KeyError) as exc:
            raise BadRequest(f"bad order spec: {exc}") from None
        order = self.orders.create(lines, now, status, fee.quantize(Decimal("0.01")))
        return [order.trade_id]

    def set_order_status(self, order_id: str, status: str) -> None:
        self.orders.set_status(order_id, status, self.clock.now())

    def reset(self) -> None:
        super().reset()
        self._fresh()

    def not_found(self, request: SandboxRequest) -> SandboxResponse:
        if request.path.startswith(("/rest", "/sync")):
            body = {
                "type": "ISV",
                "code": "InvalidApiPath",
                "message": f"The specified API path {request.path} is invalid",
                "request_id": self._request_id(),
            }
            return SandboxResponse(self.config.error_status, body)
        return super().not_found(request)
