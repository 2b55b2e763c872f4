"""The export bundle against the real servers: the auditor's verifier agrees with `ombud audit verify` on every kind of
tampering, catches a rewritten history through the signatures and through an older bundle, and holds otherwise."""

from __future__ import annotations

import base64
import io
import json
import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from types import ModuleType

import psycopg
import pytest

from domain.audit_chain import entry_bytes, entry_hash, genesis, link
from domain.common import today_in_norway
from projections.audit_chain import stored_entries
from projections.worker import ProjectionWorker
from services.application import table_prefix
from tests.integration.conftest import Run

NAME = "Demo Testesen"
SUMMARY = "Demo Testesen venter på svar fra kommunen."
KEYS = {"events": "notification_id", "access_records": "id", "account_records": "id"}
BROKEN = re.compile(r"BRUDD ved posisjon ([0-9]+): ")


def office_with_history(ombud: Run, monkeypatch: pytest.MonkeyPatch, worker: ProjectionWorker, slug: str) -> None:
    """Two inquiries, each read once at the command line, and two accounts: every source has two sealed rows."""
    assert ombud("tenant", "create", slug, "--name", "Prøvekommune")[0] == 0
    for n in (1, 2):
        code, _, err = ombud(
            "inquiry", "receive", "--tenant", slug, "--reference", f"2026-{n}", "--channel", "phone",
            "--requester-role", "user", "--service-area", "helse", "--summary", SUMMARY, "--requester-name", NAME,
        )  # fmt: skip
        assert code == 0, err
        assert ombud("inquiry", "show", "--tenant", slug, f"2026-{n}")[0] == 0
        monkeypatch.setattr("sys.stdin", io.StringIO("et-langt-hemmelig-passord\n"))
        email = f"rådgiver{n}-{slug}@example.invalid"
        code, _, err = ombud(
            "user", "create", "--tenant", slug, "--email", email, "--role", "caseworker", "--password-stdin"
        )
        assert code == 0, err
    worker.catch_up(slug)  # the case list, for the references the bundle names
    assert ombud("audit", "checkpoint", "--tenant", slug)[0] == 0


def export(ombud: Run, slug: str, path: Path, *options: str) -> dict:
    code, out, err = ombud("audit", "export", "--tenant", slug, "--output", str(path), *options)
    assert code == 0, err
    assert NAME not in out + err
    return json.loads(path.read_text(encoding="utf-8"))


def verdict(verifier: ModuleType, capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    capsys.readouterr()
    code = verifier.main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    assert err == "" and out.count("\n") == 1, err
    return code, out.strip()


def broken_at(line: str) -> int:
    found = BROKEN.search(line)
    assert found is not None, line
    return int(found.group(1))


def sealed(admin_database_url: str, slug: str, source: str) -> list[tuple[int, int]]:
    """(position, key) of the source's rows in the chain, in order."""
    with psycopg.connect(admin_database_url) as conn:
        return conn.execute(
            "SELECT position, source_key FROM audit.chain_entries WHERE tenant_id = %s AND source = %s ORDER BY position",
            (slug, source),
        ).fetchall()


def reference_at(admin_database_url: str, slug: str, position: int) -> str | None:
    with psycopg.connect(admin_database_url) as conn:
        found = conn.execute(
            "SELECT i.reference FROM audit.chain_entries c JOIN read.inquiries i ON i.tenant_id = c.tenant_id"
            " AND i.id = c.subject_id WHERE c.tenant_id = %s AND c.position = %s",
            (slug, position),
        ).fetchone()
    return found and found[0]


def table(slug: str, source: str) -> str:
    return f"events.{table_prefix(slug)}_events" if source == "events" else f"audit.{source}"


def mine(slug: str, source: str) -> str:
    """The condition that picks the tenant's rows (an event table is the tenant's own)."""
    return "true" if source == "events" else f"tenant_id = '{slug}'"


def row_of(slug: str, source: str) -> str:
    """The condition that picks one of the tenant's rows by its key (one %s)."""
    return f"{mine(slug, source)} AND {KEYS[source]} = %s"


def columns(conn: psycopg.Connection, source: str) -> list[str]:
    """The record table's columns besides the tenant and the database's own id."""
    return [
        c
        for (c,) in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'audit' AND table_name = %s"
            " AND column_name NOT IN ('tenant_id', 'id') ORDER BY ordinal_position",
            (source,),
        )
    ]


CHANGES = {
    "events": "state = state || '\\x00'::bytea",
    "access_records": "purpose = 'endret'",
    "account_records": "role = 'tenant_admin'",
}


