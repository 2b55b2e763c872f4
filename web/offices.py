"""A tenant's profile (name, taxonomies, case types) for handlers: read off the event loop, kept a few seconds.

Every page needs the profile, and it changes only when an administrator publishes a taxonomy. Each process keeps
it for PROFILE_SECONDS (this process forgets it at once on a change it makes), so a change made through another
process shows within seconds. Commands never use this copy: the services check against the event store.
"""

from __future__ import annotations

import time

import anyio.to_thread
from litestar import Request
from litestar.params import FromPath

from services.office import Office, TenantProfile

PROFILE_SECONDS = 10.0


async def tenant_profile(request: Request, tenant: FromPath[str]) -> TenantProfile:
    """The event store is synchronous (psycopg), so a read runs in a worker thread."""
    kept: dict[str, tuple[float, TenantProfile]] = request.app.state.profiles
    now = time.monotonic()
    if tenant in kept and kept[tenant][0] > now:
        return kept[tenant][1]
    profile = await anyio.to_thread.run_sync(lambda: request.app.state.platform.office(tenant).profile())
    kept[tenant] = (now + PROFILE_SECONDS, profile)
    return profile


def tenant_office(request: Request, tenant: FromPath[str]) -> Office:
    """The tenant's office (its event-sourced application), for a handler's `office` dependency."""
    office: Office = request.app.state.platform.office(tenant)
    return office


def forget_profile(request: Request, tenant: str) -> None:
    request.app.state.profiles.pop(tenant, None)
