"""Registering an inquiry: all problems at once, each at its field, the same words as you leave it; nothing saved till all hold."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import anyio.to_thread
from litestar import Controller, Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain import deadlines, parsing
from domain.account import CASE_WORKERS
from domain.common import FIRST_BUSINESS_DAY, DirectionControlled, DomainError, InvalidField
from domain.inquiry import CHANNELS, REQUESTER_ROLES
from projections.report.model import labels
from projections.staff_accounts import case_worker_choices
from services.case_commands import ReceiveInquiry, build
from services.office import Office, TenantProfile
from web.guards import tenant_roles
from web.offices import tenant_profile
from web.sessions import Staff

# The form's fields in the order it shows them, which is also the order of the error summary.
FIELDS = (
    "received_on",
    "channel",
    "requester_role",
    "service_area",
    "further_areas",
    "case_types",
    "outside_mandate",
    "summary",
    "requester_name",
    "contact",
    "assignee",
)
CHECKED_AS_YOU_LEAVE = (
    "received_on",
    "channel",
    "requester_role",
    "service_area",
    "summary",
    "requester_name",
    "contact",
)
MAX_SUMMARY = 10_000  # as the domain keeps the summary
MAX_LINE = 200  # as the domain keeps the requester's name and contact
MAX_TYPED = 100_000  # what is kept of a typed value to show again; more is too long for any field anyway
DATE_EXAMPLE = "31.12.2024"
# A rule the domain found broken after the form's own checks passed (a colleague changed the taxonomy meanwhile):
# the field's plain words rather than the domain's.
_AFTER_THE_FACT = {
    "received_on": f"Skriv mottatt dato som {DATE_EXAMPLE}",
    "service_area": "Velg et tjenesteområde fra listen",
    "primary_area": "Velg et tjenesteområde fra listen",
    "further_areas": "Velg bare tjenesteområder fra listen under «Også gjelder»",
    "case_types": "Velg bare sakstyper fra listen",
    "channel": "Velg kanal",
    "requester_role": "Velg innbyggerens rolle",
    "summary": "Skriv et kort sammendrag av henvendelsen",
}


@dataclass(frozen=True)
class Choices:
    """What the form may be filled with: Norway's today, the tenant's areas and case types, who can take the case."""

    today: date
    profile: TenantProfile
    case_workers: tuple[str, ...]
    worker_names: tuple[str, ...] = ()  # each case worker's name as people read it, in the same order

    def areas_on(self, day: date | None) -> list[tuple[str, str]]:
        """The areas in force on the received date (today's while no date reads)."""
        return [(area.code, area.name) for area in self.profile.taxonomy_on(day or self.today).areas]


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
    assignee: str = ""
    confirm_received_on: bool = False  # «Ja, datoen er riktig»: a received date over a year back was meant

    @classmethod
    def parse(cls, form: FormMultiDict, *, registrant: str) -> NewInquiryForm:
        """The typed values; no caseworker chosen means the person registering."""

        def text(name: str) -> str:
            value = form.get(name, "")
            return value.strip()[:MAX_TYPED] if isinstance(value, str) else ""

        def texts(name: str) -> list[str]:
            values = [value.strip()[:MAX_TYPED] for value in form.getall(name, []) if isinstance(value, str)]
            return [value for value in values if value][:1000]

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
            assignee=text("assignee") or registrant,
            confirm_received_on="confirm_received_on" in form,
        )

    def received_day(self) -> date | None:
        """The received date if it reads as one, else None."""
        try:
            return parsing.day("received_on", self.received_on)
        except InvalidField:
            return None

    def long_ago(self, today: date) -> bool:
        """Received more than a year before today: more often a typing slip (2204 for 2024) than a late registration,
        so the form asks once before it accepts it."""
        received = self.received_day()
        return received is not None and FIRST_BUSINESS_DAY <= received < _a_year_before(today)

    def problems(self, choices: Choices) -> dict[str, str]:
        """Every problem with the form at once, field by field in the form's order, in words the person understands.

        The full submit and the check as you leave a field both ask here, so they never say different things.
        """
        found: dict[str, str] = {}
        received = self.received_day()
        if not self.received_on:
            found["received_on"] = f"Skriv mottatt dato, for eksempel {DATE_EXAMPLE}"
        elif received is None:
            found["received_on"] = f"Skriv mottatt dato som en dato som finnes, for eksempel {DATE_EXAMPLE}"
        elif received < FIRST_BUSINESS_DAY:
            found["received_on"] = f"Mottatt dato kan ikke være før {FIRST_BUSINESS_DAY:%d.%m.%Y}"
        elif received > choices.today:
            found["received_on"] = "Mottatt dato kan ikke være etter i dag"
        elif self.long_ago(choices.today) and not self.confirm_received_on:
            found["received_on"] = (
                f"Mottatt dato {received:%d.%m.%Y} er mer enn ett år tilbake. Rett datoen, "
                "eller kryss av for «Ja, datoen er riktig» og registrer igjen"
            )
        if self.channel not in CHANNELS:
            found["channel"] = "Velg kanal"
        if self.requester_role not in REQUESTER_ROLES:
            found["requester_role"] = "Velg innbyggerens rolle"
        in_force = {code for code, _ in choices.areas_on(received)}
        ever = {area.code for taxonomy in choices.profile.taxonomies for area in taxonomy.areas}
        if not self.service_area:
            found["service_area"] = "Velg tjenesteområde"
        elif self.service_area not in in_force:
            found["service_area"] = (
                "Tjenesteområdet fantes ikke på mottatt dato. Velg et som gjaldt da"
                if self.service_area in ever
                else "Velg et tjenesteområde fra listen"
            )
        if any(area not in in_force for area in self.further_areas):
            found["further_areas"] = "Velg bare tjenesteområder fra listen under «Også gjelder»"
        known_types = {code for code, _ in choices.profile.case_types}
        if any(case_type not in known_types for case_type in self.case_types):
            found["case_types"] = "Velg bare sakstyper fra listen"
        for name, problem in (
            ("summary", _text_problem(self.summary, "Sammendraget", MAX_SUMMARY, multiline=True)),
            ("requester_name", _text_problem(self.requester_name, "Navnet", MAX_LINE)),
            ("contact", _text_problem(self.contact, "Kontaktinformasjonen", MAX_LINE)),
        ):
            if problem:
                found[name] = problem
        if "summary" not in found and not self.summary:
            found["summary"] = "Skriv et kort sammendrag av henvendelsen"
        if self.assignee not in choices.case_workers:
            found["assignee"] = "Velg en saksbehandler fra listen"
        return {name: found[name] for name in FIELDS if name in found}

    def command(self) -> ReceiveInquiry:
        """The command the form asks for, once `problems` found none."""
        return build(
            ReceiveInquiry,
            dataclasses.asdict(self),
            received_on=parsing.day("received_on", self.received_on),
            summary=parsing.text("summary", self.summary, max_length=MAX_SUMMARY, multiline=True),
        )


