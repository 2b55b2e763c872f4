"""Case work for one kommune's office: every command is get, call the aggregate, save."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast, overload
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, project_aggregate
from eventsourcing.persistence import IntegrityError
from opentelemetry import trace

from domain.account import CASE_WORKERS
from domain.common import Context, DomainError, StampedEvent, today_in_norway
from domain.inquiry import ERASED, PERSONAL_FIELDS, Inquiry
from domain.letterhead import Letterhead
from domain.outreach import OutreachActivity
from domain.reference import ReferenceSequence
from domain.taxonomy import ServiceArea, Taxonomy, in_force
from domain.tenant import Tenant
from services import attachments
from services.application import OfficeApplication
from services.attachments import AttachmentView, AttachmentWrites, Download, Limits
from services.case_commands import (
    AddNote,
    Assign,
    AttachFile,
    CaseCommand,
    Command,
    DecideComplaint,
    EraseInquiry,
    Forward,
    HoldMeeting,
    MapNationalGroups,
    NotAllowed,
    Recategorise,
    ReceiveInquiry,
    RecordArchiveReceipt,
    RecordLetterSent,
    Reopen,
    Resolve,
    SendComplaint,
    SendInterimReply,
    SetPrivacyStatement,
    require_role,
)
from services.inquiry_fold import InquiryFold
from services.inquiry_keys import EncryptedField
from services.search_index import SearchIndex
from services.sent_letters import checksum
from services.sent_letters import opened as open_letter
from services.sent_letters import store as store_letter

# The library's fields, and the blind index (keyed hashes of personal words: no reader needs them in a history).
_METADATA = {"originator_id", "originator_version", "timestamp", "originator_topic", "search_tokens"}
_STAMP = {"actor_id", "actor_role", "on", "correlation_id"}
_MAX_REFERENCE_RETRIES = 20


@dataclass(frozen=True)
class Receipt:
    id: UUID
    reference: str


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
    attachments: list[AttachmentView] = field(default_factory=list)


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
class OutreachView:
    id: UUID
    held_on: date
    kind: str
    title: str
    audience: str
    participants: int | None
    cancelled: bool


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
    # What the public pages tell the citizen: the office's phone and email, and its privacy statement.
    letterhead: Letterhead | None = None
    privacy_statement: str = ""  # the office's own (domain.privacy_statement); blank: the product's text

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
        self.inquiry_fold = InquiryFold()  # every inquiry, folded in the process, for retention (services/retention.py)

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
            letterhead=tenant.letterhead,
            privacy_statement=tenant.privacy_statement,
        )

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

    def correct_outreach(
        self,
        ctx: Context,
        activity_id: UUID,
        *,
        held_on: date,
        kind: str,
        title: str,
        audience: str,
        participants: int | None = None,
    ) -> None:
        """Staff who do case work correct an activity as it should have been registered."""
        activity = self._outreach(ctx, activity_id)
        activity.correct(
            ctx,
            on=today_in_norway(),
            held_on=held_on,
            kind=kind,
            title=title,
            audience=audience,
            participants=participants,
        )
        self._save(activity, conflict=ConflictError(None, "aktiviteten ble endret samtidig; prøv igjen"))

    def withdraw_outreach(self, ctx: Context, activity_id: UUID) -> None:
        """Deletes an activity registered by mistake, as an event: out of every list and count."""
        activity = self._outreach(ctx, activity_id)
        activity.withdraw(ctx, on=today_in_norway())
        self._save(activity, conflict=ConflictError(None, "aktiviteten ble endret samtidig; prøv igjen"))

    def outreach_activity(self, activity_id: UUID) -> OutreachView:
        """One activity as it stands now, for its correction form: read from the events, not the read model."""
        activity = self._outreach(None, activity_id)
        return OutreachView(
            activity.id,
            activity.held_on,
            activity.kind,
            activity.title,
            activity.audience,
            activity.participants,
            activity.cancelled,
        )

    def _outreach(self, ctx: Context | None, activity_id: UUID) -> OutreachActivity:
        """This office's activity, not withdrawn; any other id (another tenant's, an inquiry's) is not found."""
        if ctx is not None and ctx.role not in CASE_WORKERS:
            raise NotAllowed(ctx.role, OutreachActivity)
        try:
            found: object = self.app.repository.get(activity_id)
        except AggregateNotFoundError:
            raise OutreachNotFound("activity", "finner ingen aktivitet") from None
        if not isinstance(found, OutreachActivity) or found.withdrawn:
            raise OutreachNotFound("activity", "finner ingen aktivitet")
        return found

    # -- inquiries: commands ----------------------------------------------------------------

    @overload
    def handle(self, ctx: Context, command: ReceiveInquiry) -> Receipt: ...
    @overload
    def handle(self, ctx: Context, command: CaseCommand) -> int: ...
    @overload
    def handle(self, ctx: Context, command: AttachFile) -> UUID: ...
    @overload
    def handle(self, ctx: Context, command: RecordLetterSent) -> str: ...
    @overload
    def handle(
        self, ctx: Context, command: EraseInquiry | MapNationalGroups | SetPrivacyStatement | RecordArchiveReceipt
    ) -> None: ...

    def handle(self, ctx: Context, command: Command) -> Receipt | int | UUID | str | None:
        """Carries out one command, if the context's role may ask for it (ALLOWED_ROLES), with its own handler.

        A case action changes the inquiry as the user last saw it (refused when it changed since) and returns its
        new version; receiving returns the Receipt; recording a sent letter its checksum; the others None.
        """
        require_role(ctx, command)
        handler = HANDLERS[type(command)]
        subject = "tenant" if isinstance(command, MapNationalGroups | SetPrivacyStatement) else "inquiry"
        with self._span(command.span, type(command).__name__, subject=subject):
            if not isinstance(command, CaseCommand):
                done: Receipt | UUID | str | None = handler(self, ctx, command)
                return done
            found = self._inquiry(command.inquiry)
            if command.expected_version is not None and found.version != command.expected_version:
                raise ConflictError(None, _CONFLICT)
            handler(self, ctx, command, found)
            self._save(found, conflict=ConflictError(None, _CONFLICT))
            return int(found.version)

    def _receive(self, ctx: Context, command: ReceiveInquiry) -> Receipt:
        """Registers a new inquiry; without a reference it gets the year's next number. With an assignee the
        inquiry is theirs from the start, in the same save (assigned on Norway's today: the day it was registered).
        A receipt code is kept only as search words: staff find the inquiry by the code the citizen quotes, and
        erasure forgets it with the rest."""
        tenant = self._tenant()

        def build(ref: str) -> Inquiry:
            inquiry = received_inquiry(ctx, tenant, command, reference=ref, index=self.app.search_index)
            if command.assignee is not None:
                inquiry.assign(ctx, on=today_in_norway(), assignee=command.assignee)
            return inquiry

        if command.reference is not None:
            inquiry = build(command.reference)
            conflict = DuplicateReference("reference", f"«{command.reference}» er allerede brukt")
            self._save(inquiry, conflict=conflict)
            return Receipt(inquiry.id, command.reference)
        for _ in range(_MAX_REFERENCE_RETRIES):
            sequence = self._sequence(ctx, command.received_on)
            inquiry = build(sequence.issue(ctx, on=command.received_on, is_taken=self._exists))
            try:
                self.app.save(sequence, inquiry)
            except IntegrityError:
                continue  # a colleague took the number at the same moment: draw again
            return Receipt(inquiry.id, inquiry.reference)
        raise ConflictError(None, "fikk ikke tildelt saksnummer; prøv igjen")

    def _erase(self, ctx: Context, command: EraseInquiry) -> None:
        """Appends `Erased`, then destroys the inquiry's key: from then on its personal fields open as ERASED.

        Cannot be undone. Should the key's destruction fail after the event, erasing again completes it.
        """
        found = self._inquiry(command.inquiry)
        done_before = found.is_erased
        if not done_before:
            found.erase(ctx, on=command.on, reason=command.reason, outcome=command.outcome)
            try:  # the attachments' sealed bytes are deleted in the Erased event's transaction
                erased = [found.id] if found.attachment_state() else []
                self.app.attachments.save(self.app, found, writes=AttachmentWrites(erased=erased))
            except IntegrityError:
                raise ConflictError(None, _CONFLICT) from None
        if self.app.inquiry_keys is not None:
            self.app.inquiry_keys.destroy(found.id)
        if done_before:
            found.erase(ctx, on=command.on, reason=command.reason)  # raises AlreadyErased, once the key is surely gone

    def _attach(self, ctx: Context, command: AttachFile) -> UUID:
        """One file, its event and its sealed bytes in one transaction; a colleague's save at the same moment wins."""
        found = self._inquiry(command.inquiry)
        limits = Limits(max_bytes=command.max_bytes, per_inquiry=command.per_inquiry)
        try:
            return attachments.attach(
                self,
                ctx,
                found,
                title=command.title or "",
                filename=command.filename,
                data=command.data,
                limits=limits,
                field_name=command.field,
            )
        except IntegrityError:
            raise ConflictError(None, _CONFLICT) from None

    def attachment(self, inquiry: str, attachment: str) -> Download:
        """A clean attachment's plaintext, for a reader whose access record is already committed."""
        found = self._inquiry(inquiry)
        known = found.attachment_state().get(attachment)
        title = "vedlegg" if known is None else self._opener(found.id, found.is_erased)(known["title"])
        return attachments.download(self, found, attachment, title)

    def _record_letter_sent(self, ctx: Context, command: RecordLetterSent) -> str:
        """Stores the sent PDF/A sealed with the inquiry's key, then appends `LetterSent` with its checksum: no event
        without its bytes. A letter of the same kind already marked sent that day is the one sent (a double click
        records once): its checksum is returned and nothing is stored. Bytes stored for an event that then fails to
        save are sealed like the rest and die with the key; the archive takes only the letters an event names."""
        sha256 = checksum(command.document)
        for attempt in range(2):  # a colleague's step in between: look again, once
            events = self._events(command.inquiry)
            earlier = [
                e.sha256
                for e in events
                if isinstance(e, Inquiry.LetterSent) and (e.kind, e.on) == (command.kind, command.on)
            ]
            if earlier:
                return earlier[0]
            found = self._inquiry(command.inquiry)
            found.record_letter_sent(ctx, on=command.on, kind=command.kind, sha256=sha256)  # the rules, before bytes
            if attempt == 0:
                store_letter(self.app.inquiry_keys, self.app.sent_letters, found.id, command.document)
            try:
                self._save(found, conflict=ConflictError(None, _CONFLICT))
            except ConflictError:
                continue
            return sha256
        raise ConflictError(None, _CONFLICT)

    def sent_letter(self, inquiry: str, sha256: str) -> bytes | None:
        """The PDF/A a `LetterSent` of the inquiry names, as sent; None when none does or the inquiry was erased."""
        events = self._events(inquiry)
        if not any(isinstance(e, Inquiry.LetterSent) and e.sha256 == sha256 for e in events):
            return None
        return open_letter(self.app.inquiry_keys, self.app.sent_letters, events[0].originator_id, sha256)

    def _map_national_groups(self, ctx: Context, command: MapNationalGroups) -> None:
        """All of the version's areas at once: one event, or nothing when any area or group is wrong."""
        tenant = self._tenant()
        tenant.map_national_groups(ctx, on=command.on, version=command.version, groups=dict(command.groups))
        self._save(tenant, conflict=ConflictError(None, "endret av en annen i mellomtiden; last siden på nytt"))

    def _record_archive_receipt(self, ctx: Context, command: RecordArchiveReceipt) -> None:
        found = self._inquiry(command.inquiry)
        if found.record_archived(ctx, on=command.on, case_number=command.case_number):
            self._save(found, conflict=ConflictError(None, _CONFLICT))

    def _set_privacy_statement(self, ctx: Context, command: SetPrivacyStatement) -> None:
        """Records the office's own statement; the same text posted twice records nothing the second time."""
        tenant = self._tenant()
        if tenant.change_privacy_statement(ctx, on=command.on, text=command.text):
            self._save(tenant, conflict=ConflictError(None, "endret av en annen i mellomtiden; last siden på nytt"))

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

    def erasure_status(self, inquiry: str) -> tuple[date | None, bool]:
        """When the inquiry was erased (None if not yet), and whether it is open; opens no personal field."""
        found = self._inquiry(inquiry)
        return found.erased_on, not found.is_resolved

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
        found = _replayed(events)
        opened = self._opener(found.id, found.is_erased)
        return _view(found, opened), [_entry(event, opened) for event in events]

    def states(self, inquiry: str) -> list[tuple[HistoryEntry, InquiryView]]:
        """Each event with the inquiry as it stood after it, from one read of its events: the auditor's replay.

        Personal fields open as they are now, so once the inquiry is erased every earlier state shows ERASED too.
        """
        events = self._events(inquiry)
        opened = self._opener(events[0].originator_id, _replayed(events).is_erased)
        stood: list[tuple[HistoryEntry, InquiryView]] = []
        found: Inquiry | None = None
        for event in events:
            found = cast(Inquiry, event.mutate(found))  # every event of an inquiry leaves one
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
            found: object = self.app.repository.get(_inquiry_id(inquiry))
        except AggregateNotFoundError:
            raise InquiryNotFound("inquiry", f"finner ingen henvendelse «{inquiry}»") from None
        if not isinstance(found, Inquiry):
            raise InquiryNotFound("inquiry", f"finner ingen henvendelse «{inquiry}»")
        return found

    def _events(self, inquiry: str) -> list[StampedEvent]:
        """Read from the event store: the repository would hand a cached aggregate, or only the events after a
        snapshot, where the history needs every event."""
        events = read_events(self.app, _inquiry_id(inquiry))
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
            if isinstance(value, EncryptedField):
                return ERASED if keys is None else keys.decrypt_field(key, inquiry_id, value)
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

    def _span(self, command: str, command_type: str | None = None, *, subject: str = "inquiry") -> Any:
        """A span per command: its name and typed class (never a field of it) and the tenant."""
        attributes = {"ombud.tenant": self.slug, "ombud.command": command}
        if command_type is not None:
            attributes["ombud.command_type"] = command_type
        return self._tracer.start_as_current_span(f"{subject}.{command}", attributes=attributes)


