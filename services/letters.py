"""The office's letters to the inhabitant (receipt, interim reply, closing) and the letterhead they are printed on.

A letter opens the inquiry's personal fields only for its addressee. The caller writes the access record before it
sends the document anywhere; this module returns bytes and never logs what it filled in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from domain.common import Context, DomainError, StampedEvent
from domain.deadlines import expected_answer_on
from domain.inquiry import ERASED, Inquiry
from domain.letterhead import LETTER_KINDS, Letterhead
from domain.tenant import Tenant
from services.case_commands import RecordLetterSent, SendInterimReply, require_role
from services.letter_documents import LetterContent, as_docx, long_date
from services.letter_texts import TITLES, default_text
from services.office import ConflictError, InquiryNotFound, InquiryView, Office, read_events
from services.pdfa import to_pdfa

# How each letter's file is named: the kind in words and the reference, never anything about the person.
FILE_NAMES = {
    "receipt": "kvittering",
    "interim_reply": "forelopig-svar",
    "closing": "avslutning",
    "access_report": "innsyn",
}
# What the letters are signed with until the administrator has filled in the letterhead.
UNSIGNED = "Ombudet"
_CONFLICT = "henvendelsen ble endret samtidig; prøv igjen"


@dataclass(frozen=True)
class SetLetterhead:
    letterhead: Letterhead
    on: date


@dataclass(frozen=True)
class RegisterInterimReply:
    """Record that the interim reply is sent today, unless it already was today."""

    inquiry: str
    on: date


@dataclass(frozen=True)
class Letter:
    inquiry_id: UUID
    file_name: str
    body: bytes


class Letters:
    """The letter use cases of one tenant, over that tenant's office."""

    def __init__(self, office: Office) -> None:
        self.office = office
        self.app = office.app

    def letterhead(self) -> Letterhead | None:
        return self._tenant().letterhead

    def paper(self) -> Letterhead:
        """The letterhead every letter is printed on: the office's, or its name and «Ombudet» until it has one."""
        tenant = self._tenant()
        return tenant.letterhead or Letterhead(tenant.name, "", "", "", "", UNSIGNED)

    def set_letterhead(self, ctx: Context, command: SetLetterhead) -> None:
        tenant = self._tenant()
        tenant.change_letterhead(ctx, on=command.on, letterhead=command.letterhead)
        try:
            self.app.save(tenant)
        except IntegrityError:
            raise ConflictError(None, "brevhodet ble endret av en annen samtidig; prøv igjen") from None

    def register_interim_reply(self, ctx: Context, command: RegisterInterimReply) -> bool:
        """True if the interim reply was recorded now; False if one was already recorded on that day."""
        for _ in range(2):  # a colleague's change in between: look again once
            events = self._events(command.inquiry)
            if any(isinstance(e, Inquiry.InterimReplySent) and e.on == command.on for e in events):
                return False
            try:
                seen = events[-1].originator_version
                self.office.handle(ctx, SendInterimReply(inquiry=command.inquiry, on=command.on, expected_version=seen))
            except ConflictError:
                continue
            return True
        raise ConflictError(None, _CONFLICT)

    def letter(self, inquiry: str, kind: str, today: date) -> Letter:
        """The letter of `kind` (domain.letterhead.LETTER_KINDS) for the inquiry, dated as the step it tells of."""
        if kind not in LETTER_KINDS:
            raise DomainError("kind", f"ukjent brevtype «{kind}»")
        found = self.office.inquiry(inquiry)
        head = self.paper()
        dated, fields = _dates(kind, found, today)
        text = head.texts.get(kind) or default_text(kind, found.received_on, dated)
        filled = _fill(text, {"[referanse]": found.reference, **{k: long_date(v) for k, v in fields.items()}})
        content = LetterContent(
            letterhead=head,
            reference=found.reference,
            dated=dated,
            addressee=_addressee(found),
            title=TITLES[kind],
            paragraphs=tuple(p.strip() for p in re.split(r"\n\s*\n", filled) if p.strip()),
        )
        name = re.sub(r"[^A-Za-z0-9-]", "_", found.reference)
        return Letter(found.id, f"{FILE_NAMES[kind]}-{name}.docx", as_docx(content))

    def mark_sent(self, ctx: Context, inquiry: str, kind: str, docx: bytes, on: date) -> str:
        """Makes the letter's PDF/A from its DOCX, keeps it as sent and records `LetterSent`; returns its SHA-256.

        The role is checked before LibreOffice runs for seconds: a role that may not record it gets nothing made."""
        require_role(ctx, RecordLetterSent(inquiry, on, kind, b""))
        return self.office.handle(ctx, RecordLetterSent(inquiry, on, kind, to_pdfa(docx, ".docx")))

    def _events(self, inquiry: str) -> list[StampedEvent]:
        events = read_events(self.app, self.office.inquiry_id(inquiry))
        if not events or not isinstance(events[0], Inquiry.Received):
            raise InquiryNotFound("inquiry", f"finner ingen henvendelse «{inquiry}»")
        return events

    def _tenant(self) -> Tenant:
        return self.app.repository.get(Tenant.id_for())


def as_pdfa(letter: Letter) -> Letter:
    """The letter as PDF/A-2b, the archive's format, made by LibreOffice from its DOCX (a few seconds)."""
    return Letter(letter.inquiry_id, letter.file_name.removesuffix(".docx") + ".pdf", to_pdfa(letter.body, ".docx"))


def _dates(kind: str, found: InquiryView, today: date) -> tuple[date, dict[str, date]]:
    """The letter's date and the dates its text names: each letter is dated by the step it tells of, if taken."""
    fields = {"[mottatt]": found.received_on}
    if kind == "interim_reply":
        sent = found.interim_reply_on or today
        return sent, {**fields, "[svar_innen]": expected_answer_on(sent)}
    if kind == "closing":
        closed = found.resolved_on or today
        return closed, {**fields, "[avsluttet]": closed}
    return today, fields


def _fill(text: str, values: dict[str, str]) -> str:
    return re.sub(r"\[[^\[\]\n]{1,40}\]", lambda m: values.get(m.group(0), m.group(0)), text)


def _addressee(found: InquiryView) -> tuple[str, ...]:
    """The inhabitant's name and the contact they gave, if any; an erased inquiry has none."""
    lines: list[str] = []
    for value in (found.requester_name, found.contact):
        if value and value != ERASED:
            lines.extend(line.strip() for line in value.splitlines() if line.strip())
    return tuple(lines)
