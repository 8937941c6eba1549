"""The columns of the spreadsheet layout (CSV and XLSX), and products back to rows.

One row per variant; a product without variants is one row. ``sku`` is on every row and ties a
product's rows together; the product's other columns may repeat on each row or be left blank
after the first, but never disagree. Every column is documented in the README ("The catalog file").
Reading rows is :mod:`listsync.catalog.table`; reading and writing the files themselves is
:mod:`listsync.catalog.files`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from listsync.catalog.model import Catalog, ChannelOverride, Product, Variant
from listsync.catalog.values import Kind, Loc
from listsync.i18n import _, current_language

NOTE_PREFIX = "#"
ATTRIBUTE_PREFIX = "attr."
OPTION_SLOTS = (1, 2)
_CHANNEL_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


@dataclass(frozen=True)
class Column:
    """One column: its header, how its cells are read, and where the value goes in the model.

    ``path`` is relative to the product, or to the variant when ``variant`` is true. Option
    columns have the pseudo path ``("option1", "name")`` and are put together by hand, since
    two columns make one entry of ``Variant.options``.
    """

    name: str
    kind: Kind
    path: Loc
    variant: bool = False

    @property
    def is_option(self) -> bool:
        return str(self.path[0]).startswith("option")


def _product(name: str, kind: Kind, *path: str) -> Column:
    return Column(name, kind, path or (name,))


def _variant(name: str, kind: Kind, *path: str) -> Column:
    return Column(name, kind, path, variant=True)


FIXED_COLUMNS: tuple[Column, ...] = (
    _product("sku", Kind.TEXT),
    _variant("variant_sku", Kind.TEXT, "sku"),
    *(
        _variant(f"option{slot}_{part}", Kind.TEXT, f"option{slot}", part)
        for slot in OPTION_SLOTS
        for part in ("name", "value")
    ),
    _product("name_vi", Kind.TEXT, "name", "vi"),
    _product("name_en", Kind.TEXT, "name", "en"),
    _product("description_vi", Kind.TEXT, "description", "vi"),
    _product("description_en", Kind.TEXT, "description", "en"),
    _product("brand", Kind.TEXT),
    _product("category", Kind.TEXT),
    _product("images", Kind.LIST),
    _variant("variant_images", Kind.LIST, "images"),
    _product("weight_g", Kind.INT),
    _product("length_cm", Kind.INT, "dimensions", "length_cm"),
    _product("width_cm", Kind.INT, "dimensions", "width_cm"),
    _product("height_cm", Kind.INT, "dimensions", "height_cm"),
    _product("price_vnd", Kind.VND),
    _variant("variant_price_vnd", Kind.VND, "price_vnd"),
    _product("safety_stock", Kind.INT),
    _product("origin_commune", Kind.TEXT, "origin", "commune"),
    _product("origin_province", Kind.TEXT, "origin", "province"),
    _product("ocop_stars", Kind.INT, "ocop", "stars"),
    _product("ocop_certificate", Kind.TEXT, "ocop", "certificate"),
    _product("ocop_issued", Kind.DATE, "ocop", "issued"),
    _product("ocop_expires", Kind.DATE, "ocop", "expires"),
    _product("b2b_moq", Kind.INT, "b2b", "min_order_quantity"),
    _product("b2b_unit", Kind.TEXT, "b2b", "unit"),
    _product("b2b_tiers", Kind.TIERS, "b2b", "price_tiers"),
    _product("b2b_lead_time_days", Kind.INT, "b2b", "lead_time_days"),
    _product("b2b_supply_per_month", Kind.INT, "b2b", "supply_per_month"),
)
COLUMNS_BY_NAME = {column.name: column for column in FIXED_COLUMNS}

VIETNAMESE_ALIASES: dict[str, tuple[str, ...]] = {
    # The first is the column's Vietnamese header (``listsync catalog template``); the others
    # are also accepted. Case, diacritics, spaces and punctuation do not count (header_key).
    "sku": ("Mã SKU", "Mã SP", "Mã sản phẩm", "SKU sản phẩm"),
    "variant_sku": ("Mã phân loại", "SKU phân loại", "Mã SKU phân loại"),
    "option1_name": ("Nhóm phân loại 1", "Tên phân loại 1", "Phân loại 1"),
    "option1_value": ("Giá trị phân loại 1", "Giá trị 1"),
    "option2_name": ("Nhóm phân loại 2", "Tên phân loại 2", "Phân loại 2"),
    "option2_value": ("Giá trị phân loại 2", "Giá trị 2"),
    "name_vi": ("Tên sản phẩm", "Tên SP", "Tên", "Tên tiếng Việt", "Tên sản phẩm tiếng Việt"),
    "name_en": ("Tên tiếng Anh", "Tên sản phẩm tiếng Anh", "Tên SP tiếng Anh"),
    "description_vi": ("Mô tả", "Mô tả sản phẩm", "Mô tả tiếng Việt"),
    "description_en": ("Mô tả tiếng Anh", "Mô tả sản phẩm tiếng Anh"),
    "brand": ("Thương hiệu", "Nhãn hiệu"),
    "category": ("Ngành hàng", "Danh mục"),
    "images": ("Hình ảnh", "Ảnh", "Ảnh sản phẩm"),
    "variant_images": ("Ảnh phân loại", "Hình ảnh phân loại"),
    "weight_g": ("Khối lượng (g)", "Cân nặng (g)", "Khối lượng", "Cân nặng"),
    "length_cm": ("Dài (cm)", "Chiều dài (cm)", "Chiều dài"),
    "width_cm": ("Rộng (cm)", "Chiều rộng (cm)", "Chiều rộng"),
    "height_cm": ("Cao (cm)", "Chiều cao (cm)", "Chiều cao"),
    "price_vnd": ("Giá bán", "Giá bán (đ)", "Giá", "Giá (đ)"),
    "variant_price_vnd": ("Giá phân loại", "Giá bán phân loại"),
    "safety_stock": ("Tồn kho an toàn", "Tồn dự phòng"),
    "origin_commune": ("Xã/phường", "Xã", "Phường"),
    "origin_province": ("Tỉnh/thành phố", "Tỉnh", "Tỉnh/thành"),
    "ocop_stars": ("Số sao OCOP", "Sao OCOP", "Hạng sao OCOP"),
    "ocop_certificate": ("Số giấy chứng nhận OCOP", "Giấy chứng nhận OCOP", "Số chứng nhận OCOP"),
    "ocop_issued": ("Ngày cấp OCOP", "Ngày cấp"),
    "ocop_expires": ("Ngày hết hạn OCOP", "Ngày hết hạn", "Hạn OCOP"),
    "b2b_moq": ("Số lượng đặt tối thiểu", "Đặt tối thiểu", "MOQ"),
    "b2b_unit": ("Đơn vị bán sỉ", "Đơn vị"),
    "b2b_tiers": ("Bậc giá sỉ (USD)", "Bậc giá sỉ", "Bậc giá (USD)", "Bậc giá"),
    "b2b_lead_time_days": ("Số ngày chuẩn bị hàng", "Thời gian chuẩn bị hàng (ngày)"),
    "b2b_supply_per_month": ("Sản lượng mỗi tháng", "Khả năng cung cấp mỗi tháng"),
}


def header_key(header: str) -> str:
    """What is compared of a header: no case, no diacritics (đ is d), no punctuation."""
    text = unicodedata.normalize("NFD", header.replace("đ", "d").replace("Đ", "D"))
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    return " ".join(re.findall(r"[a-z0-9]+", text))


_BY_KEY: dict[str, tuple[Column, str]] = {
    header_key(spelling): (COLUMNS_BY_NAME[name], spelling)
    for name in COLUMNS_BY_NAME
    for spelling in (name, *VIETNAMESE_ALIASES.get(name, ()))
}
"""Every accepted spelling of a fixed column, by :func:`header_key`, with the spelling."""


def header_column(header: str) -> str | None:
    """The fixed column a header names, in any accepted spelling; ``None`` if none."""
    found = _BY_KEY.get(header_key(header))
    return found[0].name if found else None


def column_header(name: str) -> str:
    """A column's header in the interface language: ``Giá bán`` in Vietnamese, else the name."""
    aliases = VIETNAMESE_ALIASES.get(name)
    return aliases[0] if aliases and current_language() == "vi" else name


