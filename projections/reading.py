"""Read-side connections: the reader role, one tenant per transaction, so row-level security always applies.

The national network alone reads across tenants, and only its own tables (the counts in read.network_figures,
read.network_offices and read.network_years, and the published releases in read.network_releases): in
`network_transaction`, as the role ombud_network with app.network on, which the network's policies on those tables
admit and no other table knows. The web reads the releases only (projections.network_report.NetworkReports).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

# SET LOCAL ROLE and the tenant in one round trip (set_config('role', …, true) is SET LOCAL ROLE).
_READER_FOR_TENANT = "SELECT set_config('role', 'ombud_reader', true), set_config('app.tenant_id', $1, true)"


@asynccontextmanager
async def tenant_transaction(pool: asyncpg.Pool, tenant: str) -> AsyncIterator[asyncpg.Connection]:
    async with pool.acquire() as conn, conn.transaction(readonly=True):
        await conn.execute(_READER_FOR_TENANT, tenant)
        yield conn


# The network's role and setting in one round trip; the other tables have no policy for either (0025).
_NETWORK = "SELECT set_config('role', 'ombud_network', true), set_config('app.network', 'on', true)"


@asynccontextmanager
async def network_transaction(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """Every sharing tenant's network counts, as one snapshot (repeatable read: fingerprint and figures agree)."""
    async with pool.acquire() as conn, conn.transaction(readonly=True, isolation="repeatable_read"):
        await conn.execute(_NETWORK)
        yield conn
