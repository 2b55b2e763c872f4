"""What a tenant's page starts from, as one dependency: the request, the URL's tenant, who is signed in, the profile."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from litestar import Request
from litestar.di import NamedDependency
from litestar.params import FromPath

from services.office import Office, TenantProfile
from web.offices import tenant_office
from web.sessions import Staff


@dataclass(frozen=True)
class TenantPage:
    """Handed to a handler as `here`; the route's guard has already checked the staff member against the tenant."""

    request: Request
    tenant: str
    staff: Staff
    profile: TenantProfile

    @property
    def db(self) -> asyncpg.Pool:
        """The application's connection pool, for the read models."""
        pool: asyncpg.Pool = self.request.app.state.db
        return pool

    @property
    def office(self) -> Office:
        return tenant_office(self.request, self.tenant)


async def tenant_page(
    request: Request, tenant: FromPath[str], staff: NamedDependency[Staff], profile: NamedDependency[TenantProfile]
) -> TenantPage:
    """Built from the app's `staff` and `profile` dependencies, so the session and the profile are read once."""
    return TenantPage(request, tenant, staff, profile)
