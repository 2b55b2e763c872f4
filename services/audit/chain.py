"""The audit chain in the database: seals new rows into each scope's chain, signs checkpoints, and verifies it all.

The arithmetic lives in domain/audit_chain.py; this module reads the stored rows exactly as stored and keeps
`audit.chain_entries` and `audit.chain_checkpoints` (0021_audit_chain.sql). The worker seals every few seconds
(projections/worker.py); a scope's writers of access and account records hold RECORD_WRITERS_LOCK until they
commit, as the event store's writers hold theirs, so within each source a row's key grows in commit order and the
sealer never passes over a row that commits late.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import psycopg
from psycopg import sql

from domain.account import PLATFORM_SCOPE
from domain.audit_chain import (
    COLUMNS,
    SOURCES,
    SUBJECT_COLUMNS,
    Checkpoint,
    checkpoint_message,
    entry_bytes,
    entry_hash,
    genesis,
    link,
)
from domain.common import DomainError
from services.application import table_prefix
from services.audit_signing import PublicKey, Signer

# Writers of one scope's access and account records take this lock (second key: the scope, which is the transaction's
# tenant setting) after setting it and before their INSERT, and hold it until they commit.
RECORD_WRITERS_LOCK = "SELECT pg_advisory_xact_lock(7141594, hashtext(current_setting('app.tenant_id', true)))"
_SEALER_LOCK = "SELECT pg_advisory_xact_lock(7141595, hashtext(%s))"
_SCOPE = "SELECT set_config('app.tenant_id', %s, true)"
BATCH = 10_000
_FETCH = 2_000

_HEAD = "SELECT position, chain_hash FROM audit.chain_entries WHERE tenant_id = %s ORDER BY position DESC LIMIT 1"
_LAST_KEY = (
    "SELECT source_key FROM audit.chain_entries WHERE tenant_id = %s AND source = %s ORDER BY source_key DESC LIMIT 1"
)
# Row-level security allows no COPY: one INSERT of the whole batch, column by column.
_APPEND = (
    "INSERT INTO audit.chain_entries (tenant_id, position, source, source_key, subject_id, entry_hash, chain_hash)"
    " SELECT * FROM unnest(%s::text[], %s::bigint[], %s::text[], %s::bigint[], %s::uuid[], %s::bytea[], %s::bytea[])"
)
_CHECKPOINTS = (
    "SELECT tenant_id, length, head, at, key_id, signature FROM audit.chain_checkpoints WHERE tenant_id = %s"
    " AND length > %s ORDER BY length"
)
_LAST_CHECKPOINT = (
    "SELECT tenant_id, length, head, at, key_id, signature FROM audit.chain_checkpoints WHERE tenant_id = %s"
    " ORDER BY length DESC LIMIT 1"
)
_ADD_CHECKPOINT = "INSERT INTO audit.chain_checkpoints (tenant_id, length, head, at, key_id, signature) VALUES (%s, %s, %s, %s, %s, %s)"


def events_table(scope: str) -> str | None:
    """The scope's event table (services/application.py names it); the platform's scope has none."""
    return None if scope == PLATFORM_SCOPE else table_prefix(scope) + "_events"


def source_table(source: str, scope: str) -> sql.Composable | None:
    if source == "events":
        table = events_table(scope)
        return None if table is None else sql.Identifier("events", table)
    return sql.Identifier("audit", source)


def _rows_after(source: str, scope: str, last: int, limit: int) -> tuple[sql.Composed, tuple[int, int]] | None:
    table = source_table(source, scope)
    if table is None:
        return None
    key = sql.Identifier(COLUMNS[source][0])
    return sql.SQL("SELECT {} FROM {} WHERE {} > %s ORDER BY {} LIMIT %s").format(
        sql.SQL(", ").join(sql.Identifier(c) for c in COLUMNS[source]), table, key, key
    ), (last, limit)


@dataclass(frozen=True)
class Head:
    length: int
    hash: bytes


def head(cursor: Any, scope: str) -> Head:
    cursor.execute(_HEAD, (scope,))
    row = cursor.fetchone()
    return Head(0, genesis(scope)) if row is None else Head(row[0], bytes(row[1]))


def seal(conn: psycopg.Connection[Any], scope: str, *, batch: int = BATCH) -> int:
    """Appends the scope's rows committed since the last seal to its chain; returns how many entries were added."""
    added = 0
    while True:
        with conn.transaction(), conn.cursor() as cursor:
            cursor.execute(_SCOPE, (scope,))
            cursor.execute(_SEALER_LOCK, (scope,))
            position, previous = _astuple(head(cursor, scope))
            entries = []
            for source in SOURCES:
                query = _rows_after(source, scope, _last_key(cursor, scope, source), batch)
                if query is None:
                    continue
                cursor.execute(*query)
                subject = COLUMNS[source].index(SUBJECT_COLUMNS[source]) if SUBJECT_COLUMNS[source] else None
                for row in cursor.fetchall():
                    digest = entry_hash(entry_bytes(source, row))
                    previous = link(previous, digest)
                    position += 1
                    subject_id = row[subject] if subject is not None else None
                    entries.append((scope, position, source, row[0], subject_id, digest, previous))
            if entries:
                cursor.execute(_APPEND, [list(column) for column in zip(*entries, strict=True)])
        added += len(entries)
        if len(entries) < batch:
            return added


