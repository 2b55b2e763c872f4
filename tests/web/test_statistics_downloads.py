"""The office's statistics page and annual report downloads: for its own staff only, in four formats."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import openpyxl
import pytest
from litestar.testing import AsyncTestClient

from domain.common import Context
from projections.worker import ProjectionWorker
from services.office import Office
from services.platform import Platform
from tests import factories
from tests.web.helpers import sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)


@pytest.fixture
def office(platform: Platform, admin: Context, caseworker: Context, new_slug, worker: ProjectionWorker) -> Office:
    office = platform.create_tenant(admin, slug=new_slug(), name="Prøveby kommune")
    for day in (3, 4, 5):
        factories.receive(
            office,
            caseworker,
            received_on=date(2023, 3, day),
            case_types=["no_reply"],
            summary="Venter på svar (testdata)",
        )
    worker.catch_up(office.slug)
    return office


@pytest.mark.parametrize("role", ["caseworker", "tenant_admin", "auditor"])
async def test_staff_of_the_office_see_the_years_figures(
    client: AsyncTestClient, office: Office, sign_in_as, role: str
) -> None:
    await sign_in_as(role, office.slug)
    page = await client.get(f"/{office.slug}/statistikk?year=2023")
    assert page.status_code == 200
    assert "Årsrapport 2023" in page.text
    assert f"/{office.slug}/statistikk/arsrapport-2023.xlsx" in page.text


async def test_the_downloads_hold_the_same_figures_as_the_command_line_report(
    client: AsyncTestClient, office: Office, sign_in_as
) -> None:
    await sign_in_as("caseworker", office.slug)
    base = f"/{office.slug}/statistikk/arsrapport-2023"

    as_json = await client.get(base + ".json")
    assert as_json.status_code == 200
    report = json.loads(as_json.text)
    assert (report["tenant"], report["year"], report["total"], report["by_case_type"]) == (
        office.slug,
        2023,
        3,
        {"no_reply": 3},
    )
    assert "attachment" in as_json.headers["content-disposition"]

    as_csv = await client.get(base + ".csv")
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert "Henvendelser mottatt;;3" in as_csv.text

    for kind, part in (("xlsx", "xl/workbook.xml"), ("docx", "word/document.xml")):
        response = await client.get(f"{base}.{kind}")
        assert response.status_code == 200
        assert part in zipfile.ZipFile(io.BytesIO(response.content)).namelist()


async def test_without_a_session_the_browser_is_sent_to_sign_in(client: AsyncTestClient, office: Office) -> None:
    response = await client.get(f"/{office.slug}/statistikk/arsrapport-2023.json", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?neste=")


@pytest.mark.parametrize(("role", "own_tenant"), [("caseworker", False), ("network", None), ("platform_admin", None)])
async def test_another_offices_staff_and_roles_above_the_offices_get_404(
    client: AsyncTestClient,
    office: Office,
    sign_in_as,
    platform: Platform,
    admin: Context,
    new_slug,
    role: str,
    own_tenant: bool | None,
) -> None:
    tenant = None
    if own_tenant is False:
        tenant = new_slug()
        platform.create_tenant(admin, slug=tenant, name="Annenby kommune")
    await sign_in_as(role, tenant)
    for path in ("", "/arsrapport-2023.json"):
        response = await client.get(f"/{office.slug}/statistikk{path}")
        assert response.status_code == 404
        assert "Prøveby" not in response.text


async def test_an_unknown_file_name_is_404(client: AsyncTestClient, office: Office, sign_in_as) -> None:
    await sign_in_as("caseworker", office.slug)
    assert (await client.get(f"/{office.slug}/statistikk/arsrapport-2023.pdf")).status_code == 404


async def test_the_docx_sets_the_offices_own_year_before_beside_the_year_and_nothing_of_another_office(
    client: AsyncTestClient,
    office: Office,
    sign_in_as,
    platform: Platform,
    admin: Context,
    caseworker: Context,
    new_slug,
    worker: ProjectionWorker,
) -> None:
    import docx

    other = platform.create_tenant(admin, slug=new_slug(), name="Annenby kommune")
    for tenant, days in ((office, (6, 7)), (other, (8, 9, 10, 11, 12))):
        for day in days:
            factories.receive(
                tenant,
                caseworker,
                received_on=date(2022, 5, day),
                channel="email",
                requester_role="relative",
                case_types=["no_reply"],
                summary="Fjorårets sak (testdata)",
            )
        worker.catch_up(tenant.slug)
    await sign_in_as("caseworker", office.slug)

    response = await client.get(f"/{office.slug}/statistikk/arsrapport-2023.docx")
    document = docx.Document(io.BytesIO(response.content))
    rows = {tuple(cell.text for cell in row.cells) for table in document.tables for row in table.rows}
    assert ("Henvendelser mottatt", "3", "2", "+1") in rows
    assert {("2022", "2", "–"), ("2023", "3", "+1")} <= rows  # the years: this office's counts only
    assert "Annenby" not in " ".join(p.text for p in document.paragraphs)
    sheet = openpyxl.load_workbook(
        io.BytesIO((await client.get(f"/{office.slug}/statistikk/arsrapport-2023.xlsx")).content)
    ).active
    assert ("Henvendelser mottatt", 3, 2, 1) in {tuple(c.value for c in row[:4]) for row in sheet.iter_rows()}


async def test_the_downloads_of_a_year_not_over_say_so_far_as_the_page_does(
    client: AsyncTestClient, office: Office, sign_in_as, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's today decides, in every file: 2023 seen on 30 June 2023 is «hittil i år»; on 1 March 2024, over."""
    await sign_in_as("caseworker", office.slug)
    base = f"/{office.slug}/statistikk/arsrapport-2023"
    monkeypatch.setattr("web.statistics.today", lambda: date(2023, 6, 30))
    monkeypatch.setattr("web.statistics_view.today", lambda: date(2023, 6, 30))
    page = (await client.get(f"/{office.slug}/statistikk?year=2023")).text
    assert "Årsrapport 2023, hittil i år" in page and "Henvendelser mottatt hittil i år" in page
    assert "Henvendelser mottatt hittil i år;;3" in (await client.get(base + ".csv")).text
    sheet = openpyxl.load_workbook(io.BytesIO((await client.get(base + ".xlsx")).content)).active
    assert "Henvendelser mottatt hittil i år" in [row[0].value for row in sheet.iter_rows()]
    document = zipfile.ZipFile(io.BytesIO((await client.get(base + ".docx")).content)).read("word/document.xml")
    assert "hittil i år".encode() in document and "Åpne ved årsslutt".encode() not in document

    monkeypatch.setattr("web.statistics.today", lambda: date(2024, 3, 1))
    monkeypatch.setattr("web.statistics_view.today", lambda: date(2024, 3, 1))
    finished = (await client.get(base + ".csv")).text
    assert "Henvendelser mottatt;;3" in finished and "Åpne ved årsslutt, også fra tidligere år;;3" in finished
    assert "no_reply" not in finished  # the case type by its name
