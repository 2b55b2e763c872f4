"""The tenant administrator's Noark 5 extract: a period chosen on a form, the extract downloaded as a .zip.

The extract holds the inquiries' names and summaries, so each inquiry in it gets an access record (purpose
'arkivering', channel 'download') committed before the file is sent. It is made in a worker thread: converting the
letters to PDF/A takes seconds.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import anyio.to_thread
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response, Template

from domain import parsing
from domain.common import DomainError, InvalidField
from services.archive.extract import Prepared, prepare
from services.pdfa import PdfaError
from web.guards import tenant_roles
from web.inquiry_pages import ARCHIVE, record_reading
from web.offices import tenant_profile
from web.sessions import Staff

ADMINS = ("tenant_admin",)
FIELDS = ("fra", "til")
# The web makes at most a year's extract in one request; longer periods go through `ombud archive extract`.
MAX_DAYS = 366


class ArchiveController(Controller):
    path = "/{tenant:str}/admin/arkiv"
    guards = [tenant_roles(ADMINS)]

    @get("/", name="archive-extract")
    async def page(self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff]) -> Template:
        return await _page(request, tenant, staff, {})

    @post("/", status_code=200)
    async def extract(
        self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff]
    ) -> Template | Response[bytes]:
        submitted = await request.form()
        form = {name: value if isinstance(value := submitted.get(name, ""), str) else "" for name in FIELDS}
        errors: dict[str, str] = {}
        start, end = _day(form, "fra", errors), _day(form, "til", errors)
        if start is not None and end is not None and (end - start).days >= MAX_DAYS:
            errors["til"] = "høyst ett år om gangen her; lengre perioder med kommandoen «ombud archive extract»"
        if errors or start is None or end is None:
            return await _page(request, tenant, staff, form, errors=errors, status=422)
        office = request.app.state.platform.office(tenant)
        try:
            prepared: Prepared = await anyio.to_thread.run_sync(lambda: prepare(office, start, end))
        except PdfaError as error:
            return await _page(request, tenant, staff, form, errors={"form": str(error)}, status=503)
        except DomainError as error:
            field = "til" if error.field == "--to" else "fra"
            return await _page(request, tenant, staff, form, errors={field: error.message}, status=422)
        await record_reading(request, prepared.inquiry_ids, ARCHIVE)  # no record, no extract
        body = await anyio.to_thread.run_sync(prepared.zipped)
        name = f"noark5-{tenant}-{start.isoformat()}-{end.isoformat()}.zip"
        return Response(
            body,
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
        )


def _day(form: dict[str, str], name: str, errors: dict[str, str]) -> date | None:
    try:
        return parsing.day(name, form[name])
    except InvalidField as error:
        errors[name] = error.message
        return None


async def _page(
    request: Request,
    tenant: str,
    staff: Staff,
    form: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    context: dict[str, Any] = {
        "staff": staff,
        "profile": await tenant_profile(request, tenant),
        "form": form,
        "errors": errors or {},
        "active": "admin",
    }
    return Template("archive/page.html", context=context, status_code=status)
