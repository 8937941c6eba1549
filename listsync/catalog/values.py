"""Single catalog values (numbers, money, dates, yes/no, lists, tiers), and what readers share.

CSV gives text, XLSX gives text or typed cells (int, float, datetime, bool), YAML gives the
text of each scalar. All of them go through :func:`parse`, so a price means the same in every
format, and a mistake gets the same sentence wherever it was made. :class:`Draft` and
:class:`Reading` are what the readers of each format hand to :mod:`listsync.catalog.files`.

Money rules (see the README ("The catalog file")):

* VND is whole dong. ``120000``, ``120.000``, ``120,000`` and ``120 000`` all mean 120000:
  dong have no fraction, so a dot or comma followed by groups of exactly three digits can only
  be a thousands separator. ``12.5``, ``12,5`` and ``1.20.000`` are mistakes, not guesses.
  A zero fraction (``120.000,00``) and a ``đ``/``₫``/``VND`` suffix are accepted.
* Other whole numbers (grams, centimetres, quantities, days) take plain digits only: ``1.500``
  might mean 1500 or 1.5, and a wrong guess there is a thousandfold error nobody notices.
* USD and percentages are decimals with a dot or a comma as the decimal mark and no
  thousands separator; ``1,250`` is refused as unclear rather than read as 1250 or 1.25.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

from listsync.catalog.model import normalize_text
from listsync.errors import Problem
from listsync.i18n import _

Loc = tuple[str | int, ...]
"""A place in a product as the model sees it: ``("variants", 0, "price_vnd")``."""

Locate = Callable[[Loc], tuple[int | None, str]]
"""Turns a place in the model into the file's row (or line) and column (or key)."""

LIST_SEPARATOR = "|"
TIER_SEPARATOR = ":"
DATE_EXAMPLE = "2026-12-31"

_GROUP_MARKS = ".,\u0020\u00a0\u202f"
_GROUPED = re.compile(r"\d{1,3}(?P<mark>[" + _GROUP_MARKS + r"])\d{3}(?:(?P=mark)\d{3})*")
_VND_SUFFIX = re.compile(r"\s*(?:đ|₫|vnđ|vnd|dong|đồng)$", re.IGNORECASE)
_SHORTHAND = re.compile(
    r"(?P<number>\d+(?:[.,]\d+)?)\s*(?P<unit>k|nghìn|ngàn|tr|triệu)\.?", re.IGNORECASE
)
_SHORTHAND_UNITS = {"k": 1000, "nghìn": 1000, "ngàn": 1000, "tr": 1_000_000, "triệu": 1_000_000}
_ZERO_FRACTION = re.compile(r"(?P<whole>.*?)(?P<mark>[.,])0{1,2}")
_PLAIN_INT = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"(?P<sign>[+-]?)(?P<whole>\d+)(?:(?P<mark>[.,])(?P<fraction>\d+))?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY_DATE = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")
_TRUE = frozenset({"true", "yes", "y", "1", "có", "co", "bật"})
_FALSE = frozenset({"false", "no", "n", "0", "không", "khong", "tắt"})


class Kind(Enum):
    """What a value is, which decides how it is read and written."""

    TEXT = "text"
    INT = "int"
    VND = "vnd"
    USD = "usd"
    PERCENT = "percent"
    DATE = "date"
    BOOL = "bool"
    LIST = "list"
    TIERS = "tiers"


class ValueProblem(ValueError):
    """A value that cannot be read; the message is a sentence for the person who typed it."""


@dataclass
class Draft:
    """One product as read from a file, shaped like the model's input but not yet validated.

    ``failed`` holds places whose value was already reported (unreadable, or a column that
    is missing altogether), so the model's "missing" for the same place is not reported again.
    """

    data: dict[str, Any]
    row: int
    locate: Locate
    failed: set[Loc] = field(default_factory=set)


