"""The blind index's table: the worker keys each inquiry's word hashes under the tenant's search key, and forgets
them on erasure; a key rotation replaces the search key and re-indexes in one transaction (services/search_index.py);
`ombud migrate` indexes the inquiries the demo and the import once saved without words (`unindexed`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

import asyncpg
from psycopg import Cursor, sql

from domain.inquiry import Inquiry
from services.inquiry_keys import Wrapped
from services.search_index import SearchIndex

NAME = "search_index"
TABLES = ("read.search_tokens",)

# One statement each per batch, like the other read models: rows of every inquiry received, and every erasure.
_INSERT = (
    "INSERT INTO read.search_tokens (tenant_id, inquiry_id, token)"
    " SELECT %s, * FROM unnest(%s::uuid[], %s::bytea[]) ON CONFLICT DO NOTHING"
)
_FORGET = "DELETE FROM read.search_tokens WHERE tenant_id = %s AND inquiry_id = ANY(%s::uuid[])"
_KEY = "SELECT epoch, wrapped_key FROM platform.search_keys WHERE tenant_id = %s"
_PUT_KEY = (
    "INSERT INTO platform.search_keys (tenant_id, epoch, wrapped_key) VALUES (%s, %s, %s) ON CONFLICT (tenant_id)"
    " DO UPDATE SET epoch = excluded.epoch, wrapped_key = excluded.wrapped_key, created_at = now()"
)
# The inquiries that have every typed token; RLS keeps the search inside the reader's tenant.
_MATCHING = (
    "SELECT inquiry_id FROM read.search_tokens WHERE token = ANY($1::bytea[])"
    " GROUP BY inquiry_id HAVING count(DISTINCT token) = cardinality($1::bytea[])"
)


Words = Callable[[Inquiry.Received], list[str]]


def apply_batch(
    cursor: Cursor[Any],
    tenant_id: str,
    events: Sequence[Any],
    index: SearchIndex,
    tokens_of: Words = lambda received: list(received.search_tokens),
) -> None:
    """Read in the batch's transaction, the search key is the one a rotation committed or is committing with it.

    `tokens_of` gives each received inquiry's word hashes (`OfficeApplication.search_tokens_of`). The batch's words are
    keyed at once under that key, and written in one statement; an inquiry erased in the same batch is never
    written, and the rows of those erased are deleted in one statement.
    """
    received: dict[UUID, list[str]] = {}
    erased: list[UUID] = []
    for event in events:
        match event:
            case Inquiry.Received():
                if tokens := tokens_of(event):
                    received[event.originator_id] = tokens
            case Inquiry.Erased():
                received.pop(event.originator_id, None)
                erased.append(event.originator_id)
    if erased:
        cursor.execute(_FORGET, (tenant_id, erased))
    if received:
        words = [word for tokens in received.values() for word in tokens]
        keyed = index.keyed(_search_key(cursor, tenant_id, index), words)
        owners = [inquiry for inquiry, tokens in received.items() for _ in tokens]
        cursor.execute(_INSERT, (tenant_id, owners, keyed))


def unindexed(cursor: Cursor[Any], tenant_id: str, schema: str, events_table: str, erased_topic: str) -> list[Any]:
    """The stored events (as the worker reads them) of the inquiries on the case list that have no row here and were
    never erased: those the demo and the import saved without words, and those whose text holds no search word."""
    cursor.execute(
        sql.SQL(
            "SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state FROM {events} e"
            " WHERE e.originator_id IN (SELECT i.id FROM read.inquiries i WHERE i.tenant_id = %s"
            "  AND NOT EXISTS (SELECT 1 FROM read.search_tokens s WHERE s.tenant_id = i.tenant_id AND s.inquiry_id = i.id)"
            "  AND NOT EXISTS (SELECT 1 FROM {events} x WHERE x.originator_id = i.id AND x.topic = %s))"
            " ORDER BY e.notification_id"
        ).format(events=sql.Identifier(schema, events_table)),
        (tenant_id, erased_topic),
    )
    return cursor.fetchall()


def replace_key(cursor: Cursor[Any], tenant_id: str, epoch: int, wrapped_key: bytes) -> None:
    """The tenant's new search key, in the transaction that re-indexes under it (the worker's `rebuild`)."""
    cursor.execute(_PUT_KEY, (tenant_id, epoch, wrapped_key))


def _search_key(cursor: Cursor[Any], tenant_id: str, index: SearchIndex) -> Wrapped:
    """The tenant's search key; its first is made here, under the current epoch."""
    cursor.execute(_KEY, (tenant_id,))
    row = cursor.fetchone()
    if row is None:
        replace_key(cursor, tenant_id, *index.first_key())
        cursor.execute(_KEY, (tenant_id,))
        row = cursor.fetchone()
    return row[0], bytes(row[1])  # type: ignore[index]  # the key was just written


async def matching(conn: asyncpg.Connection, tokens: list[str]) -> list[UUID]:
    """The inquiries whose name and summary hold every token (hex); none for no tokens."""
    if not tokens:
        return []
    return [row["inquiry_id"] for row in await conn.fetch(_MATCHING, [bytes.fromhex(t) for t in tokens])]
