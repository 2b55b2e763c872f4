"""The tenant admin page's archive section: failed Fiks Arkiv deliveries by reference, attempts and error class only,
and never another tenant's."""

from __future__ import annotations

from datetime import date

import psycopg
from litestar.testing import AsyncTestClient

from domain.common import Context
from services.archive import fiks
from services.case_commands import RecordArchiveReceipt, Resolve
from services.office import Office
from tests import factories
from tests.web.helpers import sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)


def failed_delivery(admin_database_url: str, office: Office, ctx: Context, error: str) -> str:
    """A resolved inquiry whose delivery failed three times with `error`, as the worker leaves the row."""
    reference = factories.case(office, ctx)
    office.handle(ctx, Resolve(inquiry=reference, on=factories.RECEIVED_ON, outcome="assisted"))
    inquiry_id = office.inquiry_id(reference)
    with psycopg.connect(admin_database_url) as conn:
        conn.execute(
            "INSERT INTO platform.archive_outbox (tenant_id, idempotency_key, inquiry_id, closed_version, attempts,"
            " last_error, last_attempt_at) VALUES (%s, %s, %s, 1, 3, %s, now())",
            (office.slug, fiks.idempotency_key(office.slug, inquiry_id), inquiry_id, error),
        )
    return reference


async def test_the_admin_sees_failed_deliveries_with_the_error_class_and_not_another_tenants(
    client: AsyncTestClient,
    office: Office,
    other_office: Office,
    caseworker: Context,
    sign_in_as,
    admin_database_url: str,
) -> None:
    failed_delivery(admin_database_url, office, caseworker, "AMQPConnectionError")
    failed_delivery(admin_database_url, other_office, caseworker, "NackError")
    await sign_in_as("tenant_admin", office.slug)

    page = await client.get(f"/{office.slug}/admin")

    assert page.status_code == 200
    assert 'id="arkiv"' in page.text
    assert "AMQPConnectionError" in page.text and "NackError" not in page.text
    assert "1 venter" in page.text
    assert factories.CASE_NAME not in page.text and factories.CASE_SUMMARY not in page.text


async def test_a_caseworker_does_not_see_the_admin_page(client: AsyncTestClient, office: Office, sign_in_as) -> None:
    await sign_in_as("caseworker", office.slug)
    page = await client.get(f"/{office.slug}/admin")
    assert page.status_code in (403, 404)
    assert "Fiks Arkiv" not in page.text


async def test_the_archives_case_number_shows_in_the_inquirys_history(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as
) -> None:
    reference = factories.case(office, caseworker)
    office.handle(caseworker, Resolve(inquiry=reference, on=factories.RECEIVED_ON, outcome="assisted"))
    office.handle(
        Context("worker:fiks-arkiv", "system", "k"), RecordArchiveReceipt(reference, date(2026, 1, 5), "2026/77")
    )
    await sign_in_as("caseworker", office.slug)

    page = await client.get(f"/{office.slug}/henvendelser/{reference}")

    assert page.status_code == 200
    assert "Arkivert i kommunens arkiv" in page.text and "Arkivets saksnummer" in page.text and "2026/77" in page.text
