"""The Shopee replies the adapter reads, as docs/marketplaces/shopee.md documents them.

Each model names the fields the adapter uses, typed as the reference pages show them
(weights as text, ``"10.02"`` kg, or a number; amounts as numbers); every other field is
kept and never checked. Shop calls carry their data under ``response`` (§1.6), token calls
at the top level (§1.3). :meth:`listsync_shopee.client.ShopeeClient.shop` reads a reply
into its model inside the HTTP call, so a reply that does not fit is a MalformedReply like
a body that is not JSON: a read is retried, a write's outcome is unknown.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from listsync.i18n import _
from listsync.replies import Amount, Ident, Reply, Rows, Text, Whole


def _weight(value: Any) -> Any:
    """A weight as Shopee sends it, ``"10.02"`` (or a number), as Decimal kg; None if absent."""
    if value is None or value == "":
        return None
    problem = PydanticCustomError(
        "reply.weight", _('must be a weight in kg, a number or its text like "10.02"')
    )
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise problem
    try:
        found = Decimal(str(value).strip())
    except InvalidOperation:
        raise problem from None
    if not found.is_finite() or found < 0:
        raise problem
    return found


Weight = Annotated[Decimal | None, BeforeValidator(_weight)]


class Envelope(Reply):
    """A shop call's reply: its data under ``response`` (§1.6), read by the call's model."""

    response: dict[str, Any]


# -- authorization (§1.3) --------------------------------------------------------------------
class TokenReply(Reply):
    """``auth/token/get`` and ``auth/access_token/get``: the pair at the top level."""

    access_token: str = Field(min_length=1)
    refresh_token: str = Field(min_length=1)
    expire_in: Whole | None = None  # seconds


# -- photos (§1.4) ---------------------------------------------------------------------------
class ImageInfo(Reply):
    image_id: str | None = None


class UploadedImage(Reply):
    """One entry of ``image_info_list``: an ``error`` and ``message``, or the image."""

    id: Whole | None = None
    error: Text = ""
    message: Text = ""
    image_info: ImageInfo | None = None


class UploadImage(Reply):
    """``media_space/upload_image``: ``image_info`` (one photo) and ``image_info_list``."""

    image_info: ImageInfo | None = None
    image_info_list: list[UploadedImage] | None = None


class UploadReply(Reply):
    """The whole reply of the public ``upload_image`` call: its data under ``response``."""

    response: UploadImage


# -- limits and attributes (§1.8, settled #8) -------------------------------------------------
class Span(Reply):
    min_limit: Amount
    max_limit: Amount


class DimensionLimit(Reply):
    dimension_mandatory: bool | None = None


class ItemLimit(Reply):
    """``get_item_limit``; a limit Shopee leaves out keeps listsync's default."""

    price_limit: Span | None = None
    item_name_length_limit: Span | None = None
    item_description_length_limit: Span | None = None
    item_image_count_limit: Span | None = None
    tier_variation_name_length_limit: Span | None = None
    tier_variation_option_length_limit: Span | None = None
    dimension_limit: DimensionLimit | None = None


class Translation(Reply):
    language: Text = ""
    value: Text = ""


class AttributeValue(Reply):
    value_id: Whole
    name: str | None = None
    display_value_name: str | None = None
    multi_lang: Rows[Translation] = Field(default_factory=list)


class AttributeInfo(Reply):
    input_type: Whole | None = None  # SINGLE_DROP_DOWN 1 … MULTI_COMBO_BOX 5


class AttributeNode(Reply):
    attribute_id: Whole
    name: str | None = None
    display_attribute_name: str | None = None
    mandatory: bool = False
    attribute_info: AttributeInfo | None = None
    attribute_value_list: Rows[AttributeValue] = Field(default_factory=list)
    multi_lang: Rows[Translation] = Field(default_factory=list)


class CategoryAttributes(Reply):
    category_id: Whole
    attribute_tree: Rows[AttributeNode] = Field(default_factory=list)


class AttributeTree(Reply):
    """``get_attribute_tree``: ``list`` of categories, each with its ``attribute_tree``."""

    categories: Rows[CategoryAttributes] = Field(default_factory=list, alias="list")


# -- items and models (§1.4, settled #2 and #9) ----------------------------------------------
class SearchItem(Reply):
    """``search_item``: ids of items whose ``item_sku`` matches, and ``next_offset``."""

    item_id_list: Rows[Whole] = Field(default_factory=list)
    next_offset: Ident | None = None  # text on the page ("" at the end); a number read too


class ItemInfo(Reply):
    """An entry of ``get_item_base_info``'s ``item_list``."""

    item_id: Whole
    item_sku: Text = ""
    item_status: Text = ""
    has_model: bool = False
    create_time: Whole = 0
    weight: Weight = None


class ItemBaseInfo(Reply):
    item_list: Rows[ItemInfo] = Field(default_factory=list)


class ModelInfo(Reply):
    """A model of ``get_model_list`` (or of ``init_tier_variation``'s reply)."""

    model_id: Whole
    model_sku: Text = ""
    weight: Weight = None


class ModelList(Reply):
    model: Rows[ModelInfo] = Field(default_factory=list)


class AddedItem(Reply):
    """``add_item``: the item echoed with its ``item_id``; listsync reads the id and status."""

    item_id: Whole
    item_status: Text = "NORMAL"


class UpdatedItem(Reply):
    item_status: Text = "NORMAL"


class ModelResult(Reply):
    model_id: Whole


class ModelRefused(Reply):
    model_id: Whole
    failed_reason: Text = ""


class BatchResult(Reply):
    """``update_price`` / ``update_stock``: each model's result."""

    success_list: Rows[ModelResult] = Field(default_factory=list)
    failure_list: Rows[ModelRefused] = Field(default_factory=list)


# -- orders (§1.5) ---------------------------------------------------------------------------
class ListedOrder(Reply):
    order_sn: str = Field(min_length=1)
    order_status: Text = ""


class OrderList(Reply):
    """``get_order_list``: a page of order numbers, ``more`` and ``next_cursor``."""

    more: bool = False
    next_cursor: Text = ""
    order_list: Rows[ListedOrder] = Field(default_factory=list)


class OrderItem(Reply):
    """A line of ``get_order_detail``'s ``item_list``."""

    item_id: Whole | None = None
    item_sku: Text = ""
    model_id: Whole | None = None
    model_sku: Text = ""
    model_quantity_purchased: Whole
    model_original_price: Amount | None = None
    model_discounted_price: Amount | None = None
    order_item_id: Ident | None = None


class OrderDetail(Reply):
    order_sn: str = Field(min_length=1)
    order_status: Text = ""
    currency: Text = ""
    create_time: Whole
    update_time: Whole | None = None
    total_amount: Amount | None = None
    item_list: Rows[OrderItem] = Field(default_factory=list)


class OrderDetails(Reply):
    order_list: Rows[OrderDetail] = Field(default_factory=list)
