"""Count sheets: a SKU column and a quantity column, in CSV or XLSX, read against the catalog.

A clerk counts the storeroom (or unpacks a delivery) with a sheet in hand and types the
figures in; ``listsync stock import`` reads that sheet. Only two columns matter: the SKU
(headed as in the catalog: ``sku``, ``Mã SKU``, ``Mã SP`` …; a catalog-shaped sheet's
``variant_sku`` is used when filled) and the quantity (``counted``, ``quantity``, ``Số
lượng`` …, :data:`QUANTITY_HEADERS`). Every other column is the clerk's own and is not read,
so the sheet :func:`write_count_sheet` makes (SKU, name, variant, on hand, counted) comes
back as it is. Headers are compared like the catalog's (:func:`header_key`: no case,
accents or punctuation).

Reading follows the catalog's rules: every mistake is reported at once, placed on its row,
column letter and header (:class:`~listsync.catalog.values.Reading`), and quantities are read
like the catalog's whole numbers (:func:`read_quantity`), so ``1.000`` is refused rather than
guessed as one or one thousand. A row with a SKU and no quantity was not counted: it is
left out (and named), never read as 0, since a forgotten cell must not empty a shelf.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from listsync.catalog.columns import VIETNAMESE_ALIASES, header_column, header_key, unknown_message
from listsync.catalog.files import (
    CSV_SUFFIX,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    XLSX_SUFFIX,
    sniff_delimiter,
)
from listsync.catalog.model import normalize_text
from listsync.catalog.sku_index import SUGGEST_LIMIT, SkuIndex
from listsync.catalog.values import (
    Kind,
    Reading,
    ValueProblem,
    column_letter,
    is_blank,
    parse,
    show,
)
from listsync.errors import InputError
from listsync.i18n import _, current_language

SKU = "sku"
VARIANT_SKU = "variant_sku"
QUANTITY = "counted"
SHEET_COLUMNS = ("sku", "name", "variant", "on_hand", "counted")
"""The columns :func:`write_count_sheet` writes, by their English header."""
VIETNAMESE_HEADERS = {
    "sku": VIETNAMESE_ALIASES["sku"][0],
    "name": "Tên sản phẩm",
    "variant": "Phân loại",
    "on_hand": "Tồn theo sổ kho",
    "counted": "Số lượng đếm được",
}
QUANTITY_HEADERS = (
    "counted",
    "quantity",
    "qty",
    "count",
    "added",
    "Số lượng đếm được",
    "Số lượng",
    "SL",
    "Số đếm",
    "Đã đếm",
    "Số lượng kiểm kê",
    "Số lượng nhập",
    "Nhập thêm",
)
"""Headers of the quantity column. Not "Tồn thực tế": that is what on hand is called."""
_QUANTITY_KEYS = {header_key(header): header for header in QUANTITY_HEADERS}
_SKU_KEYS = {header_key(header): header for header in (SKU, *VIETNAMESE_ALIASES[SKU])}
_NEAR_HEADER = 0.75
MAX_CELLS = MAX_COLUMNS
"""Cells read per row, as in a catalog: a catalog-shaped sheet may be counted in."""


def sheet_header(name: str) -> str:
    """A count sheet column's header in the interface language (the reader takes both)."""
    return VIETNAMESE_HEADERS[name] if current_language() == "vi" else name


def read_quantity(value: object) -> int:
    """A quantity, read as the catalog reads whole numbers (:mod:`listsync.catalog.values`).

    ``1.000`` and ``1,000`` are refused with a sentence that says to write ``1000``: to a
    Vietnamese clerk the dot groups thousands, to a spreadsheet it may be a decimal mark.
    """
    number: int = parse(Kind.INT, value)
    return number


@dataclass(frozen=True)
class CountLine:
    """One row with a SKU: the SKU as the catalog spells it, and the quantity if filled in."""

    row: int
    sku: str
    quantity: int | None


