"""Case work for one kommune's office: every command is get, call the aggregate, save."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, project_aggregate
from eventsourcing.persistence import IntegrityError
from opentelemetry import trace

from domain.common import Context, DomainError, today_in_norway
from domain.inquiry import ERASED, PERSONAL_FIELDS, Inquiry
from domain.outreach import OutreachActivity
from domain.reference import ReferenceSequence
from domain.taxonomy import ServiceArea, Taxonomy, in_force
from domain.tenant import Tenant
from services.application import OfficeApplication
from services.case_commands import (
    AddNote,
    Assign,
    CaseCommand,
    DecideComplaint,
    Forward,
    HoldMeeting,
    Recategorise,
    Reopen,
    Resolve,
    SendComplaint,
    SendInterimReply,
)
from services.inquiry_keys import Sealed

# The library's fields, and the blind index (keyed hashes of personal words: no reader needs them in a history).
_METADATA = {"originator_id", "originator_version", "timestamp", "originator_topic", "search_tokens"}
_STAMP = {"actor_id", "actor_role", "on", "correlation_id"}
_MAX_REFERENCE_RETRIES = 20


@dataclass(frozen=True)
class Receipt:
    id: UUID
    reference: str


@dataclass(frozen=True)
class EraseInquiry:
    """Erase an inquiry's personal data for good. The reason names the ground only, never personal data."""

    inquiry: str
    on: date
    reason: str


@dataclass(frozen=True)
class MapNationalGroups:
    """The national group of areas of one taxonomy version (area code → group code); areas left out keep theirs."""

    version: int
    groups: dict[str, str]
    on: date


@dataclass(frozen=True)
class InquiryView:
    """A snapshot of an inquiry for display; never the aggregate itself."""

    id: UUID
    reference: str
    version: int
    status: str
    received_on: date
    channel: str
    requester_role: str
    primary_area: str
    further_areas: list[str]
    case_types: list[str]
    outside_mandate: bool
    assignee: str | None
    interim_reply_on: date | None
    forwarded: list[str]
    meetings: int
    complaints: list[dict[str, Any]]
    notes: int
    resolved_on: date | None
    outcome: str | None
    summary: str
    requester_name: str | None
    contact: str | None
    erased_on: date | None
    on_hold: bool


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    event: str
    on: date
    recorded_at: datetime
    actor_id: str
    actor_role: str
    correlation_id: str
    details: dict[str, Any]


@dataclass(frozen=True)
class TenantProfile:
    slug: str
    name: str
    population: int | None
    shares_statistics: bool
    taxonomies: list[Taxonomy]
    case_types: list[tuple[str, str]]
    taxonomy_mappings: dict[int, dict[str, str]]
    # Every taxonomy version → every one of its areas → its national group (domain/national_groups.py), complete.
    national_groups: dict[int, dict[str, str]] = field(default_factory=dict)

    def taxonomy_on(self, day: date) -> Taxonomy:
        return in_force(self.taxonomies, day)

    def taxonomy(self, version: int) -> Taxonomy:
        for taxonomy in self.taxonomies:
            if taxonomy.version == version:
                return taxonomy
        raise DomainError("taxonomy_version", f"versjon {version} finnes ikke (1–{len(self.taxonomies)})")


