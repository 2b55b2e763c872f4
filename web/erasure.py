"""The tenant administrator's erasure of one inquiry: a confirmation that says what happens, then the erasure.

Neither page shows personal data, so neither writes an access record; other roles and tenants get 404.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import anyio.to_thread
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain import parsing
from domain.account import ERASERS
from domain.common import OSLO, DomainError, today_in_norway
from domain.inquiry import MAX_ERASURE_REASON
from services.case_commands import EraseInquiry
from services.office import Office
from web.guards import tenant_roles
from web.inquiry_pages import on_inquiry, path_reference
from web.offices import tenant_profile
from web.sessions import Staff
from web.tenant_page import TenantPage


class ErasureController(Controller):
    path = "/{tenant:str}/henvendelser/{reference:str}/slett"
    guards = [tenant_roles(ERASERS)]

    @get("/", name="erase-inquiry")
    async def confirm(self, here: NamedDependency[TenantPage], reference: FromPath[str]) -> Template:
        reference = path_reference(reference)
        erased_on = await _erased_on(here.request, here.tenant, reference)
        return await _page(here.request, here.staff, here.tenant, reference, erased_on)

    @post("/")
    async def erase(
        self,
        request: Request,
        tenant: FromPath[str],
        reference: FromPath[str],
        staff: NamedDependency[Staff],
        office: NamedDependency[Office],
    ) -> Template | Redirect:
        reference = path_reference(reference)
        erased_on = await _erased_on(request, tenant, reference)
        if erased_on is not None:
            return await _page(request, staff, tenant, reference, erased_on)
        typed = (await request.form()).get("reason", "")
        ctx = staff.acting()
        try:
            reason = parsing.text("reason", typed, max_length=MAX_ERASURE_REASON, required=True)
            command = EraseInquiry(reference, today_in_norway(), reason)
            await on_inquiry(lambda: office.handle(ctx, command))
        except DomainError as error:
            problem = {"message": error.message, "reason": typed if isinstance(typed, str) else ""}
            return await _page(request, staff, tenant, reference, None, problem=problem, status=422)
        return Redirect(f"/{tenant}/henvendelser/{reference}", status_code=303)


async def _erased_on(request: Request, tenant: str, reference: str) -> date | None:
    office: Office = request.app.state.platform.office(tenant)
    return await on_inquiry(lambda: office.erased_on(reference))


async def _page(
    request: Request,
    staff: Staff,
    tenant: str,
    reference: str,
    erased_on: date | None,
    *,
    problem: dict[str, Any] | None = None,
    status: int = 200,
) -> Template:
    platform = request.app.state.platform
    context = {
        "irreversible_at": None
        if erased_on is not None
        else (await anyio.to_thread.run_sync(lambda: platform.irreversible_at(datetime.now(UTC)))).astimezone(OSLO),
        "staff": staff,
        "profile": await tenant_profile(request, tenant),
        "reference": reference,
        "erased_on": erased_on,
        "max_reason": MAX_ERASURE_REASON,
        "problem": problem,
        "active": "inquiries",
    }
    return Template("inquiries/erase.html", context=context, status_code=status)