@dataclass
class Reading:
    """What a reader made of a file: products to validate and problems found on the way.

    A large file is read as a stream: with ``on_draft`` set, each product goes there as soon
    as its rows are read instead of piling up in ``drafts``; with ``limit`` set, only that
    many problems are kept (the first ones in the file, as :meth:`sorted_problems` lists
    them) while ``count`` still counts every one. A file that is wrong on every row would
    otherwise hold, and print, a sentence per cell.
    """

    source: str
    place: Literal["row", "line"]
    drafts: list[Draft] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)
    """A table's column positions by column name (``price_vnd``: 5)."""
    headers: dict[str, str] = field(default_factory=dict)
    """A table's headers by column name, as written in the file (``price_vnd``: ``Giá bán``)."""
    on_draft: Callable[[Draft], None] | None = None
    limit: int | None = None
    count: int = 0
    """Every problem reported, kept or not."""
    last_row: int = 0
    """The furthest row (or line) a problem was reported on."""

    def report(
        self,
        row: int | None,
        field_name: str,
        message: str,
        *,
        column: int | None = None,
        header: str = "",
    ) -> None:
        self.add(self.problem(row, field_name, message, column=column, header=header))

    def add(self, problem: Problem) -> None:
        """Count ``problem``, and keep it unless ``limit`` problems before it are kept."""
        self.count += 1
        self.last_row = max(self.last_row, problem.row or 0)
        self.problems.append(problem)
        if self.limit is not None and len(self.problems) >= 2 * self.limit:
            self.problems = self.sorted_problems()

    def add_draft(self, draft: Draft) -> None:
        if self.on_draft is None:
            self.drafts.append(draft)
        else:
            self.on_draft(draft)

    def forget_problems(self) -> None:
        """Start the list again: what was found so far is void (the file turned out unreadable)."""
        self.problems.clear()
        self.count = self.last_row = 0

    def problem(
        self,
        row: int | None,
        field_name: str,
        message: str,
        *,
        column: int | None = None,
        header: str = "",
    ) -> Problem:
        """A problem at ``row`` of ``field_name``; in a table, also its column letter and header.

        ``column`` (0-based) and ``header`` are for a column that is not the field's own one:
        an unknown or repeated header, a value under no header.
        """
        if self.place == "line":
            return Problem(self.source, row, field_name, message)
        index = self.columns.get(field_name) if column is None else column
        letter = column_letter(index) if index is not None else ""
        header = header or self.headers.get(field_name, field_name)
        return Problem(self.source, row, field_name, message, "row", letter, header)

    def sorted_problems(self) -> list[Problem]:
        """In the order a person reads the file: by row, then by column; at most ``limit``."""
        found = sorted(
            self.problems,
            key=lambda problem: (problem.row or 0, len(problem.column), problem.column),
        )
        return found if self.limit is None else found[: self.limit]

    def where(self, row: int) -> str:
        """``row 5`` for a table, ``line 5`` for YAML: how messages point at another place."""
        return _("row {n}").format(n=row) if self.place == "row" else _("line {n}").format(n=row)


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def show(value: object) -> str:
    """A value as the person typed it, for quoting in a message."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    text = value if isinstance(value, str) else str(value)
    text = normalize_text(text)
    return text if len(text) <= 60 else text[:57] + "..."


def parse(kind: Kind, value: object) -> Any:
    """Read one non-blank value of ``kind``; raise :class:`ValueProblem` if it cannot be read."""
    return _PARSERS[kind](value)


def _parse_text(value: object) -> str:
    if isinstance(value, str):
        return normalize_text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return show(value)
    if isinstance(value, float):
        return show(value) if value.is_integer() else repr(value)
    return normalize_text(str(value))


def _parse_int(value: object) -> int:
    number = _whole_number(value)
    if number is not None:
        return number
    text = _parse_text(value)
    if _GROUPED.fullmatch(text.lstrip("+-")):
        digits = re.sub(r"\D", "", text)
        raise ValueProblem(
            _(
                "write a whole number without dots, commas or spaces, e.g. {digits} (got {value})"
            ).format(digits=digits, value=text)
        )
    if not _PLAIN_INT.fullmatch(text):
        raise ValueProblem(_("must be a whole number, got {value}").format(value=text))
    return int(text)


def _whole_number(value: object) -> int | None:
    """An int from a typed cell; ``None`` when the value is text and needs reading."""
    if isinstance(value, bool | datetime | date):
        raise ValueProblem(_("must be a whole number, got {value}").format(value=show(value)))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueProblem(_("must be a whole number, got {value}").format(value=show(value)))
        return int(value)
    if isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise ValueProblem(_("must be a whole number, got {value}").format(value=value))
        return int(value)
    return None


def _parse_vnd(value: object) -> int:
    try:
        number = _whole_number(value)
    except ValueProblem:
        number = None
    else:
        if number is not None:
            return number
    text = _parse_text(value)
    amount = _VND_SUFFIX.sub("", text)
    sign = -1 if amount.startswith("-") else 1
    amount = amount.lstrip("+-")
    zero_fraction = _ZERO_FRACTION.fullmatch(amount)
    if zero_fraction and zero_fraction["mark"] not in _group_mark(zero_fraction["whole"]):
        amount = zero_fraction["whole"]
    if amount.isdigit() or _GROUPED.fullmatch(amount):
        return sign * int(re.sub(r"\D", "", amount))
    dong = _shorthand(amount)
    if dong is not None:
        raise ValueProblem(
            _("write the price in whole dong, digits only: {dong} (got {value})").format(
                dong=sign * dong, value=text
            )
        )
    raise ValueProblem(_("price must be a whole number of dong, got {value}").format(value=text))


def _shorthand(amount: str) -> int | None:
    """The dong that ``45k``, ``1,5tr`` or ``45 nghìn`` stands for; ``None`` if not that."""
    match = _SHORTHAND.fullmatch(amount)
    if not match:
        return None
    number = match["number"]
    if _GROUPED.fullmatch(number):  # 1.250k: the dot groups thousands
        number = re.sub(r"\D", "", number)
    dong = Decimal(number.replace(",", ".")) * _SHORTHAND_UNITS[match["unit"].casefold()]
    return int(dong) if dong == dong.to_integral_value() else None


def _group_mark(amount: str) -> str:
    match = _GROUPED.fullmatch(amount)
    return match["mark"] if match else ""


def _parse_decimal(value: object, strip: tuple[str, ...]) -> Decimal:
    if isinstance(value, bool | datetime | date):
        raise ValueProblem(
            _("must be a number such as 2.50, got {value}").format(value=show(value))
        )
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    text = _parse_text(value)
    number = text.casefold()
    for mark in strip:
        number = number.removeprefix(mark).removesuffix(mark).strip()
    match = _DECIMAL.fullmatch(number)
    if not match:
        raise ValueProblem(_("must be a number such as 2.50, got {value}").format(value=text))
    if match["mark"] == "," and len(match["fraction"]) == 3:
        raise ValueProblem(
            _("{value} is unclear: write {whole} or {fraction} (no thousands separators)").format(
                value=text,
                whole=match["whole"] + match["fraction"],
                fraction=match["whole"] + "." + match["fraction"],
            )
        )
    digits = match["whole"] + ("." + match["fraction"] if match["fraction"] else "")
    return Decimal(match["sign"] + digits)


def _parse_usd(value: object) -> Decimal:
    return _parse_decimal(value, ("us$", "$", "usd"))


def _parse_percent(value: object) -> Decimal:
    return _parse_decimal(value, ("%",))


def _parse_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _parse_text(value)
    iso, dmy = _ISO_DATE.fullmatch(text), _DMY_DATE.fullmatch(text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if dmy:
            return date(int(dmy[4]), int(dmy[3]), int(dmy[1]))
    except ValueError:
        pass
    raise ValueProblem(
        _("not a date, write it as {example} (got {value})").format(
            example=DATE_EXAMPLE, value=text
        )
    )


def _parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = _parse_text(value)
    if text.casefold() in _TRUE:
        return True
    if text.casefold() in _FALSE:
        return False
    raise ValueProblem(_("write yes or no (got {value})").format(value=text))


def _parse_list(value: object) -> tuple[str, ...]:
    parts = (part.strip() for part in _parse_text(value).split(LIST_SEPARATOR))
    return tuple(part for part in parts if part)


def _parse_tiers(value: object) -> list[dict[str, Any]]:
    text = _parse_text(value)
    tiers = []
    for part in (piece.strip() for piece in text.split(LIST_SEPARATOR)):
        if not part:
            continue
        quantity, colon, price = part.partition(TIER_SEPARATOR)
        if not colon or not quantity.strip() or not price.strip():
            raise ValueProblem(
                _(
                    "write price tiers as quantity:USD price, separated by |, "
                    "e.g. 10:2.50|100:2.10 (got {value})"
                ).format(value=text)
            )
        try:
            tiers.append({"min_quantity": _parse_int(quantity.strip()), "usd": _parse_usd(price)})
        except ValueProblem as problem:
            raise ValueProblem(
                _("in the tier {tier}: {problem}").format(tier=part, problem=problem)
            ) from None
    if not tiers:
        raise ValueProblem(_("give at least one price tier, e.g. 10:2.50|100:2.10"))
    return tiers


_PARSERS: dict[Kind, Any] = {
    Kind.TEXT: _parse_text,
    Kind.INT: _parse_int,
    Kind.VND: _parse_vnd,
    Kind.USD: _parse_usd,
    Kind.PERCENT: _parse_percent,
    Kind.DATE: _parse_date,
    Kind.BOOL: _parse_bool,
    Kind.LIST: _parse_list,
    Kind.TIERS: _parse_tiers,
}


def format_text(kind: Kind, value: Any) -> str:
    """A value as text for a CSV cell (and for XLSX cells that are not numbers or dates)."""
    if value is None:
        return ""
    if kind is Kind.BOOL:
        return "yes" if value else "no"
    if kind in (Kind.USD, Kind.PERCENT):
        return format(value, "f")
    if kind is Kind.DATE:
        return str(value.isoformat())
    if kind is Kind.LIST:
        return LIST_SEPARATOR.join(value)
    if kind is Kind.TIERS:
        return LIST_SEPARATOR.join(
            f"{tier.min_quantity}{TIER_SEPARATOR}{format(tier.usd, 'f')}" for tier in value
        )
    return str(value)
