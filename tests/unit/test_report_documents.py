"""The annual report's DOCX, XLSX and CSV read like a report to the council: captions, Norwegian numbers, charts."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from openpyxl import load_workbook

from domain.taxonomy import ServiceArea, Taxonomy
from projections.report.docx_draft import as_docx
from projections.report.flat import as_csv
from projections.report.workbook import as_xlsx
from services.office import TenantProfile
from tests.unit.helpers import libreoffice_pdf

AREAS = {"helse": "Helse", "plan": "Plan og bygg", "skole": "Skole og barnehage", "nav": "NAV", "annet": "Annet"}
CASE_TYPES = [("complaint", "Bistand til klage"), ("quality", "Kvalitet"), ("no_reply", "Ikke svar")]


def profile() -> TenantProfile:
    areas = tuple(ServiceArea(code, name) for code, name in AREAS.items())
    return TenantProfile(
        slug="prove",
        name="Prøveby kommune",
        population=None,
        shares_statistics=True,
        taxonomies=[Taxonomy(1, date(2020, 1, 1), areas)],
        case_types=CASE_TYPES,
        taxonomy_mappings={},
    )


def report(year: int = 2023, total: int = 1530, **changes: Any) -> dict[str, Any]:
    all_areas = {"helse": 490, "plan": 310, "skole": 220, "nav": 560, "annet": 40}
    figures: dict[str, Any] = {
        "tenant": "prove",
        "year": year,
        "taxonomy_version": 1,
        "taxonomy_basis": "in_force_at_receipt",
        "total": total,
        "by_service_area": all_areas,
        "by_parent_area": all_areas,
        "by_primary_area": {"helse": 470, "plan": 300, "skole": 210, "nav": 510, "annet": 40},
        "by_case_type": {"complaint": 540, "quality": 440, "no_reply": 300},
        "by_channel": {"phone": 800, "email": 730},
        "by_requester": {"user": 1000, "relative": 530},
        "forwarded": {"county_governor": 5},
        "complaint_outcomes": {"upheld": 3, "rejected": 2},
        "outside_mandate": 12,
        "meetings_held": 40,
        "complaints_sent": 20,
        "interim_replies": 30,
        "resolved": 1400,
        "open_at_year_end": 130,
        "median_days_to_resolution": 34.5,
        "p90_days_to_resolution": 80.0,
        "median_days_to_first_response": 3.0,
        "p90_days_to_first_response": 9.5,
        "outreach": {"talk": 5, "information_meeting": 4},
        "outreach_participants": 1234,
    }
    return figures | changes


def history() -> dict[str, Any]:
    before = report(2022, 1200, median_days_to_resolution=30.0)
    return {"previous": before, "totals_by_year": {2020: 950, 2021: 1010, 2022: 1200, 2023: 1530}}


def opened(report_: dict[str, Any], history_: dict[str, Any] | None = None) -> Any:
    return docx.Document(io.BytesIO(as_docx(report_, profile(), history_)))


@pytest.fixture(scope="module")
def drafted() -> bytes:
    """The draft of a year with a year before: rendered once, as each rendering draws three charts."""
    return as_docx(report(), profile(), history())


@pytest.fixture
def document(drafted: bytes) -> Any:
    return docx.Document(io.BytesIO(drafted))


def texts(document: Any) -> list[str]:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return [p.text for p in document.paragraphs] + cells


def data_tables(document: Any) -> list[Any]:
    """The tables of figures; a chart sits in a one-cell frame that keeps it with its caption and heading."""
    return [table for table in document.tables if len(table.columns) > 1]


def all_paragraphs(document: Any) -> list[Any]:
    cells = [p for table in document.tables for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return list(document.paragraphs) + cells


def table_after(document: Any, caption: str) -> Any:
    """The table that follows the caption paragraph that starts with `caption`'s number and title."""
    body = document.element.body
    for index, element in enumerate(body):
        if element.tag == qn("w:p") and "".join(element.itertext()).endswith(caption):
            following = body[index + 1]
            assert following.tag == qn("w:tbl"), caption
            return next(t for t in document.tables if t._tbl is following)
    raise AssertionError(f"no caption ending {caption!r}")


