"""A year not over is reported «so far» in every file, as on the statistics page; the figures say what they count."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import docx
from openpyxl import load_workbook

from projections.report.docx_draft import as_docx
from projections.report.flat import as_csv
from projections.report.model import KEY_FIGURES, SO_FAR, key_figures
from projections.report.workbook import as_xlsx
from tests.unit.test_report_documents import history, profile, report

RUNNING = date(2023, 9, 14)  # 2023, the report's year, is not over
OVER = date(2024, 2, 1)


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells).replace("\xa0", " ")


def key_table(content: bytes) -> list[list[str]]:
    document = docx.Document(io.BytesIO(content))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Nøkkeltall")
    return [[cell.text.replace("\xa0", " ") for cell in row.cells] for row in table.rows]


def sheet_rows(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_csv_names_areas_case_types_and_outreach_as_the_workbook_does_and_no_code() -> None:
    rows = csv_rows(as_csv(report(), profile(), OVER))
    named = {(row[0], row[1]) for row in rows}
    assert ("Henvendelser etter tjenesteområde (primært område)", "Plan og bygg") in named
    assert ("Henvendelser etter sakstype", "Bistand til klage") in named
    assert ("Henvendelser etter kanal", "Telefon") in named
    assert ("Utadrettet virksomhet etter type", "Informasjonsmøte") in named
    codes = {"plan", "helse", "complaint", "no_reply", "quality", "phone", "talk", "information_meeting", "upheld"}
    assert not [row for row in rows if row[1] in codes]


def test_the_csv_of_a_hostile_area_name_stays_text_and_an_unknown_code_stays_as_it_is() -> None:
    hostile = report(by_primary_area={"plan": 1, "ukjent": 2})
    named = profile()
    areas = (*named.taxonomies[0].areas,)
    hostile_area = type(areas[0])("plan", '=HYPERLINK("x")')
    tainted = type(named)(
        **{**named.__dict__, "taxonomies": [type(named.taxonomies[0])(1, date(2020, 1, 1), (hostile_area,))]}
    )
    rows = csv_rows(as_csv(hostile, tainted, OVER))
    assert ["Henvendelser etter tjenesteområde (primært område)", '\'=HYPERLINK("x")', "1"] in rows
    assert ["Henvendelser etter tjenesteområde (primært område)", "ukjent", "2"] in rows


def test_a_finished_year_says_what_closed_and_open_count_so_they_can_not_read_as_a_contradiction() -> None:
    text = docx_text(as_docx(report(), profile(), history(), OVER))
    assert "Avsluttet innen rapporten ble laget" in text
    assert "Åpne ved årsslutt, også fra tidligere år" in text
    assert "var avsluttet 1. februar 2024, også de som ble avsluttet etter årsskiftet" in text
    assert "som ikke var avsluttet 31. desember 2023" in text
    assert "mot 1 200 året før (+330)" in text  # a whole year against a whole year: compared
    header, first, *_ = key_table(as_docx(report(), profile(), history(), OVER))
    assert header == ["Nøkkeltall", "2023", "2022", "Endring"] and first == [
        "Henvendelser mottatt",
        "1 530",
        "1 200",
        "+330",
    ]


def test_a_running_year_is_set_beside_the_whole_year_before_and_never_compared_with_it() -> None:
    content = as_docx(report(total=144), profile(), history(), RUNNING)
    text = docx_text(content)
    assert "mot 1 200 året før" not in text and "(−" not in text and "Endring" not in key_table(content)[0]
    assert "Hittil i 2023, per 14. september 2023, har ombudet mottatt 144 henvendelser. I hele 2022 mottok" in text
    assert "Åpne ved årsslutt" not in text
    header, first, *rest = key_table(content)
    assert header == ["Nøkkeltall", "2023 (hittil i år)", "Hele 2022"]
    assert first == ["Henvendelser mottatt hittil i år", "144", "1 200"]
    assert ["Åpne nå, også fra tidligere år", "130", "130"] in rest
    assert "Et år som ikke er over, sammenlignes ikke med et helt år: ved siden av tallene står hele 2022." in text
    assert "2023 er ikke over: tallene gjelder hittil i år, per 14. september 2023." in text  # on the cover
    trend = docx.Document(io.BytesIO(content)).tables
    years = next(t for t in trend if t.rows[0].cells[0].text == "År")
    assert [c.text for c in years.rows[-1].cells] == ["2023 (hittil i år)", "1\xa0530", "–"]


def test_the_workbook_and_the_csv_of_a_running_year_use_the_same_titles_and_no_change() -> None:
    rows = sheet_rows(as_xlsx(report(total=144), profile(), history(), RUNNING))
    header = next(row for row in rows if row[0] == "Nøkkeltall")
    assert [value for value in header if value is not None] == ["Nøkkeltall", "2023 (hittil i år)", "Hele 2022"]
    total = next(row for row in rows if row[0] == "Henvendelser mottatt hittil i år")
    assert [value for value in total if value is not None] == ["Henvendelser mottatt hittil i år", 144, 1200]
    assert ["2023 (hittil i år)", 1530] in [row[:2] for row in rows]
    assert any(isinstance(row[0], str) and "sammenlignes ikke med et helt år" in row[0] for row in rows)
    flat = csv_rows(as_csv(report(total=144), profile(), RUNNING))
    assert ["Henvendelser mottatt hittil i år", "", "144"] in flat
    assert ["Åpne nå, også fra tidligere år", "", "130"] in flat
    finished = csv_rows(as_csv(report(), profile(), OVER))
    assert ["Avsluttet innen rapporten ble laget", "", "1400"] in finished
    assert ["Åpne ved årsslutt, også fra tidligere år", "", "130"] in finished


def test_a_running_years_key_figures_have_no_change_and_a_finished_years_have() -> None:
    now, before = report(), report(2022, 1200)
    assert {f.change for f in key_figures(now, before, KEY_FIGURES, unfinished=True)} == {None}
    running = key_figures(now, before, unfinished=True)
    assert [f.title for f in running if f.key in SO_FAR] == list(SO_FAR.values())
    assert key_figures(now, before)[0].change == 330
