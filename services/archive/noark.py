"""The one mapping from inquiries, their events and letters to Noark 5 objects (docs/archive.md says field by field).

Every Noark `systemID` is a UUID derived from what it stands for (the inquiry's id, the event's version, the letter's
kind), so a second extract of the same case files names them alike. Personal fields come opened through the office,
which shows ERASED for an erased inquiry: nothing here ever sees an erased inquiry's plaintext.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import cast
from uuid import UUID, uuid5

from eventsourcing.utils import get_topic

from domain.common import OSLO, DomainError
from domain.inquiry import ERASED, EVENT_NAMES, Inquiry
from domain.names import name_of
from domain.taxonomy import ServiceArea, Taxonomy, in_force
from services.letter_texts import TITLES
from services.letters import FILE_NAMES
from services.office import HistoryEntry, InquiryView, Office, TenantProfile

# Noark's codes (metadatakatalog, arkivstruktur) for what the product has.
INCOMING, OUTGOING, NOTE = "Inngående dokument", "Utgående dokument", "Organinternt dokument uten oppfølging"
# The korrespondansepart's type by the journalpost's: the inhabitant sends and receives; a note is the office's own.
PARTY_TYPES = {INCOMING: "Avsender", OUTGOING: "Mottaker", NOTE: "Intern avsender"}
# Skjerming: the inhabitant's case with the ombud is under duty of confidentiality (fvl. § 13), so exempt (offl. § 13).
SCREENING_CODE = "13"
SCREENING_BASIS = "Offl. § 13, jf. fvl. § 13 første ledd nr. 1"
SCREENED_FIELDS = ("tittel", "beskrivelse", "korrespondansepart", "part")
# What the public journal says where a screened name would stand.
SCREENED = "Skjermet"
_PAGE = 500
_NAMESPACE = UUID("5b0e6a53-4f1e-5c3e-9d3f-6f6d6275640a")


@dataclass(frozen=True)
class Document:
    """A letter as the archive keeps it: its dokumentbeskrivelse, and its PDF/A file unless erasure destroyed it."""

    system_id: UUID
    object_id: UUID
    kind: str  # receipt, interim_reply, closing (services/letters.py)
    title: str
    dated: date
    file_name: str  # inside the extract, e.g. dokumenter/2024-0153-kvittering.pdf
    erased_at: datetime | None  # when erasure destroyed it with the inquiry's key


@dataclass(frozen=True)
class Entry:
    """A journalpost: the inquiry received (incoming), a letter (outgoing), or a step or note (internal)."""

    system_id: UUID
    number: int  # journalpostnummer within the case file
    post_type: str
    title: str
    public_title: str
    description: str | None  # personal or free text: screened
    on: date
    recorded: datetime
    by: str
    party: str  # the inhabitant (screened), or the office for an internal note
    document: Document | None
    journal_year: int = 0
    journal_number: int = 0


@dataclass(frozen=True)
class Change:
    """An endringslogg row: a metadata field of a case file that a later event changed."""

    subject: UUID
    field: str
    on: datetime
    by: str
    before: str
    after: str


@dataclass(frozen=True)
class CaseFile:
    """A saksmappe: one closed inquiry."""

    system_id: UUID
    reference: str
    year: int
    sequence: int
    title: str
    public_title: str
    description: str  # the summary (screened)
    party: str  # the inhabitant's name (screened)
    received_on: date
    created: datetime
    created_by: str
    closed: datetime
    closed_by: str
    responsible: str
    area: str  # klasseID: the primary area's code
    area_name: str
    taxonomy_version: int
    erased: bool
    entries: tuple[Entry, ...]
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class Extract:
    """What one extract holds: the tenant, the period, the classification systems and the closed case files."""

    system_id: UUID
    slug: str
    name: str
    office: str
    start: date
    end: date
    created: datetime
    taxonomies: tuple[Taxonomy, ...]
    case_files: tuple[CaseFile, ...]
    left_open: int  # inquiries received in the period and still open: the next extract takes them

    @property
    def entries(self) -> Iterator[Entry]:
        for case_file in self.case_files:
            yield from case_file.entries

    @property
    def documents(self) -> Iterator[tuple[CaseFile, Document]]:
        for case_file in self.case_files:
            for entry in case_file.entries:
                if entry.document is not None:
                    yield case_file, entry.document


def system_id(*parts: object) -> UUID:
    """The Noark systemID of what `parts` name: the same parts, the same id, in every extract."""
    return uuid5(_NAMESPACE, "/".join(str(part) for part in parts))


def extract_of(office: Office, start: date, end: date, created: datetime) -> Extract:
    """The closed inquiries received from `start` to `end` (both included) as Noark 5 objects."""
    if end < start:
        raise DomainError("--to", "sluttdatoen kan ikke ligge før startdatoen")
    profile = office.profile()
    office_name = profile.letterhead.office_name if profile.letterhead else f"Ombudet i {profile.name}"
    closed: list[CaseFile] = []
    left_open = 0
    for view, history in _inquiries(office):
        if not start <= view.received_on <= end:
            continue
        if view.resolved_on is None:
            left_open += 1
            continue
        closed.append(_case_file(view, history, profile, office_name))
    if not closed:
        raise DomainError("--from", f"ingen avsluttede henvendelser mottatt {start.isoformat()}–{end.isoformat()}")
    closed.sort(key=lambda c: (c.received_on, c.reference))
    versions = sorted({c.taxonomy_version for c in closed})
    return Extract(
        system_id=system_id(profile.slug, "arkiv"),
        slug=profile.slug,
        name=profile.name,
        office=office_name,
        start=start,
        end=end,
        created=created,
        taxonomies=tuple(profile.taxonomy(v) for v in versions),
        case_files=_numbered(closed),
        left_open=left_open,
    )


def _inquiries(office: Office) -> Iterator[tuple[InquiryView, list[HistoryEntry]]]:
    """Every inquiry of the tenant with its history, read from the event store (never a read model that may lag)."""
    app, topic, start = office.app, get_topic(Inquiry.Received), None
    while True:
        page = app.recorder.select_notifications(start, _PAGE, topics=[topic], inclusive_of_start=start is None)
        for notification in page:
            yield office.case_file(str(cast(UUID, notification.originator_id)))
        if len(page) < _PAGE:
            return
        start = page[-1].id


def _case_file(view: InquiryView, history: list[HistoryEntry], profile: TenantProfile, office: str) -> CaseFile:
    taxonomy, area = _area(profile, view)
    erased = view.erased_on is not None
    erased_at = next((e.recorded_at for e in history if e.event == "Erased"), None)
    party = _text(view.requester_name) or "Ikke oppgitt"
    last_resolved = max(e.version for e in history if e.event == "Resolved")
    first_interim = min((e.version for e in history if e.event == "InterimReplySent"), default=None)
    entries: list[Entry] = []

    def add(entry: HistoryEntry, kind: str, post_type: str, title: str, description: str | None, who: str) -> None:
        document = None
        if kind in TITLES:
            document = Document(
                system_id=system_id(view.id, entry.version, kind, "dokumentbeskrivelse"),
                object_id=system_id(view.id, entry.version, kind, "dokumentobjekt"),
                kind=kind,
                title=TITLES[kind],
                dated=entry.on,
                file_name=f"dokumenter/{_safe(view.reference)}-{FILE_NAMES[kind]}.pdf",
                erased_at=erased_at,
            )
        entries.append(
            Entry(
                system_id=system_id(view.id, entry.version, kind),
                number=len(entries) + 1,
                post_type=post_type,
                title=title,
                public_title=TITLES.get(kind) or EVENT_NAMES.get(entry.event, entry.event),
                description=description,
                on=entry.on,
                recorded=entry.recorded_at,
                by=entry.actor_id,
                party=who,
                document=document,
            )
        )

    # The letters the product makes, each with the step it tells of: the receipt with the inquiry, the interim reply
    # with its first step (fvl. § 11 a), the closing letter with the last resolution.
    for entry in history:
        if entry.event == "Received":
            add(entry, "received", INCOMING, f"Henvendelse om {area.name}", _text(view.summary), party)
            add(entry, "receipt", OUTGOING, TITLES["receipt"], None, party)
        elif entry.event == "InterimReplySent" and entry.version == first_interim:
            add(entry, "interim_reply", OUTGOING, TITLES["interim_reply"], None, party)
        elif entry.event == "Resolved" and entry.version == last_resolved:
            add(entry, "closing", OUTGOING, TITLES["closing"], None, party)
        else:
            said = "; ".join(_said(value) for value in entry.details.values() if value not in (None, "", []))
            add(entry, "note", NOTE, EVENT_NAMES.get(entry.event, entry.event), said or None, office)
    received = history[0]
    closing = next(e for e in history if e.version == last_resolved)
    return CaseFile(
        system_id=view.id,
        reference=view.reference,
        year=view.received_on.year,
        sequence=_sequence(view.reference),
        title=f"Henvendelse {view.reference} om {area.name}",
        public_title=f"Henvendelse til ombudet om {area.name}",
        description=_text(view.summary) or ERASED,
        party=party,
        received_on=view.received_on,
        created=received.recorded_at,
        created_by=received.actor_id,
        closed=closing.recorded_at,
        closed_by=closing.actor_id,
        responsible=view.assignee or "Ikke fordelt",
        area=area.code,
        area_name=area.name,
        taxonomy_version=taxonomy.version,
        erased=erased,
        entries=tuple(entries),
        changes=tuple(_changes(view, history, profile)),
    )


def _changes(view: InquiryView, history: list[HistoryEntry], profile: TenantProfile) -> Iterator[Change]:
    """The case file's metadata that events changed after it was created: klasse, saksansvarlig, status, parts."""
    area, responsible, status = view.primary_area, "Ikke fordelt", "Under behandling"
    # The letters the product makes, each with the step it tells of: the receipt with the inquiry, the interim reply
    # with its first step (fvl. § 11 a), the closing letter with the last resolution.
    for entry in history:
        if entry.event == "Received":
            area = str(entry.details.get("primary_area", area))
            continue
        changed: list[tuple[str, str, str]] = []
        if entry.event == "Recategorised" and entry.details.get("primary_area") != area:
            new_area = str(entry.details.get("primary_area"))
            changed.append(("klasseID", area, new_area))
            area = new_area
        elif entry.event == "Assigned":
            changed.append(("saksansvarlig", responsible, str(entry.details.get("assignee"))))
            responsible = changed[-1][2]
        elif entry.event in ("Resolved", "Reopened"):
            new_status = "Avsluttet" if entry.event == "Resolved" else "Under behandling"
            changed.append(("saksstatus", status, new_status))
            status = new_status
        elif entry.event == "Erased":
            # What the field held is gone with the inquiry's key: the log says only that it was erased.
            changed += [(name, "Personopplysning (ikke gjengitt)", ERASED) for name in ("partNavn", "beskrivelse")]
        for name, before, after in changed:
            if before != after:
                yield Change(view.id, name, entry.recorded_at, entry.actor_id, before or "-", after or "-")


