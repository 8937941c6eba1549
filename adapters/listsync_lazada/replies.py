"""The Lazada replies the adapter reads, as docs/marketplaces/lazada.md documents them.

A success is ``{"code": "0", "data": …, "request_id": …}`` (§2.1); refusals are read by
:mod:`listsync_lazada.errors` before any of these models. Each model names the fields the
adapter uses, typed as the reference pages allow: ids as text or a number (GetOrders types
``order_id`` String, GetOrder Number), money as text (``"125000.00"``) or a number, stock
figures as numbers or their digits. Every other field is kept and never checked.
:meth:`listsync_lazada.client.LazadaClient.call` reads a reply into its model inside the
HTTP call, so a reply that does not fit is a MalformedReply like a body that is not JSON: a
read is retried, a write's outcome is unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from listsync.i18n import _
from listsync.replies import Amount, Ident, Reply, Rows, Text, Whole


def _flag(value: Any) -> Any:
    """``is_mandatory`` and the like: 1/0, "1"/"0", true/false."""
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        return int(value) != 0
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise PydanticCustomError("reply.flag", _("must be 1 or 0, or true or false"))


def _reasons(value: Any) -> Any:
    """``rejectReason``: objects (the sample), plain text, or a list of either."""
    if value is None or value == "":
        return ()
    reasons = []
    for entry in value if isinstance(value, list) else [value]:
        if isinstance(entry, Mapping):
            text = " — ".join(str(v) for v in entry.values() if v not in (None, ""))
        elif isinstance(entry, str | int):
            text = str(entry)
        else:
            raise PydanticCustomError("reply.reasons", _("must be reasons, as objects or text"))
        if text:
            reasons.append(text)
    return tuple(reasons)


Flag = Annotated[bool, BeforeValidator(_flag)]
Reasons = Annotated[tuple[str, ...], BeforeValidator(_reasons)]


# -- tokens (§2.3) ---------------------------------------------------------------------------
class SellerInfo(Reply):
    country: Text = ""
    seller_id: Ident | None = None
    user_id: Ident | None = None
    short_code: Text = ""


def _user_infos(value: Any) -> Any:
    """A list of ``{country, seller_id, …}`` as the field lists type it, or an object keyed
    by country as the samples show it (``{"sg": {"seller_id": …}}``)."""
    if isinstance(value, Mapping):
        return [
            {"country": country, **info} if isinstance(info, Mapping) else info
            for country, info in value.items()
        ]
    return value


SellerInfos = Annotated[Rows[SellerInfo], BeforeValidator(_user_infos)]


class TokenReply(Reply):
    """``/auth/token/create`` and ``/auth/token/refresh``, read at the top level or under
    ``data`` (either has been seen)."""

    access_token: str = Field(min_length=1)
    expires_in: Whole
    refresh_token: Text = ""
    refresh_expires_in: Whole | None = None
    account: Text = ""
    account_id: Ident | None = None
    country: Text = ""
    country_user_info: SellerInfos = Field(default_factory=list)
    country_user_info_list: SellerInfos = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _under_data(cls, value: Any) -> Any:
        if isinstance(value, Mapping) and isinstance(value.get("data"), Mapping):
            return value["data"]
        return value

    @field_validator("refresh_expires_in", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return None if value == "" else value

    @property
    def sellers(self) -> list[SellerInfo]:
        return self.country_user_info or self.country_user_info_list


# -- images (§2.4) ---------------------------------------------------------------------------
class Image(Reply):
    url: str = Field(min_length=1)
    hash_code: Text = ""


class ImageData(Reply):
    image: Image


class ImageReply(Reply):
    """``/image/upload`` and ``/image/migrate``: ``data.image{url, hash_code}``."""

    data: ImageData


# -- products (§2.4, "Settled against the documentation") -----------------------------------
class Warehouse(Reply):
    sellable: Whole | None = Field(default=None, alias="sellableQuantity")
    total: Whole | None = Field(default=None, alias="totalQuantity")


class Sku(Reply):
    """A SKU of GetProducts / GetProductItem."""

    seller_sku: Text = Field(default="", alias="SellerSku")
    sku_id: Ident = Field(alias="SkuId")
    warehouses: Rows[Warehouse] = Field(default_factory=list, alias="multiWarehouseInventories")
    available: Whole | None = Field(default=None, alias="Available")
    quantity: Whole | None = None


class ProductAttributes(Reply):
    model: Text | None = None  # the catalog's product SKU, where listsync put it


class RemoteProduct(Reply):
    status: Text = ""
    attributes: ProductAttributes | None = None
    skus: Rows[Sku] = Field(default_factory=list)
    reject_reason_camel: Reasons = Field(default=(), alias="rejectReason")
    reject_reason: Reasons = ()

    @property
    def reasons(self) -> tuple[str, ...]:
        return self.reject_reason_camel or self.reject_reason


class ListedProduct(RemoteProduct):
    """A product of GetProducts (``/products/get``)."""

    item_id: Ident


class ProductsData(Reply):
    total_products: Whole | None = None
    products: Rows[ListedProduct] = Field(default_factory=list)


class ProductsReply(Reply):
    data: ProductsData


class ProductItem(RemoteProduct):
    """GetProductItem's ``data``: its field list says ``item_id``, its sample ``itemId``."""

    item_id: Ident | None = None
    item_id_camel: Ident | None = Field(default=None, alias="itemId")


