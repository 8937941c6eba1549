"""A catalog Product as a Lazada ``/product/create`` payload: pure, every problem at once.

The payload is ``{"Request": {"Product": {...}}}`` (JSON by default, XML on request; see
:mod:`listsync_lazada.payload`). Images are left as the catalog's references (paths or
URLs): the channel uploads or migrates them and puts Lazada's URLs in before sending.
Lazada has no product-level seller SKU, so the catalog's product SKU travels in the free
``model`` attribute; the sellable units are the Skus, each with its own SellerSku.

:func:`attribute_problems` checks a payload's attributes against the category's own list
(GetCategoryAttributes: ``is_mandatory``, ``input_type``, ``options``), which the channel
reads once per category before it sends a product: a value outside a select's options
(Lazada 4115) or a missing mandatory attribute (4110) is told before any upload or create.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import Field

from listsync.catalog.model import ChannelOverride, Dimensions, Product
from listsync.channel.contract import Draft, MappingProblem, Money, Offer
from listsync.channel.mapping_file import (
    MapsCategories,
    Package,
    html_paragraphs,
    kilograms,
    load_mapping_file,
)
from listsync.i18n import _
from listsync_lazada.replies import CategoryAttributeRow

MAX_TITLE_BYTES = 255
MAX_DESCRIPTION = 25_000
MAX_IMAGES = 8
MAX_WEIGHT_G = 40_000
MAX_SIZE_CM = 300
XML_NAME = re.compile(r"^[^\W\d][\w.-]*$")
Report = Callable[..., None]
CLOSED_INPUTS = ("singleSelect", "multiSelect")  # enumInput and multiEnumInput take own values


@dataclass(frozen=True)
class CategoryAttribute:
    """One row of GetCategoryAttributes; ``level`` is its ``attribute_type`` (normal, sku)."""

    name: str
    label: str
    input_type: str
    mandatory: bool
    options: tuple[str, ...] = ()
    level: str = "normal"

    @property
    def closed(self) -> bool:
        return self.input_type in CLOSED_INPUTS and bool(self.options)


def category_attributes(rows: Sequence[CategoryAttributeRow]) -> tuple[CategoryAttribute, ...]:
    """GetCategoryAttributes' ``data`` (read into its model) as :class:`CategoryAttribute`
    rows; a row without a name is left out."""
    return tuple(
        CategoryAttribute(
            name=row.name,
            label=row.label or row.name,
            input_type=row.input_type or "text",
            mandatory=row.is_mandatory,
            options=tuple(option.name for option in row.options if option.name),
            level=row.attribute_type or "normal",
        )
        for row in rows
        if row.name
    )


def attribute_problems(
    attributes: Mapping[str, Any], known: Sequence[CategoryAttribute]
) -> list[str]:
    """What Lazada would refuse in a product's ``Attributes``, as sentences."""
    problems = []
    for attribute in known:
        if attribute.level != "normal":
            continue
        value = str(attributes.get(attribute.name) or "").strip()
        if attribute.mandatory and not value:
            problems.append(
                _("the Lazada category requires attribute '{label}' ({name})").format(
                    label=attribute.label, name=attribute.name
                )
            )
        if not value or not attribute.closed:
            continue
        values = (
            [v.strip() for v in value.split(",")]
            if attribute.input_type == "multiSelect"
            else [value]
        )
        if any(v not in attribute.options for v in values):
            problems.append(
                _(
                    "'{value}' is not an option of the Lazada attribute '{label}' ({name}); "
                    "choose one of: {options}"
                ).format(
                    value=value,
                    label=attribute.label,
                    name=attribute.name,
                    options=", ".join(attribute.options),
                )
            )
    return problems


class LazadaMapping(MapsCategories):
    default_brand: str = "No Brand"
    brands: dict[str, str] = Field(default_factory=dict)
    sale_props: dict[str, str] = Field(default_factory=dict)
    attributes: dict[str, list[str]] = Field(default_factory=dict)


def load_mapping(path: Path | None = None) -> LazadaMapping:
    """The mapping file given in settings, or the one shipped with the adapter."""
    default = files("listsync_lazada").joinpath("categories.yaml")
    return load_mapping_file(LazadaMapping, path, default, "Lazada")