def _area(profile: TenantProfile, view: InquiryView) -> tuple[Taxonomy, ServiceArea]:
    """The primary area in the taxonomy version in force on the day received (else any version that has it)."""
    first = in_force(profile.taxonomies, view.received_on)
    for taxonomy in (first, *profile.taxonomies):
        for area in taxonomy.areas:
            if area.code == view.primary_area:
                return taxonomy, area
    raise DomainError("primary_area", f"tjenesteområdet «{view.primary_area}» finnes ikke i noen taksonomiversjon")


def _numbered(case_files: list[CaseFile]) -> tuple[CaseFile, ...]:
    """Journal numbers per year in the order the journal took the entries in: by date, case file, number."""
    order = sorted(
        (entry.on, case_file.reference, entry.number, entry.system_id)
        for case_file in case_files
        for entry in case_file.entries
    )
    numbers: dict[UUID, tuple[int, int]] = {}
    per_year: dict[int, int] = {}
    for on, _, _, entry_id in order:
        per_year[on.year] = per_year.get(on.year, 0) + 1
        numbers[entry_id] = (on.year, per_year[on.year])
    return tuple(
        replace(
            case_file,
            entries=tuple(
                replace(e, journal_year=numbers[e.system_id][0], journal_number=numbers[e.system_id][1])
                for e in case_file.entries
            ),
        )
        for case_file in case_files
    )


def at_noon(day: date) -> datetime:
    """A business date as a moment (Norwegian noon), where Noark asks for a dateTime and the product has a date."""
    return datetime.combine(day, time(12), OSLO)


def _said(value: object) -> str:
    """What an event's detail says, codes by their names (domain/names.py): free text, a choice, a list, a flag."""
    if isinstance(value, list | tuple):
        return ", ".join(_said(item) for item in value)
    if isinstance(value, bool):
        return "ja" if value else "nei"
    return name_of(str(value))


def _sequence(reference: str) -> int:
    return int(re.findall(r"[0-9]+", reference)[-1])


def _safe(reference: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]", "_", reference)


def _text(value: str | None) -> str | None:
    return value if value else None