REQUIRED_COLUMNS = ("sku", "category", "weight_g", "price_vnd")
NAME_COLUMNS = ("name_vi", "name_en")

CHANNEL_KEYS: dict[str, tuple[Kind, Loc]] = {
    "enabled": (Kind.BOOL, ("enabled",)),
    "title": (Kind.TEXT, ("title",)),
    "category_id": (Kind.TEXT, ("category_id",)),
    "markup_percent": (Kind.PERCENT, ("price_rule", "markup_percent")),
    "fixed_price_vnd": (Kind.VND, ("price_rule", "fixed_vnd")),
}

_FALLBACK_COLUMNS: dict[Loc, str] = {
    ("name",): "name_vi",
    ("description",): "description_vi",
    ("dimensions",): "length_cm",
    ("origin",): "origin_commune",
    ("ocop",): "ocop_expires",
    ("b2b",): "b2b_tiers",
}


def attribute_column(name: str) -> Column:
    return Column(ATTRIBUTE_PREFIX + name, Kind.TEXT, ("attributes", name))


def channel_column(channel: str, key: str) -> Column:
    if key.startswith(ATTRIBUTE_PREFIX):
        attribute = key.removeprefix(ATTRIBUTE_PREFIX)
        return Column(f"{channel}.{key}", Kind.TEXT, ("channels", channel, "attributes", attribute))
    kind, path = CHANNEL_KEYS[key]
    return Column(f"{channel}.{key}", kind, ("channels", channel, *path))


