"""Epoch keys: files written whole, destroyed for good, refused when altered; keys re-wrapped; the erasure window."""

from __future__ import annotations

import base64
import json
import os
import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from domain.inquiry import Inquiry
from infra.key_epochs import DirectoryEpochStore
from services.inquiry_keys import InMemoryInquiryKeys, InquiryKeys, SealBroken
from services.key_epochs import (
    SCHEDULE_ALLOWANCE,
    VACUUM_ALLOWANCE,
    Epoch,
    EpochDestroyed,
    EpochKeyError,
    EpochPolicy,
    InMemoryEpochStore,
)
from services.keys import new_tenant_key

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

    with pytest.raises(SealBroken):
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