class ProductItemReply(Reply):
    data: ProductItem


class CreatedSku(Reply):
    seller_sku: str = Field(min_length=1)
    sku_id: Ident
    shop_sku: Text = ""


class Created(Reply):
    item_id: Ident
    sku_list: Rows[CreatedSku] = Field(default_factory=list)
    item_status: Text = ""


class CreateReply(Reply):
    """CreateProduct: ``data{item_id, sku_list[{seller_sku, shop_sku, sku_id}], item_status}``."""

    data: Created


class Updated(Reply):
    item_status: Text = ""
    sku_list: Rows[CreatedSku] = Field(default_factory=list)  # undocumented; read if it comes


class UpdateReply(Reply):
    """UpdateProduct: ``data{item_status, variation}``."""

    data: Updated = Updated()


class PriceQuantityReply(Reply):
    """UpdatePriceQuantity's success: ``data`` an object (nothing in it is read)."""

    data: dict[str, Any] | None = None


class AttributeOption(Reply):
    name: Ident | None = None


class CategoryAttributeRow(Reply):
    name: Text = ""
    label: Text = ""
    input_type: Text = ""
    is_mandatory: Flag = False
    attribute_type: Text = ""
    options: Rows[AttributeOption] = Field(default_factory=list)


class CategoryAttributesReply(Reply):
    """GetCategoryAttributes: ``data`` a list of attributes."""

    data: Rows[CategoryAttributeRow]


# -- orders (§2.5) ---------------------------------------------------------------------------
class LazadaOrder(Reply):
    """An order of GetOrders: times as ``2024-05-01 09:30:00 +0700`` (or ISO 8601)."""

    order_id: Ident = Field(min_length=1)
    created_at: str
    updated_at: str
    price: Amount = Decimal(0)  # the items' total before vouchers and shipping
    statuses: Rows[Text] = Field(default_factory=list)


class OrdersData(Reply):
    count: Whole | None = None
    orders: Rows[LazadaOrder] = Field(default_factory=list)


class OrdersReply(Reply):
    data: OrdersData


class OrderItem(Reply):
    """A row of GetMultipleOrderItems: one unit of one SKU."""

    order_item_id: Ident | None = None
    sku: Text = ""
    item_price: Amount
    currency: Text = ""
    status: Text = ""


class OrderItems(Reply):
    order_id: Ident
    order_items: Rows[OrderItem] = Field(default_factory=list)


class OrderItemsReply(Reply):
    data: Rows[OrderItems]
