"""Tables written as CSV or XLSX (the register of cases, and any other list an office exports).

- CSV: UTF-8 with a BOM (Excel then reads the accents right), comma-separated, a header row and
  one row per record; every cell is text (dates as ``dd-mm-yyyy``). A cell that Excel would run
  as a formula (starting with ``=``, ``+``, ``-`` or ``@`` and not a plain number) gets a leading
  apostrophe.
- XLSX (openpyxl, write-only: tens of thousands of rows in little memory): a title row and the
  office's name above the bold header; text columns (NIK, register and letter numbers) are stored
  as TEXT with number format ``@`` so a 16-digit NIK keeps every digit; date columns are real
  dates (``dd-mm-yyyy``); number columns hold real numbers (integers, or decimals shown with one
  place); column widths fit the headers and data. :func:`write_workbook` puts several tables in
  one file, a sheet each.

Both are written to a temporary file next to the target first: a half-written export never
replaces a good one. This module never imports textual, rich, peewee or models.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The formats :func:`write_table` writes.
FORMATS = ("csv", "xlsx")

#: Date cells as shown in Excel.
DATE_FORMAT = "DD-MM-YYYY"

_FORMULA_START = ("=", "+", "-", "@")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")


@dataclass(frozen=True)
class Column:
    """A column: its header, ``"text"``, ``"date"`` or ``"number"`` (int or float; in CSV written
    with a dot as decimal mark), and an optional fixed width (characters)."""

    header: str
    kind: str = "text"
    width: int | None = None


@dataclass(frozen=True)
class TableDoc:
    """What is exported: a title ("Register Santunan Veteran 1 Januari 2026 s.d. ..."), the
    office's name, the columns and the rows (values in column order; dates as ``date``)."""

    title: str
    office: str
    columns: tuple[Column, ...]
    rows: Sequence[Sequence[Any]]
    sheet_name: str = "Register"


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def _csv_safe(text: str) -> str:
    """Text Excel will not run as a formula."""
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def csv_rows(doc: TableDoc) -> Iterable[list[str]]:
    """The rows of the CSV: the header, then every record as text."""
    yield [c.header for c in doc.columns]
    for row in doc.rows:
        yield [_csv_safe(_cell_text(v)) for v in row]


def write_csv(doc: TableDoc, path: str | Path) -> Path:
    """Write ``doc`` as CSV (UTF-8 with BOM) to ``path``."""

    def write(handle: Any) -> None:
        with open(handle, "w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f, lineterminator="\r\n").writerows(csv_rows(doc))

    return _atomic(Path(path), write)


def _widths(doc: TableDoc, sample: int = 2000) -> list[float]:
    widths = []
    for index, column in enumerate(doc.columns):
        if column.width is not None:
            widths.append(column.width)
            continue
        longest = len(column.header)
        for row in doc.rows[:sample]:
            longest = max(longest, len(_cell_text(row[index])))
        widths.append(min(max(longest, 6), 60) + 2)
    return widths


def write_xlsx(doc: TableDoc, path: str | Path) -> Path:
    """Write ``doc`` as XLSX to ``path``: title, office, bold header, typed cells."""
    return write_workbook((doc,), path)


def write_workbook(docs: Sequence[TableDoc], path: str | Path) -> Path:
    """Write ``docs`` as one XLSX file, a sheet each (named by their ``sheet_name``), in order."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for doc in docs:
        _append_sheet(workbook, doc)

    def write(handle: Any) -> None:
        workbook.save(handle)

    return _atomic(Path(path), write)


def _append_sheet(workbook: Any, doc: TableDoc) -> None:
    """Add ``doc`` to a write-only workbook as a sheet: title, office, bold header, typed cells."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(doc.sheet_name[:31])
    for index, width in enumerate(_widths(doc), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A4"

    # one styled cell per kind; every cell copies its style (setting fonts and formats per cell
    # is most of the time of a large export)
    as_text = WriteOnlyCell(sheet)
    as_text.number_format = "@"
    as_date = WriteOnlyCell(sheet)
    as_date.number_format = DATE_FORMAT

    def text_cell(value: Any, font: Font | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=_cell_text(value))
        cell.data_type = "s"  # never a formula, whatever the text starts with
        cell._style = copy(as_text._style)
        if font is not None:
            cell.font = font
        return cell

    def date_cell(value: dt.date) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value.date() if isinstance(value, dt.datetime) else value)
        cell._style = copy(as_date._style)
        return cell

    def number_cell(value: int | float) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "0" if isinstance(value, int) else "0.0"
        return cell

    def cell_of(kind: str, value: Any) -> WriteOnlyCell:
        if kind == "date" and isinstance(value, dt.date):
            return date_cell(value)
        if kind == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return number_cell(value)
        return text_cell(value)

    bold = Font(bold=True)
    sheet.append([text_cell(doc.title, Font(bold=True, size=13))])
    sheet.append([text_cell(doc.office)])
    sheet.append([text_cell(c.header, bold) for c in doc.columns])
    kinds = [c.kind for c in doc.columns]
    for row in doc.rows:
        sheet.append([cell_of(kind, value) for kind, value in zip(kinds, row)])


def write_table(doc: TableDoc, path: str | Path, fmt: str) -> Path:
    """Write ``doc`` as ``fmt`` ("csv" or "xlsx")."""
    if fmt == "csv":
        return write_csv(doc, path)
    if fmt == "xlsx":
        return write_xlsx(doc, path)
    raise ValueError(f"unknown format {fmt!r}")


def _atomic(path: Path, write: Any) -> Path:
    """Write through a private temporary file next to ``path``, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)  # mkstemp made it readable by its owner only: the export holds personal data
    try:
        write(temp)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    return path
