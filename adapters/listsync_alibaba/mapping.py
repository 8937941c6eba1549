"""A catalog Product as an Alibaba.com B2B listing: pure, every problem at once.

The payload holds the parameters of ``alibaba.icbu.product.add`` (docs/marketplaces/
alibaba.md §4.4, TOP-GO's ``AlibabaIcbuProductAddAPIRequest``): ``product_type``
(``wholesale``: online orders under Trade Assurance, with stock; or ``sourcing``: an inquiry
listing), ``category_id``, ``subject`` (the English name, at most 128 characters),
``description`` (English HTML), ``keywords`` (at most 3, without ``,`` or ``;``),
``language`` (``ENGLISH``), ``main_image`` (the photos: catalog references here, photobank
addresses once uploaded), ``attributes`` (``attribute_name``/``value_name``, in English),
``market`` (``main``), ``product_sku`` (one ``special_skus`` entry per sellable SKU, the
product itself when it has no variants: ``sku_code`` = the seller SKU, the only place
Alibaba keeps it, ``price`` in USD, its options as English SKU attributes),
``wholesale_trade`` (``price``, ``unit_type``, ``sale_type``, ``min_order_quantity``,
``handling_time`` = lead time in days, ``weight`` in kg, ``package_size`` ``L*W*H`` and
``volume`` in cm, ``deliver_periods``) or ``sourcing_trade`` (FOB range, MOQ, supply
ability, lead time), and ``bulk_discount_prices`` (the ladder).

What the catalog's B2B columns become:

- ``name.en`` / ``description.en`` (or the channel's own ``title``) are the listing's text.
  A product without them is a mapping problem here: listsync never translates;
- ``b2b.min_order_quantity`` and ``b2b.unit`` (through ``units:`` of the mapping file);
- ``b2b.price_tiers`` in USD become the ladder: at most 4 tiers, quantities rising, prices
  never rising (what Alibaba.com's ladder takes: alibaba-production-business enforces it),
  each 0.01–9,999,999.00 USD for 1–99,999 units, sent as the catalog gives them. The first
  tier's price is each SKU's price. A product without USD
  tiers is a mapping problem: a VND price is never converted;
- ``b2b.lead_time_days`` (1–60 for wholesale: ``handling_time``) and
  ``b2b.supply_per_month`` (the supply ability) go into the trade terms and the
  description's table;
- weight, package size, origin and the OCOP rating (stars, certificate, expiry) go into
  the attributes and the description's table.

Every piece of text sent is English as the catalog or the mapping file gives it (option
names through ``options:``, Vietnamese values through ``values:``). The description's table
is written in English here on purpose, outside ``_()``: it is the listing's content for
buyers abroad, not a message to the clerk, and must not follow the clerk's language.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal
from importlib.resources import files
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from listsync.catalog.model import PriceTier, Product
from listsync.channel.contract import Draft, MappingProblem, Money, Offer
from listsync.errors import ConfigError
from listsync.i18n import _

MAX_SUBJECT = 128
MAX_KEYWORDS = 3
MAX_TIERS = 4
MAX_IMAGES = 6  # main_image images (UNCONFIRMED: 6, as Alibaba.com's product editor)
MAX_QUANTITY = 99_999
MIN_PRICE = Decimal("0.01")
MAX_PRICE = Decimal("9999999.00")
MAX_HANDLING_DAYS = 60
CENT = Decimal("0.01")
FORBIDDEN_IN_KEYWORDS = (",", ";")
PAYMENT_METHODS = ("T/T",)  # what an inquiry listing offers (sourcing only)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CategoryMap(_Strict):
    id: int
    name: str = ""
    keywords: list[str] = Field(default_factory=list)
    attributes: dict[str, list[str]] = Field(default_factory=dict)  # Alibaba <- catalog names
    fixed: dict[str, str] = Field(default_factory=dict)  # Alibaba attribute: English value
    required: list[str] = Field(default_factory=list)


class AlibabaMapping(_Strict):
    units: dict[str, str] = Field(default_factory=dict)
    options: dict[str, str] = Field(default_factory=dict)
    values: dict[str, str] = Field(default_factory=dict)  # Vietnamese value -> English
    fixed: dict[str, str] = Field(default_factory=dict)  # sent with every listing
    categories: dict[str, CategoryMap] = Field(default_factory=dict)

    def english(self, value: str) -> str | None:
        """``value`` in English: as the ``values:`` list writes it, or as it is when no letter
        in it is beyond ASCII (100g, S (20 cm), 1m2 × 2m); None when it needs a translation
        nobody wrote (12 tháng)."""
        found = self.values.get(value)
        if found is not None:
            return found
        return None if any(ch.isalpha() and not ch.isascii() for ch in value) else value


def load_mapping(path: Path | None = None) -> AlibabaMapping:
    """The mapping file given in settings, or the one shipped with the adapter."""
    if path is None:
        text = files("listsync_alibaba").joinpath("categories.yaml").read_text("utf-8")
        where = "listsync_alibaba/categories.yaml"
    else:
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise ConfigError(
                _("cannot read the Alibaba mapping file {path}: {error}").format(
                    path=path, error=exc.strerror or exc
                )
            ) from None
        where = str(path)
    try:
        return AlibabaMapping.model_validate(yaml.safe_load(text) or {})
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors()
        )
        raise ConfigError(f"{where}: {problems}") from None


def usd(amount: Decimal) -> str:
    """A USD amount as Alibaba takes it: to the cent, as text."""
    return str(amount.quantize(CENT))


def _kg(grams: int) -> str:
    return str((Decimal(grams) / 1000).quantize(Decimal("0.001")))


def _html(text: str) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br/>')}</p>" for p in paragraphs)


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>"
        for label, value in rows
    )
    return f"<table>{cells}</table>" if cells else ""


def ladder_problems(tiers: tuple[PriceTier, ...], moq: int) -> list[tuple[str, str]]:
    """What Alibaba.com's ladder refuses in these tiers, as (field, message)."""
    found: list[tuple[str, str]] = []
    if not tiers:
        return [("b2b.price_tiers", _("Alibaba.com needs at least one USD price tier"))]
    if len(tiers) > MAX_TIERS:
        found.append(
            (
                "b2b.price_tiers",
                _("Alibaba.com takes at most {limit} price tiers; this product has {count}").format(
                    limit=MAX_TIERS, count=len(tiers)
                ),
            )
        )
    quantities = [tier.min_quantity for tier in tiers]
    if any(b <= a for a, b in pairwise(quantities)):
        found.append(
            ("b2b.price_tiers", _("the tiers' quantities must rise from one tier to the next"))
        )
    prices = [tier.usd for tier in tiers]
    if any(b > a for a, b in pairwise(prices)):
        found.append(
            (
                "b2b.price_tiers",
                _(
                    "a larger quantity must never cost more per unit: the tiers' prices must "
                    "not rise"
                ),
            )
        )
    for tier in tiers:
        if tier.usd != tier.usd.quantize(CENT):
            found.append(
                (
                    "b2b.price_tiers",
                    _("{price} USD is not a whole number of cents").format(price=tier.usd),
                )
            )
        elif not MIN_PRICE <= tier.usd <= MAX_PRICE:
            found.append(
                (
                    "b2b.price_tiers",
                    _("Alibaba.com takes prices of 0.01 to 9,999,999.00 USD, not {price}").format(
                        price=tier.usd
                    ),
                )
            )
        if tier.min_quantity > MAX_QUANTITY:
            found.append(
                (
                    "b2b.price_tiers",
                    _("Alibaba.com takes tier quantities up to {limit}, not {quantity}").format(
                        limit=f"{MAX_QUANTITY:,}", quantity=f"{tier.min_quantity:,}"
                    ),
                )
            )
    below = [q for q in quantities[1:] if q <= moq]
    if below:
        found.append(
            (
                "b2b.price_tiers",
                _(
                    "only the first tier may start at or below the minimum order ({moq}); "
                    "a later one starts at {quantity}"
                ).format(moq=moq, quantity=below[0]),
            )
        )
    return found


