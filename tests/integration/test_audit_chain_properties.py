"""Whatever an office does and whenever the sealer looks, every row is chained once, in its key order, and the chain
holds; then whichever single row is changed, removed or slipped in, verification names exactly where."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import asyncpg
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.account import Account
from domain.common import Context
from infra.directory import PostgresAccountDirectory
from infra.eventstore import open_datastore
from infra.logins import worker_url_for
from services.audit import chain as audit_chain
from services.audit.access_log import record_access
from services.audit_signing import Signer, load_signer
from services.case_commands import AddNote
from services.office import Office
from services.platform import Platform
from tests import factories
from tests.integration.test_audit_verify import (
    KEY_COLUMNS,
    change_row,
    delete_row,
    insert_copy,
    table_of,
)
from tests.private_database import (
    module_admin_database_url,  # noqa: F401 (the module's own database, since it tampers with it)
    module_database_url,  # noqa: F401
)

PROPERTY = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ON = date(2024, 3, 1)
SOURCES = ("events", "access_records", "account_records")

# What the office does, one action at a time; the sealer and the signer look in between, at random.
ACTIONS = st.lists(
    st.one_of(
        st.just(("receive", 0)),
        st.tuples(st.just("note"), st.integers(0, 7)),
        st.tuples(st.just("read"), st.integers(0, 7)),
        st.tuples(st.just("account"), st.sampled_from(["create", "role", "deactivate", "reactivate"])),
        st.tuples(st.just("elsewhere"), st.integers(0, 7)),  # the other tenant, whose rows must stay out
        st.just(("seal", 0)),
        st.just(("checkpoint", 0)),
    ),
    min_size=1,
    max_size=25,
)


async def _pool(database_url: str) -> asyncpg.Pool:
    return await asyncpg.create_pool(database_url, min_size=1, max_size=1)  # made inside the loop it belongs to


class Reads:
    """Case-page reads as the web records them (asyncpg), from this synchronous test."""

    def __init__(self, database_url: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._pool = self._loop.run_until_complete(_pool(database_url))

    def record(self, tenant: str, inquiry_id: uuid.UUID) -> None:
        self._loop.run_until_complete(
            record_access(
                self._pool,
                tenant,
                account_id=str(uuid.uuid4()),
                role="caseworker",
                inquiry_id=inquiry_id,
                purpose="saksbehandling",
                channel="web",
            )
        )

    def close(self) -> None:
        self._loop.run_until_complete(self._pool.close())
        self._loop.close()


@dataclass
class TenantUnderTest:
    """One tenant under test and what has been done to it so far."""

    office: Office
    references: list[str] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    active: dict[uuid.UUID, bool] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.office.slug


@dataclass
class Rig:
    platform: Platform
    ctx: Context
    reads: Reads
    directory: PostgresAccountDirectory
    conn: psycopg.Connection[Any]  # the app's login, as the worker and `ombud audit` use it
    admin_database_url: str
    signer: Signer
    new_slug: Callable[[], str]

    def office(self) -> TenantUnderTest:
        return TenantUnderTest(self.platform.create_tenant(self.ctx, slug=self.new_slug(), name="Prøvekommune"))

    def act(self, tenant: TenantUnderTest, kind: str, pick: int) -> None:
        if kind == "receive" or (kind in ("note", "read") and not tenant.references):
            reference = f"2024-{len(tenant.references) + 1:04d}"
            factories.receive(
                tenant.office,
                factories.as_role(self.ctx, "caseworker"),
                reference=reference,
                received_on=ON,
                requester_role="user",
                summary="Testperson spør om en sak",
                requester_name="Kjede Testesen",
            )
            tenant.references.append(reference)
        elif kind == "note":
            tenant.office.handle(
                factories.as_role(self.ctx, "caseworker"),
                AddNote(inquiry=tenant.references[pick % len(tenant.references)], on=ON, text="Ringte"),
            )
        elif kind == "read":
            reference = tenant.references[pick % len(tenant.references)]
            self.reads.record(tenant.slug, tenant.office.inquiry_id(reference))
        elif kind == "account" and (pick == "create" or not tenant.accounts):
            account = Account(uuid.uuid4(), f"kjede-{uuid.uuid4().hex[:8]}@eksempel.invalid", "caseworker", tenant.slug)
            assert self.directory.add(account, "ingen-ekte-hash", self.ctx)
            tenant.accounts.append(account)
            tenant.active[account.id] = True
        else:
            account = tenant.accounts[-1]
            if pick == "role":
                assert self.directory.change_role(account.id, tenant.slug, "auditor", self.ctx)
            else:  # a deactivation of an inactive account (and the reverse) records nothing
                assert self.directory.set_active(account.id, tenant.slug, pick == "reactivate", self.ctx)


@pytest.fixture
def rig(
    platform: Platform,
    admin: Context,
    database_url: str,
    admin_database_url: str,
    signing_key: bytes,
    new_slug: Callable[[], str],
) -> Iterator[Rig]:
    reads = Reads(database_url)
    datastore = open_datastore(database_url, pool_size=1, max_overflow=0)
    with psycopg.connect(worker_url_for(database_url), autocommit=True) as conn:  # the worker seals and signs
        yield Rig(
            platform,
            admin,
            reads,
            PostgresAccountDirectory(datastore),
            conn,
            admin_database_url,
            load_signer(signing_key, "test"),
            new_slug,
        )
    reads.close()
    datastore.close()  # type: ignore[attr-defined]


def stored_keys(admin_database_url: str, scope: str, source: str) -> list[int]:
    key = KEY_COLUMNS[source]
    where = "" if source == "events" else " WHERE tenant_id = %(scope)s"
    with psycopg.connect(admin_database_url) as conn:
        rows = conn.execute(f"SELECT {key} FROM {table_of(scope, source)}{where} ORDER BY {key}", {"scope": scope})
        return [row[0] for row in rows]


def chained(conn: psycopg.Connection[Any], scope: str) -> list[audit_chain.StoredEntry]:
    return list(audit_chain.stored_entries(conn, scope))


@PROPERTY
@given(actions=ACTIONS, data=st.data())
def test_every_row_is_chained_once_in_key_order_and_a_single_tampered_row_is_named_exactly(
    rig: Rig, actions: list[tuple[str, Any]], data: st.DataObject
) -> None:
    mine, theirs = rig.office(), rig.office()
    for kind, pick in actions:
        if kind == "seal":
            audit_chain.seal(rig.conn, mine.slug)
        elif kind == "checkpoint":
            audit_chain.seal(rig.conn, mine.slug)
            audit_chain.checkpoint(rig.conn, mine.slug, rig.signer)
        elif kind == "elsewhere":
            rig.act(theirs, ("receive", "read", "note")[pick % 3], pick)
        else:
            rig.act(mine, kind, pick)
    for tenant in (mine, theirs):
        audit_chain.seal(rig.conn, tenant.slug)

    entries = chained(rig.conn, mine.slug)
    assert [entry.position for entry in entries] == list(range(1, len(entries) + 1))
    for source in SOURCES:
        in_chain = [entry.source_key for entry in entries if entry.source == source]
        assert in_chain == stored_keys(rig.admin_database_url, mine.slug, source)  # each once, in key order
    for tenant in (mine, theirs):
        verdict = audit_chain.verify(rig.conn, tenant.slug, rig.signer.public_key)
        assert verdict.holds and verdict.length == len(chained(rig.conn, tenant.slug))

    # One row, any source, any place: changed, removed, or a copy slipped in under a lower key.
    source = data.draw(st.sampled_from([s for s in SOURCES if any(e.source == s for e in entries)]))
    of_source = [entry for entry in entries if entry.source == source]
    target = data.draw(st.sampled_from(of_source))
    attack = data.draw(st.sampled_from(["change", "delete", "insert"]))
    if attack == "change":
        change_row(rig.admin_database_url, mine.slug, source, target.source_key)
        expected = (target.position, target.source_key, "changed")
    elif attack == "delete":
        delete_row(rig.admin_database_url, mine.slug, source, target.source_key)
        expected = (target.position, target.source_key, "missing")
    else:
        keys = {entry.source_key for entry in of_source}
        # A free key just below the target if the tenant's keys leave one (the records' tables are shared), else 0.
        below = next((key for key in range(target.source_key - 1, 0, -1) if key not in keys), 0)
        free = 0 if source == "events" else below
        insert_copy(rig.admin_database_url, mine.slug, source, target.source_key, free)
        before = next(entry for entry in of_source if entry.source_key > free)
        expected = (before.position, free, "inserted")

    broken = audit_chain.verify(rig.conn, mine.slug, rig.signer.public_key).broken

    assert broken is not None
    assert (broken.position, broken.source, broken.source_key, broken.reason) == (expected[0], source, *expected[1:])
    assert audit_chain.verify(rig.conn, theirs.slug, rig.signer.public_key).holds
