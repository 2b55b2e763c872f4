"""A kommune's signed checkpoints as the public witness list serves them: signed heads only, never an entry.

The table is `audit.chain_checkpoints` (0021_audit_chain.sql): the web's login may only INSERT and SELECT it, so
what was published once can only disappear through a superuser, and then the mirrors (and the signer's own record)
show it (`ombud audit verify --witness`)."""

from __future__ import annotations

import asyncpg

from domain.audit_chain import Checkpoint

PAGE = 5000
_SIGNED = (
    "SELECT tenant_id, length, head, at, key_id, signature FROM audit.chain_checkpoints"
    " WHERE tenant_id = $1 AND length > $2 ORDER BY length LIMIT $3"
)


async def signed_heads(conn: asyncpg.Connection, tenant: str, after: int = 0) -> list[Checkpoint]:
    """The tenant's checkpoints past length `after`, in order, at most PAGE of them (`conn`: the tenant's reader)."""
    rows = await conn.fetch(_SIGNED, tenant, after, PAGE)
    return [Checkpoint(r[0], r[1], bytes(r[2]), r[3], r[4], bytes(r[5])) for r in rows]
