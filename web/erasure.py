"""The tenant administrator's erasure of one inquiry: a confirmation that says what happens, then the erasure.

Neither page shows personal data, so neither writes an access record; other roles and tenants get 404.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import anyio.to_thread
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain import parsing
from domain.account import ERASERS
from domain.common import OSLO, DomainError, InvalidField, today_in_norway
from domain.inquiry import MAX_ERASURE_REASON, RESOLUTION_OUTCOMES, erasure_outcome
from projections.report.model import labels
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
        return await _page(
            here.request, here.staff, here.tenant, reference, await _status(here.request, here.tenant, reference)
        )

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
        status = await _status(request, tenant, reference)
        if status[0] is not None:
            return await _page(request, staff, tenant, reference, status)
        form = await request.form()
        typed, chosen = form.get("reason", ""), form.get("outcome", "")
        errors: dict[str, str] = {}  # every field's error at once
        reason = _checked(errors, lambda: parsing.text("reason", typed, max_length=MAX_ERASURE_REASON, required=True))
        outcome = (
            _checked(errors, lambda: erasure_outcome(chosen if isinstance(chosen, str) else "")) if status[1] else None
        )
        ctx = staff.acting()
        try:
            if not errors:
                command = EraseInquiry(reference, today_in_norway(), reason or "", outcome)
                await on_inquiry(lambda: office.handle(ctx, command))
        except DomainError as error:
            errors[error.field if error.field == "outcome" else "reason"] = error.message
        if errors:
            problem = {"errors": errors, "reason": typed if isinstance(typed, str) else "", "outcome": chosen}
            status = await _status(request, tenant, reference)  # resolved or erased meanwhile: the page says so
            return await _page(request, staff, tenant, reference, status, problem=problem, status=422)
        return Redirect(f"/{tenant}/henvendelser/{reference}", status_code=303)


def _checked(errors: dict[str, str], parse: Callable[[], str]) -> str | None:
    """The parsed value, or None with the field's message in `errors`."""
    try:
        return parse()
    except InvalidField as refused:
        errors[refused.field or "reason"] = refused.message
        return None


async def _status(request: Request, tenant: str, reference: str) -> tuple[date | None, bool]:
    """When the inquiry was erased (None if not), and whether it is still open."""
    office: Office = request.app.state.platform.office(tenant)
    return await on_inquiry(lambda: office.erasure_status(reference))


async def _page(
    request: Request,
    staff: Staff,
    tenant: str,
    reference: str,
    erasure: tuple[date | None, bool],
    *,
    problem: dict[str, Any] | None = None,
    status: int = 200,
) -> Template:
    platform = request.app.state.platform
    erased_on, is_open = erasure
    profile = await tenant_profile(request, tenant)
    context = {
        "irreversible_at": None
        if erased_on is not None
        else (await anyio.to_thread.run_sync(lambda: platform.irreversible_at(datetime.now(UTC)))).astimezone(OSLO),
        "staff": staff,
        "profile": profile,
        "reference": reference,
        "erased_on": erased_on,
        "is_open": is_open,
        "outcomes": [(code, labels(profile).get(code, code)) for code in RESOLUTION_OUTCOMES],
        "max_reason": MAX_ERASURE_REASON,
        "problem": problem,
        "active": "inquiries",
    }
    return Template("inquiries/erase.html", context=context, status_code=status)
