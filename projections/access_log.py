"""The access log: every read of an inquiry's personal data is recorded here before the data is sent."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from projections.reading import TENANT_SETTING

_RECORD = (
    "INSERT INTO audit.access_records (tenant_id, account_id, role, inquiry_id, purpose)"
    " VALUES (current_setting('app.tenant_id', true), $1, $2, $3, $4)"
)


async def record_access(
    pool: asyncpg.Pool, tenant: str, *, account_id: str, role: str, inquiry_id: UUID, purpose: str
) -> None:
    """Commits before returning: if the record cannot be written, the caller gets an error, not data."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(TENANT_SETTING, tenant)
        await conn.execute(_RECORD, UUID(account_id), role, inquiry_id, purpose)
