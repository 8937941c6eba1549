"""The limits a listing is checked against, as Alibaba.com documents them.

Field names, ranges and enums come from TOP's ``alibaba.icbu.product.add`` metadata
(docs/marketplaces/alibaba.md §4.4; TOP-GO ``model/icbu``: ``AlibabaIcbuProductAddAPIRequest``,
``SourcingTrade``, ``WholesaleTrade``, ``BulkDiscountPrice``, ``ProductSku``, ``SkuDetail``,
``MainImage``). Nested objects arrive as JSON text in one parameter each: ``keywords``,
``main_image``, ``attributes``, ``product_sku``, ``sourcing_trade``, ``wholesale_trade``,
``bulk_discount_prices`` and ``custom_info`` (TOP serialises every non-scalar parameter so).
Every problem of a request is reported at once: one ``InvalidParameter`` naming the first,
all of them in ``detail[{field, message}]``; nothing is stored.

- ``subject`` at most 128 characters; ``keywords`` at most 3, none holding ``,`` or ``;``;
  English only: a letter outside ASCII (Vietnamese diacritics, Chinese) in the subject or
  a keyword is refused; ``language`` must be English (``ENGLISH``, any case).
- ``category_id`` a leaf of the tree (:mod:`catalog`); its required attributes present, a
  listed value for a select attribute; SKU attributes only in ``product_sku``.
- ``main_image.images``: 1 to ``max_images`` (6) addresses this photobank issued.
- ``product_type`` ``wholesale`` needs ``wholesale_trade``: ``price`` USD 0.01–9,999,999.00
  with at most 2 decimals (may be left out when every SKU has its own price),
  ``unit_type``, ``min_order_quantity`` 1–99,999, ``handling_time`` 1–60 days, ``weight`` kg
  0.01–9,999,999.000 (3 decimals), ``package_size`` ``L*W*H`` (or ``LxWxH``) cm, each
  1–9,999,999, ``sale_type`` ``normal``|``batch`` (``batch_number`` 1–99,999 when batch).
- ``product_type`` ``sourcing`` needs ``sourcing_trade``: ``fob_currency`` ``USD`` (the
  sandbox's only currency), ``fob_min_price`` ≤ ``fob_max_price`` (each as a price above),
  ``fob_unit_type``, ``min_order_quantity`` + ``min_order_unit_type`` (MOQ),
  ``supply_quantity`` + ``supply_unit_type`` + ``supply_period_type`` (supply ability;
  day/week/month/quarter/year), ``delivery_time`` (lead time in days) or
  ``deliver_periods[{quantity, process_period}]``, ``payment_methods`` (a non-empty list of
  :data:`PAYMENT_METHODS`). Unit types are not checked against an enum (Alibaba's list is
  not published).
- ``bulk_discount_prices``: at most 4 tiers, ``start_quantity`` 1–99,999 rising strictly,
  ``price`` as a price above and never rising from one tier to the next.
- ``product_sku.special_skus``: at least one SKU, each with its ``sku_code`` (the seller
  SKU, unique in the product), an optional ``price`` (as above) and ``inventory_dto_list
  [{store_code, current_inventory}]`` (the starting stock; ``store_code`` the warehouse
  code when given). A product with several SKUs gives each the same SKU attributes with a
  different combination of values. Every listing carries at least one ``sku_code``: it is
  the only place for a seller SKU (sandbox rule).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from listsync_alibaba.sandbox.base import Problems, SandboxConfig, decimal_of, invalid, missing
from listsync_alibaba.sandbox.catalog import BY_ID, WAREHOUSE_CODE, Attr, Category, find_attr

MAX_SUBJECT = 128
MAX_KEYWORDS = 3
MAX_TIERS = 4
MAX_PRICE = Decimal("9999999.00")
MIN_PRICE = Decimal("0.01")
MAX_QUANTITY = 99_999
PAYMENT_METHODS = (
    "T/T",
    "L/C",
    "D/A",
    "D/P",
    "Western Union",
    "MoneyGram",
    "PayPal",
    "Credit Card",
)
PERIODS = ("day", "week", "month", "quarter", "year")
JSON_FIELDS = (
    "keywords",
    "main_image",
    "attributes",
    "product_sku",
    "sourcing_trade",
    "wholesale_trade",
    "bulk_discount_prices",
    "custom_info",
)
TEXT_FIELDS = (
    "category_id",
    "subject",
    "description",
    "language",
    "product_type",
    "group_id",
    "market",
    "is_smart_edit",
    "extra_context",
)
CONTENT_FIELDS = ("category_id", "subject", "description", "keywords", "main_image", "attributes")


@dataclass
class SkuSpec:
    sku_code: str
    price: Decimal | None
    stock: int | None
    attributes: list[dict[str, Any]]
    sku_id: int | None = None

    def key(self) -> tuple[tuple[int, str], ...]:
        return tuple(
            sorted((a["attribute_id"], a["value_name"].casefold()) for a in self.attributes)
        )


@dataclass
class ProductSpec:
    category: Category
    subject: str
    description: str
    keywords: list[str]
    product_type: str
    images: list[str]
    main_image: dict[str, Any]
    attributes: list[dict[str, Any]]
    skus: list[SkuSpec]
    wholesale: dict[str, Any] | None
    sourcing: dict[str, Any] | None
    ladder: list[tuple[int, Decimal]]
    group_id: int | None
    raw: dict[str, Any] = field(default_factory=dict)


def english_only(text: str) -> str:
    """The first letter outside ASCII in ``text`` ('' when there is none)."""
    return next((ch for ch in text if ch.isalpha() and not ch.isascii()), "")


def price_of(raw: Any, name: str, problems: Problems, *, places: int = 2) -> Decimal | None:
    value = decimal_of(raw)
    if value is None:
        problems.add(name, f'{name} must be a number in USD (text such as "12.50")')
        return None
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        problems.add(name, f"{name} takes at most {places} decimals")
    if not MIN_PRICE <= value <= MAX_PRICE:
        problems.add(name, f"{name} must be between 0.01 and 9,999,999.00")
    return value


def count_of(raw: Any, name: str, problems: Problems, low: int, high: int) -> int | None:
    value = decimal_of(raw)
    if value is None or value != value.to_integral_value():
        problems.add(name, f"{name} must be a whole number")
        return None
    number = int(value)
    if not low <= number <= high:
        problems.add(name, f"{name} must be between {low:,} and {high:,}")
    return number


def text_of(raw: Any) -> str:
    return raw.strip() if isinstance(raw, str) else ""


def overlay(stored: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The stored request with ``changes`` on top (``alibaba.icbu.product.update.field``).

    ``product_sku`` changes the SKUs it names (by ``sku_id`` or ``sku_code``): their
    ``price``, and their stock when ``inventory_dto_list`` is given; the others stay."""
    merged = copy.deepcopy(stored)
    for name, value in changes.items():
        if (
            name == "product_sku"
            and isinstance(value, dict)
            and isinstance(merged.get("product_sku"), dict)
        ):
            merged["product_sku"] = _merge_skus(merged["product_sku"], value)
        else:
            merged[name] = copy.deepcopy(value)
    return merged


