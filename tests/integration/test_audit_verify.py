"""`ombud audit verify` against a database administrator: every change, deletion, insertion and reordering of a
stored row, a chain recomputed after a rewrite, and a forged checkpoint are named at the first broken position."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from uuid import UUID

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.audit_chain import checkpoint_message, entry_hash, link
from domain.inquiry import Inquiry
from infra.settings import Settings
from infra.throwaway import throwaway_database
from projections.worker import ProjectionWorker
from services.audit.chain import REASONS, SOURCE_NAMES, events_table, stored_entries
from tests import factories
from tests.helpers import query
from tests.integration.conftest import Run
from tests.private_database import (
    migrated_app_login,
    module_admin_database_url,  # noqa: F401 (the module's own database, since it tampers with it)
    module_database_url,  # noqa: F401
)

# Obviously fake people: none of this may reach any line the command prints.
PEOPLE = {"2024-0001": ("Kjedine Testesen", "Kjedine Testesen spør om byggesaken sin."),
          "2024-0002": ("Hashmund Prøvesen", "Hashmund Prøvesen venter på svar fra NAV.")}  # fmt: skip
PERSONAL = tuple(text for person in PEOPLE.values() for text in person)
KEY_COLUMNS = {"events": "notification_id", "access_records": "id", "account_records": "id"}
# One stored field per source that an administrator might edit (none of them is the row's key).
EDITS = {
    "events": "state = state || '\\x00'::bytea",
    "access_records": "purpose = purpose || ' (endret)'",
    "account_records": "actor_id = actor_id || '-endret'",
}
_RECORD_COLUMNS = {
    "access_records": ("at", "account_id", "role", "inquiry_id", "purpose", "channel"),
    "account_records": ("at", "account_id", "change", "role", "previous_role", "actor_id", "actor_role"),
}


# -- what the database holds, read and tampered with as its superuser ------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A chain entry as audit.chain_entries holds it."""

    position: int
    source: str
    source_key: int
    subject_id: UUID | None


def chain_of(admin_database_url: str, scope: str) -> list[Entry]:
    sql = "SELECT position, source, source_key, subject_id FROM audit.chain_entries WHERE tenant_id = %s ORDER BY 1"
    return [Entry(*row) for row in query(admin_database_url, sql, (scope,))]


def table_of(scope: str, source: str) -> str:
    return f"events.{events_table(scope)}" if source == "events" else f"audit.{source}"


def _row(scope: str, source: str) -> str:
    """The WHERE clause naming one row of the scope by its key (the records' tables hold every tenant's rows)."""
    key = KEY_COLUMNS[source]
    return f"{key} = %(key)s" if source == "events" else f"tenant_id = %(scope)s AND {key} = %(key)s"


def as_superuser(admin_database_url: str, statement: str, params: dict[str, object] | None = None) -> int:
    with psycopg.connect(admin_database_url, autocommit=True) as conn:
        return conn.execute(statement, params).rowcount  # type: ignore[arg-type]


def on_one_row(admin_database_url: str, scope: str, source: str, key: int, statement: str) -> None:
    """Runs `UPDATE ... SET ...` or `DELETE FROM` on exactly one row of the source, as a superuser could."""
    done = as_superuser(
        admin_database_url,
        f"{statement.format(table=table_of(scope, source))} WHERE {_row(scope, source)}",
        {"scope": scope, "key": key},
    )
    assert done == 1


def change_row(admin_database_url: str, scope: str, source: str, key: int) -> None:
    on_one_row(admin_database_url, scope, source, key, f"UPDATE {{table}} SET {EDITS[source]}")


def delete_row(admin_database_url: str, scope: str, source: str, key: int) -> None:
    on_one_row(admin_database_url, scope, source, key, "DELETE FROM {table}")


def insert_copy(admin_database_url: str, scope: str, source: str, of_key: int, new_key: int) -> None:
    """A copy of a row slipped in afterwards under a lower key of the superuser's choosing."""
    if source == "events":
        statement = (
            f"INSERT INTO {table_of(scope, source)} (notification_id, originator_id, originator_version, topic, state)"
            f" SELECT %(new)s, originator_id, originator_version + 1000, topic, state FROM {table_of(scope, source)}"
            f" WHERE {_row(scope, source)}"
        )
    else:
        columns = ", ".join(_RECORD_COLUMNS[source])
        statement = (
            f"INSERT INTO {table_of(scope, source)} (tenant_id, id, {columns}) OVERRIDING SYSTEM VALUE"
            f" SELECT tenant_id, %(new)s, {columns} FROM {table_of(scope, source)} WHERE {_row(scope, source)}"
        )
    assert as_superuser(admin_database_url, statement, {"scope": scope, "key": of_key, "new": new_key}) == 1


