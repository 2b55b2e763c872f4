"""The blind index on the real servers: found by name and word, only in its own tenant, no plaintext, gone on erasure."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from uuid import UUID

import psycopg
import pytest

from domain.common import Context
from projections import search_index
from projections.reading import tenant_transaction
from projections.worker import ProjectionWorker
from services.application import OfficeApplication, table_prefix
from services.case_commands import EraseInquiry
from services.keys import unwrap
from services.office import Office
from services.platform import Platform
from tests import factories

NAME = "Åse Ødegård"
SUMMARY = "Klage på vedtak om støttekontakt"


@pytest.fixture
def offices(
    platform: Platform, admin: Context, caseworker: Context, new_slug: Callable[[], str], worker: ProjectionWorker
) -> tuple[Office, Office, UUID, UUID]:
    a = platform.create_tenant(admin, slug=new_slug(), name="A kommune")
    b = platform.create_tenant(admin, slug=new_slug(), name="B kommune")
    found_a, found_b = (
        factories.receive(
            office, caseworker, reference=ref, received_on=date(2024, 2, 1), summary=SUMMARY, requester_name=NAME
        ).id
        for office, ref in ((a, "A-1"), (b, "B-1"))
    )
    worker.catch_up(a.slug)
    worker.catch_up(b.slug)
    return a, b, found_a, found_b


async def hits(database_url: str, office: Office, text: str) -> list[UUID]:
    import asyncpg

    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    try:
        async with tenant_transaction(pool, office.slug) as conn:
            return await search_index.matching(conn, office.search_tokens(text))
    finally:
        await pool.close()


async def test_a_name_typed_without_its_letters_finds_the_inquiry_and_only_in_its_own_tenant(
    offices: tuple[Office, Office, UUID, UUID], database_url: str
) -> None:
    a, b, found_a, found_b = offices
    assert await hits(database_url, a, "ase") == [found_a]
    assert await hits(database_url, a, "Odegard ÅSE") == [found_a]
    assert await hits(database_url, a, "støttekontakt") == [found_a]
    assert await hits(database_url, a, "ase nobody") == []
    assert await hits(database_url, b, "ase") == [found_b]


def test_the_table_holds_keyed_hashes_and_no_word_in_plain_text(
    offices: tuple[Office, Office, UUID, UUID], admin_database_url: str
) -> None:
    a, b, _, _ = offices
    with psycopg.connect(admin_database_url) as conn:
        rows = conn.execute(
            "SELECT tenant_id, token FROM read.search_tokens WHERE tenant_id = ANY(%s)", ([a.slug, b.slug],)
        ).fetchall()
    tokens = {slug: {bytes(t) for s, t in rows if s == slug} for slug in (a.slug, b.slug)}
    assert len(tokens[a.slug]) == len(tokens[b.slug]) == 7  # åse, ødegård, klage, på, vedtak, om, støttekontakt
    assert not tokens[a.slug] & tokens[b.slug], "the same word hashes differently in every tenant"
    for token in tokens[a.slug]:
        assert len(token) == 32
        for word in ("ase", "odegard", "Åse", "Ødegård", "klage", "vedtak", "stottekontakt"):
            assert word.encode() not in token


async def test_an_erased_inquiry_is_no_longer_found_and_the_other_tenant_keeps_its_own(
    offices: tuple[Office, Office, UUID, UUID],
    database_url: str,
    caseworker: Context,
    worker: ProjectionWorker,
) -> None:
    a, b, _, found_b = offices
    a.handle(
        factories.as_admin(caseworker),
        EraseInquiry("A-1", on=date(2024, 3, 1), reason="krav fra innbygger", outcome="withdrawn"),
    )
    worker.catch_up(a.slug)
    assert await hits(database_url, a, "ase") == []
    assert await hits(database_url, b, "ase") == [found_b]
    worker.rebuild(a.slug, search_index.NAME)
    assert await hits(database_url, a, "ase") == []


def test_the_stored_event_holds_the_tokens_only_encrypted_and_after_erasure_they_open_to_nothing(
    offices: tuple[Office, Office, UUID, UUID],
    admin_database_url: str,
    master_key: bytes,
    caseworker: Context,
) -> None:
    a, b, found_a, found_b = offices
    tokens = a.app.search_index.tokens(NAME + " " + SUMMARY)  # the word hashes, as the event keeps them
    cipher = OfficeApplication(a.slug, tenant_key(admin_database_url, master_key, a.slug)).mapper.cipher
    with psycopg.connect(admin_database_url) as conn:
        (state,) = conn.execute(
            f"SELECT state FROM events.{table_prefix(a.slug)}_events WHERE originator_id = %s", (found_a,)
        ).fetchone()
    stored = cipher.decrypt(bytes(state)).decode()
    assert len(tokens) == 7 and not [t for t in tokens if t in stored]
    assert set(json.loads(stored)["search_tokens"]) == {"v", "n", "c"}

    received = a.app.events.get(found_a)  # as the worker decodes it
    assert next(iter(received)).search_tokens == tokens
    a.handle(
        factories.as_admin(caseworker),
        EraseInquiry("A-1", on=date(2024, 3, 1), reason="krav fra innbygger", outcome="withdrawn"),
    )
    assert next(iter(a.app.events.get(found_a))).search_tokens == []
    assert next(iter(b.app.events.get(found_b))).search_tokens == b.app.search_index.tokens(NAME + " " + SUMMARY)


def tenant_key(admin_database_url: str, master_key: bytes, slug: str) -> str:
    with psycopg.connect(admin_database_url) as conn:
        row = conn.execute("SELECT wrapped_key FROM platform.tenants WHERE slug = %s", (slug,)).fetchone()
    return unwrap(master_key, bytes(row[0]), slug)


async def test_one_batch_indexes_every_inquiry_received_and_none_erased_within_it(
    platform: Platform,
    admin: Context,
    caseworker: Context,
    new_slug: Callable[[], str],
    worker: ProjectionWorker,
    database_url: str,
) -> None:
    """The batch's words are written together: each inquiry under its own id, an inquiry erased in the same batch
    not at all."""
    office = platform.create_tenant(admin, slug=new_slug(), name="C kommune")
    personal = {"received_on": date(2024, 2, 1), "summary": SUMMARY, "requester_name": NAME}
    kept = [factories.receive(office, caseworker, reference=f"C-{n}", **personal).id for n in (1, 2, 3)]
    gone = factories.receive(office, caseworker, reference="C-4", **personal).id
    factories.erase(office, factories.as_admin(caseworker), "C-4", date(2024, 3, 1))
    worker.catch_up(office.slug)  # one batch: four received, one of them erased
    assert sorted(await hits(database_url, office, "ase")) == sorted(kept)
    assert gone not in await hits(database_url, office, "støttekontakt")
