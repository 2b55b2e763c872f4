"""The auditor's replay of one inquiry: each step, the inquiry as it stood after it, and what that step changed.

Auditors and tenant administrators only: any other role, another tenant's URL or an unknown inquiry answers 404.
Every view is recorded (purpose kontroll) before the page is sent. Query values come from links and a plain GET
form: an odd one is answered with the page (status 400), the latest step, and a notice naming the parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from domain.account import AUDIT_READERS
from domain.common import MAX_INTEGER, InvalidField
from domain.inquiry import PERSONAL_FIELDS, Inquiry
from domain.replay import STATE_FIELDS, last_instant, shown
from services.replay import Replay, ReplayStep, replay
from web.case_timeline import timeline, timeline_names
from web.guards import tenant_roles
from web.inquiry_pages import AUDIT, path_reference, read_inquiry
from web.query import QueryValues
from web.tenant_page import TenantPage

_PERSONAL = PERSONAL_FIELDS[Inquiry.Received]  # shown through the personal-data rule of _personal.html


@dataclass(frozen=True)
class Row:
    """One field of the table or the state: its Norwegian name, and values as shown (personal ones left raw)."""

    label: str
    personal: bool
    values: tuple[Any, ...]


class InquiryHistoryController(Controller):
    path = "/{tenant:str}/henvendelser/{reference:str}/historikk"
    guards = [tenant_roles(AUDIT_READERS)]

    @get("/", name="inquiry-history")
    async def page(
        self,
        here: NamedDependency[TenantPage],
        reference: FromPath[str],
        versjon: FromQuery[str] = "",
        dato: FromQuery[str] = "",
        tidspunkt: FromQuery[str] = "",
    ) -> Template:
        reference = path_reference(reference)
        query = QueryValues()
        version = query.number("versjon", versjon, low=1, high=MAX_INTEGER)
        day, minute = query.day("dato", dato), query.clock("tidspunkt", tidspunkt)
        # one read of the events, sent only after its access record is committed
        history = await read_inquiry(
            here.request, lambda: replay(here.office, reference), inquiry_id=lambda read: read.inquiry_id, reading=AUDIT
        )
        step = _chosen(history, query, version, day, minute)
        names, people = await timeline_names(here.db, here.profile)
        context = {
            "staff": here.staff,
            "profile": here.profile,
            "history": history,
            "step": step,
            "said": timeline([step.entry], names, people)[0],
            "actor": people.by_id.get(step.entry.actor_id, step.entry.actor_id),
            "changes": [_row(c.field, names, c.before, c.after) for c in step.changes],
            "state": [_row(field, names, value) for field, value in step.fields().items()],
            "typed": {"dato": day.isoformat() if day else "", "tidspunkt": f"{minute:%H:%M}" if minute else ""},
            "notices": query.notices,
            "active": "inquiries",
        }
        return Template("inquiries/history.html", context=context, status_code=query.status_code)


def _chosen(
    history: Replay, query: QueryValues, version: int | None, day: date | None, minute: time | None
) -> ReplayStep:
    """The step that stood at the chosen moment, else the chosen version, else the latest one."""
    try:
        if minute is not None and day is None:
            raise InvalidField("dato", "må fylles ut når tidspunkt er oppgitt")
        if day is not None:
            return history.at(last_instant(day, minute), field="dato")
        if version is not None:
            return history.at_version(version, field="versjon")
    except InvalidField as refused:
        query.refuse(refused, None)
    return history.steps[-1]


def _row(field: str, names: dict[str, str], *values: Any) -> Row:
    personal = field in _PERSONAL
    return Row(STATE_FIELDS[field], personal, tuple(v if personal else shown(field, v, names) for v in values))