def swap_rows(admin_database_url: str, scope: str, source: str, a: int, b: int) -> None:
    """Two rows trade places: events their keys, records (whose ids the database will not let change) their contents."""
    table = table_of(scope, source)
    if source == "events":
        with psycopg.connect(admin_database_url) as conn:  # one transaction, through a free key
            for old, new in ((a, -1), (b, a), (-1, b)):
                conn.execute(f"UPDATE {table} SET notification_id = %s WHERE notification_id = %s", (new, old))
        return
    assignments = ", ".join(f"{column} = other.{column}" for column in _RECORD_COLUMNS[source])
    swapped = as_superuser(
        admin_database_url,
        f"UPDATE {table} AS mine SET {assignments} FROM {table} AS other WHERE mine.tenant_id = %(scope)s"
        " AND other.tenant_id = mine.tenant_id AND ((mine.id = %(a)s AND other.id = %(b)s)"
        " OR (mine.id = %(b)s AND other.id = %(a)s))",
        {"scope": scope, "a": a, "b": b},
    )
    assert swapped == 2


def recompute_chain_from(admin_database_url: str, scope: str, first: int) -> None:
    """What an administrator who knows the arithmetic (but not the signing key) does after rewriting a row."""
    with psycopg.connect(admin_database_url, autocommit=True) as conn:
        entries = list(stored_entries(conn, scope))
        running = entries[first - 2].chain_hash if first > 1 else None
        assert running is not None
        for entry in entries[first - 1 :]:
            assert entry.data is not None
            digest = entry_hash(entry.data)
            running = link(running, digest)
            conn.execute(
                "UPDATE audit.chain_entries SET entry_hash = %s, chain_hash = %s WHERE tenant_id = %s AND position = %s",
                (digest, running, scope, entry.position),
            )


def checkpoint_rows(admin_database_url: str, scope: str) -> list[tuple[int, bytes, str]]:
    with psycopg.connect(admin_database_url) as conn:
        rows = conn.execute(
            "SELECT length, head, key_id FROM audit.chain_checkpoints WHERE tenant_id = %s ORDER BY length", (scope,)
        ).fetchall()
    return [(length, bytes(head), key_id) for length, head, key_id in rows]


def forge_checkpoint(admin_database_url: str, scope: str, length: int, head: bytes, key_id: str) -> None:
    """A checkpoint signed with a key of the administrator's own, under the real key's id."""
    with psycopg.connect(admin_database_url) as conn:
        at = conn.execute("SELECT now()").fetchone()[0]  # type: ignore[index]
        signature = Ed25519PrivateKey.generate().sign(checkpoint_message(scope, length, head, at))
        conn.execute(
            "INSERT INTO audit.chain_checkpoints (tenant_id, length, head, at, key_id, signature)"
            " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (tenant_id, length) DO UPDATE SET head = excluded.head,"
            " at = excluded.at, key_id = excluded.key_id, signature = excluded.signature",
            (scope, length, head, at, key_id, signature),
        )


def chain_hash_at(admin_database_url: str, scope: str, position: int) -> bytes:
    with psycopg.connect(admin_database_url) as conn:
        row = conn.execute(
            "SELECT chain_hash FROM audit.chain_entries WHERE tenant_id = %s AND position = %s", (scope, position)
        ).fetchone()
    assert row is not None
    return bytes(row[0])


# -- a chained tenant, made as an office would make it -----------------------------------------------------------


@dataclass(frozen=True)
class World:
    slug: str
    other: str  # built in step with `slug`, so the records' ids of the two interleave

    @staticmethod
    def reference(inquiry: UUID | None) -> str | None:
        """The reference of one of PEOPLE's inquiries (the same in both tenants), None for anything else."""
        return next((ref for ref in PEOPLE if inquiry is not None and Inquiry.id_for(ref) == inquiry), None)


def receive(ombud: Run, tenant: str, reference: str) -> None:
    name, summary = PEOPLE[reference]
    personal = {"--summary": summary, "--requester-name": name}
    code, _, err = ombud(
        *factories.receive_args(tenant, {"--reference": reference, "--case-type": "no_reply", **personal})
    )
    assert code == 0, err


