"""The public, append-only list of each kommune's signed audit checkpoints, for anyone to mirror (docs/audit.md):
no sign-in, signed heads only (length, head, time, key id, signature), no personal data."""

from __future__ import annotations

import re

import anyio.to_thread
from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Response

from domain.audit_chain import WITNESS_FORMAT, published
from domain.common import InvalidField
from domain.tenant import require_slug
from projections.reading import tenant_transaction
from services.audit import witness as audit_witness
from services.platform import UnknownTenant

_WHOLE = re.compile(r"[0-9]{1,18}")


class CheckpointListController(Controller):
    path = "/revisjon/{tenant:str}/sjekkpunkter"

    @get("/", cache=False)
    async def checkpoints(self, request: Request, tenant: FromPath[str], etter: FromQuery[str] = "0") -> Response:
        """JSON: `{"format", "tenant", "checkpoints": [...], "next"}`; `?etter=N` gives those past length N."""
        if not _WHOLE.fullmatch(etter):
            return Response({"error": "etter: må være et heltall (0 eller mer)"}, status_code=400)
        try:
            require_slug(tenant)  # before any query: PostgreSQL refuses a NUL, and an odd slug is no kommune
            await anyio.to_thread.run_sync(lambda: request.app.state.platform.office(tenant))
        except (UnknownTenant, InvalidField):
            raise NotFoundException() from None
        async with tenant_transaction(request.app.state.db, tenant) as conn:
            found = await audit_witness.signed_heads(conn, tenant, int(etter))
        more = len(found) == audit_witness.PAGE
        body = {
            "format": WITNESS_FORMAT,
            "tenant": tenant,
            "checkpoints": [published(point) for point in found],
            "next": f"/revisjon/{tenant}/sjekkpunkter?etter={found[-1].length}" if more else None,
        }
        return Response(body, headers={"Access-Control-Allow-Origin": "*"})
