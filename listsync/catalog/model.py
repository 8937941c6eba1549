"""The product catalog: one description of what a producer sells, whatever the channel.

The model is strict on purpose: a catalog is typed by hand in a spreadsheet, and every
mistake caught here is one a marketplace will not reject (or, worse, accept) later.
Loading files lives in :mod:`listsync.catalog.files`; this module only holds the shapes.
"""

from __future__ import annotations

import hashlib
import json
import operator
import unicodedata
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from listsync.i18n import _

MAX_NAME = 255
MAX_DESCRIPTION = 25_000
MAX_SKU = 100
MAX_OPTION_DIMENSIONS = 2


# Characters a person cannot see, or that steer how the text around them is shown: zero-width
# spaces and joiners, bidi embeddings, overrides and isolates, the BOM, the soft hyphen (all
# Unicode "format", Cf), line and paragraph separators, and surrogates or unassigned code points.
_INVISIBLE = frozenset({"Cf", "Zl", "Zp", "Cs", "Cn"})
_TEXT_CONTROLS = frozenset("\n\t")


def normalize_text(value: str) -> str:
    """NFC-normalise and trim: Vietnamese typed on different keyboards arrives decomposed."""
    return unicodedata.normalize("NFC", value).strip()


def clean_text(value: str) -> str:
    """:func:`normalize_text`, without the characters no one can see.

    Text pasted from the web brings zero-width spaces and direction marks that every
    marketplace would store. They are dropped from names and descriptions; in a SKU they
    are refused instead, and control characters are refused everywhere.
    """
    text = normalize_text(value)
    if text.isascii():
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE).strip()


def _first_unsafe(text: str, *, controls: frozenset[str]) -> str | None:
    for ch in text:
        category = unicodedata.category(ch)
        if category in _INVISIBLE or (category == "Cc" and ch not in controls):
            return ch
    return None


def _refuse_controls(text: str) -> str:
    """Text keeps line breaks and tabs, never NUL, ESC or another control character."""
    found = _first_unsafe(text, controls=_TEXT_CONTROLS)
    if found is not None:
        raise ValueError(
            _("contains a control character ({code}); type it again without it").format(
                code=f"U+{ord(found):04X}"
            )
        )
    return text


def _refuse_unseen(sku: str) -> str:
    """A SKU is matched letter by letter on every marketplace: nothing invisible in it."""
    found = _first_unsafe(sku, controls=frozenset())
    if found is not None:
        raise ValueError(
            _(
                "contains an invisible or control character ({code}); type the SKU again by hand"
            ).format(code=f"U+{ord(found):04X}")
        )
    return sku


def sku_key(sku: str) -> str:
    """The identity of a SKU: marketplaces compare seller SKUs case-insensitively."""
    return normalize_text(sku).casefold()


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _nfc(cls, value: Any, info: ValidationInfo) -> Any:
        if info.context and info.context.get("stored"):
            return value  # read back from the ledger: normalised when it was stored
        if info.field_name == "sku" and isinstance(value, str):
            return normalize_text(value)  # refused below if anything in it cannot be seen
        return _normalize_nested(value)

    @field_validator("*", mode="after")
    @classmethod
    def _no_controls(cls, value: Any, info: ValidationInfo) -> Any:
        stored = bool(info.context and info.context.get("stored"))
        if info.field_name != "sku" and not stored:
            _walk_text(value, _refuse_controls)
        return value


