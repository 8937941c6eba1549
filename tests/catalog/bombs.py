"""Hostile workbooks, built small: a sheet of whitespace, a cell in the last column.

Shared by the tests and by ``bench/catalog_bombs.py``, which measures them at full size.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl

SHEET = "xl/worksheets/sheet1.xml"
HEAD = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
TAIL = "</sheetData></worksheet>"
HEADER = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>sku</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>name_vi</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>category</t></is></c>'
    '<c r="D1" t="inlineStr"><is><t>weight_g</t></is></c>'
    '<c r="E1" t="inlineStr"><is><t>price_vnd</t></is></c></row>'
)


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def product_row(n: int) -> str:
    cells = [
        text_cell(f"A{n}", f"SKU-{n}"),
        text_cell(f"B{n}", "Trà sen"),
        text_cell(f"C{n}", "tea"),
        f'<c r="D{n}"><v>150</v></c>',
        f'<c r="E{n}"><v>120000</v></c>',
    ]
    return f'<row r="{n}">{"".join(cells)}</row>'


def workbook(path: Path, *parts: str, padding_mb: int = 0) -> Path:
    """A real workbook whose first sheet is ``parts`` (then ``padding_mb`` of whitespace)."""
    openpyxl.Workbook().save(path)
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist() if name != SHEET}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in members.items():
            target.writestr(name, content)
        with target.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write((HEAD + "".join(parts)).encode())
            chunk = b" " * (1024 * 1024)
            for _ in range(padding_mb):
                sheet.write(chunk)
            sheet.write(TAIL.encode())
    return path


def whitespace_bomb(path: Path, megabytes: int) -> Path:
    return workbook(path, HEADER, product_row(2), padding_mb=megabytes)


def last_column_bomb(path: Path, rows: int) -> Path:
    return workbook(
        path,
        HEADER,
        *(f'<row r="{n}">{text_cell(f"XFD{n}", "x")}</row>' for n in range(2, rows + 2)),
    )
