"""The YAML layout of a catalog: ``products:``, a list of mappings shaped like the model.

The file is composed into nodes (not loaded) so every key keeps its line for error messages,
and every scalar is read from its text with the same rules as a spreadsheet cell: ``120.000``
is 120000 dong here too (plain YAML would make it the float 120.0), ``00123`` stays a SKU
rather than becoming the number 83, and ``2.50`` dollars never pass through a float.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import yaml
from pydantic import BaseModel

from listsync.catalog.columns import HeaderProblem, check_channel_name, closest, unknown_message
from listsync.catalog.model import Catalog, Product, normalize_text
from listsync.catalog.values import Draft, Kind, Loc, Reading, ValueProblem, parse
from listsync.i18n import _

TOP_KEY = "products"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml, when built in: much faster
_NULL_TAG = "tag:yaml.org,2002:null"


class _Absent:
    """No value: the key was empty (``brand:``) or its value was unreadable and reported."""


_ABSENT = _Absent()


def yaml_field(loc: Loc) -> str:
    """``("variants", 1, "price_vnd")`` -> ``variants.price_vnd``; the line says which one."""
    return ".".join(str(part) for part in loc if not isinstance(part, int))


@dataclass
class _YamlLocator:
    lines: dict[Loc, int] = field(default_factory=dict)

    def __call__(self, loc: Loc) -> tuple[int | None, str]:
        for length in range(len(loc), -1, -1):
            if loc[:length] in self.lines:
                return self.lines[loc[:length]], yaml_field(loc)
        return None, yaml_field(loc)


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _unwrap(annotation: Any) -> Any:
    """``Annotated[int, ...] | None`` -> ``int``: the type a value must have."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            annotation = members[0]
        else:
            return annotation


def _leaf_kind(name: str | None, annotation: Any) -> Kind:
    if name and name.endswith("_vnd"):
        return Kind.VND
    if annotation is Decimal:
        return Kind.USD if name == "usd" else Kind.PERCENT
    kinds = {int: Kind.INT, date: Kind.DATE, bool: Kind.BOOL}
    return kinds.get(annotation, Kind.TEXT)


class YamlReader:
    """Turns a YAML catalog into product drafts, reporting what is wrong with its line."""

    def __init__(self, reading: Reading, known_channels: Sequence[str]):
        self.reading = reading
        self.known_channels = known_channels

    def read(self, text: str) -> None:
        root = self._compose(text)
        if root is None:
            return
        products = self._products_node(root)
        if products is None:
            return
        if not products.value:
            self.reading.report(_line(products), TOP_KEY, _("the list of products is empty"))
        for item in products.value:
            self._read_product(item)

    def _compose(self, text: str) -> yaml.Node | None:
        try:
            root = yaml.compose(text, Loader=_Loader)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = int(mark.line) + 1 if mark else None
            problem = error.problem or error.context or ""
            message = _(
                "the YAML cannot be read here; check the indentation and colons ({problem})"
            )
            self.reading.report(line, "", message.format(problem=problem))
            return None
        except yaml.YAMLError as error:
            self.reading.report(
                None, "", _("this is not valid YAML: {problem}").format(problem=error)
            )
            return None
        if root is None or (isinstance(root, yaml.ScalarNode) and root.tag == _NULL_TAG):
            self.reading.report(None, "", _("the file is empty"))
            return None
        return root

    def _products_node(self, root: yaml.Node) -> yaml.SequenceNode | None:
        start = _("the file must start with products: followed by a list of products")
        if not isinstance(root, yaml.MappingNode):
            self.reading.report(_line(root), "", start)
            return None
        products: yaml.SequenceNode | None = None
        for key_node, value_node in root.value:
            key = normalize_text(str(key_node.value))
            if key != TOP_KEY:
                message = unknown_message(_("unknown key"), key, closest(key, [TOP_KEY]))
                self.reading.report(_line(key_node), key, message)
            elif not isinstance(value_node, yaml.SequenceNode):
                self.reading.report(_line(value_node), TOP_KEY, start)
                return None
            else:
                products = value_node
        if products is None and not self.reading.problems:
            self.reading.report(_line(root), TOP_KEY, start)
        return products

    def _read_product(self, node: yaml.Node) -> None:
        locator = _YamlLocator({(): _line(node)})
        draft = Draft(data={}, row=_line(node), locate=locator)
        data = _ProductConverter(self, draft, locator).mapping(node, Product, ())
        if not isinstance(data, _Absent):
            draft.data = data
            self.reading.add_draft(draft)


