"""The export bundle against the real servers: the auditor's verifier agrees with `ombud audit verify` on every kind of
tampering, catches a rewritten history through the signatures and through an older bundle, and holds otherwise."""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import psycopg
import pytest

from domain.audit_chain import entry_hash, genesis, link
from domain.common import today_in_norway
from projections.worker import ProjectionWorker
from services.application import table_prefix
from services.audit import chain as audit_chain
from services.audit.chain import stored_entries
from services.audit_signing import load_signer, new_signing_key_pem
from tests import factories
from tests.helpers import query
from tests.integration.conftest import Run
from tests.integration.helpers import created_tenant
from tests.private_database import (
    module_admin_database_url,  # noqa: F401 (the module's own database, since it tampers with it)
    module_database_url,  # noqa: F401
)

NAME = "Demo Testesen"
SUMMARY = "Demo Testesen venter på svar fra kommunen."
KEYS = {"events": "notification_id", "access_records": "id", "account_records": "id"}
BROKEN = re.compile(r"BRUDD ved posisjon ([0-9]+): ")


def office_with_history(ombud: Run, monkeypatch: pytest.MonkeyPatch, worker: ProjectionWorker, slug: str) -> None:
    """Two inquiries, each read once at the command line, and two accounts: every source has two sealed rows."""
    assert ombud("tenant", "create", slug, "--name", "Prøvekommune")[0] == 0
    for n in (1, 2):
        receive_and_read(ombud, slug, f"2026-{n}", channel="phone")
        monkeypatch.setattr("sys.stdin", io.StringIO("et-langt-hemmelig-passord\n"))
        email = f"rådgiver{n}-{slug}@example.invalid"
        code, _, err = ombud(
            "user", "create", "--tenant", slug, "--email", email, "--role", "caseworker", "--password-stdin"
        )
        assert code == 0, err
    worker.catch_up(slug)  # the case list, for the references the bundle names
    assert ombud("audit", "checkpoint", "--tenant", slug)[0] == 0


def receive_and_read(ombud: Run, slug: str, reference: str, channel: str = "letter") -> None:
    """One inquiry received and then read at the command line."""
    personal = {"--summary": SUMMARY, "--requester-name": NAME}
    code, _, err = ombud(
        *factories.receive_args(
            slug, {"--reference": reference, "--received-on": None, "--channel": channel, **personal}
        )
    )
    assert code == 0, err
    assert ombud("inquiry", "show", "--tenant", slug, reference)[0] == 0


@pytest.fixture
def office(ombud: Run, monkeypatch: pytest.MonkeyPatch, worker: ProjectionWorker, new_slug: Callable[[], str]) -> str:
    """A new office with a history (see office_with_history), its chain checkpointed."""
    slug = new_slug()
    office_with_history(ombud, monkeypatch, worker, slug)
    return slug


@pytest.fixture
def other(ombud: Run, new_slug: Callable[[], str]) -> str:
    """A neighbouring office with no history of its own."""
    return created_tenant(ombud, new_slug(), "Nabokommune")


Verdict = Callable[..., tuple[int, str]]


@pytest.fixture
def judge(verifier: ModuleType, capsys: pytest.CaptureFixture[str]) -> Verdict:
    """The verifier's exit code and its one line, for a bundle and its options."""
    return lambda *args: verdict(verifier, capsys, *args)


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


def chain_length(admin_database_url: str, slug: str) -> int:
    with psycopg.connect(admin_database_url) as conn:
        return conn.execute("SELECT count(*) FROM audit.chain_entries WHERE tenant_id = %s", (slug,)).fetchone()[0]


def reference_at(admin_database_url: str, slug: str, position: int) -> str | None:
    found = query(
        admin_database_url,
        "SELECT i.reference FROM audit.chain_entries c JOIN read.inquiries i ON i.tenant_id = c.tenant_id"
        " AND i.id = c.subject_id WHERE c.tenant_id = %s AND c.position = %s",
        (slug, position),
    )
    return found[0][0] if found else None


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
    office: str,
    other: str,
    judge: Verdict,
    ombud: Run,
    admin_database_url: str,
    tmp_path: Path,
    source: str,
    how: Callable[..., int],
) -> None:
    position = tamper(admin_database_url, office, source, how)

    code, _, err = ombud("audit", "verify", "--tenant", office)
    assert code == 1 and broken_at(err) == position, err
    export(ombud, office, tmp_path / "bundle.json")
    code, line = judge(tmp_path / "bundle.json")
    assert code == 1 and broken_at(line) == position, line
    assert NAME not in line
    if how is not insert:  # the line names the inquiry the row is about, if it is about one
        reference = reference_at(admin_database_url, office, position)
        assert (f"(henvendelse {reference}):" in line) if reference else ("henvendelse" not in line)
    export(ombud, other, tmp_path / "other.json")
    assert judge(tmp_path / "other.json")[0] == 0  # the other kommune's chain is untouched
    assert ombud("audit", "verify", "--tenant", other)[0] == 0


