"""The annual report's CSV and XLSX: a name or code a spreadsheet would run comes out as inert text."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook

from domain.taxonomy import ServiceArea, Taxonomy
from projections.report.flat import as_csv
from projections.report.model import KEY_FIGURES, TITLES
from projections.report.workbook import as_xlsx
from projections.spreadsheet_cells import inert
from services.office import TenantProfile

HOSTILE = [
    '=HYPERLINK("http://example.invalid","klikk")',
    "+2+3",
    "@SUM(1)",
    "-1+1",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",  # full-width: NFKC makes it `=`, and so may a spreadsheet
    "＋2+3",
    "－1+1",
    "＠SUM(1)",
    "﹦1+1",  # small equals sign
    "  =1+1",  # a reader that trims leading blanks runs what follows
    " \t+2",
    "\u00a0@SUM(1)",
    "\u200b=1+1",  # an invisible zero-width space first
    "\u3000＝1",
]


def profile(name: str) -> TenantProfile:
    areas = (ServiceArea("helse", "Helse"), *(ServiceArea(f"omr{i}", text) for i, text in enumerate(HOSTILE)))
    return TenantProfile(
        slug="prove",
        name=name,
        population=None,
        shares_statistics=True,
        taxonomies=[Taxonomy(1, date(2020, 1, 1), areas)],
        case_types=[("no_reply", "Ikke svar")],
        taxonomy_mappings={},
    )


def report() -> dict[str, Any]:
    figures: dict[str, Any] = dict.fromkeys(KEY_FIGURES, 3)
    figures["median_days_to_resolution"] = None
    figures["outside_mandate"] = -2  # never in practice: shows a negative number stays a number
    tables: dict[str, Any] = {key: {} for key in TITLES}
    tables["by_service_area"] = {"helse": 3, **{f"omr{i}": i + 1 for i in range(len(HOSTILE))}}
    tables["by_case_type"] = {text: 1 for text in HOSTILE}  # unknown codes are shown as they are
    return {"tenant": "prove", "year": 2024, "taxonomy_version": 1, "taxonomy_basis": "in_force_at_receipt"} | (
        figures | tables
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_a_spreadsheet_would_run_gets_a_leading_quote(text: str) -> None:
    assert inert(text) == "'" + text


@pytest.mark.parametrize("value", ["Helse", "2+3", "a=b", " Helse", "Ａ=1", "", None, 0, 17, -1, -2.5, 1.5])
def test_ordinary_text_and_every_number_stay_as_they_are(value: Any) -> None:
    assert inert(value) == value and type(inert(value)) is type(value)


def test_the_csv_has_no_cell_a_spreadsheet_would_run() -> None:
    rows = list(csv.reader(io.StringIO(as_csv(report()).lstrip("\ufeff"), newline=""), delimiter=";"))
    texts = [cell for row in rows for cell in row if not re.fullmatch(r"-?[0-9]+(,[0-9]+)?", cell)]
    assert not [cell for cell in texts if inert(cell) != cell and not cell.startswith("'")]
    for text in HOSTILE:
        assert ["Henvendelser etter sakstype", "'" + text, "1"] in rows
    assert ["Utenfor mandat", "", "-2"] in rows  # a number, not text: no quote


def test_the_xlsx_holds_hostile_names_as_text_and_figures_as_numbers() -> None:
    hostile_name = HOSTILE[0]
    book = load_workbook(io.BytesIO(as_xlsx(report(), profile(hostile_name))))
    cells = [cell for row in book.active.iter_rows() for cell in row if cell.value is not None]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = {cell.value for cell in cells if cell.data_type == "s"}
    for text in HOSTILE:
        assert "'" + text in texts  # the area's name and the unknown case-type code alike
    assert not [value for value in texts if inert(value) != value and not value.startswith("'")]
    assert book.active["A1"].value == f"'{hostile_name}: årsrapport 2024"
    numbers = {(row[0].value, row[1].value) for row in book.active.iter_rows() if row[1].data_type == "n"}
    assert ("Utenfor mandat", -2) in numbers and ("'+2+3", 2) in numbers
