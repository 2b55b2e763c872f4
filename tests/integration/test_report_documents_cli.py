"""`ombud report annual --format docx|xlsx` sets the office's own year before beside the year, nobody else's."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import docx
import openpyxl

from domain.common import Context
from services.platform import Platform
from tests import factories
from tests.integration.conftest import Run


def test_the_drafts_from_the_command_line_compare_with_the_offices_own_year_before(
    ombud: Run, platform: Platform, admin: Context, caseworker: Context, new_slug: Callable[[], str], tmp_path: Path
) -> None:
    offices = {}
    for name, per_year in (("Prøveby kommune", {2023: 2, 2024: 3}), ("Annenby kommune", {2023: 7, 2024: 1})):
        office = platform.create_tenant(admin, slug=new_slug(), name=name)
        for year, count in per_year.items():
            for day in range(1, count + 1):
                factories.receive(
                    office,
                    caseworker,
                    received_on=date(year, 4, day),
                    case_types=["no_reply"],
                    summary="Fiktiv testsak om manglende svar",
                )
        offices[name] = office
    slug = offices["Prøveby kommune"].slug

    drafted = tmp_path / "arsmelding.docx"
    code, out, err = ombud(
        "report", "annual", "--tenant", slug, "--year", "2024", "--format", "docx", "--output", str(drafted)
    )
    assert (code, err) == (0, "") and "skrev" in out
    document = docx.Document(io.BytesIO(drafted.read_bytes()))
    rows = {tuple(cell.text for cell in row.cells) for table in document.tables for row in table.rows}
    assert ("Henvendelser mottatt", "3", "2", "+1") in rows
    assert {("2023", "2", "–"), ("2024", "3", "+1")} <= rows
    assert "Annenby" not in " ".join(p.text for p in document.paragraphs)

    book = tmp_path / "arsrapport.xlsx"
    assert (
        ombud("report", "annual", "--tenant", slug, "--year", "2024", "--format", "xlsx", "--output", str(book))[0] == 0
    )
    sheet = openpyxl.load_workbook(book).active
    assert ("Henvendelser mottatt", 3, 2, 1) in {tuple(c.value for c in row[:4]) for row in sheet.iter_rows()}
