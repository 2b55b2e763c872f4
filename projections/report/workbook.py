"""The annual report as an Excel workbook: key figures, every table with its note, native charts beside them.

Printed, it is landscape and one page wide, the title repeated on every page, each chart whole on one page.
openpyxl is heavy: projections.report.files imports this module when it renders.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor
from openpyxl.drawing.xdr import XDRPositiveSize2D
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.units import cm_to_EMU, pixels_to_EMU
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break

from domain.deadlines import today_in_norway
from projections.report.model import (
    figures_note,
    history_of,
    is_unfinished,
    key_figures,
    long_day,
    report_sections,
    taxonomy_note,
    year_label,
)
from projections.spreadsheet_cells import xlsx_row
from services.office import TenantProfile

_HEADER_FILL = PatternFill("solid", fgColor="DCE6F0")
_INTEGER = "#,##0"  # a space between thousands under a Norwegian locale: 1 234
_DECIMAL = "#,##0.0"  # 34,5
_SHARE = "0.0%"  # 32,0 %
_CHART_ROWS = 17  # a chart beside a table is 7,5 cm high: about this many rows
_WIDTHS = {"A": 60, "B": 12, "C": 12, "D": 12}  # the columns' widths in characters; E is the gap before the charts
# The printed page: A4 landscape with these margins (inches, as openpyxl takes them), one page wide.
_MARGINS = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.7, header=0.3, footer=0.3)
_PAGE_CM = (29.7, 21.0)
_CHART_CM = (16.0, 7.5)  # width, height
_ROW_CM = 0.53  # a row of the default 15 pt
_ROW_PT = 15.0
_NOTE_CHARACTERS = {9: 64, 11: 52}  # characters a line of column A holds at least, by font size


def rows_per_page() -> int:
    """How many rows one printed page holds at least, fitted one page wide: a chart that ends within these rows after
    a page break prints whole. (A low estimate: too low only breaks a page early.)"""
    columns_cm = sum((width * 7 + 5) / 96 * 2.54 for width in (*_WIDTHS.values(), 8.43))  # 7 px a character
    scale = min(1.0, (_PAGE_CM[0] - 2.54 * (_MARGINS.left + _MARGINS.right)) / (columns_cm + _CHART_CM[0]))
    high_cm = _PAGE_CM[1] - 2.54 * (_MARGINS.top + _MARGINS.bottom)
    return int(high_cm / (_ROW_CM * scale)) - 2  # headroom for the repeated title (Excel fits about 44, LibreOffice 54)


def as_xlsx(
    report: dict[str, Any], profile: TenantProfile, history: dict[str, Any] | None = None, today: date | None = None
) -> bytes:
    """Every cell through `xlsx_row`: a kommune or area name is text, never a formula. Charts sit beside their tables.

    A year not over by `today` (in Norway unless given) is reported «so far» beside the whole year before.
    """
    previous, totals = history_of(history)
    year = report["year"]
    today = today or today_in_norway()
    unfinished = is_unfinished(year, today)
    book = Workbook()
    sheet = book.active
    sheet.title = f"Årsrapport {year}"
    heading = f"{profile.name}: årsrapport {year}" + (f", hittil i år (per {long_day(today)})" if unfinished else "")
    sheet.append(xlsx_row(sheet, [heading]))
    sheet["A1"].font = Font(bold=True, size=14)
    _xlsx_note(sheet, taxonomy_note(report), size=11)
    sheet.append([None])  # a blank row that counts in max_row
    if unfinished:
        _xlsx_header(sheet, ["Nøkkeltall", year_label(year, True), f"Hele {year - 1}"])
    else:
        _xlsx_header(sheet, ["Nøkkeltall", str(year), str(year - 1), "Endring"])
    for figure in key_figures(report, previous, unfinished=unfinished):
        values = [figure.title, figure.value, figure.previous] + ([] if unfinished else [figure.change])
        sheet.append(xlsx_row(sheet, values))
        for cell in sheet[sheet.max_row][1:]:
            cell.number_format = _DECIMAL if isinstance(cell.value, float) else _INTEGER
    _xlsx_note(sheet, figures_note(year, today, unfinished=unfinished, has_previous=previous is not None))
    free_from = 0  # the first row below the last chart
    page_from = 1  # the first row after the last page break
    per_page = rows_per_page()
    if len(totals) > 1:
        page_from = _block(sheet, max(len(totals) + 1, _CHART_ROWS), page_from, free_from, per_page, charted=True)
        top = _xlsx_header(sheet, ["Henvendelser per år", "Antall"])
        for each, count in totals.items():
            sheet.append(xlsx_row(sheet, [year_label(each, is_unfinished(each, today)), count]))
            sheet.cell(sheet.max_row, 2).number_format = _INTEGER
        chart = LineChart()
        chart.add_data(Reference(sheet, min_col=2, min_row=top, max_row=sheet.max_row), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=top + 1, max_row=sheet.max_row))
        _chart_look(chart, "Henvendelser per år")
        _place(sheet, chart, top)
        free_from = top + _CHART_ROWS
    for section in report_sections(report, profile):
        for table in section.tables:
            # the table (its header, rows and note) and its chart on one page, unless the table is longer than a page
            length = max(len(table.rows) + 2, _CHART_ROWS if table.chart_label else 0)
            page_from = _block(sheet, length, page_from, free_from, per_page, charted=bool(table.chart_label))
            top = _xlsx_header(sheet, [table.title, "Antall", *(["Andel"] if table.share_of is not None else [])])
            for name, count in table.rows:
                shares = [count / table.share_of if table.share_of else None] if table.share_of is not None else []
                sheet.append(xlsx_row(sheet, [name, count, *shares]))
                sheet.cell(sheet.max_row, 2).number_format = _INTEGER
                if shares:
                    sheet.cell(sheet.max_row, 3).number_format = _SHARE
            last = sheet.max_row
            _xlsx_note(sheet, table.note)
            if table.chart_label:
                chart = BarChart()
                chart.type = "bar"
                chart.add_data(Reference(sheet, min_col=2, min_row=top, max_row=last), titles_from_data=True)
                chart.set_categories(Reference(sheet, min_col=1, min_row=top + 1, max_row=last))
                chart.y_axis.scaling.orientation = "minMax"
                chart.x_axis.scaling.orientation = "maxMin"  # the largest on top, as in the table
                _chart_look(chart, table.title)
                _place(sheet, chart, top)
                free_from = top + _CHART_ROWS
    for column, width in _WIDTHS.items():
        sheet.column_dimensions[column].width = width
    _print_setup(sheet, f"Årsrapport {year} · {profile.name}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _block(sheet: Any, length: int, page_from: int, free_from: int, per_page: int, *, charted: bool) -> int:
    """A blank row before a table of `length` rows, and a page break before it unless it fits on the page with the
    rows above; returns the first row of the page the table starts on.

    A table with a chart starts below the chart before (charts never overlap), and a page break never falls beside a
    chart. Rows count by their height (a wrapped note is as high as its lines), rows not yet written as one each.
    """
    sheet.append([None])  # a blank row that counts in max_row
    if charted:
        _pad(sheet, free_from)
    ends = sheet.max_row + length
    high = sum((sheet.row_dimensions[row].height or _ROW_PT) / _ROW_PT for row in range(page_from, ends + 1))
    if high < per_page:
        return page_from
    _pad(sheet, free_from)
    sheet.row_breaks.append(Break(id=sheet.max_row))
    return sheet.max_row + 1


def _pad(sheet: Any, free_from: int) -> None:
    while sheet.max_row + 1 < free_from:
        sheet.append([None])


def _print_setup(sheet: Any, footer: str) -> None:
    """A4 landscape, one page wide and as many high as it takes, the title row on every page, the page numbered."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = _MARGINS
    sheet.print_title_rows = "1:1"
    sheet.print_options.gridLines = False
    sheet.oddFooter.left.text = footer.replace("&", "&&")  # & starts a header code
    sheet.oddFooter.right.text = "Side &P av &N"


