"""A superuser without the signing key against the signed history: rewrite and rechain, drop checkpoints, truncate the
tail, rewrite inside the last checkpoint. Each is caught by `ombud audit verify` and by the worker, and the signer,
which remembers the last head it signed (beside its key, outside the database), refuses to sign the forged head.
Rows left unsealed past the promised delay fail verification; a witness's copy of the public list
/revisjon/{kommune}/sjekkpunkter catches what the signer's record alone cannot."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import psycopg
import pytest
from litestar.testing import TestClient

from domain.audit_chain import WITNESS_FORMAT
from infra.logins import worker_url_for
from projections.worker import ProjectionWorker
from services.audit import chain as audit_chain
from services.audit.keeper import AuditKeeper
from services.audit_signing import load_signer
from services.platform import Platform
from services.signed_heads import SignedHeads
from tests.integration.conftest import Run
from tests.integration.test_audit_bundle import export, verdict
from tests.integration.test_audit_verify import (
    PERSONAL,
    World,
    as_superuser,
    build_world,
    chain_of,
    change_row,
    checkpoint_rows,
    receive,
    recompute_chain_from,
    table_of,
)
from tests.private_database import (
    module_admin_database_url,  # noqa: F401 (the module's own database, since it tampers with it)
    module_database_url,  # noqa: F401
)
from web.app import create_app


@pytest.fixture
def world(
    ombud: Run, monkeypatch: pytest.MonkeyPatch, worker: ProjectionWorker, new_slug: Callable[[], str],
    admin_database_url: str,
) -> World:  # fmt: skip
    """Two tenants, each with every source chained and two signed checkpoints (the second after more reads)."""
    slugs = (new_slug(), new_slug())
    build_world(ombud, monkeypatch, worker, slugs)
    for slug in slugs:
        assert ombud("inquiry", "show", "--tenant", slug, "2024-0001")[0] == 0
        assert ombud("inquiry", "show", "--tenant", slug, "2024-0002")[0] == 0
        assert ombud("audit", "checkpoint", "--tenant", slug)[0] == 0
        assert len(checkpoint_rows(admin_database_url, slug)) == 2
    return World(*slugs)


@pytest.fixture
def keeping(platform: Platform, database_url: str, signing_key: bytes, tmp_path: Path) -> Iterator[ProjectionWorker]:
    """The worker with the real signer: the same key and the same record as the command line's."""
    worker = ProjectionWorker(platform, worker_url_for(database_url), audit=AuditKeeper())
    worker.sign_checkpoints_with(
        load_signer(signing_key, "OMBUD_AUDIT_SIGNING_KEY", SignedHeads(tmp_path / "audit-signer"))
    )
    yield worker
    worker.close()


def verify(ombud: Run, *options: str) -> tuple[int, str, str]:
    code, out, err = ombud("audit", "verify", *options)
    assert not [text for text in PERSONAL if text in out + err], "personal data in the output"
    return code, out, err


# -- what the superuser does -------------------------------------------------------------------------------------


def rewrite_and_rechain(admin: str, slug: str) -> None:
    """(a) An access record altered, every hash from there recomputed, the checkpoints from there on deleted."""
    target = next(e for e in chain_of(admin, slug) if e.source == "access_records")
    change_row(admin, slug, "access_records", target.source_key)
    recompute_chain_from(admin, slug, target.position)
    as_superuser(
        admin, "DELETE FROM audit.chain_checkpoints WHERE tenant_id = %(s)s AND length >= %(p)s",
        {"s": slug, "p": target.position},
    )  # fmt: skip


def drop_checkpoints(admin: str, slug: str) -> None:
    """(b) The newest checkpoint deleted."""
    newest = checkpoint_rows(admin, slug)[-1][0]
    as_superuser(
        admin,
        "DELETE FROM audit.chain_checkpoints WHERE tenant_id = %(s)s AND length = %(n)s",
        {"s": slug, "n": newest},
    )


