"""A local imitation of the Shopee Open Platform v2 API, served by the core's harness.

It signs and checks exactly as Shopee documents (docs/marketplaces/shopee.md §1.2):
HMAC-SHA256 keyed with the partner key, lowercase hex, over ``partner_id + path +
timestamp`` for public calls and ``+ access_token + shop_id`` for shop calls; the timestamp
is Unix seconds, valid for 5 minutes either way. Errors are ``{error, message,
request_id}``, successes ``{error: "", message: "", request_id, response}``, token replies
sit at the top level.

Sandbox settings (constructor arguments, or ``POST /_sandbox/settings`` with JSON):

* ``error_http_status`` (200): the HTTP status of error replies. Shopee does not document
  it (UNCONFIRMED); both 200 and 4xx are seen in the wild, and the client handles both.
  With a 4xx setting, throttling (``error_rate_limit``) answers 429.
* ``rate_per_second`` (10): Shopee publishes no rate limit (UNCONFIRMED); calls beyond it,
  per shop (per partner for public calls), answer ``error_rate_limit``.
* ``daily_quota`` (None): calls per shop and sandbox day; beyond it ``error_limit``.
* ``search_lag_seconds`` (0): a new item stays invisible to ``search_item`` this long,
  on the sandbox clock, like a lagging search index.
* ``timestamp_tolerance`` (300): how far a signed timestamp may be from the real time;
  -1 refuses every request as a client with a wrong clock would be refused.
* ``future_timestamps`` ("refuse"): the pages say a timestamp "expires in 5 minutes"; how a
  timestamp ahead of Shopee's clock is treated is not documented (UNCONFIRMED). "refuse"
  applies the tolerance either way, "accept" only to timestamps in the past.
* ``error_code_style`` ("namespaced"): the reference pages show both forms of error code —
  their Error Codes tables bare (``error_auth``), their samples and error examples with the
  module (``common.error_auth`` on get_order_detail, ``product.error_param`` on
  update_price / get_model_list / get_brand_list, ``product.error_server`` on
  get_attribute_tree, ``order.order_list_invalid_time``). "namespaced" prefixes the
  gateway's own refusals of shop calls with ``common.`` and the API's with its module;
  token and image-upload calls stay bare, as the token pages show them. "plain" sends every
  code bare.
* ``throttle_code`` ("error_rate_limit"): Shopee documents no throttling code
  (UNCONFIRMED); the code a throttled call is answered with.
* ``duplicate_item_sku`` ("accept"): whether add_item refuses a second item with an SKU
  already listed (``error_repeated_mtsku``, "A similar product has already been uploaded",
  the closest documented code) is not documented (UNCONFIRMED): "accept" or "refuse".
* ``order_detail_unknown`` ("error"): an unknown order_sn is ``error_not_found`` (the
  get_order_detail page's error example); with known ones in the same call (UNCONFIRMED),
  "error" refuses the call, "skip" leaves the unknown ones out.

Control API beyond the harness's: ``GET``/``POST /_sandbox/settings`` and
``GET``/``POST /_sandbox/shop`` with ``{"status": "NORMAL" | "ACCESS_EXPIRED" | "BANNED"}``
(see ``auth.py``).

Clocks: tokens, codes, orders and the search lag run on the sandbox clock, which the
control API moves forward. The 5-minute timestamp check runs on the real clock, the one a
client signs with, so moving the sandbox clock expires tokens without making every
signature stale; a client whose own clock is off is still refused with
``Invalid timestamp``.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
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
from listsync_shopee.sandbox import catalog as reference
from listsync_shopee.sandbox.auth import SHOP_STATUSES, AuthStore
from listsync_shopee.sandbox.base import ApiError, Call, TopLevel
from listsync_shopee.sandbox.orders import OrderStore
from listsync_shopee.sandbox.products import ProductStore

TIMESTAMP_TOLERANCE = 300
PARTNER_ID = 2001887
PARTNER_KEY = "sandbox-shopee-partner-key-0001"
SHOP_ID = 322300222
PUBLIC_MODULES = ("auth", "shop", "public", "media_space")  # bare codes, as their pages show
CHOICES = {
    "future_timestamps": ("refuse", "accept"),
    "error_code_style": ("namespaced", "plain"),
    "duplicate_item_sku": ("accept", "refuse"),
    "order_detail_unknown": ("error", "skip"),
}

Endpoint = Callable[[Call], Any]


@dataclass
class SandboxSettings:
    error_http_status: int = 200
    rate_per_second: float = 10.0
    search_lag_seconds: float = 0.0
    daily_quota: int | None = None
    timestamp_tolerance: int = TIMESTAMP_TOLERANCE  # seconds either way; -1 refuses every one
    future_timestamps: str = "refuse"
    error_code_style: str = "namespaced"
    throttle_code: str = "error_rate_limit"
    duplicate_item_sku: str = "accept"
    order_detail_unknown: str = "error"

    def __post_init__(self) -> None:
        for name, allowed in CHOICES.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {allowed}")
        if not isinstance(self.throttle_code, str) or not self.throttle_code:
            raise ValueError("throttle_code must be a non-empty string")
        status = self.error_http_status
        if (
            isinstance(status, bool)
            or not isinstance(status, int)
            or not (status == 200 or 400 <= status <= 499)
        ):
            raise ValueError("error_http_status must be 200 or a 4xx status")
        if not self.rate_per_second > 0:
            raise ValueError("rate_per_second must be greater than 0")
        if self.search_lag_seconds < 0:
            raise ValueError("search_lag_seconds must be 0 or more")
        if self.daily_quota is not None and self.daily_quota < 1:
            raise ValueError("daily_quota must be at least 1, or null for none")


class ShopeeSandbox(SandboxApp):
    name = "shopee"
    order_story: ClassVar[dict[str, tuple[str, ...]]] = {
        "paid": ("READY_TO_SHIP",),
        "shipped": ("READY_TO_SHIP", "SHIPPED"),
        "completed": ("READY_TO_SHIP", "SHIPPED", "COMPLETED"),
        "cancelled": ("IN_CANCEL", "CANCELLED"),
    }

    def __init__(
        self,
        *,
        partner_id: int = PARTNER_ID,
        partner_key: str = PARTNER_KEY,
        shop_id: int = SHOP_ID,
        error_http_status: int = 200,
        rate_per_second: float = 10.0,
        search_lag_seconds: float = 0.0,
        daily_quota: int | None = None,
        seed: int = 0,
        **settings: Any,
    ) -> None:
        """``settings``: any other :class:`SandboxSettings` by name."""
        super().__init__(seed)
        self.partner_id = partner_id
        self.partner_key = partner_key
        self.shop_id = shop_id
        self.settings = SandboxSettings(
            error_http_status, rate_per_second, search_lag_seconds, daily_quota
        )
        self.limiter = WindowLimiter(rate_per_second)
        self.usage: dict[tuple[str, str], int] = {}
        self.throttled = 0  # calls answered error_rate_limit, for tests and the demo
        self.auth = AuthStore(shop_id)
        self.products = ProductStore(
            lambda: timedelta(seconds=self.settings.search_lag_seconds),
            lambda: self.settings.duplicate_item_sku,
        )
        self.orders = OrderStore(
            self.clock, self.rng, self.products, lambda: self.settings.order_detail_unknown
        )
        if settings:
            self.configure(**settings)

    def configure(self, **changes: Any) -> SandboxSettings:
        """Change sandbox settings; unknown names and bad values are refused."""
        known = {f.name for f in fields(SandboxSettings)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown settings {sorted(unknown)}; known: {sorted(known)}")
        with self.lock:
            self.settings = SandboxSettings(**{**asdict(self.settings), **changes})
            self.limiter = WindowLimiter(self.settings.rate_per_second)
            return self.settings

    # -- routes ---------------------------------------------------------------------
    def routes(self) -> list[Route]:
        products, orders, auth = self.products, self.orders, self.auth
        public: list[tuple[str, str, Endpoint]] = [
            ("GET", "/api/v2/shop/auth_partner", auth.auth_partner),
            ("POST", "/api/v2/auth/token/get", auth.token_get),
            ("POST", "/api/v2/auth/access_token/get", auth.refresh_token),
            ("POST", "/api/v2/media_space/upload_image", products.upload_image),
        ]
        shop: list[tuple[str, str, Endpoint]] = [
            ("GET", "/api/v2/product/get_category", reference.get_category),
            ("GET", "/api/v2/product/get_attribute_tree", reference.get_attribute_tree),
            ("GET", "/api/v2/product/get_brand_list", reference.get_brand_list),
            ("GET", "/api/v2/product/get_item_limit", reference.get_item_limit),
            ("GET", "/api/v2/logistics/get_channel_list", reference.get_channel_list),
            ("POST", "/api/v2/product/add_item", products.add_item),
            ("POST", "/api/v2/product/update_item", products.update_item),
            ("POST", "/api/v2/product/init_tier_variation", products.init_tier_variation),
            ("POST", "/api/v2/product/update_price", products.update_price),
            ("POST", "/api/v2/product/update_stock", products.update_stock),
            ("GET", "/api/v2/product/get_item_list", products.get_item_list),
            ("GET", "/api/v2/product/search_item", products.search_item),
            ("GET", "/api/v2/product/get_item_base_info", products.get_item_base_info),
            ("GET", "/api/v2/product/get_model_list", products.get_model_list),
            ("GET", "/api/v2/order/get_order_list", orders.get_order_list),
            ("GET", "/api/v2/order/get_order_detail", orders.get_order_detail),
        ]
        return [
            *(Route(m, p, self._endpoint(h, shop_level=False)) for m, p, h in public),
            *(Route(m, p, self._endpoint(h, shop_level=True)) for m, p, h in shop),
            Route("POST", "/_sandbox/settings", self._settings_route),
            Route("GET", "/_sandbox/settings", self._settings_route),
            Route("POST", "/_sandbox/shop", self._shop_route),
            Route("GET", "/_sandbox/shop", self._shop_route),
        ]

    def _endpoint(self, handler: Endpoint, *, shop_level: bool) -> Callable[..., SandboxResponse]:
        def serve(request: SandboxRequest) -> SandboxResponse:
            request_id = uuid.uuid4().hex
            try:
                result = handler(self._admit(request, shop_level))
            except ApiError as error:
                status = error.status or self.settings.error_http_status
                code = self.code(error.error, request.path, gateway=error.gateway)
                reply = {"error": code, "message": error.message, "request_id": request_id}
                return SandboxResponse(status, reply)
            if isinstance(result, SandboxResponse):
                return result
            if isinstance(result, TopLevel):
                return SandboxResponse(
                    200, {**result, "request_id": request_id, "error": "", "message": ""}
                )
            reply = {"error": "", "message": "", "request_id": request_id, "response": result}
            return SandboxResponse(200, reply)

        return serve

    def code(self, error: str, path: str, *, gateway: bool) -> str:
        """The error code as sent: bare, or with the prefix the reference pages show."""
        bare = error.rsplit(".", 1)[-1]
        if self.settings.error_code_style == "plain":
            return bare
        if "." in error:
            return error
        parts = path.split("/")  # "", "api", "v2", module, call
        module = parts[3] if len(parts) > 4 else ""
        if not module or module in PUBLIC_MODULES:
            return bare
        return f"common.{bare}" if gateway else f"{module}.{bare}"

    def _admit(self, request: SandboxRequest, shop_level: bool) -> Call:
        """The gateway: throttle, then the common parameters and the signature, in order."""

        def query(name: str) -> str:
            values = request.query.get(name)
            return values[0] if values else ""

        def refuse(code: str, message: str) -> ApiError:
            return ApiError(code, message, gateway=True)

        partner = query("partner_id")
        if not partner:
            raise refuse("error_param", "There is no partner_id in query.")
        if not partner.isdigit() or int(partner) != self.partner_id:
            raise refuse("error_param", "Invalid partner_id.")
        shop = query("shop_id")
        self._throttle(f"shop:{shop}" if shop_level else f"partner:{partner}")
        timestamp, sign, token = query("timestamp"), query("sign"), query("access_token")
        if not timestamp:
            raise refuse("error_param", "no timestamp")
        if not sign:
            raise refuse("error_param", "There is no sign in query.")
        if shop_level and not token:
            raise refuse("error_param", "There is no access_token in query.")
        if shop_level and not shop:
            raise refuse("error_param", "There is no shop_id in query.")
        if not timestamp.isdigit() or not self._timely(int(timestamp)):
            raise refuse("error_param", "Invalid timestamp")
        base = f"{partner}{request.path}{timestamp}" + (f"{token}{shop}" if shop_level else "")
        expected = hmac.new(self.partner_key.encode(), base.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(sign, expected):
            raise refuse("error_sign", "Wrong sign.")
        now = self.clock.now()
        if shop_level:
            if not shop.isdigit() or int(shop) != self.shop_id:
                raise refuse("error_shop", "shopid is invalid")
            if not self.auth.access_valid(token, int(shop), now):
                raise refuse("error_auth", "Invalid access_token.")
        return Call(request, int(partner), int(shop) if shop_level else None, now)

    def _timely(self, timestamp: int) -> bool:
        """Within the tolerance of the real clock; ahead of it only if so set."""
        tolerance = self.settings.timestamp_tolerance
        ahead = timestamp - time.time()
        if ahead > 0 and self.settings.future_timestamps == "accept" and tolerance >= 0:
            return True
        return abs(ahead) <= tolerance

    def _throttle(self, key: str) -> None:
        if not self.limiter.allow(key):
            self.throttled += 1
            status = 429 if self.settings.error_http_status != 200 else 200
            raise ApiError(
                self.settings.throttle_code,
                "Too many requests, please slow down.",
                status=status,
                gateway=True,
            )
        quota = self.settings.daily_quota
        if quota is None:
            return
        now = self.clock.now()
        slot = (key, now.date().isoformat())
        if self.usage.get(slot, 0) >= quota:
            midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
            raise ApiError(
                "error_limit",
                f"The daily API call limit of {quota} is reached; it resets at"
                f" {midnight:%Y-%m-%d %H:%M} UTC.",
                gateway=True,
            )
        self.usage[slot] = self.usage.get(slot, 0) + 1

    def _shop_route(self, request: SandboxRequest) -> SandboxResponse:
        """The shop's state (NORMAL, ACCESS_EXPIRED, BANNED), read or set."""
        try:
            if request.method == "POST":
                self.auth.set_status(str((request.json() or {}).get("status", "")))
        except (TypeError, ValueError, AttributeError, BadRequest) as exc:
            return SandboxResponse(400, {"error": "bad_request", "message": str(exc)})
        return SandboxResponse(
            200, {"shop_id": self.shop_id, "status": self.auth.status, "statuses": SHOP_STATUSES}
        )

    def _settings_route(self, request: SandboxRequest) -> SandboxResponse:
        try:
            if request.method == "POST":
                self.configure(**(request.json() or {}))
        except (TypeError, ValueError) as exc:
            return SandboxResponse(400, {"error": "bad_request", "message": str(exc)})
        return SandboxResponse(200, {"settings": asdict(self.settings)})

    # -- harness hooks --------------------------------------------------------------
    def describe(self, root_url: str) -> dict[str, Any]:
        return {
            "base_url": root_url,
            "partner_id": self.partner_id,
            "partner_key": self.partner_key,
            "shop_id": str(self.shop_id),
        }

    def state(self) -> dict[str, Any]:
        return {
            "listings": self.products.state(),
            "orders": self.orders.counts(),
            "order_count": len(self.orders.orders),
            "settings": asdict(self.settings),
            "shop_status": self.auth.status,
            "throttled": self.throttled,
        }

    def create_orders(self, spec: dict[str, Any]) -> list[str]:
        if not isinstance(spec, dict):
            raise BadRequest("the order spec must be a JSON object")
        return self.orders.create(spec)

    def set_order_status(self, order_id: str, status: str) -> None:
        self.orders.set_status(order_id, status)

    def reset(self) -> None:
        super().reset()
        self.auth.reset()
        self.products.reset()
        self.orders.reset()
        self.usage.clear()
        self.throttled = 0
        self.limiter.reset()

    def not_found(self, request: SandboxRequest) -> SandboxResponse:
        return SandboxResponse(
            404,
            {"error": "error_not_found", "message": "Wrong url.", "request_id": uuid.uuid4().hex},
        )

    def bad_request(self, request: SandboxRequest, message: str) -> SandboxResponse:
        detail = f"Wrong parameters, detail: {message}."
        code = self.code("error_param", request.path, gateway=False)
        return SandboxResponse(
            self.settings.error_http_status,
            {"error": code, "message": detail, "request_id": uuid.uuid4().hex},
        )