def _xlsx_header(sheet: Any, values: list[str]) -> int:
    sheet.append(xlsx_row(sheet, values))
    row = sheet.max_row
    for index, cell in enumerate(sheet[row]):
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        if index:
            cell.alignment = Alignment(horizontal="right")
    return row


def _xlsx_note(sheet: Any, text: str, size: int = 9) -> None:
    """Text under a table, wrapped within column A and as high as its lines, so the print stays one page wide."""
    sheet.append(xlsx_row(sheet, [text]))
    cell = sheet.cell(sheet.max_row, 1)
    cell.font = Font(italic=size == 9, size=size)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    lines = -(-len(text) // _NOTE_CHARACTERS[size])
    sheet.row_dimensions[sheet.max_row].height = max(_ROW_PT, lines * size * 1.3 + 3)


def _place(sheet: Any, chart: Any, row: int) -> None:
    """The chart in column F from `row`, a few points down: an edge on a page break would print on the page before."""
    at = AnchorMarker(col=5, colOff=0, row=row - 1, rowOff=pixels_to_EMU(4))
    chart.anchor = OneCellAnchor(_from=at, ext=XDRPositiveSize2D(cm_to_EMU(chart.width), cm_to_EMU(chart.height)))
    sheet.add_chart(chart)


def _chart_look(chart: Any, title: str) -> None:
    chart.title = title
    chart.legend = None
    chart.height, chart.width = 7.5, 16
    chart.y_axis.number_format = _INTEGER
    chart.x_axis.delete = False  # openpyxl hides both axes unless told otherwise
    chart.y_axis.delete = False