class HeaderProblem(ValueError):
    """A header cell that names no column; ``meant`` is the column it probably meant."""

    def __init__(self, message: str, meant: str | None = None):
        super().__init__(message)
        self.meant = meant


def resolve_header(header: str, known_channels: Sequence[str]) -> Column | None:
    """The column a header names; ``None`` for a note column (``#...``)."""
    if header.startswith(NOTE_PREFIX):
        return None
    lowered = header.lower()
    if lowered in COLUMNS_BY_NAME:
        return COLUMNS_BY_NAME[lowered]
    if "." not in header and header_key(header) in _BY_KEY:
        return _BY_KEY[header_key(header)][0]
    if lowered.startswith(ATTRIBUTE_PREFIX):
        name = header[len(ATTRIBUTE_PREFIX) :].strip()
        if not name:
            raise HeaderProblem(_("write the attribute's name after attr., e.g. attr.Chất liệu"))
        return attribute_column(name)
    channel, dot, key = header.partition(".")
    channel = channel.strip().lower()
    if dot and _CHANNEL_NAME.fullmatch(channel):
        check_channel_name(channel, known_channels)
        key = key.strip()
        if key.lower() in CHANNEL_KEYS:
            return channel_column(channel, key.lower())
        if key.lower().startswith(ATTRIBUTE_PREFIX) and key[len(ATTRIBUTE_PREFIX) :].strip():
            return channel_column(channel, ATTRIBUTE_PREFIX + key[len(ATTRIBUTE_PREFIX) :].strip())
        choices = [f"{channel}.{name}" for name in CHANNEL_KEYS] + list(COLUMNS_BY_NAME)
        near = closest(header, choices)
        raise HeaderProblem(unknown_message(_("unknown column"), header, near), near)
    meant = closest_column(header)
    raise HeaderProblem(
        unknown_message(_("unknown column"), header, meant[1] if meant else None)
        + _(" (to keep your own notes in a column, start its name with #)"),
        meant[0] if meant else None,
    )


def check_channel_name(channel: str, known_channels: Sequence[str]) -> None:
    """Any channel name is allowed (adapters come as plug-ins), but not a near-miss of one."""
    if not known_channels or channel in known_channels:
        return
    meant = closest(channel, known_channels, cutoff=0.75)
    if meant:
        raise HeaderProblem(unknown_message(_("unknown channel"), channel, meant))


def closest(name: str, choices: Iterable[str], cutoff: float = 0.5) -> str | None:
    """The choice ``name`` was most likely meant to be, if any is close enough."""
    matches = difflib.get_close_matches(name.lower(), list(choices), n=1, cutoff=cutoff)
    return matches[0] if matches else None


def closest_column(header: str) -> tuple[str, str] | None:
    """The fixed column a header probably meant: its name, and the spelling to suggest.

    The spelling is the column's name, or the Vietnamese alias the header is closest to.
    """
    name = closest(header, COLUMNS_BY_NAME)
    key = closest(header_key(header), _BY_KEY, cutoff=0.75)
    if key is None or (name is not None and name == _BY_KEY[key][0].name):
        return (name, name) if name else None
    column, spelling = _BY_KEY[key]
    if name is not None:
        by_alias = difflib.SequenceMatcher(None, header_key(header), key).ratio()
        by_name = difflib.SequenceMatcher(None, header.lower(), name).ratio()
        if by_name >= by_alias:
            return name, name
    return column.name, spelling