def _a_year_before(today: date) -> date:
    """The same day a year earlier (28 February for a 29 February)."""
    return today.replace(year=today.year - 1, day=28 if (today.month, today.day) == (2, 29) else today.day)


def _text_problem(value: str, what: str, max_length: int, *, multiline: bool = False) -> str | None:
    if len(value) > max_length:
        return f"{what} kan være høyst {max_length:,} tegn".replace(",", "\u00a0")
    try:
        parsing.text("text", value, max_length=max_length, multiline=multiline)
    except DirectionControlled as refused:
        return f"{what} {refused.message}"
    except InvalidField:
        return f"{what} inneholder tegn som ikke kan lagres"
    return None


class NewInquiryController(Controller):
    path = "/{tenant:str}/henvendelser/ny"
    guards = [tenant_roles(CASE_WORKERS)]

    @get("/", name="new-inquiry")
    async def form(self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff]) -> Template:
        """Received today (Norway's), and the case goes to the person registering it unless they choose another."""
        choices = await _choices(request, tenant)
        typed = NewInquiryForm(received_on=choices.today.isoformat(), assignee=staff.email)
        return _page(choices, staff, typed, {})

    @post("/")
    async def register(
        self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff], office: NamedDependency[Office]
    ) -> Template | Redirect:
        typed = NewInquiryForm.parse(await request.form(), registrant=staff.email)
        choices = await _choices(request, tenant)
        problems = typed.problems(choices)
        if problems:
            return _page(choices, staff, typed, problems, status=422)
        ctx = staff.acting()
        command = typed.command()
        try:
            receipt = await anyio.to_thread.run_sync(lambda: office.handle(ctx, command))
        except DomainError as error:
            name = "service_area" if error.field == "primary_area" else error.field
            if name in _AFTER_THE_FACT:
                problems = {name: _AFTER_THE_FACT[name]}
            else:
                problems = {"form": "Henvendelsen ble ikke registrert. Prøv igjen."}
            return _page(choices, staff, typed, problems, status=422)
        return Redirect(f"/{tenant}/henvendelser/{receipt.reference}", status_code=303)

    @post("/sjekk/{name:str}", name="new-inquiry-check")
    async def check(
        self, request: Request, tenant: FromPath[str], name: FromPath[str], staff: NamedDependency[Staff]
    ) -> Template:
        """One field checked as you leave it (htmx): the same words the full submit gives, and nothing saved."""
        if name not in CHECKED_AS_YOU_LEAVE:
            raise NotFoundException()
        typed = NewInquiryForm.parse(await request.form(), registrant=staff.email)
        choices = await _choices(request, tenant)
        problem = typed.problems(choices).get(name)
        context = _context(choices, staff, typed, {name: problem} if problem else {})
        return Template("inquiries/_new_field.html", context={**context, "name": name})


async def _choices(request: Request, tenant: str) -> Choices:
    profile = await tenant_profile(request, tenant)
    workers = await case_worker_choices(request.app.state.db, tenant)
    return Choices(
        deadlines.today_in_norway(), profile, tuple(email for email, _ in workers), tuple(name for _, name in workers)
    )


def _context(choices: Choices, staff: Staff, typed: NewInquiryForm, problems: dict[str, str]) -> dict[str, Any]:
    names = labels(choices.profile)
    return {
        "staff": staff,
        "profile": choices.profile,
        "form": typed,
        "problems": problems,
        "field_names": FIELDS,
        "today": choices.today,
        "channel_options": [(code, names.get(code, code)) for code in CHANNELS],
        "role_options": [(code, names.get(code, code)) for code in REQUESTER_ROLES],
        "area_options": choices.areas_on(typed.received_day()),
        "case_types": choices.profile.case_types,
        "assignee_options": list(zip(choices.case_workers, choices.worker_names, strict=True)),
        "confirm_date": typed.long_ago(choices.today),  # the date is over a year back: ask whether it is meant
        "active": "new-inquiry",
    }


def _page(
    choices: Choices, staff: Staff, typed: NewInquiryForm, problems: dict[str, str], *, status: int = 200
) -> Template:
    return Template("inquiries/new.html", context=_context(choices, staff, typed, problems), status_code=status)
