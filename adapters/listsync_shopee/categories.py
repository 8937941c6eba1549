"""The Shopee mapping file: catalog categories to Shopee categories, attributes, brands.

A shop's categories, attribute ids, logistics channels and brand ids are its own (Shopee's
``get_category``, ``get_attribute_tree``, ``get_channel_list``, ``get_brand_list``); this
file records the choices once. The default shipped beside this module matches the sandbox
and the sample catalog; ``mapping_file`` in ``[channels.shopee]`` points at your own (see
``config/shopee/categories.yaml`` for a commented copy).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from listsync.catalog.model import normalize_text
from listsync.errors import ConfigError
from listsync.i18n import _

DEFAULT_FILE = Path(__file__).with_name("categories.yaml")
Range = tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)]]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AttributeRule(_Strict):
    """One Shopee attribute of a category and where its value comes from in the catalog."""

    attribute_id: int = Field(gt=0)
    name: str = Field(min_length=1)
    mandatory: bool = False
    free_text: bool = True  # False for Shopee's DROP_DOWN attributes: only listed values
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
    def from_api(cls, reply: dict[str, Any]) -> Limits:
        """Read ``get_item_limit``'s reply; keys Shopee leaves out keep their defaults."""
        found: dict[str, Any] = {}

        def span(key: str) -> tuple[int, int] | None:
            entry = reply.get(key)
            if not isinstance(entry, dict):
                return None
            low, high = entry.get("min_limit"), entry.get("max_limit")
            if not isinstance(low, int | float) or not isinstance(high, int | float):
                return None
            return int(low), int(high)

        for field_name, key in (
            ("item_name", "item_name_length_limit"),
            ("description", "item_description_length_limit"),
            ("images", "item_image_count_limit"),
            ("price", "price_limit"),
        ):
            value = span(key)
            if value is not None:
                found[field_name] = value
        for field_name, key in (
            ("tier_name", "tier_variation_name_length_limit"),
            ("tier_option", "tier_variation_option_length_limit"),
        ):
            value = span(key)
            if value is not None:
                found[field_name] = value[1]
        dimension = reply.get("dimension_limit")
        if isinstance(dimension, dict) and isinstance(dimension.get("dimension_mandatory"), bool):
            found["dimension_mandatory"] = dimension["dimension_mandatory"]
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
class Loaded:
    mapping: CategoryMap
    source: Path


def _key(text: str) -> str:
    return normalize_text(text).casefold()


def load(path: Path | None = None) -> Loaded:
    """Read and check a mapping file; every problem is named with the file and key."""
    source = path or DEFAULT_FILE
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(
            _("cannot read the Shopee mapping file {path}: {error}").format(
                path=source, error=exc.strerror or exc
            )
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(
            _("the Shopee mapping file {path} is not valid YAML: {error}").format(
                path=source, error=exc
            )
        ) from None
    try:
        return Loaded(CategoryMap.model_validate(raw or {}), source)
    except ValidationError as exc:
        lines = [
            f"  {'.'.join(str(part) for part in error['loc']) or '(top)'}: {error['msg']}"
            for error in exc.errors()
        ]
        raise ConfigError(
            _("the Shopee mapping file {path} has problems:").format(path=source)
            + "\n"
            + "\n".join(lines)
        ) from None
