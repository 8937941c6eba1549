"""A catalog Product as a Tiki create-product request: pure, every problem at once.

The payload is the body of ``POST /integration/v2.1/requests`` (docs/marketplaces/tiki.md
§3.3): ``category_id`` (a primary category), ``name``, ``description`` (HTML),
``attributes`` (``brand``, ``origin``, ``product_weight_kg``, ``product_length``/``width``/
``height`` in cm, and the category's own), ``image`` and ``images``, ``option_attributes``
(at most two) and one ``variants`` entry per sellable SKU (``sku`` = the seller SKU,
``option1``/``option2``, ``price`` in whole dong, ``seller_warehouse`` and
``warehouse_stocks`` in the ``warehouse_id`` of the settings), and
``meta_data.is_auto_turn_on`` (``activate_approved``). Tiki makes one product per variant.

Photos: Tiki takes image *addresses* and documents no upload call (its Product API list has
none: open.tiki.vn/docs/docs/current/api-references/product-api/). A web address in the
catalog is sent as it is; a photo on this computer is sent as ``image_base_url`` + its path
relative to the workspace (where the co-op publishes its photos). Without
``image_base_url``, or for a photo outside the workspace, the product is reported here as a
mapping problem and not sent.

Limits: a name of 3–255 characters (Tiki Seller Center's listing standard), at most two
option attributes (Tiki product structure); at most 9 photos in all (UNCONFIRMED).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, urlsplit

from pydantic import Field

from listsync.catalog.model import Dimensions, Product
from listsync.channel.contract import Draft, MappingProblem, Money, Offer
from listsync.channel.mapping_file import (
    MapsCategories,
    Package,
    html_paragraphs,
    kilograms,
    load_mapping_file,
)
from listsync.i18n import _

MIN_NAME = 3
MAX_NAME = 255
MAX_IMAGES = 9
MAX_OPTIONS = 2


class TikiMapping(MapsCategories):
    default_brand: str = "OEM"
    brands: dict[str, str] = Field(default_factory=dict)
    default_origin: str = "Việt Nam"
    options: dict[str, str] = Field(default_factory=dict)
    attributes: dict[str, list[str]] = Field(default_factory=dict)


def load_mapping(path: Path | None = None) -> TikiMapping:
    """The mapping file given in settings, or the one shipped with the adapter."""
    default = files("listsync_tiki").joinpath("categories.yaml")
    return load_mapping_file(TikiMapping, path, default, "Tiki")


def is_web_address(ref: str) -> bool:
    return urlsplit(ref).scheme in ("http", "https")


class Mapper:
    def __init__(
        self,
        mapping: TikiMapping,
        *,
        warehouse_id: int,
        workspace: Path,
        image_base_url: str | None = None,
        language: str = "vi",
        inventory_type: str | None = None,
        auto_turn_on: bool = True,
    ):
        self.mapping = mapping
        self.warehouse_id = warehouse_id
        self.workspace = workspace
        self.image_base_url = image_base_url
        self.language = language
        self.inventory_type = inventory_type
        self.auto_turn_on = auto_turn_on

    # -- photos ------------------------------------------------------------------------
    def image_url(self, ref: str) -> tuple[str | None, str]:
        """The address Tiki is given for a catalog photo, or None and why not."""
        if is_web_address(ref):
            return ref, ""
        path = Path(ref)
        if path.is_absolute():
            try:
                path = path.relative_to(self.workspace.resolve())
            except ValueError:
                try:
                    path = path.relative_to(self.workspace)
                except ValueError:
                    return None, _(
                        "photo {path} lies outside the workspace, so it has no address under "
                        "image_base_url; move it into the workspace or give its web address"
                    ).format(path=ref)
        if not self.image_base_url:
            return None, _(
                "photo {path} is a file on this computer, and Tiki only takes photo addresses "
                "(it has no upload): publish the photos on the web and set image_base_url in "
                "[channels.tiki], or give the photo's web address in the catalog"
            ).format(path=ref)
        if not (self.workspace / path).is_file():  # its address would lead Tiki to nothing
            return None, _("photo {ref} does not exist").format(ref=ref)
        relative = PurePosixPath(*path.parts).as_posix()
        return f"{self.image_base_url.rstrip('/')}/{quote(relative)}", ""

    # -- the request -----------------------------------------------------------------------
    def map(self, product: Product, channel: str = "tiki") -> Draft:
        problems: list[MappingProblem] = []

        def problem(field: str, message: str, sku: str = product.sku) -> None:
            found = MappingProblem(sku, field, message)
            if found not in problems:
                problems.append(found)

        override = product.override(channel)
        category, category_id = self.mapping.choose(
            product.category, override.category_id, problem, "Tiki"
        )

        name = override.title or product.name.get(self.language)
        if not MIN_NAME <= len(name) <= MAX_NAME:
            problem(
                "name",
                _("Tiki takes names of {low} to {high} characters; this one has {size}").format(
                    low=MIN_NAME, high=MAX_NAME, size=len(name)
                ),
            )
        description = html_paragraphs(product.description.get(self.language))
        if not description:
            problem("description", _("Tiki needs a description"))

        photos = list(
            dict.fromkeys([*product.images, *(i for v in product.variants for i in v.images)])
        )
        if not product.images:
            problem("images", _("Tiki needs at least one photo (the main image)"))
        if len(photos) > MAX_IMAGES:
            problem(
                "images",
                _("Tiki takes at most {limit} photos; this product has {count}").format(
                    limit=MAX_IMAGES, count=len(photos)
                ),
            )
        urls: dict[str, str] = {}
        for ref in photos:
            url, why = self.image_url(ref)
            if url is None:
                problem("images", why)
            else:
                urls[ref] = url

        attributes: dict[str, Any] = {
            "brand": self.mapping.brands.get(product.brand, product.brand)
            or self.mapping.default_brand,
            "origin": self.mapping.default_origin,
            "product_weight_kg": kilograms(product.weight_g),
        }
        package: Dimensions | Package | None = product.dimensions or (
            category.package if category else None
        )
        if package is None:
            problem(
                "dimensions",
                _("Tiki needs the package size; give dimensions or a package for the category"),
            )
        else:
            attributes.update(
                product_length=package.length_cm,
                product_width=package.width_cm,
                product_height=package.height_cm,
            )
        sources = {**self.mapping.attributes, **(category.attributes if category else {})}
        for code, catalog_names in sources.items():
            value = next(
                (product.attributes[n] for n in catalog_names if n in product.attributes), None
            )
            if value:
                attributes[code] = value
        attributes.update(override.attributes)
        for required in category.required if category else ():
            if not str(attributes.get(required, "")).strip():
                names = sources.get(required) or [required]
                problem(
                    "attributes",
                    _("Tiki category '{category}' requires attribute '{label}'").format(
                        category=category.name if category and category.name else category_id,
                        label=names[0],
                    ),
                )

        option_names: list[str] = []
        variants: list[dict[str, Any]] = []
        offers: list[Offer] = []
        images_of = {variant.sku: variant.images for variant in product.variants}
        for unit in product.units():
            price = override.price_rule.apply(unit.price_vnd)
            variant: dict[str, Any] = {"sku": unit.sku, "price": price}
            for number, (option, value) in enumerate(unit.options.items(), start=1):
                code = self.mapping.options.get(option, option)
                if code not in option_names:
                    option_names.append(code)
                if number <= MAX_OPTIONS:
                    variant[f"option{number}"] = value
            if self.inventory_type:
                variant["inventory_type"] = self.inventory_type
            variant["seller_warehouse"] = str(self.warehouse_id)
            variant["warehouse_stocks"] = [{"warehouseId": self.warehouse_id, "qtyAvailable": 0}]
            own = [urls[ref] for ref in images_of.get(unit.sku, ()) if ref in urls]
            if own:
                variant["image"] = own[0]
                if own[1:]:
                    variant["images"] = own[1:]
            variants.append(variant)
            offers.append(Offer(sku=unit.sku, stock=0, price=Money.vnd(price)))
        if len(option_names) > MAX_OPTIONS:
            problem("options", _("Tiki takes at most two options per product"))

        main = [urls[ref] for ref in product.images if ref in urls]
        payload: dict[str, Any] = {
            "category_id": category_id or 0,
            "name": name,
            "description": description,
            "attributes": attributes,
            "image": main[0] if main else "",
            "images": main[1:],
            "option_attributes": option_names,
            "variants": variants,
            "meta_data": {"is_auto_turn_on": self.auto_turn_on},
        }
        return Draft(
            product_sku=product.sku,
            payload=payload,
            offers=tuple(offers),
            images=tuple(urls[ref] for ref in photos if ref in urls),
            problems=tuple(problems),
        )


def info_changes(payload: Mapping[str, Any]) -> dict[str, Any]:
    """What an "update product info" request carries from a create payload: the content
    Tiki reviews again (name, description, attributes, photos), never price or stock."""
    changes = {key: payload[key] for key in ("name", "description", "attributes") if key in payload}
    if payload.get("image"):
        changes["image"] = payload["image"]
    changes["images"] = list(payload.get("images") or [])
    return changes