def _merge_skus(stored: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(stored)
    rows = result.get("special_skus")
    if not isinstance(rows, list):
        return copy.deepcopy(change)
    for entry in change.get("special_skus") or []:
        if not isinstance(entry, dict):
            raise invalid("product_sku", "special_skus entries must be objects")
        target = next(
            (
                row
                for row in rows
                if isinstance(row, dict)
                and (
                    (
                        entry.get("sku_id") not in (None, "")
                        and str(entry.get("sku_id")) == str(row.get("sku_id"))
                    )
                    or (entry.get("sku_code") and entry.get("sku_code") == row.get("sku_code"))
                )
            ),
            None,
        )
        if target is None:
            raise invalid(
                "product_sku",
                f"no SKU {entry.get('sku_id') or entry.get('sku_code')!s} in this product; "
                "update.field changes existing SKUs only",
            )
        for key in ("price", "inventory_dto_list", "attributes"):
            if key in entry:
                target[key] = copy.deepcopy(entry[key])
    return result


def check_product(raw: dict[str, Any], photobank: set[str], config: SandboxConfig) -> ProductSpec:
    """A whole listing request, decoded (``JSON_FIELDS`` parsed), checked at once."""
    for name in ("category_id", "subject", "language", "product_type", "main_image", "product_sku"):
        if raw.get(name) in (None, ""):
            raise missing(name)
    problems = Problems()
    category = _category(raw.get("category_id"), problems)
    subject = text_of(raw.get("subject"))
    _subject(subject, problems)
    keywords = _keywords(raw.get("keywords"), problems)
    language = text_of(raw.get("language"))
    if language.upper() != "ENGLISH":
        problems.add("language", f"only English listings are accepted, not {language!r}")
    product_type = text_of(raw.get("product_type"))
    if product_type not in ("sourcing", "wholesale"):
        problems.add("product_type", "product_type is sourcing or wholesale")
    main_image, images = _images(raw.get("main_image"), photobank, config, problems)
    attributes = _attributes(raw.get("attributes"), category, problems)
    skus = _skus(raw.get("product_sku"), category, problems)
    wholesale = sourcing = None
    if product_type == "wholesale":
        every_sku_priced = bool(skus) and all(s.price is not None for s in skus)
        wholesale = _wholesale(raw.get("wholesale_trade"), every_sku_priced, problems)
    elif product_type == "sourcing":
        sourcing = _sourcing(raw.get("sourcing_trade"), problems)
    ladder = _ladder(raw.get("bulk_discount_prices"), problems)
    group_id = None
    if raw.get("group_id") not in (None, ""):
        group_id = count_of(raw.get("group_id"), "group_id", problems, 0, 2**62)
    problems.raise_any()
    assert category is not None
    return ProductSpec(
        category=category,
        subject=subject,
        description=text_of(raw.get("description")),
        keywords=keywords,
        product_type=product_type,
        images=images,
        main_image=main_image,
        attributes=attributes,
        skus=skus,
        wholesale=wholesale,
        sourcing=sourcing,
        ladder=ladder,
        group_id=group_id,
        raw=copy.deepcopy(raw),
    )


def _category(raw: Any, problems: Problems) -> Category | None:
    value = decimal_of(raw)
    category = BY_ID.get(int(value)) if value is not None and value == int(value) else None
    if category is None:
        problems.add("category_id", f"no category {raw!s}")
        return None
    if not category.leaf:
        problems.add("category_id", f"{category.name} ({category.id}) is not a leaf category")
        return None
    return category


def _subject(subject: str, problems: Problems) -> None:
    if not subject:
        problems.add("subject", "the subject is empty")
    if len(subject) > MAX_SUBJECT:
        problems.add("subject", f"at most {MAX_SUBJECT} characters, not {len(subject)}")
    foreign = english_only(subject)
    if foreign:
        problems.add("subject", f"only English is accepted; the subject contains “{foreign}”")


def _keywords(raw: Any, problems: Problems) -> list[str]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or not all(isinstance(k, str) for k in raw):
        problems.add("keywords", "keywords is a JSON list of text")
        return []
    keywords = [k.strip() for k in raw]
    if len(keywords) > MAX_KEYWORDS:
        problems.add("keywords", f"at most {MAX_KEYWORDS} keywords, not {len(keywords)}")
    for keyword in keywords:
        if not keyword:
            problems.add("keywords", "a keyword is empty")
        if "," in keyword or ";" in keyword:
            problems.add("keywords", f"“{keyword}” holds , or ; (one keyword per entry)")
        foreign = english_only(keyword)
        if foreign:
            problems.add("keywords", f"only English is accepted; “{keyword}” contains “{foreign}”")
    return keywords


def _images(
    raw: Any, photobank: set[str], config: SandboxConfig, problems: Problems
) -> tuple[dict[str, Any], list[str]]:
    if not isinstance(raw, dict) or not isinstance(raw.get("images"), list):
        problems.add("main_image", "main_image is an object with a list of images")
        return {}, []
    images = [str(url) for url in raw["images"]]
    if not 1 <= len(images) <= config.max_images:
        problems.add("main_image", f"1 to {config.max_images} images, not {len(images)}")
    for url in images:
        if url not in photobank:
            problems.add(
                "main_image", f"{url} is not in the photobank (upload it with photobank.upload)"
            )
    kept = {
        "images": images,
        "watermark": bool(raw.get("watermark", False)),
        "watermark_frame": str(raw.get("watermark_frame") or "N"),
        "watermark_position": str(raw.get("watermark_position") or "center"),
    }
    return kept, images


def _attributes(raw: Any, category: Category | None, problems: Problems) -> list[dict[str, Any]]:
    if raw in (None, ""):
        raw = []
    if not isinstance(raw, list) or not all(isinstance(a, dict) for a in raw):
        problems.add("attributes", "attributes is a JSON list of objects")
        return []
    if category is None:
        return []
    kept: list[dict[str, Any]] = []
    for entry in raw:
        attr = find_attr(category, entry.get("attribute_id"), entry.get("attribute_name"))
        if attr is None:
            name = entry.get("attribute_id") or entry.get("attribute_name")
            problems.add("attributes", f"{category.name} has no attribute {name!s}")
            continue
        if attr.sku:
            problems.add("attributes", f"{attr.name} is a SKU attribute: give it in product_sku")
            continue
        value = _value(attr, entry, "attributes", problems)
        if value is not None:
            kept.append(value)
    given = {a["attribute_id"] for a in kept}
    for attr in category.attributes:
        if attr.required and attr.id not in given:
            problems.add("attributes", f"{attr.name} is required in {category.name}")
    return kept


def _value(
    attr: Attr, entry: dict[str, Any], where: str, problems: Problems
) -> dict[str, Any] | None:
    value_id = entry.get("value_id")
    name = text_of(entry.get("value_name")) or text_of(entry.get("sku_custom_value_name"))
    if attr.values and not attr.sku:
        chosen = next(
            (
                v
                for v in attr.values
                if (value_id not in (None, "") and str(value_id) == str(v.id))
                or (value_id in (None, "") and name.casefold() == v.name.casefold())
            ),
            None,
        )
        if chosen is None:
            options = ", ".join(v.name for v in attr.values)
            problems.add(where, f"{attr.name} takes one of: {options}")
            return None
        return {
            "attribute_id": attr.id,
            "attribute_name": attr.name,
            "value_id": chosen.id,
            "value_name": chosen.name,
        }
    if not name:
        problems.add(where, f"{attr.name} needs a value_name")
        return None
    return {"attribute_id": attr.id, "attribute_name": attr.name, "value_id": 0, "value_name": name}


def _skus(raw: Any, category: Category | None, problems: Problems) -> list[SkuSpec]:
    rows = raw.get("special_skus") if isinstance(raw, dict) else None
    if not isinstance(rows, list) or not rows:
        problems.add("product_sku", "product_sku.special_skus lists at least one SKU")
        return []
    skus: list[SkuSpec] = []
    for index, row in enumerate(rows):
        where = f"product_sku.special_skus[{index}]"
        if not isinstance(row, dict):
            problems.add(where, "each SKU is an object")
            continue
        code = text_of(row.get("sku_code"))
        if not code:
            problems.add(where, "sku_code (the seller SKU) is required")
        price = None
        if row.get("price") not in (None, ""):
            price = price_of(row.get("price"), where + ".price", problems)
        stock = _stock(row.get("inventory_dto_list"), where, problems)
        attributes: list[dict[str, Any]] = []
        for entry in row.get("attributes") or []:
            if category is None or not isinstance(entry, dict):
                continue
            attr = find_attr(category, entry.get("attribute_id"), entry.get("attribute_name"))
            if attr is None or not attr.sku:
                name = entry.get("attribute_id") or entry.get("attribute_name")
                problems.add(where, f"{name!s} is not a SKU attribute of {category.name}")
                continue
            value = _value(attr, entry, where, problems)
            if value is not None:
                attributes.append(value)
        given = str(row.get("sku_id") or "")
        skus.append(
            SkuSpec(
                sku_code=code,
                price=price,
                stock=stock,
                attributes=attributes,
                sku_id=int(given) if given.lstrip("-").isdigit() else None,
            )
        )
    codes = [s.sku_code.casefold() for s in skus if s.sku_code]
    if len(codes) != len(set(codes)):
        problems.add("product_sku", "sku_code repeats within the product")
    if len(skus) > 1:
        names = {tuple(sorted(a["attribute_id"] for a in s.attributes)) for s in skus}
        if any(not s.attributes for s in skus) or len(names) != 1:
            problems.add("product_sku", "several SKUs each need the same SKU attributes")
        elif len({s.key() for s in skus}) != len(skus):
            problems.add("product_sku", "two SKUs have the same attribute values")
    return skus


def _stock(raw: Any, where: str, problems: Problems) -> int | None:
    if raw in (None, ""):
        return None
    if not isinstance(raw, list):
        problems.add(where, "inventory_dto_list is a list")
        return None
    total = 0
    for entry in raw:
        if not isinstance(entry, dict):
            problems.add(where, "inventory_dto_list entries are objects")
            continue
        code = entry.get("store_code") or entry.get("inventory_code")
        if code not in (None, "", WAREHOUSE_CODE):
            problems.add(where, f"no warehouse {code!s}; the seller's is {WAREHOUSE_CODE}")
        count = count_of(
            entry.get("current_inventory"), where + ".current_inventory", problems, 0, 99_999_999
        )
        total += count or 0
    return total


def _wholesale(raw: Any, every_sku_priced: bool, problems: Problems) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        problems.add("wholesale_trade", "a wholesale product needs wholesale_trade (an object)")
        return None
    where = "wholesale_trade"
    price = None
    if raw.get("price") not in (None, ""):
        price = price_of(raw.get("price"), where + ".price", problems)
    elif not every_sku_priced:
        problems.add(where + ".price", "price (USD) is required unless every SKU has one")
    unit = text_of(raw.get("unit_type"))
    if not unit:
        problems.add(where + ".unit_type", "unit_type is required")
    moq = count_of(
        raw.get("min_order_quantity"), where + ".min_order_quantity", problems, 1, MAX_QUANTITY
    )
    handling = count_of(raw.get("handling_time"), where + ".handling_time", problems, 1, 60)
    weight = decimal_of(raw.get("weight"))
    if weight is None:
        problems.add(where + ".weight", "weight (kg) is required")
    else:
        exponent = weight.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -3:
            problems.add(where + ".weight", "weight takes at most 3 decimals")
        if not Decimal("0.01") <= weight <= Decimal("9999999.000"):
            problems.add(where + ".weight", "weight must be between 0.01 and 9,999,999.000 kg")
    size = text_of(raw.get("package_size"))
    parts = size.lower().replace("x", "*").split("*") if size else []
    if len(parts) != 3 or not all(p.strip().isdigit() and 1 <= int(p) <= 9_999_999 for p in parts):
        problems.add(where + ".package_size", "package_size is L*W*H in cm, each 1–9,999,999")
    sale_type = text_of(raw.get("sale_type")) or "normal"
    batch = None
    if sale_type not in ("normal", "batch"):
        problems.add(where + ".sale_type", "sale_type is normal or batch")
    elif sale_type == "batch":
        batch = count_of(
            raw.get("batch_number"), where + ".batch_number", problems, 1, MAX_QUANTITY
        )
    kept: dict[str, Any] = {
        "price": price,
        "unit_type": unit,
        "min_order_quantity": moq,
        "handling_time": handling,
        "weight": weight,
        "package_size": size,
        "sale_type": sale_type,
    }
    if batch is not None:
        kept["batch_number"] = batch
    for name in ("volume", "shipping_line_template_id"):
        if raw.get(name) not in (None, ""):
            kept[name] = count_of(raw.get(name), f"{where}.{name}", problems, 1, 2**62)
    return kept


def _sourcing(raw: Any, problems: Problems) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        problems.add("sourcing_trade", "a sourcing product needs sourcing_trade (an object)")
        return None
    where = "sourcing_trade"
    currency = text_of(raw.get("fob_currency"))
    if currency != "USD":
        problems.add(where + ".fob_currency", f"fob_currency is USD, not {currency or 'nothing'}")
    low = price_of(raw.get("fob_min_price"), where + ".fob_min_price", problems)
    high = price_of(raw.get("fob_max_price"), where + ".fob_max_price", problems)
    if low is not None and high is not None and low > high:
        problems.add(where + ".fob_min_price", "fob_min_price is above fob_max_price")
    kept: dict[str, Any] = {"fob_currency": currency, "fob_min_price": low, "fob_max_price": high}
    for name in ("fob_unit_type", "min_order_unit_type", "supply_unit_type"):
        kept[name] = text_of(raw.get(name))
        if not kept[name]:
            problems.add(f"{where}.{name}", f"{name} is required")
    kept["min_order_quantity"] = count_of(
        raw.get("min_order_quantity"), where + ".min_order_quantity", problems, 1, 99_999_999
    )
    kept["supply_quantity"] = count_of(
        raw.get("supply_quantity"), where + ".supply_quantity", problems, 1, 999_999_999
    )
    period = text_of(raw.get("supply_period_type"))
    if period not in PERIODS:
        problems.add(where + ".supply_period_type", f"supply_period_type is one of {PERIODS}")
    kept["supply_period_type"] = period
    periods = raw.get("deliver_periods")
    if raw.get("delivery_time") not in (None, ""):
        kept["delivery_time"] = count_of(
            raw.get("delivery_time"), where + ".delivery_time", problems, 1, 999
        )
    elif not isinstance(periods, list) or not periods:
        problems.add(where + ".delivery_time", "the lead time: delivery_time or deliver_periods")
    if isinstance(periods, list):
        kept["deliver_periods"] = [
            {
                "quantity": count_of(
                    p.get("quantity"), where + ".deliver_periods", problems, 1, 99_999_999
                ),
                "process_period": count_of(
                    p.get("process_period"), where + ".deliver_periods", problems, 1, 999
                ),
            }
            for p in periods
            if isinstance(p, dict)
        ]
    methods = raw.get("payment_methods")
    if not isinstance(methods, list) or not methods:
        problems.add(where + ".payment_methods", "payment_methods lists at least one method")
        methods = []
    for method in methods:
        if method not in PAYMENT_METHODS:
            problems.add(where + ".payment_methods", f"{method!s} is not one of {PAYMENT_METHODS}")
    kept["payment_methods"] = list(methods)
    for name in ("delivery_port", "packaging_desc"):
        if isinstance(raw.get(name), str):
            kept[name] = raw[name]
    return kept


def _ladder(raw: Any, problems: Problems) -> list[tuple[int, Decimal]]:
    if raw in (None, ""):
        return []
    where = "bulk_discount_prices"
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        problems.add(where, "bulk_discount_prices is a JSON list of {start_quantity, price}")
        return []
    if len(raw) > MAX_TIERS:
        problems.add(where, f"at most {MAX_TIERS} price tiers, not {len(raw)}")
    tiers: list[tuple[int, Decimal]] = []
    for index, tier in enumerate(raw):
        quantity = count_of(
            tier.get("start_quantity"),
            f"{where}[{index}].start_quantity",
            problems,
            1,
            MAX_QUANTITY,
        )
        price = price_of(tier.get("price"), f"{where}[{index}].price", problems)
        if quantity is None or price is None:
            continue
        if tiers and quantity <= tiers[-1][0]:
            problems.add(where, "start_quantity must rise from one tier to the next")
        if tiers and price > tiers[-1][1]:
            problems.add(where, "a larger quantity cannot cost more: prices must not rise")
        tiers.append((quantity, price))
    return tiers


def unit_price(spec: ProductSpec, sku: SkuSpec, quantity: int) -> Decimal:
    """What one unit costs a buyer of ``quantity``: the SKU's price, else the ladder tier the
    quantity reaches (the first tier below it), else the wholesale price, else the FOB
    minimum."""
    if sku.price is not None:
        return sku.price
    if spec.ladder:
        reached = [price for start, price in spec.ladder if start <= quantity]
        return reached[-1] if reached else spec.ladder[0][1]
    if spec.wholesale and spec.wholesale.get("price") is not None:
        return Decimal(spec.wholesale["price"])
    if spec.sourcing and spec.sourcing.get("fob_min_price") is not None:
        return Decimal(spec.sourcing["fob_min_price"])
    return Decimal("0.00")


def listed_price(spec: ProductSpec, sku: SkuSpec) -> Decimal:
    """The price shown for one unit of ``sku`` (the smallest order's)."""
    return unit_price(spec, sku, 1)