def test_an_untouched_office_exports_a_bundle_that_holds_names_references_and_shows_no_personal_text(
    office: str,
    judge: Verdict,
    ombud: Run,
    monkeypatch: pytest.MonkeyPatch,
    worker: ProjectionWorker,
    verifier: ModuleType,
    admin_database_url: str,
    new_slug: Callable[[], str],
    tmp_path: Path,
) -> None:
    other = new_slug()
    office_with_history(ombud, monkeypatch, worker, other)
    code, pem, _ = ombud("audit", "public-key")
    assert code == 0
    (tmp_path / "office.pem").write_text(pem, encoding="utf-8")

    bundle = export(ombud, office, tmp_path / "bundle.json")

    code, line = judge(tmp_path / "bundle.json", "--public-key", tmp_path / "office.pem")
    assert code == 0, line
    length = chain_length(admin_database_url, office)
    assert [e["position"] for e in bundle["entries"]] == list(range(1, length + 1))
    assert (bundle["manifest"]["first_position"], bundle["manifest"]["last_position"]) == (1, length)
    assert bundle["checkpoints"][-1]["length"] == length and bundle["unchained"] == []
    assert {e["reference"] for e in bundle["entries"] if e["source"] == "access_records"} == {"2026-1", "2026-2"}
    text = (tmp_path / "bundle.json").read_text(encoding="utf-8")
    stored = b"".join(base64.b64decode(e["data"]) for e in bundle["entries"])
    assert NAME not in text and SUMMARY not in text
    assert NAME.encode() not in stored and SUMMARY.encode() not in stored  # events are stored encrypted
    for entry in bundle["entries"]:  # every record is this office's, none the other's
        fields = verifier.fields(base64.b64decode(entry["data"]))
        assert entry["source"] == "events" or fields[2] == office.encode()

    another = load_signer(new_signing_key_pem(), "test").public_key
    (tmp_path / "other.pem").write_text(another.pem(), encoding="utf-8")
    code, line = judge(tmp_path / "bundle.json", "--public-key", tmp_path / "other.pem")
    assert code == 1 and line.startswith("BRUDD: eksportens nøkkel") and "ikke den kontoret har publisert" in line


def rewrite_history(admin_database_url: str, slug: str, position: int) -> None:
    """What someone with the database but without the key would do: change a row, then recompute every later hash."""
    with psycopg.connect(admin_database_url, autocommit=True) as conn:
        source, key = conn.execute(
            "SELECT source, source_key FROM audit.chain_entries WHERE tenant_id = %s AND position = %s",
            (slug, position),
        ).fetchone()
        modify(conn, slug, source, key, key)
        running = (
            genesis(slug)
            if position == 1
            else bytes(
                conn.execute(
                    "SELECT chain_hash FROM audit.chain_entries WHERE tenant_id = %s AND position = %s",
                    (slug, position - 1),
                ).fetchone()[0]
            )
        )
        for entry in list(stored_entries(conn, slug, first=position)):
            digest = entry_hash(entry.data)
            running = link(running, digest)
            conn.execute(
                "UPDATE audit.chain_entries SET entry_hash = %s, chain_hash = %s WHERE tenant_id = %s AND position = %s",
                (digest, running, slug, entry.position),
            )


def test_a_rewritten_history_with_every_later_hash_recomputed_fails_at_the_signed_checkpoint(
    office: str,
    judge: Verdict,
    ombud: Run,
    admin_database_url: str,
    tmp_path: Path,
) -> None:
    signed_at = chain_length(admin_database_url, office)  # office_with_history signs the whole chain
    (position, _), *_ = sealed(admin_database_url, office, "access_records")

    rewrite_history(admin_database_url, office, position)

    code, _, err = ombud("audit", "verify", "--tenant", office)
    assert code == 1 and broken_at(err) == signed_at and "sjekkpunkt" in err, err
    export(ombud, office, tmp_path / "bundle.json")
    code, line = judge(tmp_path / "bundle.json")
    assert code == 1 and broken_at(line) == signed_at and "signerte sjekkpunktet" in line, line


