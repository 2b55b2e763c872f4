"""Account records as auditors read them: who changed which of the tenant's accounts, when and how; never a hash.

`audit.account_records` is append-only and written by infra/directory.py with each change; this module only reads,
inside a tenant transaction, so row-level security shows each tenant its own records and nothing else.
"""

from __future__ import annotations

import asyncpg

LIMIT = 200  # the newest; an account change is rare, so this reaches back years for an office of a few people

_LATEST = (
    "SELECT at, account_id::text AS account_id, change, role, previous_role, actor_id, actor_role"
    " FROM audit.account_records ORDER BY id DESC LIMIT $1"
)


async def latest(conn: asyncpg.Connection, limit: int = LIMIT) -> list[asyncpg.Record]:
    return await conn.fetch(_LATEST, limit)