class Mapper:
    def __init__(self, mapping: AlibabaMapping, *, product_type: str = "wholesale"):
        self.mapping = mapping
        self.product_type = product_type

    def map(self, product: Product, channel: str = "alibaba") -> Draft:
        problems: list[MappingProblem] = []

        def problem(field: str, message: str) -> None:
            found = MappingProblem(product.sku, field, message)
            if found not in problems:
                problems.append(found)

        override = product.override(channel)
        wholesale = self.product_type == "wholesale"

        # -- category --------------------------------------------------------------------
        category = self.mapping.categories.get(product.category)
        category_id: int | None = None
        if override.category_id:
            if override.category_id.strip().isdigit():
                category_id = int(override.category_id)
                category = next(
                    (c for c in self.mapping.categories.values() if c.id == category_id), category
                )
            else:
                problem("category_id", _("an Alibaba.com category id is a number"))
        elif category is None:
            problem(
                "category",
                _(
                    "no Alibaba.com category is mapped for '{key}' (add it under categories: "
                    "in the Alibaba mapping file)"
                ).format(key=product.category),
            )
        else:
            category_id = category.id

        # -- English text ------------------------------------------------------------------
        subject = (override.title or product.name.en).strip()
        if not subject:
            problem(
                "name.en",
                _(
                    "Alibaba.com lists in English and this product has no English name; "
                    "write name.en in the catalog (listsync does not translate)"
                ),
            )
        elif len(subject) > MAX_SUBJECT:
            problem(
                "name.en",
                _(
                    "Alibaba.com takes product names of at most {limit} characters; this one "
                    "has {size} (give a shorter title under channels.alibaba)"
                ).format(limit=MAX_SUBJECT, size=len(subject)),
            )
        if not product.description.en.strip():
            problem(
                "description.en",
                _(
                    "Alibaba.com lists in English and this product has no English "
                    "description; write description.en in the catalog (listsync does not "
                    "translate)"
                ),
            )
        keywords = list(category.keywords if category else [])
        if len(keywords) > MAX_KEYWORDS:
            problem(
                "keywords",
                _("Alibaba.com takes at most {limit} keywords; the mapping gives {count}").format(
                    limit=MAX_KEYWORDS, count=len(keywords)
                ),
            )
        for word in keywords:
            if any(mark in word for mark in FORBIDDEN_IN_KEYWORDS):
                problem(
                    "keywords",
                    _("an Alibaba.com keyword cannot contain ',' or ';': {word}").format(word=word),
                )

        # -- B2B terms ---------------------------------------------------------------------
        b2b = product.b2b
        unit_type = ""
        tiers: tuple[PriceTier, ...] = ()
        if b2b is None:
            problem(
                "b2b",
                _(
                    "Alibaba.com sells by wholesale terms: give the product's b2b "
                    "min_order_quantity, unit and USD price_tiers (a VND price is never "
                    "converted)"
                ),
            )
        else:
            tiers = tuple(b2b.price_tiers)
            for field_name, message in ladder_problems(tiers, b2b.min_order_quantity):
                problem(field_name, message)
            if b2b.min_order_quantity > MAX_QUANTITY:
                problem(
                    "b2b.min_order_quantity",
                    _("Alibaba.com takes a minimum order of 1 to {limit} units").format(
                        limit=f"{MAX_QUANTITY:,}"
                    ),
                )
            unit_type = self.mapping.units.get(b2b.unit.strip().casefold(), "")
            if not unit_type:
                problem(
                    "b2b.unit",
                    _(
                        "the unit '{unit}' has no Alibaba.com unit (add it under units: in the "
                        "Alibaba mapping file)"
                    ).format(unit=b2b.unit),
                )
            if wholesale and not 1 <= b2b.lead_time_days <= MAX_HANDLING_DAYS:
                problem(
                    "b2b.lead_time_days",
                    _(
                        "Alibaba.com needs a lead time of 1 to {limit} days for online orders; "
                        "this product has {days}"
                    ).format(limit=MAX_HANDLING_DAYS, days=b2b.lead_time_days),
                )
        if not wholesale and b2b is not None and not b2b.supply_per_month:
            problem(
                "b2b.supply_per_month",
                _("an Alibaba.com inquiry listing needs the supply ability per month"),
            )
        if wholesale and product.dimensions is None:
            problem(
                "dimensions",
                _("Alibaba.com needs the package size for online orders; give dimensions"),
            )

        # -- photos ----------------------------------------------------------------------
        photos = list(
            dict.fromkeys([*product.images, *(i for v in product.variants for i in v.images)])
        )
        if not product.images:
            problem("images", _("Alibaba.com needs at least one photo (the main image)"))
        if len(photos) > MAX_IMAGES:
            problem(
                "images",
                _("Alibaba.com takes at most {limit} photos; this product has {count}").format(
                    limit=MAX_IMAGES, count=len(photos)
                ),
            )

        # -- variants --------------------------------------------------------------------
        first_price = tiers[0].usd.quantize(CENT) if tiers else None
        special_skus: list[dict[str, Any]] = []
        offers: list[Offer] = []
        for unit in product.units():
            sku_attributes: list[dict[str, str]] = []
            for option, value in unit.options.items():
                name = self.mapping.options.get(option)
                if name is None:
                    problem(
                        "options",
                        _(
                            "the option '{option}' has no English name for Alibaba.com (add it "
                            "under options: in the Alibaba mapping file)"
                        ).format(option=option),
                    )
                    continue
                english = self.mapping.english(value)
                if english is None:
                    problem(
                        "options",
                        _(
                            "the option value '{value}' has no English words for Alibaba.com "
                            "(add it under values: in the Alibaba mapping file)"
                        ).format(value=value),
                    )
                    continue
                sku_attributes.append({"attribute_name": name, "value_name": english})
            entry: dict[str, Any] = {"sku_code": unit.sku}
            if sku_attributes:
                entry["attributes"] = sku_attributes
            if first_price is not None:
                entry["price"] = usd(first_price)
            special_skus.append(entry)
            price = Money(first_price, "USD") if first_price is not None else None
            offers.append(Offer(sku=unit.sku, stock=0, price=price, tiers=tiers))

        # -- attributes and the description's table ----------------------------------------
        attributes: dict[str, str] = {}
        if product.brand:
            attributes["Brand Name"] = product.brand
        attributes.update(self.mapping.fixed)
        if category is not None:
            for name, sources in category.attributes.items():
                raw = next(
                    (product.attributes[n] for n in sources if n in product.attributes), None
                )
                if raw is None:
                    continue
                english = self.mapping.english(raw)
                if english is None:
                    problem(
                        "attributes",
                        _(
                            "the value '{value}' of {name} has no English words for "
                            "Alibaba.com (add it under values: in the Alibaba mapping file, or "
                            "give {name} under channels.alibaba.attributes)"
                        ).format(value=raw, name=name),
                    )
                    continue
                attributes[name] = english
            attributes.update(category.fixed)
        attributes.update(override.attributes)
        for required in category.required if category else ():
            if not attributes.get(required, "").strip():
                problem(
                    "attributes",
                    _(
                        "the Alibaba.com category {category} needs the attribute {name} (map "
                        "it from the catalog in the Alibaba mapping file, or give it under "
                        "channels.alibaba.attributes)"
                    ).format(category=category.name if category else "", name=required),
                )
        rows: list[tuple[str, str]] = []
        if b2b is not None:
            unit_name = unit_type or b2b.unit
            rows.append(("Minimum order", f"{b2b.min_order_quantity:,} {unit_name}"))
            for tier in tiers:
                rows.append(
                    (
                        f"Price from {tier.min_quantity:,} {unit_name}",
                        f"US$ {usd(tier.usd)}",
                    )
                )
            if b2b.lead_time_days:
                lead = f"{b2b.lead_time_days} days"
                rows.append(("Lead time", lead))
            if b2b.supply_per_month:
                supply = f"{b2b.supply_per_month:,} {unit_name} per month"
                rows.append(("Supply ability", supply))
        rows.append(("Weight", f"{_kg(product.weight_g)} kg"))
        if product.dimensions is not None:
            d = product.dimensions
            rows.append(("Package size", f"{d.length_cm} × {d.width_cm} × {d.height_cm} cm"))
        if product.origin is not None:
            place = ", ".join(
                part for part in (product.origin.commune, product.origin.province) if part
            )
            origin = f"{place}, Vietnam" if place else "Vietnam"
            rows.append(("Origin", origin))
        if product.ocop is not None:
            ocop = f"OCOP {product.ocop.stars}-star (Vietnam's One Commune One Product)"
            if product.ocop.certificate:
                ocop += f", certificate {product.ocop.certificate}"
            if product.ocop.expires:
                ocop += f", valid until {product.ocop.expires.isoformat()}"
            rows.append(("Certification", ocop))
        description = _html(product.description.en) + _table(rows)
        payload: dict[str, Any] = {
            "product_type": self.product_type,
            "category_id": category_id or 0,
            "subject": subject,
            "description": description,
            "keywords": keywords[:MAX_KEYWORDS],
            "language": "ENGLISH",
            "market": "main",
            "main_image": {"images": photos[:MAX_IMAGES]},
            "attributes": [
                {"attribute_name": name, "value_name": value} for name, value in attributes.items()
            ],
        }
        payload["product_sku"] = {"special_skus": special_skus}
        if b2b is not None:
            payload.update(self._trade(product, b2b.min_order_quantity, unit_type, tiers))
        return Draft(
            product_sku=product.sku,
            payload=payload,
            offers=tuple(offers),
            images=tuple(photos),
            problems=tuple(problems),
        )

    def _trade(
        self, product: Product, moq: int, unit_type: str, tiers: tuple[PriceTier, ...]
    ) -> dict[str, Any]:
        b2b = product.b2b
        assert b2b is not None
        ladder = ladder_of(tiers)
        low = min((tier.usd for tier in tiers), default=Decimal(0))
        high = max((tier.usd for tier in tiers), default=Decimal(0))
        if self.product_type == "sourcing":
            sourcing: dict[str, Any] = {
                "fob_currency": "USD",
                "fob_min_price": usd(low),
                "fob_max_price": usd(high),
                "fob_unit_type": unit_type,
                "min_order_quantity": moq,
                "min_order_unit_type": unit_type,
                "payment_methods": list(PAYMENT_METHODS),
            }
            if b2b.supply_per_month:
                sourcing.update(
                    supply_quantity=b2b.supply_per_month,
                    supply_unit_type=unit_type,
                    supply_period_type="month",
                )
            if b2b.lead_time_days:
                sourcing["deliver_periods"] = [
                    {"quantity": moq, "process_period": b2b.lead_time_days}
                ]
            return {"sourcing_trade": sourcing, "bulk_discount_prices": ladder}
        wholesale: dict[str, Any] = {
            "price": usd(tiers[0].usd) if tiers else "0.00",
            "unit_type": unit_type,
            "sale_type": "normal",
            "min_order_quantity": moq,
            "handling_time": b2b.lead_time_days,
            "weight": _kg(product.weight_g),
            "deliver_periods": [{"quantity": moq, "process_period": b2b.lead_time_days}],
        }
        if product.dimensions is not None:
            d = product.dimensions
            wholesale["package_size"] = f"{d.length_cm}*{d.width_cm}*{d.height_cm}"
            wholesale["volume"] = d.length_cm * d.width_cm * d.height_cm
        return {"wholesale_trade": wholesale, "bulk_discount_prices": ladder}


def ladder_of(tiers: tuple[PriceTier, ...] | list[PriceTier]) -> list[dict[str, Any]]:
    """``bulk_discount_prices``: each tier's first quantity and its USD price."""
    return [
        {"start_quantity": tier.min_quantity, "price": usd(tier.usd)} for tier in tiers[:MAX_TIERS]
    ]
