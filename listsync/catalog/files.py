"""Loading and saving catalog files: YAML, CSV and XLSX, with every problem reported at once.

A clerk fixing a spreadsheet wants the whole list of mistakes, each as ``FILE:ROW: column:
sentence``, not one mistake per attempt. So readers (:mod:`listsync.catalog.table`,
:mod:`listsync.catalog.yaml_file`) collect product drafts and the problems they could see in a
single cell; this module then checks what needs the whole file (duplicate SKUs, variants that
disagree), validates each draft with the model and turns the model's complaints into
sentences placed on the file's row and column. The format is described for people in
the README ("The catalog file").
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from listsync.catalog.columns import Column, header_column, table_columns, table_rows
from listsync.catalog.model import MAX_NAME, Catalog, OcopRating, Product, sku_key
from listsync.catalog.photos import check_photo
from listsync.catalog.table import TableReader
from listsync.catalog.values import Draft, Kind, Loc, Reading, format_text, show
from listsync.catalog.yaml_file import YamlReader, dump_yaml
from listsync.errors import CatalogError, InputError, Problem
from listsync.i18n import _
from listsync.progress import Phase, ProgressEvent, ProgressListener

YAML_SUFFIXES = (".yaml", ".yml")
CSV_SUFFIX = ".csv"
XLSX_SUFFIX = ".xlsx"
SUFFIXES = (*YAML_SUFFIXES, CSV_SUFFIX, XLSX_SUFFIX)
CSV_DELIMITERS = (",", ";", "\t")
CHANNEL_GROUP = "listsync.channels"
_ZIP_MAGIC = b"PK\x03\x04"
_QUOTED = re.compile(r'"[^"]*"')
_COLLECTION_LENGTH_ERRORS = frozenset({"too_short", "too_long"})
_CHUNK_BYTES = 64 * 1024
MAX_LISTED_PROBLEMS = 1000
"""A catalog's problems beyond this many (in row order) are counted, not listed."""


@lru_cache(maxsize=1)
def known_channels() -> tuple[str, ...]:
    """Channel names registered by installed adapters; a near miss of one is a typo."""
    return tuple(sorted({entry.name for entry in entry_points(group=CHANNEL_GROUP)}))


def load_catalog(
    path: Path, photo_dirs: Sequence[Path] = (), progress: ProgressListener | None = None
) -> Catalog:
    """Read a catalog file; raise :class:`CatalogError` listing every problem in it.

    Local photos must lie in the file's folder (the folder it is named in, or the folder of
    the file a link points to) or in one of ``photo_dirs`` (:mod:`listsync.catalog.photos`).
    ``progress`` hears how many rows of a spreadsheet are read (:class:`_RowsRead`).
    """
    checker = _check(path, photo_dirs, keep=True, progress=progress)
    return Catalog(products=tuple(checker.products), source=str(path))


@dataclass(frozen=True)
class CatalogCounts:
    """What a catalog file holds, once checked: its products and the SKUs they sell."""

    products: int
    units: int
    ocop: tuple[tuple[str, OcopRating], ...] = ()  # (SKU, rating) of each that has an expiry


def check_catalog(
    path: Path, photo_dirs: Sequence[Path] = (), progress: ProgressListener | None = None
) -> CatalogCounts:
    """Check a catalog file as :func:`load_catalog` does, without keeping its products.

    The products are counted and let go as they are read, so checking a file of any
    size costs little more than its longest product and the list of its SKUs.
    """
    checker = _check(path, photo_dirs, keep=False, progress=progress)
    return CatalogCounts(
        products=checker.product_count, units=checker.unit_count, ocop=tuple(checker.ocop)
    )


def _check(
    path: Path,
    photo_dirs: Sequence[Path],
    *,
    keep: bool,
    progress: ProgressListener | None = None,
) -> _Checker:
    reading = Reading(
        source=str(path),
        place="line" if path.suffix.lower() in YAML_SUFFIXES else "row",
        limit=MAX_LISTED_PROBLEMS,
    )
    folder = Path(path).absolute().parent
    real_folder = Path(path).resolve().parent
    checker = _Checker(reading, folder, (real_folder, *photo_dirs), keep=keep)
    rows = _RowsRead(checker.check, progress) if progress and reading.place == "row" else None
    reading.on_draft = rows or checker.check
    try:
        _read(path, reading)
    finally:
        reading.on_draft = None  # no cycle: the list of SKUs goes as soon as it is not needed
    if rows is not None:
        rows.end()
    if reading.count:
        raise CatalogError(reading.sorted_problems(), total=reading.count)
    return checker


