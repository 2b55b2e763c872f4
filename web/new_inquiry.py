"""Registering a new inquiry: one form, every broken rule shown at its field, and nothing written until all hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

import anyio.to_thread
from litestar import Controller, Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain import parsing
from domain.account import CASE_WORKERS
from domain.common import Context, DomainError, today_in_norway
from domain.inquiry import CHANNELS, REQUESTER_ROLES
from projections.report_documents import labels
from services.office import Office
from web.offices import tenant_profile
from web.sessions import Staff, current_staff

MAX_TEXT = 100_000  # the domain has its own, lower limit for each field; this keeps a pasted book out


@dataclass
class NewInquiryForm:
    """What the person typed, kept as typed so a form shown again loses nothing."""

    received_on: str = ""
    channel: str = ""
    requester_role: str = ""
    service_area: str = ""
    further_areas: list[str] = field(default_factory=list)
    case_types: list[str] = field(default_factory=list)
    outside_mandate: bool = False
    summary: str = ""
    requester_name: str = ""
    contact: str = ""

    @classmethod
    def parse(cls, form: FormMultiDict) -> NewInquiryForm:
        def text(name: str) -> str:
            value = form.get(name, "")
            return value.strip() if isinstance(value, str) else ""

        def texts(name: str) -> list[str]:
            return [value.strip() for value in form.getall(name, []) if isinstance(value, str) and value.strip()]

        return cls(
            received_on=text("received_on"),
            channel=text("channel"),
            requester_role=text("requester_role"),
            service_area=text("service_area"),
            further_areas=texts("further_areas"),
            case_types=texts("case_types"),
            outside_mandate="outside_mandate" in form,
            summary=text("summary"),
            requester_name=text("requester_name"),
            contact=text("contact"),
        )

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments of Office.receive; a value that does not parse is named at its field."""

        def line(name: str, value: str) -> str:
            return parsing.text(name, value, max_length=1000)

        return {
            "received_on": parsing.day("received_on", self.received_on),
            "channel": line("channel", self.channel),
            "requester_role": line("requester_role", self.requester_role),
            "service_area": line("service_area", self.service_area),
            "further_areas": [line("further_areas", area) for area in self.further_areas],
            "case_types": [line("case_types", case_type) for case_type in self.case_types],
            "outside_mandate": self.outside_mandate,
            "summary": parsing.text("summary", self.summary, max_length=MAX_TEXT, multiline=True),
            "requester_name": line("requester_name", self.requester_name) or None,
            "contact": line("contact", self.contact) or None,
        }


class NewInquiryController(Controller):
    path = "/{tenant:str}/henvendelser/ny"
    dependencies = {"staff": Provide(current_staff)}

    @get("/", name="new-inquiry")
    async def form(self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff]) -> Template:
        staff.require_tenant(tenant, CASE_WORKERS)
        return await _render(request, tenant, staff, NewInquiryForm(received_on=today_in_norway().isoformat()))

    @post("/")
    async def register(
        self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff]
    ) -> Template | Redirect:
        staff.require_tenant(tenant, CASE_WORKERS)
        typed = NewInquiryForm.parse(await request.form())
        office: Office = request.app.state.platform.office(tenant)
        ctx = Context(staff.account_id, staff.role, str(uuid4()))
        try:
            arguments = typed.arguments()
            receipt = await anyio.to_thread.run_sync(lambda: office.receive(ctx, **arguments))
        except DomainError as error:
            problem = {"field": error.field or "form", "message": error.message}
            return await _render(request, tenant, staff, typed, problem=problem, status=422)
        return Redirect(f"/{tenant}/henvendelser/{receipt.reference}", status_code=303)


async def _render(
    request: Request,
    tenant: str,
    staff: Staff,
    typed: NewInquiryForm,
    *,
    problem: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    profile = await tenant_profile(request, tenant)
    today = today_in_norway()
    names = labels(profile)
    context = {
        "staff": staff,
        "profile": profile,
        "form": typed,
        "problem": problem,
        "today": today,
        "channel_options": [(code, names.get(code, code)) for code in CHANNELS],
        "role_options": [(code, names.get(code, code)) for code in REQUESTER_ROLES],
        "area_options": [(area.code, area.name) for area in profile.taxonomy_on(today).areas],
        "case_types": profile.case_types,
        "active": "new-inquiry",
    }
    return Template("inquiries/new.html", context=context, status_code=status)