class Mapper:
    def __init__(self, mapping: LazadaMapping, language: str = "vi", payload_format: str = "json"):
        self.mapping = mapping
        self.language = language
        self.payload_format = payload_format

    def map(self, product: Product, channel: str = "lazada") -> Draft:
        problems: list[MappingProblem] = []

        def problem(field: str, message: str, sku: str = product.sku) -> None:
            problems.append(MappingProblem(sku, field, message))

        override = product.override(channel)
        category, category_id = self.mapping.choose(
            product.category, override.category_id, problem, "Lazada"
        )

        title = override.title or product.name.get(self.language)
        if len(title.encode("utf-8")) > MAX_TITLE_BYTES:
            problem(
                "name",
                _("Lazada titles are at most {limit} bytes; this one is {size}").format(
                    limit=MAX_TITLE_BYTES, size=len(title.encode("utf-8"))
                ),
            )
        description = html_paragraphs(product.description.get(self.language))
        if len(description) > MAX_DESCRIPTION:
            problem("description", _("the description is over 25,000 characters as HTML"))
        if not product.images:
            problem("images", _("Lazada needs at least one image (the main image)"))
        if len(product.images) > MAX_IMAGES:
            problem(
                "images",
                _("Lazada takes at most {limit} images; this product has {count}").format(
                    limit=MAX_IMAGES, count=len(product.images)
                ),
            )
        if product.weight_g > MAX_WEIGHT_G:
            problem("weight_g", _("Lazada takes packages of at most 40 kg"))
        package = product.dimensions or (category.package if category else None)
        if package is None:
            problem(
                "dimensions",
                _("Lazada needs the package size; give dimensions or a package for the category"),
            )
        elif package.length_cm + package.width_cm + package.height_cm > MAX_SIZE_CM:
            problem("dimensions", _("Lazada takes length + width + height of at most 300 cm"))

        attributes: dict[str, Any] = {
            "name": title,
            "description": description,
            "brand": self.mapping.brands.get(product.brand, self.mapping.default_brand),
            "model": product.sku,
        }
        short = self._short_description(product)
        if short:
            attributes["short_description"] = short
        sources = {**self.mapping.attributes, **(category.attributes if category else {})}
        for lazada_name, catalog_names in sources.items():
            value = next(
                (product.attributes[n] for n in catalog_names if n in product.attributes), None
            )
            if value:
                attributes[lazada_name] = value
        attributes.update(override.attributes)
        for required in category.required if category else ():
            if not str(attributes.get(required, "")).strip():
                names = sources.get(required) or [required]
                problem(
                    "attributes",
                    _("Lazada category '{category}' requires attribute '{label}'").format(
                        category=category.name if category else category_id, label=names[0]
                    ),
                )

        skus, variation, offers = self._skus(product, package, override, problem)
        tree: dict[str, Any] = {
            "PrimaryCategory": str(category_id or ""),
            "Images": {"Image": list(product.images)},
            "Attributes": attributes,
        }
        if variation:
            tree["variation"] = variation
        tree["Skus"] = {"Sku": skus}
        images = tuple(
            dict.fromkeys([*product.images, *(i for v in product.variants for i in v.images)])
        )
        return Draft(
            product_sku=product.sku,
            payload={"Request": {"Product": tree}},
            offers=tuple(offers),
            images=images,
            problems=tuple(problems),
        )

    def _short_description(self, product: Product) -> str:
        # listing text, in Vietnamese for Lazada's buyers: never in the clerk's language
        lines = []
        if product.ocop:
            lines.append(f"Sản phẩm OCOP {product.ocop.stars} sao")
        if product.origin and (product.origin.commune or product.origin.province):
            where = ", ".join(p for p in (product.origin.commune, product.origin.province) if p)
            lines.append(f"Xuất xứ: {where}")
        return (
            "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"
            if lines
            else ""
        )

    def _skus(
        self,
        product: Product,
        package: Dimensions | Package | None,
        override: ChannelOverride,
        problem: Report,
    ) -> tuple[list[dict[str, Any]], dict[str, Any], list[Offer]]:
        skus: list[dict[str, Any]] = []
        offers: list[Offer] = []
        options: dict[str, list[str]] = {}
        variants = {variant.sku: variant for variant in product.variants}
        for unit in product.units():
            price = override.price_rule.apply(unit.price_vnd)
            sku: dict[str, Any] = {
                "SellerSku": unit.sku,
                "quantity": "0",
                "price": str(price),
                "package_weight": kilograms(product.weight_g),
            }
            if package is not None:
                sku.update(
                    package_length=str(package.length_cm),
                    package_width=str(package.width_cm),
                    package_height=str(package.height_cm),
                )
            if unit.options:
                sale_prop = {}
                for name, value in unit.options.items():
                    key = self.mapping.sale_props.get(name, name)
                    sale_prop[key] = value
                    options.setdefault(name, [])
                    if value not in options[name]:
                        options[name].append(value)
                    if self.payload_format == "xml" and not XML_NAME.match(key):
                        problem(
                            "options",
                            _(
                                "option '{name}' needs a Lazada sale property in the mapping "
                                "(sale_props) to be sent as XML"
                            ).format(name=name),
                            unit.sku,
                        )
                sku["saleProp"] = sale_prop
            variant = variants.get(unit.sku)
            if variant is not None and variant.images:
                if len(variant.images) > MAX_IMAGES:
                    problem("images", _("Lazada takes at most 8 images per SKU"), unit.sku)
                sku["Images"] = {"Image": list(variant.images)}
            skus.append(sku)
            offers.append(Offer(sku=unit.sku, stock=0, price=Money.vnd(price)))
        variation = {}
        custom = [name for name in options if name not in self.mapping.sale_props]
        for index, name in enumerate(custom, start=1):
            variation[f"variation{index}"] = {
                "name": name,
                "hasImage": "false",
                "customize": "true",
                "options": {"option": options[name]},
            }
        return skus, variation, offers