@dataclass
class CountSheet:
    """What was read from a count sheet: its lines, and every problem found in it."""

    reading: Reading
    lines: list[CountLine] = field(default_factory=list)

    @property
    def source(self) -> str:
        return self.reading.source

    @property
    def counted(self) -> list[CountLine]:
        return [line for line in self.lines if line.quantity is not None]

    @property
    def skipped(self) -> list[str]:
        """The SKUs whose quantity was left blank."""
        return [line.sku for line in self.lines if line.quantity is None]

    def report(self, row: int | None, message: str) -> None:
        """A problem with the quantity on ``row`` (found later, e.g. against on hand)."""
        self.reading.report(row, QUANTITY, message)


def read_count_sheet(path: Path, skus: SkuIndex, *, add: bool = False) -> CountSheet:
    """Read a count sheet; its ``reading.problems`` list everything wrong (nothing raised).

    With ``add`` the quantities are units that came in, and may be negative (units that
    went out); a count (``add`` false) cannot be.
    """
    reading = Reading(source=str(path), place="row")
    reading.headers.update({name: sheet_header(name) for name in (SKU, QUANTITY)})
    sheet = CountSheet(reading)
    with _rows(path, reading) as rows:
        if rows is not None:
            _SheetReader(sheet, skus, add).read(rows)
    return sheet


class _SheetReader:
    def __init__(self, sheet: CountSheet, skus: SkuIndex, add: bool):
        self.sheet = sheet
        self.reading = sheet.reading
        self.skus = skus
        self.add = add
        self.seen: dict[str, int] = {}
        self.unknown = 0

    def read(self, rows: Iterator[tuple[int, Sequence[object]]]) -> None:
        header: Sequence[object] | None = None
        for row, cells in rows:
            if header is None:
                if all(is_blank(cell) for cell in cells):
                    continue
                header = cells
                if not self._read_header(row, cells):
                    return
                continue
            if not all(is_blank(cell) for cell in cells):
                self._read_line(row, cells)
        if header is None:
            self.reading.report(None, "", _("the file is empty"))
        elif not self.reading.problems and not self.sheet.counted:
            self.reading.report(
                None,
                QUANTITY,
                _(
                    "no quantity is filled in: write the figures in the column {header}, "
                    "one row per SKU"
                ).format(header=self.reading.headers[QUANTITY]),
            )

    def _read_header(self, row: int, cells: Sequence[object]) -> bool:
        columns = self.reading.columns
        unnamed: list[tuple[int, str]] = []
        for index, cell in enumerate(cells):
            if is_blank(cell):
                continue
            header = normalize_text(cell) if isinstance(cell, str) else show(cell)
            name = header_column(header)
            if name not in (SKU, VARIANT_SKU):
                name = QUANTITY if header_key(header) in _QUANTITY_KEYS else None
            if name is None:
                unnamed.append((index, header))
                continue
            if name in columns:
                self.reading.report(
                    row,
                    name,
                    _("this column appears twice (columns {first} and {second})").format(
                        first=column_letter(columns[name]), second=column_letter(index)
                    ),
                    column=index,
                    header=header,
                )
                continue
            columns[name] = index
            self.reading.headers[name] = header
        found = True
        for name, keys, message in (
            (SKU, _SKU_KEYS, _("the SKU column is missing: head it {names}")),
            (QUANTITY, _QUANTITY_KEYS, _("the quantity column is missing: head it {names}")),
        ):
            if name in columns:
                continue
            found = False
            names = _("{first} or {second}").format(
                first=sheet_header(name), second=_other_header(name)
            )
            self.reading.report(row, name, message.format(names=names))
            self._near_miss(row, unnamed, keys)
        return found

    def _near_miss(self, row: int, unnamed: list[tuple[int, str]], keys: dict[str, str]) -> None:
        """A header that is probably the missing column, misspelt: say what it should be."""
        for index, header in unnamed:
            near = difflib.get_close_matches(header_key(header), keys, n=1, cutoff=_NEAR_HEADER)
            if near:
                message = unknown_message(_("unknown column"), header, keys[near[0]])
                self.reading.report(row, "", message, column=index, header=header)
                return

    def _read_line(self, row: int, cells: Sequence[object]) -> None:
        sku, field_name = self._sku(cells)
        quantity = self._cell(cells, QUANTITY)
        if sku is None:
            if not is_blank(quantity):
                self.reading.report(row, SKU, _("give the SKU of this row: it has a quantity"))
            return
        canonical = self.skus.find(sku)
        if canonical is None:
            suggest = self.unknown < SUGGEST_LIMIT
            self.unknown += 1
            self.reading.report(row, field_name, self.skus.problem(sku, suggest=suggest))
        elif canonical in self.seen:
            self.reading.report(
                row,
                field_name,
                _(
                    "{sku} is also on {where}: give each SKU one row (add the two quantities up)"
                ).format(sku=canonical, where=self.reading.where(self.seen[canonical])),
            )
            canonical = None
        else:
            self.seen[canonical] = row
        readable, number = self._quantity(row, quantity)
        if canonical is not None and readable:
            self.sheet.lines.append(CountLine(row, canonical, number))

    def _sku(self, cells: Sequence[object]) -> tuple[str | None, str]:
        """The unit's SKU as written (the variant's in a catalog-shaped sheet), and its column."""
        for name in (VARIANT_SKU, SKU):
            cell = self._cell(cells, name)
            if not is_blank(cell):
                return str(parse(Kind.TEXT, cell)), name
        return None, SKU

    def _quantity(self, row: int, cell: object) -> tuple[bool, int | None]:
        """Whether the cell is fine, and its quantity (``None`` when blank)."""
        if is_blank(cell):
            return True, None
        try:
            number = read_quantity(cell)
        except ValueProblem as problem:
            self.reading.report(row, QUANTITY, str(problem))
            return False, None
        if number < 0 and not self.add:
            self.reading.report(
                row,
                QUANTITY,
                _(
                    "a count cannot be negative (got {value}); to take units away, import "
                    "with --add"
                ).format(value=number),
            )
            return False, None
        return True, number

    def _cell(self, cells: Sequence[object], name: str) -> object:
        index = self.reading.columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None


