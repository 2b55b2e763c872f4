"""The auditor's access log: who opened which inquiry, newest first, filtered by inquiry, a page at a time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import psycopg
import pytest
from litestar.testing import AsyncTestClient

from domain.access_records import (
    AUDIT_PURPOSE,
    CASE_WORK_PURPOSE,
    CLI_PURPOSE,
    INNSYN_PURPOSE,
    LETTER_PURPOSE,
    SEARCH_PURPOSE,
)
from domain.account import Account
from domain.common import Context
from projections.worker import ProjectionWorker
from services.audit.access_log import PAGE_SIZE
from services.audit.access_report import PURPOSE_NAMES
from services.office import Office
from tests import factories
from tests.web.helpers import sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)


def reads(page: str) -> str:
    """The page's log of reads, without the account changes listed below it."""
    return page.split('id="kontoendringer"')[0]


def receive(office: Office, caseworker: Context) -> str:
    return factories.case(
        office, caseworker, received_on=date(2025, 3, 3), summary="Fiktiv testsak", requester_name="Testesen Testperson"
    )


async def test_an_auditor_sees_who_opened_which_inquiry_newest_first(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as, worker: ProjectionWorker
) -> None:
    first, second = receive(office, caseworker), receive(office, caseworker)
    worker.catch_up(office.slug)
    reader = await sign_in_as("caseworker", office.slug)
    for reference in (first, second):
        assert (await client.get(f"/{office.slug}/henvendelser/{reference}")).status_code == 200
    await sign_in_as("auditor", office.slug)
    page = await client.get(f"/{office.slug}/tilgangslogg")
    assert page.status_code == 200
    assert reads(page.text).count(reader.email) == 2 and "Saksbehandling" in page.text
    assert page.text.index(f">{second}</a>") < page.text.index(f">{first}</a>")
    assert f'href="/{office.slug}/henvendelser/{first}"' in page.text
    assert "Testesen" not in page.text and "Fiktiv testsak" not in page.text  # the log names cases, not their content
    filtered = await client.get(f"/{office.slug}/tilgangslogg?henvendelse={first}")
    assert f">{first}</a>" in filtered.text and f">{second}</a>" not in filtered.text and "1 oppslag" in filtered.text


ReadsRecorded = Callable[[list[str]], Account]


@pytest.fixture
def reads_recorded(
    office: Office, caseworker: Context, make_account, database_url: str, worker: ProjectionWorker
) -> ReadsRecorded:
    """`reads_recorded(purposes)`: a new caseworker of the office who read one inquiry once for each purpose given,
    written straight into the access records (as many as a test needs, without opening the page so often)."""

    def recorded(purposes: list[str]) -> Account:
        reference = receive(office, caseworker)
        worker.catch_up(office.slug)
        reader = make_account("caseworker", office.slug)
        with psycopg.connect(database_url) as conn, conn.transaction():
            conn.execute("SELECT set_config('app.tenant_id', %s, true)", (office.slug,))
            conn.execute(
                "INSERT INTO audit.access_records (tenant_id, account_id, role, inquiry_id, purpose, channel)"
                " SELECT %s, %s, 'caseworker', %s, purpose, 'web' FROM unnest(%s::text[]) AS purpose",
                (office.slug, reader.id, office.inquiry(reference).id, purposes),
            )
        return reader

    return recorded


async def test_the_log_comes_a_page_at_a_time(
    client: AsyncTestClient, office: Office, sign_in_as, reads_recorded: ReadsRecorded
) -> None:
    reader = reads_recorded([CASE_WORK_PURPOSE] * (PAGE_SIZE + 1))
    await sign_in_as("tenant_admin", office.slug)
    first = await client.get(f"/{office.slug}/tilgangslogg")
    assert f"{PAGE_SIZE + 1} oppslag, side 1 av 2" in first.text and reads(first.text).count(reader.email) == PAGE_SIZE
    assert 'rel="next" href="?henvendelse=&page=2"' in first.text
    second = await client.get(f"/{office.slug}/tilgangslogg?page=2")
    assert reads(second.text).count(reader.email) == 1 and 'rel="prev"' in second.text


async def test_an_auditor_cannot_see_another_tenants_access_log(
    client: AsyncTestClient,
    office: Office,
    other_office: Office,
    caseworker: Context,
    sign_in_as,
    worker: ProjectionWorker,
) -> None:
    reference = receive(office, caseworker)
    worker.catch_up(office.slug)
    reader = await sign_in_as("caseworker", office.slug)
    await client.get(f"/{office.slug}/henvendelser/{reference}")
    await sign_in_as("auditor", other_office.slug)
    own = await client.get(f"/{other_office.slug}/tilgangslogg")
    assert (
        own.status_code == 200
        and reader.email not in own.text
        and f">{reference}</a>" not in own.text
        and "0 oppslag" in own.text
    )
    filtered = await client.get(f"/{other_office.slug}/tilgangslogg?henvendelse={reference}")
    assert f">{reference}</a>" not in filtered.text and "0 oppslag" in filtered.text
    assert (await client.get(f"/{office.slug}/tilgangslogg")).status_code == 404


@pytest.mark.parametrize("role", ["caseworker", "network"])
async def test_roles_that_do_not_audit_get_404(client: AsyncTestClient, office: Office, sign_in_as, role: str) -> None:
    await sign_in_as(role, office.slug if role == "caseworker" else None)
    assert (await client.get(f"/{office.slug}/tilgangslogg")).status_code == 404


async def test_each_purpose_is_named_as_the_innsyn_letter_names_it(
    client: AsyncTestClient, office: Office, sign_in_as, reads_recorded: ReadsRecorded
) -> None:
    codes = [SEARCH_PURPOSE, INNSYN_PURPOSE, CASE_WORK_PURPOSE, AUDIT_PURPOSE, LETTER_PURPOSE, CLI_PURPOSE]
    assert set(codes) <= set(PURPOSE_NAMES)  # one home for the names, the letter's
    reads_recorded(codes)
    await sign_in_as("auditor", office.slug)
    page = reads((await client.get(f"/{office.slug}/tilgangslogg")).text)
    for code in codes:
        assert f"<td>{PURPOSE_NAMES[code]}</td>" in page, code
        assert f"<td>{code}</td>" not in page, code
