"""The kept PDF/A of a sent letter (platform.sent_letters, 0042): sealed, only added, and each tenant's own."""

from __future__ import annotations

import hashlib
from datetime import date

import psycopg
import pytest

from domain.common import Context
from services.case_commands import RecordLetterSent
from services.office import Office
from tests import factories
from tests.integration.helpers import offices_fixture  # noqa: F401 (the fixture `offices`)

REFUSED = psycopg.errors.InsufficientPrivilege
SENT_ON = date(2024, 3, 5)


def document(office: Office) -> bytes:
    return f"%PDF-1.7 fiktivt brev fra {office.slug} til Testperson Prøvesen".encode()


@pytest.fixture
def sent(offices: tuple[Office, Office], caseworker: Context) -> tuple[Office, Office]:
    """Each tenant has marked one letter of its own as sent."""
    for office in offices:
        reference = factories.case(office, caseworker)
        office.handle(caseworker, RecordLetterSent(reference, SENT_ON, "receipt", document(office)))
    return offices


def test_the_kept_letter_is_sealed_and_opens_in_its_own_tenant_only(
    sent: tuple[Office, Office], admin_database_url: str
) -> None:
    a, b = sent
    for office in sent:
        reference = "2024-0001"  # each tenant's first inquiry of the year
        (event,) = [e for e in office.history(reference) if e.event == "LetterSent"]
        assert event.details["sha256"] == hashlib.sha256(document(office)).hexdigest()
        assert office.sent_letter(reference, str(event.details["sha256"])) == document(office)
    assert a.sent_letter("2024-0001", hashlib.sha256(document(b)).hexdigest()) is None
    with psycopg.connect(admin_database_url) as conn:
        rows = conn.execute(
            "SELECT tenant_id, sealed FROM platform.sent_letters WHERE tenant_id = ANY(%s)", ([a.slug, b.slug],)
        ).fetchall()
    assert sorted(row[0] for row in rows) == sorted([a.slug, b.slug])
    assert all(b"Testperson" not in bytes(row[1]) and b"%PDF" not in bytes(row[1]) for row in rows)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE platform.sent_letters SET sealed = sealed",
        "DELETE FROM platform.sent_letters",
        "TRUNCATE platform.sent_letters",
    ],
)
def test_the_apps_login_may_not_change_or_remove_a_kept_letter(
    statement: str, sent: tuple[Office, Office], database_url: str
) -> None:
    a, _ = sent
    with psycopg.connect(database_url) as conn, pytest.raises(REFUSED), conn.transaction():
        conn.execute("SELECT set_config('app.tenant_id', %s, true)", (a.slug,))
        conn.execute(statement)


def test_with_no_tenant_or_another_tenant_set_nothing_of_a_tenant_is_read_or_added(
    sent: tuple[Office, Office], database_url: str
) -> None:
    a, b = sent
    with psycopg.connect(database_url) as conn:
        with conn.transaction():
            assert conn.execute("SELECT count(*) FROM platform.sent_letters").fetchone() == (0,)
        with conn.transaction():
            conn.execute("SELECT set_config('app.tenant_id', %s, true)", (b.slug,))
            assert {row[0] for row in conn.execute("SELECT tenant_id FROM platform.sent_letters")} == {b.slug}
        with pytest.raises(REFUSED), conn.transaction():
            conn.execute("SELECT set_config('app.tenant_id', %s, true)", (b.slug,))
            conn.execute(
                "INSERT INTO platform.sent_letters (tenant_id, inquiry_id, sha256, sealed)"
                " VALUES (%s, gen_random_uuid(), %s, '\\x00')",
                (a.slug, "0" * 64),
            )


def test_the_worker_projects_a_sent_letter_as_a_step_that_changes_no_figure(
    sent: tuple[Office, Office], worker, admin_database_url: str
) -> None:
    for office in sent:
        worker.catch_up(office.slug)
    with psycopg.connect(admin_database_url) as conn:
        slugs = ([office.slug for office in sent],)
        rows = conn.execute(
            "SELECT tenant_id, version, status, first_response_on FROM read.inquiries WHERE tenant_id = ANY(%s)", slugs
        ).fetchall()
        aside = conn.execute(
            "SELECT count(*) FROM read.projection_quarantine WHERE tenant_id = ANY(%s)", slugs
        ).fetchone()
    assert sorted(rows, key=str) == sorted(
        ((office.slug, 2, "open", None) for office in sent), key=str
    )  # a letter is no § 11 a reply
    assert aside == (0,)
