"""The audit chain's arithmetic: how a stored row becomes bytes, how entries chain, what a checkpoint signs.

docs/audit.md states the same rules for auditors, and `tools/verify_bundle.py` implements them a second time,
independently, with the standard library only; a test holds the two to the same bytes.

- An entry's bytes are its source table's name and then the row's stored fields, in a fixed order, each as a 4-byte
  big-endian length and the field's bytes (text as UTF-8, whole numbers in decimal, ids as lowercase UUIDs, times as
  UTC ISO 8601 with microseconds and a Z, bytea as stored); a NULL is the length 0xFFFFFFFF and nothing after.
- The chain of a scope (a tenant's slug, or `_platform`) starts from SHA-256 of "ombud-chain-1\\n" + scope; each
  entry's chain hash is SHA-256 of the previous chain hash and the SHA-256 of the entry's bytes.
- A checkpoint signs "ombud-checkpoint-1\\n" + scope, length, head (hex) and time (as above), one per line.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

SOURCES = ("events", "access_records", "account_records")
# Each source's columns in the order they enter an entry's bytes; the first is the row's key in the chain.
COLUMNS = {
    "events": ("notification_id", "originator_id", "originator_version", "topic", "state"),
    "access_records": ("id", "tenant_id", "at", "account_id", "role", "inquiry_id", "purpose", "channel"),
    "account_records": (
        "id",
        "tenant_id",
        "at",
        "account_id",
        "change",
        "role",
        "previous_role",
        "actor_id",
        "actor_role",
    ),
}
# Which column names the inquiry (or other aggregate) a row is about, if any.
SUBJECT_COLUMNS = {"events": "originator_id", "access_records": "inquiry_id", "account_records": None}
_NULL = b"\xff\xff\xff\xff"

Field = str | int | bytes | UUID | datetime | None


def field_bytes(value: Field) -> bytes:
    """One stored value in the chain's byte form."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, bool):
        raise TypeError("a chain field is never a boolean")
    if isinstance(value, int):
        return str(value).encode()
    if isinstance(value, UUID):
        return str(value).encode()
    if isinstance(value, datetime):
        return timestamp(value).encode()
    if isinstance(value, str):
        return value.encode("utf-8")
    raise TypeError(f"a chain field cannot be {type(value).__name__}")


def timestamp(moment: datetime) -> str:
    """UTC, microseconds, Z: the one text form of a time in entries and checkpoints."""
    if moment.tzinfo is None:
        raise ValueError("a chain time must carry its time zone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_bytes(source: str, values: Sequence[Field]) -> bytes:
    """The bytes of one stored row: the source table's name, then its fields in COLUMNS order."""
    if source not in COLUMNS or len(values) != len(COLUMNS[source]):
        raise ValueError("a chain entry needs its source's columns, in order")
    parts = []
    for value in (source, *values):
        if value is None:
            parts.append(_NULL)
        else:
            data = field_bytes(value)
            parts.append(len(data).to_bytes(4, "big") + data)
    return b"".join(parts)


def entry_hash(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def genesis(scope: str) -> bytes:
    """The chain hash before the first entry: binds the chain to its scope, so no chain passes for another's."""
    return hashlib.sha256(b"ombud-chain-1\n" + scope.encode()).digest()


def link(previous: bytes, entry_digest: bytes) -> bytes:
    """The chain hash after an entry."""
    return hashlib.sha256(previous + entry_digest).digest()


@dataclass(frozen=True)
class Checkpoint:
    scope: str
    length: int
    head: bytes
    at: datetime
    key_id: str
    signature: bytes

    def message(self) -> bytes:
        return checkpoint_message(self.scope, self.length, self.head, self.at)


def checkpoint_message(scope: str, length: int, head: bytes, at: datetime) -> bytes:
    """What a checkpoint's signature covers."""
    return f"ombud-checkpoint-1\n{scope}\n{length}\n{head.hex()}\n{timestamp(at)}".encode()


def key_id(public_key_raw: bytes) -> str:
    """A short name for a signing key: the first 16 hex digits of SHA-256 of its raw public key."""
    return hashlib.sha256(public_key_raw).hexdigest()[:16]


# A signed head as published to witnesses and kept in the signer's record: no personal data, only the chain's shape.
WITNESS_FORMAT = "ombud-checkpoints-1"


def published(checkpoint: Checkpoint) -> dict[str, object]:
    """One checkpoint as the witnesses' JSON holds it (the signature in base64)."""
    return {
        "tenant": checkpoint.scope,
        "length": checkpoint.length,
        "head": checkpoint.head.hex(),
        "at": timestamp(checkpoint.at),
        "key_id": checkpoint.key_id,
        "signature": base64.b64encode(checkpoint.signature).decode(),
    }


def from_published(item: object) -> Checkpoint:
    """The inverse of `published`; ValueError (naming the field) for anything else."""
    if not isinstance(item, dict):
        raise ValueError("et sjekkpunkt er ikke et JSON-objekt")
    for name, kind in (("tenant", str), ("length", int), ("head", str), ("at", str), ("key_id", str)):
        if not isinstance(item.get(name), kind) or isinstance(item.get(name), bool):
            raise ValueError(f"sjekkpunktets «{name}» mangler eller har feil type")
    try:
        head = bytes.fromhex(item["head"])
        at = datetime.strptime(item["at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        signature = base64.b64decode(str(item.get("signature")), validate=True)
    except (ValueError, binascii.Error):
        raise ValueError("sjekkpunktets «head», «at» eller «signature» er ikke lesbar") from None
    if len(head) != 32 or len(signature) != 64 or item["length"] < 1:
        raise ValueError("sjekkpunktets «length», «head» eller «signature» har feil størrelse")
    return Checkpoint(item["tenant"], item["length"], head, at, item["key_id"], signature)
