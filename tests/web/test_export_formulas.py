"""Downloads as an office gets them: a kommune or area named like a formula is inert text in its CSV and XLSX."""

from __future__ import annotations

import csv
import io
from datetime import date

from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

from domain.common import Context
from domain.taxonomy import ServiceArea
from projections.worker import ProjectionWorker
from services.platform import Platform
from tests import factories
from tests.web.helpers import sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)

KOMMUNE = '=HYPERLINK("http://example.invalid","klikk")'
# code: name; the last two as a spreadsheet reads them after NFKC and past leading blanks
AREAS = {"+2+3": "@SUM(1)", "-1+1": "\t=1+1", "fullbredde": "＝HYPERLINK(1)", "blanke": "  +1+1"}


async def test_hostile_kommune_and_area_names_download_as_text(
    client: AsyncTestClient,
    platform: Platform,
    admin: Context,
    caseworker: Context,
    new_slug,
    worker: ProjectionWorker,
    sign_in_as,
) -> None:
    office = platform.create_tenant(admin, slug=new_slug(), name=KOMMUNE)
    other = platform.create_tenant(admin, slug=new_slug(), name="Annenby kommune")
    areas = (*office.profile().taxonomies[-1].areas, *(ServiceArea(code, name) for code, name in AREAS.items()))
    office.publish_taxonomy(admin, on=date(2024, 1, 1), effective_from=date(2024, 1, 1), areas=areas, mapping={})
    for number, code in enumerate(AREAS):
        for tenant in (office, other):
            factories.receive(
                tenant,
                caseworker,
                received_on=date(2024, 3, 3 + number),
                service_area=code if tenant is office else "Helse",
                case_types=["no_reply"],
                summary="Testsak (fiktiv)",
            )
    worker.catch_up(office.slug)
    worker.catch_up(other.slug)
    await sign_in_as("caseworker", office.slug)
    base = f"/{office.slug}/statistikk/arsrapport-2024"

    rows = list(csv.reader(io.StringIO((await client.get(base + ".csv")).text.lstrip("\ufeff")), delimiter=";"))
    areas = {row[1] for row in rows if row[0] == "Henvendelser etter tjenesteområde (alle berørte områder)"}
    assert areas >= {"'@SUM(1)", "'\t=1+1", "'＝HYPERLINK(1)", "'  +1+1"}  # the areas by name, as the XLSX has them

    book = load_workbook(io.BytesIO((await client.get(base + ".xlsx")).content))
    cells = [cell for row in book.active.iter_rows() for cell in row if cell.value is not None]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert book.active["A1"].value == f"'{KOMMUNE}: årsrapport 2024"
    assert {(row[0].value, row[0].data_type, row[1].value) for row in book.active.iter_rows()} >= {
        ("'@SUM(1)", "s", 1),
        ("'\t=1+1", "s", 1),
        ("'＝HYPERLINK(1)", "s", 1),
        ("'  +1+1", "s", 1),
    }

    await sign_in_as("caseworker", other.slug)
    theirs = (await client.get(f"/{other.slug}/statistikk/arsrapport-2024.csv")).text
    assert "+2+3" not in theirs and "-1+1" not in theirs and f"Henvendelser mottatt;;{len(AREAS)}" in theirs