_CONFLICT = "henvendelsen er endret av en annen i mellomtiden; last den på nytt og prøv igjen"


def read_events(app: OfficeApplication, inquiry_id: UUID) -> list[StampedEvent]:
    """Every event of one inquiry, in order (none for an unknown id); each of them is stamped (domain.inquiry)."""
    return cast("list[StampedEvent]", list(app.events.get(inquiry_id)))


def _replayed(events: list[StampedEvent]) -> Inquiry:
    found = project_aggregate(None, events)
    if not isinstance(found, Inquiry):
        raise InquiryNotFound("inquiry", "finner ingen henvendelse")
    return found


def received_inquiry(
    ctx: Context, tenant: Tenant, command: ReceiveInquiry, *, reference: str, index: SearchIndex
) -> Inquiry:
    """The new inquiry, not yet saved: its areas as the taxonomy in force on the received date names them, and its
    name, summary and receipt code as the tenant's search words. The office (web, contact form, command line), the
    case-log import and the demo all receive through here, so each inquiry is found by search the same way."""
    require_role(ctx, command)
    received_on = command.received_on
    taxonomy = tenant.taxonomy_on(received_on) if isinstance(received_on, date) else tenant.taxonomies[-1]
    primary = taxonomy.find(command.service_area).code
    further = [_area_code(taxonomy, code) for code in command.further_areas]
    tenant.require_case_types(command.case_types)
    return Inquiry.receive(
        ctx,
        reference=reference,
        received_on=received_on,
        channel=command.channel,
        requester_role=command.requester_role,
        primary_area=primary,
        further_areas=further,
        case_types=list(command.case_types),
        outside_mandate=command.outside_mandate,
        summary=command.summary,
        requester_name=command.requester_name,
        contact=command.contact,
        search_tokens=index.tokens(command.requester_name, command.summary, command.receipt_code),
    )


