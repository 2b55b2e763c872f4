"""The annual report's workbook printed: A4 landscape, one page wide, the title on every page, each chart whole."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from projections.report.workbook import _CHART_ROWS, as_xlsx, rows_per_page
from tests.unit.helpers import libreoffice_pdf
from tests.unit.test_report_documents import history, profile, report

MANY_AREAS = {f"omrade{n}": 100 - n for n in range(30)}  # a long table: longer than a printed page


def sheet_of(content: bytes) -> Any:
    return load_workbook(io.BytesIO(content)).active


def pages(sheet: Any) -> list[tuple[int, int]]:
    """The rows of each page as the manual breaks divide them (a page may also end earlier, where the sheet does)."""
    starts = [1, *(brk.id + 1 for brk in sheet.row_breaks.brk)]
    return list(zip(starts, [*(start - 1 for start in starts[1:]), 10_000], strict=True))


def chart_rows(sheet: Any) -> list[int]:
    return [chart.anchor._from.row + 1 for chart in sheet._charts]  # openpyxl counts anchors from 0


def height(sheet: Any, first: int, last: int) -> float:
    return sum((sheet.row_dimensions[row].height or 15) / 15 for row in range(first, last + 1))


@pytest.mark.parametrize(
    "figures", [report(), report(by_primary_area=MANY_AREAS, by_service_area=MANY_AREAS, by_parent_area=MANY_AREAS)]
)
def test_the_workbook_prints_landscape_one_page_wide_with_the_title_repeated(figures: dict[str, Any]) -> None:
    sheet = sheet_of(as_xlsx(figures, profile(), history()))
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$1:$1" and sheet["A1"].value.startswith("Prøveby kommune: årsrapport")
    assert "&P" in sheet.oddFooter.right.text
    # every note wraps within column A: nothing runs out to the right and widens the page
    notes = [row[0] for row in sheet.iter_rows() if row[0].font.italic]
    assert notes and all(cell.alignment.wrap_text and sheet.row_dimensions[cell.row].height for cell in notes)


@pytest.mark.parametrize(
    "figures", [report(), report(by_primary_area=MANY_AREAS, by_service_area=MANY_AREAS, by_parent_area=MANY_AREAS)]
)
def test_each_chart_starts_and_ends_within_one_printed_page(figures: dict[str, Any]) -> None:
    sheet = sheet_of(as_xlsx(figures, profile(), history()))
    charts = chart_rows(sheet)
    assert len(charts) == 3  # per year, primary area (or top-level), case type
    for top in charts:
        first, last = next((first, last) for first, last in pages(sheet) if first <= top <= last)
        assert top + _CHART_ROWS - 1 <= last, f"the chart at row {top} runs past the break after row {last}"
        assert height(sheet, first, top + _CHART_ROWS - 1) < rows_per_page(), f"the chart at row {top} may not fit"


def test_a_table_that_fits_on_a_page_is_not_split_by_the_page_break_before_its_chart() -> None:
    sheet = sheet_of(as_xlsx(report(), profile(), history()))
    headers = [
        row[0].row for row in sheet.iter_rows() if row[0].font.bold and row[0].fill.fgColor.rgb.endswith("DCE6F0")
    ]
    for first, _ in pages(sheet)[1:]:
        assert any(first <= header <= first + 1 for header in headers)  # every manual page starts with a table


def pdf_pages(tmp_path: Path, content: bytes) -> list[str]:
    pdf = libreoffice_pdf(tmp_path, "arsrapport.xlsx", content)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])  # type: ignore[index]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    printed = text.split("\f")[:count]
    assert len(printed) == count
    return printed


@pytest.mark.skipif(
    not (shutil.which("libreoffice") and shutil.which("pdftotext") and shutil.which("pdfinfo")),
    reason="libreoffice or poppler-utils is not installed",
)
def test_libreoffice_prints_the_workbook_with_labels_beside_their_numbers_and_each_chart_whole(tmp_path: Path) -> None:
    printed = pdf_pages(tmp_path, as_xlsx(report(), profile(), history()))
    assert len(printed) <= 3  # it was eight: labels on one page, their numbers on another
    assert all("Prøveby kommune: årsrapport 2023" in page for page in printed)  # the title on every page
    whole = "\n".join(printed)
    for label, value in (("Henvendelser mottatt", "530"), ("Avsluttet innen rapporten ble laget", "400")):
        line = next(line for line in whole.splitlines() if line.strip().startswith(label))
        assert value in line, line  # on the same line, so on the same page
    # (Whether a chart prints whole is judged on the sheet above: LibreOffice writes a chart's text, clipped, into
    # the PDF of every page its anchor touches, so the text of the PDF can not tell.)
