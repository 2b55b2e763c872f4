"""Who may open a route is decided once, by a guard on its controller or handler, before any handler code runs.

Another tenant's URL, or a role without access, answers 404 and reveals nothing; no session sends the browser to sign in.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from web.sessions import current_staff


def tenant_roles(roles: tuple[str, ...]) -> Guard:
    """The signed-in person belongs to the URL's tenant and acts there in one of `roles`."""

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        staff = await current_staff(connection)
        if staff.tenant is None or staff.tenant != connection.path_params.get("tenant") or staff.role not in roles:
            raise NotFoundException()

    return guard


def platform_role(role: str) -> Guard:
    """The signed-in person holds this role of the whole platform (the network's, the platform administrator's)."""

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        if (await current_staff(connection)).role != role:
            raise NotFoundException()

    return guard
