"""A catalog Product as a Shopee listing: the ``add_item`` body, tier variations, offers.

Pure apart from reading the product's photos (to check them and fingerprint their
content, so a changed photo changes the draft). Every problem is collected and returned at
once; nothing is cut short silently — a title over the category's limit is a problem for
the user, not a truncation. Text is Vietnamese by default (``language`` in the mapping
file), a ``channels.shopee.title`` override wins; weight goes in kg, dimensions in cm,
prices are whole dong after the channel's price rule, and every unit starts at stock 0
(the engine sets stock right after creating).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from listsync.catalog.model import Product, normalize_text
from listsync.channel.contract import Draft, MappingProblem, Money, Offer
from listsync.i18n import _
from listsync_shopee.categories import AttributeSpec, CategoryMap, CategoryRule, Limits

CHANNEL = "shopee"
MAX_IMAGE_BYTES = 10 * 1024 * 1024
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
MAX_MODELS = 50
NO_BRAND = {"brand_id": 0, "original_brand_name": "No Brand"}


class Mapper:
    def __init__(self, mapping: CategoryMap, image_root: Path):
        self.mapping = mapping
        self.image_root = image_root

    def map(self, product: Product) -> Draft:
        sku, override = product.sku, product.override(CHANNEL)
        problems: list[MappingProblem] = []

        def problem(field: str, message: str) -> None:
            problems.append(MappingProblem(sku, field, message))

        language = self.mapping.language
        rule, category_id = self._category(product, problem)
        limits = self.mapping.limits_for(rule)
        price_of = override.price_rule.apply
        units = list(product.units())
        prices = {unit.sku: price_of(unit.price_vnd) for unit in units}
        item: dict[str, Any] = {
            "item_name": override.title or product.name.get(language),
            "description": product.description.get(language),
            "original_price": price_of(product.price_vnd),
            "weight": float(Decimal(product.weight_g) / 1000),
            "category_id": category_id,
            "item_sku": sku,
            "condition": "NEW",
            "seller_stock": [{"stock": 0}],
            "logistic_info": [{"logistic_id": i, "enabled": True} for i in self.mapping.logistics],
            "attribute_list": self._attributes(product, rule, problem),
            "brand": self._brand(product.brand),
        }
        if product.dimensions is not None:
            size = product.dimensions
            item["dimension"] = {
                "package_length": size.length_cm,
                "package_width": size.width_cm,
                "package_height": size.height_cm,
            }
        tiers, models = self._variants(product, prices, problem)
        images = [self._image(source, problem) for source in product.images]
        option_images = [self._image(source, problem) for source in _option_images(product, tiers)]
        payload: dict[str, Any] = {
            "item": item,
            "tier_variation": tiers,
            "models": models,
            "images": images,
            "option_images": option_images,
            "category_name": rule.name if rule else "",
        }
        problems.extend(check_limits(sku, payload, limits))
        offers = tuple(Offer(unit.sku, 0, Money.vnd(prices[unit.sku])) for unit in units)
        draft = Draft(
            product_sku=sku,
            payload=payload,
            offers=offers,
            images=tuple(image["source"] for image in images),
            problems=tuple(problems),
        )
        earlier = self._earlier_hash(draft)
        return replace(draft, earlier_hashes=(earlier,)) if earlier else draft

    def _category(self, product: Product, problem: Any) -> tuple[CategoryRule | None, int]:
        chosen = product.override(CHANNEL).category_id
        if chosen:
            if not chosen.strip().isdigit():
                problem(
                    "category", _("channels.shopee.category_id must be a Shopee category number")
                )
                return None, 0
            return self.mapping.by_id(int(chosen)), int(chosen)
        rule = self.mapping.category(product.category)
        if rule is None:
            problem(
                "category",
                _(
                    "no Shopee category for catalog category '{key}': add it under"
                    " 'categories' in the Shopee mapping file, or set channels.shopee.category_id"
                ).format(key=product.category),
            )
            return None, 0
        return rule, rule.category_id

    def _attributes(
        self, product: Product, rule: CategoryRule | None, problem: Any
    ) -> list[dict[str, Any]]:
        given = {_key(name): value for name, value in product.attributes.items()}
        given.update({_key(n): v for n, v in product.override(CHANNEL).attributes.items()})
        found: list[dict[str, Any]] = []
        known: set[int] = set()
        for attribute in rule.attributes if rule else ():
            known.add(attribute.attribute_id)
            value = next((given[n] for n in attribute.names() if n in given), attribute.default)
            if not value:
                if attribute.mandatory:
                    problem(
                        "attributes",
                        _(
                            "category '{category}' requires attribute '{attribute}': add it to"
                            " the product's attributes"
                        ).format(category=rule.name if rule else "", attribute=attribute.name),
                    )
                continue
            value_id = next(
                (i for text, i in attribute.values.items() if _key(text) == _key(value)), 0
            )
            if not value_id and not attribute.free_text:
                choices = ", ".join(attribute.values) or "-"
                problem(
                    "attributes",
                    _("attribute '{attribute}' takes one of: {choices} (not '{value}')").format(
                        attribute=attribute.name, choices=choices, value=value
                    ),
                )
                continue
            found.append(_attribute(attribute.attribute_id, value_id, value))
        named = {n for a in (rule.attributes if rule else ()) for n in a.names()}
        for name, value in product.override(CHANNEL).attributes.items():
            if name.isdigit() and int(name) not in known and value:
                found.append(_attribute(int(name), 0, value))
            elif not name.isdigit() and _key(name) not in named:
                problem(
                    "attributes",
                    _(
                        "channels.shopee.attributes names '{name}', which the Shopee mapping file"
                        " does not list for this category; add it there, or use the Shopee"
                        " attribute id as the name"
                    ).format(name=name),
                )
        return found

    def _brand(self, brand: str) -> dict[str, Any]:
        brand_id = self.mapping.brand_id(brand) if brand else None
        if not brand_id:
            return dict(NO_BRAND)
        return {"brand_id": brand_id, "original_brand_name": brand}

    def _variants(
        self, product: Product, prices: dict[str, int], problem: Any
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        if not product.variants:
            return [], []
        names = list(product.variants[0].options)
        if not names:
            problem(
                "variants", _("variants need options (e.g. Khối lượng: 100g) to show on Shopee")
            )
            return [], []
        choices: list[list[str]] = [[] for _name in names]
        for variant in product.variants:
            for position, name in enumerate(names):
                if variant.options[name] not in choices[position]:
                    choices[position].append(variant.options[name])
        tiers = [
            {"name": name, "option_list": [{"option": option} for option in choices[position]]}
            for position, name in enumerate(names)
        ]
        models, seen = [], set()
        for variant in product.variants:
            index = [choices[p].index(variant.options[name]) for p, name in enumerate(names)]
            if tuple(index) in seen:
                problem(
                    "variants",
                    _("variant {sku} has the same options as another variant").format(
                        sku=variant.sku
                    ),
                )
            seen.add(tuple(index))
            models.append(
                {
                    "tier_index": index,
                    "model_sku": variant.sku,
                    "original_price": prices[variant.sku],
                    "seller_stock": [{"stock": 0}],
                }
            )
        return tiers, models

    def _image(self, source: str, problem: Any) -> dict[str, Any]:
        """The photo as the catalog names it, with its content's SHA-256.

        The name stays as given (relative to the workspace for a photo inside it), so a
        workspace copied or moved elsewhere maps to the same draft and sends nothing again.
        """
        if source.startswith(("http://", "https://")):
            return {"source": source, "sha256": None}
        path = photo_path(source, self.image_root)
        try:
            data = path.read_bytes()
        except OSError:
            problem("images", _("photo {path} cannot be read").format(path=path))
            return {"source": source, "sha256": None}
        if len(data) > MAX_IMAGE_BYTES:
            problem("images", _("photo {path} is larger than Shopee's 10 MB").format(path=path))
        elif not data.startswith(IMAGE_MAGIC):
            problem("images", _("photo {path} is not a JPG or PNG file").format(path=path))
        return {"source": source, "sha256": hashlib.sha256(data).hexdigest()}

    def _earlier_hash(self, draft: Draft) -> str | None:
        """The content hash earlier versions gave this draft, when it differs from today's.

        They kept each photo's ``source`` as its absolute path: a listing last sent by them
        still counts as unchanged (once: the engine then stores today's hash in its place)
        instead of every listing being sent again after an upgrade.
        """

        def absolute(image: dict[str, Any]) -> dict[str, Any]:
            source = image["source"]
            if source.startswith(("http://", "https://")):
                return image
            return {**image, "source": str(photo_path(source, self.image_root))}

        payload = dict(draft.payload)
        for key in ("images", "option_images"):
            payload[key] = [absolute(image) for image in draft.payload[key]]
        images = tuple(image["source"] for image in payload["images"])
        earlier = replace(draft, payload=payload, images=images).content_hash
        return earlier if earlier != draft.content_hash else None


def photo_path(source: str, root: Path) -> Path:
    """Where a catalog photo lies: a relative name is read from the workspace ``root``."""
    path = Path(source).expanduser()
    return path if path.is_absolute() else root / path


def check_limits(sku: str, payload: dict[str, Any], limits: Limits) -> list[MappingProblem]:
    """Every way ``payload`` breaks ``limits`` (from the mapping file or ``get_item_limit``)."""
    problems: list[MappingProblem] = []
    item = payload["item"]
    category = payload.get("category_name") or str(item.get("category_id") or "")

    def out_of(field: str, value: int, span: tuple[int, int], message: str, name: str = "") -> None:
        if not span[0] <= value <= span[1]:
            text = message.format(
                value=value, low=span[0], high=span[1], category=category, name=name
            )
            problems.append(MappingProblem(sku, field, text))

    out_of(
        "title",
        len(item["item_name"]),
        limits.item_name,
        _(
            "the title has {value} characters; Shopee allows {low} to {high} in category"
            " '{category}': shorten it or set channels.shopee.title"
        ),
    )
    out_of(
        "description",
        len(item["description"]),
        limits.description,
        _("the description has {value} characters; Shopee allows {low} to {high}"),
    )
    out_of(
        "images",
        len(payload["images"]),
        limits.images,
        _("the product has {value} photos; Shopee takes {low} to {high}"),
    )
    prices = [("price", item["original_price"])]
    prices += [
        (f"variants[{m['model_sku']}].price", m["original_price"]) for m in payload["models"]
    ]
    for field, price in prices:
        out_of(
            field,
            price,
            limits.price,
            _("the price {value} ₫ is outside Shopee's {low} to {high} ₫"),
        )
    for tier in payload["tier_variation"]:
        out_of(
            "variants",
            len(tier["name"]),
            (1, limits.tier_name),
            _("the option name '{name}' has {value} characters; Shopee allows {high}"),
            tier["name"],
        )
        for option in tier["option_list"]:
            out_of(
                "variants",
                len(option["option"]),
                (1, limits.tier_option),
                _("the option '{name}' has {value} characters; Shopee allows {high}"),
                option["option"],
            )
    if len(payload["models"]) > MAX_MODELS:
        problems.append(
            MappingProblem(
                sku,
                "variants",
                _("the product has {count} variants; Shopee takes at most {most}").format(
                    count=len(payload["models"]), most=MAX_MODELS
                ),
            )
        )
    if limits.dimension_mandatory and "dimension" not in item:
        problems.append(
            MappingProblem(
                sku,
                "dimensions",
                _(
                    "category '{category}' requires package dimensions"
                    " (length, width, height in cm)"
                ).format(category=category),
            )
        )
    return problems


def resolve_attributes(
    sku: str, attribute_list: list[dict[str, Any]], specs: dict[int, AttributeSpec]
) -> tuple[list[dict[str, Any]], list[MappingProblem]]:
    """The attribute list as the category's live attribute tree takes it.

    The tree's ``input_type`` decides, not the mapping file: a drop-down takes only a listed
    value, so free text is matched against the value names (in every language given) and
    is a problem when none matches; free text only (FREE_TEXT_FILED) is sent with value id
    0; a combo box takes a listed value when the text names one, free text otherwise. An
    attribute the tree does not describe is sent as mapped.
    """
    problems: list[MappingProblem] = []
    resolved: list[dict[str, Any]] = []
    for row in attribute_list:
        spec = specs.get(int(row["attribute_id"]))
        if spec is None or spec.input_type is None:
            resolved.append(row)
            continue
        values: list[dict[str, Any]] = []
        for value in row["attribute_value_list"]:
            value_id = int(value.get("value_id") or 0)
            text = str(value.get("original_value_name") or "")
            if spec.free_text:
                chosen: int | None = 0
                text = text or (spec.values.get(value_id) or ("",))[0]
            elif value_id and value_id in spec.values:
                chosen = value_id
            else:
                chosen = spec.value_id(text)
                if chosen is None and not spec.drop_down:
                    chosen = 0
            if chosen is None:
                problems.append(
                    MappingProblem(
                        sku,
                        "attributes",
                        _("attribute '{attribute}' takes one of: {choices} (not '{value}')").format(
                            attribute=spec.name,
                            choices=", ".join(spec.choices()) or "-",
                            value=text,
                        ),
                    )
                )
                continue
            values.append({**value, "value_id": chosen, "original_value_name": text})
        if values:
            resolved.append({**row, "attribute_value_list": values})
    return resolved, problems


def _option_images(product: Product, tiers: list[dict[str, Any]]) -> list[str]:
    """A photo per option of the first tier (Shopee wants all or none): the first variant
    photo showing that option, else the product's first photo."""
    if not tiers or not any(variant.images for variant in product.variants):
        return []
    name = tiers[0]["name"]
    found: list[str] = []
    for option in tiers[0]["option_list"]:
        shown = [
            variant.images[0]
            for variant in product.variants
            if variant.options.get(name) == option["option"] and variant.images
        ]
        fallback = product.images[:1]
        found.extend(shown[:1] or fallback)
    return found if len(found) == len(tiers[0]["option_list"]) else []


def _attribute(attribute_id: int, value_id: int, value: str) -> dict[str, Any]:
    return {
        "attribute_id": attribute_id,
        "attribute_value_list": [{"value_id": value_id, "original_value_name": value}],
    }


def _key(text: str) -> str:
    return normalize_text(text).casefold()