def with_new_rows(conn: psycopg.Connection[Any], scopes: list[str]) -> list[str]:
    """The scopes with rows committed after the last one sealed from their table (and whose tables exist).

    The worker's cheap look before sealing: two statements a scope, all sent at once (psycopg's pipeline), each an
    index lookup at the end of a table, so a loop over hundreds of quiet tenants costs one round trip.
    """
    with conn.transaction(), conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'events'")
        tables = {row[0] for row in cursor.fetchall()}
    asked = []
    with conn.transaction(), conn.pipeline():
        for scope in scopes:
            events = events_table(scope)
            if events is not None and events not in tables:
                continue  # a tenant whose tables are still being made: looked at next round
            conn.execute(_SCOPE, (scope,))
            query, params = _news(scope)
            asked.append((scope, conn.execute(query, params)))
    return [scope for scope, cursor in asked if cursor.fetchone()[0]]  # type: ignore[index]  # the query always returns one row


@functools.lru_cache(maxsize=4096)
def _news(scope: str) -> tuple[sql.Composed, tuple[str, ...]]:
    """Whether the scope has a row past the last one sealed from each of its tables (built once per scope)."""
    parts, params = [], []
    for source in SOURCES:
        table = source_table(source, scope)
        if table is None:
            continue
        key = sql.Identifier(COLUMNS[source][0])
        tenant = sql.SQL("") if source == "events" else sql.SQL("tenant_id = %s AND ")
        params.extend([scope] if source == "events" else [scope, scope])
        parts.append(
            sql.SQL(
                "EXISTS (SELECT 1 FROM {table} WHERE {tenant}{key} > coalesce((SELECT max(source_key)"
                " FROM audit.chain_entries WHERE tenant_id = %s AND source = {source}), 0))"
            ).format(table=table, tenant=tenant, key=key, source=sql.Literal(source))
        )
    return sql.SQL("SELECT ") + sql.SQL(" OR ").join(parts), tuple(params)


def _astuple(found: Head) -> tuple[int, bytes]:
    return found.length, found.hash


def _last_key(cursor: Any, scope: str, source: str) -> int:
    cursor.execute(_LAST_KEY, (scope, source))
    row = cursor.fetchone()
    return 0 if row is None else row[0]