# -- one handler per command (cosmicpython's message bus): a case action changes the inquiry `Office.handle` read and
# will save; the others read and write what they need themselves.


def _recategorise(office: Office, ctx: Context, command: Recategorise, found: Inquiry) -> None:
    tenant = office._tenant()
    taxonomy = tenant.taxonomy_on(found.received_on)
    tenant.require_case_types(command.case_types)
    found.recategorise(
        ctx,
        on=command.on,
        primary_area=taxonomy.find(command.service_area).code,
        further_areas=[_area_code(taxonomy, code) for code in command.further_areas],
        case_types=list(command.case_types),
        outside_mandate=command.outside_mandate,
    )


HANDLERS: dict[type[Any], Callable[..., Any]] = {
    ReceiveInquiry: Office._receive,
    AttachFile: Office._attach,
    EraseInquiry: Office._erase,
    MapNationalGroups: Office._map_national_groups,
    SetPrivacyStatement: Office._set_privacy_statement,
    RecordArchiveReceipt: Office._record_archive_receipt,
    RecordLetterSent: Office._record_letter_sent,
    Assign: lambda _, ctx, c, found: found.assign(ctx, on=c.on, assignee=c.assignee),
    Recategorise: _recategorise,
    SendInterimReply: lambda _, ctx, c, found: found.send_interim_reply(ctx, on=c.on),
    Forward: lambda _, ctx, c, found: found.forward(ctx, on=c.on, to_body=c.to_body, reason=c.reason),
    HoldMeeting: lambda _, ctx, c, found: found.hold_meeting(ctx, on=c.on, participants=list(c.participants)),
    SendComplaint: lambda _, ctx, c, found: found.send_complaint(ctx, on=c.on, to=c.to, about=c.about),
    DecideComplaint: lambda _, ctx, c, found: found.decide_complaint(ctx, on=c.on, outcome=c.outcome),
    AddNote: lambda _, ctx, c, found: found.add_note(ctx, on=c.on, text=c.text),
    Resolve: lambda _, ctx, c, found: found.resolve(ctx, on=c.on, outcome=c.outcome),
    Reopen: lambda _, ctx, c, found: found.reopen(ctx, on=c.on, reason=c.reason),
}


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
            if f.name not in {"id", "reference", "version", "status", "attachments"}
        },
        attachments=attachments.views(found, opened),
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


class OutreachNotFound(DomainError):
    """No outreach activity (not withdrawn) with that id in this tenant."""
