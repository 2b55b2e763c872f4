"""Per-inquiry data keys: personal fields are encrypted so that destroying one inquiry's key erases it everywhere."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from domain.common import DomainError
from domain.inquiry import ERASED
from services import aead
from services.key_epochs import EpochStore, current

KEY_BYTES = 32
ENVELOPE_VERSION = 1
_REWRAP_BATCH = 1000


# A wrapped key as stored: the epoch that wraps it (None: the tenant-derived key of before epochs) and its bytes.
Wrapped = tuple[int | None, bytes]
# The wrapped keys `InquiryKeys.read_ahead` fetched, by tenant: ids are the same in every tenant (uuid5 of reference).
_READ_AHEAD: ContextVar[tuple[str, dict[UUID, Wrapped | None]] | None] = ContextVar("inquiry_keys_ahead", default=None)


class InquiryKeyStore(Protocol):
    """Where one tenant's wrapped inquiry keys are kept (platform.inquiry_keys, or memory in unit tests)."""

    def add(self, inquiry_id: UUID, epoch: int, wrapped_key: bytes) -> Wrapped | None:
        """Stores the key unless the inquiry has one already; returns the key the inquiry has (None: destroyed)."""

    def add_new(self, epoch: int, rows: list[tuple[UUID, bytes]]) -> set[UUID]:
        """Stores each inquiry's key in one statement, unless it has (or had) one; returns the ids that were stored."""

    def wrapped_key(self, inquiry_id: UUID) -> Wrapped | None:
        """The inquiry's wrapped key; None if it has none or it was destroyed."""

    def wrapped_keys(self, inquiry_ids: list[UUID]) -> dict[UUID, Wrapped | None]:
        """`wrapped_key` of each inquiry, in one statement: every id asked for is a key of the answer."""

    def destroy(self, inquiry_id: UUID) -> None:
        """Sets the key to NULL for good; destroying an absent or destroyed key changes nothing."""

    def older_than(self, epoch: int, limit: int) -> list[tuple[UUID, Wrapped]]:
        """Up to `limit` live keys wrapped under an epoch before `epoch` (or under none), in inquiry order."""

    def rewrap(self, epoch: int, rows: list[tuple[UUID, bytes]]) -> int:
        """Replaces live keys by the same keys wrapped under `epoch`; a key destroyed meanwhile stays destroyed."""


class InMemoryInquiryKeys:
    """The key store of the library's in-memory persistence (unit tests)."""

    def __init__(self) -> None:
        self.rows: dict[UUID, Wrapped | None] = {}

    def add(self, inquiry_id: UUID, epoch: int, wrapped_key: bytes) -> Wrapped | None:
        return self.rows.setdefault(inquiry_id, (epoch, wrapped_key))

    def add_new(self, epoch: int, rows: list[tuple[UUID, bytes]]) -> set[UUID]:
        stored = {inquiry_id for inquiry_id, _ in rows if inquiry_id not in self.rows}
        self.rows.update((inquiry_id, (epoch, wrapped)) for inquiry_id, wrapped in rows if inquiry_id in stored)
        return stored

    def wrapped_key(self, inquiry_id: UUID) -> Wrapped | None:
        return self.rows.get(inquiry_id)

    def wrapped_keys(self, inquiry_ids: list[UUID]) -> dict[UUID, Wrapped | None]:
        return {inquiry_id: self.rows.get(inquiry_id) for inquiry_id in inquiry_ids}

    def destroy(self, inquiry_id: UUID) -> None:
        if inquiry_id in self.rows:
            self.rows[inquiry_id] = None

    def older_than(self, epoch: int, limit: int) -> list[tuple[UUID, Wrapped]]:
        old = [(i, w) for i, w in self.rows.items() if w is not None and (w[0] is None or w[0] < epoch)]
        return sorted(old, key=lambda row: row[0])[:limit]

    def rewrap(self, epoch: int, rows: list[tuple[UUID, bytes]]) -> int:
        done = 0
        for inquiry_id, wrapped_key in rows:
            if self.rows.get(inquiry_id) is not None:
                self.rows[inquiry_id] = (epoch, wrapped_key)
                done += 1
        return done


@dataclass(frozen=True)
class EncryptedField:
    """A personal field as stored: AES-GCM under the inquiry key, with tenant, inquiry and field as associated data."""

    field: str
    nonce: bytes
    ciphertext: bytes

    def envelope(self) -> dict[str, object]:
        return {
            "v": ENVELOPE_VERSION,
            "n": base64.b64encode(self.nonce).decode(),
            "c": base64.b64encode(self.ciphertext).decode(),
        }

    @classmethod
    def from_stored(cls, field: str, value: object) -> EncryptedField | None:
        """The encrypted field, or None if the stored value is plain (events stored before fields were encrypted)."""
        if not isinstance(value, dict) or value.keys() != {"v", "n", "c"} or value["v"] != ENVELOPE_VERSION:
            return None
        return cls(field, base64.b64decode(value["n"]), base64.b64decode(value["c"]))

    def __repr__(self) -> str:
        return f"EncryptedField({self.field})"


