"""Reading the spreadsheet layout (CSV and XLSX): rows of cells to product drafts.

The rules of the layout, and the columns, are in :mod:`listsync.catalog.columns`. Here rows
are grouped into products (consecutive rows with one ``sku``), cells are read with the
column's kind, and whatever can be seen wrong from the rows alone is reported: a bad cell,
an unknown column, a product value that differs between its rows, an incomplete option.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from listsync.catalog.columns import (
    COLUMNS_BY_NAME,
    NAME_COLUMNS,
    OPTION_SLOTS,
    REQUIRED_COLUMNS,
    Column,
    HeaderProblem,
    column_header,
    product_column,
    resolve_header,
    variant_column,
)
from listsync.catalog.model import normalize_text, sku_key
from listsync.catalog.values import (
    Draft,
    Loc,
    Reading,
    ValueProblem,
    column_letter,
    is_blank,
    parse,
    show,
)
from listsync.i18n import _


@dataclass
class _Line:
    """One data row, its cells read."""

    row: int
    sku: str
    values: dict[Column, Any] = field(default_factory=dict)
    failed: set[Column] = field(default_factory=set)

    def get(self, name: str) -> Any:
        return self.values.get(COLUMNS_BY_NAME[name])

    def variant_sku(self) -> str | None:
        value = self.get("variant_sku")
        return value if isinstance(value, str) and value else None


@dataclass
class _TableLocator:
    first_row: int
    cell_rows: dict[str, int] = field(default_factory=dict)
    variant_rows: list[int] = field(default_factory=list)
    option_names: list[list[str]] = field(default_factory=list)

    def __call__(self, loc: Loc) -> tuple[int | None, str]:
        if len(loc) >= 2 and loc[0] == "variants" and isinstance(loc[1], int):
            index = loc[1]
            return self.variant_rows[index], variant_column(loc[2:], self.option_names[index])
        name = product_column(loc)
        return self.cell_rows.get(name, self.first_row), name


class TableReader:
    """Turns rows of cells (header first) into product drafts, reporting what is wrong."""

    def __init__(self, reading: Reading, known_channels: Sequence[str]):
        self.reading = reading
        self.known_channels = known_channels
        self.columns: list[Column | None] = []
        self.missing: set[Loc] = set()
        self.ignored: set[int] = set()
        """Columns whose cells are not read: notes, or a nameless column already reported."""
        self.meant: set[str] = set()
        """Columns that a misspelt header probably meant: not reported missing as well."""
        # A column missing from the file is named as the interface would write it.
        reading.headers.update({name: column_header(name) for name in COLUMNS_BY_NAME})

    def read(self, rows: Iterable[tuple[int, Sequence[object]]]) -> None:
        """Read ``rows`` as they come: a product is handed on once its last row is read.

        Only the rows of the product being read are held, so a file of any length costs
        the memory of its longest product. The rows are always read to the end, so that
        whatever the row source itself finds wrong (a row it cannot read) is reported.
        """
        rows = iter(rows)
        first = next(rows, None)
        if first is None or _is_blank_row(first[1]):
            if any(not _is_blank_row(cells) for _row, cells in rows):
                self._read_header(first[1] if first else ())
            else:
                self.reading.report(None, "", _("the file is empty"))
            _drain(rows)
            return
        if not self._read_header(first[1]):
            _drain(rows)
            return
        block: list[_Line] = []
        key = ""
        for row, cells in rows:
            line = self._read_line(row, cells)
            if line is None:
                continue
            if block and sku_key(line.sku) != key:
                self._read_block(block)
                block = []
            if not block:
                key = sku_key(line.sku)
            block.append(line)
        if block:
            self._read_block(block)
        elif self.reading.last_row <= 1:
            self.reading.report(None, "", _("the file has column names but no products"))

    def _read_header(self, cells: Sequence[object]) -> bool:
        """Resolve the header; false when the rows cannot be read at all."""
        if all(is_blank(cell) for cell in cells):
            self.reading.report(1, "", _("row 1 must hold the column names; it is empty"))
            return False
        seen: dict[str, int] = {}
        for index, cell in enumerate(cells):
            column = self._resolve(index, cell)
            if column is not None and column.name in seen:
                self.reading.report(
                    1,
                    column.name,
                    _("this column appears twice (columns {first} and {second})").format(
                        first=column_letter(seen[column.name]), second=column_letter(index)
                    ),
                    column=index,
                    header=_header_text(cells[index]),
                )
                self.ignored.add(index)
                column = None
            if column is not None:
                seen[column.name] = index
                self.reading.columns[column.name] = index
                self.reading.headers[column.name] = _header_text(cell)
            self.columns.append(column)
        return self._check_required(set(seen))

    def _resolve(self, index: int, cell: object) -> Column | None:
        if is_blank(cell):
            return None
        header = _header_text(cell)
        try:
            column = resolve_header(header, self.known_channels)
        except HeaderProblem as problem:
            self.reading.report(1, header, str(problem), column=index)
            self.meant.add(problem.meant or "")
            column = None
        if column is None:
            self.ignored.add(index)
        return column

    def _check_required(self, present: set[str]) -> bool:
        for name in REQUIRED_COLUMNS:
            if name not in present:
                self.missing.add(COLUMNS_BY_NAME[name].path)
                if name not in self.meant:
                    message = _("this column is missing; every catalog needs it")
                    self.reading.report(1, name, message)
        if not present & set(NAME_COLUMNS):
            self.missing.add(("name",))
            if not self.meant & set(NAME_COLUMNS):
                message = _("this column is missing: give name_vi or name_en, or both")
                self.reading.report(1, "name_vi", message)
        return "sku" in present

    def _read_line(self, row: int, cells: Sequence[object]) -> _Line | None:
        if all(is_blank(cell) for cell in cells):
            return None
        line = _Line(row, "")
        for index, cell in enumerate(cells):
            column = self.columns[index] if index < len(self.columns) else None
            if is_blank(cell):
                continue
            if column is None:
                self._report_unnamed(row, index)
                continue
            try:
                line.values[column] = parse(column.kind, cell)
            except ValueProblem as problem:
                self.reading.report(row, column.name, str(problem))
                line.failed.add(column)
        sku = line.values.get(COLUMNS_BY_NAME["sku"])
        if not sku:
            if COLUMNS_BY_NAME["sku"] not in line.failed:
                self.reading.report(
                    row, "sku", _("must be filled in on every row, variant rows too")
                )
            return None
        line.sku = sku
        return line

    def _report_unnamed(self, row: int, index: int) -> None:
        if index in self.ignored:
            return
        self.ignored.add(index)
        self.reading.report(
            row,
            "",
            _("column {letter} has a value here but no column name in row 1").format(
                letter=column_letter(index)
            ),
            column=index,
        )

    def _read_block(self, block: list[_Line]) -> None:
        """A run of rows with one SKU: one product with variants, or repeated products."""
        if not any(line.variant_sku() for line in block):
            for line in block:
                self._build([line], with_variants=False)
            return
        self._build(block, with_variants=True)

    def _build(self, lines: list[_Line], with_variants: bool) -> None:
        locator = _TableLocator(first_row=lines[0].row)
        draft = Draft(data={"name": {}}, row=lines[0].row, locate=locator)
        draft.failed |= self.missing
        for line in lines:
            self._merge_product_cells(line, draft, locator)
        if with_variants:
            variants = [self._variant(line, draft, locator) for line in lines]
            draft.data["variants"] = [variant for variant in variants if variant is not None]
        else:
            self._reject_variant_cells(lines[0])
        self.reading.add_draft(draft)

    def _merge_product_cells(self, line: _Line, draft: Draft, locator: _TableLocator) -> None:
        for column in line.failed:
            if not column.variant and column.name not in locator.cell_rows:
                locator.cell_rows[column.name] = line.row
                draft.failed.add(column.path)
        for column, value in line.values.items():
            if column.variant:
                continue
            if column.name not in locator.cell_rows:
                locator.cell_rows[column.name] = line.row
                _set_path(draft.data, column.path, value)
                continue
            first = _get_path(draft.data, column.path)
            if first is not None and first != value:
                self.reading.report(
                    line.row,
                    column.name,
                    _(
                        "differs from {other} of the same product ({this} here, {that} there); "
                        "repeat the same value or leave it blank"
                    ).format(
                        other=self.reading.where(locator.cell_rows[column.name]),
                        this=show(_shown(value)),
                        that=show(_shown(first)),
                    ),
                )

    def _variant(self, line: _Line, draft: Draft, locator: _TableLocator) -> dict[str, Any] | None:
        sku = line.variant_sku()
        if sku is None:
            if COLUMNS_BY_NAME["variant_sku"] not in line.failed:
                self.reading.report(
                    line.row,
                    "variant_sku",
                    _("must be filled in: the other rows of product {sku} are variants").format(
                        sku=line.sku
                    ),
                )
            return None
        index = len(locator.variant_rows)
        locator.variant_rows.append(line.row)
        variant: dict[str, Any] = {}
        for column, value in line.values.items():
            if column.variant and not column.is_option:
                _set_path(variant, column.path, value)
        for column in line.failed:
            if column.variant and not column.is_option:
                draft.failed.add(("variants", index, *column.path))
        options = self._options(line)
        if options is None:
            draft.failed.add(("variants", index, "options"))
            options = {}
        variant["options"] = options
        locator.option_names.append(list(options))
        return variant

    def _options(self, line: _Line) -> dict[str, str] | None:
        """``{name: value}`` from the option columns; ``None`` after reporting a mistake."""
        options: dict[str, str] = {}
        for slot in OPTION_SLOTS:
            name, value = line.get(f"option{slot}_name"), line.get(f"option{slot}_value")
            if name is None and value is None:
                continue
            problem = self._option_problem(slot, name, value, options)
            if problem:
                self.reading.report(line.row, *problem)
                return None
            options[name] = value
        return options

    @staticmethod
    def _option_problem(
        slot: int, name: str | None, value: str | None, earlier: dict[str, str]
    ) -> tuple[str, str] | None:
        if name is None:
            return f"option{slot}_name", _(
                "give the option's name (such as Size) for {value}"
            ).format(value=value)
        if value is None:
            return f"option{slot}_value", _("give the value of {name} for this variant").format(
                name=name
            )
        if slot > 1 and not earlier:
            return f"option{slot}_name", _("fill in option1 before option{slot}").format(slot=slot)
        if name.casefold() in (known.casefold() for known in earlier):
            return f"option{slot}_name", _("{name} is already option1_name").format(name=name)
        return None

    def _reject_variant_cells(self, line: _Line) -> None:
        used = [column.name for column in line.values if column.variant]
        if used:
            self.reading.report(
                line.row,
                "variant_sku",
                _("must be filled in: this row has {columns}").format(columns=", ".join(used)),
            )


def _header_text(cell: object) -> str:
    return normalize_text(cell) if isinstance(cell, str) else show(cell)


def _is_blank_row(cells: Sequence[object]) -> bool:
    return all(is_blank(cell) for cell in cells)


def _drain(rows: Iterator[object]) -> None:
    for _row in rows:
        pass


def _shown(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return " | ".join(str(item) for item in value)
    return value


def _set_path(data: dict[str, Any], path: Loc, value: Any) -> None:
    for part in path[:-1]:
        data = data.setdefault(str(part), {})
    data[str(path[-1])] = value


def _get_path(data: dict[str, Any], path: Loc) -> Any:
    current: Any = data
    for part in path:
        if not isinstance(current, dict) or str(part) not in current:
            return None
        current = current[str(part)]
    return current
