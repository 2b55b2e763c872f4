"""The office's privacy statement: public for the citizens who write to it, written by its administrator."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain import parsing, privacy_statement
from domain.common import DomainError, InvalidField, today_in_norway
from services.case_commands import SetPrivacyStatement
from services.office import TenantProfile
from services.platform import UnknownTenant
from web.guards import tenant_roles
from web.offices import forget_profile, tenant_profile
from web.sessions import Staff

ADMINS = ("tenant_admin",)


class PrivacyStatementController(Controller):
    path = "/{tenant:str}/personvern"

    @get("/", name="privacy-statement")
    async def page(self, request: Request, tenant: FromPath[str]) -> Template:
        """Anyone may read it, signed in or not: it is what the contact form and its receipt link to."""
        try:
            profile = await tenant_profile(request, parsing.text("tenant", tenant, max_length=100, required=True))
        except (UnknownTenant, InvalidField):
            raise NotFoundException() from None
        text = privacy_statement.statement_for(profile.name, profile.privacy_statement)
        context = {"profile": profile, "paragraphs": privacy_statement.paragraphs(text), "phone": "", "email": ""}
        if profile.letterhead is not None:
            context.update(phone=profile.letterhead.phone, email=profile.letterhead.email)
        return Template("privacy/page.html", context=context)


class PrivacyStatementAdminController(Controller):
    path = "/{tenant:str}/admin/personvern"
    guards = [tenant_roles(ADMINS)]

    @get("/", name="privacy-statement-admin")
    async def edit(self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff]) -> Template:
        profile = await tenant_profile(request, tenant)
        saved = request.query_params.get("lagret") == "1"
        return _edit_page(profile, staff, profile.privacy_statement, {}, saved=saved)

    @post("/")
    async def save(self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff]) -> Template | Redirect:
        submitted = (await request.form()).get("privacy_statement", "")
        text = submitted if isinstance(submitted, str) else ""
        office = request.app.state.platform.office(tenant)
        command = SetPrivacyStatement(text=text, on=today_in_norway())
        try:
            await anyio.to_thread.run_sync(lambda: office.handle(staff.acting(), command))
        except DomainError as error:
            profile = await tenant_profile(request, tenant)
            return _edit_page(profile, staff, text, {"privacy_statement": error.message}, status=422)
        forget_profile(request, tenant)
        return Redirect(f"/{tenant}/admin/personvern?lagret=1", status_code=303)


def _edit_page(
    profile: TenantProfile, staff: Staff, text: str, errors: dict[str, str], *, saved: bool = False, status: int = 200
) -> Template:
    context: dict[str, Any] = {
        "staff": staff,
        "profile": profile,
        "text": text,
        "default": privacy_statement.paragraphs(privacy_statement.default_statement(profile.name)),
        "errors": errors,
        "saved": saved,
        "max_length": privacy_statement.MAX_LENGTH,
        "active": "admin",
    }
    return Template("privacy/edit.html", context=context, status_code=status)
