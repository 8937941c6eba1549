"""The Shopee mapping file: catalog categories to Shopee categories, attributes, brands.

A shop's categories, attribute ids, logistics channels and brand ids are its own (Shopee's
``get_category``, ``get_attribute_tree``, ``get_channel_list``, ``get_brand_list``); this
file records the choices once. The default shipped beside this module matches the sandbox
and the sample catalog; ``mapping_file`` in ``[channels.shopee]`` points at your own (see
``config/shopee/categories.yaml`` for a commented copy).

Before a listing is sent, the category's live attribute tree (``get_attribute_tree``) is
read as its reference page documents it (:class:`listsync_shopee.replies.AttributeTree`) —
``attribute_info.input_type`` a number (SINGLE_DROP_DOWN 1, SINGLE_COMBO_BOX 2,
FREE_TEXT_FILED 3, MULTI_DROP_DOWN 4, MULTI_COMBO_BOX 5), value names with their
``multi_lang`` translations — into
:class:`AttributeSpec`; it decides between a listed value id and free text
(:func:`listsync_shopee.mapping.resolve_attributes`), whatever the mapping file assumed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from listsync.catalog.model import normalize_text
from listsync.channel.mapping_file import load_mapping_file
from listsync.replies import parse_reply
from listsync_shopee.errors import CHANNEL
from listsync_shopee.replies import AttributeNode, AttributeTree, AttributeValue, ItemLimit, Span

DEFAULT_FILE = Path(__file__).with_name("categories.yaml")
SINGLE_DROP_DOWN = 1
SINGLE_COMBO_BOX = 2
FREE_TEXT_FILED = 3  # sic, as get_attribute_tree's page spells it
MULTI_DROP_DOWN = 4
MULTI_COMBO_BOX = 5
DROP_DOWNS = (SINGLE_DROP_DOWN, MULTI_DROP_DOWN)
Range = tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)]]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AttributeRule(_Strict):
    """One Shopee attribute of a category and where its value comes from in the catalog."""

    attribute_id: int = Field(gt=0)
    name: str = Field(min_length=1)
    mandatory: bool = False
    # False for Shopee's drop-down attributes (only listed values); before sending, the
    # live attribute tree's input_type decides for the attributes it describes
    free_text: bool = True
    aliases: tuple[str, ...] = ()  # other catalog attribute names meaning the same
    values: dict[str, int] = Field(default_factory=dict)  # catalog text -> Shopee value_id
    default: str | None = None

    def names(self) -> set[str]:
        return {_key(name) for name in (self.name, *self.aliases)}


class Limits(_Strict):
    """What ``get_item_limit`` reports; the defaults are the sandbox's."""

    item_name: Range = (10, 120)
    description: Range = (20, 3000)
    images: Range = (1, 9)
    price: Range = (1_000, 120_000_000)
    tier_name: int = Field(default=14, gt=0)
    tier_option: int = Field(default=20, gt=0)
    dimension_mandatory: bool = False

    @classmethod
    def from_api(cls, reply: ItemLimit | Mapping[str, Any]) -> Limits:
        """Read ``get_item_limit``'s reply; keys Shopee leaves out keep their defaults."""
        if not isinstance(reply, ItemLimit):
            reply = parse_reply(ItemLimit, reply, channel=CHANNEL, call="get_item_limit")
        found: dict[str, Any] = {}

        def span(entry: Span | None) -> tuple[int, int] | None:
            return None if entry is None else (int(entry.min_limit), int(entry.max_limit))

        for field_name, entry in (
            ("item_name", reply.item_name_length_limit),
            ("description", reply.item_description_length_limit),
            ("images", reply.item_image_count_limit),
            ("price", reply.price_limit),
        ):
            value = span(entry)
            if value is not None:
                found[field_name] = value
        for field_name, entry in (
            ("tier_name", reply.tier_variation_name_length_limit),
            ("tier_option", reply.tier_variation_option_length_limit),
        ):
            value = span(entry)
            if value is not None:
                found[field_name] = value[1]
        dimension = reply.dimension_limit
        if dimension is not None and dimension.dimension_mandatory is not None:
            found["dimension_mandatory"] = dimension.dimension_mandatory
        return cls(**found)