def test_the_cover_names_the_kommune_the_year_and_the_office_and_marks_what_the_ombud_writes(document: Any) -> None:
    assert [p.text for p in document.paragraphs[:3]] == ["Prøveby kommune", "Årsmelding 2023", "Kommuneombudet"]
    placeholders = [p.text for p in document.paragraphs if p.text.startswith("[Skriv her:")]
    assert any("året som gikk" in text for text in placeholders)
    assert any("anbefalinger" in text for text in placeholders)
    assert "Kommuneombudets mandat" in [p.text for p in document.paragraphs if p.style.name == "Heading 1"]


def test_every_table_has_a_numbered_caption_kept_with_it_and_a_sentence_under_it(document: Any) -> None:
    captions = [p for p in document.paragraphs if p.style.name == "Caption" and p.text.startswith("Tabell")]
    assert len(captions) == len(data_tables(document))
    assert [c.text.split(":")[0] for c in captions] == [f"Tabell {n}" for n in range(1, len(captions) + 1)]
    assert all(c.paragraph_format.keep_with_next for c in captions)
    titles = [c.text.split(": ", 1)[1] for c in captions]
    primary = titles.index("Henvendelser etter tjenesteområde (primært område)")
    assert titles[primary + 1] == "Henvendelser etter tjenesteområde (alle berørte områder)"
    for table in data_tables(document):
        after = table._tbl.getnext()
        assert after.tag == qn("w:p") and "".join(after.itertext()).strip(), "a sentence under every table"


def test_the_all_areas_table_says_its_sum_is_more_than_the_total(document: Any) -> None:
    table = table_after(document, "Henvendelser etter tjenesteområde (alle berørte områder)")
    note = "".join(table._tbl.getnext().itertext())
    assert "summen (1\xa0620) er større enn antall henvendelser (1\xa0530)" in note


def test_numbers_are_right_aligned_with_norwegian_decimals_and_thousands(document: Any) -> None:
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells[1:]:
                assert cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT, cell.text
    key_figures = table_after(document, "Nøkkeltall 2023 sammenlignet med 2022")
    rows = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in key_figures.rows}
    assert rows["Median dager til avslutning"] == ["34,5", "30", "+4,5"]
    assert rows["Henvendelser mottatt"] == ["1\xa0530", "1\xa0200", "+330"]
    assert rows["Deltakere på utadrettet virksomhet"] == ["1\xa0234", "1\xa0234", "0"]
    assert not [text for text in texts(document) if re.search(r"[0-9]\.[0-9]", text)]
    shares = table_after(document, "Henvendelser etter tjenesteområde (primært område)")
    assert [c.text for c in shares.rows[1].cells] == ["NAV", "510", "33,3\xa0%"]


def test_the_key_figures_compare_with_the_year_before_and_say_when_there_is_none(document: Any) -> None:
    header = [c.text for c in table_after(document, "Nøkkeltall 2023 sammenlignet med 2022").rows[0].cells]
    assert header == ["Nøkkeltall", "2023", "2022", "Endring"]

    alone = opened(report(), None)
    table = table_after(alone, "Nøkkeltall 2023")
    assert [c.text for c in table.rows[1].cells] == ["Henvendelser mottatt", "1\xa0530", "–", "–"]
    assert "ingen henvendelser registrert i 2022" in "".join(table._tbl.getnext().itertext())


def test_header_rows_repeat_across_pages_and_no_row_breaks_across_a_page(document: Any) -> None:
    for table in data_tables(document):
        header = table.rows[0]._tr.trPr
        assert header.find(qn("w:tblHeader")) is not None
    for table in document.tables:  # the frames of the charts too
        for row in table.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None


def test_the_charts_are_images_with_alt_text_and_their_data_stays_in_a_table(document: Any) -> None:
    shapes = document.inline_shapes
    assert len(shapes) == 3  # the years, the primary areas, the case types
    for shape in shapes:
        described = shape._inline.docPr.get("descr")
        assert re.search(r"Tallene står i tabell [0-9]+", described)
        blob = document.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
        assert blob.startswith(b"\x89PNG")
    figures = [p.text for p in all_paragraphs(document) if p.style.name == "Caption" and p.text.startswith("Figur")]
    assert len(figures) == 3
    assert figures[0].startswith("Figur 1: Henvendelser per år, 2020–2023. Tallene står i tabell 2")
    assert table_after(document, "Henvendelser per år, 2020–2023").rows[-1].cells[1].text == "1\xa0530"