def checkpoint(conn: psycopg.Connection[Any], scope: str, signer: Signer) -> Checkpoint | None:
    """Signs the chain's head if entries came after the last checkpoint; else None. How often is the caller's choice.

    The signer signs only a head that extends the last head it remembers signing (`signer.memory`, outside the
    database): the chain is no shorter, the database still holds that checkpoint, and the entries after it,
    recomputed from their rows as they are now, hash forward from it to the new head. Else nothing is signed
    (`HeadRefused`, or `ChainDoesNotHold` where a row no longer matches its entry). Without a memory it starts from
    the database's last checkpoint. The memory is updated after the checkpoint is committed.
    """
    remembered = signer.memory.last(scope) if signer.memory is not None else None
    with conn.transaction(), conn.cursor() as cursor:
        cursor.execute(_SCOPE, (scope,))
        cursor.execute(_SEALER_LOCK, (scope,))
        current = head(cursor, scope)
        cursor.execute(_LAST_CHECKPOINT, (scope,))
        row = cursor.fetchone()
        last = None if row is None else Checkpoint(row[0], row[1], bytes(row[2]), row[3], row[4], bytes(row[5]))
        if remembered is not None:
            _refuse_unless_extends(cursor, scope, remembered, current)
            start = Head(remembered.length, remembered.head)
        else:
            start = Head(last.length, last.head) if last is not None else Head(0, genesis(scope))
        if remembered is None and (current.length == 0 or (last is not None and last.length >= current.length)):
            return None
        running = start.hash
        for entry in stored_entries(conn, scope, first=start.length + 1, last=current.length):
            if entry.data is None or entry_hash(entry.data) != entry.entry_hash:
                raise ChainDoesNotHold(scope, entry.position)
            running = link(running, entry.entry_hash)
        if running != current.hash:
            raise HeadRefused(scope, current.length, f"det nye hodet ved lengde {current.length} {_NOT_EXTENDING}")
        if current.length == 0 or (last is not None and last.length >= current.length):
            return None
        now = datetime.now(UTC)
        message = checkpoint_message(scope, current.length, current.hash, now)
        made = Checkpoint(scope, current.length, current.hash, now, signer.public_key.key_id, signer.sign(message))
        cursor.execute(_ADD_CHECKPOINT, (scope, made.length, made.head, made.at, made.key_id, made.signature))
    if signer.memory is not None:
        signer.memory.remember(made)
    return made


_NOT_EXTENDING = "bygger ikke videre på det siste hodet signereren signerte"
_CHECKPOINT_AT = "SELECT head FROM audit.chain_checkpoints WHERE tenant_id = %s AND length = %s"


def _refuse_unless_extends(cursor: Any, scope: str, remembered: Checkpoint, current: Head) -> None:
    """The chain is at least as long as what the signer last signed, and the database still holds that checkpoint."""
    if current.length < remembered.length:
        raise HeadRefused(
            scope,
            remembered.length,
            f"kjeden har {current.length} poster, men signereren har signert {remembered.length}: den er kortet av",
        )
    cursor.execute(_CHECKPOINT_AT, (scope, remembered.length))
    row = cursor.fetchone()
    if row is None or bytes(row[0]) != remembered.head:
        raise HeadRefused(
            scope,
            remembered.length,
            f"sjekkpunktet ved lengde {remembered.length} som signereren husker, mangler i databasen eller er endret",
        )


class ChainDoesNotHold(DomainError):
    """A chain was found broken where a checkpoint was to be signed: nothing is signed."""

    def __init__(self, scope: str, position: int, why: str | None = None) -> None:
        super().__init__(
            "kjede",
            f"revisjonssporet for {scope} holder ikke ved posisjon {position}"
            + (f": {why}" if why else "")
            + ": kjør `ombud audit verify`",
        )
        self.scope = scope
        self.position = position


class HeadRefused(ChainDoesNotHold):
    """The head does not extend what the signer last signed (a rewritten, shortened or pruned history): the alarm."""

    def __init__(self, scope: str, position: int, why: str) -> None:
        super().__init__(scope, position, f"signereren nekter å signere: {why}")


def checkpoints(cursor: Any, scope: str, *, after: int = 0) -> list[Checkpoint]:
    """The scope's checkpoints in order of length (those past `after` only); sets the transaction's scope."""
    cursor.execute(_SCOPE, (scope,))
    cursor.execute(_CHECKPOINTS, (scope, after))
    return [Checkpoint(r[0], r[1], bytes(r[2]), r[3], r[4], bytes(r[5])) for r in cursor.fetchall()]


@dataclass(frozen=True)
class StoredEntry:
    """One chain entry beside the row it names, as the database holds both now (`data` None: the row is gone)."""

    position: int
    source: str
    source_key: int
    subject_id: UUID | None
    entry_hash: bytes
    chain_hash: bytes
    sealed_at: datetime
    data: bytes | None


