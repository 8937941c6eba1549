"""An adapter's mapping file: how the catalog's categories, brands and attributes become a
marketplace's. Each adapter ships one and a workspace may name its own (``mapping_file``);
every problem in it is reported with the file and the key, as for the catalog.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from decimal import Decimal
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from listsync.errors import ConfigError
from listsync.i18n import _

M = TypeVar("M", bound=BaseModel)


class StrictModel(BaseModel):
    """A part of a mapping file: unknown keys are mistakes, reported with their place."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Package(StrictModel):
    """A category's usual package, for products whose catalog row gives no size."""

    length_cm: int = Field(gt=0)
    width_cm: int = Field(gt=0)
    height_cm: int = Field(gt=0)


class CategoryMap(StrictModel):
    """One catalog category on a marketplace: its id, default package and attributes."""

    id: int
    name: str = ""
    package: Package | None = None
    attributes: dict[str, list[str]] = Field(default_factory=dict)
    required: list[str] = Field(default_factory=list)


class MapsCategories(StrictModel):
    """A mapping file's ``categories``: the catalog's category keys → the marketplace's."""

    categories: dict[str, CategoryMap] = Field(default_factory=dict)

    def by_id(self, category_id: int) -> CategoryMap | None:
        return next((c for c in self.categories.values() if c.id == category_id), None)

    def choose(
        self,
        key: str,
        override_id: str | None,
        problem: Callable[[str, str], None],
        marketplace: str,
    ) -> tuple[CategoryMap | None, int | None]:
        """The category a product goes in, and its id: the id its channel override names
        (with the mapping's entry for that id, for its package and attributes), else the one
        its catalog category ``key`` maps to; each mistake goes to ``problem``."""
        category = self.categories.get(key)
        if override_id:
            try:
                category_id = int(override_id)
            except ValueError:
                problem(
                    "category_id",
                    _("a {marketplace} category id is a number").format(marketplace=marketplace),
                )
                return category, None
            return self.by_id(category_id) or category, category_id
        if category is None:
            problem(
                "category",
                _(
                    "no {marketplace} category is mapped for '{key}' (add it to the mapping file)"
                ).format(marketplace=marketplace, key=key),
            )
            return None, None
        return category, category.id


def load_mapping_file(
    model: type[M], path: Path | None, default: Traversable, marketplace: str
) -> M:
    """The file at ``path`` (or the adapter's ``default``) read as ``model``."""
    source: Traversable = path if path is not None else default
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(
            _("cannot read the {marketplace} mapping file {path}: {error}").format(
                marketplace=marketplace, path=source, error=exc.strerror or exc
            )
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(
            _("the {marketplace} mapping file {path} is not valid YAML: {error}").format(
                marketplace=marketplace, path=source, error=exc
            )
        ) from None
    try:
        return model.model_validate(raw or {})
    except ValidationError as exc:
        lines = [
            f"  {'.'.join(str(part) for part in error['loc']) or '(top)'}: {error['msg']}"
            for error in exc.errors()
        ]
        heading = _("the {marketplace} mapping file {path} has problems:").format(
            marketplace=marketplace, path=source
        )
        raise ConfigError("\n".join([heading, *lines])) from None


def html_paragraphs(text: str) -> str:
    """Plain text as HTML paragraphs (a blank line apart), line breaks kept, escaped."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br/>')}</p>" for p in paragraphs)


def kilograms(grams: int) -> str:
    """``250`` grams as ``"0.25"``: the exact decimal, never a float."""
    return format((Decimal(grams) / 1000).normalize(), "f")
