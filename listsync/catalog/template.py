"""An empty catalog workbook to start from: ``listsync catalog template FILE.xlsx``.

The first sheet has one column per fixed column (and ``<channel>.enabled`` for each
installed channel), headed in the interface language: the Vietnamese headers are the first
aliases of :data:`listsync.catalog.columns.VIETNAMESE_ALIASES`, which the reader accepts
like the English names. The second sheet explains each column with the README's words
("The catalog file"). Columns with fixed choices get Excel's data validation.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from listsync.catalog.columns import FIXED_COLUMNS, Column, channel_column, column_header
from listsync.catalog.values import Kind, column_letter
from listsync.errors import InputError
from listsync.i18n import _, current_language

OCOP_STARS = (3, 5)
VALIDATED_ROWS = 10_000
"""Rows (after the header) that data validation covers; a catalog is far shorter."""


def template_columns(channels: Sequence[str]) -> list[Column]:
    """Every fixed column, then ``<channel>.enabled`` for each channel."""
    return [*FIXED_COLUMNS, *(channel_column(channel, "enabled") for channel in channels)]


def write_template(path: Path, channels: Sequence[str]) -> None:
    """Write the empty workbook to ``path``; refuse a name that exists or is not ``.xlsx``."""
    if path.suffix.lower() != ".xlsx":
        raise InputError(
            _("{file}: the template is an Excel workbook; name it .xlsx").format(file=path)
        )
    data = template_bytes(channels)
    try:
        with path.open("xb") as file:  # "x": never overwrite, even a file made a moment ago
            file.write(data)
    except FileExistsError:
        raise InputError(
            _("{file} already exists; choose another name, or move the file away").format(file=path)
        ) from None
    except OSError as error:
        raise InputError(
            _("cannot write {file}: {reason}").format(file=path, reason=error.strerror)
        ) from None


def template_bytes(channels: Sequence[str]) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    columns = template_columns(channels)
    headers = [column_header(column.name) for column in columns]
    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = _("Products")
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, header in enumerate(headers):
        sheet.column_dimensions[column_letter(index)].width = max(12, min(40, len(header) + 4))
    sheet.freeze_panes = "B2"

    yes, no = ("có", "không") if current_language() == "vi" else ("yes", "no")
    for index, column in enumerate(columns):
        cells = f"{column_letter(index)}2:{column_letter(index)}{VALIDATED_ROWS + 1}"
        if column.kind is Kind.BOOL:
            validation = DataValidation(type="list", formula1=f'"{yes},{no}"', allow_blank=True)
            validation.error = _("write {yes} or {no}").format(yes=yes, no=no)
        elif column.name == "ocop_stars":
            low, high = OCOP_STARS
            validation = DataValidation(
                type="whole",
                operator="between",
                formula1=str(low),
                formula2=str(high),
                allow_blank=True,
            )
            validation.error = _("OCOP stars are a whole number from {low} to {high}").format(
                low=low, high=high
            )
        else:
            continue
        validation.showErrorMessage = True
        validation.add(cells)
        sheet.add_data_validation(validation)

    guide = workbook.create_sheet(_("Guide"))
    guide.append([_("Column"), _("Meaning")])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    descriptions = column_descriptions()
    for column, header in zip(columns, headers, strict=True):
        key = "<channel>.enabled" if column.kind is Kind.BOOL else column.name
        guide.append([header, descriptions[key]])
    guide.column_dimensions["A"].width = 30
    guide.column_dimensions["B"].width = 100
    for row in guide.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def column_descriptions() -> dict[str, str]:
    """What each column holds, as the README's column table says it (without its markup)."""
    return {
        "sku": _(
            "Required. The product's seller SKU, on every row. Unique in the whole file, "
            "ignoring upper/lower case."
        ),
        "variant_sku": _(
            "The variant's seller SKU; empty for a product without variants. "
            "Unique in the whole file."
        ),
        "option1_name": _(
            "Name of the first option that tells variants apart; "
            "the same on every variant of a product."
        ),
        "option1_value": _("This variant's value of the first option."),
        "option2_name": _("Name of a second option, if there is one."),
        "option2_value": _(
            "This variant's value of the second option. "
            "No two variants of a product may have the same values."
        ),
        "name_vi": _(
            "Product name in Vietnamese, at most 255 characters. name_vi or name_en is required."
        ),
        "name_en": _("Product name in English (used by Alibaba.com), at most 255 characters."),
        "description_vi": _("Description in Vietnamese; line breaks are kept."),
        "description_en": _("Description in English."),
        "brand": _("Brand or cooperative name."),
        "category": _(
            "Required. Your category key; each marketplace's category is looked up "
            "from it in that marketplace's mapping file."
        ),
        "images": _(
            "Product images, separated by |: paths relative to the catalog file, or web addresses."
        ),
        "variant_images": _("Images of this variant only, separated by |."),
        "weight_g": _(
            "Required. Shipping weight in grams, packaging included; a whole number above 0."
        ),
        "length_cm": _("Package length in whole centimetres. Give all three dimensions or none."),
        "width_cm": _("Package width in whole centimetres."),
        "height_cm": _("Package height in whole centimetres."),
        "price_vnd": _(
            "Required. Retail price in whole dong, above 0; "
            "also the price of every variant without its own."
        ),
        "variant_price_vnd": _("This variant's price in whole dong, if it differs from price_vnd."),
        "safety_stock": _(
            "Units kept back from the marketplaces, so a last-minute sale elsewhere can't oversell."
        ),
        "origin_commune": _("Commune or ward where the product is made."),
        "origin_province": _("Province or city."),
        "ocop_stars": _(
            "OCOP rating, 3 to 5 stars; required when any other ocop_ column is filled."
        ),
        "ocop_certificate": _("Number of the OCOP certificate (decision)."),
        "ocop_issued": _("Date the certificate was issued."),
        "ocop_expires": _("Date the certificate expires; must come after ocop_issued."),
        "b2b_moq": _(
            "Wholesale (Alibaba.com): minimum order quantity. "
            "Required when any b2b_ column is filled."
        ),
        "b2b_unit": _("Wholesale unit; piece when empty."),
        "b2b_tiers": _(
            "Wholesale prices in US dollars per unit, as from-quantity:price, separated by |, "
            "smallest quantity first; the first must start at or below b2b_moq. "
            "Required with the other b2b_ columns."
        ),
        "b2b_lead_time_days": _("Days from order to dispatch."),
        "b2b_supply_per_month": _("Units you can make per month."),
        "<channel>.enabled": _(
            "no keeps the product off that marketplace (e.g. fresh food on an export channel)."
        ),
    }