def stored_entries(
    conn: psycopg.Connection[Any], scope: str, *, first: int = 1, last: int | None = None
) -> Iterator[StoredEntry]:
    """The chain's entries in order with their rows' bytes now, streamed (a server-side cursor) in one transaction."""
    joins: list[sql.Composable] = []
    fields: list[sql.Composable] = []
    for source in SOURCES:
        table = source_table(source, scope)
        alias = sql.Identifier(source)
        if table is None:
            fields.extend(sql.SQL("NULL") for _ in COLUMNS[source])
            continue
        joins.append(
            sql.SQL(" LEFT JOIN {} AS {} ON c.source = {} AND {}.{} = c.source_key").format(
                table, alias, sql.Literal(source), alias, sql.Identifier(COLUMNS[source][0])
            )
        )
        fields.extend(sql.SQL("{}.{}").format(alias, sql.Identifier(c)) for c in COLUMNS[source])
    query = sql.SQL(
        "SELECT c.position, c.source, c.source_key, c.subject_id, c.entry_hash, c.chain_hash, c.sealed_at, {}"
        " FROM audit.chain_entries AS c{} WHERE c.tenant_id = %s AND c.position >= %s AND c.position <= %s"
        " ORDER BY c.position"
    ).format(sql.SQL(", ").join(fields), sql.Composed(joins))
    offsets, at = {}, 7
    for source in SOURCES:
        offsets[source] = (at, at + len(COLUMNS[source]))
        at += len(COLUMNS[source])
    with conn.transaction(), conn.cursor() as scoped:
        scoped.execute(_SCOPE, (scope,))
        with conn.cursor(name="chain_entries") as cursor:
            cursor.itersize = _FETCH
            cursor.execute(query, (scope, first, last if last is not None else 2**62))
            for row in cursor:
                start, end = offsets[row[1]]
                values = row[start:end]
                data = None if values[0] is None else entry_bytes(row[1], values)
                yield StoredEntry(row[0], row[1], row[2], row[3], bytes(row[4]), bytes(row[5]), row[6], data)


@dataclass(frozen=True)
class Break:
    """The first place where the chain does not hold. `reason` is one of REASONS."""

    position: int
    source: str | None
    source_key: int | None
    subject_id: UUID | None
    reason: str


REASONS = {
    "changed": "raden er endret etter at den ble forseglet",
    "missing": "raden er slettet",
    "inserted": "raden er satt inn i ettertid (den står ikke i kjeden)",
    "chain": "kjedens egen post er endret",
    "gap": "kjeden mangler en posisjon",
    "checkpoint": "stemmer ikke med det signerte sjekkpunktet: historikken før denne posisjonen er skrevet om",
    "signature": "sjekkpunktets signatur holder ikke (feil nøkkel eller endret sjekkpunkt)",
    "shorter": "kjeden er kortere enn et sjekkpunkt signereren eller et vitne kjenner (eller enn det som alt var"
    " kontrollert): den er kortet av",
    "rewritten": "kjeden har et annet hode her enn sjekkpunktet signereren eller et vitne kjenner: historikken er"
    " skrevet om",
    "lost_checkpoint": "et sjekkpunkt signereren eller et vitne kjenner, mangler i databasen",
    "backwards": "sjekkpunktene går bakover i tid",
    "witness": "vitnets sjekkpunkt er ikke signert med kontorets nøkkel",
    "unsealed": "poster eldre enn den lovede forseglingsfristen er ikke forseglet (står ikke stille arbeideren?)",
    "refused": "signereren nekter å signere hodet: det bygger ikke videre på det siste den signerte",
}
# How long a committed row may wait for the worker to seal it before verification fails (docs/audit.md).
SEALING_DELAY = timedelta(minutes=5)


# The chain's sources as a person reads them (the command line, the platform page).
SOURCE_NAMES = {"events": "hendelse", "access_records": "tilgangslogg", "account_records": "kontologg"}


def scope_name(scope: str) -> str:
    """A chain's name for people: the tenant's slug, or «plattformen» for the platform's own accounts."""
    return "plattformen" if scope == PLATFORM_SCOPE else scope


@dataclass(frozen=True)
class Unsealed:
    """Rows committed but not yet in the chain: how many, and when the oldest was written (None: not known)."""

    count: int
    oldest: datetime | None


@dataclass(frozen=True)
class Verdict:
    scope: str
    length: int
    checkpoints: int
    signed_length: int  # how much of the chain the last checkpoint that holds covers
    broken: Break | None
    head: bytes = b""  # the chain hash at `length`, as recomputed (where the next incremental check starts)
    unsealed: Unsealed = Unsealed(0, None)

    @property
    def holds(self) -> bool:
        return self.broken is None


# Reads a stored event's recorded time (the tenant's key opens it); None where the scope has no events.
EventTime = Callable[[tuple[Any, ...]], datetime]


