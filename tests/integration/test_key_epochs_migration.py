"""Migration 0026: `ombud migrate` re-wraps the keys made before epochs under the first one and re-keys the index."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from uuid import UUID

import psycopg
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from domain.common import Context
from infra.directory import PostgresTenantDirectory
from infra.eventstore import factory_maker, open_datastore
from infra.key_epochs import DirectoryEpochStore
from infra.logins import APP_LOGIN, with_login
from services.aead import decrypt
from services.inquiry_keys import Wrapped
from services.key_epochs import InMemoryEpochStore
from services.platform import Platform
from tests import factories
from tests.integration.conftest import Run
from tests.integration.helpers import database_migrated_before

NAME = "Gudbrand Førsteutgave"
SUMMARY = "Gudbrand spør om avlastning"


@pytest.fixture
def database_before_0026(server_url: str) -> Iterator[str]:
    """A database of its own with the migrations up to 0025 only, as an installation had them before epochs."""
    with database_migrated_before(server_url, "0026") as url:
        yield url


class _KeysBefore0026:
    """As inquiry keys were stored before epochs: no epoch column, wrapped by a key derived from the tenant key."""

    def __init__(self, datastore: object, slug: str, tenant_key: str, epochs: InMemoryEpochStore) -> None:
        self._datastore = datastore
        self._slug = slug
        self._epochs = epochs
        self._wrapping = AESGCM(
            HKDF(hashes.SHA256(), 32, salt=None, info=b"ombud/inquiry-keys").derive(base64.b64decode(tenant_key))
        )

    def add(self, inquiry_id: UUID, epoch: int, wrapped_key: bytes) -> Wrapped | None:
        key = decrypt(self._epochs.key(epoch), wrapped_key, f"ombud/inquiry-key/{self._slug}/{inquiry_id}/{epoch}")
        nonce = b"\0" * 11 + b"\1"
        wrapped = nonce + self._wrapping.encrypt(nonce, key, f"{self._slug}/{inquiry_id}".encode())
        with self._datastore.transaction(commit=True) as cursor:  # type: ignore[attr-defined]
            cursor.execute(
                "INSERT INTO platform.inquiry_keys (tenant_id, inquiry_id, wrapped_key) VALUES (%s, %s, %s)",
                (self._slug, inquiry_id, wrapped),
            )
        return None, wrapped

    def wrapped_key(self, inquiry_id: UUID) -> Wrapped | None:
        with self._datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
            cursor.execute("SELECT wrapped_key FROM platform.inquiry_keys WHERE inquiry_id = %s", (inquiry_id,))
            row = cursor.fetchone()
        return None if row is None else (None, bytes(row["wrapped_key"]))


class _DirectoryBefore0026(PostgresTenantDirectory):
    def __init__(self, datastore: object, platform_key: bytes) -> None:
        super().__init__(datastore)  # type: ignore[arg-type]
        self.master_key = platform_key
        self.epochs = InMemoryEpochStore()

    def inquiry_keys(self, slug: str) -> _KeysBefore0026:  # type: ignore[override]
        from services.keys import unwrap as unwrap_tenant_key

        tenant_key = unwrap_tenant_key(self.master_key, self.wrapped_key(slug), slug)  # type: ignore[arg-type]
        return _KeysBefore0026(self._datastore, slug, tenant_key, self.epochs)

    def search_keys(self, slug: str) -> None:  # type: ignore[override]
        return None  # before 0026: the index held the word hashes themselves


def test_migrate_rewraps_the_keys_from_before_epochs_and_rekeys_the_index(
    database_before_0026: str, master_key: bytes, admin: Context, caseworker: Context, ombud: Run,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    datastore = open_datastore(database_before_0026, pool_size=1, max_overflow=1)
    directory = _DirectoryBefore0026(datastore, master_key)
    before = Platform(directory, master_key, factory_maker(datastore), epochs=directory.epochs)
    try:
        office = before.create_tenant(admin, slug="gamleby", name="Gamleby kommune")
        found = factories.receive(
            office,
            caseworker,
            reference="G-1",
            received_on=date(2024, 1, 2),
            requester_role="user",
            summary=SUMMARY,
            requester_name=NAME,
        ).id
        word_hashes = office.app.search_index.tokens(NAME, SUMMARY)
        with psycopg.connect(database_before_0026) as conn:  # what the worker wrote before 0026: the hashes as they are
            for token in word_hashes:
                conn.execute(
                    "INSERT INTO read.search_tokens (tenant_id, inquiry_id, token) VALUES (%s, %s, %s)",
                    ("gamleby", found, bytes.fromhex(token)),
                )
            (legacy,) = conn.execute("SELECT wrapped_key FROM platform.inquiry_keys").fetchone()
    finally:
        before.close()
        datastore.close()

    folder = tmp_path / "key-epochs"
    app_url = with_login(database_before_0026, APP_LOGIN)
    monkeypatch.setenv("OMBUD_KEY_EPOCH_DIR", str(folder))
    monkeypatch.setenv("DATABASE_URL", app_url)
    monkeypatch.setenv("OMBUD_ADMIN_DATABASE_URL", database_before_0026)
    code, out, err = ombud("migrate")
    assert code == 0 and "skjemaet er oppdatert" in out, err

    with psycopg.connect(database_before_0026) as conn:
        keys = conn.execute("SELECT epoch, wrapped_key FROM platform.inquiry_keys").fetchall()
        search_keys = conn.execute("SELECT tenant_id, epoch FROM platform.search_keys").fetchall()
        rows = {
            bytes(t) for (t,) in conn.execute("SELECT token FROM read.search_tokens WHERE inquiry_id = %s", (found,))
        }
    assert [epoch for epoch, _ in keys] == [1] and bytes(keys[0][1]) != bytes(legacy)
    assert search_keys == [("gamleby", 1)]
    assert rows and not rows & {bytes.fromhex(t) for t in word_hashes}  # the old index is gone, a new one made
    datastore = open_datastore(app_url, pool_size=1, max_overflow=1)
    after = Platform(
        PostgresTenantDirectory(datastore), master_key, factory_maker(datastore),
        epochs=DirectoryEpochStore(folder, master_key),
    )  # fmt: skip
    try:
        assert after.office("gamleby").inquiry("G-1").requester_name == NAME
        assert {bytes.fromhex(t) for t in after.office("gamleby").search_tokens("gudbrand")} <= rows
    finally:
        after.close()
        datastore.close()
