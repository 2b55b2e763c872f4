"""The blind index's table: the worker copies each inquiry's keyed hashes and forgets them on erasure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg
from psycopg import Cursor

from domain.inquiry import Inquiry

NAME = "search_index"
TABLES = ("read.search_tokens",)

_INSERT = "INSERT INTO read.search_tokens (tenant_id, inquiry_id, token) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING"
_FORGET = "DELETE FROM read.search_tokens WHERE tenant_id = %s AND inquiry_id = %s"
# The inquiries that have every typed token; RLS keeps the search inside the reader's tenant.
_MATCHING = (
    "SELECT inquiry_id FROM read.search_tokens WHERE token = ANY($1::bytea[])"
    " GROUP BY inquiry_id HAVING count(DISTINCT token) = cardinality($1::bytea[])"
)


def apply_batch(cursor: Cursor[Any], tenant_id: str, events: Sequence[Any]) -> None:
    for event in events:
        match event:
            case Inquiry.Received():
                cursor.executemany(
                    _INSERT, [(tenant_id, event.originator_id, bytes.fromhex(t)) for t in event.search_tokens]
                )
            case Inquiry.Erased():
                cursor.execute(_FORGET, (tenant_id, event.originator_id))


async def matching(conn: asyncpg.Connection, tokens: list[str]) -> list[UUID]:
    """The inquiries whose name and summary hold every token (hex); none for no tokens."""
    if not tokens:
        return []
    return [row["inquiry_id"] for row in await conn.fetch(_MATCHING, [bytes.fromhex(t) for t in tokens])]
