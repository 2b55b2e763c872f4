"""Reads a witness's copy of the signed checkpoints (a mirror of /revisjon/{kommune}/sjekkpunkter) for
`ombud audit verify --witness`: what was published once must still be in the database (docs/audit.md)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

from domain.audit_chain import WITNESS_FORMAT, Checkpoint, from_published
from domain.common import DomainError

_OPTION = "--witness"
_LIMIT = 64 * 1024 * 1024
_TIMEOUT_SECONDS = 20


def checkpoints(source: str, scopes: list[str]) -> list[Checkpoint]:
    """The witness's checkpoints (a file, or an http(s) address); one line naming --witness if it cannot be used."""
    document = _parsed(_fetched(source) if source.startswith(("http://", "https://")) else _read(source))
    if not isinstance(document, dict) or document.get("format") != WITNESS_FORMAT:
        raise DomainError(_OPTION, f"er ikke en liste over sjekkpunkter (format «{WITNESS_FORMAT}»)")
    items = document.get("checkpoints")
    if not isinstance(items, list):
        raise DomainError(_OPTION, "«checkpoints» mangler")
    found = []
    for number, item in enumerate(items):
        try:
            found.append(from_published(item))
        except ValueError as error:
            raise DomainError(_OPTION, f"checkpoints[{number}]: {error}") from None
    if not any(point.scope in scopes for point in found):
        raise DomainError(_OPTION, "vitnet har ingen sjekkpunkter for kommunen som kontrolleres")
    return found


def _read(path: str) -> bytes:
    try:
        with Path(path).open("rb") as file:
            return file.read(_LIMIT)
    except OSError:
        raise DomainError(_OPTION, "filen kan ikke leses") from None


def _fetched(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 (http(s) only)
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:  # noqa: S310 (http(s) only)
            return response.read(_LIMIT)
    except (urllib.error.URLError, OSError, ValueError):
        raise DomainError(_OPTION, "adressen svarer ikke med sjekkpunktene") from None


def _parsed(data: bytes) -> object:
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        raise DomainError(_OPTION, "er ikke lesbar JSON") from None
