"""The annual report as an Excel workbook: key figures, every table with its note, native charts beside them.

openpyxl is heavy: projections.report.files imports this module when it renders.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill

from projections.report.model import history_of, key_figures, report_sections, taxonomy_note
from projections.spreadsheet_cells import xlsx_row
from services.office import TenantProfile

_HEADER_FILL = PatternFill("solid", fgColor="DCE6F0")
_INTEGER = "#,##0"  # a space between thousands under a Norwegian locale: 1 234
_DECIMAL = "#,##0.0"  # 34,5
_SHARE = "0.0%"  # 32,0 %
_CHART_ROWS = 17  # a chart beside a table is 7,5 cm high: about this many rows


def as_xlsx(report: dict[str, Any], profile: TenantProfile, history: dict[str, Any] | None = None) -> bytes:
    """Every cell through `xlsx_row`: a kommune or area name is text, never a formula. Charts sit beside their tables."""
    previous, totals = history_of(history)
    year = report["year"]
    book = Workbook()
    sheet = book.active
    sheet.title = f"Årsrapport {year}"
    sheet.append(xlsx_row(sheet, [f"{profile.name}: årsrapport {year}"]))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(xlsx_row(sheet, [taxonomy_note(report)]))
    sheet.append([])
    _xlsx_header(sheet, ["Nøkkeltall", str(year), str(year - 1), "Endring"])
    for figure in key_figures(report, previous):
        sheet.append(xlsx_row(sheet, [figure.title, figure.value, figure.previous, figure.change]))
        for cell in sheet[sheet.max_row][1:]:
            cell.number_format = _DECIMAL if isinstance(cell.value, float) else _INTEGER
    if previous is None:
        _xlsx_note(sheet, f"Ingen henvendelser er registrert i {year - 1} å sammenligne med.")
    free_from = 0  # the first row below the last chart
    if len(totals) > 1:
        sheet.append([])
        top = _xlsx_header(sheet, ["Henvendelser per år", "Antall"])
        for each, count in totals.items():
            sheet.append(xlsx_row(sheet, [str(each), count]))
            sheet.cell(sheet.max_row, 2).number_format = _INTEGER
        chart = LineChart()
        chart.add_data(Reference(sheet, min_col=2, min_row=top, max_row=sheet.max_row), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=top + 1, max_row=sheet.max_row))
        _chart_look(chart, "Henvendelser per år")
        sheet.add_chart(chart, f"F{top}")
        free_from = top + _CHART_ROWS
    for section in report_sections(report, profile):
        for table in section.tables:
            sheet.append([])
            if table.chart_label:
                while sheet.max_row + 1 < free_from:  # below the chart before: charts never overlap
                    sheet.append([None])
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
                sheet.add_chart(chart, f"F{top}")
                free_from = top + _CHART_ROWS
    sheet.column_dimensions["A"].width = 60
    for column in "BCD":
        sheet.column_dimensions[column].width = 12
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_header(sheet: Any, values: list[str]) -> int:
    sheet.append(xlsx_row(sheet, values))
    row = sheet.max_row
    for index, cell in enumerate(sheet[row]):
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        if index:
            cell.alignment = Alignment(horizontal="right")
    return row


def _xlsx_note(sheet: Any, text: str) -> None:
    sheet.append(xlsx_row(sheet, [text]))
    sheet.cell(sheet.max_row, 1).font = Font(italic=True, size=9)


def _chart_look(chart: Any, title: str) -> None:
    chart.title = title
    chart.legend = None
    chart.height, chart.width = 7.5, 16
    chart.y_axis.number_format = _INTEGER
    chart.x_axis.delete = False  # openpyxl hides both axes unless told otherwise
    chart.y_axis.delete = False
