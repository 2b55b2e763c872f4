"""Per-inquiry data keys: personal fields are sealed so that destroying one inquiry's key erases it everywhere."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from domain.common import DomainError
from domain.inquiry import ERASED

KEY_BYTES = 32
_NONCE_BYTES = 12
ENVELOPE_VERSION = 1


class InquiryKeyStore(Protocol):
    """Where one tenant's wrapped inquiry keys are kept (platform.inquiry_keys, or memory in unit tests)."""

    def add(self, inquiry_id: UUID, wrapped_key: bytes) -> bytes | None:
        """Stores the key unless the inquiry has one already; returns the key the inquiry has (None: destroyed)."""

    def wrapped_key(self, inquiry_id: UUID) -> bytes | None:
        """The inquiry's wrapped key; None if it has none or it was destroyed."""

    def destroy(self, inquiry_id: UUID) -> None:
        """Sets the key to NULL for good; destroying an absent or destroyed key changes nothing."""


class InMemoryInquiryKeys:
    """The key store of the library's in-memory persistence (unit tests)."""

    def __init__(self) -> None:
        self.rows: dict[UUID, bytes | None] = {}

    def add(self, inquiry_id: UUID, wrapped_key: bytes) -> bytes | None:
        return self.rows.setdefault(inquiry_id, wrapped_key)

    def wrapped_key(self, inquiry_id: UUID) -> bytes | None:
        return self.rows.get(inquiry_id)

    def destroy(self, inquiry_id: UUID) -> None:
        if inquiry_id in self.rows:
            self.rows[inquiry_id] = None


@dataclass(frozen=True)
class Sealed:
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
    def from_stored(cls, field: str, value: object) -> Sealed | None:
        """The sealed field, or None if the stored value is plain (events stored before fields were sealed)."""
        if not isinstance(value, dict) or value.keys() != {"v", "n", "c"} or value["v"] != ENVELOPE_VERSION:
            return None
        return cls(field, base64.b64decode(value["n"]), base64.b64decode(value["c"]))

    def __repr__(self) -> str:
        return f"Sealed({self.field})"


class InquiryKeys:
    """One tenant's inquiry keys, wrapped by a key derived from the tenant key.

    Unwrapped keys are never cached beyond one call: an erasure in another process must take effect at once, and a
    lookup is one indexed row per page or command.
    """

    def __init__(self, slug: str, tenant_key: str, store: InquiryKeyStore) -> None:
        self.slug = slug
        self._store = store
        self._wrapping = AESGCM(
            HKDF(hashes.SHA256(), KEY_BYTES, salt=None, info=b"ombud/inquiry-keys").derive(base64.b64decode(tenant_key))
        )

    def for_writing(self, inquiry_id: UUID) -> bytes:
        """The inquiry's key, made on its first use; an erased inquiry has none and takes no more personal data."""
        wrapped = self._store.wrapped_key(inquiry_id)
        if wrapped is None:
            key = os.urandom(KEY_BYTES)
            wrapped = self._store.add(inquiry_id, self._wrap(key, inquiry_id))
            if wrapped is None:
                raise InquiryKeyDestroyed(None, "henvendelsen er slettet og kan ikke få nye personopplysninger")
        return self._unwrap(wrapped, inquiry_id)

    def for_reading(self, inquiry_id: UUID) -> bytes | None:
        """The inquiry's key, or None once it was destroyed (or never made: the inquiry has only plain fields)."""
        wrapped = self._store.wrapped_key(inquiry_id)
        return None if wrapped is None else self._unwrap(wrapped, inquiry_id)

    def destroy(self, inquiry_id: UUID) -> None:
        self._store.destroy(inquiry_id)

    def seal(self, key: bytes, inquiry_id: UUID, field: str, value: str) -> Sealed:
        nonce = os.urandom(_NONCE_BYTES)
        return Sealed(field, nonce, AESGCM(key).encrypt(nonce, value.encode(), self._field_data(inquiry_id, field)))

    def open(self, key: bytes | None, inquiry_id: UUID, sealed: Sealed) -> str:
        """The plain text, or ERASED once the key is gone; a ciphertext moved from elsewhere raises."""
        if key is None:
            return ERASED
        try:
            return (
                AESGCM(key)
                .decrypt(sealed.nonce, sealed.ciphertext, self._field_data(inquiry_id, sealed.field))
                .decode()
            )
        except InvalidTag:
            raise SealBroken(f"{sealed.field}: feltet kan ikke åpnes: det hører ikke til denne henvendelsen") from None

    def _field_data(self, inquiry_id: UUID, field: str) -> bytes:
        return f"{self.slug}/{inquiry_id}/{field}".encode()

    def _wrap(self, key: bytes, inquiry_id: UUID) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._wrapping.encrypt(nonce, key, f"{self.slug}/{inquiry_id}".encode())

    def _unwrap(self, wrapped: bytes, inquiry_id: UUID) -> bytes:
        try:
            return self._wrapping.decrypt(
                wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:], f"{self.slug}/{inquiry_id}".encode()
            )
        except InvalidTag:
            raise SealBroken("henvendelsens nøkkel hører ikke til denne henvendelsen") from None


class InquiryKeyDestroyed(DomainError):
    """The inquiry was erased: its key is gone for good."""


class SealBroken(Exception):
    """A sealed field or key does not open: it was moved from another inquiry, field or tenant, or altered."""
