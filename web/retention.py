"""The tenant administrator's retention (kassasjon): the setting, the inquiries due, the run, and legal holds.

No page here shows personal data (references and dates only), so none writes an access record; other roles and
other tenants get 404.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain import parsing, retention
from domain.account import ERASERS
from domain.common import Context, DomainError, today_in_norway
from domain.inquiry import MAX_HOLD_REASON
from domain.tenant import MAX_RETENTION_YEARS
from services.retention import LiftLegalHold, PlaceLegalHold, Retention, SetRetention
from web.guards import tenant_roles
from web.inquiry_pages import on_inquiry, path_reference, refused
from web.offices import tenant_profile
from web.sessions import Staff

# What a hold says when the administrator gives no ground of their own.
DEFAULT_HOLD_REASON = "rettslig tilbakehold"


class RetentionController(Controller):
    path = "/{tenant:str}/admin/kassasjon"
    guards = [tenant_roles(ERASERS)]

    @get("/", name="retention")
    async def page(self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff]) -> Template:
        return await _page(request, tenant, staff)

    @post("/innstilling")
    async def set_years(self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff]) -> Template:
        typed = (await request.form()).get("years", "")
        service = _service(request, tenant)
        try:
            command = SetRetention(retention.parse_years(typed), today_in_norway())
            await anyio.to_thread.run_sync(lambda: service.set_years(_context(staff), command))
        except DomainError as error:
            problem = {"message": error.message, "years": typed if isinstance(typed, str) else ""}
            return await _page(request, tenant, staff, {"problem": problem}, status=422)
        return await _page(request, tenant, staff, {"saved": True})

    @post("/kjor")
    async def run(self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff]) -> Template:
        service = _service(request, tenant)
        erased = await anyio.to_thread.run_sync(lambda: service.run(_context(staff), today_in_norway()))
        return await _page(request, tenant, staff, {"erased": erased})


class LegalHoldController(Controller):
    path = "/{tenant:str}/henvendelser/{reference:str}/tilbakehold"
    guards = [tenant_roles(ERASERS)]

    @post("/")
    async def change(
        self, request: Request, tenant: FromPath[str], reference: FromPath[str], staff: NamedDependency[Staff]
    ) -> Template | Redirect:
        reference = path_reference(reference)
        form = await request.form()
        service = _service(request, tenant)
        on = today_in_norway()
        try:
            if form.get("action") == "lift":
                command: Any = LiftLegalHold(reference, on)
                await on_inquiry(lambda: service.lift_hold(_context(staff), command))
            else:
                reason = parsing.text("reason", form.get("reason", ""), max_length=MAX_HOLD_REASON)
                command = PlaceLegalHold(reference, on, reason or DEFAULT_HOLD_REASON)
                await on_inquiry(lambda: service.place_hold(_context(staff), command))
        except DomainError as error:
            problem = "inquiries/legal_hold.html"
            return await refused(request, staff, problem, reference, error.message, active="inquiries", status_code=422)
        return Redirect(f"/{tenant}/henvendelser/{reference}", status_code=303)


def _service(request: Request, tenant: str) -> Retention:
    return Retention(request.app.state.platform.office(tenant))


def _context(staff: Staff) -> Context:
    return staff.acting()


async def _page(
    request: Request, tenant: str, staff: Staff, outcome: dict[str, Any] | None = None, *, status: int = 200
) -> Template:
    service = _service(request, tenant)
    today = today_in_norway()
    years, due = await anyio.to_thread.run_sync(lambda: (service.years(), service.due(today)))
    context = {
        "staff": staff,
        "profile": await tenant_profile(request, tenant),
        "years": years,
        "due": due,
        "max_years": MAX_RETENTION_YEARS,
        "active": "admin",
        "problem": None,
        "saved": False,
        "erased": None,
        **(outcome or {}),
    }
    return Template("admin/retention.html", context=context, status_code=status)
