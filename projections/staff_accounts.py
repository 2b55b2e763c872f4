"""The sign-in lookup of a staff account by email (the accounts are written by services.accounts)."""

from __future__ import annotations

import asyncpg

_ACCOUNT = "SELECT id, email, role, tenant_id, password_hash FROM platform.accounts WHERE email = $1"


async def find_by_email(pool: asyncpg.Pool, email: str) -> asyncpg.Record | None:
    return await pool.fetchrow(_ACCOUNT, email)