def create_user(ombud: Run, monkeypatch: pytest.MonkeyPatch, tenant: str | None, role: str = "caseworker") -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("et-langt-hemmelig-passord\n"))
    scope = ("--tenant", tenant) if tenant else ()
    email = f"kjede-{uuid.uuid4().hex[:8]}@eksempel.invalid"
    code, _, err = ombud("user", "create", *scope, "--email", email, "--role", role, "--password-stdin")
    assert code == 0, err


def build_world(ombud: Run, monkeypatch: pytest.MonkeyPatch, worker: ProjectionWorker, slugs: tuple[str, str]) -> None:
    """Both tenants step by step: events, reads (access records) and account changes, then sealed and signed."""
    for slug in slugs:
        assert ombud("tenant", "create", slug, "--name", "Prøvekommune")[0] == 0
    for slug in slugs:
        receive(ombud, slug, "2024-0001")
    for slug in slugs:
        assert ombud("inquiry", "show", "--tenant", slug, "2024-0001")[0] == 0
    for slug in slugs:
        create_user(ombud, monkeypatch, slug)
    for slug in slugs:
        receive(ombud, slug, "2024-0002")
        assert ombud("inquiry", "note", "--tenant", slug, "2024-0002", "--on", "2024-02-02", "--text", "Ringte")[0] == 0
    for slug in slugs:
        assert ombud("inquiry", "history", "--tenant", slug, "2024-0002")[0] == 0
    for slug in slugs:
        create_user(ombud, monkeypatch, slug, "auditor")
    for slug in slugs:
        worker.catch_up(slug)  # the references the verifier names come from the case list
        code, _, err = ombud("audit", "checkpoint", "--tenant", slug)
        assert code == 0, err


@pytest.fixture
def world(ombud: Run, monkeypatch: pytest.MonkeyPatch, worker: ProjectionWorker, new_slug: Callable[[], str]) -> World:
    slugs = (new_slug(), new_slug())
    build_world(ombud, monkeypatch, worker, slugs)
    return World(*slugs)


def verify(ombud: Run, *scope: str) -> tuple[int, list[str], list[str]]:
    code, out, err = ombud("audit", "verify", *scope)
    assert not [text for text in PERSONAL if text in out + err], "personal data in the output"
    return code, out.splitlines(), err.splitlines()


def assert_names(line: str, slug: str, position: int, source: str | None, key: int | None, reason: str) -> None:
    assert line.startswith(f"{slug}: BRUDD ved posisjon {position}: "), line
    if source is not None:
        assert f"{SOURCE_NAMES[source]} nr. {key}" in line, line
    assert line.endswith(REASONS[reason]), line


def holds(ombud: Run, slug: str) -> None:
    code, out, err = verify(ombud, "--tenant", slug)
    assert (code, err) == (0, []) and len(out) == 1 and out[0].startswith(f"{slug}: holder ("), out


# -- an untouched chain ------------------------------------------------------------------------------------------


def test_an_untouched_tenant_verifies_with_every_entry_signed(
    ombud: Run, world: World, admin_database_url: str
) -> None:
    length = len(chain_of(admin_database_url, world.slug))

    code, out, err = verify(ombud, "--tenant", world.slug)

    assert (code, err) == (0, [])
    assert out == [f"{world.slug}: holder ({length} poster, 1 signerte sjekkpunkter)"]
    sources = {entry.source for entry in chain_of(admin_database_url, world.slug)}
    assert sources == {"events", "access_records", "account_records"}


@pytest.fixture
def database_of_its_own(
    settings: Settings, server_url: str, monkeypatch: pytest.MonkeyPatch, ombud: Run
) -> Iterator[str]:
    """A database of the test's own, so `--all` meets no chain another test of this module broke on purpose."""
    with throwaway_database(server_url, "ombud_test") as admin_url:
        monkeypatch.setenv("DATABASE_URL", migrated_app_login(settings, server_url, admin_url))
        monkeypatch.setenv("OMBUD_ADMIN_DATABASE_URL", admin_url)
        yield admin_url


