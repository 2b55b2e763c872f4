"""The inquiry (henvendelse): one event stream per case, from received to resolved."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.common import (
    Context,
    DomainError,
    InvalidField,
    OutOfRange,
    StampedEvent,
    require_choice,
    require_not_future,
    require_text,
)
from domain.letterhead import SENT_LETTER_KINDS
from domain.reference import check_reference

CHANNELS = ("phone", "email", "letter", "web", "in_person", "digital_mail", "other")
REQUESTER_ROLES = ("user", "relative", "guardian", "representative", "employee", "other", "not_stated")
# Who wrote is not known: the public form leaves it to the citizen to say, and nobody may guess it for them.
NOT_STATED = "not_stated"
FORWARD_BODIES = (
    "patient_ombud",
    "county_governor",
    "parliamentary_ombud",
    "nav",
    "legal_aid",
    "other",
)
COMPLAINT_RECIPIENTS = ("county_governor", "service_unit", "appeals_board", "other")
COMPLAINT_OUTCOMES = ("upheld", "partly_upheld", "rejected", "withdrawn")
RESOLUTION_OUTCOMES = ("assisted", "guided", "referred", "outside_mandate", "withdrawn", "other")
MEETING_PARTICIPANTS = (
    "ombud",
    "adviser",
    "requester",
    "relative",
    "service_unit",
    "management",
    "other",
)

# What a personal or free-text field shows once its inquiry is erased: every page, export and CLI output asks here.
ERASED = "[slettet]"
# An erasure's reason is a short note of the ground (e.g. "krav fra innbygger", "kassasjon"), never personal data.
MAX_ERASURE_REASON = 200

# A legal hold's reason names the ground only (e.g. "tvist", "tilsynssak"), never personal data.
MAX_HOLD_REASON = 200

# An archive's case number (saksnummer, e.g. 2026/1234) is short; the bound keeps a reply's noise out of the events.
MAX_ARCHIVE_CASE_NUMBER = 50

# Far more meetings than any case has had; the bound keeps a typing error (200000) from becoming events.
MAX_MEETINGS = 1_000

_TOKEN = re.compile(r"[0-9a-f]{64}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_INQUIRY_NAMESPACE = uuid5(NAMESPACE_URL, "https://ombud.invalid/inquiry")


class Complaint(TypedDict):
    """A complaint sent for the requester, and its decision once it comes."""

    sent_on: date
    to: str
    outcome: str | None
    decided_on: date | None


# What an inquiry may carry, by the type its content shows (libmagic; never the file's name), with its bokmål name.
ATTACHMENT_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG-bilde",
    "image/jpeg": "JPEG-bilde",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word-dokument (DOCX)",
    "application/vnd.oasis.opendocument.text": "OpenDocument-tekst (ODT)",
    "text/plain": "Ren tekst",
    "message/rfc822": "E-post (EML)",
}
# An attachment's scan state: new ones wait for the virus scan and cannot be downloaded until it finds them clean.
PENDING_SCAN = "pending"
CLEAN = "clean"
INFECTED = "infected"
SCAN_NAMES = {PENDING_SCAN: "venter på viruskontroll", CLEAN: "kontrollert", INFECTED: "smittet: satt i karantene"}
MAX_ATTACHMENT_TITLE = 200
# PostgreSQL's integer ends here; the office's own limit (a setting) is far below it.
MAX_ATTACHMENT_SIZE = 2_147_483_647


class Attachment(TypedDict):
    """An attachment as the inquiry knows it; its bytes are elsewhere (sealed with the inquiry's key)."""

    id: str
    title: Any  # text, or the sealed field until a service opens it
    media_type: str
    size: int
    sha256: str
    added_on: date
    scan: str
    signature: str | None


class Inquiry(Aggregate):
    """A henvendelse and everything that happened to it."""

    # The state the events' `apply` methods set, declared for the type checker only: annotations in the class body
    # would make the library turn the aggregate into a dataclass with these fields as constructor arguments.
    if TYPE_CHECKING:
        reference: str
        received_on: date
        channel: str
        requester_role: str
        primary_area: str
        further_areas: list[str]
        case_types: list[str]
        outside_mandate: bool
        summary: str
        requester_name: str | None
        contact: str | None
        assignee: str | None
        interim_reply_on: date | None
        forwarded: list[str]
        meetings: int
        complaints: list[Complaint]
        notes: int
        resolved_on: date | None
        outcome: str | None
        erased_on: date | None
        on_hold: bool
        archive_case_number: str | None
        attachments: dict[str, Attachment]

    @staticmethod
    def id_for(reference: str) -> UUID:
        """The id follows from the reference, so a reference can exist only once per tenant."""
        return uuid5(_INQUIRY_NAMESPACE, reference)

    # -- events: each says how it changes the state ------------------------------------------

    class Received(Aggregate.Created, StampedEvent):
        reference: str
        channel: str
        requester_role: str
        primary_area: str
        further_areas: list[str]
        case_types: list[str]
        outside_mandate: bool
        summary: str
        requester_name: str | None
        contact: str | None
        # The blind index of name and summary (keyed hashes, hex; services/search_index.py): not plaintext.
        search_tokens: list[str]

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Inquiries received before the blind index have no tokens: the worker hashes their name and summary."""
            state["search_tokens"] = []

        def apply(self, inquiry: Inquiry) -> None:
            inquiry.reference = self.reference
            inquiry.received_on = self.on
            inquiry.channel = self.channel
            inquiry.requester_role = self.requester_role
            inquiry.primary_area = self.primary_area
            inquiry.further_areas = list(self.further_areas)
            inquiry.case_types = list(self.case_types)
            inquiry.outside_mandate = self.outside_mandate
            inquiry.summary = self.summary
            inquiry.requester_name = self.requester_name
            inquiry.contact = self.contact
            inquiry.assignee = None
            inquiry.interim_reply_on = None
            inquiry.forwarded = []
            inquiry.meetings = 0
            inquiry.complaints = []
            inquiry.notes = 0
            inquiry.resolved_on = None
            inquiry.outcome = None
            inquiry.erased_on = None
            inquiry.on_hold = False
            inquiry.archive_case_number = None
            inquiry.attachments = {}

    class Assigned(StampedEvent):
        assignee: str

        def apply(self, inquiry: Inquiry) -> None:
            inquiry.assignee = self.assignee

    class Recategorised(StampedEvent):
        primary_area: str
        further_areas: list[str]
        case_types: list[str]
        outside_mandate: bool

        def apply(self, inquiry: Inquiry) -> None:
            inquiry.primary_area = self.primary_area
            inquiry.further_areas = list(self.further_areas)
            inquiry.case_types = list(self.case_types)
            inquiry.outside_mandate = self.outside_mandate

    class InterimReplySent(StampedEvent):
        def apply(self, inquiry: Inquiry) -> None:
            if inquiry.interim_reply_on is None:
                inquiry.interim_reply_on = self.on

    class Forwarded(StampedEvent):
        to_body: str
        reason: str

        def apply(self, inquiry: Inquiry) -> None:
            inquiry.forwarded.append(self.to_body)

    class MeetingHeld(StampedEvent):
        participants: list[str]

        def apply(self, inquiry: Inquiry) -> None:
            inquiry.meetings += 1

    class ComplaintSent(StampedEvent):
        to: str
        about: str

        def apply(self, inquiry: Inquiry) -> None:
            inquiry.complaints.append({"sent_on": self.on, "to": self.to, "outcome": None, "decided_on": None})

    class ComplaintDecided(StampedEvent):
        outcome: str

        def apply(self, inquiry: Inquiry) -> None:
            pending = inquiry.pending_complaint
            if pending is not None:
                pending["outcome"] = self.outcome
                pending["decided_on"] = self.on

    class NoteAdded(StampedEvent):
        text: str

        def apply(self, inquiry: Inquiry) -> None:
            inquiry.notes += 1

    class Resolved(StampedEvent):
        outcome: str

        def apply(self, inquiry: Inquiry) -> None:
            inquiry.resolved_on = self.on
            inquiry.outcome = self.outcome

    class Reopened(StampedEvent):
        reason: str

        def apply(self, inquiry: Inquiry) -> None:
            inquiry.resolved_on = None
            inquiry.outcome = None

    class Erased(StampedEvent):
        """The inquiry's personal data was erased (its key destroyed); the reason carries no personal data."""

        reason: str

        def apply(self, inquiry: Inquiry) -> None:
            inquiry.erased_on = self.on
            if inquiry.resolved_on is None:  # erased open before erasure closed it (see `erase`): it ended here
                inquiry.resolved_on = self.on

    class LetterSent(StampedEvent):
        """The office sent a letter: which kind, and the SHA-256 of the PDF/A it sent (stored encrypted beside it)."""

        kind: str
        sha256: str

        def apply(self, inquiry: Inquiry) -> None:
            pass  # the letter's bytes and checksum are the record; the inquiry's state does not change

    class LegalHoldPlaced(StampedEvent):
        """The inquiry must be kept: retention does not erase it until the hold is lifted."""

        reason: str

        def apply(self, inquiry: Inquiry) -> None:
            inquiry.on_hold = True

    class LegalHoldLifted(StampedEvent):
        def apply(self, inquiry: Inquiry) -> None:
            inquiry.on_hold = False

    class ArchivedInKommune(StampedEvent):
        """The kommune's archive acknowledged the case file (Fiks Arkiv's receipt) under its own case number."""

        case_number: str

        def apply(self, inquiry: Inquiry) -> None:
            inquiry.archive_case_number = self.case_number

    class AttachmentAdded(StampedEvent):
        """A file was attached; its bytes (sealed with the inquiry's key) were stored in the same transaction."""

        attachment_id: str
        title: str
        media_type: str
        size: int
        sha256: str  # of the plaintext, hex

        def apply(self, inquiry: Inquiry) -> None:
            inquiry.attachment_state()[self.attachment_id] = {
                "id": self.attachment_id,
                "title": self.title,
                "media_type": self.media_type,
                "size": self.size,
                "sha256": self.sha256,
                "added_on": self.on,
                "scan": PENDING_SCAN,
                "signature": None,
            }

    class AttachmentScanned(StampedEvent):
        """The virus scan's verdict: a clean attachment may be downloaded, an infected one's bytes are destroyed."""

        attachment_id: str
        clean: bool
        signature: str | None

        def apply(self, inquiry: Inquiry) -> None:
            found = inquiry.attachment_state()[self.attachment_id]
            found["scan"] = CLEAN if self.clean else INFECTED
            found["signature"] = self.signature

    # -- creation ---------------------------------------------------------------------------

    @classmethod
    def receive(
        cls,
        ctx: Context,
        *,
        reference: str,
        received_on: date,
        channel: str,
        requester_role: str,
        primary_area: str,
        further_areas: list[str] | tuple[str, ...] = (),
        case_types: list[str] | tuple[str, ...] = (),
        outside_mandate: bool = False,
        summary: str,
        requester_name: str | None = None,
        contact: str | None = None,
        search_tokens: list[str] | tuple[str, ...] = (),
    ) -> Inquiry:
        reference = check_reference(reference)
        require_not_future("received_on", received_on)
        areas = _areas(primary_area, further_areas)
        return cls._create(
            cls.Received,
            id=cls.id_for(reference),
            reference=reference,
            channel=require_choice("channel", channel, CHANNELS),
            requester_role=require_choice("requester_role", requester_role, REQUESTER_ROLES),
            primary_area=areas[0],
            further_areas=areas[1:],
            case_types=_distinct("case_types", case_types),
            outside_mandate=_flag("outside_mandate", outside_mandate),
            summary=require_text("summary", summary),
            requester_name=_optional_text("requester_name", requester_name, 200),
            contact=_optional_text("contact", contact, 200),
            search_tokens=_search_tokens(search_tokens),
            **ctx.stamp(received_on),
        )

    def __init__(self) -> None:
        """State is set by the events' `apply` methods."""

    # -- commands ---------------------------------------------------------------------------

    def assign(self, ctx: Context, *, on: date, assignee: str) -> None:
        self._require_open_on(on)
        self.trigger_event(self.Assigned, assignee=require_text("assignee", assignee, max_length=200), **ctx.stamp(on))

    def recategorise(
        self,
        ctx: Context,
        *,
        on: date,
        primary_area: str,
        further_areas: list[str] | tuple[str, ...] = (),
        case_types: list[str] | tuple[str, ...] = (),
        outside_mandate: bool = False,
    ) -> None:
        self._require_open_on(on)
        areas = _areas(primary_area, further_areas)
        self.trigger_event(
            self.Recategorised,
            primary_area=areas[0],
            further_areas=areas[1:],
            case_types=_distinct("case_types", case_types),
            outside_mandate=_flag("outside_mandate", outside_mandate),
            **ctx.stamp(on),
        )

    def send_interim_reply(self, ctx: Context, *, on: date) -> None:
        self._require_open_on(on)
        self.trigger_event(self.InterimReplySent, **ctx.stamp(on))

    def forward(self, ctx: Context, *, on: date, to_body: str, reason: str) -> None:
        self._require_open_on(on)
        self.trigger_event(
            self.Forwarded,
            to_body=require_choice("to_body", to_body, FORWARD_BODIES),
            reason=require_text("reason", reason, max_length=2000),
            **ctx.stamp(on),
        )

    def hold_meeting(self, ctx: Context, *, on: date, participants: list[str] | tuple[str, ...]) -> None:
        self._require_open_on(on)
        if self.meetings >= MAX_MEETINGS:
            raise OutOfRange("meetings", f"en henvendelse kan ha høyst {MAX_MEETINGS} møter")
        chosen = _distinct("participants", participants)
        if not chosen:
            raise InvalidField("participants", "minst én deltaker må oppgis")
        for role in chosen:
            require_choice("participants", role, MEETING_PARTICIPANTS)
        self.trigger_event(self.MeetingHeld, participants=chosen, **ctx.stamp(on))

    def send_complaint(self, ctx: Context, *, on: date, to: str, about: str) -> None:
        self._require_open_on(on)
        self.trigger_event(
            self.ComplaintSent,
            to=require_choice("to", to, COMPLAINT_RECIPIENTS),
            about=require_text("about", about, max_length=2000),
            **ctx.stamp(on),
        )

    def decide_complaint(self, ctx: Context, *, on: date, outcome: str) -> None:
        self._require_open_on(on)
        pending = self.pending_complaint
        if pending is None:
            raise NoPendingComplaint(None, "det finnes ingen klage som venter på avgjørelse")
        if on < pending["sent_on"]:
            raise DateBeforeEarlierStep("on", "avgjørelsen kan ikke komme før klagen ble sendt")
        self.trigger_event(
            self.ComplaintDecided,
            outcome=require_choice("outcome", outcome, COMPLAINT_OUTCOMES),
            **ctx.stamp(on),
        )

    def add_note(self, ctx: Context, *, on: date, text: str) -> None:
        self._require_open_on(on)
        self.trigger_event(self.NoteAdded, text=require_text("text", text), **ctx.stamp(on))

    def resolve(self, ctx: Context, *, on: date, outcome: str) -> None:
        self._require_open_on(on)
        self.trigger_event(
            self.Resolved,
            outcome=require_choice("outcome", outcome, RESOLUTION_OUTCOMES),
            **ctx.stamp(on),
        )

    def reopen(self, ctx: Context, *, on: date, reason: str) -> None:
        if not self.is_resolved:
            raise NotResolved(None, "henvendelsen er ikke avsluttet")
        self._require_date_in_case(on)
        if self.resolved_on is not None and on < self.resolved_on:
            raise DateBeforeEarlierStep("on", "kan ikke gjenåpnes før den ble avsluttet")
        self.trigger_event(self.Reopened, reason=require_text("reason", reason, max_length=2000), **ctx.stamp(on))

    def erase(self, ctx: Context, *, on: date, reason: str, outcome: str | None = None) -> None:
        """Marks the personal data erased; the service destroys the inquiry's key. Erasure cannot be undone.

        An erased inquiry can take no further step, so an open one is resolved in the same save with the outcome the
        eraser gives: it never stays open (and overdue) for ever, and the statistics count what came of it. The
        outcome is not asked of an inquiry already resolved."""
        if self.is_erased:
            raise AlreadyErased(None, "henvendelsen er allerede slettet")
        require_not_future("on", on)
        reason = require_text("reason", reason, max_length=MAX_ERASURE_REASON)
        if not self.is_resolved:
            self.resolve(ctx, on=on, outcome=erasure_outcome(outcome))
        self.trigger_event(self.Erased, reason=reason, **ctx.stamp(on))

    def record_letter_sent(self, ctx: Context, *, on: date, kind: str, sha256: str) -> None:
        """A letter may be sent on an open or a resolved inquiry (the closing letter follows the closing), never on
        an erased one; the checksum is of the PDF/A the office stored as sent."""
        self._require_date_in_case(on)
        if not _SHA256.fullmatch(sha256):
            raise InvalidField("sha256", "sjekksummen må være SHA-256 med 64 små heksadesimale tegn")
        self.trigger_event(
            self.LetterSent, kind=require_choice("kind", kind, SENT_LETTER_KINDS), sha256=sha256, **ctx.stamp(on)
        )

    def place_legal_hold(self, ctx: Context, *, on: date, reason: str) -> None:
        """A hold may be placed on an open or a resolved inquiry, never on an erased one."""
        self._require_date_in_case(on)
        if self.on_hold:
            raise HoldUnchanged(None, "henvendelsen er allerede holdt tilbake fra sletting")
        self.trigger_event(
            self.LegalHoldPlaced, reason=require_text("reason", reason, max_length=MAX_HOLD_REASON), **ctx.stamp(on)
        )

    def lift_legal_hold(self, ctx: Context, *, on: date) -> None:
        self._require_date_in_case(on)
        if not self.on_hold:
            raise HoldUnchanged(None, "henvendelsen er ikke holdt tilbake fra sletting")
        self.trigger_event(self.LegalHoldLifted, **ctx.stamp(on))

    def record_archived(self, ctx: Context, *, on: date, case_number: str) -> bool:
        """The archive's receipt; False (no event) when it names the case number already recorded (a duplicate)."""
        number = require_text("case_number", case_number, max_length=MAX_ARCHIVE_CASE_NUMBER)
        if getattr(self, "archive_case_number", None) == number:
            return False
        self.trigger_event(self.ArchivedInKommune, case_number=number, **ctx.stamp(on))
        return True

    def add_attachment(
        self,
        ctx: Context,
        *,
        on: date,
        attachment_id: UUID,
        title: str,
        media_type: str,
        size: int,
        sha256: str,
        limit: int,
    ) -> None:
        """Open or resolved, an inquiry takes documents (a decision often arrives after the case closed); an erased
        one takes none, and none past the office's limit."""
        self._require_date_in_case(on)
        if len(self.attachment_state()) >= limit:
            raise TooManyAttachments("file", f"henvendelsen har allerede {limit} vedlegg, som er det høyeste tillatte")
        require_choice("media_type", media_type, tuple(ATTACHMENT_TYPES))
        if not isinstance(size, int) or isinstance(size, bool) or not 0 < size <= MAX_ATTACHMENT_SIZE:
            raise OutOfRange("file", "filen er tom eller for stor")
        if not isinstance(sha256, str) or not _TOKEN.fullmatch(sha256):
            raise InvalidField("sha256", "må være en SHA-256 i heksadesimal")
        self.trigger_event(
            self.AttachmentAdded,
            attachment_id=str(attachment_id),
            title=require_text("title", title, max_length=MAX_ATTACHMENT_TITLE),
            media_type=media_type,
            size=size,
            sha256=sha256,
            **ctx.stamp(on),
        )

    def record_scan(self, ctx: Context, *, on: date, attachment_id: str, clean: bool, signature: str | None) -> None:
        """Each attachment is scanned once; the verdict stands (an erased inquiry's attachments are gone unscanned)."""
        if self.is_erased:
            raise AlreadyErased(None, "henvendelsen er slettet og kan ikke endres")
        found = self.attachment_state().get(attachment_id)
        if found is None:
            raise AttachmentNotFound("attachment", "finner ikke vedlegget")
        if found["scan"] != PENDING_SCAN:
            raise AlreadyScanned("attachment", "vedlegget er allerede kontrollert")
        if signature is not None:
            signature = require_text("signature", signature, max_length=200)
        self.trigger_event(
            self.AttachmentScanned, attachment_id=attachment_id, clean=bool(clean), signature=signature, **ctx.stamp(on)
        )

    def attachment_state(self) -> dict[str, Attachment]:
        """The attachments by id (an aggregate restored from before attachments has none yet)."""
        found: dict[str, Attachment] = self.__dict__.setdefault("attachments", {})
        return found

    # -- queries ----------------------------------------------------------------------------

    @property
    def is_resolved(self) -> bool:
        return self.resolved_on is not None

    @property
    def is_erased(self) -> bool:
        return self.erased_on is not None

    @property
    def pending_complaint(self) -> Complaint | None:
        return next((c for c in self.complaints if c["outcome"] is None), None)

    # -- rules ------------------------------------------------------------------------------

    def _require_open_on(self, on: date) -> None:
        if self.is_erased:  # erased is resolved too (see `erase`): say the reason that holds for good
            raise AlreadyErased(None, "henvendelsen er slettet og kan ikke endres")
        if self.is_resolved:
            raise InquiryResolved(None, "henvendelsen er avsluttet; gjenåpne den først")
        self._require_date_in_case(on)

    def _require_date_in_case(self, on: date) -> None:
        if self.is_erased:
            raise AlreadyErased(None, "henvendelsen er slettet og kan ikke endres")
        require_not_future("on", on)
        if on < self.received_on:
            raise DateBeforeEarlierStep("on", "datoen ligger før henvendelsen ble mottatt")


# The personal and free-text fields of each event: encrypted with the inquiry's key, shown as ERASED after erasure.
PERSONAL_FIELDS: dict[type, tuple[str, ...]] = {
    Inquiry.Received: ("summary", "requester_name", "contact"),
    Inquiry.Forwarded: ("reason",),
    Inquiry.ComplaintSent: ("about",),
    Inquiry.NoteAdded: ("text",),
    Inquiry.Reopened: ("reason",),
    # The grounds of an erasure or a hold name no person, yet may hint at one: encrypted too, so the erasure's own
    # reason dies with the key it destroys (a reason stored plain before this reads as it is).
    Inquiry.Erased: ("reason",),
    Inquiry.LegalHoldPlaced: ("reason",),
    # A file's title often names a person ("Vedtak for Ola"): sealed like the other personal fields.
    Inquiry.AttachmentAdded: ("title",),
}
# Lists of keyed hashes encrypted with the inquiry's key like the personal fields, but opened for the projection worker:
# not text, yet derived from it, so erasure must make them unreadable in the stored events too.
SHREDDED_LISTS: dict[type, tuple[str, ...]] = {Inquiry.Received: ("search_tokens",)}
# What each event is called where a person reads the inquiry's history (the timeline, the auditor's replay).
EVENT_NAMES = {
    "Received": "Mottatt",
    "Assigned": "Tildelt",
    "Recategorised": "Omkategorisert",
    "InterimReplySent": "Foreløpig svar sendt",
    "Forwarded": "Videresendt",
    "MeetingHeld": "Møte holdt",
    "ComplaintSent": "Klage sendt",
    "ComplaintDecided": "Klage avgjort",
    "NoteAdded": "Notat",
    "Resolved": "Avsluttet",
    "Reopened": "Gjenåpnet",
    "Erased": "Personopplysninger slettet",
    "LetterSent": "Brev sendt",
    "LegalHoldPlaced": "Holdt tilbake fra sletting",
    "LegalHoldLifted": "Tilbakehold opphevet",
    "ArchivedInKommune": "Arkivert i kommunens arkiv",
    "AttachmentAdded": "Vedlegg lagt til",
    "AttachmentScanned": "Vedlegg viruskontrollert",
}


def erasure_outcome(outcome: str | None) -> str:
    """The outcome an open inquiry is closed with when it is erased: one of RESOLUTION_OUTCOMES, and asked for."""
    if outcome is None or outcome == "":
        raise InvalidField("outcome", "velg utfall: henvendelsen er åpen og avsluttes når den slettes")
    return require_choice("outcome", outcome, RESOLUTION_OUTCOMES)


def _areas(primary: str, further: list[str] | tuple[str, ...]) -> list[str]:
    primary = require_text("primary_area", primary, max_length=100)
    rest = [a for a in _distinct("further_areas", further) if a != primary]
    return [primary, *rest]


def _search_tokens(tokens: list[str] | tuple[str, ...]) -> list[str]:
    """Keyed hashes only (64 hex digits): a word in plain text here would sit unencrypted in the event."""
    if not isinstance(tokens, list | tuple) or not all(isinstance(t, str) and _TOKEN.fullmatch(t) for t in tokens):
        raise InvalidField("search_tokens", "må være nøkkelhasher (64 heksadesimale tegn)")
    return sorted(set(tokens))


def _distinct(field: str, values: list[str] | tuple[str, ...]) -> list[str]:
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        raise InvalidField(field, "må være en liste")
    seen: list[str] = []
    for value in values:
        value = require_text(field, value, max_length=100)
        if value not in seen:
            seen.append(value)
    return seen


def _flag(field: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidField(field, "må være ja eller nei")
    return value


def _optional_text(field: str, value: str | None, max_length: int) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return require_text(field, value, max_length=max_length)


class InquiryResolved(DomainError):
    """No action on a resolved inquiry until it is reopened."""


class NotResolved(DomainError):
    """Only a resolved inquiry can be reopened."""


class NoPendingComplaint(DomainError):
    """A complaint decision needs a complaint that awaits one."""


class DateBeforeEarlierStep(InvalidField):
    """A business date lies before the step it follows."""


class HoldUnchanged(DomainError):
    """A hold is placed only when there is none, and lifted only when there is one."""


class AlreadyErased(DomainError):
    """An erased inquiry takes no further steps and cannot be erased twice."""


class TooManyAttachments(DomainError):
    """The inquiry has as many attachments as the office allows."""


class AttachmentNotFound(DomainError):
    """No attachment with that id on this inquiry."""


class AlreadyScanned(DomainError):
    """The attachment's scan verdict is recorded already."""