def _other_header(name: str) -> str:
    return name if current_language() == "vi" else VIETNAMESE_HEADERS[name]


# Reading the file


@contextmanager
def _rows(path: Path, reading: Reading) -> Iterator[Iterator[tuple[int, Sequence[object]]] | None]:
    """The first sheet's rows (or the CSV's), numbered from 1; ``None`` after a problem."""
    suffix = path.suffix.lower()
    if suffix not in (CSV_SUFFIX, XLSX_SUFFIX):
        if suffix == ".xls":
            message = _("this is an old Excel file (.xls): open it in Excel and save it as .xlsx")
        else:
            message = _("cannot read {suffix} files: save the count sheet as .xlsx or .csv").format(
                suffix=path.suffix or _("extension-less")
            )
        reading.report(None, "", message)
        yield None
        return
    data = _data(path, reading)
    if data is None:
        yield None
    elif suffix == CSV_SUFFIX:
        yield _csv_rows(data, reading)
    else:
        with _xlsx_rows(data, reading) as rows:
            yield rows


def _data(path: Path, reading: Reading) -> bytes | None:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            reading.report(None, "", _too_big(size, MAX_FILE_BYTES))
            return None
        data = path.read_bytes()
    except FileNotFoundError:
        reading.report(None, "", _("there is no such file"))
        return None
    except OSError as error:
        reading.report(None, "", _("cannot read the file: {reason}").format(reason=error.strerror))
        return None
    if not data.strip().removeprefix(codecs.BOM_UTF8).strip():
        reading.report(None, "", _("the file is empty"))
        return None
    return data


def _too_big(size: int, limit: int) -> str:
    return _("the file is too big for a count sheet ({size} MB, at most {limit} MB)").format(
        size=size // (1024 * 1024), limit=limit // (1024 * 1024)
    )


