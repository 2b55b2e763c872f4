"""The auditor's replay of one inquiry: each step, the inquiry as it stood after it, and what that step changed.

Auditors and tenant administrators only: any other role, another tenant's URL or an unknown inquiry answers 404.
Every view is recorded (purpose kontroll) before the page is sent. Query values come from links and a plain GET
form: an odd one is answered with the page (status 400), the latest step, and a notice naming the parameter. A valid
date is never odd: one before the inquiry existed says so (status 200) and shows no state. "As it stood" goes by the
business dates (what the events say happened when) unless the reader asks for the recorded time: imported inquiries
were all recorded on one day.
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
from domain.replay import STATE_FIELDS, NotYetReceived, NotYetRecorded, last_instant, shown
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
        etter: FromQuery[str] = "",
    ) -> Template:
        reference = path_reference(reference)
        query = QueryValues()
        version = query.number("versjon", versjon, low=1, high=MAX_INTEGER)
        day, minute = query.day("dato", dato), query.clock("tidspunkt", tidspunkt)
        by = query.choice("etter", etter, BY, default=BUSINESS)
        # one read of the events, sent only after its access record is committed
        history = await read_inquiry(
            here.request, lambda: replay(here.office, reference), inquiry_id=lambda read: read.inquiry_id, reading=AUDIT
        )
        step, not_yet = _chosen(history, query, version, day, minute, by)
        names, people = await timeline_names(here.db, here.profile)
        context = {
            "staff": here.staff,
            "profile": here.profile,
            "history": history,
            "step": step,
            "not_yet": not_yet,
            "said": timeline([step.entry], names, people)[0] if step else None,
            "actor": people.by_id.get(step.entry.actor_id, step.entry.actor_id) if step else None,
            "changes": [_row(c.field, names, people.by_email, c.before, c.after) for c in step.changes] if step else [],
            "state": [_row(f, names, people.by_email, value) for f, value in step.fields().items()] if step else [],
            "typed": {
                "dato": day.isoformat() if day else "",
                "tidspunkt": f"{minute:%H:%M}" if minute else "",
                "etter": by,
                "shown_day": f"{day:%d.%m.%Y}" if day else "",
            },
            "by_business_date": day is not None and by == BUSINESS,
            "notices": query.notices,
            "active": "inquiries",
        }
        return Template("inquiries/history.html", context=context, status_code=query.status_code)


# What "as it stood on a date" goes by: the dates the events give (business dates) or the time they were recorded.
BUSINESS, RECORDED = "hendelsesdato", "registrert"
BY = (BUSINESS, RECORDED)


def _chosen(
    history: Replay, query: QueryValues, version: int | None, day: date | None, minute: time | None, by: str
) -> tuple[ReplayStep | None, str | None]:
    """The step that stood at the chosen date (by business date or recorded time), else the chosen version, else the
    latest one; or no step and why, when the inquiry did not yet exist then."""
    try:
        if minute is not None and day is None:
            raise InvalidField("dato", "må fylles ut når tidspunkt er oppgitt")
        if day is not None and by == BUSINESS:
            return history.on(day, field="dato"), None
        if day is not None:
            return history.at(last_instant(day, minute), field="dato"), None
        if version is not None:
            return history.at_version(version, field="versjon"), None
    except (NotYetReceived, NotYetRecorded) as before:
        return None, before.message
    except InvalidField as refused:
        query.refuse(refused, None)
    return history.steps[-1], None


def _row(field: str, names: dict[str, str], people: dict[str, str], *values: Any) -> Row:
    """`people`: staff by address, so the assignee reads by name as on every other page."""
    personal = field in _PERSONAL
    return Row(STATE_FIELDS[field], personal, tuple(v if personal else shown(field, v, names, people) for v in values))
