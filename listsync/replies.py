"""Marketplace replies checked against their documented shape, for every adapter.

An adapter describes each reply it reads as a :class:`Reply` model (pydantic), with the
fields it uses typed as the marketplace documents them, and reads the reply through
:func:`parse_reply`. A reply that does not fit becomes a :class:`MalformedReply` naming the
channel and the call and saying where, for a person: "shopee get_order_list: the reply does
not have the documented shape (response.order_list: must be a list)". It is handled like a
body that is not JSON at all (docs/reliability.md #14): a read is retried, a write's outcome
is unknown. Fields a model does not name are kept and never checked (``extra="allow"``), so
what a marketplace adds one day never breaks a sync.

The types below take what the documentation allows and no more: :data:`Whole` a whole
number (or its digits as text), :data:`Ident` an id written as text or as a number,
:data:`Amount` money as a number or as text (never through a float), :data:`Text` text
(``null`` read as empty), :data:`Rows` a list (``null`` read as empty).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

from listsync.http import MalformedReply
from listsync.i18n import _, ngettext

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
MAX_PROBLEMS = 3
_DIGITS = re.compile(r"^[+-]?\d+$")


class Reply(BaseModel):
    """A marketplace reply, or a part of one: undocumented extra fields are kept, unchecked."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, protected_namespaces=())


def _reply_error(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(f"reply.{kind}", message)


def _whole(value: Any) -> Any:
    if isinstance(value, bool):
        raise _reply_error("whole", _("must be a whole number"))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _DIGITS.match(value.strip()):
        return int(value.strip())
    raise _reply_error("whole", _("must be a whole number"))


def _ident(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise _reply_error("ident", _("must be an id, as text or a whole number"))


def _amount(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _reply_error("amount", _("must be an amount, a number or its text"))
    try:
        found = Decimal(str(value).strip())
    except InvalidOperation:
        raise _reply_error("amount", _("must be an amount, a number or its text")) from None
    if not found.is_finite():
        raise _reply_error("amount", _("must be an amount, a number or its text"))
    return found


def _text(value: Any) -> Any:
    return "" if value is None else value


def _rows(value: Any) -> Any:
    return [] if value is None else value


Whole = Annotated[int, BeforeValidator(_whole)]
Ident = Annotated[str, BeforeValidator(_ident)]
Amount = Annotated[Decimal, BeforeValidator(_amount)]
Text = Annotated[str, BeforeValidator(_text)]
Rows = Annotated[list[T], BeforeValidator(_rows)]


def _what(error_type: str, message: str) -> str:
    """What a field must be, for a person (pydantic's own words are not translated)."""
    if error_type.startswith("reply."):
        return message  # our own types say it already, through _()
    words = {
        "missing": _("is missing"),
        "list_type": _("must be a list"),
        "tuple_type": _("must be a list"),
        "dict_type": _("must be an object"),
        "model_type": _("must be an object"),
        "model_attributes_type": _("must be an object"),
        "string_type": _("must be text"),
        "string_too_short": _("must not be empty"),
        "int_type": _("must be a whole number"),
        "int_parsing": _("must be a whole number"),
        "int_from_float": _("must be a whole number"),
        "float_type": _("must be a number"),
        "float_parsing": _("must be a number"),
        "decimal_type": _("must be a number"),
        "decimal_parsing": _("must be a number"),
        "bool_type": _("must be true or false"),
        "bool_parsing": _("must be true or false"),
        "greater_than_equal": _("is below the documented range"),
        "less_than_equal": _("is above the documented range"),
        "literal_error": _("is not one of the documented values"),
    }
    return words.get(error_type, _("has a value that cannot be read"))


def shape_problems(error: ValidationError, at: Sequence[str | int] = ()) -> str:
    """Where a reply differs from its model, one clause per place: ``a.b.0.c: must be …``."""
    found: list[str] = []
    for problem in error.errors(include_url=False, include_input=False):
        path = ".".join(str(part) for part in (*at, *problem["loc"])) or _("the reply")
        clause = _("{where}: {what}").format(
            where=path, what=_what(problem["type"], problem["msg"])
        )
        if clause not in found:
            found.append(clause)
    shown = found[:MAX_PROBLEMS]
    if len(found) > MAX_PROBLEMS:
        more = len(found) - MAX_PROBLEMS
        shown.append(ngettext("and {n} more", "and {n} more", more).format(n=more))
    return "; ".join(shown)


def parse_reply(
    model: type[M], data: Any, *, channel: str, call: str, at: Sequence[str | int] = ()
) -> M:
    """``data`` read into ``model``; MalformedReply naming the channel and call if it does
    not fit. ``at`` is where ``data`` sits in the whole reply (e.g. ``("response",)``)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise MalformedReply(
            _("the reply does not have the documented shape ({problems})").format(
                problems=shape_problems(exc, at)
            ),
            channel=channel,
            call=call,
        ) from None