def test_identical_area_tables_are_shown_once_and_the_report_says_so() -> None:
    same = {"helse": 470, "plan": 300}
    document = opened(report(total=770, by_service_area=same, by_parent_area=same, by_primary_area=same), None)
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert not [text for text in captions if "alle berørte områder" in text]
    table = table_after(document, "Henvendelser etter tjenesteområde (primært område)")
    assert "den samme og vises ikke for seg" in "".join(table._tbl.getnext().itertext())


def test_no_code_or_english_key_reaches_the_reader(document: Any) -> None:
    words = " ".join(texts(document))
    assert not re.findall(r"\b[a-z]+_[a-z_]+\b", words)
    for code in ("talk", "phone", "county_governor", "in_force_at_receipt"):
        assert code not in words
    for name in ("Foredrag", "Informasjonsmøte", "Telefon", "Statsforvalteren", "Tjenestemottaker"):
        assert name in words


def test_the_xlsx_has_native_charts_number_formats_and_column_widths() -> None:
    content = as_xlsx(report(), profile(), history())
    charts = [name for name in zipfile.ZipFile(io.BytesIO(content)).namelist() if name.startswith("xl/charts/chart")]
    assert len(charts) == 3
    kinds = [zipfile.ZipFile(io.BytesIO(content)).read(name).decode() for name in charts]
    assert sum("<lineChart>" in kind for kind in kinds) == 1 and sum("<barChart>" in kind for kind in kinds) == 2
    sheet = load_workbook(io.BytesIO(content)).active
    rows: dict[str, Any] = {}
    for row in sheet.iter_rows():
        rows.setdefault(row[0].value, row)  # the first table a name appears in
    assert [c.value for c in rows["Nøkkeltall"][:4]] == ["Nøkkeltall", "2023", "2022", "Endring"]
    median = rows["Median dager til avslutning"]
    assert (median[1].value, median[1].number_format) == (34.5, "#,##0.0")
    assert (rows["Henvendelser mottatt"][2].value, rows["Henvendelser mottatt"][2].number_format) == (1200, "#,##0")
    nav = rows["NAV"]  # the first area row holding NAV: the primary-area table
    assert nav[1].number_format == "#,##0" and nav[2].number_format == "0.0%"
    assert nav[2].value == pytest.approx(510 / 1530)
    assert sheet.column_dimensions["A"].width == 60
    assert not [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "_" in c.value]


def test_the_csv_writes_decimals_with_a_comma_and_keeps_numbers_unquoted() -> None:
    text = as_csv(report(p90_days_to_first_response=-2.5))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))
    assert ["Median dager til avslutning", "", "34,5"] in rows
    assert ["90-persentil dager til første svar", "", "-2,5"] in rows
    assert ["Henvendelser mottatt", "", "1530"] in rows
    assert not [cell for row in rows for cell in row if re.fullmatch(r"-?[0-9]+\.[0-9]+", cell)]


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="libreoffice is not installed")
def test_libreoffice_renders_the_draft_with_its_cover_and_captions(tmp_path: Path) -> None:
    pdf = libreoffice_pdf(tmp_path, "arsmelding.docx", as_docx(report(), profile(), history()))
    assert pdf.exists()
    if shutil.which("pdftotext"):
        pages = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        first, *rest = pages.split("\f")
        assert "Årsmelding 2023" in first and "Tabell" not in first  # the cover stands alone
        assert "Tabell 1: Nøkkeltall 2023 sammenlignet med 2022" in "".join(rest)


def test_a_reorganisation_during_the_year_is_named_under_the_area_table() -> None:
    before = profile()
    after = Taxonomy(2, date(2023, 6, 13), (*before.taxonomies[0].areas, ServiceArea("sosial", "Sosiale tjenester")))
    reorganised = dataclasses.replace(before, taxonomies=[*before.taxonomies, after])
    document = docx.Document(io.BytesIO(as_docx(report(), reorganised, None)))
    note = "".join(
        table_after(document, "Henvendelser etter tjenesteområde (primært område)")._tbl.getnext().itertext()
    )
    assert "endret 13. juni 2023 (versjon 2)" in note
    reprojected = docx.Document(io.BytesIO(as_docx(report(taxonomy_basis="reprojected"), reorganised, None)))
    table = table_after(reprojected, "Henvendelser etter tjenesteområde (primært område)")
    assert "endret" not in "".join(table._tbl.getnext().itertext())
