"""Writes a scope's audit chain as a bundle an auditor checks on their own machine, trusting nothing of ours.

The format is described in tools/verify_bundle.py (its reader) and docs/audit.md. The bundle holds the stored bytes
of each row (base64): events are encrypted as stored, records carry ids and codes, so no personal field is in clear.
The range always starts right after a signed checkpoint (or at the genesis) and ends at one, so every byte in the
bundle is bound to a signature. It is written as it is read (one entry a line), whatever the chain's length.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TextIO
from uuid import UUID

import psycopg
from psycopg import sql

from domain.audit_chain import COLUMNS, SOURCES, SUBJECT_COLUMNS, Checkpoint, entry_bytes, genesis, timestamp
from domain.common import OSLO, DomainError
from services.audit.chain import StoredEntry, checkpoints, head, source_table, stored_entries
from services.audit_signing import PublicKey

FORMAT = "ombud-audit-bundle-1"
RULES = {
    "data": "source table name, then the row's columns in a fixed order; each as a 4-byte big-endian length and its"
    " bytes (text UTF-8, whole numbers in decimal, uuids lowercase, times UTC ISO 8601 with microseconds and Z);"
    " NULL is the length ffffffff with nothing after",
    "entry_hash": "SHA-256(data)",
    "genesis": 'SHA-256("ombud-chain-1\\n" + scope)',
    "chain_hash": "SHA-256(previous chain hash + entry_hash), from the genesis at position 1",
    "checkpoint": 'Ed25519 signature over "ombud-checkpoint-1\\n" + scope + "\\n" + length + "\\n" + head (hex)'
    ' + "\\n" + at',
}
_FIRST_SEALED = "SELECT min(position) FROM audit.chain_entries WHERE tenant_id = %s AND sealed_at >= %s"
_LAST_SEALED = "SELECT max(position) FROM audit.chain_entries WHERE tenant_id = %s AND sealed_at < %s"
_CHAIN_HASH = "SELECT chain_hash FROM audit.chain_entries WHERE tenant_id = %s AND position = %s"
_COUNT = "SELECT count(*) FROM audit.chain_entries WHERE tenant_id = %s AND position BETWEEN %s AND %s"
_REFERENCES = "SELECT id, reference FROM read.inquiries WHERE tenant_id = %s"
_LAST_KEY_BEFORE = (
    "SELECT max(source_key) FROM audit.chain_entries WHERE tenant_id = %s AND source = %s AND position < %s"
)


@dataclass(frozen=True)
class Span:
    """Positions first..last of the chain, and the chain hash just before `first` (the genesis when it is 1)."""

    first: int
    last: int
    previous_hash: bytes


@dataclass(frozen=True)
class Exported:
    span: Span
    entries: int
    checkpoints: int
    unchained: int


class NothingToExport(DomainError):
    """No entry was sealed in the days asked for (or the chain is still empty)."""


def span(
    cursor: Any, scope: str, signed: list[Checkpoint], since: date | None = None, until: date | None = None
) -> Span:
    """The entries sealed on the days since..until (Oslo time), widened to begin after and end at a checkpoint."""
    length = head(cursor, scope).length
    first = _sealed(cursor, _FIRST_SEALED, scope, since) if since is not None else 1
    last = _sealed(cursor, _LAST_SEALED, scope, until + timedelta(days=1)) if until is not None else length
    if length == 0 or first is None or last is None or first > last:
        raise NothingToExport("--from/--to", "ingen poster ble forseglet i perioden")
    start = max((c.length for c in signed if c.length < first), default=0) + 1
    end = min((c.length for c in signed if c.length >= last), default=length)
    if start == 1:
        return Span(1, end, genesis(scope))
    cursor.execute(_CHAIN_HASH, (scope, start - 1))
    found = cursor.fetchone()
    # If that entry is gone from the chain, its signed head stands in: the gap lies before this range (a full export
    # shows it).
    return Span(start, end, bytes(found[0]) if found else next(c.head for c in signed if c.length == start - 1))


def _sealed(cursor: Any, query: str, scope: str, day: date) -> int | None:
    cursor.execute(query, (scope, datetime.combine(day, time(), OSLO)))
    length: int | None = cursor.fetchone()[0]
    return length


def write(
    conn: psycopg.Connection[Any],
    scope: str,
    public_key: PublicKey,
    out: TextIO,
    *,
    since: date | None = None,
    until: date | None = None,
) -> Exported:
    """Writes the bundle to `out` from one snapshot of the database (run it outside a transaction)."""
    conn.isolation_level, conn.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
    try:
        with conn.transaction(), conn.cursor() as cursor:
            signed = checkpoints(cursor, scope)  # sets the transaction's scope for the queries after it
            chosen = span(cursor, scope, signed, since, until)
            cursor.execute(_COUNT, (scope, chosen.first, chosen.last))
            count = cursor.fetchone()[0]  # type: ignore[index]  # the query always returns one row
            cursor.execute(_REFERENCES, (scope,))
            references = dict(cursor.fetchall())
            covered = [c for c in signed if chosen.first - 1 <= c.length <= chosen.last]
            manifest = _manifest(scope, chosen, count, public_key.key_id, since, until)
            last_keys: dict[str, int] = {}

            def entries() -> Iterator[dict[str, Any]]:
                for entry in stored_entries(conn, scope, first=chosen.first, last=chosen.last):
                    last_keys[entry.source] = entry.source_key
                    yield _entry(entry, references)

            out.write(f'{{"manifest": {_json(manifest)},\n"public_key": {_json(public_key.pem())},\n')
            _array(out, "checkpoints", map(_checkpoint, covered))
            _array(out, "entries", entries())
            extra = _array(out, "unchained", _unchained(cursor, scope, chosen.first, last_keys, references), end=True)
    finally:
        conn.isolation_level, conn.read_only = None, None
    return Exported(chosen, count, len(covered), extra)


def _array(out: TextIO, name: str, items: Iterable[dict[str, Any]], *, end: bool = False) -> int:
    """One member of the bundle: a JSON array with an item a line; returns how many."""
    out.write(f'"{name}": [')
    count = 0
    for count, item in enumerate(items, 1):
        out.write(("\n" if count == 1 else ",\n") + _json(item))
    out.write("\n]}\n" if end else "\n],\n")
    return count


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _manifest(
    scope: str, chosen: Span, count: int, key_id: str, since: date | None, until: date | None
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "scope": scope,
        "exported_at": timestamp(datetime.now(UTC)),
        "sealed_from": since.isoformat() if since else None,
        "sealed_to": until.isoformat() if until else None,
        "first_position": chosen.first,
        "last_position": chosen.last,
        "previous_hash": chosen.previous_hash.hex(),
        "entries": count,
        "key_id": key_id,
        "rules": RULES,
    }


def _checkpoint(point: Checkpoint) -> dict[str, Any]:
    return {
        "length": point.length,
        "head": point.head.hex(),
        "at": timestamp(point.at),
        "key_id": point.key_id,
        "signature": base64.b64encode(point.signature).decode(),
    }


def _entry(entry: StoredEntry, references: dict[UUID, str]) -> dict[str, Any]:
    return {
        "position": entry.position,
        "source": entry.source,
        "source_key": entry.source_key,
        "reference": references.get(entry.subject_id) if entry.subject_id else None,
        "data": None if entry.data is None else base64.b64encode(entry.data).decode(),
        "entry_hash": entry.entry_hash.hex(),
        "chain_hash": entry.chain_hash.hex(),
    }


def _unchained(
    cursor: Any, scope: str, first: int, last_keys: dict[str, int], references: dict[UUID, str]
) -> Iterator[dict[str, Any]]:
    """Rows within the keys this range sealed of their source that are not in the chain: put in afterwards."""
    for source in SOURCES:
        table = source_table(source, scope)
        if table is None or source not in last_keys:
            continue
        cursor.execute(_LAST_KEY_BEFORE, (scope, source, first))
        below = cursor.fetchone()[0]  # none before the range: every key below the range's is in question
        below = -(2**63) if below is None else below
        key = sql.Identifier(COLUMNS[source][0])
        cursor.execute(
            sql.SQL(
                "SELECT {columns} FROM {table} s WHERE s.{key} > %s AND s.{key} <= %s AND NOT EXISTS (SELECT 1"
                " FROM audit.chain_entries c WHERE c.tenant_id = %s AND c.source = %s AND c.source_key = s.{key})"
                " ORDER BY s.{key}"
            ).format(
                columns=sql.SQL(", ").join(sql.SQL("s.{}").format(sql.Identifier(c)) for c in COLUMNS[source]),
                table=table,
                key=key,
            ),
            (below, last_keys[source], scope, source),
        )
        subject = COLUMNS[source].index(SUBJECT_COLUMNS[source]) if SUBJECT_COLUMNS[source] else None
        for row in cursor.fetchall():
            about = row[subject] if subject is not None else None
            yield {
                "source": source,
                "source_key": row[0],
                "reference": references.get(about) if about else None,
                "data": base64.b64encode(entry_bytes(source, row)).decode(),
            }
