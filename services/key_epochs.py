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
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Protocol

KEY_BYTES = 32
ROTATION_DAYS = 30  # OMBUD_KEY_ROTATION_DAYS unset
BACKUP_RETENTION_DAYS = 35  # OMBUD_BACKUP_RETENTION_DAYS unset
# After a rotation the old key versions sit as dead rows until `ombud maintenance` vacuums them (daily, at least);
# a base backup taken meanwhile holds them, so the old epoch lives that much longer than the backup retention.
VACUUM_ALLOWANCE = timedelta(days=1)
# The worker looks at the schedule about once an hour; the promise leaves a day for a late or restarting worker.
SCHEDULE_ALLOWANCE = timedelta(days=1)


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


@dataclass(frozen=True)
class EpochPolicy:
    """The one home of the erasure window: how often epochs change (OMBUD_KEY_ROTATION_DAYS) and how long backups,
    WAL archives and replicas keep data (OMBUD_BACKUP_RETENTION_DAYS)."""

    rotation: timedelta = timedelta(days=ROTATION_DAYS)
    backup_retention: timedelta = timedelta(days=BACKUP_RETENTION_DAYS)

    def rotation_due(self, epochs: list[Epoch], now: datetime) -> bool:
        return not epochs or now >= epochs[-1].created + self.rotation

    def expired(self, epochs: list[Epoch], now: datetime) -> list[Epoch]:
        """The epochs retired (by the next one) longer ago than any backup or WAL segment of their time is kept."""
        return [epoch for epoch, successor in pairwise(epochs) if now >= self.destroyable_at([epoch, successor])]

    def destroyable_at(self, epochs: list[Epoch]) -> datetime:
        """When the oldest of two or more epochs may be destroyed."""
        return epochs[1].created + self.backup_retention + VACUUM_ALLOWANCE

    def irreversible_at(self, epochs: list[Epoch], now: datetime) -> datetime:
        """When an erasure made now can no longer be undone by anyone: its epoch's retirement (the next scheduled
        rotation), plus the backup retention, plus the allowances for vacuum and a late worker."""
        retired = max(epochs[-1].created + self.rotation, now) if epochs else now
        return retired + self.backup_retention + VACUUM_ALLOWANCE + SCHEDULE_ALLOWANCE


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


class EpochDestroyed(Exception):
    """The epoch's key is gone: what it alone wrapped can never be opened again."""

    def __init__(self, number: int) -> None:
        super().__init__(f"nøkkelepoke {number} er destruert")
        self.number = number


class EpochKeyError(Exception):
    """An epoch key file is unreadable, altered or not this installation's: refuse loudly, never guess."""
