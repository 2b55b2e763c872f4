"""The innsyn report's downloads on the inquiry page: staff prepare the answer to an inhabitant's request.

The download is itself a read of the inquiry's access log, so it is recorded (channel 'download', purpose 'innsyn')
before the report is built: the report the inhabitant gets lists the look that made it. The letter comes as Word or
PDF/A-2b, and a caseworker can mark the PDF/A as sent (web/letters.py keeps it, as for the other letters).
"""

from __future__ import annotations

import json
import re
from typing import Any

import anyio.to_thread
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from domain.account import CASE_WORKERS, TENANT_ROLES
from domain.common import today_in_norway
from projections.reading import tenant_transaction
from services.audit.access_letter import as_docx
from services.audit.access_report import AccessReport, access_report
from services.letters import Letters
from services.office import Office
from services.pdfa import PdfaError, to_pdfa
from web.guards import tenant_roles
from web.inquiry_pages import INNSYN, path_reference, read_inquiry
from web.letters import not_made, sent_and_back
from web.tenant_page import TenantPage

_MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
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

    @get("/innsyn.pdf", name="access-report-pdf")
    async def archived(self, here: NamedDependency[TenantPage], reference: FromPath[str]) -> Response[Any] | Template:
        report = await _report(here.request, here.office, reference)
        docx = await anyio.to_thread.run_sync(lambda: as_docx(report, Letters(here.office).paper()))
        try:
            body = await anyio.to_thread.run_sync(lambda: to_pdfa(docx, ".docx"))
        except PdfaError:
            return await not_made(here, report.inquiry)
        return _download(body, "pdf", report.inquiry)

    @post("/innsyn/sendt", status_code=303, guards=[tenant_roles(CASE_WORKERS)])
    async def mark_sent(self, here: NamedDependency[TenantPage], reference: FromPath[str]) -> Redirect | Template:
        """Keeps the innsyn letter's PDF/A as sent, with `LetterSent` naming its checksum."""
        report = await _report(here.request, here.office, reference)
        letters, today = Letters(here.office), today_in_norway()
        docx = await anyio.to_thread.run_sync(lambda: as_docx(report, letters.paper()))
        ctx = here.staff.acting()
        return await sent_and_back(
            here, report.inquiry, lambda: letters.mark_sent(ctx, report.inquiry, "access_report", docx, today)
        )

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