def test_a_flipped_byte_in_a_signature_fails_the_verifier(
    office: str,
    judge: Verdict,
    ombud: Run,
    tmp_path: Path,
) -> None:
    bundle = export(ombud, office, tmp_path / "bundle.json")
    point = bundle["checkpoints"][-1]
    signature = bytearray(base64.b64decode(point["signature"]))
    signature[17] ^= 0x01
    point["signature"] = base64.b64encode(bytes(signature)).decode()
    (tmp_path / "flipped.json").write_text(json.dumps(bundle), encoding="utf-8")

    code, line = judge(tmp_path / "flipped.json")

    assert code == 1 and broken_at(line) == point["length"] and "signatur" in line, line
    assert judge(tmp_path / "bundle.json")[0] == 0


def test_a_break_after_the_last_checkpoint_is_exported_all_the_same_and_named_by_both(
    office: str,
    judge: Verdict,
    ombud: Run,
    worker: ProjectionWorker,
    database_url: str,
    admin_database_url: str,
    tmp_path: Path,
) -> None:
    receive_and_read(ombud, office, "2026-3")
    worker.catch_up(office)
    with psycopg.connect(database_url, autocommit=True) as conn:
        audit_chain.seal(conn, office)  # sealed as the worker seals, not yet signed
    with psycopg.connect(admin_database_url, autocommit=True) as conn:
        (_, first), (position, second) = sealed(admin_database_url, office, "access_records")[-2:]
        modify(conn, office, "access_records", first, second)

    code, _, err = ombud("audit", "export", "--tenant", office, "--output", str(tmp_path / "bundle.json"))

    assert code == 0 and err.startswith("merk: ") and err.count("\n") == 1, err  # nothing signed over the break
    code, line = judge(tmp_path / "bundle.json")
    assert code == 1 and broken_at(line) == position and "(henvendelse 2026-3)" in line, line
    code, _, err = ombud("audit", "verify", "--tenant", office)
    assert code == 1 and broken_at(err) == position, err


def test_a_later_bundle_extends_an_earlier_one_unless_history_was_rewritten_and_re_signed(
    office: str,
    other: str,
    judge: Verdict,
    ombud: Run,
    admin_database_url: str,
    tmp_path: Path,
) -> None:
    export(ombud, office, tmp_path / "a.json")
    export(ombud, other, tmp_path / "other.json")
    receive_and_read(ombud, office, "2026-3")
    export(ombud, office, tmp_path / "b.json")

    code, line = judge(tmp_path / "b.json", "--previous", tmp_path / "a.json")
    assert code == 0 and "forlenger forrige eksport" in line, line
    code, line = judge(tmp_path / "a.json", "--previous", tmp_path / "b.json")
    assert code == 1 and "slutter før den forrige" in line, line
    code, line = judge(tmp_path / "b.json", "--previous", tmp_path / "other.json")
    assert code == 1 and line.startswith("BRUDD: forrige eksport gjelder et annet revisjonsspor"), line

    # Someone with the database rewrites a row, recomputes the chain and deletes the checkpoints: the signer, which
    # remembers what it signed, refuses the new head and verification fails.
    (position, _), *_ = sealed(admin_database_url, office, "access_records")
    rewrite_history(admin_database_url, office, position)
    with psycopg.connect(admin_database_url, autocommit=True) as conn:
        conn.execute("DELETE FROM audit.chain_checkpoints WHERE tenant_id = %s", (office,))
    assert ombud("audit", "checkpoint", "--tenant", office)[0] == 1
    assert ombud("audit", "verify", "--tenant", office)[0] == 1
    # With a copy of the signing key but not the signer's record (which stays beside the real key), it is re-signed.
    shutil.rmtree(tmp_path / "audit-signer")
    assert ombud("audit", "checkpoint", "--tenant", office)[0] == 0
    assert ombud("audit", "verify", "--tenant", office)[0] == 0  # the platform alone cannot tell
    export(ombud, office, tmp_path / "c.json")
    assert judge(tmp_path / "c.json")[0] == 0  # nor can the new bundle alone

    code, line = judge(tmp_path / "c.json", "--previous", tmp_path / "a.json")

    assert code == 1 and broken_at(line) == position and "endret siden forrige eksport" in line, line
    assert "(henvendelse 2026-1)" in line


