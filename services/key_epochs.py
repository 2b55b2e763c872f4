"""Epoch keys: what wraps inquiry and search keys, kept outside PostgreSQL so that destroying one really forgets.

PostgreSQL keeps an updated row's old version in its pages, its WAL, replicas and backups; a key stored there is
gone only when what wraps it is gone. Each epoch key wraps every live inquiry key (and each tenant's search key)
while it is current; a rotation re-wraps the live ones under a new epoch, and an old epoch is destroyed once the
backups and WAL of its time have expired (`services/key_rotation.py`). The store is behind `EpochStore`, so a KMS
can take the directory's place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
_NONCE_BYTES = 12


@dataclass(frozen=True)
class Epoch:
    """One epoch: its number (rising, never reused) and when it was made (UTC)."""

    number: int
    created: datetime


class EpochStore(Protocol):
    """Where epoch keys live: never in the database; a destroyed one is unreadable at once in this process."""

    def epochs(self) -> list[Epoch]:
        """The epochs not destroyed, oldest first."""

    def create(self) -> Epoch:
        """A new epoch, newer than every other; safe when two processes create one at once."""

    def key(self, number: int) -> bytes:
        """The epoch's key; raises EpochDestroyed once it is gone."""

    def destroy(self, number: int) -> None:
        """Forgets the epoch's key for good; destroying an absent epoch changes nothing."""


def current(store: EpochStore) -> Epoch:
    """The newest epoch, made if there is none yet (a new installation)."""
    found = store.epochs()
    return found[-1] if found else store.create()


class InMemoryEpochStore:
    """The epoch store of the unit tests (and nothing else: its keys die with the process)."""

    def __init__(self) -> None:
        self._keys: dict[int, tuple[Epoch, bytes]] = {}
        self._last = 0

    def epochs(self) -> list[Epoch]:
        return [epoch for epoch, _ in sorted(self._keys.values(), key=lambda item: item[0].number)]

    def create(self) -> Epoch:
        self._last += 1
        epoch = Epoch(self._last, datetime.now(UTC))
        self._keys[epoch.number] = (epoch, os.urandom(KEY_BYTES))
        return epoch

    def key(self, number: int) -> bytes:
        if number not in self._keys:
            raise EpochDestroyed(number)
        return self._keys[number][1]

    def destroy(self, number: int) -> None:
        self._keys.pop(number, None)


def wrap(epoch_key: bytes, key: bytes, associated: str) -> bytes:
    """AES-256-GCM of a key under an epoch key; `associated` names what the key belongs to and its epoch."""
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(epoch_key).encrypt(nonce, key, associated.encode())


def unwrap(epoch_key: bytes, wrapped: bytes, associated: str) -> bytes:
    """The key, or InvalidTag when the wrapped bytes were moved, altered or wrapped under another epoch."""
    return AESGCM(epoch_key).decrypt(wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:], associated.encode())


class EpochDestroyed(Exception):
    """The epoch's key is gone: what it alone wrapped can never be opened again."""

    def __init__(self, number: int) -> None:
        super().__init__(f"nøkkelepoke {number} er destruert")
        self.number = number


class EpochKeyError(Exception):
    """An epoch key file is unreadable, altered or not this installation's: refuse loudly, never guess."""