class CategoryRule(_Strict):
    category_id: int = Field(gt=0)
    name: str = Field(min_length=1)
    attributes: tuple[AttributeRule, ...] = ()
    limits: dict[str, Any] = Field(default_factory=dict)  # overrides of the file's limits


class CategoryMap(_Strict):
    language: str = "vi"
    logistics: tuple[int, ...] = Field(min_length=1)
    brands: dict[str, int] = Field(default_factory=dict)
    limits: Limits = Field(default_factory=Limits)
    categories: dict[str, CategoryRule] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _limits_valid(self) -> CategoryMap:
        for rule in self.categories.values():
            self.limits_for(rule)
        return self

    def limits_for(self, rule: CategoryRule | None) -> Limits:
        if rule is None or not rule.limits:
            return self.limits
        return Limits(**{**self.limits.model_dump(), **rule.limits})

    def category(self, key: str) -> CategoryRule | None:
        return self.categories.get(key) or next(
            (rule for name, rule in self.categories.items() if _key(name) == _key(key)), None
        )

    def by_id(self, category_id: int) -> CategoryRule | None:
        return next((r for r in self.categories.values() if r.category_id == category_id), None)

    def brand_id(self, brand: str) -> int | None:
        return next((i for name, i in self.brands.items() if _key(name) == _key(brand)), None)


@dataclass(frozen=True)
class AttributeSpec:
    """One attribute of a category as ``get_attribute_tree`` describes it.

    ``input_type`` is None when the reply did not say (then the mapping file's choice
    stands); ``values`` maps each listed value id to its names (the name and every
    ``multi_lang`` translation).
    """

    attribute_id: int
    name: str
    mandatory: bool = False
    input_type: int | None = None
    values: Mapping[int, tuple[str, ...]] = field(default_factory=dict)

    @property
    def drop_down(self) -> bool:
        """Only listed values are taken (SINGLE_DROP_DOWN, MULTI_DROP_DOWN)."""
        return self.input_type in DROP_DOWNS

    @property
    def free_text(self) -> bool:
        """Only free text is taken, with value id 0 (FREE_TEXT_FILED)."""
        return self.input_type == FREE_TEXT_FILED

    def value_id(self, text: str) -> int | None:
        """The listed value whose name, in any language, is ``text``."""
        wanted = _key(text)
        return next(
            (i for i, names in self.values.items() if any(_key(n) == wanted for n in names)),
            None,
        )

    def choices(self) -> list[str]:
        return [names[0] for names in self.values.values() if names]


def attribute_tree(
    reply: AttributeTree | Mapping[str, Any], category_id: int
) -> dict[int, AttributeSpec]:
    """One category's attributes from a ``get_attribute_tree`` reply, by attribute id."""
    if not isinstance(reply, AttributeTree):
        reply = parse_reply(AttributeTree, reply, channel=CHANNEL, call="get_attribute_tree")
    found: dict[int, AttributeSpec] = {}
    for entry in reply.categories:
        if entry.category_id != category_id:
            continue
        for row in entry.attribute_tree:
            spec = _spec(row)
            found[spec.attribute_id] = spec
    return found


def _spec(row: AttributeNode) -> AttributeSpec:
    values = {value.value_id: _names(value) for value in row.attribute_value_list}
    names = _names(row)
    return AttributeSpec(
        attribute_id=row.attribute_id,
        name=names[0] if names else str(row.attribute_id),
        mandatory=row.mandatory,
        input_type=row.attribute_info.input_type if row.attribute_info else None,
        values=values,
    )


def _names(row: AttributeNode | AttributeValue) -> tuple[str, ...]:
    """``name`` (or the older ``display_*`` spellings) and each ``multi_lang`` value."""
    spellings = (
        (row.name, row.display_attribute_name)
        if isinstance(row, AttributeNode)
        else (row.name, row.display_value_name)
    )
    found = [name for name in spellings if name]
    found += [translation.value for translation in row.multi_lang if translation.value]
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class Loaded:
    mapping: CategoryMap
    source: Path


def _key(text: str) -> str:
    return normalize_text(text).casefold()


def load(path: Path | None = None) -> Loaded:
    """Read and check a mapping file; every problem is named with the file and key."""
    source = path or DEFAULT_FILE
    return Loaded(load_mapping_file(CategoryMap, path, DEFAULT_FILE, "Shopee"), source)
