"""Every format of the annual report renders the one model: the same tables, titles and order, one number writer."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import docx
from openpyxl import load_workbook

from domain.taxonomy import ServiceArea, Taxonomy
from projections.report.files import FORMATS, render
from projections.report.model import FIGURE_NAMES, TITLES, repeats, report_sections
from projections.report.numbers import number, percent, share, signed
from services.office import TenantProfile
from web.i18n import template_environment
from web.statistics_view import sections

HELSE, OMSORG = ServiceArea("helse", "Helse"), ServiceArea("omsorg", "Omsorg", parent="helse")
NAV = ServiceArea("nav", "NAV")
TEMPLATES = Path(__file__).parents[2] / "web" / "templates"


def profile() -> TenantProfile:
    return TenantProfile(
        slug="prove",
        name="Prøveby kommune",
        population=None,
        shares_statistics=True,
        taxonomies=[Taxonomy(1, date(2020, 1, 1), (HELSE, OMSORG, NAV))],
        case_types=[("no_reply", "Ikke svar")],
        taxonomy_mappings={},
    )


def report(**changes: Any) -> dict[str, Any]:
    """A year where every table has rows and no area table repeats the one before it: all nine are shown."""
    figures: dict[str, Any] = {
        "tenant": "prove",
        "year": 2023,
        "taxonomy_version": 1,
        "taxonomy_basis": "in_force_at_receipt",
        "total": 10,
        "by_service_area": {"omsorg": 6, "nav": 5, "helse": 1},
        "by_parent_area": {"helse": 7, "nav": 5},
        "by_primary_area": {"omsorg": 5, "nav": 4, "helse": 1},
        "by_case_type": {"no_reply": 10},
        "by_channel": {"phone": 6, "email": 4},
        "by_requester": {"user": 9, "relative": 1},
        "forwarded": {"county_governor": 2},
        "complaint_outcomes": {"upheld": 1},
        "outside_mandate": 1,
        "meetings_held": 2,
        "complaints_sent": 1,
        "interim_replies": 3,
        "resolved": 8,
        "open_at_year_end": 2,
        "median_days_to_resolution": 12.5,
        "p90_days_to_resolution": 30.0,
        "median_days_to_first_response": 2.0,
        "p90_days_to_first_response": 4.0,
        "outreach": {"talk": 2},
        "outreach_participants": 40,
    }
    return figures | changes


def model_titles(figures: dict[str, Any]) -> list[str]:
    return [table.title for section in report_sections(figures, profile()) for table in section.tables]


def docx_titles(content: bytes) -> list[str]:
    """The captions of the tables of counts: «Tabell n: title», past the key figures and the totals per year."""
    document = docx.Document(io.BytesIO(content))
    captions = [p.text.split(": ", 1)[1] for p in document.paragraphs if p.text.startswith("Tabell ")]
    return [title for title in captions if not title.startswith(("Nøkkeltall", "Henvendelser per år"))]


def xlsx_titles(content: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(content)).active
    headers = [row[0].value for row in sheet.iter_rows() if len(row) > 1 and row[1].value == "Antall"]
    return [title for title in headers if title != "Henvendelser per år"]


def csv_titles(content: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(content.decode().lstrip("\ufeff"), newline=""), delimiter=";")
    return list(dict.fromkeys(row[0] for row in rows if row[0] in TITLES.values()))


def page_titles(figures: dict[str, Any]) -> list[str]:
    macro = template_environment(TEMPLATES).get_template("statistics/_tables.html").module.count_table
    html = "".join(str(macro(table, "")) for section in sections(figures, profile()) for table in section.tables)
    return [part.split("</h4>")[0] for part in html.split('<h4 class="ds-heading" data-size="xs">')[1:]]


def test_every_format_shows_the_models_tables_under_the_models_titles_in_its_order() -> None:
    figures = report()
    expected = list(TITLES.values())  # every table has rows and none repeats: all of them, in TITLES' order
    assert model_titles(figures) == expected
    assert docx_titles(render("docx", figures, profile())) == expected
    assert xlsx_titles(render("xlsx", figures, profile())) == expected
    assert page_titles(figures) == expected
    assert sorted(csv_titles(render("csv", figures, profile()))) == sorted(expected)  # the CSV keeps the data's order


def test_an_area_table_that_repeats_the_one_before_is_left_out_of_the_page_and_the_documents() -> None:
    flat = {"omsorg": 6, "nav": 5}
    figures = report(by_primary_area=flat, by_service_area=flat, by_parent_area={"helse": 6, "nav": 5})
    assert repeats(figures, "by_service_area") and not repeats(figures, "by_parent_area")
    expected = [title for key, title in TITLES.items() if key != "by_service_area"]
    assert model_titles(figures) == expected
    assert docx_titles(render("docx", figures, profile())) == expected
    assert xlsx_titles(render("xlsx", figures, profile())) == expected
    assert page_titles(figures) == expected

    one_level = report(by_parent_area={"omsorg": 6, "nav": 5, "helse": 1})  # as the areas themselves
    assert [t for t in model_titles(one_level) if "hovedområde" in t] == []


def test_every_table_and_figure_the_csv_names_has_one_bokmal_name() -> None:
    assert set(TITLES.values()) <= set(FIGURE_NAMES.values())
    assert len(set(FIGURE_NAMES.values())) == len(FIGURE_NAMES)


def test_one_number_writer_for_the_page_and_the_files() -> None:
    filters = template_environment(TEMPLATES).filters
    for value in (0, 7, 1234, 34.5, -3, 1234567.25):
        assert filters["number"](value) == number(value)
    for value in (12, -3, 2.5, 0):
        assert filters["change"](value) == signed(value)
    assert filters["percent"](1 / 3) == percent(1 / 3) == share(1, 3) == "33,3\xa0%"
    assert (number(None), signed(None), share(1, 0)) == ("–", "–", "–")
    assert (number(1234), signed(-3)) == ("1\xa0234", "\u22123")


def test_importing_the_web_app_and_the_report_model_loads_no_document_library() -> None:
    """python-docx, openpyxl and matplotlib take seconds to import: only rendering a file imports them."""
    heavy = ("openpyxl", "matplotlib", "numpy")
    probe = (
        "import sys, web.app, web.statistics, web.network, infra.cli, projections.report.files, "
        "projections.report.model, projections.network_report_files; "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    assert loaded.strip() == "[]"
    assert set(FORMATS) == {"json", "csv", "xlsx", "docx"}


def test_an_enquirer_nobody_stated_counts_as_ikke_oppgitt_never_as_service_recipient() -> None:
    """The public form leaves «who is writing» optional; a code the names no longer know counts with them."""
    figures = report(by_requester={"user": 5, "not_stated": 3, "retired-code": 2})
    [table] = [t for section in report_sections(figures, profile()) for t in section.tables if t.key == "by_requester"]
    assert table.rows == (("Ikke oppgitt", 5), ("Tjenestemottaker", 5))