def verify(
    conn: psycopg.Connection[Any],
    scope: str,
    public_key: PublicKey,
    *,
    known: Sequence[Checkpoint] = (),
    since: Head | None = None,
    event_time: EventTime | None = None,
) -> Verdict:
    """Recomputes the scope's chain from the stored rows and checks every checkpoint; names the first break.

    `known`: checkpoints kept outside the database (the signer's record, witnesses): each must be signed by the key,
    lie within the chain, match its hash there, and be in the database. `since`: a head verified before; only the
    entries after it are recomputed (the incremental check), the full check starts from the genesis. Rows not yet
    sealed are counted; any older than SEALING_DELAY is a break (`event_time` tells an event's age).
    """
    start = since or Head(0, genesis(scope))
    with conn.transaction(), conn.cursor() as cursor:
        signed = checkpoints(cursor, scope, after=start.length)
        above = _last_keys(cursor, scope, start.length) if start.length else {}
        now_length = head(cursor, scope).length
    by_length = {c.length: c for c in signed}
    wanted = {k.length for k in known}
    heads: dict[int, bytes] = {}
    breaks: list[Break] = []
    if now_length < start.length:  # shorter than the head verified before: the tail was cut off
        breaks.append(Break(now_length + 1, None, None, None, "shorter"))
    running, expected, length, signed_length = start.hash, start.length + 1, start.length, 0
    last_key: dict[str, int] = dict(above)
    for entry in stored_entries(conn, scope, first=start.length + 1):
        if entry.position != expected:
            breaks.append(Break(expected, None, None, None, "gap"))
            break
        expected += 1
        length = entry.position
        last_key[entry.source] = entry.source_key
        where = (entry.position, entry.source, entry.source_key, entry.subject_id)
        if entry.data is None:
            breaks.append(Break(*where, "missing"))
            break
        digest = entry_hash(entry.data)
        if digest != entry.entry_hash:
            breaks.append(Break(*where, "changed"))
            break
        running = link(running, digest)
        if running != entry.chain_hash:
            breaks.append(Break(*where, "chain"))
            break
        if entry.position in wanted:
            heads[entry.position] = running
        point = by_length.get(entry.position)
        if point is not None:
            if not public_key.holds(point):
                breaks.append(Break(*where, "signature"))
                break
            if point.head != running:
                breaks.append(Break(*where, "checkpoint"))
                break
            signed_length = entry.position
    beyond = [c for c in signed if c.length > length]
    if not breaks and beyond:  # a checkpoint beyond the chain: entries were removed, unless it is itself forged
        breaks.append(Break(length + 1, None, None, None, "gap" if public_key.holds(beyond[0]) else "signature"))
    breaks.extend(_inserted(conn, scope, last_key, above))
    breaks.extend(_against_known(conn, scope, public_key, known, length, heads))
    breaks.extend(_backwards(signed))
    waiting = unsealed(conn, scope, event_time)
    if waiting.oldest is not None and datetime.now(UTC) - waiting.oldest > SEALING_DELAY:
        breaks.append(Break(length + 1, None, None, None, "unsealed"))
    first = min(breaks, key=lambda b: b.position) if breaks else None
    return Verdict(scope, length, len(signed), signed_length, first, running, waiting)


def _against_known(
    conn: psycopg.Connection[Any],
    scope: str,
    public_key: PublicKey,
    known: Sequence[Checkpoint],
    length: int,
    heads: dict[int, bytes],
) -> list[Break]:
    """Each checkpoint kept outside the database, against the chain and the database's checkpoints."""
    found = []
    with conn.transaction(), conn.cursor() as cursor:
        cursor.execute(_SCOPE, (scope,))
        for point in sorted(known, key=lambda k: k.length):
            gone = Break(point.length, None, None, None, "")
            if point.scope != scope or not public_key.holds(point):
                found.append(replace(gone, reason="witness"))
                continue
            if point.length > length:
                found.append(replace(gone, reason="shorter"))
                continue
            chain = heads.get(point.length)
            if chain is None:
                cursor.execute(_CHAIN_HASH, (scope, point.length))
                row = cursor.fetchone()
                chain = bytes(row[0]) if row else None
            if chain != point.head:
                found.append(replace(gone, reason="rewritten"))
                continue
            cursor.execute(_CHECKPOINT_AT, (scope, point.length))
            row = cursor.fetchone()
            if row is None or bytes(row[0]) != point.head:
                found.append(replace(gone, reason="lost_checkpoint"))
    return found


