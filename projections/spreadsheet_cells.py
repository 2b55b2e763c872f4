"""One home for OWASP's rule against formula injection, which every CSV and XLSX export follows."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl is heavy: imported when a workbook is written (xlsx_row), not with the CSV rules
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

# A spreadsheet reads a cell that begins with one of these as a formula (tab and CR: some readers strip them first).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: Any) -> Any:
    """Text that a spreadsheet would run gets a leading single quote; numbers (negative ones too) stay numbers.

    Judged as a spreadsheet may read it: after NFKC (full-width `＝` is `=`) and past leading blanks and invisible
    format characters (a reader that trims `  =1+1` runs it), so those begin with a quote too.
    """
    if isinstance(value, str) and _significant(value).startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _significant(text: str) -> str:
    """The text from its first character that is neither blank nor invisible, in NFKC."""
    normal = unicodedata.normalize("NFKC", text)
    start = 0
    while start < len(normal) and normal[start] not in FORMULA_STARTS and _blank(normal[start]):
        start += 1
    return normal[start:]


def _blank(character: str) -> bool:
    return character.isspace() or unicodedata.category(character) in ("Cf", "Zs")


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A CSV row with every cell inert, and decimals with a comma (34,5) as a Norwegian spreadsheet reads them."""
    return [decimal_comma(value) if isinstance(value, float) else inert(value) for value in values]


def decimal_comma(value: float) -> str:
    """A number, not text, so never quoted: -2,5 stays a negative number."""
    return repr(value).replace(".", ",")


def xlsx_row(sheet: Worksheet, values: Iterable[Any]) -> list[Cell]:
    """Cells for `sheet.append`: text typed as text (never a formula, whatever it begins with), numbers as numbers."""
    from openpyxl.cell.cell import Cell

    cells = []
    for value in values:
        cell = Cell(sheet, value=inert(value))
        if isinstance(cell.value, str):
            cell.data_type = "s"
        cells.append(cell)
    return cells
