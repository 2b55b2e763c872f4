"""The inquiry page: its state and timeline, and the forms that append events, swapped in place by htmx.

Every view of the page writes an access record first (who, role, which inquiry, why): no record,
no data. A conflicting change by a colleague is shown as such, and the form keeps what was typed.
"""

from __future__ import annotations

from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain import parsing
from domain.account import CASE_WORKERS, TENANT_ROLES
from domain.common import DomainError, today_in_norway
from domain.inquiry import (
    COMPLAINT_OUTCOMES,
    COMPLAINT_RECIPIENTS,
    EVENT_NAMES,
    FORWARD_BODIES,
    MEETING_PARTICIPANTS,
    RESOLUTION_OUTCOMES,
)
from domain.names import PARTICIPANT_NAMES
from projections.staff_accounts import case_worker_choices
from services.case_actions import BY_SEGMENT
from services.office import ConflictError, Office
from web.case_timeline import timeline, timeline_names
from web.guards import tenant_roles
from web.inquiry_pages import CASE_WORK, on_inquiry, path_reference, read_inquiry
from web.offices import tenant_profile
from web.sessions import Staff
from web.tenant_page import TenantPage

MULTI_VALUED = ("further_areas", "case_types", "participants")  # checkbox groups: every ticked value, as a list
MULTI_LINE = ("text", "reason", "about")  # the free-text fields; the domain keeps each one's length rule
MAX_TEXT = 100_000
ACTIONS = BY_SEGMENT  # each action's path segment, and the command its form builds (dated by the form's `on`)
_FORM_FIELDS = {"primary_area": "service_area"}  # the domain's name for a rule, and the form field it is typed in


class CasePageController(Controller):
    path = "/{tenant:str}/henvendelser/{reference:str}"
    guards = [tenant_roles(TENANT_ROLES)]

    @get("/", name="inquiry")
    async def page(self, here: NamedDependency[TenantPage], reference: FromPath[str]) -> Template:
        return await _render(here.request, here.tenant, path_reference(reference), here.staff)

    @post("/{action:str}", guards=[tenant_roles(CASE_WORKERS)])
    async def act(
        self,
        request: Request,
        tenant: FromPath[str],
        reference: FromPath[str],
        action: FromPath[str],
        staff: NamedDependency[Staff],
        office: NamedDependency[Office],
    ) -> Template | Redirect:
        reference = path_reference(reference)
        if action not in ACTIONS:
            raise NotFoundException()
        submitted = await request.form()
        form: dict[str, Any] = {key: value.strip() for key, value in submitted.items() if isinstance(value, str)}
        form.update({key: [v.strip() for v in submitted.getall(key, []) if isinstance(v, str)] for key in MULTI_VALUED})
        ctx = staff.acting()
        problem: dict[str, Any] | None = None
        try:
            _check_text(form)
            on = parsing.optional_day("on", form.get("on", "")) or today_in_norway()
            expected = parsing.optional_whole_number("expected_version", form.get("expected_version", ""))
            command = ACTIONS[action].build(reference, on, expected, form)
            await on_inquiry(lambda: office.handle(ctx, command))
        except ConflictError:
            problem = {"action": action, "conflict": True, "form": form}
        except DomainError as error:
            field = error.field or "form"
            problem = {
                "action": action,
                "field": _FORM_FIELDS.get(field, field),
                "message": error.message,
                "form": form,
            }
        if problem is None and not request.headers.get("hx-request"):
            return Redirect(f"/{tenant}/henvendelser/{reference}", status_code=303)
        status = 200 if problem is None else (409 if problem.get("conflict") else 422)
        return await _render(request, tenant, reference, staff, problem=problem, status=status)


def _check_text(form: dict[str, Any]) -> None:
    """Every typed value through the text parser: free text may have several lines, everything else one."""
    for name, value in form.items():
        for each in value if isinstance(value, list) else [value]:
            parsing.text(name, each, max_length=MAX_TEXT, multiline=name in MULTI_LINE)


async def _render(
    request: Request,
    tenant: str,
    reference: str,
    staff: Staff,
    *,
    problem: dict[str, Any] | None = None,
    status: int = 200,
) -> Template:
    office: Office = request.app.state.platform.office(tenant)
    profile = await tenant_profile(request, tenant)
    # one read of the events, sent only after its access record is committed
    inquiry, history = await read_inquiry(
        request, lambda: office.case_file(reference), inquiry_id=lambda read: read[0].id, reading=CASE_WORK
    )
    names, people = await timeline_names(request.app.state.db, profile)
    context = {
        "staff": staff,
        "profile": profile,
        "inquiry": inquiry,
        "history": timeline(history, names, people),
        "people": people,
        "names": names,
        "event_names": EVENT_NAMES,
        "problem": problem,
        "today": today_in_norway(),
        "may_act": staff.works_cases and inquiry.erased_on is None,  # an erased inquiry takes no further step
        "active": "inquiries",
        "choices": {
            key: [(code, names.get(code, code)) for code in codes]
            for key, codes in (
                ("to_body", FORWARD_BODIES),
                ("to", COMPLAINT_RECIPIENTS),
                ("decision", COMPLAINT_OUTCOMES),
                ("resolution", RESOLUTION_OUTCOMES),
            )
        }
        | {"participants": [(code, PARTICIPANT_NAMES[code]) for code in MEETING_PARTICIPANTS]},
        "assignees": await case_worker_choices(request.app.state.db, tenant),
        "areas": [(area.code, area.name) for area in profile.taxonomy_on(inquiry.received_on).areas],
        "case_types": profile.case_types,
    }
    if request.headers.get("hx-request"):
        return HTMXBlockTemplate(
            template_name="inquiries/page.html", block_name="case", context=context, status_code=status
        )
    return Template("inquiries/page.html", context=context, status_code=status)