def test_all_verifies_every_tenant_and_the_platform_and_names_only_the_broken_one(
    ombud: Run, database_of_its_own: str, monkeypatch: pytest.MonkeyPatch, new_slug: Callable[[], str]
) -> None:
    slugs = (new_slug(), new_slug())
    for slug in slugs:
        assert ombud("tenant", "create", slug, "--name", "Prøvekommune")[0] == 0
        receive(ombud, slug, "2024-0001")
        assert ombud("inquiry", "show", "--tenant", slug, "2024-0001")[0] == 0
    create_user(ombud, monkeypatch, None, "network")  # an account record in the platform's own chain
    assert ombud("audit", "checkpoint", "--all")[0] == 0

    code, out, err = verify(ombud, "--all")

    assert (code, err) == (0, [])
    assert sorted(line.split(":")[0] for line in out) == sorted([*slugs, "plattformen"])
    assert all(": holder (" in line and "1 signerte sjekkpunkter" in line for line in out), out

    [first_access] = [e for e in chain_of(database_of_its_own, slugs[0]) if e.source == "access_records"]
    delete_row(database_of_its_own, slugs[0], "access_records", first_access.source_key)
    code, out, err = verify(ombud, "--all")

    assert code == 1
    [line] = err
    assert_names(line, slugs[0], first_access.position, "access_records", first_access.source_key, "missing")
    assert sorted(line.split(":")[0] for line in out) == sorted([slugs[1], "plattformen"])


# -- one row changed, deleted, slipped in or moved ---------------------------------------------------------------


def _of(entries: list[Entry], source: str) -> list[Entry]:
    return [entry for entry in entries if entry.source == source]


def _about_an_inquiry(entries: list[Entry], source: str) -> Entry:
    """The source's first entry about an inquiry (an account record is about none)."""
    if source == "account_records":
        return _of(entries, source)[1]
    return next(e for e in _of(entries, source) if World.reference(e.subject_id) is not None)


@pytest.mark.parametrize("source", ["events", "access_records", "account_records"])
@pytest.mark.parametrize("attack", ["modify", "delete"])
def test_a_changed_or_deleted_row_is_named_at_its_position_with_its_table_number_and_inquiry(
    ombud: Run, world: World, admin_database_url: str, source: str, attack: str
) -> None:
    target = _about_an_inquiry(chain_of(admin_database_url, world.slug), source)
    if attack == "modify":
        change_row(admin_database_url, world.slug, source, target.source_key)
    else:
        delete_row(admin_database_url, world.slug, source, target.source_key)

    code, out, err = verify(ombud, "--tenant", world.slug)

    assert code == 1 and out == []
    [line] = err
    reason = "changed" if attack == "modify" else "missing"
    assert_names(line, world.slug, target.position, source, target.source_key, reason)
    reference = World.reference(target.subject_id)
    assert (f", henvendelse {reference}, " in line) == (reference is not None), line
    assert (source == "account_records") == (reference is None)
    holds(ombud, world.other)


@pytest.mark.parametrize("source", ["events", "access_records", "account_records"])
def test_a_row_slipped_in_under_a_lower_key_is_named_where_it_would_stand(
    ombud: Run, world: World, admin_database_url: str, source: str
) -> None:
    entries = _of(chain_of(admin_database_url, world.slug), source)
    mine = [entry.source_key for entry in entries]
    # Events have a table per tenant with keys 1, 2, 3 …: the only free lower key is below them. The records'
    # tables are shared, so the other tenant's keys lie between this one's.
    new_key = 0 if source == "events" else next(k for k in range(mine[0], mine[-1]) if k not in mine)
    copied = _about_an_inquiry(entries, source)
    insert_copy(admin_database_url, world.slug, source, copied.source_key, new_key)
    before = next(entry for entry in entries if entry.source_key > new_key)  # the entry it was slipped in before

    code, out, err = verify(ombud, "--tenant", world.slug)

    assert code == 1 and out == []
    [line] = err
    assert_names(line, world.slug, before.position, source, new_key, "inserted")
    reference = World.reference(copied.subject_id)
    assert (f", henvendelse {reference}, " in line) == (reference is not None), line
    holds(ombud, world.other)


@pytest.mark.parametrize("source", ["events", "access_records", "account_records"])
def test_two_rows_that_trade_places_are_caught_at_the_first_of_them(
    ombud: Run, world: World, admin_database_url: str, source: str
) -> None:
    first, second = _of(chain_of(admin_database_url, world.slug), source)[-2:]
    swap_rows(admin_database_url, world.slug, source, first.source_key, second.source_key)

    code, out, err = verify(ombud, "--tenant", world.slug)

    assert code == 1 and out == []
    [line] = err
    assert_names(line, world.slug, first.position, source, first.source_key, "changed")
    holds(ombud, world.other)


