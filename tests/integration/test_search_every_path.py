"""Every way an inquiry is made indexes it the same way, and `ombud migrate` indexes those once saved without words."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

import psycopg
import pytest

from domain.common import Context
from projections import search_index
from projections.worker import ProjectionWorker
from services import contact
from services.importing import import_case_log
from services.office import Office
from services.platform import Platform
from tests import factories
from tests.integration.conftest import Run
from tests.integration.test_import import GOOD, csv_bytes
from tests.integration.test_search_index import hits

NAME = "Fiktiv Prøvesen"
SUMMARY = "Spørsmål om støttekontakt"


@pytest.fixture
def office(platform: Platform, admin: Context, new_slug: Callable[[], str]) -> Office:
    return platform.create_tenant(admin, slug=new_slug(), name="Søkeby kommune")


def saved_without_words(office: Office, ctx: Context, reference: str) -> UUID:
    """An inquiry as the demo and the import saved them before every path indexed: its event holds no words."""
    inquiry = factories.inquiry(ctx, reference=reference, requester_name=NAME, summary=SUMMARY)
    office.app.save(inquiry)
    assert next(iter(office.app.events.get(inquiry.id))).search_tokens == []  # type: ignore[attr-defined]
    return inquiry.id


def forget_rows(admin_database_url: str, office: Office) -> None:
    """The index as a worker left it that projected those events before the fix: no row for them."""
    with psycopg.connect(admin_database_url) as conn:
        conn.execute("DELETE FROM read.search_tokens WHERE tenant_id = %s", (office.slug,))


async def test_the_office_the_contact_form_and_the_import_index_alike(
    office: Office, caseworker: Context, worker: ProjectionWorker, database_url: str
) -> None:
    by_staff = factories.receive(
        office, caseworker, received_on=date(2024, 2, 1), summary=SUMMARY, requester_name=NAME
    ).id
    by_form = contact.submit(
        office,
        contact.CitizenInquiry(summary=SUMMARY, service_area="helse", requester_name=NAME),
        on=date(2024, 2, 2),
        receipt_code="KODE-TEST",
    ).id
    assert import_case_log(office, caseworker, csv_bytes(*GOOD)).imported == 3
    worker.catch_up(office.slug)
    assert sorted(await hits(database_url, office, "prøvesen")) == sorted([by_staff, by_form])
    assert sorted(await hits(database_url, office, "Fiktiv støttekontakt")) == sorted([by_staff, by_form])
    assert await hits(database_url, office, "kode test") == [by_form]  # the receipt code, as the citizen quotes it
    imported = await hits(database_url, office, "importert saksloggen")  # the import's words: its summary
    assert sorted(imported) == sorted(office.inquiry_id(ref) for ref in ("A-1", "A-2", "A-3"))


async def test_an_inquiry_saved_without_words_is_found_once_projected_and_after_a_rebuild(
    office: Office, caseworker: Context, worker: ProjectionWorker, database_url: str
) -> None:
    found = saved_without_words(office, caseworker, "2024-0001")
    worker.catch_up(office.slug)
    assert await hits(database_url, office, "prøvesen") == [found]
    worker.rebuild(office.slug, search_index.NAME)  # as a key rotation re-indexes
    assert await hits(database_url, office, "støttekontakt") == [found]


async def test_migrate_indexes_the_inquiries_without_rows_once_and_never_an_erased_one(
    office: Office,
    caseworker: Context,
    worker: ProjectionWorker,
    database_url: str,
    admin_database_url: str,
    ombud: Run,
) -> None:
    kept = saved_without_words(office, caseworker, "2024-0001")
    saved_without_words(office, caseworker, "2024-0002")
    factories.erase(office, factories.as_admin(caseworker), "2024-0002", date(2024, 3, 1))
    worker.catch_up(office.slug)
    forget_rows(admin_database_url, office)
    assert await hits(database_url, office, "prøvesen") == []

    code, out, _ = ombud("migrate")
    assert code == 0, out
    assert await hits(database_url, office, "prøvesen") == [kept]
    assert worker.index_unindexed(office.slug) == 0  # done: the next migrate finds nothing to do
    assert await hits(database_url, office, "prøvesen") == [kept]


async def test_migrate_leaves_no_row_of_an_inquiry_erased_after_it_looked(
    office: Office, caseworker: Context, worker: ProjectionWorker, database_url: str, admin_database_url: str
) -> None:
    saved_without_words(office, caseworker, "2024-0001")
    worker.catch_up(office.slug)
    forget_rows(admin_database_url, office)
    factories.erase(office, factories.as_admin(caseworker), "2024-0001", date(2024, 3, 1))  # not yet projected
    assert worker.index_unindexed(office.slug) == 0  # its Erased event keeps it out
    worker.catch_up(office.slug)
    assert await hits(database_url, office, "prøvesen") == []


async def test_an_erased_imported_inquiry_stays_unfound_after_a_rebuild_and_a_migrate(
    office: Office, caseworker: Context, worker: ProjectionWorker, database_url: str
) -> None:
    """The import stores no personal text and so no inquiry key: its word hashes (of its fixed summary) are not
    encrypted, and it is the `Erased` event, not a destroyed key, that keeps an erased one out of the index."""
    import_case_log(office, caseworker, csv_bytes(*GOOD))
    factories.erase(office, factories.as_admin(caseworker), "A-1", date(2024, 3, 1))
    worker.catch_up(office.slug)
    rest = sorted(office.inquiry_id(ref) for ref in ("A-2", "A-3"))
    assert sorted(await hits(database_url, office, "saksloggen")) == rest
    worker.rebuild(office.slug, search_index.NAME)
    assert worker.index_unindexed(office.slug) == 0
    assert sorted(await hits(database_url, office, "saksloggen")) == rest