def _backwards(signed: list[Checkpoint]) -> list[Break]:
    """A longer checkpoint signed before a shorter one: the checkpoints were reordered or the clock ran back."""
    for earlier, later in itertools.pairwise(signed):
        if later.at < earlier.at:
            return [Break(later.length, None, None, None, "backwards")]
    return []


def unsealed(conn: psycopg.Connection[Any], scope: str, event_time: EventTime | None = None) -> Unsealed:
    """The rows of the scope after the last one sealed from their table: how many, and the oldest one's time."""
    count, oldest = 0, None
    with conn.transaction(), conn.cursor() as cursor:
        cursor.execute(_SCOPE, (scope,))
        for source in SOURCES:
            table = source_table(source, scope)
            if table is None:
                continue
            key = sql.Identifier(COLUMNS[source][0])
            after = _last_key(cursor, scope, source)
            cursor.execute(sql.SQL("SELECT count(*) FROM {} WHERE {} > %s").format(table, key), (after,))
            waiting = cursor.fetchone()[0]  # type: ignore[index]  # the query always returns one row
            if not waiting:
                continue
            count += waiting
            if source == "events":
                query = _rows_after(source, scope, after, 1)
                assert query is not None
                cursor.execute(*query)
                when = event_time(cursor.fetchone()) if event_time is not None else None  # type: ignore[arg-type]  # rows wait
            else:
                cursor.execute(sql.SQL("SELECT min(at) FROM {} WHERE id > %s").format(table), (after,))
                when = cursor.fetchone()[0]  # type: ignore[index]  # the query always returns one row
            if when is not None and (oldest is None or when < oldest):
                oldest = when
    return Unsealed(count, oldest)


_CHAIN_HASH = "SELECT chain_hash FROM audit.chain_entries WHERE tenant_id = %s AND position = %s"
# Keys grow with positions within a source, so the index on (tenant, source, key) finds this from its end at once.
_LAST_KEY_AT = "SELECT max(source_key) FROM audit.chain_entries WHERE tenant_id = %s AND source = %s AND position <= %s"


def _last_keys(cursor: Any, scope: str, position: int) -> dict[str, int]:
    """Each source's last key sealed at or before `position`."""
    found = {}
    for source in SOURCES:
        cursor.execute(_LAST_KEY_AT, (scope, source, position))
        key = cursor.fetchone()[0]
        if key is not None:
            found[source] = key
    return found


def _inserted(
    conn: psycopg.Connection[Any], scope: str, last_key: dict[str, int], above: dict[str, int] | None = None
) -> list[Break]:
    """Rows at or below the last sealed key of their source that are not in the chain: put in afterwards (above the
    keys in `above` only, for the incremental check)."""
    found = []
    with conn.transaction(), conn.cursor() as cursor:
        cursor.execute(_SCOPE, (scope,))
        for source, last in last_key.items():
            table = source_table(source, scope)
            key = sql.Identifier(COLUMNS[source][0])
            column = SUBJECT_COLUMNS[source]
            subject = sql.SQL("s.{}").format(sql.Identifier(column)) if column else sql.SQL("NULL::uuid")
            cursor.execute(
                sql.SQL(
                    "SELECT s.{key}, (SELECT min(c.position) FROM audit.chain_entries c WHERE c.tenant_id = %s"
                    " AND c.source = %s AND c.source_key > s.{key}), {subject} FROM {table} s WHERE s.{key} <= %s"
                    " AND NOT EXISTS (SELECT 1 FROM audit.chain_entries c WHERE c.tenant_id = %s AND c.source = %s"
                    " AND c.source_key = s.{key}) AND s.{key} > %s ORDER BY s.{key} LIMIT 1"
                ).format(key=key, table=table, subject=subject),
                (scope, source, last, scope, source, (above or {}).get(source, -(2**62))),
            )
            row = cursor.fetchone()
            if row is not None:  # named at the entry it was slipped in before, and by the inquiry it claims
                found.append(Break(row[1] or 1, source, row[0], row[2], "inserted"))
    return found


def scopes(slugs: list[str]) -> list[str]:
    """Every chain there is: one per tenant, and the platform's own."""
    return [*slugs, PLATFORM_SCOPE]
