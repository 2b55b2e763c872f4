"""Read-side connections: the reader role, one tenant per transaction, so row-level security always applies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

TENANT_SETTING = "SELECT set_config('app.tenant_id', $1, true)"  # for this transaction only
# SET LOCAL ROLE and the tenant in one round trip (set_config('role', …, true) is SET LOCAL ROLE).
_READER_FOR_TENANT = "SELECT set_config('role', 'ombud_reader', true), set_config('app.tenant_id', $1, true)"


@asynccontextmanager
async def tenant_transaction(pool: asyncpg.Pool, tenant: str) -> AsyncIterator[asyncpg.Connection]:
    async with pool.acquire() as conn, conn.transaction(readonly=True):
        await conn.execute(_READER_FOR_TENANT, tenant)
        yield conn
