"""A local imitation of the Lazada Open Platform (Vietnam venture).

One server carries three things under different path prefixes, as Lazada's hosts do:
the API gateway at ``/rest`` (``base_url``), the token gateway at ``/auth/rest``
(``auth_url``: ``/auth/token/create`` and ``/auth/token/refresh``) and the seller's
consent page at ``/oauth/authorize`` (``authorize_url``); the codes and tokens behind the
last two are :mod:`listsync_lazada.sandbox.auth`'s.

The gateway checks what Lazada checks, in its order: system parameters, the signature
(``api path + sorted name+value pairs``, uppercase hex, over the query string *and* the
form body, ``payload`` and unknown parameters included, ``sign`` and files not; with
``sign_method=sha256`` HMAC-SHA256, with ``sign_method=hmac`` HMAC-MD5 as in the
signature guide's Java sample and its ``sign_method=hmac`` request; anything else is
refused),
the timestamp (milliseconds or an ISO string, within 7,200 s), the access token, the
seller's call rate (``ApiCallLimit``, "this ban will last 1 seconds"). Errors are
``{type, code, message, request_id}``; success is ``{code: "0", data, request_id}``.

Choices where docs/marketplaces/lazada.md says UNCONFIRMED (all settable, see
:class:`SandboxConfig`):
- HTTP status of error bodies: 200 (``error_status``; a 4xx can be set).
- One item row per unit in order items.
- A bad timestamp answers ``InvalidParameter`` naming ``timestamp``.
- Token refreshes and replies: see :mod:`listsync_lazada.sandbox.auth`.
The timestamp is checked against real UTC, not the sandbox clock: moving the sandbox clock
(to expire tokens, age orders) must not make every honest caller's signature stale.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from listsync.sandbox.harness import (
    BadRequest,
    Route,
    SandboxApp,
    SandboxRequest,
    SandboxResponse,
    WindowLimiter,
)
from listsync_lazada.sandbox.auth import AuthStore
from listsync_lazada.sandbox.base import (
    DAY,
    LazadaFault,
    Reply,
    SandboxConfig,
    invalid,
    missing,
)
from listsync_lazada.sandbox.orders import OrderStore
from listsync_lazada.sandbox.products import ProductStore
from listsync_lazada.signing import DIGESTS, sign

API = "/rest"
AUTH = "/auth/rest"
AUTHORIZE = "/oauth/authorize"
APP_KEY = "100987"
APP_SECRET = "sandbox-lazada-app-secret-0123456789abcdef"
SELLER_ID = "200412345678"
USER_ID = "300412345678"
SHORT_CODE = "VN1A2B3C4D"
SELLER = {
    "seller_id": int(SELLER_ID),
    "name": "HTX Sen Tây Hồ",
    "name_company": "Hợp tác xã Sen Tây Hồ",
    "short_code": SHORT_CODE,
    "email": "htx.sen@example.vn",
    "logo_url": "https://vn-test-11.slatic.net/shop/logo-sen-tay-ho.png",
    "cb": False,
    "location": "Hà Nội",
    "status": "ACTIVE",
    "verified": True,
    "marketplaceEaseMode": False,
}
BAD_SIGNATURE = "The request signature does not conform to platform standards"
SYSTEM_PARAMS = ("app_key", "timestamp", "sign_method", "sign")

ApiHandler = Callable[[dict[str, str], SandboxRequest], Any]


class LazadaSandbox(SandboxApp):
    name = "lazada"
    order_story: ClassVar[dict[str, tuple[str, ...]]] = {
        "paid": (),
        "shipped": ("packed", "ready_to_ship", "shipped"),
        "completed": ("packed", "ready_to_ship", "shipped", "delivered"),
        "cancelled": ("canceled",),
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
        self.orders = OrderStore(self.products)
        self.auth = AuthStore(
            self.config,
            self.clock,
            app_key=APP_KEY,
            account=str(SELLER["email"]),
            seller_info={
                "country": "vn",
                "seller_id": SELLER_ID,
                "user_id": USER_ID,
                "short_code": SHORT_CODE,
            },
        )
        self._limiters: dict[str, WindowLimiter] = {}
        self._bans: dict[str, float] = {}

    # -- settings --------------------------------------------------------------------
    def configure(self, **changes: Any) -> dict[str, Any]:
        with self.lock:
            self.config.update(changes)
            self._limiters.clear()
            self._bans.clear()
            return self.config.public()

    # -- routes ----------------------------------------------------------------------
    def routes(self) -> Iterable[Route]:
        api: list[tuple[str, ApiHandler, bool]] = [
            ("/category/tree/get", lambda p, r: self.products.category_tree(), False),
            ("/category/attributes/get", lambda p, r: self.products.category_attributes(p), False),
            ("/category/brands/query", lambda p, r: self.products.brands(p), False),
            ("/seller/get", lambda p, r: dict(SELLER), True),
            ("/image/upload", lambda p, r: self.products.upload(r.files), True),
            ("/image/migrate", lambda p, r: self.products.migrate(p), True),
            ("/product/create", lambda p, r: self.products.create(p, self.clock.now()), True),
            ("/product/update", lambda p, r: self.products.update(p, self.clock.now()), True),
            ("/product/price_quantity/update", lambda p, r: self.products.price_quantity(p), True),
            ("/products/get", lambda p, r: self.products.get_products(p, self.clock.now()), True),
            ("/product/item/get", lambda p, r: self.products.get_item(p, self.clock.now()), True),
            ("/orders/get", lambda p, r: self.orders.get_orders(p), True),
            ("/orders/items/get", lambda p, r: self.orders.get_items(p), True),
            ("/order/get", lambda p, r: self.orders.get_order(p), True),
            ("/order/items/get", lambda p, r: self.orders.get_order_items(p), True),
        ]
        for path, handler, seller in api:
            gateway = self._gateway(path, handler, seller)
            yield Route("GET", API + path, gateway)
            yield Route("POST", API + path, gateway)
        # self.auth is looked up at each call: a reset makes a new one
        tokens: list[tuple[str, ApiHandler]] = [
            ("/auth/token/create", lambda p, r: self.auth.token_create(p)),
            ("/auth/token/refresh", lambda p, r: self.auth.token_refresh(p)),
        ]
        for path, token_handler in tokens:
            gateway = self._gateway(path, token_handler, False, raw=True)
            yield Route("GET", AUTH + path, gateway)
            yield Route("POST", AUTH + path, gateway)
        yield Route("GET", AUTHORIZE, lambda request: self.auth.consent(request))
        yield Route("POST", "/_sandbox/settings", self._settings_route)
        yield Route("GET", "/_sandbox/settings", self._settings_route)

    def _settings_route(self, request: SandboxRequest) -> SandboxResponse:
        changes = request.json() if request.method == "POST" else None
        try:
            return SandboxResponse(200, self.configure(**(changes or {})))
        except (TypeError, ValueError) as exc:
            raise BadRequest(str(exc)) from None

    # -- gateway ---------------------------------------------------------------------
    def _gateway(
        self, api_path: str, handler: ApiHandler, seller: bool, raw: bool = False
    ) -> Callable[[SandboxRequest], SandboxResponse]:
        def handle(request: SandboxRequest) -> SandboxResponse:
            request_id = self._request_id()
            try:
                params = self._verify(request, api_path, seller)
                self._throttle(api_path)
                data = handler(params, request)
            except LazadaFault as fault:
                body: dict[str, Any] = {
                    "type": fault.kind,
                    "code": fault.code,
                    "message": fault.message,
                    "request_id": request_id,
                }
                if fault.detail is not None:
                    body["detail"] = fault.detail
                return SandboxResponse(self.config.error_status, body)
            if raw:
                return SandboxResponse(200, {**data, "code": "0", "request_id": request_id})
            answer: dict[str, Any] = {"code": "0", "request_id": request_id}
            if isinstance(data, Reply):
                answer.update(data.extra)
                data = data.data
            if data is not None:
                answer["data"] = data
            return SandboxResponse(200, answer)

        return handle

    def _request_id(self) -> str:
        return f"21{next(self._request_ids):011x}"

    def _verify(self, request: SandboxRequest, api_path: str, seller: bool) -> dict[str, str]:
        params = request.params()
        for name in SYSTEM_PARAMS:
            if not params.get(name):
                raise missing(name)
        if params["app_key"] != APP_KEY:
            raise invalid("app_key", "no application has this key")
        method = params["sign_method"].lower()
        if method not in DIGESTS:
            raise invalid("sign_method", "use sha256 (HMAC-SHA256) or hmac (HMAC-MD5)")
        expected = sign(api_path, params, APP_SECRET, method)
        if params["sign"] != expected:
            raise LazadaFault("IncompleteSignature", BAD_SIGNATURE)
        self._check_timestamp(params["timestamp"])
        if seller:
            token = params.get("access_token")
            if not token:
                raise missing("access_token")
            if not self.auth.access_valid(token):
                raise LazadaFault(
                    "IllegalAccessToken", "The specified access token is invalid or expired"
                )
        return params

    def _check_timestamp(self, raw: str) -> None:
        try:
            if raw.isdigit():
                moment = int(raw) / 1000
            else:
                parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
                moment = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
        except ValueError:
            raise invalid("timestamp", "milliseconds since the epoch or an ISO time") from None
        if abs(time.time() - moment) > self.config.timestamp_window:
            raise invalid(
                "timestamp",
                f"more than {self.config.timestamp_window} seconds away from the current time",
            )

    def _throttle(self, api_path: str) -> None:
        rate = self.config.rate_limits.get(api_path, self.config.default_rate)
        if rate is not None:
            now = time.monotonic()
            banned = self._bans.get(api_path, 0.0) > now
            limiter = self._limiters.setdefault(api_path, WindowLimiter(rate))
            if banned or not limiter.allow(SELLER_ID):
                if not banned:
                    self._bans[api_path] = now + 1.0
                raise LazadaFault(
                    "ApiCallLimit",
                    "Api access frequency exceeds the limit. this ban will last 1 seconds",
                    kind="ISP",
                )
        product_rate = self.config.product_rate
        if product_rate is not None and api_path in ("/product/create", "/product/update"):
            limiter = self._limiters.setdefault("product-writes", WindowLimiter(product_rate))
            if not limiter.allow(SELLER_ID):
                if api_path == "/product/create":
                    raise LazadaFault("4154", "SYS_REQUEST_TOO_FAST")
                raise LazadaFault("901", "The request is too frequent, please try again later")

    # -- control hooks ---------------------------------------------------------------
    def describe(self, root_url: str) -> dict[str, Any]:
        return {
            "base_url": root_url + API,
            "auth_url": root_url + AUTH,
            "authorize_url": root_url + AUTHORIZE,
            "app_key": APP_KEY,
            "app_secret": APP_SECRET,
            "shop_id": SELLER_ID,
        }

    def state(self) -> dict[str, Any]:
        now = self.clock.now()
        listings = [
            {
                "sku": sku.seller_sku,
                "product_sku": item.product_sku,
                "remote_id": str(item.item_id),
                "unit_id": str(sku.sku_id),
                "status": item.status(now),
                "stock": sku.quantity,
                "reserved": sku.reserved,
                "price": int(sku.price),
            }
            for item, sku in self.products.units()
        ]
        counts: dict[str, int] = {}
        for order in self.orders.orders.values():
            key = ",".join(order.statuses)
            counts[key] = counts.get(key, 0) + 1
        return {"listings": listings, "orders": counts, "order_count": len(self.orders.orders)}

    def create_orders(self, spec: dict[str, Any]) -> list[str]:
        spec = dict(spec or {})
        status = str(spec.get("status") or "pending")
        now = self.clock.now().replace(microsecond=0)
        if "count" in spec:
            return self._spread_orders(int(spec["count"]), float(spec.get("days", 1)), status)
        if "lines" in spec:
            lines = [(str(line["sku"]), int(line.get("quantity", 1))) for line in spec["lines"]]
        elif "sku" in spec:
            lines = [(str(spec["sku"]), int(spec.get("quantity", 1)))]
        else:
            raise BadRequest('give {"count": N, "days": D} or {"sku": ..., "quantity": ...}')
        return [str(self.orders.create(lines, now, status).order_id)]

    def _spread_orders(self, count: int, days: float, status: str) -> list[str]:
        """``count`` one-unit orders over the last ``days``: all of them, or none (400)."""
        now = self.clock.now().replace(microsecond=0)
        units = [sku for _, sku in self.products.units()]
        left = {sku.sku_id: sku.sellable for sku in units}
        plan: list[tuple[str, datetime]] = []
        for _ in range(count):
            available = [sku for sku in units if left[sku.sku_id] > 0]
            if not available:
                raise BadRequest(
                    f"only {len(plan)} of the {count} orders fit the listed stock; none was made"
                )
            sku = self.rng.choice(available)
            left[sku.sku_id] -= 1
            created = now - timedelta(seconds=self.rng.randrange(max(1, int(days * DAY))))
            plan.append((sku.seller_sku, created))
        return [
            str(self.orders.create([(seller_sku, 1)], created, status).order_id)
            for seller_sku, created in plan
        ]

    def set_order_status(self, order_id: str, status: str) -> None:
        self.orders.set_status(order_id, status, self.clock.now())

    def set_item_status(self, order_id: str, order_item_ids: Iterable[int], status: str) -> None:
        """Move some units of an order only (Lazada keeps status per item)."""
        with self.lock:
            self.orders.set_status(order_id, status, self.clock.now(), set(order_item_ids))

    def reset(self) -> None:
        super().reset()
        self._fresh()
