"""The tenant administrator's retention (kassasjon): the setting, the inquiries due, the run, and legal holds.

No page here shows personal data (references and dates only), so none writes an access record; other roles and
other tenants get 404. A run erases many inquiries at once, so it asks first, naming the count, and takes a reason
that each erasure records; it erases nothing when the count has changed since. Every change redirects to the page
(POST-redirect-GET), so a reload never posts again.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from domain import parsing, retention
from domain.account import ERASERS
from domain.common import MAX_INTEGER, Context, DomainError, today_in_norway
from domain.inquiry import MAX_HOLD_REASON
from domain.tenant import MAX_RETENTION_YEARS
from services.retention import DueChanged, LiftLegalHold, PlaceLegalHold, Retention, SetRetention
from web.guards import tenant_roles
from web.inquiry_pages import on_inquiry, path_reference, refused
from web.offices import tenant_profile
from web.query import QueryValues
from web.sessions import Staff

# What a hold says when the administrator gives no ground of their own.
DEFAULT_HOLD_REASON = "rettslig tilbakehold"


class RetentionController(Controller):
    path = "/{tenant:str}/admin/kassasjon"
    guards = [tenant_roles(ERASERS)]

    @get("/", name="retention")
    async def page(
        self,
        request: Request,
        tenant: FromPath[str],
        staff: NamedDependency[Staff],
        lagret: FromQuery[str] = "",
        slettet: FromQuery[str] = "",
    ) -> Template:
        query = QueryValues()
        erased = query.number("slettet", slettet, low=0, high=MAX_INTEGER)
        outcome = {"saved": lagret == "1", "erased": erased, "notices": query.notices}
        return await _page(request, tenant, staff, outcome, status=query.status_code)

    @post("/innstilling")
    async def set_years(
        self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff]
    ) -> Template | Redirect:
        typed = (await request.form()).get("years", "")
        service = _service(request, tenant)
        try:
            command = SetRetention(retention.parse_years(typed), today_in_norway())
            await anyio.to_thread.run_sync(lambda: service.set_years(_context(staff), command))
        except DomainError as error:
            problem = {"message": error.message, "years": typed if isinstance(typed, str) else ""}
            return await _page(request, tenant, staff, {"problem": problem}, status=422)
        return Redirect(f"/{tenant}/admin/kassasjon?lagret=1#innstilling", status_code=303)

    @get("/kjor", name="retention-confirm")
    async def confirm(self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff]) -> Template:
        return await _confirmation(request, tenant, staff)

    @post("/kjor")
    async def run(self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff]) -> Template | Redirect:
        form = await request.form()
        typed, confirmed = form.get("reason", ""), form.get("antall", "")
        service = _service(request, tenant)
        try:
            note = parsing.text("reason", typed, max_length=retention.MAX_NOTE, required=True)
            expected = parsing.whole_number("antall", confirmed, low=0, high=MAX_INTEGER)
            erased = await anyio.to_thread.run_sync(
                lambda: service.run(_context(staff), today_in_norway(), note=note, expected=expected)
            )
        except DueChanged as changed:
            problem = {"message": changed.message, "field": "antall", "reason": typed if isinstance(typed, str) else ""}
            return await _confirmation(request, tenant, staff, problem, status=409)
        except DomainError as error:
            field = error.field or "reason"
            problem = {"message": error.message, "field": field, "reason": typed if isinstance(typed, str) else ""}
            return await _confirmation(request, tenant, staff, problem, status=422)
        return Redirect(f"/{tenant}/admin/kassasjon?slettet={len(erased)}#forfalt", status_code=303)


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


async def _standing(request: Request, tenant: str, staff: Staff) -> dict[str, Any]:
    """What both pages start from: the setting and the inquiries due today, under the administration menu."""
    service = _service(request, tenant)
    today = today_in_norway()
    years, due = await anyio.to_thread.run_sync(lambda: (service.years(), service.due(today)))
    return {
        "staff": staff,
        "profile": await tenant_profile(request, tenant),
        "years": years,
        "due": due,
        "active": "admin",
    }


async def _confirmation(
    request: Request, tenant: str, staff: Staff, problem: dict[str, Any] | None = None, *, status: int = 200
) -> Template:
    """The step before a run: how many inquiries it erases now, and the reason it will record."""
    context = await _standing(request, tenant, staff)
    years = context["years"]
    context |= {
        "count": len(context["due"]),
        "ground": retention.reason(years) if years is not None else "",
        "max_note": retention.MAX_NOTE,
        "problem": problem,
    }
    return Template("admin/retention_confirm.html", context=context, status_code=status)


async def _page(
    request: Request, tenant: str, staff: Staff, outcome: dict[str, Any] | None = None, *, status: int = 200
) -> Template:
    context = await _standing(request, tenant, staff)
    context |= {
        "max_years": MAX_RETENTION_YEARS,
        "problem": None,
        "saved": False,
        "erased": None,
        "notices": [],
        **(outcome or {}),
    }
    return Template("admin/retention.html", context=context, status_code=status)