def _csv_rows(data: bytes, reading: Reading) -> Iterator[tuple[int, Sequence[object]]] | None:
    save_as = _("in Excel choose Save As and the type “CSV UTF-8 (Comma delimited) (*.csv)”")
    if data.startswith(b"PK\x03\x04"):
        reading.report(None, "", _("this is an Excel workbook, not a text file: name it .xlsx"))
        return None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        message = _("the file is saved as UTF-16 (“Unicode Text”), not UTF-8; {save_as}")
        reading.report(None, "", message.format(save_as=save_as))
        return None
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        message = _(
            "the file is not saved as UTF-8 (the first unreadable character is on line {line}); "
            "{save_as}"
        )
        reading.report(None, "", message.format(line=line, save_as=save_as))
        return None
    return _bounded(_csv_lines(text, reading), reading)


def _csv_lines(text: str, reading: Reading) -> Iterator[Sequence[object]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        yield from reader
    except csv.Error as error:
        reading.report(
            reader.line_num + 1,
            "",
            _("this row cannot be read as CSV: {reason}").format(reason=error),
        )


@contextmanager
def _xlsx_rows(
    data: bytes, reading: Reading
) -> Iterator[Iterator[tuple[int, Sequence[object]]] | None]:
    """The first sheet in openpyxl's read-only mode, within the catalog's bounds."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = _("cannot be read as an Excel workbook; open it in Excel and save it as .xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        reading.report(None, "", unreadable)
        yield None
        return
    if unpacked > MAX_UNPACKED_BYTES:
        reading.report(None, "", _too_big(unpacked, MAX_UNPACKED_BYTES))
        yield None
        return
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
            reading.report(None, "", unreadable)
            yield None
            return
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # the size a file claims is not trusted: rows are read
            yield _bounded(sheet.iter_rows(max_col=MAX_CELLS, values_only=True), reading)
        finally:
            workbook.close()


def _bounded(
    rows: Iterable[Sequence[object]], reading: Reading
) -> Iterator[tuple[int, Sequence[object]]]:
    for number, cells in enumerate(rows, start=1):
        if number > MAX_ROWS and any(not is_blank(cell) for cell in cells):
            reading.report(
                number,
                "",
                _("a count sheet has at most {limit} rows; split the file").format(limit=MAX_ROWS),
            )
            return
        yield number, cells[:MAX_CELLS]


# Writing


@dataclass(frozen=True)
class SheetRow:
    """One SKU of a count sheet to fill in: what it is, and what the ledger has on hand."""

    sku: str
    name: str
    variant: str
    on_hand: int


def write_count_sheet(path: Path, rows: Iterable[SheetRow]) -> None:
    """Write a count sheet (.xlsx or .csv) to fill in; never over an existing file, which
    may be yesterday's count with the figures in it."""
    suffix = path.suffix.lower()
    if suffix not in (CSV_SUFFIX, XLSX_SUFFIX):
        raise InputError(
            _("{file}: a count sheet is an .xlsx or .csv file; name it so").format(file=path)
        )
    headers = [sheet_header(name) for name in SHEET_COLUMNS]
    data = _csv_bytes(headers, rows) if suffix == CSV_SUFFIX else _xlsx_bytes(headers, rows)
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


def _text_cell(sheet: Any, value: object) -> object:
    """Text stays text: a SKU like ``0123`` or a name starting with ``=`` is not a number or
    a formula."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _values(row: SheetRow) -> list[Any]:
    return [row.sku, row.name, row.variant, row.on_hand, None]


def _csv_bytes(headers: list[str], rows: Iterable[SheetRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(["" if value is None else value for value in _values(row)] for row in rows)
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def _xlsx_bytes(headers: list[str], rows: Iterable[SheetRow]) -> bytes:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Count"))
    widths = (18, 40, 24, 16, 20)
    for index, width in enumerate(widths):
        sheet.column_dimensions[column_letter(index)].width = width
    sheet.freeze_panes = "B2"
    bold = Font(bold=True)
    cells = [WriteOnlyCell(sheet, value=header) for header in headers]
    for cell in cells:
        cell.font = bold
    sheet.append(cells)
    for row in rows:
        sheet.append([_text_cell(sheet, value) for value in _values(row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
