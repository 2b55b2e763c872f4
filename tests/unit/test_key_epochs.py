"""Epoch keys: files written whole, destroyed for good, refused when altered; keys re-wrapped; the erasure window."""

from __future__ import annotations

import base64
import json
import os
import stat
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from domain.common import Context
from domain.inquiry import ERASED, Inquiry
from infra.key_epochs import DirectoryEpochStore
from services.aead import encrypt
from services.inquiry_keys import DecryptionFailed, InMemoryInquiryKeys, InquiryKeys
from services.key_epochs import (
    SCHEDULE_ALLOWANCE,
    VACUUM_ALLOWANCE,
    Epoch,
    EpochDestroyed,
    EpochKeyError,
    EpochPolicy,
    InMemoryEpochStore,
)
from services.key_rotation import KeyRotation, Rotated
from services.keys import new_tenant_key
from services.office import EraseInquiry
from services.platform import Platform
from tests import factories
from tests.unit.conftest import InMemoryTenantDirectory

POLICY = EpochPolicy(rotation=timedelta(days=60), backup_retention=timedelta(days=35))
A, B, C = Inquiry.id_for("2024-0001"), Inquiry.id_for("2024-0002"), Inquiry.id_for("2024-0003")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "key-epochs"


def test_an_epoch_is_one_private_file_that_another_process_reads_back(folder: Path) -> None:
    master = os.urandom(32)
    store = DirectoryEpochStore(folder, master)
    first, second = store.create(), store.create()

    assert [e.number for e in store.epochs()] == [1, 2] and second.created >= first.created
    assert sorted(os.listdir(folder)) == ["epoch-000001.json", "epoch-000002.json"]  # no temporary file is left
    assert stat.S_IMODE(os.stat(folder / "epoch-000001.json").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    elsewhere = DirectoryEpochStore(folder, master)
    assert elsewhere.key(1) == store.key(1) and elsewhere.key(1) != store.key(2)
    assert elsewhere.epochs() == store.epochs()
    assert base64.b64encode(store.key(1)).decode() not in (folder / "epoch-000001.json").read_text()


def test_a_write_cut_off_leaves_no_epoch_and_two_processes_never_share_a_number(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    master = os.urandom(32)
    store = DirectoryEpochStore(folder, master)
    store.create()

    def crash(*args: object) -> None:
        raise OSError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(os, "link", crash)
        with pytest.raises(OSError):
            store.create()
    assert os.listdir(folder) == ["epoch-000001.json"]
    (folder / ".epoch-000002.abc.tmp").write_text("{half")  # a crash before the link: never taken for an epoch
    assert [e.number for e in store.epochs()] == [1]

    made: list[Epoch] = []
    threads = [
        threading.Thread(target=lambda: made.append(DirectoryEpochStore(folder, master).create())) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(e.number for e in made) == list(range(2, 10))


def test_a_destroyed_epoch_is_overwritten_gone_and_refused_at_once_here_and_at_the_next_use_elsewhere(
    folder: Path,
) -> None:
    master = os.urandom(32)
    store, elsewhere = DirectoryEpochStore(folder, master), DirectoryEpochStore(folder, master)
    store.create()
    store.create()
    elsewhere.key(1)  # cached in the other process
    path = folder / "epoch-000001.json"
    before = path.read_bytes()
    os.link(path, folder / "kept-link")  # the same inode under another name: shows what the overwrite left

    store.destroy(1)

    assert not path.exists()
    left = (folder / "kept-link").read_bytes()
    assert len(left) == len(before) and left != before and b"created" not in left
    with pytest.raises(EpochDestroyed, match="nøkkelepoke 1 er destruert"):
        store.key(1)
    with pytest.raises(EpochDestroyed):
        elsewhere.key(1)
    assert [e.number for e in store.epochs()] == [2]
    store.destroy(1)  # destroying it again changes nothing
    assert store.create().number == 3  # a number is never reused


@pytest.mark.parametrize("tamper", ["key", "created", "number", "renamed", "master", "garbage"])
def test_an_altered_renamed_or_foreign_epoch_file_fails_loudly_in_norwegian(folder: Path, tamper: str) -> None:
    master = os.urandom(32)
    DirectoryEpochStore(folder, master).create()
    path = folder / "epoch-000001.json"
    content = json.loads(path.read_text())
    match tamper:
        case "key":
            raw = bytearray(base64.b64decode(content["key"]))
            raw[-1] ^= 1
            content["key"] = base64.b64encode(bytes(raw)).decode()
        case "created":
            content["created"] = (datetime.fromisoformat(content["created"]) - timedelta(days=90)).isoformat()
        case "number":
            content["epoch"] = 7
        case "garbage":
            content = {"not": "an epoch"}
    path.write_text(json.dumps(content))
    if tamper == "renamed":
        path.rename(folder / "epoch-000002.json")
    store = DirectoryEpochStore(folder, os.urandom(32) if tamper == "master" else master)

    with pytest.raises(EpochKeyError, match=r"OMBUD_KEY_EPOCH_DIR: epoch-00000[12]\.json: nøkkelfilen er endret"):
        store.epochs()


def test_rotation_rewraps_live_keys_never_an_erased_one_and_an_old_epoch_then_opens_nothing() -> None:
    tenant_key, store, epochs = new_tenant_key(), InMemoryInquiryKeys(), InMemoryEpochStore()
    keys = InquiryKeys("testby", tenant_key, store, epochs)
    key_a, key_b = keys.for_writing(A), keys.for_writing(B)
    legacy_c = os.urandom(32)  # a key wrapped as before epochs: by the tenant-derived key
    before_epochs = AESGCM(
        HKDF(hashes.SHA256(), 32, salt=None, info=b"ombud/inquiry-keys").derive(base64.b64decode(tenant_key))
    )
    nonce = os.urandom(12)
    store.rows[C] = (None, nonce + before_epochs.encrypt(nonce, legacy_c, f"testby/{C}".encode()))
    old_b = store.rows[B]  # what a backup, the WAL or a dead row keeps of B's key
    keys.destroy(B)

    second = epochs.create()
    assert keys.rewrap_all(second.number) == 2  # A and C; B is erased and stays so
    assert store.rows[A][0] == store.rows[C][0] == second.number and store.rows[B] is None
    assert keys.for_reading(A) == key_a and keys.for_reading(C) == legacy_c and keys.for_reading(B) is None
    backup = InMemoryInquiryKeys()
    backup.rows[B] = old_b
    restored = InquiryKeys("testby", tenant_key, backup, epochs)
    assert restored.for_reading(B) == key_b  # until the epoch goes, the old row still opens: the test can fail

    epochs.destroy(1)

    assert keys.for_reading(A) == key_a  # live keys live on under the new epoch
    with pytest.raises(EpochDestroyed):
        restored.for_reading(B)


def test_a_key_moved_to_another_epoch_does_not_unwrap() -> None:
    store, epochs = InMemoryInquiryKeys(), InMemoryEpochStore()
    keys = InquiryKeys("testby", new_tenant_key(), store, epochs)
    keys.for_writing(A)
    epochs.create()
    store.rows[A] = (2, store.rows[A][1])  # claimed to be under epoch 2

    with pytest.raises(DecryptionFailed):
        keys.for_reading(A)


def test_the_window_is_the_next_rotation_plus_the_backup_retention_plus_the_allowances() -> None:
    policy = EpochPolicy(rotation=timedelta(days=30), backup_retention=timedelta(days=35))
    made = datetime(2026, 1, 1, 12, tzinfo=UTC)
    first, second = Epoch(1, made), Epoch(2, made + timedelta(days=30))
    erased = made + timedelta(days=10)

    assert policy.irreversible_at([first], erased) == made + timedelta(days=30 + 35) + VACUUM_ALLOWANCE + (
        SCHEDULE_ALLOWANCE
    )
    overdue = made + timedelta(days=40)  # the worker was stopped: the window starts from now
    assert policy.irreversible_at([first], overdue) == overdue + timedelta(days=35) + timedelta(days=2)
    assert not policy.rotation_due([first], made + timedelta(days=29))
    assert policy.rotation_due([first], made + timedelta(days=30)) and policy.rotation_due([], made)
    kept_until = second.created + timedelta(days=35) + VACUUM_ALLOWANCE
    assert policy.expired([first, second], kept_until - timedelta(seconds=1)) == []
    assert policy.expired([first, second], kept_until) == [first]
    assert kept_until <= policy.irreversible_at([first], erased)


def test_a_rotation_moves_every_tenants_live_keys_and_destroys_the_old_epoch_only_past_the_window(
    directory: InMemoryTenantDirectory, master_key: bytes, ctx: Context
) -> None:
    platform = Platform(directory, master_key, epochs=InMemoryEpochStore(), key_policy=POLICY)
    offices = [platform.create_tenant(ctx, slug=slug, name="Prøvekommune") for slug in ("testby", "annenby")]
    for office in offices:
        for reference in ("2024-0001", "2024-0002"):
            factories.receive(
                office,
                ctx,
                reference=reference,
                received_on=date(2024, 3, 1),
                requester_role="user",
                summary="Klage på vedtak",
                requester_name="Åse Testperson",
            )
    offices[0].handle(
        factories.as_admin(ctx), EraseInquiry("2024-0001", date(2024, 3, 2), "krav fra innbygger", outcome="withdrawn")
    )
    reindexed: list[tuple[str, int]] = []
    rotation = KeyRotation(platform, lambda slug, epoch, wrapped: reindexed.append((slug, epoch)))
    first = platform.epochs.epochs()[-1]

    assert rotation.when_due(first.created + timedelta(days=59)) == Rotated(None, 0, [])
    rotated = rotation.rotate(first.created + timedelta(days=30))
    assert (rotated.epoch, rotated.rewrapped, rotated.destroyed) == (2, 3, [])  # the erased key is not among them
    assert sorted(reindexed) == [("annenby", 2), ("testby", 2)]
    stale = offices[1].app.inquiry_keys
    assert stale is not None
    store = directory.inquiry_key_stores["annenby"]
    late = Inquiry.id_for("2024-0003")  # a key made by a process that had not yet seen epoch 2
    store.rows[late] = (1, encrypt(platform.epochs.key(1), os.urandom(32), f"ombud/inquiry-key/annenby/{late}/1"))

    second = platform.epochs.epochs()[-1]
    window = second.created + POLICY.backup_retention + VACUUM_ALLOWANCE
    assert rotation.when_due(window - timedelta(minutes=1)).destroyed == []
    assert rotation.when_due(window).destroyed == [1]
    assert store.rows[late][0] == 2 and stale.for_reading(late) is not None
    assert offices[0].inquiry("2024-0001").requester_name == ERASED
    assert [o.inquiry("2024-0002").requester_name for o in offices] == ["Åse Testperson"] * 2


class _IndexSetAside(InMemoryTenantDirectory):
    """A tenant whose search index cannot be re-keyed: its search key stays under epoch 1."""

    def search_keys(self, slug: str) -> Any:
        return SimpleNamespace(current=lambda: (1, b"wrapped under epoch 1"))


def test_an_epoch_that_still_wraps_a_search_key_is_not_destroyed(master_key: bytes, ctx: Context) -> None:
    platform = Platform(_IndexSetAside(), master_key, epochs=InMemoryEpochStore(), key_policy=POLICY)
    platform.create_tenant(ctx, slug="testby", name="Prøvekommune")
    platform.epochs.create()
    rotation = KeyRotation(platform, lambda slug, epoch, wrapped: None)  # the re-keying is refused (set aside)

    second = platform.epochs.create()

    assert rotation.when_due(second.created + POLICY.backup_retention + VACUUM_ALLOWANCE).destroyed == []
    assert [e.number for e in platform.epochs.epochs()] == [1, 2]  # epoch 1 has expired, yet wraps a key