# -- a rewritten history, and forged checkpoints -----------------------------------------------------------------


def test_a_row_rewritten_with_every_later_hash_recomputed_is_caught_at_the_signed_checkpoint_and_not_re_signed(
    ombud: Run, world: World, admin_database_url: str
) -> None:
    entries = chain_of(admin_database_url, world.slug)
    [(signed_length, _, _)] = checkpoint_rows(admin_database_url, world.slug)
    target = _about_an_inquiry(entries, "access_records")
    change_row(admin_database_url, world.slug, "access_records", target.source_key)
    recompute_chain_from(admin_database_url, world.slug, target.position)

    code, out, err = verify(ombud, "--tenant", world.slug)

    assert code == 1 and out == []
    [line] = err
    at = entries[signed_length - 1]
    assert_names(line, world.slug, signed_length, at.source, at.source_key, "checkpoint")

    # New entries after the rewrite: the next checkpoint refuses to sign the rewritten chain.
    assert ombud("inquiry", "show", "--tenant", world.slug, "2024-0001")[0] == 0
    code, _, err = ombud("audit", "checkpoint", "--tenant", world.slug)
    assert code == 1 and len(err.splitlines()) == 1 and "holder ikke" in err and "ombud audit verify" in err
    assert len(checkpoint_rows(admin_database_url, world.slug)) == 1


@pytest.mark.parametrize("forgery", ["re-signed rewrite", "altered head", "extra checkpoint"])
def test_a_forged_checkpoint_is_caught_by_its_signature(
    ombud: Run, world: World, admin_database_url: str, forgery: str
) -> None:
    entries = chain_of(admin_database_url, world.slug)
    [(length, _, key_id)] = checkpoint_rows(admin_database_url, world.slug)
    if forgery == "re-signed rewrite":
        target = _about_an_inquiry(entries, "events")
        change_row(admin_database_url, world.slug, "events", target.source_key)
        recompute_chain_from(admin_database_url, world.slug, target.position)
        forge_checkpoint(
            admin_database_url, world.slug, length, chain_hash_at(admin_database_url, world.slug, length), key_id
        )
        at = length
    elif forgery == "altered head":
        as_superuser(
            admin_database_url,
            "UPDATE audit.chain_checkpoints SET head = %(head)s WHERE tenant_id = %(scope)s",
            {"head": chain_hash_at(admin_database_url, world.slug, length - 1), "scope": world.slug},
        )
        at = length
    else:
        at = length // 2
        forge_checkpoint(admin_database_url, world.slug, at, chain_hash_at(admin_database_url, world.slug, at), key_id)

    code, out, err = verify(ombud, "--tenant", world.slug)

    assert code == 1 and out == []
    [line] = err
    entry = entries[at - 1]
    assert_names(line, world.slug, at, entry.source, entry.source_key, "signature")
    holds(ombud, world.other)


# -- erasure, and the command's own refusals ---------------------------------------------------------------------


def test_a_tenant_verifies_after_an_inquiry_is_erased(
    ombud: Run, world: World, admin_database_url: str, worker: ProjectionWorker
) -> None:
    def hashes() -> list[bytes]:
        with psycopg.connect(admin_database_url) as conn:
            return [
                bytes(row[0])
                for row in conn.execute(
                    "SELECT entry_hash FROM audit.chain_entries WHERE tenant_id = %s ORDER BY position", (world.slug,)
                )
            ]

    before = hashes()
    code, _, err = ombud(
        "inquiry",
        "erase",
        "--tenant",
        world.slug,
        "2024-0001",
        "--reason",
        "krav fra innbygger",
        "--outcome",
        "withdrawn",
    )
    assert code == 0, err
    worker.catch_up(world.slug)
    assert ombud("audit", "checkpoint", "--tenant", world.slug)[0] == 0

    code, out, err = verify(ombud, "--tenant", world.slug)

    assert (code, err) == (0, [])
    assert out == [f"{world.slug}: holder ({len(hashes())} poster, 2 signerte sjekkpunkter)"]
    assert hashes()[: len(before)] == before and len(hashes()) > len(before)  # nothing sealed was rewritten


def test_an_unknown_tenant_is_one_line_naming_the_option(ombud: Run) -> None:
    code, out, err = verify(ombud, "--tenant", "finnes-ikke")

    assert code == 1 and out == []
    [line] = err
    assert "--tenant" in line and "finnes-ikke" in line
