"""A tenant's profile (name, taxonomies, case types) for handlers, read off the event loop."""

from __future__ import annotations

import anyio.to_thread
from litestar import Request

from services.office import TenantProfile


async def tenant_profile(request: Request, tenant: str) -> TenantProfile:
    """The event store is synchronous (psycopg), so the read runs in a worker thread."""
    return await anyio.to_thread.run_sync(lambda: request.app.state.platform.office(tenant).profile())
