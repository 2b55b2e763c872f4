"""The administrator's Noark 5 extract on the web: a period on a form, a .zip that validates, each inquiry recorded."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
import xmlschema
from litestar.testing import AsyncTestClient

from domain.common import Context
from services.case_commands import Resolve
from services.office import Office
from tests import factories
from tests.web.helpers import (
    access_records,
    access_records_cannot_be_written,
    post,
    sign_in_as_fixture,  # noqa: F401 (the fixture `sign_in_as`)
)

NOARK = Path(__file__).resolve().parents[2] / "infra" / "schemas" / "noark5-v5.0"
NAME = "Webperson Uttrekksen"


@pytest.fixture
def closed(office: Office, other_office: Office, caseworker: Context) -> str:
    """A closed inquiry of March 2024 in each office."""
    for each in (office, other_office):
        reference = factories.case(each, caseworker, received_on=date(2024, 3, 4), requester_name=NAME)
        each.handle(caseworker, Resolve(inquiry=reference, on=date(2024, 3, 8), outcome="assisted"))
    return reference


async def extract(client: AsyncTestClient, tenant: str, start: str, end: str):
    await client.get(f"/{tenant}/admin/arkiv")
    return await post(client, f"/{tenant}/admin/arkiv", {"fra": start, "til": end})


async def test_the_administrator_downloads_an_extract_that_validates_and_each_inquiry_is_recorded_first(
    client: AsyncTestClient, office: Office, other_office: Office, closed: str, sign_in_as, admin_database_url: str
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    admin = await client.get(f"/{office.slug}/admin")
    assert f'href="/{office.slug}/admin/arkiv"' in admin.text
    answer = await extract(client, office.slug, "2024-03-01", "31.03.2024")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    assert f"noark5-{office.slug}-2024-03-01-2024-03-31.zip" in answer.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        names = set(archive.namelist())
        structure = archive.read("arkivstruktur.xml")
        public = archive.read("offentligJournal.xml")
    assert {"arkivstruktur.xml", "arkivuttrekk.xml", "endringslogg.xml", "dokumenter/2024-0001-kvittering.pdf"} <= names
    xmlschema.XMLSchema(str(NOARK / "arkivstruktur.xsd")).validate(structure)
    assert NAME.encode() in structure and NAME.encode() not in public
    assert access_records(admin_database_url, office.slug) == [("tenant_admin", "arkivering", "download")]
    assert access_records(admin_database_url, other_office.slug) == []


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ("", "2024-03-31", "fra", "må fylles ut"),
        ("2024-03-01", "i går", "til", "må være en dato"),
        ("2024-03-31", "2024-03-01", "til", "sluttdatoen kan ikke ligge før startdatoen"),
        ("2020-01-01", "2024-12-31", "til", "høyst ett år om gangen"),
        ("2023-01-01", "2023-12-31", "fra", "ingen avsluttede henvendelser mottatt 2023-01-01–2023-12-31"),
    ],
)
async def test_a_period_that_gives_no_extract_is_said_at_its_field_and_records_nothing(
    client: AsyncTestClient,
    office: Office,
    closed: str,
    sign_in_as,
    admin_database_url: str,
    start: str,
    end: str,
    field: str,
    message: str,
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    answer = await extract(client, office.slug, start, end)
    assert answer.status_code == 422
    assert f'id="{field}-feil"' in answer.text and message in answer.text
    assert access_records(admin_database_url, office.slug) == []


@pytest.mark.parametrize("role", ["caseworker", "auditor"])
async def test_only_the_administrator_of_the_office_may_extract(
    client: AsyncTestClient, office: Office, other_office: Office, closed: str, sign_in_as, role: str
) -> None:
    await sign_in_as(role, office.slug)
    assert (await client.get(f"/{office.slug}/admin/arkiv")).status_code == 404
    await sign_in_as("tenant_admin", other_office.slug)
    assert (await client.get(f"/{office.slug}/admin/arkiv")).status_code == 404
    answer = await post(client, f"/{office.slug}/admin/arkiv", {"fra": "2024-03-01", "til": "2024-03-31"})
    assert answer.status_code in (403, 404)


async def test_no_access_record_no_extract(
    client: AsyncTestClient, office: Office, closed: str, sign_in_as, monkeypatch: pytest.MonkeyPatch
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    access_records_cannot_be_written(monkeypatch)
    answer = await extract(client, office.slug, "2024-03-01", "2024-03-31")
    assert answer.status_code == 503 and b"arkivstruktur" not in answer.content and NAME not in answer.text


async def test_without_libreoffice_the_page_says_so_and_records_nothing(
    client: AsyncTestClient,
    office: Office,
    closed: str,
    sign_in_as,
    admin_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    monkeypatch.setattr("services.archive.documents.converter", lambda: None)
    answer = await extract(client, office.slug, "2024-03-01", "2024-03-31")
    assert answer.status_code == 503 and "LibreOffice er ikke installert" in answer.text
    assert access_records(admin_database_url, office.slug) == []