def test_an_erasure_changes_no_sealed_byte_the_chain_and_its_bundles_still_hold(
    office: str,
    judge: Verdict,
    ombud: Run,
    tmp_path: Path,
) -> None:
    export(ombud, office, tmp_path / "before.json")

    code, _, err = ombud(
        "inquiry", "erase", "--tenant", office, "2026-1", "--reason", "krav fra innbygger", "--outcome", "withdrawn"
    )
    assert code == 0, err

    code, out, err = ombud("audit", "verify", "--tenant", office)
    assert code == 0 and "holder" in out, err
    export(ombud, office, tmp_path / "after.json")
    code, line = judge(tmp_path / "after.json", "--previous", tmp_path / "before.json")
    assert code == 0 and "forlenger forrige eksport" in line, line


OLD_DAY, NEXT_DAY = "2025-01-15", "2025-01-16"


def test_bundles_for_some_days_start_after_a_checkpoint_end_at_one_and_hold(
    office: str,
    judge: Verdict,
    ombud: Run,
    admin_database_url: str,
    tmp_path: Path,
) -> None:
    first_signed = chain_length(admin_database_url, office)
    with psycopg.connect(admin_database_url, autocommit=True) as conn:  # as if sealed then: the hashes do not cover it
        conn.execute(
            "UPDATE audit.chain_entries SET sealed_at = CASE WHEN position < %s THEN %s ELSE %s END::date + time '12:00'"
            " WHERE tenant_id = %s AND position <= %s",
            (first_signed, OLD_DAY, NEXT_DAY, office, first_signed),
        )
    receive_and_read(ombud, office, "2026-3")
    assert ombud("audit", "checkpoint", "--tenant", office)[0] == 0
    today, head = today_in_norway().isoformat(), chain_length(admin_database_url, office)

    cases = {
        "since-today.json": (("--from", today), first_signed + 1, head),  # starts right after the first checkpoint
        "old-day.json": (("--to", OLD_DAY), 1, first_signed),  # ends at the first checkpoint, one entry past the day
        "next-day.json": (("--from", NEXT_DAY, "--to", NEXT_DAY), 1, first_signed),  # widened back to the genesis
    }
    for name, (options, first, last) in cases.items():
        manifest = export(ombud, office, tmp_path / name, *options)["manifest"]
        assert (manifest["first_position"], manifest["last_position"]) == (first, last), name
        code, line = judge(tmp_path / name)
        assert code == 0, (name, line)
    code, line = judge(tmp_path / "since-today.json", "--previous", tmp_path / "old-day.json")
    assert code == 0, line
    code, line = judge(tmp_path / "next-day.json", "--previous", tmp_path / "since-today.json")
    assert code == 1 and "slutter før den forrige" in line, line


def test_the_export_refuses_bad_input_in_one_line_naming_the_field(
    ombud: Run, new_slug: Callable[[], str], tmp_path: Path
) -> None:
    office = new_slug()
    assert ombud("tenant", "create", office, "--name", "Prøvekommune")[0] == 0
    (tmp_path / "out").mkdir()
    target = str(tmp_path / "out" / "bundle.json")
    refusals = [
        (("--tenant", new_slug(), "--output", target), 1, "tenant"),
        (("--tenant", office, "--output", target, "--from", "2025-02-30"), 2, "--from"),
        (("--tenant", office, "--output", target, "--to", "i går"), 2, "--to"),
        (("--tenant", office, "--output", target, "--from", "2025-02-02", "--to", "2025-02-01"), 2, "--to"),
        (("--tenant", office, "--output", target, "--from", "2001-01-01", "--to", "2001-01-02"), 1, "--from/--to"),
        (("--tenant", office, "--output", str(tmp_path / "finnes-ikke" / "bundle.json")), 1, "--output"),
        (("--tenant", office), 2, "--output"),
    ]
    for args, status, field in refusals:
        code, out, err = ombud("audit", "export", *args)
        assert (code, out) == (status, ""), (args, err)
        assert err.count("\n") == 1 and field in err and "Traceback" not in err, (args, err)
    assert list((tmp_path / "out").iterdir()) == []  # nothing half written
