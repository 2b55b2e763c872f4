"""The innsyn report on the inquiry page: staff download it as a letter or JSON, each download is recorded first, no
staff identity is in it, and another tenant's inquiry is a missing page."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import asyncpg
import pytest
from docx import Document
from litestar.testing import AsyncTestClient

from domain.account import Account
from domain.common import Context
from services.audit.access_log import record_access
from services.office import Office
from tests import factories
from tests.web.helpers import (
    access_records,
    access_records_cannot_be_written,
    sign_in_as_fixture,  # noqa: F401 (the fixture `sign_in_as`)
)

SUMMARY = "Fiktiv sak om innsyn i loggen"


def receive(office: Office, caseworker: Context) -> str:
    return factories.case(
        office, caseworker, received_on=date(2025, 3, 3), summary=SUMMARY, requester_name="Testesen, Demo"
    )


def docx_text(body: bytes) -> str:
    document = Document(io.BytesIO(body))
    header = [p.text for p in document.sections[0].header.paragraphs]  # the letterhead
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(header + [p.text for p in document.paragraphs] + cells)


async def search_hit(database_url: str, office: Office, account: Account, reference: str) -> None:
    """A search result that showed the name, recorded through the same writer the search uses."""
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    try:
        await record_access(
            pool,
            office.slug,
            account_id=str(account.id),
            role=account.role,
            inquiry_id=office.inquiry_id(reference),
            purpose="søk",
            channel="search",
        )
    finally:
        await pool.close()


async def test_the_report_lists_the_page_view_the_search_hit_and_its_own_download_without_staff_identity(
    client: AsyncTestClient,
    office: Office,
    other_office: Office,
    caseworker: Context,
    make_account: Callable[..., Account],
    sign_in,
    database_url: str,
    admin_database_url: str,
) -> None:
    reference = receive(office, caseworker)
    theirs = receive(other_office, caseworker)
    reader = make_account("caseworker", office.slug)
    stranger = make_account("tenant_admin", other_office.slug)
    await search_hit(database_url, other_office, stranger, theirs)
    await sign_in(reader)
    page = await client.get(f"/{office.slug}/henvendelser/{reference}")
    assert page.status_code == 200 and f"/{office.slug}/henvendelser/{reference}/innsyn.docx" in page.text
    await search_hit(database_url, office, reader, reference)

    response = await client.get(f"/{office.slug}/henvendelser/{reference}/innsyn.json")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    assert f'filename="innsyn-{reference}.json"' in response.headers["content-disposition"]
    report = response.json()
    assert report["inquiry"] == reference and report["generated_at"]
    assert [(a["role"], a["channel"], a["purpose"]) for a in report["accesses"]] == [
        ("Saksbehandler", "Sakssiden på nett", "Saksbehandling"),
        ("Saksbehandler", "Søk", "Søk"),
        ("Saksbehandler", "Nedlasting", "Svar på innsynskrav"),
    ]
    assert [a["channel_code"] for a in report["accesses"]] == ["web", "search", "download"]
    assert all(a["at"] for a in report["accesses"])
    for secret in (reader.email, str(reader.id), "eksempel.invalid", stranger.email, SUMMARY, "Testesen"):
        assert secret not in response.text

    letter = await client.get(f"/{office.slug}/henvendelser/{reference}/innsyn.docx")
    assert letter.status_code == 200 and letter.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    text = docx_text(letter.content)
    assert "Prøveby kommune" in text and reference in text and "artikkel 15" in text
    assert text.count("Nedlasting") == 2  # the JSON download, and this one
    for secret in (reader.email, str(reader.id), "eksempel.invalid", stranger.email, SUMMARY, "Testesen"):
        assert secret not in text

    # Each download was recorded before the report was built; the other tenant's log holds only its own search hit.
    assert access_records(admin_database_url, office.slug) == [
        ("caseworker", "saksbehandling", "web"),
        ("caseworker", "søk", "search"),
        ("caseworker", "innsyn", "download"),
        ("caseworker", "innsyn", "download"),
    ]
    assert access_records(admin_database_url, other_office.slug) == [("tenant_admin", "søk", "search")]


@pytest.mark.parametrize("kind", ["docx", "json"])
async def test_another_tenants_inquiry_or_an_unknown_one_is_a_missing_page_and_records_nothing(
    kind: str,
    client: AsyncTestClient,
    office: Office,
    other_office: Office,
    caseworker: Context,
    sign_in_as,
    admin_database_url: str,
) -> None:
    reference = receive(office, caseworker)
    await sign_in_as("tenant_admin", other_office.slug)
    assert (await client.get(f"/{office.slug}/henvendelser/{reference}/innsyn.{kind}")).status_code == 404
    missing = await client.get(f"/{other_office.slug}/henvendelser/{reference}/innsyn.{kind}")
    assert missing.status_code == 404 and SUMMARY not in missing.text
    assert (
        access_records(admin_database_url, office.slug) == []
        and access_records(admin_database_url, other_office.slug) == []
    )


async def test_an_auditor_may_prepare_the_answer_and_sees_the_channel_in_the_access_log(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as
) -> None:
    reference = receive(office, caseworker)
    auditor = await sign_in_as("auditor", office.slug)
    report = (await client.get(f"/{office.slug}/henvendelser/{reference}/innsyn.json")).json()
    assert [(a["role"], a["channel"]) for a in report["accesses"]] == [("Revisor", "Nedlasting")]
    log = await client.get(f"/{office.slug}/tilgangslogg")
    assert "Nedlasting" in log.text and auditor.email in log.text  # auditors see who; the inhabitant does not


async def test_no_access_record_no_report(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as, monkeypatch
) -> None:
    reference = receive(office, caseworker)
    await sign_in_as("caseworker", office.slug)
    access_records_cannot_be_written(monkeypatch)
    response = await client.get(f"/{office.slug}/henvendelser/{reference}/innsyn.json")
    assert response.status_code == 503 and '"accesses"' not in response.text