class InquiryKeys:
    """One tenant's inquiry keys, each wrapped by the epoch key current when it was made or last re-wrapped.

    Unwrapped keys are never cached beyond one call: an erasure in another process must take effect at once, and a
    lookup is one indexed row per page or command (the epoch key itself is cached by its store). The worker decodes a
    batch of events inside `read_ahead`, which fetches the batch's wrapped keys in one statement for that call only.
    """

    def __init__(self, slug: str, tenant_key: str, store: InquiryKeyStore, epochs: EpochStore) -> None:
        self.slug = slug
        self._store = store
        self._epochs = epochs
        # Keys stored before epochs (epoch NULL) were wrapped by this; read until the first rotation re-wraps them.
        self._before_epochs_key = HKDF(hashes.SHA256(), KEY_BYTES, salt=None, info=b"ombud/inquiry-keys").derive(
            base64.b64decode(tenant_key)
        )

    def for_writing(self, inquiry_id: UUID) -> bytes:
        """The inquiry's key, made on its first use; an erased inquiry has none and takes no more personal data."""
        found = self._store.wrapped_key(inquiry_id)
        if found is None:
            epoch = current(self._epochs).number
            found = self._store.add(inquiry_id, epoch, self._wrap(os.urandom(KEY_BYTES), inquiry_id, epoch))
            if found is None:
                raise InquiryKeyDestroyed(None, "henvendelsen er slettet og kan ikke få nye personopplysninger")
        return self._unwrap(found, inquiry_id)

    def for_new(self, inquiry_ids: list[UUID]) -> dict[UUID, bytes]:
        """Keys for many inquiries written at once (the bulk path), made and stored in one statement. An inquiry
        that has (or had) a key is left out: it takes its key through `for_writing`, erased or not."""
        epoch = current(self._epochs).number
        keys = {inquiry_id: os.urandom(KEY_BYTES) for inquiry_id in inquiry_ids}
        stored = self._store.add_new(epoch, [(i, self._wrap(key, i, epoch)) for i, key in keys.items()])
        return {inquiry_id: key for inquiry_id, key in keys.items() if inquiry_id in stored}

    def for_reading(self, inquiry_id: UUID) -> bytes | None:
        """The inquiry's key, or None once it was destroyed (or never made: the inquiry has only plain fields)."""
        ahead = _READ_AHEAD.get()
        if ahead is not None and ahead[0] == self.slug and inquiry_id in ahead[1]:
            found = ahead[1][inquiry_id]
        else:
            found = self._store.wrapped_key(inquiry_id)
        return None if found is None else self._unwrap(found, inquiry_id)

    @contextmanager
    def read_ahead(self, inquiry_ids: Iterable[UUID]) -> Iterator[None]:
        """Inside the block, and only in this thread, `for_reading` takes these inquiries' wrapped keys from one
        statement made on entry (the worker's batch: one row per inquiry instead of one round trip each)."""
        wanted = list(dict.fromkeys(inquiry_ids))
        token = _READ_AHEAD.set((self.slug, self._store.wrapped_keys(wanted)) if wanted else None)
        try:
            yield
        finally:
            _READ_AHEAD.reset(token)

    def destroy(self, inquiry_id: UUID) -> None:
        self._store.destroy(inquiry_id)

    def older_than(self, epoch: int, limit: int) -> list[tuple[UUID, Wrapped]]:
        """Live keys still wrapped under an epoch before `epoch` (or under none)."""
        return self._store.older_than(epoch, limit)

    def rewrap_all(self, epoch: int, progress: Callable[[int], None] = lambda done: None) -> int:
        """Wraps every live key under `epoch`, a batch per transaction; erased keys are never touched. Returns how
        many were re-wrapped; `progress` hears the running count."""
        done = 0
        while batch := self._store.older_than(epoch, _REWRAP_BATCH):
            rows = [
                (inquiry_id, self._wrap(self._unwrap(found, inquiry_id), inquiry_id, epoch))
                for inquiry_id, found in batch
            ]
            done += self._store.rewrap(epoch, rows)
            progress(done)
            if len(batch) < _REWRAP_BATCH:
                break
        return done

    def encrypt_field(self, key: bytes, inquiry_id: UUID, field: str, value: str) -> EncryptedField:
        message = aead.encrypt(key, value.encode(), self._field_data(inquiry_id, field))
        return EncryptedField(field, message[: aead.NONCE_BYTES], message[aead.NONCE_BYTES :])

    def decrypt_field(self, key: bytes | None, inquiry_id: UUID, encrypted: EncryptedField) -> str:
        """The plain text, or ERASED once the key is gone; a ciphertext moved from elsewhere raises."""
        if key is None:
            return ERASED
        try:
            return aead.decrypt(
                key, encrypted.nonce + encrypted.ciphertext, self._field_data(inquiry_id, encrypted.field)
            ).decode()
        except InvalidTag:
            raise DecryptionFailed(
                f"{encrypted.field}: feltet kan ikke åpnes: det hører ikke til denne henvendelsen"
            ) from None

    def _field_data(self, inquiry_id: UUID, field: str) -> str:
        return f"{self.slug}/{inquiry_id}/{field}"

    def _wrap(self, key: bytes, inquiry_id: UUID, epoch: int) -> bytes:
        return aead.encrypt(self._epochs.key(epoch), key, self._associated(inquiry_id, epoch))

    def _unwrap(self, found: Wrapped, inquiry_id: UUID) -> bytes:
        epoch, wrapped = found
        try:
            if epoch is None:
                return aead.decrypt(self._before_epochs_key, wrapped, f"{self.slug}/{inquiry_id}")
            return aead.decrypt(self._epochs.key(epoch), wrapped, self._associated(inquiry_id, epoch))
        except InvalidTag:
            raise DecryptionFailed("henvendelsens nøkkel hører ikke til denne henvendelsen") from None

    def _associated(self, inquiry_id: UUID, epoch: int) -> str:
        """Tenant, inquiry and epoch: a wrapped key moved to another inquiry, tenant or epoch does not open."""
        return f"ombud/inquiry-key/{self.slug}/{inquiry_id}/{epoch}"


class InquiryKeyDestroyed(DomainError):
    """The inquiry was erased: its key is gone for good."""


class DecryptionFailed(Exception):
    """An encrypted field or key does not open: it was moved from another inquiry, field or tenant, or altered."""