def modify(conn: psycopg.Connection, slug: str, source: str, first: int, second: int) -> int:
    conn.execute(f"UPDATE {table(slug, source)} SET {CHANGES[source]} WHERE {row_of(slug, source)}", (second,))
    return second


def delete(conn: psycopg.Connection, slug: str, source: str, first: int, second: int) -> int:
    conn.execute(f"DELETE FROM {table(slug, source)} WHERE {row_of(slug, source)}", (second,))
    return second


def insert(conn: psycopg.Connection, slug: str, source: str, first: int, second: int) -> int:
    """A copy of the first row under a free key below the second's, as if it had always been there."""
    query = f"SELECT {KEYS[source]} FROM {table(slug, source)} WHERE {mine(slug, source)}"
    taken = {k for (k,) in conn.execute(query)}
    lower = max(k for k in range(second) if k not in taken)
    if source == "events":
        conn.execute(
            f"INSERT INTO {table(slug, source)} (notification_id, originator_id, originator_version, topic, state)"
            f" SELECT %s, %s, 1, topic, state FROM {table(slug, source)} WHERE notification_id = %s",
            (lower, uuid.uuid4(), first),
        )
    else:
        named = ", ".join(columns(conn, source))
        conn.execute(
            f"INSERT INTO {table(slug, source)} (tenant_id, id, {named}) OVERRIDING SYSTEM VALUE"
            f" SELECT tenant_id, %s, {named} FROM {table(slug, source)} WHERE {row_of(slug, source)}",
            (lower, first),
        )
    return lower


def reorder(conn: psycopg.Connection, slug: str, source: str, first: int, second: int) -> int:
    """The first two rows trade places: events swap their keys, records (whose ids are the database's) the rest."""
    if source == "events":
        for old, new in ((first, -1), (second, first), (-1, second)):
            conn.execute(
                f"UPDATE {table(slug, source)} SET notification_id = %s WHERE notification_id = %s", (new, old)
            )
    else:
        swapped = ", ".join(f"{c} = o.{c}" for c in columns(conn, source))
        conn.execute(
            f"UPDATE {table(slug, source)} AS t SET {swapped} FROM {table(slug, source)} AS o"
            " WHERE t.tenant_id = %s AND o.tenant_id = %s AND (t.id, o.id) IN ((%s, %s), (%s, %s))",
            (slug, slug, first, second, second, first),
        )
    return first


def tamper(admin_database_url: str, slug: str, source: str, how: Callable[..., int]) -> int:
    """Changes the source's rows as a superuser could; returns the position where the chain must break: the row's
    own, or for a row put in, that of the next sealed row of its table."""
    (_, first), (_, second), *_ = sealed(admin_database_url, slug, source)
    with psycopg.connect(admin_database_url, autocommit=True) as conn:
        key = how(conn, slug, source, first, second)
    return next(p for p, k in sealed(admin_database_url, slug, source) if k >= key)


@pytest.mark.parametrize("source", ["events", "access_records", "account_records"])
@pytest.mark.parametrize("how", [modify, delete, insert, reorder], ids=lambda how: how.__name__)
def test_any_one_row_tampered_with_breaks_verify_and_the_verifier_at_the_same_position(
    ombud: Run,
    monkeypatch: pytest.MonkeyPatch,
    worker: ProjectionWorker,
    verifier: ModuleType,
    capsys: pytest.CaptureFixture[str],
    admin_database_url: str,
    new_slug: Callable[[], str],
    tmp_path: Path,
    source: str,
    how: Callable[..., int],
) -> None:
    office, other = new_slug(), new_slug()
    office_with_history(ombud, monkeypatch, worker, office)
    assert ombud("tenant", "create", other, "--name", "Nabokommune")[0] == 0

    position = tamper(admin_database_url, office, source, how)

    code, _, err = ombud("audit", "verify", "--tenant", office)
    assert code == 1 and broken_at(err) == position, err
    export(ombud, office, tmp_path / "bundle.json")
    code, line = verdict(verifier, capsys, tmp_path / "bundle.json")
    assert code == 1 and broken_at(line) == position, line
    assert NAME not in line
    if how is not insert:  # the line names the inquiry the row is about, if it is about one
        reference = reference_at(admin_database_url, office, position)
        assert (f"(henvendelse {reference}):" in line) if reference else ("henvendelse" not in line)
    export(ombud, other, tmp_path / "other.json")
    assert verdict(verifier, capsys, tmp_path / "other.json")[0] == 0  # the other kommune's chain is untouched
    assert ombud("audit", "verify", "--tenant", other)[0] == 0
