"""Staff accounts as the web needs them: the sign-in lookup by email, who can be assigned cases, and people's names."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from domain.account import CASE_WORKERS, shown_name
from projections.reading import tenant_transaction

PLATFORM_STAFF = ""  # no tenant set: row-level security shows the platform's own staff only (0016_owner.sql)

# Before sign-in no tenant is known: the owner's one narrow lookup by address (0016_owner.sql).
_ACCOUNT = (
    "SELECT id, email, role, tenant_id, password_hash, active, session_generation FROM platform.account_for_sign_in($1)"
)
# None for an account that is deactivated (or gone): no session of it is valid.
_SESSION_GENERATION = "SELECT session_generation FROM platform.accounts WHERE id = $1::uuid AND active"
_SESSION_STATE = "SELECT session_generation, display_name FROM platform.accounts WHERE id = $1::uuid AND active"
# Row-level security keeps each tenant's accounts to itself; the tenant is a bound filter as well.
_CASE_WORKERS = (
    "SELECT email, display_name FROM platform.accounts WHERE tenant_id = $1 AND role = ANY($2::text[])"
    " ORDER BY coalesce(display_name, email), email"
)
_STAFFED = "SELECT EXISTS (SELECT 1 FROM platform.accounts WHERE tenant_id = $1 AND active AND role = ANY($2::text[]))"
_TENANT_ACCOUNTS = (
    "SELECT id, email, display_name, role, created_at, active FROM platform.accounts WHERE tenant_id = $1"
    " ORDER BY coalesce(display_name, email), email"
)
_PLATFORM_ACCOUNTS = (
    "SELECT id, email, display_name, role, created_at, active FROM platform.accounts WHERE tenant_id IS NULL"
    " ORDER BY coalesce(display_name, email), email"
)


async def find_by_email(pool: asyncpg.Pool, email: str) -> asyncpg.Record | None:
    return await pool.fetchrow(_ACCOUNT, email)


async def session_generation(pool: asyncpg.Pool, account_id: str, tenant: str | None) -> int | None:
    """The account's session generation, asked on every request; None once the account is deactivated."""
    async with tenant_transaction(pool, tenant or PLATFORM_STAFF) as conn:
        generation: int | None = await conn.fetchval(_SESSION_GENERATION, account_id)
    return generation


@dataclass(frozen=True)
class SessionState:
    generation: int
    display_name: str | None


@dataclass(frozen=True)
class StaffNames:
    """Who is who in a tenant, by account id (who acted) and by email (whom a case is assigned to)."""

    by_id: dict[str, str]
    by_email: dict[str, str]

    def of_email(self, email: str | None) -> str:
        """The person's name; an address no account has any more shows as it is."""
        return "" if not email else self.by_email.get(email, email)


async def session_state(pool: asyncpg.Pool, account_id: str, tenant: str | None) -> SessionState | None:
    """The session generation and the display name in one read per request; None once the account is deactivated."""
    async with tenant_transaction(pool, tenant or PLATFORM_STAFF) as conn:
        row = await conn.fetchrow(_SESSION_STATE, account_id)
    return None if row is None else SessionState(row["session_generation"], row["display_name"])


async def case_workers(pool: asyncpg.Pool, tenant: str) -> list[str]:
    """The emails of the tenant's accounts that work cases: the people an inquiry can be assigned to."""
    return [email for email, _ in await case_worker_choices(pool, tenant)]


async def case_worker_choices(pool: asyncpg.Pool, tenant: str) -> list[tuple[str, str]]:
    """The people an inquiry can be assigned to: (email, the name a person reads), by name."""
    async with tenant_transaction(pool, tenant) as conn:
        rows = await conn.fetch(_CASE_WORKERS, tenant, list(CASE_WORKERS))
    return [(row["email"], shown_name(row["display_name"], row["email"])) for row in rows]


async def is_staffed(pool: asyncpg.Pool, tenant: str) -> bool:
    """Whether someone of the office can take an inquiry: an active account that works cases. Until then its public
    contact form stays closed, so that nothing a citizen sends lands where nobody reads it."""
    async with tenant_transaction(pool, tenant) as conn:
        staffed: bool = await conn.fetchval(_STAFFED, tenant, list(CASE_WORKERS))
    return staffed


async def staff_names(pool: asyncpg.Pool, tenant: str) -> StaffNames:
    """Every account of the tenant by the name people read: the display name, else the email."""
    rows = await tenant_accounts(pool, tenant)
    return StaffNames(
        {str(row["id"]): shown_name(row["display_name"], row["email"]) for row in rows},
        {row["email"]: shown_name(row["display_name"], row["email"]) for row in rows},
    )


async def tenant_accounts(pool: asyncpg.Pool, tenant: str) -> list[asyncpg.Record]:
    """Every account of the tenant, for its administrator and for naming who appears in its access log."""
    async with tenant_transaction(pool, tenant) as conn:
        return await conn.fetch(_TENANT_ACCOUNTS, tenant)


async def platform_accounts(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    """The accounts above the tenants (network, platform administrators), for the platform administrator."""
    async with tenant_transaction(pool, PLATFORM_STAFF) as conn:
        return await conn.fetch(_PLATFORM_ACCOUNTS)
