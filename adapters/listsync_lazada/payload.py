"""The ``payload`` parameter: one business object as a JSON or an XML string.

Both spellings carry the same tree: ``{"Request": {"Product": {...}}}`` or
``<Request><Product>...</Product></Request>``. Lists are written the way Lazada writes
them, a wrapper holding repeated children: ``"Images": {"Image": [...]}`` in JSON,
``<Images><Image>..</Image><Image>..</Image></Images>`` in XML. Text holding ``&``, ``<``
or ``>`` goes into CDATA, as Lazada's error 5 advice asks.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

_NEEDS_CDATA = re.compile(r"[&<>]")
_XML_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")


class PayloadError(ValueError):
    """The payload is neither well-formed JSON nor XML of the expected shape."""


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        raise TypeError("payload values are never floats; use Decimal or str")
    return str(value)


def dump_json(tree: Mapping[str, Any]) -> str:
    def default(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value)
        raise TypeError(f"cannot put {type(value).__name__} in a payload")

    return json.dumps(tree, ensure_ascii=False, separators=(",", ":"), default=default)


def _xml_text(text: str) -> str:
    if not _NEEDS_CDATA.search(text):
        return text
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _xml_element(name: str, value: Any, out: list[str]) -> None:
    if not _XML_NAME.match(name):
        raise PayloadError(f"{name!r} cannot be an XML element name")
    if isinstance(value, list | tuple):
        for item in value:
            _xml_element(name, item, out)
        return
    out.append(f"<{name}>")
    if isinstance(value, Mapping):
        for key, child in value.items():
            _xml_element(key, child, out)
    elif value is not None:
        out.append(_xml_text(_scalar(value)))
    out.append(f"</{name}>")


def dump_xml(tree: Mapping[str, Any]) -> str:
    out: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>']
    for key, value in tree.items():
        _xml_element(key, value, out)
    return "".join(out)


def dump(tree: Mapping[str, Any], fmt: str) -> str:
    return dump_xml(tree) if fmt == "xml" else dump_json(tree)


def _from_element(element: ET.Element) -> Any:
    children = list(element)
    if not children:
        return (element.text or "").strip() if element.text is not None else ""
    result: dict[str, Any] = {}
    for child in children:
        value = _from_element(child)
        if child.tag in result:
            existing = result[child.tag]
            if isinstance(existing, list):
                existing.append(value)
            else:
                result[child.tag] = [existing, value]
        else:
            result[child.tag] = value
    return result


def load(text: str) -> dict[str, Any]:
    """Parse a payload written as JSON or as XML into the same nested dicts."""
    stripped = text.strip()
    if stripped.startswith("<"):
        try:
            root = ET.fromstring(stripped)
        except ET.ParseError as exc:
            raise PayloadError(f"the XML payload is not well-formed: {exc}") from None
        return {root.tag: _from_element(root)}
    try:
        tree = json.loads(stripped)
    except ValueError as exc:
        raise PayloadError(f"the payload is neither XML nor JSON: {exc}") from None
    if not isinstance(tree, dict):
        raise PayloadError("the payload must be an object")
    return tree


def as_list(value: Any) -> list[Any]:
    """A repeated element: XML gives one child as a scalar, JSON may too."""
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list) else [value]
