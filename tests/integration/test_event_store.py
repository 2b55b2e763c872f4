"""The event store on real PostgreSQL: encrypted, isolated per tenant, bounded, and safe under concurrency."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import psycopg
import pytest
from eventsourcing.persistence import DatabaseError, DataError, ProgrammingError

from domain.common import Context
from infra.migrate import migrate
from services.application import OfficeApplication, table_prefix
from services.case_commands import AddNote, Assign
from services.keys import MasterKeyError, new_tenant_key, unwrap
from services.office import ConflictError, InquiryNotFound, Office
from services.platform import Platform, TenantExists
from tests import factories
from tests.private_database import (  # a database of its own: one test counts the connections to it
    module_admin_database_url,  # noqa: F401
    module_database_url,  # noqa: F401
)

FAKE_NAME = "Testperson Prøvesen"
FAKE_SUMMARY = "Hemmelig sammendrag om søknad til hjemmetjenesten"
FAKE_CONTACT = "testperson@example.invalid"


def receive(office: Office, ctx: Context, **overrides: object) -> str:
    fields = {
        "received_on": date(2024, 3, 1),
        "channel": "phone",
        "requester_role": "user",
        "service_area": "helse",
        "case_types": ["no_reply"],
        "summary": FAKE_SUMMARY,
        "requester_name": FAKE_NAME,
        "contact": FAKE_CONTACT,
    } | overrides
    return factories.receive(office, ctx, **fields).reference


def test_migrations_are_idempotent(database_url: str) -> None:
    assert migrate(database_url) == []


def test_personal_data_is_stored_only_as_ciphertext(
    platform: Platform, admin: Context, caseworker: Context, new_slug: Callable[[], str], database_url: str
) -> None:
    slug = new_slug()
    office = platform.create_tenant(admin, slug=slug, name="Prøvekommune")
    reference = receive(office, caseworker)
    office.handle(caseworker, AddNote(inquiry=reference, on=date(2024, 3, 2), text="Notat om Testperson Prøvesen"))

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(f"SELECT state FROM events.{table_prefix(slug)}_events").fetchall()
        dump = conn.execute(f"SELECT string_agg(t::text, '') FROM events.{table_prefix(slug)}_events t").fetchone()[0]
    assert len(rows) == 5  # tenant registered, sequence started, number issued, received, note added
    for secret in (FAKE_NAME, FAKE_SUMMARY, FAKE_CONTACT, "Prøvekommune", "Prøvesen"):
        for encoding in ("utf-8", "utf-16-le"):
            assert all(secret.encode(encoding) not in bytes(state) for (state,) in rows)
        assert secret not in dump
    assert office.inquiry(reference).requester_name == FAKE_NAME


def test_a_tenant_cannot_read_another_tenants_inquiries(
    platform: Platform, admin: Context, caseworker: Context, new_slug: Callable[[], str]
) -> None:
    a = platform.create_tenant(admin, slug=new_slug(), name="Kommune A")
    b = platform.create_tenant(admin, slug=new_slug(), name="Kommune B")
    only_in_b = receive(b, caseworker, reference="B-2024-1")
    receipt_id = str(b.inquiry(only_in_b).id)

    for name in (only_in_b, receipt_id):
        with pytest.raises(InquiryNotFound):
            a.inquiry(name)
        with pytest.raises(InquiryNotFound):
            a.history(name)
    assert b.inquiry(only_in_b).summary == FAKE_SUMMARY


def test_another_tenants_key_cannot_decrypt_its_event_table(
    platform: Platform,
    admin: Context,
    caseworker: Context,
    new_slug: Callable[[], str],
    make_platform: Callable[..., Platform],
) -> None:
    slug_b = new_slug()
    b = platform.create_tenant(admin, slug=slug_b, name="Kommune B")
    reference = receive(b, caseworker)
    # An application pointed at B's tables but holding some other key (A's) reads nothing.
    intruder = OfficeApplication(slug_b, new_tenant_key(), b.app._make_factory)
    with pytest.raises((ValueError, DataError, DatabaseError, ProgrammingError)):
        intruder.repository.get(b.inquiry(reference).id)


def test_wrapped_tenant_keys_open_only_with_the_master_key_and_for_their_own_tenant(
    platform: Platform, admin: Context, new_slug: Callable[[], str], database_url: str, master_key: bytes
) -> None:
    slug = new_slug()
    platform.create_tenant(admin, slug=slug, name="Kommune C")
    with psycopg.connect(database_url) as conn:
        wrapped = bytes(conn.execute("SELECT wrapped_key FROM platform.tenants WHERE slug = %s", (slug,)).fetchone()[0])
    assert unwrap(master_key, wrapped, slug)
    with pytest.raises(MasterKeyError):
        unwrap(bytes(32), wrapped, slug)
    with pytest.raises(MasterKeyError):
        unwrap(master_key, wrapped, "another-tenant")


def test_creating_a_tenant_twice_fails_and_keeps_the_first(
    platform: Platform, admin: Context, new_slug: Callable[[], str]
) -> None:
    slug = new_slug()
    platform.create_tenant(admin, slug=slug, name="Første")
    with pytest.raises(TenantExists):
        platform.create_tenant(admin, slug=slug, name="Andre")
    assert platform.office(slug).profile().name == "Første"


def test_two_hundred_tenants_share_a_bounded_number_of_connections(
    make_platform: Callable[..., Platform],
    admin: Context,
    caseworker: Context,
    new_slug: Callable[[], str],
    database_url: str,
) -> None:
    platform = make_platform(pool_size=4, max_overflow=6)
    slugs = [new_slug() for _ in range(200)]
    for slug in slugs:
        platform.create_tenant(admin, slug=slug, name=f"Kommune {slug}")

    def work(slug: str) -> str:
        office = platform.office(slug)
        return office.inquiry(receive(office, caseworker)).reference

    with ThreadPoolExecutor(max_workers=16) as pool:
        references = list(pool.map(work, slugs))

    assert references == ["2024-0001"] * 200
    dbname = database_url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(database_url) as conn:
        connections = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (dbname,)
        ).fetchone()[0]
    assert connections <= 10  # the platform's pool: 4 + 6 overflow, however many tenants


def test_of_two_colleagues_editing_the_same_version_the_second_gets_a_conflict(
    make_platform: Callable[..., Platform], admin: Context, caseworker: Context, new_slug: Callable[[], str]
) -> None:
    slug = new_slug()
    first_process, second_process = make_platform(), make_platform()
    reference = receive(first_process.create_tenant(admin, slug=slug, name="Kommune"), caseworker)
    mine, theirs = first_process.office(slug), second_process.office(slug)
    seen = mine.inquiry(reference).version

    mine.handle(caseworker, Assign(inquiry=reference, on=date(2024, 3, 2), assignee="ombud", expected_version=seen))
    with pytest.raises(ConflictError):
        theirs.handle(
            caseworker, Assign(inquiry=reference, on=date(2024, 3, 2), assignee="rådgiver-2", expected_version=seen)
        )

    events = [e.event for e in theirs.history(reference)]
    assert events == ["Received", "Assigned"]
    assert theirs.inquiry(reference).assignee == "ombud"


def test_racing_writers_lose_no_event_and_the_losers_are_told(
    make_platform: Callable[..., Platform], admin: Context, caseworker: Context, new_slug: Callable[[], str]
) -> None:
    slug = new_slug()
    writers = 6
    platforms = [make_platform(pool_size=1, max_overflow=0) for _ in range(writers)]
    reference = receive(platforms[0].create_tenant(admin, slug=slug, name="Kommune"), caseworker)
    start = threading.Barrier(writers, timeout=30)

    def write(index: int) -> bool:
        office = platforms[index].office(slug)
        office.inquiry(reference)
        start.wait()
        try:
            office.handle(caseworker, AddNote(inquiry=reference, on=date(2024, 3, 2), text=f"Notat {index}"))
        except ConflictError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=writers) as pool:
        results = list(pool.map(write, range(writers)))

    notes = [e for e in platforms[0].office(slug).history(reference) if e.event == "NoteAdded"]
    assert results.count(True) >= 1
    assert len(notes) == results.count(True)
    assert sorted(n.details["text"] for n in notes) == sorted(f"Notat {i}" for i, ok in enumerate(results) if ok)


def test_simultaneous_receipts_get_distinct_consecutive_references(
    make_platform: Callable[..., Platform], admin: Context, caseworker: Context, new_slug: Callable[[], str]
) -> None:
    slug = new_slug()
    platforms = [make_platform(pool_size=1, max_overflow=0) for _ in range(5)]
    platforms[0].create_tenant(admin, slug=slug, name="Kommune")
    start = threading.Barrier(10, timeout=30)

    def write(index: int) -> str:
        office = platforms[index % 5].office(slug)
        start.wait()
        return receive(office, caseworker)

    with ThreadPoolExecutor(max_workers=10) as pool:
        references = list(pool.map(write, range(10)))

    assert sorted(references) == [f"2024-{n:04d}" for n in range(1, 11)]
