"""The very PDF/A of each letter sent, sealed with its inquiry's key, so the archive takes what the event's checksum names.

LibreOffice stamps each PDF with the time it was made, so a letter made again never has the checksum of the one sent:
the sent bytes are kept (platform.sent_letters, 0042) and erasure makes them unreadable by destroying the inquiry key.
"""

from __future__ import annotations

import hashlib
from typing import Protocol
from uuid import UUID

from cryptography.exceptions import InvalidTag

from domain.common import DomainError
from services import aead
from services.inquiry_keys import DecryptionFailed, InquiryKeys


class SentLetterStore(Protocol):
    """Where one tenant's sealed sent letters are kept (platform.sent_letters, or memory in unit tests)."""

    def add(self, inquiry_id: UUID, sha256: str, sealed: bytes) -> None:
        """Stores the sealed letter; the same letter (inquiry and checksum) stored again keeps the first."""

    def sealed(self, inquiry_id: UUID, sha256: str) -> bytes | None:
        """The sealed letter, if stored."""


class InMemorySentLetters:
    """The store of the library's in-memory persistence (unit tests)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[UUID, str], bytes] = {}

    def add(self, inquiry_id: UUID, sha256: str, sealed: bytes) -> None:
        self.rows.setdefault((inquiry_id, sha256), sealed)

    def sealed(self, inquiry_id: UUID, sha256: str) -> bytes | None:
        return self.rows.get((inquiry_id, sha256))


def checksum(document: bytes) -> str:
    return hashlib.sha256(document).hexdigest()


def store(keys: InquiryKeys | None, letters: SentLetterStore, inquiry_id: UUID, document: bytes) -> str:
    """Seals and stores the document under the inquiry's key; returns its SHA-256. An erased inquiry takes none."""
    if keys is None:
        raise DomainError(None, "brev kan ikke lagres uten henvendelsens nøkkel")
    sha256 = checksum(document)
    key = keys.for_writing(inquiry_id)
    letters.add(inquiry_id, sha256, aead.encrypt(key, document, _associated(keys.slug, inquiry_id, sha256)))
    return sha256


def opened(keys: InquiryKeys | None, letters: SentLetterStore, inquiry_id: UUID, sha256: str) -> bytes | None:
    """The sent document, or None when it is not stored or its inquiry was erased (its key destroyed)."""
    sealed = letters.sealed(inquiry_id, sha256)
    key = None if keys is None or sealed is None else keys.for_reading(inquiry_id)
    if key is None or sealed is None:
        return None
    try:
        document = aead.decrypt(key, sealed, _associated(keys.slug if keys else "", inquiry_id, sha256))
    except InvalidTag:
        raise DecryptionFailed("brevet hører ikke til denne henvendelsen") from None
    if checksum(document) != sha256:
        raise DecryptionFailed("brevet har ikke sjekksummen hendelsen oppgir")
    return document


def _associated(slug: str, inquiry_id: UUID, sha256: str) -> str:
    """Tenant, inquiry and checksum: sealed bytes moved to another letter, inquiry or tenant do not open."""
    return f"ombud/sent-letter/{slug}/{inquiry_id}/{sha256}"