def unknown_message(what: str, name: str, meant: str | None) -> str:
    """``unknown column "prise_vnd"; did you mean price_vnd?``"""
    message = _('{what} "{name}"').format(what=what, name=name)
    if meant:
        message += _("; did you mean {meant}?").format(meant=meant)
    return message


def product_column(loc: Loc) -> str:
    """The column a place in the product model comes from."""
    if len(loc) >= 2 and loc[0] == "attributes":
        return ATTRIBUTE_PREFIX + str(loc[1])
    if len(loc) >= 2 and loc[0] == "channels":
        return _channel_column(str(loc[1]), loc[2:])
    matches = [
        column
        for column in FIXED_COLUMNS
        if not column.variant and loc[: len(column.path)] == column.path
    ]
    if matches:
        return max(matches, key=lambda column: len(column.path)).name
    return _FALLBACK_COLUMNS.get(loc[:1], "")


def _channel_column(channel: str, rest: Loc) -> str:
    if rest[:1] == ("attributes",) and len(rest) >= 2:
        return f"{channel}.{ATTRIBUTE_PREFIX}{rest[1]}"
    for key, (_kind, path) in CHANNEL_KEYS.items():
        if rest[: len(path)] == path:
            return f"{channel}.{key}"
    return f"{channel}.markup_percent" if rest[:1] == ("price_rule",) else f"{channel}.enabled"


def variant_column(rest: Loc, option_names: list[str]) -> str:
    if rest[:1] == ("options",):
        if len(rest) >= 2 and rest[1] in option_names:
            return f"option{option_names.index(str(rest[1])) + 1}_value"
        return "option1_name"
    for column in FIXED_COLUMNS:
        if column.variant and rest[:1] == column.path:
            return column.name
    return "variant_sku"


# Writing


def table_columns(catalog: Catalog) -> list[Column]:
    """Every fixed column, then the attributes and channel overrides the catalog uses."""
    attributes: dict[str, None] = {}
    channels: dict[str, dict[str, None]] = {}
    for product in catalog.products:
        attributes.update(dict.fromkeys(product.attributes))
        for name, override in product.channels.items():
            keys = channels.setdefault(name, {"enabled": None})
            keys.update(dict.fromkeys(_used_channel_keys(override)))
    columns = list(FIXED_COLUMNS)
    columns += [attribute_column(name) for name in attributes]
    for name, keys in channels.items():
        ordered = [key for key in CHANNEL_KEYS if key in keys]
        ordered += [key for key in keys if key not in CHANNEL_KEYS]
        columns += [channel_column(name, key) for key in ordered]
    return columns


def _used_channel_keys(override: ChannelOverride) -> list[str]:
    keys = [key for key in ("title", "category_id") if getattr(override, key) is not None]
    if override.price_rule.markup_percent is not None:
        keys.append("markup_percent")
    if override.price_rule.fixed_vnd is not None:
        keys.append("fixed_price_vnd")
    return keys + [ATTRIBUTE_PREFIX + name for name in override.attributes]


def table_rows(catalog: Catalog, columns: list[Column]) -> Iterable[list[Any]]:
    """One list of values per row: product columns on each product's first row only."""
    for product in catalog.products:
        variants: Sequence[Variant | None] = product.variants or (None,)
        for position, variant in enumerate(variants):
            yield [_cell(product, variant, column, first=position == 0) for column in columns]


def _cell(product: Product, variant: Variant | None, column: Column, first: bool) -> Any:
    if column.name == "sku":
        return product.sku
    if column.variant:
        return _variant_cell(variant, column) if variant is not None else None
    return _value_at(product, column.path) if first else None


def _variant_cell(variant: Variant, column: Column) -> Any:
    head = str(column.path[0])
    if head.startswith("option"):
        slot = int(head.removeprefix("option")) - 1
        items = list(variant.options.items())
        if slot >= len(items):
            return None
        return items[slot][0 if column.path[1] == "name" else 1]
    return _value_at(variant, column.path)


def _value_at(obj: Any, path: Loc) -> Any:
    for part in path:
        obj = obj.get(part) if isinstance(obj, dict) else getattr(obj, str(part), None)
        if obj is None:
            return None
    if obj == "" or obj == ():
        return None
    return obj
