"""What counts as a word when searching by name or summary: one rule, so indexing and searching tokenise alike."""

from __future__ import annotations

import re
import unicodedata

MIN_WORD = 2
# Letters that do not decompose into a base letter and a mark: written as Norwegians type them without the key.
_FOLDS = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ß": "ss", "đ": "d", "ð": "d", "þ": "th", "ł": "l"})
_NON_LETTERS = re.compile(r"[^a-z]+")


def search_words(text: str) -> set[str]:
    """Lower-case, NFKC, diacritics removed (æ→ae, ø→o, å→a), split on non-letters, words shorter than 2 dropped."""
    folded = unicodedata.normalize("NFKC", text).lower().translate(_FOLDS)
    bare = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return {word for word in _NON_LETTERS.split(bare) if len(word) >= MIN_WORD}
