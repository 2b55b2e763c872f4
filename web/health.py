"""Liveness for load balancers and compose: up or down, nothing more; the details are for platform staff only.

`/health` answers anyone, so it names no store, no error and no count (which store failed goes to the log).
`/health/projections` counts set-aside projections and broken audit chains: signed-in platform administrators only.
"""

from __future__ import annotations

import asyncio
import logging

import asyncpg
from litestar import Controller, Request, get
from litestar.response import Response
from redis.exceptions import RedisError

from projections import quarantine
from services.audit import status as audit_status
from web.guards import platform_role

_TIMEOUT_SECONDS = 2.0
LOG = logging.getLogger("ombud.web.health")


class HealthController(Controller):
    path = "/health"

    @get("/", cache=False)
    async def health(self, request: Request) -> Response[dict[str, str]]:
        checks = {"database": "ok", "redis": "ok"}
        try:
            await asyncio.wait_for(request.app.state.db.fetchval("SELECT 1"), _TIMEOUT_SECONDS)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            checks["database"] = type(error).__name__
        try:
            await asyncio.wait_for(request.app.state.redis.ping(), _TIMEOUT_SECONDS)
        except (OSError, TimeoutError, RedisError) as error:
            checks["redis"] = type(error).__name__
        failed = {store: error for store, error in checks.items() if error != "ok"}
        if failed:
            LOG.warning("health: unavailable %s", failed)  # store names and error types only
            return Response({"status": "unavailable"}, status_code=503)
        return Response({"status": "ok"}, status_code=200)

    @get("/projections", cache=False, guards=[platform_role("platform_admin")])
    async def projections(self, request: Request) -> Response[dict[str, str | int]]:
        """How many tenants' projections are set aside (docs/security.md), and how many audit chains the worker last
        found broken (docs/operations.md): a warning to look, not a failure.

        The instance still serves every other tenant, so this answers 200 with `"degraded"`; only an
        unreachable database answers 503. Counts only, and to platform administrators only (anyone else: 404, or
        the way to sign in).
        """
        db = request.app.state.db
        try:
            found = await asyncio.wait_for(quarantine.every_for_platform(db), _TIMEOUT_SECONDS)
            chains = await asyncio.wait_for(audit_status.every_chain(db), _TIMEOUT_SECONDS)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            return Response({"status": "unavailable", "database": type(error).__name__}, status_code=503)
        broken = sum(1 for chain in chains if not chain.holds)
        body: dict[str, str | int] = {
            "status": "degraded" if found or broken else "ok",
            "quarantined_projections": len(found),
            "quarantined_tenants": len({q.tenant_id for q in found}),
            "broken_audit_chains": broken,
        }
        return Response(body, status_code=200)
