"""The annual report as an Excel workbook and as a Word draft the ombud edits, with the tables filled in."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from openpyxl import Workbook
from openpyxl.styles import Font

from domain.names import CODE_NAMES, TAXONOMY_BASIS_NAMES
from projections.spreadsheet_cells import xlsx_row
from services.office import TenantProfile

TITLES = {
    "by_service_area": "Henvendelser per tjenesteområde (alle berørte områder)",
    "by_parent_area": "Henvendelser per hovedområde",
    "by_primary_area": "Henvendelser per hovedtjenesteområde (summerer til totalen)",
    "by_case_type": "Henvendelser per sakstype",
    "by_channel": "Henvendelser per kanal",
    "by_requester": "Hvem henvendte seg",
    "forwarded": "Videresendt / henvist til",
    "complaint_outcomes": "Utfall av klager",
    "outreach": "Utadrettet virksomhet",
}
KEY_FIGURES = {
    "total": "Henvendelser mottatt",
    "outside_mandate": "Utenfor mandat",
    "meetings_held": "Møter holdt",
    "complaints_sent": "Klager sendt",
    "interim_replies": "Foreløpige svar (fvl. § 11 a)",
    "resolved": "Avsluttet",
    "open_at_year_end": "Åpne ved årsslutt",
    "median_days_to_resolution": "Median dager til avslutning",
    "median_days_to_first_response": "Median dager til første svar",
    "outreach_participants": "Deltakere på utadrettet virksomhet",
}

# Every figure of the report by name, where a figure is listed on its own (what changed since a delivery).
FIGURE_NAMES = {
    **KEY_FIGURES,
    **TITLES,
    "p90_days_to_resolution": "90-persentil dager til avslutning",
    "p90_days_to_first_response": "90-persentil dager til første svar",
    "taxonomy_version": "Taksonomiversjon",
}


def labels(profile: TenantProfile) -> dict[str, str]:
    """Names for the codes on pages and in reports: the fixed codes, areas of every taxonomy version, case types."""
    names = dict(CODE_NAMES)
    names.update({area.code: area.name for taxonomy in profile.taxonomies for area in taxonomy.areas})
    names.update(dict(profile.case_types))
    return names


def as_xlsx(report: dict[str, Any], profile: TenantProfile) -> bytes:
    """Every cell through `xlsx_row`: a kommune or area name is text, never a formula."""
    names = labels(profile)
    book = Workbook()
    sheet = book.active
    sheet.title = f"Årsrapport {report['year']}"
    bold = Font(bold=True)
    sheet.append(xlsx_row(sheet, [f"{profile.name}: årsrapport {report['year']}"]))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(xlsx_row(sheet, [f"Taksonomi versjon {report['taxonomy_version']} ({_basis(report)})"]))
    sheet.append([])
    sheet.append(xlsx_row(sheet, ["Nøkkeltall", "Antall"]))
    for key, title in KEY_FIGURES.items():
        sheet.append(xlsx_row(sheet, [title, report[key]]))
    for key, title in TITLES.items():
        sheet.append([])
        sheet.append(xlsx_row(sheet, [title, "Antall"]))
        sheet.cell(sheet.max_row, 1).font = bold
        for code, count in report[key].items():
            sheet.append(xlsx_row(sheet, [names.get(code, code), count]))
    sheet.column_dimensions["A"].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_docx(report: dict[str, Any], profile: TenantProfile) -> bytes:
    names = labels(profile)
    document = Document()
    document.add_heading(f"Årsrapport {report['year']} – {profile.name}", level=0)
    document.add_paragraph("[Utkast. Skriv innledning: ombudets mandat, året som gikk og de viktigste funnene.]")
    document.add_heading("Nøkkeltall", level=1)
    _table(document, [(title, report[key]) for key, title in KEY_FIGURES.items()], ("", "Antall"))
    for key, title in TITLES.items():
        if report[key]:
            document.add_heading(title, level=1)
            _table(document, [(names.get(code, code), count) for code, count in report[key].items()], ("", "Antall"))
    document.add_paragraph(
        f"Tallene gjelder henvendelser mottatt i {report['year']}. Per område telles hvert område en henvendelse "
        f"berører, så summen kan overstige totalen ({report['total']}). Taksonomi versjon "
        f"{report['taxonomy_version']}."
    )
    document.add_heading("Anbefalinger", level=1)
    document.add_paragraph("[Skriv ombudets anbefalinger til kommunen.]")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _basis(report: dict[str, Any]) -> str:
    """Which taxonomy version each inquiry counts under, in Norwegian."""
    return TAXONOMY_BASIS_NAMES.get(report["taxonomy_basis"], report["taxonomy_basis"])


def _table(document: Any, rows: list[tuple[str, Any]], header: tuple[str, str]) -> None:
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = header
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = str(label)
        cells[1].text = "" if value is None else str(value)