def truncate_tail(admin: str, slug: str) -> None:
    """(c) Back to the first checkpoint: the newest events, records, entries and checkpoints deleted together."""
    first = checkpoint_rows(admin, slug)[0][0]
    for entry in [e for e in chain_of(admin, slug) if e.position > first]:
        key = "notification_id" if entry.source == "events" else "id"
        as_superuser(admin, f"DELETE FROM {table_of(slug, entry.source)} WHERE {key} = %(k)s", {"k": entry.source_key})
    for table, column in (("audit.chain_entries", "position"), ("audit.chain_checkpoints", "length")):
        as_superuser(
            admin, f"DELETE FROM {table} WHERE tenant_id = %(s)s AND {column} > %(n)s", {"s": slug, "n": first}
        )


def rewrite_inside(admin: str, slug: str) -> None:
    """(d) An event inside the last checkpoint rewritten and every hash recomputed; the checkpoints left alone."""
    target = [e for e in chain_of(admin, slug) if e.source == "events"][-1]
    change_row(admin, slug, "events", target.source_key)
    recompute_chain_from(admin, slug, target.position)


# Each tampering, and the reason verification gives for it.
SCENARIOS = {
    "rewrite_and_rechain": (rewrite_and_rechain, "rewritten"),
    "drop_checkpoints": (drop_checkpoints, "lost_checkpoint"),
    "truncate_tail": (truncate_tail, "shorter"),
    "rewrite_inside": (rewrite_inside, "checkpoint"),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_each_tampering_fails_verify_and_the_worker_and_the_signer_refuses_the_forged_head(
    ombud: Run, world: World, keeping: ProjectionWorker, admin_database_url: str, scenario: str, tmp_path: Path
) -> None:
    tamper, reason = SCENARIOS[scenario]
    tamper(admin_database_url, world.slug)
    signed_before = checkpoint_rows(admin_database_url, world.slug)

    code, out, err = verify(ombud, "--tenant", world.slug)
    assert code == 1 and out == "" and err.startswith(f"{world.slug}: BRUDD ved posisjon "), err
    assert err.strip().endswith(audit_chain.REASONS[reason]), err
    assert verify(ombud, "--tenant", world.other)[0] == 0

    verdicts = {v.scope: v for v in keeping.verify_audit_chains_in_full()}
    assert verdicts[world.slug].broken is not None and verdicts[world.slug].broken.reason == reason
    assert verdicts[world.other].holds
    with psycopg.connect(admin_database_url) as conn:
        status = conn.execute(
            "SELECT tenant_id, broken_position IS NOT NULL FROM audit.chain_status WHERE tenant_id = ANY(%s)",
            ([world.slug, world.other],),
        ).fetchall()
    assert dict(status) == {world.slug: True, world.other: False}

    # Something new to sign: neither the command line, nor the export, nor the worker signs the forged head.
    assert ombud("inquiry", "show", "--tenant", world.slug, "2024-0001")[0] == 0
    code, _, err = ombud("audit", "checkpoint", "--tenant", world.slug)
    assert code == 1 and "signereren nekter å signere" in err, err
    code, _, err = ombud("audit", "export", "--tenant", world.slug, "--output", str(tmp_path / "eksport.json"))
    assert "signereren nekter å signere" in err, err
    keeping.keep_audit_chains(now=True)
    assert checkpoint_rows(admin_database_url, world.slug) == signed_before


def test_the_untouched_chains_hold_and_the_signer_extends_its_record(
    ombud: Run, world: World, tmp_path: Path, admin_database_url: str
) -> None:
    remembered = SignedHeads(tmp_path / "audit-signer").last(world.slug)
    assert remembered is not None and remembered.length == checkpoint_rows(admin_database_url, world.slug)[-1][0]
    assert ombud("inquiry", "show", "--tenant", world.slug, "2024-0001")[0] == 0
    assert ombud("audit", "checkpoint", "--tenant", world.slug)[0] == 0
    now = SignedHeads(tmp_path / "audit-signer").last(world.slug)
    assert now is not None and now.length == remembered.length + 1
    assert verify(ombud, "--tenant", world.slug)[0] == 0 and verify(ombud, "--tenant", world.other)[0] == 0


# -- rows the worker has not sealed ------------------------------------------------------------------------------


def test_rows_not_sealed_are_counted_and_fail_verify_once_older_than_the_delay(
    ombud: Run, world: World, admin_database_url: str
) -> None:
    assert ombud("inquiry", "show", "--tenant", world.slug, "2024-0002")[0] == 0  # an access record, not sealed

    code, out, _ = verify(ombud, "--tenant", world.slug)
    assert code == 0 and "1 poster er ikke forseglet ennå" in out, out

    as_superuser(  # the worker stopped ten minutes ago
        admin_database_url,
        "UPDATE audit.access_records SET at = at - interval '10 minutes' WHERE tenant_id = %(s)s"
        " AND id = (SELECT max(id) FROM audit.access_records WHERE tenant_id = %(s)s)",
        {"s": world.slug},
    )
    code, out, err = verify(ombud, "--tenant", world.slug)
    assert code == 1 and out == "", out
    assert err.startswith(f"{world.slug}: BRUDD: 1 poster er ikke forseglet ennå, den eldste skrevet "), err
    assert "(10 minutter siden)" in err and audit_chain.REASONS["unsealed"] in err
    assert verify(ombud, "--tenant", world.other)[0] == 0


def test_a_new_tenant_whose_events_wait_for_the_worker_is_not_a_clean_empty_chain(
    ombud: Run, new_slug: Callable[[], str]
) -> None:
    slug = new_slug()
    assert ombud("tenant", "create", slug, "--name", "Prøvekommune")[0] == 0
    receive(ombud, slug, "2024-0001")
    code, out, _ = verify(ombud, "--tenant", slug)
    assert code == 0 and out.startswith(f"{slug}: holder (0 poster") and "poster er ikke forseglet ennå" in out, out


# -- the witness list --------------------------------------------------------------------------------------------


def published(platform: Platform, database_url: str, redis_url: str, slug: str, query: str = "") -> tuple[int, dict]:
    with TestClient(app=create_app(platform, database_url, redis_url)) as client:
        response = client.get(f"/revisjon/{slug}/sjekkpunkter{query}")
    return response.status_code, response.json() if response.status_code == 200 else {}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Nothing on standard error, where the command's own lines are read."""


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[Callable[[dict], str]]:
    """A mirror of the list on loopback: what a kommune's archive or anyone else may keep and serve."""
    folder = tmp_path / "speil"
    folder.mkdir()
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def serve(document: dict) -> str:
        (folder / "sjekkpunkter.json").write_text(json.dumps(document), encoding="utf-8")
        return f"http://127.0.0.1:{server.server_address[1]}/sjekkpunkter.json"

    yield serve
    server.shutdown()


def test_the_public_list_shows_signed_heads_only_and_a_witness_catches_what_the_signer_forgot(
    ombud: Run, world: World, platform: Platform, database_url: str, redis_url: str, admin_database_url: str,
    tmp_path: Path, serving: Callable[[dict], str],
) -> None:  # fmt: skip
    status, listed = published(platform, database_url, redis_url, world.slug)
    assert status == 200 and listed["format"] == WITNESS_FORMAT and listed["tenant"] == world.slug
    rows = checkpoint_rows(admin_database_url, world.slug)
    assert [(c["length"], c["head"]) for c in listed["checkpoints"]] == [(n, h.hex()) for n, h, _ in rows]
    assert {c["tenant"] for c in listed["checkpoints"]} == {world.slug}
    assert all(set(c) == {"tenant", "length", "head", "at", "key_id", "signature"} for c in listed["checkpoints"])
    assert not [text for text in PERSONAL if text in json.dumps(listed)]
    for unknown in ("_platform", "finnes-ikke", world.slug + "x"):
        assert published(platform, database_url, redis_url, unknown)[0] == 404
    _, later = published(platform, database_url, redis_url, world.slug, f"?etter={rows[0][0]}")
    assert [c["length"] for c in later["checkpoints"]] == [n for n, _, _ in rows[1:]] and later["next"] is None
    for odd in ("-1", "²", "1e3", "x"):
        assert published(platform, database_url, redis_url, world.slug, f"?etter={odd}")[0] == 400
    mirror = tmp_path / "vitne.json"
    mirror.write_text(json.dumps(listed), encoding="utf-8")
    assert verify(ombud, "--tenant", world.slug, "--witness", str(mirror))[0] == 0
    code, _, err = verify(ombud, "--tenant", world.slug, "--witness", str(tmp_path / "ingen.json"))
    assert code == 1 and "--witness" in err

    # The first checkpoint dropped, the signer's record lost: only the witness still knows it.
    first = rows[0][0]
    as_superuser(
        admin_database_url, "DELETE FROM audit.chain_checkpoints WHERE tenant_id = %(s)s AND length = %(n)s",
        {"s": world.slug, "n": first},
    )  # fmt: skip
    shutil.rmtree(tmp_path / "audit-signer")
    assert verify(ombud, "--tenant", world.slug)[0] == 0  # the database alone cannot tell
    for witness in (str(mirror), serving(listed)):
        code, out, err = verify(ombud, "--tenant", world.slug, "--witness", witness)
        assert code == 1 and out == "", out
        assert err.startswith(f"{world.slug}: BRUDD ved posisjon {first}: "), err
        assert audit_chain.REASONS["lost_checkpoint"] in err, err


def test_the_web_login_can_only_add_to_the_list_never_change_or_remove(
    world: World, database_url: str, admin_database_url: str
) -> None:
    for statement in (
        "UPDATE audit.chain_checkpoints SET at = now() WHERE tenant_id = %s",
        "DELETE FROM audit.chain_checkpoints WHERE tenant_id = %s",
        "TRUNCATE audit.chain_checkpoints",
    ):
        with psycopg.connect(database_url) as conn:
            conn.execute("SELECT set_config('app.tenant_id', %s, false)", (world.slug,))
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement, (world.slug,) if "%s" in statement else None)
    assert len(checkpoint_rows(admin_database_url, world.slug)) == 2


