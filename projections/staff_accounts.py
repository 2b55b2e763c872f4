"""Staff accounts as the web needs them: the sign-in lookup by email, and who in a tenant can be assigned cases."""

from __future__ import annotations

import asyncpg

from domain.account import CASE_WORKERS
from projections.reading import tenant_transaction

PLATFORM_STAFF = ""  # no tenant set: row-level security shows the platform's own staff only (0016_owner.sql)

# Before sign-in no tenant is known: the owner's one narrow lookup by address (0016_owner.sql).
_ACCOUNT = (
    "SELECT id, email, role, tenant_id, password_hash, active, session_generation FROM platform.account_for_sign_in($1)"
)
# None for an account that is deactivated (or gone): no session of it is valid.
_SESSION_GENERATION = "SELECT session_generation FROM platform.accounts WHERE id = $1::uuid AND active"
# Row-level security keeps each tenant's accounts to itself; the tenant is a bound filter as well.
_CASE_WORKERS = "SELECT email FROM platform.accounts WHERE tenant_id = $1 AND role = ANY($2::text[]) ORDER BY email"
_TENANT_ACCOUNTS = (
    "SELECT id, email, role, created_at, active FROM platform.accounts WHERE tenant_id = $1 ORDER BY email"
)
_PLATFORM_ACCOUNTS = (
    "SELECT id, email, role, created_at, active FROM platform.accounts WHERE tenant_id IS NULL ORDER BY email"
)


async def find_by_email(pool: asyncpg.Pool, email: str) -> asyncpg.Record | None:
    return await pool.fetchrow(_ACCOUNT, email)


async def session_generation(pool: asyncpg.Pool, account_id: str, tenant: str | None) -> int | None:
    """The account's session generation, asked on every request; None once the account is deactivated."""
    async with tenant_transaction(pool, tenant or PLATFORM_STAFF) as conn:
        generation: int | None = await conn.fetchval(_SESSION_GENERATION, account_id)
    return generation


async def case_workers(pool: asyncpg.Pool, tenant: str) -> list[str]:
    """The emails of the tenant's accounts that work cases: the people an inquiry can be assigned to."""
    async with tenant_transaction(pool, tenant) as conn:
        return [row["email"] for row in await conn.fetch(_CASE_WORKERS, tenant, list(CASE_WORKERS))]


async def tenant_accounts(pool: asyncpg.Pool, tenant: str) -> list[asyncpg.Record]:
    """Every account of the tenant, for its administrator and for naming who appears in its access log."""
    async with tenant_transaction(pool, tenant) as conn:
        return await conn.fetch(_TENANT_ACCOUNTS, tenant)


async def platform_accounts(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    """The accounts above the tenants (network, platform administrators), for the platform administrator."""
    async with tenant_transaction(pool, PLATFORM_STAFF) as conn:
        return await conn.fetch(_PLATFORM_ACCOUNTS)
