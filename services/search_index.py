"""The blind index: names and summary words as keyed hashes, so the database can find an inquiry without plaintext."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from domain.search_words import search_words

KEY_BYTES = 32


class SearchIndex:
    """One tenant's search key, derived from the tenant key: the same word hashes differently in every tenant."""

    def __init__(self, tenant_key: str) -> None:
        self._key = HKDF(hashes.SHA256(), KEY_BYTES, salt=None, info=b"ombud/search-index").derive(
            base64.b64decode(tenant_key)
        )

    def tokens(self, *texts: str | None) -> list[str]:
        """The keyed hashes (hex) of every search word of the texts, sorted and each once."""
        words = set().union(*(search_words(text) for text in texts if isinstance(text, str)))
        return sorted(hmac.new(self._key, word.encode(), hashlib.sha256).hexdigest() for word in words)

    def __repr__(self) -> str:
        return "SearchIndex()"