def test_a_rolled_back_bundle_fails_the_auditors_verifier_with_a_witness_file(
    ombud: Run, world: World, platform: Platform, database_url: str, redis_url: str, admin_database_url: str,
    verifier: ModuleType, capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:  # fmt: skip
    witness = tmp_path / "vitne.json"
    witness.write_text(json.dumps(published(platform, database_url, redis_url, world.slug)[1]), encoding="utf-8")
    export(ombud, world.slug, tmp_path / "a.json")
    code, line = verdict(verifier, capsys, tmp_path / "a.json", "--witness", witness)
    assert code == 0 and "stemmer med vitnets 2 sjekkpunkter" in line, line

    # The database rolled back to the first checkpoint and the signer's record gone with it (a restored backup of
    # both): the new bundle holds on its own, but ends before what the witness saw.
    truncate_tail(admin_database_url, world.slug)
    shutil.rmtree(tmp_path / "audit-signer")
    export(ombud, world.slug, tmp_path / "b.json")
    assert verdict(verifier, capsys, tmp_path / "b.json")[0] == 0
    code, line = verdict(verifier, capsys, tmp_path / "b.json", "--witness", witness)
    assert code == 1 and verifier.REASONS["behind_witness"] in line, line
    other = tmp_path / "annet.json"
    other.write_text(json.dumps(published(platform, database_url, redis_url, world.other)[1]), encoding="utf-8")
    code, line = verdict(verifier, capsys, tmp_path / "b.json", "--witness", other)
    assert code == 1 and line == f"BRUDD: vitnet har ingen sjekkpunkter for {world.slug}", line


def test_the_worker_finds_a_cut_tail_in_its_next_stretch_without_waiting_for_the_full_pass(
    ombud: Run, world: World, keeping: ProjectionWorker, admin_database_url: str
) -> None:
    keeping.keep_audit_chains()
    keeping.verify_audit_chains_in_full()  # every chain verified to its head
    truncate_tail(admin_database_url, world.slug)
    assert ombud("inquiry", "show", "--tenant", world.slug, "2024-0001")[0] == 0  # something new comes

    verdicts = {verdict.scope: verdict for verdict in keeping.keep_audit_chains()}

    assert world.slug in verdicts and verdicts[world.slug].broken is not None
    assert verdicts[world.slug].broken.reason == "shorter"
    assert world.other not in verdicts  # nothing new there: not looked at on the projection path
