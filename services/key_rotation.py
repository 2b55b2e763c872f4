"""Key rotation: live keys move to a new epoch, and old epochs are destroyed once no backup or WAL can need them.

An erased inquiry's key is never re-wrapped, so it stays wrapped only by the epoch that was current at its erasure;
that epoch is retired at the next rotation and destroyed once the backups and WAL of its time have expired
(`EpochPolicy`). From then on nothing anywhere opens it (docs/security.md, "Key epochs").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from services.key_epochs import EpochStore
from services.platform import Platform

Progress = Callable[[int, int], None]
# Replaces a tenant's search key by a new one (epoch, wrapped) and re-indexes its live inquiries, in one transaction.
Reindex = Callable[[str, int, bytes], None]


@dataclass(frozen=True)
class Rotated:
    """What a rotation did: the new epoch (None when none was due), keys re-wrapped, epochs destroyed."""

    epoch: int | None
    rewrapped: int
    destroyed: list[int]


class KeyRotation:
    """Runs from `ombud keys rotate` and from the worker's schedule; two at once are safe (an epoch never goes back,
    and an epoch is destroyed only when no live key is left under it)."""

    def __init__(self, platform: Platform, reindex: Reindex) -> None:
        self._platform = platform
        self._epochs: EpochStore = platform.epochs
        self._policy = platform.key_policy
        self._reindex = reindex

    def rotate(self, now: datetime, progress: Progress = lambda done, total: None) -> Rotated:
        """A new epoch; every tenant's live keys re-wrapped under it and its index re-keyed; expired epochs go."""
        epoch = self._epochs.create()
        rewrapped = self._move_all(epoch.number, progress, reindex_all=True)
        return Rotated(epoch.number, rewrapped, self._destroy_expired(now))

    def when_due(self, now: datetime) -> Rotated:
        """What the worker runs: a rotation when one is due, and the destruction of expired epochs in any case."""
        if self._policy.rotation_due(self._epochs.epochs(), now):
            return self.rotate(now)
        return Rotated(None, 0, self._destroy_expired(now))

    def _destroy_expired(self, now: datetime) -> list[int]:
        expired = self._policy.expired(self._epochs.epochs(), now)
        if not expired:
            return []
        # A key added under an old epoch by a process that had not yet seen the new one moves first.
        self._move_all(self._epochs.epochs()[-1].number, lambda done, total: None, reindex_all=False)
        destroyed = []
        for epoch in expired:
            if self._still_wraps(epoch.number):  # a tenant whose index could not be re-keyed: kept, tried again
                continue
            self._epochs.destroy(epoch.number)
            destroyed.append(epoch.number)
        return destroyed

    def _still_wraps(self, epoch: int) -> bool:
        """Whether a live inquiry key or a search key of any tenant is still under this epoch or an older one."""
        for slug in self._platform.slugs():
            app = self._platform.office(slug).app
            if app.inquiry_keys is not None and app.inquiry_keys.older_than(epoch + 1, limit=1):
                return True
            found = app.search_index.current_key()
            if found is not None and (found[0] or 0) <= epoch:
                return True
        return False

    def _move_all(self, epoch: int, progress: Progress, *, reindex_all: bool) -> int:
        slugs = self._platform.slugs()
        moved = 0
        progress(0, len(slugs))
        for done, slug in enumerate(slugs, start=1):
            app = self._platform.office(slug).app
            if app.inquiry_keys is not None:
                moved += app.inquiry_keys.rewrap_all(epoch)
            found = app.search_index.current_key()
            if reindex_all or (found is not None and found[0] is not None and found[0] < epoch):
                self._reindex(slug, epoch, app.search_index.new_key(epoch))
            progress(done, len(slugs))
        return moved