def _walk_text(value: Any, check: Any) -> None:
    if isinstance(value, str):
        check(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk_text(key, check)
            _walk_text(item, check)
    elif isinstance(value, list | tuple):
        for item in value:
            _walk_text(item, check)


def _normalize_nested(value: Any) -> Any:
    """NFC inside containers too: attribute names and values, options, image paths.

    A nested ``sku`` (a variant's, before its model sees it) is only normalised, so that
    the model can refuse what cannot be seen in it rather than have it silently dropped.
    """
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {
            _normalize_nested(key): (
                normalize_text(item)
                if key == "sku" and isinstance(item, str)
                else _normalize_nested(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(_normalize_nested(item) for item in value)
    return value


Sku = Annotated[
    str,
    Field(min_length=1, max_length=MAX_SKU, pattern=r"^[^\s].*$"),
    AfterValidator(_refuse_unseen),
]
Vnd = Annotated[int, Field(gt=0, strict=True)]


class LocalizedText(_Model):
    """Text in Vietnamese (for B2C channels) and English (for export channels)."""

    vi: str = Field(default="", max_length=MAX_DESCRIPTION)
    en: str = Field(default="", max_length=MAX_DESCRIPTION)

    def get(self, language: str) -> str:
        """The text in ``language``, falling back to the other language when empty."""
        first, second = (self.en, self.vi) if language == "en" else (self.vi, self.en)
        return first or second


class Dimensions(_Model):
    length_cm: Annotated[int, Field(gt=0)]
    width_cm: Annotated[int, Field(gt=0)]
    height_cm: Annotated[int, Field(gt=0)]


class Origin(_Model):
    commune: str = ""
    province: str = ""


class OcopRating(_Model):
    """Vietnam's One Commune One Product certification: 3 to 5 stars, valid for a few years."""

    stars: Annotated[int, Field(ge=3, le=5)]
    certificate: str = ""
    issued: date | None = None
    expires: date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> OcopRating:
        if self.issued and self.expires and self.expires <= self.issued:
            raise ValueError(_("the expiry date must come after the issue date"))
        return self


class PriceTier(_Model):
    """From ``min_quantity`` units upwards, each unit costs ``usd``."""

    min_quantity: Annotated[int, Field(gt=0)]
    usd: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]


class B2BTerms(_Model):
    """Wholesale terms for export channels (Alibaba.com)."""

    min_order_quantity: Annotated[int, Field(gt=0)]
    unit: str = "piece"
    price_tiers: tuple[PriceTier, ...] = Field(min_length=1)
    lead_time_days: Annotated[int, Field(ge=0)] = 0
    supply_per_month: Annotated[int, Field(ge=0)] = 0

    @model_validator(mode="after")
    def _tiers_ascend(self) -> B2BTerms:
        quantities = [tier.min_quantity for tier in self.price_tiers]
        if quantities != sorted(set(quantities)):
            raise ValueError(_("price tiers must have distinct minimum quantities, smallest first"))
        if quantities[0] > self.min_order_quantity:
            raise ValueError(_("the first price tier must start at or below the minimum order"))
        return self


class PriceRule(_Model):
    """How a channel's price is derived from the catalog price: a markup, or a fixed price."""

    markup_percent: Annotated[Decimal, Field(ge=-90, le=1000)] | None = None
    fixed_vnd: Vnd | None = None

    @model_validator(mode="after")
    def _one_rule(self) -> PriceRule:
        if self.markup_percent is not None and self.fixed_vnd is not None:
            raise ValueError(_("give either a markup percent or a fixed price, not both"))
        return self

    def apply(self, price_vnd: int) -> int:
        if self.fixed_vnd is not None:
            return self.fixed_vnd
        if self.markup_percent is None:
            return price_vnd
        raised = Decimal(price_vnd) * (Decimal(100) + self.markup_percent) / Decimal(100)
        return max(1, int(raised.to_integral_value()))


class ChannelOverride(_Model):
    """What differs for one channel: on/off, a title, a category, attributes, a price rule."""

    enabled: bool = True
    title: str | None = Field(default=None, max_length=MAX_NAME)
    category_id: str | None = None
    attributes: dict[str, str] = Field(default_factory=dict)
    price_rule: PriceRule = Field(default_factory=PriceRule)


class Variant(_Model):
    """One sellable unit of a product, told apart by up to two options (Size, Flavour)."""

    sku: Sku
    options: dict[str, str] = Field(default_factory=dict)
    price_vnd: Vnd | None = None
    images: tuple[str, ...] = ()

    @field_validator("options")
    @classmethod
    def _at_most_two(cls, options: dict[str, str]) -> dict[str, str]:
        if len(options) > MAX_OPTION_DIMENSIONS:
            raise ValueError(
                _("a variant has at most {count} options").format(count=MAX_OPTION_DIMENSIONS)
            )
        return options


class SellableUnit(BaseModel):
    """A SKU as a marketplace sells it: the product itself, or one of its variants."""

    model_config = ConfigDict(frozen=True)

    sku: str
    product_sku: str
    price_vnd: int
    options: dict[str, str]


class Product(_Model):
    sku: Sku
    name: LocalizedText
    description: LocalizedText = Field(default_factory=LocalizedText)
    brand: str = ""
    category: str = Field(min_length=1)
    images: tuple[str, ...] = ()
    weight_g: Annotated[int, Field(gt=0)]
    dimensions: Dimensions | None = None
    attributes: dict[str, str] = Field(default_factory=dict)
    origin: Origin | None = None
    ocop: OcopRating | None = None
    price_vnd: Vnd
    safety_stock: Annotated[int, Field(ge=0)] = 0
    variants: tuple[Variant, ...] = ()
    b2b: B2BTerms | None = None
    channels: dict[str, ChannelOverride] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Product:
        if not (self.name.vi or self.name.en):
            raise ValueError(_("a product needs a name in Vietnamese or English"))
        if len(self.name.vi) > MAX_NAME or len(self.name.en) > MAX_NAME:
            raise ValueError(
                _("a product name has at most {limit} characters").format(limit=MAX_NAME)
            )
        seen = {sku_key(self.sku)}
        dimensions = None
        for variant in self.variants:
            if sku_key(variant.sku) in seen:
                raise ValueError(
                    _("SKU {sku!r} is used twice in this product").format(sku=variant.sku)
                )
            seen.add(sku_key(variant.sku))
            names = tuple(variant.options)
            if dimensions is None:
                dimensions = names
            elif names != dimensions:
                raise ValueError(
                    _("every variant must use the same option names, in the same order")
                )
        return self

    def override(self, channel: str) -> ChannelOverride:
        return self.channels.get(channel) or ChannelOverride()

    def enabled_on(self, channel: str) -> bool:
        return self.override(channel).enabled

    def units(self) -> Iterator[SellableUnit]:
        """The SKUs a buyer can put in a basket: each variant, or the product itself."""
        if not self.variants:
            yield SellableUnit(
                sku=self.sku, product_sku=self.sku, price_vnd=self.price_vnd, options={}
            )
            return
        for variant in self.variants:
            yield SellableUnit(
                sku=variant.sku,
                product_sku=self.sku,
                price_vnd=variant.price_vnd or self.price_vnd,
                options=dict(variant.options),
            )

    def content_hash(self) -> str:
        """A stable fingerprint of everything the catalog says about this product."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


class Catalog(BaseModel):
    """A whole catalog, as loaded from one file."""

    model_config = ConfigDict(frozen=True)

    products: tuple[Product, ...]
    source: str = ""

    def by_sku(self) -> dict[str, Product]:
        return {product.sku: product for product in self.products}

    def unit_skus(self) -> list[str]:
        return [unit.sku for product in self.products for unit in product.units()]

    def rebased(self, workspace: Path) -> Catalog:
        """Image paths made relative to ``workspace`` (where adapters look for them).

        In the file they are relative to the file; the ledger keeps them relative to the
        workspace, or absolute when the photo lies outside it. Web addresses stay as they are.
        """
        base = Path(self.source).parent if self.source else workspace

        def move(image: str) -> str:
            if "://" in image or Path(image).is_absolute():
                return image
            where = (base / image).resolve()
            try:
                return where.relative_to(workspace.resolve()).as_posix()
            except ValueError:
                return str(where)

        # A product or variant is copied only when one of its paths moves: a copy of each
        # would hold a large catalog twice.
        def variant(v: Variant) -> Variant:
            images = tuple(map(move, v.images))
            return v if images == v.images else v.model_copy(update={"images": images})

        def product(p: Product) -> Product:
            images = tuple(map(move, p.images))
            variants = tuple(map(variant, p.variants))
            if images == p.images and all(map(operator.is_, variants, p.variants)):
                return p
            return p.model_copy(update={"images": images, "variants": variants})

        return self.model_copy(update={"products": tuple(map(product, self.products))})