def _key_choices(model: type[BaseModel]) -> list[str]:
    """The keys of ``model``, and one level deeper (``dimensions.length_cm``) for near misses."""
    choices = list(model.model_fields)
    for name, info in model.model_fields.items():
        inner = _unwrap(info.annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            choices += [f"{name}.{key}" for key in inner.model_fields]
    return choices


class _ProductConverter:
    """Builds one product's model input from its nodes, recording the line of every key."""

    def __init__(self, reader: YamlReader, draft: Draft, locator: _YamlLocator):
        self.reader = reader
        self.draft = draft
        self.locator = locator

    def report(self, line: int, loc: Loc, message: str) -> _Absent:
        self.reader.reading.report(line, yaml_field(loc), message)
        self.draft.failed.add(loc)
        return _ABSENT

    def mapping(self, node: yaml.Node, model: type[BaseModel], loc: Loc) -> Any:
        pairs = self._pairs(node, loc)
        if pairs is None:
            return _ABSENT
        values: dict[str, Any] = {}
        for key, key_node, value_node in pairs:
            info = model.model_fields.get(key)
            if info is None:
                self._unknown_key(key, key_node, model, loc)
                continue
            value = self.value(value_node, info.annotation, (*loc, key), key)
            if not isinstance(value, _Absent):
                values[key] = value
        return values

    def _unknown_key(self, key: str, node: yaml.Node, model: type[BaseModel], loc: Loc) -> None:
        meant = closest(key, _key_choices(model))
        message = unknown_message(_("unknown key"), key, meant)
        self.reader.reading.report(_line(node), yaml_field((*loc, key)), message)
        if meant:
            self.draft.failed.add((*loc, *meant.split(".")))

    def _pairs(self, node: yaml.Node, loc: Loc) -> list[tuple[str, yaml.Node, yaml.Node]] | None:
        """The keys of a mapping node, each once, with their lines recorded."""
        if not isinstance(node, yaml.MappingNode):
            self.report(_line(node), loc, _("must be a group of keys, one per line (key: value)"))
            return None
        pairs = []
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = normalize_text(str(key_node.value))
            if loc[-1:] == ("channels",):
                key = key.lower()
                if self._bad_channel(key, key_node, loc):
                    continue
            if key in seen:
                message = _("this key appears twice (lines {first} and {second})").format(
                    first=seen[key], second=_line(key_node)
                )
                self.report(_line(key_node), (*loc, key), message)
                continue
            seen[key] = _line(key_node)
            self.locator.lines[(*loc, key)] = _line(key_node)
            pairs.append((key, key_node, value_node))
        return pairs

    def _bad_channel(self, channel: str, node: yaml.Node, loc: Loc) -> bool:
        try:
            check_channel_name(channel, self.reader.known_channels)
        except HeaderProblem as problem:
            self.reader.reading.report(_line(node), yaml_field((*loc, channel)), str(problem))
            return True
        return False

    def value(self, node: yaml.Node, annotation: Any, loc: Loc, name: str | None) -> Any:
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG:
            return _ABSENT
        wanted = _unwrap(annotation)
        if isinstance(wanted, type) and issubclass(wanted, BaseModel):
            return self.mapping(node, wanted, loc)
        origin = typing.get_origin(wanted)
        if origin is tuple or origin is list:
            return self._sequence(node, typing.get_args(wanted)[0], loc)
        if origin is dict:
            return self._dict(node, typing.get_args(wanted)[1], loc)
        return self._scalar(node, _leaf_kind(name, wanted), loc)

    def _sequence(self, node: yaml.Node, item_annotation: Any, loc: Loc) -> Any:
        if not isinstance(node, yaml.SequenceNode):
            return self.report(_line(node), loc, _("must be a list, one entry per line (- entry)"))
        items: list[Any] = []
        for index, item in enumerate(node.value):
            self.locator.lines[(*loc, index)] = _line(item)
            if isinstance(item, yaml.ScalarNode) and item.tag == _NULL_TAG:
                self.report(_line(item), (*loc, index), _("this entry of the list is empty"))
                items.append(None)
                continue
            value = self.value(item, item_annotation, (*loc, index), None)
            if isinstance(value, _Absent):
                self.draft.failed.add((*loc, index))
                value = None
            items.append(value)
        return items

    def _dict(self, node: yaml.Node, value_annotation: Any, loc: Loc) -> Any:
        pairs = self._pairs(node, loc)
        if pairs is None:
            return _ABSENT
        values = {}
        for key, _key_node, value_node in pairs:
            value = self.value(value_node, value_annotation, (*loc, key), None)
            if not isinstance(value, _Absent):
                values[key] = value
        return values

    def _scalar(self, node: yaml.Node, kind: Kind, loc: Loc) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return self.report(_line(node), loc, _("must be a single value, not a list or a group"))
        try:
            return parse(kind, str(node.value))
        except ValueProblem as problem:
            return self.report(_line(node), loc, str(problem))


# Writing


class _Dumper(yaml.SafeDumper):
    """Indents lists under their key and writes Decimal as a plain number, not a string."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(str, _represent_text)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def dump_yaml(catalog: Catalog) -> str:
    """The catalog as YAML, leaving out every value that equals the model's default."""
    products = [_plain(product.model_dump(exclude_defaults=True)) for product in catalog.products]
    return yaml.dump(
        {TOP_KEY: products},
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )
