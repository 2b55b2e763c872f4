"""The attacker who holds the database server, the master key and the WAL, against erasure with key epochs.

What the attack of issue 19 did: with `pageinspect`, read every old version of `platform.inquiry_keys` and
`read.search_tokens` from the table pages, unwrap the erased inquiry's old key with the master key, open its fields,
and test a guessed name against its dead index rows. This module does the same, first while the erased inquiry's
epoch still exists (the attack works: the test can fail), then after a rotation past the window (it recovers
nothing). Its own database and epoch folder: rotations and destroyed epochs touch no other test.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from domain.common import OSLO, Context
from domain.inquiry import ERASED, Inquiry
from domain.search_words import search_words
from infra.key_epochs import DirectoryEpochStore
from infra.logins import worker_url_for
from projections.worker import ProjectionWorker
from services.application import OfficeApplication, table_prefix
from services.key_epochs import EpochPolicy
from services.keys import unwrap
from services.platform import Platform
from tests import factories
from tests.helpers import open_platform
from tests.integration.conftest import Run
from tests.integration.test_erasure import CONTACT, NAME, PERSONAL, SUMMARY, receive_full
from tests.private_database import (
    module_admin_database_url,  # noqa: F401 (the module's own database: it rotates and destroys epochs)
    module_database_url,  # noqa: F401
)

ERASED_REF, KEPT_REF = "2024-0001", "2024-0002"
ERASED_ID, KEPT_ID = Inquiry.id_for(ERASED_REF), Inquiry.id_for(KEPT_REF)
HOLD_REASON = "tvist med Åsmund Slettesen"
GUESS = NAME  # the attacker's guess of who had the erased case
# platform.inquiry_keys: tenant_id, inquiry_id, wrapped_key, created_at, destroyed_at, epoch (0018, 0026)
KEY_INQUIRY, KEY_WRAPPED = 1, 2
# A rotation every 60 days, backups kept 35: the window passes before the next rotation is due.
POLICY = EpochPolicy(rotation=timedelta(days=60), backup_retention=timedelta(days=35))


@pytest.fixture(scope="module")
def superuser(admin_database_url: str) -> str:
    with psycopg.connect(admin_database_url, autocommit=True) as conn:
        if not conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]:
            pytest.skip("the attack needs a superuser (pageinspect, pg_wal)")
        conn.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
    return admin_database_url


@pytest.fixture
def wal_start(superuser: str) -> Iterator[str]:
    """Where the WAL stood when the test began; kept from there, as a replica or a WAL archive keeps it, by a
    replication slot of the test's own (dropped at the end: the server recycles WAL again)."""
    slot = f"ombud_attack_{uuid4().hex[:12]}"
    with psycopg.connect(superuser, autocommit=True) as conn:
        (lsn,) = conn.execute("SELECT lsn::text FROM pg_create_physical_replication_slot(%s, true)", (slot,)).fetchone()
        yield lsn
        conn.execute("SELECT pg_drop_replication_slot(%s)", (slot,))


@pytest.fixture(scope="module")
def module_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("attack") / "key-epochs"


@pytest.fixture
def folder(module_folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The module's own epoch folder (its database's keys are wrapped by it), for its platform and commands alike."""
    folder = module_folder
    monkeypatch.setenv("OMBUD_KEY_EPOCH_DIR", str(folder))
    monkeypatch.setenv("OMBUD_KEY_ROTATION_DAYS", "60")
    monkeypatch.setenv("OMBUD_BACKUP_RETENTION_DAYS", "35")
    return folder


@pytest.fixture
def platform(database_url: str, master_key: bytes, folder: Path) -> Iterator[Platform]:
    with open_platform(database_url, master_key, folder, key_policy=POLICY) as platform:
        yield platform


# -- what the attacker reads ---------------------------------------------------------------------


def tuple_versions(superuser: str, table: str) -> list[list[bytes | None]]:
    """Every row version in the table's pages, live and dead, as raw attributes (pageinspect)."""
    with psycopg.connect(superuser) as conn:
        (pages,) = conn.execute(
            "SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::int", (table,)
        ).fetchone()
        found = []
        for page in range(pages):
            for (attrs,) in conn.execute(
                "SELECT t_attrs FROM heap_page_item_attrs(get_raw_page(%s, %s), %s::regclass)"
                " WHERE t_attrs IS NOT NULL",
                (table, page, table),
            ):
                found.append([None if value is None else bytes(value) for value in attrs])
    return found


def varlena(raw: bytes) -> bytes:
    """A short bytea's bytes without its one-byte header (the keys and tokens are all short)."""
    return raw[1:] if raw[0] & 1 else raw[4:]


def of(attrs: list[bytes | None], slug: str) -> bool:
    """The row version belongs to the tenant (the first column of each table here)."""
    return attrs[0] is not None and varlena(attrs[0]) == slug.encode()


def old_wrapped_keys(superuser: str, slug: str, inquiry: UUID) -> list[bytes]:
    return [
        varlena(attrs[KEY_WRAPPED])
        for attrs in tuple_versions(superuser, "platform.inquiry_keys")
        if of(attrs, slug) and attrs[KEY_INQUIRY] == inquiry.bytes and attrs[KEY_WRAPPED] is not None
    ]


def index_rows(superuser: str, slug: str, inquiry: UUID) -> set[bytes]:
    return {
        varlena(attrs[2])
        for attrs in tuple_versions(superuser, "read.search_tokens")
        if of(attrs, slug) and attrs[1] == inquiry.bytes and attrs[2] is not None
    }


def search_key_versions(superuser: str, slug: str) -> list[tuple[int, bytes]]:
    return [
        (int.from_bytes(attrs[1], "little"), varlena(attrs[2]))
        for attrs in tuple_versions(superuser, "platform.search_keys")
        if of(attrs, slug)
    ]


def wal_since(superuser: str, start_lsn: str) -> bytes:
    """The WAL segments written since `start_lsn`, as the files in pg_wal hold them."""
    with psycopg.connect(superuser) as conn:
        (first,) = conn.execute("SELECT pg_walfile_name(%s::pg_lsn)", (start_lsn,)).fetchone()
        names = [
            name
            for (name,) in conn.execute("SELECT name FROM pg_ls_waldir() ORDER BY name")
            if re.fullmatch(r"[0-9A-F]{24}", name) and name >= first
        ]
        return b"".join(
            bytes(conn.execute("SELECT pg_read_binary_file(%s)", (f"pg_wal/{name}",)).fetchone()[0]) for name in names
        )


def encrypted_envelopes(superuser: str, slug: str, tenant_key: str, inquiry: UUID) -> list[tuple[str, dict[str, Any]]]:
    """Every encrypted field of the inquiry's events, with the tenant cipher taken off (the master key opens it)."""
    cipher = OfficeApplication(slug, tenant_key).mapper.cipher
    with psycopg.connect(superuser) as conn:
        states = conn.execute(
            f"SELECT state FROM events.{table_prefix(slug)}_events WHERE originator_id = %s", (inquiry,)
        ).fetchall()
    found = []
    for (state,) in states:
        for field, value in json.loads(cipher.decrypt(bytes(state))).items():
            if isinstance(value, dict) and value.keys() == {"v", "n", "c"}:
                found.append((field, value))
    return found


# -- what the attacker holds and tries -----------------------------------------------------------


def attacker_keys(superuser: str, master_key: bytes, folder: Path, slug: str) -> dict[str, bytes]:
    """The master key, the tenant key and everything derived from it, and every epoch key still in the folder."""
    with psycopg.connect(superuser) as conn:
        (wrapped,) = conn.execute("SELECT wrapped_key FROM platform.tenants WHERE slug = %s", (slug,)).fetchone()
    tenant = base64.b64decode(unwrap(master_key, bytes(wrapped), slug))
    keys = {"master": master_key, "tenant": tenant}
    for info in (b"ombud/inquiry-keys", b"ombud/search-index"):
        keys[info.decode()] = HKDF(hashes.SHA256(), 32, salt=None, info=info).derive(tenant)
    epochs = DirectoryEpochStore(folder, master_key)
    for epoch in epochs.epochs():
        keys[f"epoch {epoch.number}"] = epochs.key(epoch.number)
    return keys


def opened(key: bytes, data: bytes, associated: list[bytes]) -> bytes | None:
    for ad in associated:
        try:
            return AESGCM(key).decrypt(data[:12], data[12:], ad)
        except InvalidTag:
            continue
    return None


def recovered(superuser: str, master_key: bytes, folder: Path, slug: str, wrapped_versions: list[bytes]) -> list[str]:
    """Every plain text of the erased inquiry the attacker can open with what they hold and what they read."""
    keys = attacker_keys(superuser, master_key, folder, slug)
    key_ads = [f"ombud/inquiry-key/{slug}/{ERASED_ID}/{n}".encode() for n in range(10)]
    key_ads += [f"{slug}/{ERASED_ID}".encode(), b""]
    inquiry_keys = {k for w in wrapped_versions for key in keys.values() if (k := opened(key, w, key_ads))}
    candidates = inquiry_keys | set(keys.values())
    texts = []
    tenant_key = base64.b64encode(keys["tenant"]).decode()
    for field, envelope in encrypted_envelopes(superuser, slug, tenant_key, ERASED_ID):
        encrypted = base64.b64decode(envelope["n"]) + base64.b64decode(envelope["c"])
        for key in candidates:
            if (text := opened(key, encrypted, [f"{slug}/{ERASED_ID}/{field}".encode()])) is not None:
                texts.append(text.decode())
    return texts


def guessed_name_matches(
    superuser: str, master_key: bytes, folder: Path, slug: str, search_keys: list[tuple[int, bytes]], rows: set[bytes]
) -> bool:
    """The oracle: does a guessed name's hash, under any search key the attacker can open, stand in the rows?"""
    keys = attacker_keys(superuser, master_key, folder, slug)
    word_key = keys["ombud/search-index"]
    words = [hmac.new(word_key, w.encode(), hashlib.sha256).digest() for w in search_words(GUESS)]
    opened_search_keys = {
        k
        for epoch, wrapped in search_keys
        for key in keys.values()
        if (k := opened(key, wrapped, [f"ombud/search-key/{slug}/{epoch}".encode()]))
    }
    guesses = set(words) | {hmac.new(k, w, hashlib.sha256).digest() for k in opened_search_keys for w in words}
    return bool(guesses & rows)


# -- the attack ----------------------------------------------------------------------------------


def test_after_erasure_and_a_rotation_past_the_window_nothing_the_attacker_holds_opens_the_erased_inquiry(
    ombud: Run, platform: Platform, superuser: str, wal_start: str, database_url: str, master_key: bytes, folder: Path
) -> None:
    slug, other = "attackby", "nabokommune"
    for tenant in (slug, other):
        assert ombud("tenant", "create", tenant, "--name", "Prøvekommune")[0] == 0
        receive_full(ombud, tenant, ERASED_REF)
    receive_full(ombud, slug, KEPT_REF)
    assert ombud("inquiry", "hold", "--tenant", slug, ERASED_REF, "--reason", HOLD_REASON)[0] == 0
    assert ombud("inquiry", "hold", "--tenant", slug, ERASED_REF, "--lift")[0] == 0
    worker = ProjectionWorker(platform, worker_url_for(database_url))
    try:
        worker.catch_up_all()
        erased_at = datetime.now(UTC)
        code, out, err = ombud(
            "inquiry", "erase", "--tenant", slug, ERASED_REF, "--reason", "krav fra innbygger", "--outcome", "withdrawn"
        )
        worker.catch_up_all()

        # Before the window the product says when the erasure becomes irreversible: the next rotation, plus the
        # backups' life, plus a day for vacuum and a day for a late worker.
        assert code == 0, err
        (first,) = platform.epochs.epochs()
        promised = first.created + timedelta(days=60 + 35 + 2)
        assert f"Fra {promised.astimezone(OSLO):%d.%m.%Y kl. %H.%M} kan slettingen ikke lenger omgjøres" in out
        assert platform.irreversible_at(erased_at) == promised

        # ... and until then the attack of issue 19 works on the dead rows (so this test can fail).
        wrapped_before = old_wrapped_keys(superuser, slug, ERASED_ID)
        rows_before = index_rows(superuser, slug, ERASED_ID)
        search_keys_before = search_key_versions(superuser, slug)
        assert wrapped_before and rows_before, "the erased inquiry's dead rows are still in the pages"
        texts = recovered(superuser, master_key, folder, slug, wrapped_before)
        assert {NAME, CONTACT, SUMMARY, HOLD_REASON} <= set(texts)
        assert guessed_name_matches(superuser, master_key, folder, slug, search_keys_before, rows_before)

        # Hygiene at once: `ombud maintenance` (the owner's login) vacuums the dead versions out of the pages.
        code, out, err = ombud("maintenance")
        assert code == 0, err
        assert old_wrapped_keys(superuser, slug, ERASED_ID) == [] and index_rows(superuser, slug, ERASED_ID) == set()

        # The rotation, then the worker's look at the schedule once the backups of epoch 1's time have expired.
        code, out, err = ombud("keys", "rotate")
        assert code == 0, err
        assert "nøkkelepoke 2: 2 nøkler pakket inn på nytt" in out and "ryddet: platform.inquiry_keys" in out
        second = platform.epochs.epochs()[-1]
        rotated = worker.key_rotation().when_due(second.created + timedelta(days=35 + 1, minutes=1))
    finally:
        worker.close()
    assert (rotated.epoch, rotated.destroyed) == (None, [1])
    assert [e.number for e in platform.epochs.epochs()] == [2] and not (folder / "epoch-000001.json").exists()

    # What the attacker holds now: every row version of the keys and the index from the pages and a base backup
    # taken before the erasure (wrapped_before, rows_before), the WAL since, the master key and epoch 2.
    wal = wal_since(superuser, wal_start)
    assert any(w in wal for w in wrapped_before), (
        f"the old wrapped key is still in the WAL (read {len(wal):,} bytes from {wal_start};"
        f" {len(wrapped_before)} old versions looked for)"
    )
    for text in (*PERSONAL, HOLD_REASON):
        assert text.encode() not in wal
    all_wrapped = wrapped_before + old_wrapped_keys(superuser, slug, ERASED_ID)
    assert recovered(superuser, master_key, folder, slug, all_wrapped) == []
    every_search_key = search_keys_before + search_key_versions(superuser, slug)
    assert {epoch for epoch, _ in every_search_key} == {1, 2}
    rows = rows_before | index_rows(superuser, slug, ERASED_ID)
    assert not guessed_name_matches(superuser, master_key, folder, slug, every_search_key, rows)

    # The product still reads the live inquiries in both tenants, and finds the kept one by name.
    assert platform.office(slug).inquiry(ERASED_REF).requester_name == ERASED
    assert platform.office(slug).inquiry(KEPT_REF).requester_name == NAME
    assert platform.office(other).inquiry(ERASED_REF).summary == SUMMARY
    with psycopg.connect(superuser) as conn:
        kept_rows = {
            bytes(t)
            for (t,) in conn.execute(
                "SELECT token FROM read.search_tokens WHERE tenant_id = %s AND inquiry_id = %s", (slug, KEPT_ID)
            )
        }
        indexed = conn.execute(
            "SELECT tenant_id, count(*) FROM read.search_tokens WHERE inquiry_id = %s GROUP BY 1", (ERASED_ID,)
        ).fetchall()
        epochs_in_use = conn.execute(
            "SELECT DISTINCT epoch FROM platform.inquiry_keys WHERE wrapped_key IS NOT NULL"
        ).fetchall()
    assert indexed == [(other, 7)] and epochs_in_use == [(2,)]  # the erased inquiry got no rows in the new index
    assert {bytes.fromhex(t) for t in platform.office(slug).search_tokens(NAME)} <= kept_rows


def test_the_worker_rotates_on_its_schedule_once_an_hour_and_only_the_worker_of_ombud_worker_does(
    platform: Platform, database_url: str, admin: Context, caseworker: Context
) -> None:
    office = platform.create_tenant(admin, slug="skjemaby", name="Skjemaby kommune")
    factories.receive(
        office,
        caseworker,
        reference="S-1",
        received_on=date(2024, 3, 1),
        requester_role="user",
        summary="Klage på vedtak",
        requester_name="Gunnhild Prøvesen",
    )
    before = platform.epochs.epochs()
    later = before[-1].created + POLICY.rotation + timedelta(minutes=1)
    projecting = ProjectionWorker(platform, worker_url_for(database_url))
    rotating = ProjectionWorker(platform, worker_url_for(database_url), rotates_keys=True)
    try:
        projecting.keys_when_due(later)
        assert platform.epochs.epochs() == before  # the web's and the commands' workers never rotate
        rotating.keys_when_due(later)
        after = platform.epochs.epochs()
        assert after[-1].number == before[-1].number + 1
        rotating.keys_when_due(later + POLICY.rotation)  # looked at again within the hour: nothing
        assert platform.epochs.epochs() == after
        projecting.catch_up(office.slug)
    finally:
        projecting.close()
        rotating.close()
    with psycopg.connect(database_url) as conn:
        conn.execute("SELECT set_config('app.tenant_id', %s, false)", (office.slug,))
        assert conn.execute("SELECT epoch FROM platform.inquiry_keys").fetchall() == [(after[-1].number,)]
        assert conn.execute("SELECT epoch FROM platform.search_keys").fetchall() == [(after[-1].number,)]
        conn.execute("SELECT set_config('app.tenant_id', %s, false)", ("attackby",))
        assert conn.execute(
            "SELECT count(*) FROM platform.search_keys WHERE tenant_id = %s", (office.slug,)
        ).fetchone() == (0,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM platform.search_keys")
    assert platform.office(office.slug).inquiry("S-1").requester_name == "Gunnhild Prøvesen"


def test_an_altered_epoch_file_and_a_maintenance_without_the_owner_are_one_norwegian_line(
    ombud: Run, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ombud("tenant", "create", "endretby", "--name", "Prøvekommune")[0] == 0
    receive_full(ombud, "endretby", KEPT_REF)
    altered = tmp_path / "altered"
    shutil.copytree(folder, altered)
    newest = max(altered.glob("epoch-*.json"))
    content = json.loads(newest.read_text())
    content["created"] = "2020-01-01T00:00:00+00:00"  # an older epoch would be destroyed sooner
    newest.write_text(json.dumps(content))
    monkeypatch.setenv("OMBUD_KEY_EPOCH_DIR", str(altered))

    code, out, err = ombud("inquiry", "show", "--tenant", "endretby", KEPT_REF)

    assert code == 1 and out == "" and err.count("\n") == 1
    assert f"OMBUD_KEY_EPOCH_DIR: {newest.name}: nøkkelfilen er endret" in err and NAME not in err
    monkeypatch.setenv("OMBUD_KEY_EPOCH_DIR", str(folder))
    monkeypatch.delenv("OMBUD_ADMIN_DATABASE_URL")
    code, _, err = ombud("maintenance")
    assert code == 1 and err.count("\n") == 1 and "OMBUD_ADMIN_DATABASE_URL" in err