class Office:
    """The use cases of one tenant, over that tenant's own application."""

    def __init__(self, app: OfficeApplication, tracer: trace.Tracer | None = None) -> None:
        """`tracer`: the one the composition root hands over when telemetry is on; else the global (a no-op)."""
        self.app = app
        self.slug = app.slug
        self._tracer = tracer or trace.get_tracer(__name__)

    # -- tenant -----------------------------------------------------------------------------

    def profile(self, version: int | None = None) -> TenantProfile:
        """The tenant as it is now, or as it was at `version` of its aggregate (a report as delivered)."""
        return self.profile_of(self.app.repository.get(Tenant.id_for(), version=version))

    @staticmethod
    def profile_of(tenant: Tenant) -> TenantProfile:
        """The profile of a tenant aggregate, however it was read."""
        return TenantProfile(
            slug=tenant.slug,
            name=tenant.name,
            population=tenant.population,
            shares_statistics=tenant.shares_statistics,
            taxonomies=list(tenant.taxonomies),
            case_types=[(c.code, c.name) for c in tenant.case_types],
            taxonomy_mappings={version: dict(m) for version, m in tenant.taxonomy_mappings.items()},
            national_groups={t.version: tenant.national_groups(t.version) for t in tenant.taxonomies},
        )

    def map_national_groups(self, ctx: Context, command: MapNationalGroups) -> None:
        """All of the version's areas at once: one event, or nothing when any area or group is wrong."""
        tenant = self._tenant()
        tenant.map_national_groups(ctx, on=command.on, version=command.version, groups=dict(command.groups))
        self._save(tenant, conflict=ConflictError(None, "endret av en annen i mellomtiden; last siden på nytt"))

    def set_statistics_sharing(self, ctx: Context, *, on: date, shares: bool) -> bool:
        """Records the office's choice in its own events; False when it already was so. The network's directory flag
        is the platform's (Platform.set_statistics_sharing), which calls this in the safe order."""
        tenant = self._tenant()
        if not tenant.change_statistics_sharing(ctx, on=on, shares=shares):
            return False
        self._save(tenant, conflict=ConflictError(None, "endret av en annen i mellomtiden; prøv igjen"))
        return True

    def publish_taxonomy(
        self,
        ctx: Context,
        *,
        on: date,
        effective_from: date,
        areas: tuple[ServiceArea, ...],
        mapping: dict[str, str],
    ) -> int:
        tenant = self._tenant()
        tenant.publish_taxonomy(ctx, on=on, effective_from=effective_from, areas=areas, mapping=mapping)
        self._save(tenant, conflict=ConflictError(None, "taksonomien ble endret samtidig; prøv igjen"))
        return tenant.taxonomies[-1].version

    # -- outreach ---------------------------------------------------------------------------

    def register_outreach(
        self, ctx: Context, *, held_on: date, kind: str, title: str, audience: str, participants: int | None = None
    ) -> UUID:
        activity = OutreachActivity.register(
            ctx, held_on=held_on, kind=kind, title=title, audience=audience, participants=participants
        )
        self.app.save(activity)
        return activity.id

    # -- inquiries: commands ----------------------------------------------------------------

    def receive(
        self,
        ctx: Context,
        *,
        received_on: date,
        service_area: str,
        further_areas: list[str] | tuple[str, ...] = (),
        case_types: list[str] | tuple[str, ...] = (),
        reference: str | None = None,
        assignee: str | None = None,
        receipt_code: str | None = None,
        **fields: Any,
    ) -> Receipt:
        """Registers a new inquiry; without a reference it gets the year's next number. With an assignee the
        inquiry is theirs from the start, in the same save (assigned on Norway's today: the day it was registered).
        A `receipt_code` (the public contact form's) is kept only as search words of the blind index: staff find
        the inquiry by the code the citizen quotes, and erasure forgets it with the rest."""
        with self._span("receive"):
            tenant = self._tenant()
            taxonomy = tenant.taxonomy_on(received_on) if isinstance(received_on, date) else tenant.taxonomies[-1]
            primary = taxonomy.find(service_area).code
            further = [_area_code(taxonomy, code) for code in further_areas]
            tenant.require_case_types(case_types)

            def build(ref: str) -> Inquiry:
                inquiry = Inquiry.receive(
                    ctx,
                    reference=ref,
                    received_on=received_on,
                    primary_area=primary,
                    further_areas=further,
                    case_types=list(case_types),
                    search_tokens=self.app.search_index.tokens(
                        fields.get("requester_name"), fields.get("summary"), receipt_code
                    ),
                    **fields,
                )
                if assignee is not None:
                    inquiry.assign(ctx, on=today_in_norway(), assignee=assignee)
                return inquiry

            if reference is not None:
                inquiry = build(reference)
                self._save(inquiry, conflict=DuplicateReference("reference", f"«{reference}» er allerede brukt"))
                return Receipt(inquiry.id, reference)
            for _ in range(_MAX_REFERENCE_RETRIES):
                sequence = self._sequence(ctx, received_on)
                inquiry = build(sequence.issue(ctx, on=received_on, is_taken=self._exists))
                try:
                    self.app.save(sequence, inquiry)
                except IntegrityError:
                    continue  # a colleague took the number at the same moment: draw again
                return Receipt(inquiry.id, inquiry.reference)
            raise ConflictError(None, "fikk ikke tildelt saksnummer; prøv igjen")

    def handle(self, ctx: Context, command: CaseCommand) -> int:
        """Carries out one case action on the inquiry as the user last saw it; returns its new version."""
        with self._span(command.span, type(command).__name__):
            found = self._inquiry(command.inquiry)
            if command.expected_version is not None and found.version != command.expected_version:
                raise ConflictError(None, _CONFLICT)
            self._apply(ctx, found, command)
            self._save(found, conflict=ConflictError(None, _CONFLICT))
            return found.version

    def _apply(self, ctx: Context, found: Inquiry, command: CaseCommand) -> None:
        on = command.on
        match command:
            case Assign(assignee=assignee):
                found.assign(ctx, on=on, assignee=assignee)
            case Recategorise():
                tenant = self._tenant()
                taxonomy = tenant.taxonomy_on(found.received_on)
                tenant.require_case_types(command.case_types)
                found.recategorise(
                    ctx,
                    on=on,
                    primary_area=taxonomy.find(command.service_area).code,
                    further_areas=[_area_code(taxonomy, code) for code in command.further_areas],
                    case_types=list(command.case_types),
                    outside_mandate=command.outside_mandate,
                )
            case SendInterimReply():
                found.send_interim_reply(ctx, on=on)
            case Forward(to_body=to_body, reason=reason):
                found.forward(ctx, on=on, to_body=to_body, reason=reason)
            case HoldMeeting(participants=participants):
                found.hold_meeting(ctx, on=on, participants=list(participants))
            case SendComplaint(to=to, about=about):
                found.send_complaint(ctx, on=on, to=to, about=about)
            case DecideComplaint(outcome=outcome):
                found.decide_complaint(ctx, on=on, outcome=outcome)
            case AddNote(text=text):
                found.add_note(ctx, on=on, text=text)
            case Resolve(outcome=outcome):
                found.resolve(ctx, on=on, outcome=outcome)
            case Reopen(reason=reason):
                found.reopen(ctx, on=on, reason=reason)
            case _:
                raise TypeError(f"not a case command: {type(command).__name__}")

    def erase(self, ctx: Context, command: EraseInquiry) -> None:
        """Appends `Erased`, then destroys the inquiry's key: from then on its personal fields open as ERASED.

        Cannot be undone. Should the key's destruction fail after the event, erasing again completes it.
        """
        with self._span("erase", type(command).__name__):
            found = self._inquiry(command.inquiry)
            done_before = found.is_erased
            if not done_before:
                found.erase(ctx, on=command.on, reason=command.reason)
                self._save(found, conflict=ConflictError(None, _CONFLICT))
            if self.app.inquiry_keys is not None:
                self.app.inquiry_keys.destroy(found.id)
            if done_before:
                found.erase(
                    ctx, on=command.on, reason=command.reason
                )  # raises AlreadyErased, once the key is surely gone

    # -- inquiries: queries -----------------------------------------------------------------

    def inquiry(self, inquiry: str) -> InquiryView:
        found = self._inquiry(inquiry)
        return _view(found, self._opener(found.id, found.is_erased))

    def search_tokens(self, text: str) -> list[str]:
        """The blind-index rows of what a reader typed, hashed as the inquiries' names and summaries are indexed."""
        return self.app.search_index.query_tokens(text)

    def erased_on(self, inquiry: str) -> date | None:
        """When the inquiry was erased, if it was; opens no personal field (the confirmation page shows none)."""
        return self._inquiry(inquiry).erased_on

    def history(self, inquiry: str) -> list[HistoryEntry]:
        """Every event of the inquiry in order, with who, when (business and recorded) and why."""
        return self.case_file(inquiry)[1]

    def inquiry_id(self, inquiry: str) -> UUID:
        """The id of an inquiry that exists, without reading its events: the access report needs no more."""
        found = _inquiry_id(inquiry)
        if found not in self.app.repository:
            raise InquiryNotFound("inquiry", f"finner ingen henvendelse «{inquiry}»")
        return found

    def case_file(self, inquiry: str) -> tuple[InquiryView, list[HistoryEntry]]:
        """The inquiry and its history from one read of its events: the inquiry page shows both."""
        events = self._events(inquiry)
        found = project_aggregate(None, events)
        opened = self._opener(found.id, found.is_erased)
        return _view(found, opened), [_entry(event, opened) for event in events]

    def states(self, inquiry: str) -> list[tuple[HistoryEntry, InquiryView]]:
        """Each event with the inquiry as it stood after it, from one read of its events: the auditor's replay.

        Personal fields open as they are now, so once the inquiry is erased every earlier state shows ERASED too.
        """
        events = self._events(inquiry)
        opened = self._opener(events[0].originator_id, project_aggregate(None, events).is_erased)
        stood: list[tuple[HistoryEntry, InquiryView]] = []
        found = None
        for event in events:
            found = event.mutate(found)
            stood.append((_entry(event, opened), copy.deepcopy(_view(found, opened))))  # later events mutate `found`
        return stood

    # -- internals --------------------------------------------------------------------------

    def _save(self, *aggregates: Any, conflict: DomainError) -> None:
        try:
            self.app.save(*aggregates)
        except IntegrityError:
            raise conflict from None

    def _inquiry(self, inquiry: str) -> Inquiry:
        try:
            found = self.app.repository.get(_inquiry_id(inquiry))
        except AggregateNotFoundError:
            raise InquiryNotFound("inquiry", f"finner ingen henvendelse «{inquiry}»") from None
        if not isinstance(found, Inquiry):
            raise InquiryNotFound("inquiry", f"finner ingen henvendelse «{inquiry}»")
        return found

    def _events(self, inquiry: str) -> list[Any]:
        try:
            events = self.app.repository.get(_inquiry_id(inquiry), projector_func=_events_only)
        except AggregateNotFoundError:
            raise InquiryNotFound("inquiry", f"finner ingen henvendelse «{inquiry}»") from None
        if not events or not isinstance(events[0], Inquiry.Received):
            raise InquiryNotFound("inquiry", f"finner ingen henvendelse «{inquiry}»")
        return events

    def _opener(self, inquiry_id: UUID, erased: bool) -> Callable[[Any], Any]:
        """Opens the inquiry's personal fields with one key lookup; every field of an erased inquiry is ERASED."""
        keys = self.app.inquiry_keys
        key = None if erased or keys is None else keys.for_reading(inquiry_id)

        def opened(value: Any) -> Any:
            if value is None:
                return None
            if erased:
                return ERASED
            if isinstance(value, Sealed):
                return ERASED if keys is None else keys.open(key, inquiry_id, value)
            return value

        return opened

    def _exists(self, reference: str) -> bool:
        return Inquiry.id_for(reference) in self.app.repository

    def _tenant(self) -> Tenant:
        return self.app.repository.get(Tenant.id_for())

    def _sequence(self, ctx: Context, received_on: date) -> ReferenceSequence:
        year = received_on.year
        try:
            return self.app.repository.get(ReferenceSequence.id_for(year))
        except AggregateNotFoundError:
            return ReferenceSequence.start(ctx, year=year, on=received_on)

    def _span(self, command: str, command_type: str | None = None) -> Any:
        """A span per command: its name and typed class (never a field of it) and the tenant."""
        attributes = {"ombud.tenant": self.slug, "ombud.command": command}
        if command_type is not None:
            attributes["ombud.command_type"] = command_type
        return self._tracer.start_as_current_span(f"inquiry.{command}", attributes=attributes)


