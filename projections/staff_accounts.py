"""Staff accounts as the web needs them: the sign-in lookup by email, and who in a tenant can be assigned cases."""

from __future__ import annotations

import asyncpg

from domain.account import CASE_WORKERS

_ACCOUNT = "SELECT id, email, role, tenant_id, password_hash, active, session_generation FROM platform.accounts WHERE email = $1"
# None for an account that is deactivated (or gone): no session of it is valid.
_SESSION_GENERATION = "SELECT session_generation FROM platform.accounts WHERE id = $1::uuid AND active"
# platform.accounts sits outside the read models' row-level security, so the tenant is always a bound filter.
_CASE_WORKERS = "SELECT email FROM platform.accounts WHERE tenant_id = $1 AND role = ANY($2::text[]) ORDER BY email"
_TENANT_ACCOUNTS = (
    "SELECT id, email, role, created_at, active FROM platform.accounts WHERE tenant_id = $1 ORDER BY email"
)
_PLATFORM_ACCOUNTS = (
    "SELECT id, email, role, created_at, active FROM platform.accounts WHERE tenant_id IS NULL ORDER BY email"
)


async def find_by_email(pool: asyncpg.Pool, email: str) -> asyncpg.Record | None:
    return await pool.fetchrow(_ACCOUNT, email)


async def session_generation(pool: asyncpg.Pool, account_id: str) -> int | None:
    """The account's session generation, asked on every request; None once the account is deactivated."""
    generation: int | None = await pool.fetchval(_SESSION_GENERATION, account_id)
    return generation


async def case_workers(pool: asyncpg.Pool, tenant: str) -> list[str]:
    """The emails of the tenant's accounts that work cases: the people an inquiry can be assigned to."""
    return [row["email"] for row in await pool.fetch(_CASE_WORKERS, tenant, list(CASE_WORKERS))]


async def tenant_accounts(pool: asyncpg.Pool, tenant: str) -> list[asyncpg.Record]:
    """Every account of the tenant, for its administrator and for naming who appears in its access log."""
    return await pool.fetch(_TENANT_ACCOUNTS, tenant)


async def platform_accounts(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    """The accounts above the tenants (network, platform administrators), for the platform administrator."""
    return await pool.fetch(_PLATFORM_ACCOUNTS)
