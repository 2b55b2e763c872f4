"""The innsyn report's downloads on the inquiry page: staff prepare the answer to an inhabitant's request.

The download is itself a read of the inquiry's access log, so it is recorded (channel 'download', purpose 'innsyn')
before the report is built: the report the inhabitant gets lists the look that made it.
"""

from __future__ import annotations

import json
import re
from typing import Any

import anyio.to_thread
from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response

from domain.account import TENANT_ROLES
from projections.reading import tenant_transaction
from services.audit.access_letter import as_docx
from services.audit.access_report import AccessReport, access_report
from services.letters import Letters
from services.office import Office
from web.guards import tenant_roles
from web.inquiry_pages import INNSYN, path_reference, read_inquiry
from web.tenant_page import TenantPage

_MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json; charset=utf-8",
}


class AccessReportController(Controller):
    path = "/{tenant:str}/henvendelser/{reference:str}"
    guards = [tenant_roles(TENANT_ROLES)]

    @get("/innsyn.docx", name="access-report-docx")
    async def letter(self, here: NamedDependency[TenantPage], reference: FromPath[str]) -> Response[Any]:
        report = await _report(here.request, here.office, reference)
        body = await anyio.to_thread.run_sync(lambda: as_docx(report, Letters(here.office).paper()))
        return _download(body, "docx", report.inquiry)

    @get("/innsyn.json", name="access-report-json")
    async def data(self, request: Request, reference: FromPath[str], office: NamedDependency[Office]) -> Response[Any]:
        report = await _report(request, office, reference)
        return _download(json.dumps(report.as_json(), ensure_ascii=False, indent=2), "json", report.inquiry)


async def _report(request: Request, office: Office, typed: str) -> AccessReport:
    """Every staff role of the tenant may prepare the answer; another tenant's or an unknown inquiry is a 404."""
    reference = path_reference(typed)
    inquiry_id = await read_inquiry(
        request, lambda: office.inquiry_id(reference), inquiry_id=lambda found: found, reading=INNSYN
    )
    async with tenant_transaction(request.app.state.db, request.path_params["tenant"]) as conn:
        return await access_report(conn, reference, inquiry_id)


def _download(body: bytes | str, kind: str, reference: str) -> Response[Any]:
    name = re.sub(r"[^A-Za-z0-9-]", "_", reference)
    return Response(
        body,
        media_type=_MEDIA[kind],
        headers={"Content-Disposition": f'attachment; filename="innsyn-{name}.{kind}"', "Cache-Control": "no-store"},
    )