_CONFLICT = "henvendelsen er endret av en annen i mellomtiden; last den på nytt og prøv igjen"


def _events_only(_: Any, events: Any) -> Any:
    return list(events)


def _view(found: Inquiry, opened: Callable[[Any], Any]) -> InquiryView:
    personal = PERSONAL_FIELDS[Inquiry.Received]
    return InquiryView(
        id=found.id,
        reference=found.reference,
        version=found.version,
        status="resolved" if found.is_resolved else "open",
        **{
            f.name: opened(getattr(found, f.name)) if f.name in personal else getattr(found, f.name)
            for f in dataclasses.fields(InquiryView)
            if f.name not in {"id", "reference", "version", "status"}
        },
    )


def _entry(event: Any, opened: Callable[[Any], Any]) -> HistoryEntry:
    personal = PERSONAL_FIELDS.get(type(event), ())
    return HistoryEntry(
        version=event.originator_version,
        event=type(event).__name__,
        on=event.on,
        recorded_at=event.timestamp,
        actor_id=event.actor_id,
        actor_role=event.actor_role,
        correlation_id=event.correlation_id,
        details={
            k: opened(v) if k in personal else v
            for k, v in event.__dict__.items()
            if k not in _METADATA and k not in _STAMP
        },
    )


def _inquiry_id(inquiry: str) -> UUID:
    """An inquiry is named by its reference (2024-0153) or its id."""
    try:
        return UUID(inquiry)
    except ValueError:
        return Inquiry.id_for(inquiry)


def _area_code(taxonomy: Taxonomy, code: str) -> str:
    return taxonomy.find(code).code


class ConflictError(DomainError):
    """Someone else changed the inquiry first; nothing of ours was written."""


class DuplicateReference(ConflictError):
    """The reference is already in use in this tenant."""


class InquiryNotFound(DomainError):
    """No inquiry with that reference or id in this tenant."""
