"""The signer's own memory of the last head it signed for each chain, kept beside its key and outside the database:
a superuser who rewrites the database cannot make the signer forget what it vouched for (docs/audit.md)."""

from __future__ import annotations

import fcntl
import json
import os
import re
from pathlib import Path

from domain.audit_chain import WITNESS_FORMAT, Checkpoint, from_published, published
from domain.common import DomainError

_SCOPE = re.compile(r"[a-z0-9_][a-z0-9_-]{0,62}")


class SignedHeads:
    """One small JSON file per chain in `directory` (`<scope>.json`), replaced whole: a crash leaves the old one."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _file(self, scope: str) -> Path:
        if not _SCOPE.fullmatch(scope):
            raise ValueError("ugyldig kjedenavn")
        return self.directory / f"{scope}.json"

    def last(self, scope: str) -> Checkpoint | None:
        """The last checkpoint this signer signed for the chain, or None if it never signed one here."""
        try:
            text = self._file(scope).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError:
            raise SignerMemoryError(self.directory, "kan ikke leses") from None
        try:
            document = json.loads(text)
            found = from_published(document["last"])
        except (ValueError, KeyError, TypeError):
            raise SignerMemoryError(self.directory, f"{scope}.json er ikke lesbar") from None
        if found.scope != scope:
            raise SignerMemoryError(self.directory, f"{scope}.json gjelder en annen kjede")
        return found

    def remember(self, signed: Checkpoint) -> None:
        """Keeps `signed` as the chain's last, unless a longer one is kept already (two signers may race).

        Written to a temporary file, flushed to disk and renamed over the old one, under a lock on the directory.
        """
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = self._file(signed.scope)
        with open(self.directory / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            known = self.last(signed.scope)
            if known is not None and known.length >= signed.length:
                return
            temporary = target.with_suffix(".tmp")
            with open(temporary, "w", encoding="utf-8") as out:
                json.dump({"format": WITNESS_FORMAT, "last": published(signed)}, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
            directory = os.open(self.directory, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)


class SignerMemoryError(DomainError):
    """The signer's record cannot be read: nothing is signed without it."""

    def __init__(self, directory: Path, message: str) -> None:
        super().__init__("OMBUD_AUDIT_SIGNER_STATE_DIR", f"{directory}: {message}")