class _RowsRead:
    """Checks each product as ``check`` does, and tells ``progress`` how many rows of the
    spreadsheet are read (up to that product's first row), every ``ROWS_EVERY`` rows, and
    once more at the end. How many rows there are is not known ahead: the file is a stream."""

    def __init__(self, check: Callable[[Draft], None], progress: ProgressListener):
        self.check, self.progress = check, progress
        self.told = self.read = 0

    def __call__(self, draft: Draft) -> None:
        self.check(draft)
        self.read = max(self.read, draft.row)
        if self.read - self.told >= ROWS_EVERY:
            self.told = self.read
            self.progress(ProgressEvent("", Phase.ROWS, self.read))

    def end(self) -> None:
        if self.read:
            self.progress(ProgressEvent("", Phase.ROWS, self.read, self.read))


def save_catalog(catalog: Catalog, path: Path) -> None:
    """Write a catalog as YAML, CSV (UTF-8 with a BOM, so Excel shows Vietnamese) or XLSX.

    The file is replaced in one step: an interrupted save leaves the old catalog in place.
    """
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(_unsupported(path))
    partial = path.with_name(f".{path.name}.partial")
    try:
        if suffix in YAML_SUFFIXES:
            partial.write_text(dump_yaml(catalog), encoding="utf-8")
        elif suffix == CSV_SUFFIX:
            _save_csv(catalog, partial)
        else:
            _save_xlsx(catalog, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


# Reading files


def _read(path: Path, reading: Reading) -> None:
    """Read the file into ``reading``: its products go to ``reading.on_draft`` as they come.

    Only a YAML file is read whole (it is small, and its lines are needed to place its
    problems); a spreadsheet is read a piece at a time, never holding its whole text.
    """
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        reading.report(None, "", _unsupported(path))
        return
    try:
        size, limit = path.stat().st_size, size_limit(suffix)
        if size > limit:
            reading.report(None, "", _too_big(size, limit))
            return
        file = path.open("rb")
    except FileNotFoundError:
        reading.report(None, "", _("there is no such file"))
        return
    except OSError as error:
        reading.report(None, "", _cannot_read(error))
        return
    with file:
        try:
            _read_file(file, suffix, reading)
        except OSError as error:  # the disk or the network share failed half-way
            reading.forget_problems()
            reading.report(None, "", _cannot_read(error))


def _cannot_read(error: OSError) -> str:
    return _("cannot read the file: {reason}").format(reason=error.strerror)


def _read_file(file: BinaryIO, suffix: str, reading: Reading) -> None:
    if _is_blank(file):
        reading.report(None, "", _("the file is empty"))
        return
    file.seek(0)
    if suffix == XLSX_SUFFIX:
        _read_xlsx(file, reading)
    elif suffix == CSV_SUFFIX:
        _read_csv(file, reading)
    else:
        text = _decode(file.read(), reading, suffix)
        if text is not None:
            YamlReader(reading, known_channels()).read(text)


def _is_blank(file: BinaryIO) -> bool:
    """Nothing but spaces, line breaks and a BOM: read up to the first byte of anything else."""
    pending, bom_seen = b"", False
    while chunk := file.read(_CHUNK_BYTES):
        data = (pending + chunk).lstrip()
        pending = b""
        if not bom_seen:
            if data.startswith(codecs.BOM_UTF8):
                data, bom_seen = data.removeprefix(codecs.BOM_UTF8).lstrip(), True
            elif codecs.BOM_UTF8.startswith(data):
                pending = data  # nothing yet, or a BOM cut in two by the chunk's end
                continue
        if data:
            return False
    return not pending


def _unsupported(path: Path) -> str:
    if path.suffix.lower() == ".xls":
        return _("this is an old Excel file (.xls): open it in Excel and save it as .xlsx")
    return _("cannot read {suffix} files: save the catalog as .yaml, .csv or .xlsx").format(
        suffix=path.suffix or _("extension-less")
    )


def _decode(data: bytes, reading: Reading, suffix: str) -> str | None:
    """UTF-8 text, with or without a BOM; anything else gets a sentence on how to save it."""
    wrong = _not_text(data, suffix)
    if wrong:
        reading.report(None, "", wrong)
        return None
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        reading.report(None, "", _not_utf8(line, suffix))
        return None


def _save_as(suffix: str) -> str:
    if suffix == CSV_SUFFIX:
        return _("in Excel choose Save As and the type “CSV UTF-8 (Comma delimited) (*.csv)”")
    return _("save it again with the encoding UTF-8")


def _not_text(head: bytes, suffix: str) -> str | None:
    """What a file starting with ``head`` is when it is plainly not UTF-8 text."""
    if head.startswith(_ZIP_MAGIC):
        return _("this is an Excel workbook, not a text file: name it .xlsx")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        message = _("the file is saved as UTF-16 (“Unicode Text”), not UTF-8; {save_as}")
        return message.format(save_as=_save_as(suffix))
    return None


def _not_utf8(line: int, suffix: str) -> str:
    message = _(
        "the file is not saved as UTF-8 (the first unreadable character is on line {line}); "
        "{save_as}"
    )
    return message.format(line=line, save_as=_save_as(suffix))


def _first_undecodable_line(file: BinaryIO) -> int:
    """The line of the first byte that is not UTF-8, read again from the start in chunks."""
    file.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    while True:
        chunk = file.read(_CHUNK_BYTES)
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            # the decoder's input is what it held back from the last chunk (part of one
            # character, never a line break), then this chunk
            return line + error.object[: error.start].count(b"\n")
        if not chunk:
            return line
        line += chunk.count(b"\n")


def sniff_delimiter(text: str) -> str:
    """The separator the header line uses most: comma, semicolon (Vietnamese Excel) or tab."""
    header = _QUOTED.sub("", text.split("\n", 1)[0])
    counts = {delimiter: header.count(delimiter) for delimiter in CSV_DELIMITERS}
    best = max(CSV_DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _read_csv(file: BinaryIO, reading: Reading) -> None:
    """The rows of a UTF-8 CSV file, decoded and split as they are read.

    A character that is not UTF-8 may come on the last line; everything found before it
    is then void, and the file gets the one sentence on how to save it as UTF-8.
    """
    wrong = _not_text(file.read(len(_ZIP_MAGIC)), CSV_SUFFIX)
    if wrong:
        reading.report(None, "", wrong)
        return
    file.seek(0)
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    try:
        header = text.readline()
        lines = itertools.chain((header,), text)
        TableReader(reading, known_channels()).read(_csv_rows(lines, header, reading))
    except UnicodeDecodeError:
        reading.forget_problems()
        reading.report(None, "", _not_utf8(_first_undecodable_line(file), CSV_SUFFIX))
    finally:
        text.detach()  # the file is the caller's to close


def _csv_rows(
    lines: Iterable[str], header: str, reading: Reading
) -> Iterator[tuple[int, Sequence[object]]]:
    """The CSV rows of ``lines``, numbered from 1, in the separator ``header`` uses."""
    reader = csv.reader(lines, delimiter=sniff_delimiter(header))
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells
    except csv.Error as error:
        reading.report(
            number + 1, "", _("this row cannot be read as CSV: {reason}").format(reason=error)
        )


def _read_xlsx(file: BinaryIO, reading: Reading) -> None:
    """The first sheet, streamed in openpyxl's read-only mode within fixed bounds.

    A workbook is a zip: a small file can unpack to gigabytes (a sheet of whitespace), or
    claim a cell in the last column Excel has (XFD) so that every row is 16,384 cells wide.
    The unpacked size is checked before anything is parsed, and rows are refused as soon
    as they pass the bounds, so a hostile file costs seconds and a few megabytes.
    """
    # Imported here: openpyxl takes a noticeable moment to load on a cheap laptop, and
    # most commands never open a workbook.
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = _("cannot be read as an Excel workbook; open it in Excel and save it as .xlsx")
    try:
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        reading.report(None, "", unreadable)
        return
    if unpacked > MAX_UNPACKED_BYTES:
        reading.report(None, "", _too_big(unpacked, MAX_UNPACKED_BYTES, unpacked=True))
        return
    file.seek(0)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        try:
            workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
            reading.report(None, "", unreadable)
            return
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # the size a file claims is not trusted: rows are read
            rows = _bounded(sheet.iter_rows(values_only=True), reading)
            TableReader(reading, known_channels()).read(rows)
            if reading.problems and not _has_sku_column(_first_row(sheet)):
                _point_at_the_catalog_sheet(workbook.worksheets[1:], reading)
        finally:
            workbook.close()


def _first_row(sheet: Any) -> Sequence[object]:
    for row in sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS, values_only=True):
        return row
    return ()


def _has_sku_column(cells: Sequence[object]) -> bool:
    return any(isinstance(cell, str) and header_column(cell) == "sku" for cell in cells)


def _point_at_the_catalog_sheet(others: Sequence[Any], reading: Reading) -> None:
    """The first sheet holds no catalog, but another one does: say which, at once."""
    for sheet in others:
        if _has_sku_column(_first_row(sheet)):
            reading.report(
                None,
                "",
                _(
                    'the catalog columns are on the sheet "{sheet}", but listsync reads the '
                    "first sheet: move that sheet to the front, or delete the sheets before it"
                ).format(sheet=sheet.title),
            )
            return


MAX_FILE_BYTES = 50 * 1024 * 1024  # a catalog of 10,000 SKUs is a few megabytes
MAX_CSV_BYTES = 200 * 1024 * 1024  # read a row at a time: only the products are held
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_COLUMNS = 200
MAX_ROWS = 100_000
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
ROWS_EVERY = 500  # rows read between two progress events


def size_limit(suffix: str) -> int:
    """The largest file of this kind listsync opens: a CSV streams, so it may be larger
    than a workbook or a YAML file, which are unpacked or read whole."""
    return MAX_CSV_BYTES if suffix.lower() == ".csv" else MAX_FILE_BYTES


def _bounded(
    rows: Iterator[tuple[object, ...]], reading: Reading
) -> Iterator[tuple[int, Sequence[object]]]:
    """Rows numbered from 1, stopping with a problem at the first one out of bounds."""
    from openpyxl.utils import get_column_letter

    for number, cells in enumerate(rows, start=1):
        if len(cells) > MAX_COLUMNS and any(cell is not None for cell in cells[MAX_COLUMNS:]):
            last = max(i for i, cell in enumerate(cells, start=1) if cell is not None)
            reading.report(
                number,
                "",
                _(
                    "there is something in column {column}; a catalog uses at most {limit} "
                    "columns (delete the columns after the last one you need)"
                ).format(column=get_column_letter(last), limit=MAX_COLUMNS),
                column=last - 1,
            )
            return
        if number > MAX_ROWS and any(cell is not None for cell in cells):
            reading.report(
                number,
                "",
                _("a catalog has at most {limit} rows; split the file").format(limit=MAX_ROWS),
            )
            return
        for cell in cells:
            if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                reading.report(number, "", _too_long(len(cell), MAX_CELL_CHARS))
                return
        yield number, cells[:MAX_COLUMNS]


def _too_big(size: int, limit: int, *, unpacked: bool = False) -> str:
    message = (
        _("the workbook unpacks to {size} MB; a catalog workbook holds at most {limit} MB")
        if unpacked
        else _("the file is {size} MB; a catalog file is at most {limit} MB")
    )
    return message.format(size=size // (1024 * 1024), limit=limit // (1024 * 1024))


# Checking and validating


class _Checker:
    """Checks each product as soon as its rows are read, and keeps what the file makes.

    Only two things outlive a product's draft: the product itself (with ``keep``, and while
    the file has no problem: a catalog with problems is not loaded, so its products are let
    go), and where each SKU was first used, to tell a SKU used twice in the file
    (:meth:`_check_skus`).
    """

    def __init__(self, reading: Reading, folder: Path, photo_dirs: Sequence[Path], *, keep: bool):
        self.reading = reading
        self.folder = folder
        self.photo_dirs = photo_dirs
        self.keep = keep
        self.products: list[Product] = []
        self.product_count = self.unit_count = 0
        self.ocop: list[tuple[str, OcopRating]] = []  # what warns of a certificate's end
        self.first: dict[str, tuple[int, str]] = {}
        """SKU key -> the row it is first used on, and the SKU as written there."""

    def check(self, draft: Draft) -> None:
        reading = self.reading
        flagged = self._check_skus(draft)
        checked = [_check_name(draft, reading), _check_options(draft, reading)]
        try:
            product = Product.model_validate(draft.data)
            _check_photos(product, draft, reading, self.folder, self.photo_dirs)
            self.product_count += 1
            self.unit_count += len(product.variants) or 1
            if product.ocop is not None and product.ocop.expires is not None:
                self.ocop.append((product.sku, product.ocop))
            if self.keep:
                self.products.append(product)
        except ValidationError as error:
            prechecked = flagged or any(checked) or bool(draft.failed)
            found = list(_translate(error, draft, reading, prechecked))
            if not found and not reading.count:
                found = [reading.problem(draft.row, "", describe(e)) for e in error.errors()]
            for problem in found:
                reading.add(problem)
        if reading.count:
            self.products.clear()

    def _check_skus(self, draft: Draft) -> bool:
        """Every SKU, product or variant, is used once in the file, ignoring case and spaces.

        True when the draft has a duplicate inside it, whose own (vaguer) complaint from
        the model is then left out.
        """
        own: set[str] = set()
        flagged = False
        for loc, sku in _skus(draft.data):
            key = sku_key(sku)
            if key not in self.first:
                self.first[key] = (draft.locate(loc)[0] or draft.row, sku)
                own.add(key)
                continue
            other_row, other_sku = self.first[key]
            flagged = flagged or key in own
            row, field_name = draft.locate(loc)
            where = self.reading.where(other_row)
            message = _("SKU {sku} is already used on {where}").format(sku=sku, where=where)
            if other_sku != sku:
                message += _(" as {other}; upper and lower case count as the same").format(
                    other=other_sku
                )
            self.reading.report(row, field_name, message)
        return flagged


def _check_photos(
    product: Product, draft: Draft, reading: Reading, folder: Path, photo_dirs: Sequence[Path]
) -> None:
    places: list[tuple[Loc, str]] = [(("images", n), ref) for n, ref in enumerate(product.images)]
    for index, variant in enumerate(product.variants):
        places += [(("variants", index, "images", n), ref) for n, ref in enumerate(variant.images)]
    for loc, ref in places:
        problem = check_photo(ref, folder, photo_dirs)
        if problem is not None:
            _report(draft, reading, loc, problem)


def _skus(data: dict[str, Any]) -> Iterator[tuple[Loc, str]]:
    if isinstance(data.get("sku"), str):
        yield ("sku",), data["sku"]
    for index, variant in enumerate(_variants(data)):
        if variant is not None and isinstance(variant.get("sku"), str):
            yield ("variants", index, "sku"), variant["sku"]


def _variants(data: dict[str, Any]) -> list[dict[str, Any] | None]:
    variants = data.get("variants")
    if not isinstance(variants, list):
        return []
    return [variant if isinstance(variant, dict) else None for variant in variants]


def _check_name(draft: Draft, reading: Reading) -> bool:
    name = draft.data.get("name")
    if not isinstance(name, dict) or ("name",) in draft.failed:
        return False
    found = False
    if not any(isinstance(name.get(lang), str) and name[lang] for lang in ("vi", "en")):
        row, field_name = draft.locate(("name", "vi"))
        reading.report(row, field_name, _("a product needs a name, in Vietnamese or English"))
        found = True
    for lang in ("vi", "en"):
        text = name.get(lang)
        if isinstance(text, str) and len(text) > MAX_NAME:
            row, field_name = draft.locate(("name", lang))
            reading.report(row, field_name, _too_long(len(text), MAX_NAME))
            found = True
    return found


def _check_options(draft: Draft, reading: Reading) -> bool:
    """The variants of a product use the same option names and differ in their values."""
    expected: tuple[str, ...] | None = None
    seen: dict[tuple[tuple[str, str], ...], int] = {}
    found = False
    for index, variant in enumerate(_variants(draft.data)):
        options = variant.get("options", {}) if variant is not None else None
        if not isinstance(options, dict) or ("variants", index, "options") in draft.failed:
            continue
        names = tuple(options)
        if expected is None:
            expected = names
        elif names != expected:
            _report(
                draft,
                reading,
                ("variants", index, "options"),
                _("use the same options as the first variant ({expected}), not {actual}").format(
                    expected=_names(expected), actual=_names(names)
                ),
            )
            found = True
            continue
        combination = tuple((name, str(value).casefold()) for name, value in options.items())
        if combination in seen:
            other = draft.locate(("variants", seen[combination], "sku"))[0] or draft.row
            shown = ", ".join(f"{name} {value}" for name, value in options.items())
            _report(
                draft,
                reading,
                ("variants", index, "options", *names[:1]),
                _("same options ({options}) as the variant on {where}").format(
                    options=shown or _("none"), where=reading.where(other)
                ),
            )
            found = True
            continue
        seen[combination] = index
    return found


def _names(names: tuple[str, ...]) -> str:
    return " × ".join(names) if names else _("no options")


def _report(draft: Draft, reading: Reading, loc: Loc, message: str) -> None:
    row, field_name = draft.locate(loc)
    reading.report(row, field_name, message)


def _translate(
    error: ValidationError, draft: Draft, reading: Reading, prechecked: bool
) -> Iterator[Problem]:
    """The model's complaints as sentences on the file's rows, without repeats.

    Left out: places already reported as unreadable, a list's "too short" when one of its
    entries was the real problem, and the model's product-wide check when something about
    the product was already reported: it would repeat that problem, less precisely.
    """
    details = [(tuple(p for p in d["loc"] if p != "[key]"), d) for d in error.errors()]
    for loc, detail in details:
        if any(loc[: len(failed)] == failed for failed in draft.failed):
            continue
        if detail["type"] in _COLLECTION_LENGTH_ERRORS and any(
            len(other) > len(loc) and other[: len(loc)] == loc for other, _d in details
        ):
            continue
        if not loc and prechecked:
            continue
        row, field_name = draft.locate(loc)
        yield reading.problem(row, field_name, describe(detail))


def _too_long(length: int, limit: int) -> str:
    return _("too long: {length} characters, at most {limit}").format(length=length, limit=limit)


def describe(detail: ErrorDetails) -> str:
    """One of pydantic's errors as a sentence for a person who has never heard of pydantic."""
    kind = detail["type"]
    ctx: dict[str, Any] = dict(detail.get("ctx") or {})
    value = detail.get("input")
    got = show(value) if isinstance(value, str | int | float | Decimal | date) else ""
    if kind == "missing" or (value is None and kind.endswith("_type")):
        return _("must be filled in")
    if kind in ("value_error", "assertion_error"):
        return _(str(ctx.get("error", "")))
    if kind == "string_too_long":
        return _too_long(len(str(value)), int(ctx["max_length"]))
    if kind == "string_too_short":
        return _("must be filled in")
    if kind in _LIMITS:
        limit = next(iter(ctx.values()), "")
        return _LIMITS[kind]().format(limit=limit, value=got)
    for prefix, message in _BY_PREFIX:
        if kind.startswith(prefix):
            return message().format(value=got, **ctx)
    return _("is not valid (got {value})").format(value=got)


_LIMITS = {
    "greater_than": lambda: _("must be more than {limit}, got {value}"),
    "greater_than_equal": lambda: _("must be {limit} or more, got {value}"),
    "less_than": lambda: _("must be less than {limit}, got {value}"),
    "less_than_equal": lambda: _("must be {limit} or less, got {value}"),
}
_BY_PREFIX = (
    ("too_short", lambda: _("needs at least {min_length}, got {actual_length}")),
    ("too_long", lambda: _("has too many entries: {actual_length}, at most {max_length}")),
    ("int_", lambda: _("must be a whole number, got {value}")),
    ("decimal_max_places", lambda: _("use at most {decimal_places} decimal places, got {value}")),
    ("decimal_", lambda: _("must be a number such as 2.50, got {value}")),
    ("date_", lambda: _("not a date, write it as 2026-12-31 (got {value})")),
    ("bool_", lambda: _("write yes or no (got {value})")),
    ("string_pattern", lambda: _("must be a single line of text")),
    ("string_", lambda: _("must be text, got {value}")),
    ("dict_", lambda: _("must be a group of keys (key: value)")),
    ("model_", lambda: _("must be a group of keys (key: value)")),
    ("list_", lambda: _("must be a list")),
    ("tuple_", lambda: _("must be a list")),
)


# Writing files


def _save_csv(catalog: Catalog, path: Path) -> None:
    columns = table_columns(catalog)
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow([column.name for column in columns])
        for row in table_rows(catalog, columns):
            writer.writerow(
                [
                    format_text(column.kind, value)
                    for column, value in zip(columns, row, strict=True)
                ]
            )


def _save_xlsx(catalog: Catalog, path: Path) -> None:
    import openpyxl
    from openpyxl.styles import Font

    columns = table_columns(catalog)
    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "catalog"
    sheet.append([column.name for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table_rows(catalog, columns):
        sheet.append(list(_xlsx_values(columns, row)))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = max(
            12, min(40, len(column.name) + 4)
        )
    sheet.freeze_panes = "C2"
    workbook.save(path)


def _xlsx_values(columns: Iterable[Column], row: Iterable[Any]) -> Iterator[Any]:
    """Numbers, dates and yes/no as typed cells; everything else as text."""
    for column, value in zip(columns, row, strict=True):
        if value is None or column.kind in (Kind.INT, Kind.VND, Kind.DATE, Kind.BOOL):
            yield value
        else:
            yield format_text(column.kind, value)
