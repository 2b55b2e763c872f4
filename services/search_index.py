"""The blind index: names and summary words as keyed hashes, so the database can find an inquiry without plaintext.

Two keys, so that an erased inquiry's rows cannot be tested against a guessed name once its epoch is gone:
- the *word key*, derived from the tenant key, hashes each word once; these hashes are stored in the inquiry's
  `Received` event, encrypted with the inquiry key (so they die with it);
- the tenant's *search key*, random, wrapped by the current epoch key (`platform.search_keys`), hashes those once
  more for `read.search_tokens`. A rotation makes a new search key and re-indexes the live inquiries only; the old
  one dies with its epoch, and with it every dead row, WAL record or backup of the old index.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from domain.search_words import search_words
from services import aead
from services.inquiry_keys import DecryptionFailed, Wrapped
from services.key_epochs import EpochStore, current

KEY_BYTES = 32


class SearchKeyStore(Protocol):
    """Where the tenant's wrapped search key is kept (the worker writes it, inside its own transaction)."""

    def current(self) -> Wrapped | None:
        """The tenant's search key and its epoch; None before its first."""


class SearchIndex:
    """One tenant's blind index: the same word hashes differently in every tenant and in every epoch."""

    def __init__(self, slug: str, tenant_key: str, epochs: EpochStore | None, store: SearchKeyStore | None) -> None:
        """Without `epochs` and `store` (the import), only the event's word hashes can be made."""
        self._slug = slug
        self._word_key = HKDF(hashes.SHA256(), KEY_BYTES, salt=None, info=b"ombud/search-index").derive(
            base64.b64decode(tenant_key)
        )
        self._epochs = epochs
        self._store = store

    def tokens(self, *texts: str | None) -> list[str]:
        """The word hashes (hex) of every search word of the texts, sorted and each once: what the event keeps."""
        words = set().union(*(search_words(text) for text in texts if isinstance(text, str)))
        return sorted(hmac.new(self._word_key, word.encode(), hashlib.sha256).hexdigest() for word in words)

    def query_tokens(self, text: str) -> list[str]:
        """The index rows (hex) a search for the text looks up: its word hashes under the current search key."""
        return [token.hex() for token in self.keyed(self.current_key(), self.tokens(text))]

    def current_key(self) -> Wrapped | None:
        """The tenant's wrapped search key and its epoch (one indexed row); None before its first."""
        return None if self._store is None else self._store.current()

    def keyed(self, search_key: Wrapped | None, tokens: list[str]) -> list[bytes]:
        """Word hashes (hex) as the index stores them; before the tenant's first search key, as they are."""
        if search_key is None:
            return [bytes.fromhex(token) for token in tokens]
        key = self._open(search_key)
        return [hmac.new(key, bytes.fromhex(token), hashlib.sha256).digest() for token in tokens]

    def first_key(self) -> tuple[int, bytes]:
        """The tenant's first search key, under the current epoch (made if there is none yet)."""
        if self._epochs is None:
            raise DecryptionFailed("søkenøkkelen kan ikke lages uten nøkkelepoker")
        epoch = current(self._epochs).number
        return epoch, self.new_key(epoch)

    def new_key(self, epoch: int) -> bytes:
        """A fresh search key wrapped under the epoch, for `platform.search_keys`."""
        return aead.encrypt(self._epoch_key(epoch), os.urandom(KEY_BYTES), self._associated(epoch))

    def _open(self, search_key: Wrapped) -> bytes:
        epoch, wrapped = search_key
        if epoch is None:
            raise DecryptionFailed("søkenøkkelen har ingen epoke")
        try:
            return aead.decrypt(self._epoch_key(epoch), wrapped, self._associated(epoch))
        except InvalidTag:
            raise DecryptionFailed("søkenøkkelen hører ikke til denne kommunen eller epoken") from None

    def _epoch_key(self, epoch: int) -> bytes:
        if self._epochs is None:
            raise DecryptionFailed("søkenøkkelen kan ikke brukes uten nøkkelepoker")
        return self._epochs.key(epoch)

    def _associated(self, epoch: int) -> str:
        return f"ombud/search-key/{self._slug}/{epoch}"

    def __repr__(self) -> str:
        return "SearchIndex()"
