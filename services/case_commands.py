"""Everything an office's staff (or a citizen, or the system) asks of its inquiries and its tenant, as typed commands.

The web forms and the command line build the same commands (`build`, from each field's type as `typing` resolves it),
`Office.handle` carries each out with one handler per command, and `ALLOWED_ROLES` says, once, which role may ask.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, TypeVar

from domain.account import CASE_WORKERS, ERASERS
from domain.common import Context

C = TypeVar("C")


def build(command: type[C], given: Mapping[str, Any], **fixed: Any) -> C:
    """The command from a form's or the command line's fields (text as typed, lists of ticked values, flags), each
    turned into its field's type; `fixed` are values already typed. A missing field keeps its default, else an empty
    value for the domain to refuse."""
    hints = typing.get_type_hints(command)
    values = dict(fixed)
    for field in dataclasses.fields(command):  # type: ignore[arg-type]
        if field.name in values or not field.init:
            continue
        if given.get(field.name) is None and _has_default(field):
            continue
        values[field.name] = _value(hints[field.name], given.get(field.name))
    return command(**values)


def _has_default(field: dataclasses.Field[Any]) -> bool:
    return field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING


def _value(kind: Any, given: Any) -> Any:
    if kind is bool:
        return bool(given)
    if typing.get_origin(kind) is tuple:
        return tuple(given or ())
    if typing.get_origin(kind) in (typing.Union, types.UnionType) and type(None) in typing.get_args(kind):
        return given or None
    return "" if given is None else given


@dataclass(frozen=True, kw_only=True)
class ReceiveInquiry:
    """A new inquiry: without a reference it gets the year's next number; with an assignee it is theirs from the
    start. A `receipt_code` (the public contact form's) is kept only as search words of the blind index."""

    span: ClassVar[str] = "receive"
    received_on: date
    channel: str
    requester_role: str
    service_area: str
    further_areas: tuple[str, ...] = ()
    case_types: tuple[str, ...] = ()
    outside_mandate: bool = False
    summary: str
    requester_name: str | None = None
    contact: str | None = None
    reference: str | None = None
    assignee: str | None = None
    receipt_code: str | None = None


@dataclass(frozen=True)
class EraseInquiry:
    """Erase an inquiry's personal data for good. The reason names the ground only, never personal data."""

    span: ClassVar[str] = "erase"
    inquiry: str
    on: date
    reason: str
    outcome: str | None = None  # what came of it, when the inquiry is still open (erasure closes it)


@dataclass(frozen=True)
class MapNationalGroups:
    """The national group of areas of one taxonomy version (area code → group code); areas left out keep theirs."""

    span: ClassVar[str] = "national_groups"
    version: int
    groups: dict[str, str]
    on: date


@dataclass(frozen=True)
class SetPrivacyStatement:
    """The office's own privacy statement (domain.privacy_statement); blank returns to the product's text."""

    span: ClassVar[str] = "privacy_statement"
    text: str
    on: date


@dataclass(frozen=True)
class RecordArchiveReceipt:
    """The kommune's archive acknowledged the inquiry's case file (Fiks Arkiv's receipt) under its case number."""

    span: ClassVar[str] = "archive_receipt"
    inquiry: str
    on: date
    case_number: str


@dataclass(frozen=True)
class RecordLetterSent:
    """The office sent this letter (services/letters.py made `document`, its PDF/A): the bytes are stored encrypted
    with the inquiry's key and `Inquiry.LetterSent` names their SHA-256. Not a form's case action: nobody types it."""

    span: ClassVar[str] = "letter_sent"
    inquiry: str
    on: date
    kind: str
    document: bytes = dataclasses.field(repr=False)


@dataclass(frozen=True, kw_only=True)
class CaseCommand:
    """What every case action carries: which inquiry, its business date, and the version the user saw."""

    span: ClassVar[str]  # the telemetry name of the command
    inquiry: str
    on: date
    expected_version: int | None = None

    @classmethod
    def build(cls, inquiry: str, on: date, expected_version: int | None, given: Mapping[str, Any]) -> CaseCommand:
        """The command from a form's or the command line's fields: text as typed, lists of ticked values, flags."""
        return build(cls, given, inquiry=inquiry, on=on, expected_version=expected_version)

    @classmethod
    def fields(cls) -> dict[str, Any]:
        """The command's own fields beyond the common three, with their types."""
        common = {field.name for field in dataclasses.fields(CaseCommand)}
        hints = typing.get_type_hints(cls)
        return {field.name: hints[field.name] for field in dataclasses.fields(cls) if field.name not in common}


@dataclass(frozen=True, kw_only=True)
class Assign(CaseCommand):
    span = "assign"
    assignee: str


@dataclass(frozen=True, kw_only=True)
class Recategorise(CaseCommand):
    span = "recategorise"
    service_area: str
    further_areas: tuple[str, ...] = ()
    case_types: tuple[str, ...] = ()
    outside_mandate: bool = False


@dataclass(frozen=True, kw_only=True)
class SendInterimReply(CaseCommand):
    span = "interim_reply"


@dataclass(frozen=True, kw_only=True)
class Forward(CaseCommand):
    span = "forward"
    to_body: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class HoldMeeting(CaseCommand):
    span = "meeting"
    participants: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class SendComplaint(CaseCommand):
    span = "complaint"
    to: str
    about: str


@dataclass(frozen=True, kw_only=True)
class DecideComplaint(CaseCommand):
    span = "decision"
    outcome: str


@dataclass(frozen=True, kw_only=True)
class AddNote(CaseCommand):
    span = "note"
    text: str


@dataclass(frozen=True, kw_only=True)
class Resolve(CaseCommand):
    span = "resolve"
    outcome: str


@dataclass(frozen=True, kw_only=True)
class Reopen(CaseCommand):
    span = "reopen"
    reason: str


@dataclass(frozen=True, kw_only=True)
class AttachFile:
    """A file for an inquiry (the case page, the contact form, `ombud inquiry attach`); the limits are the office's
    settings, handed in by the composition root's caller, never by the person sending."""

    span: ClassVar[str] = "attach"
    inquiry: str
    title: str | None = None
    filename: str = ""
    data: bytes = b""
    max_bytes: int
    per_inquiry: int
    field: str = "file"


Command = (
    ReceiveInquiry
    | CaseCommand
    | AttachFile
    | EraseInquiry
    | MapNationalGroups
    | SetPrivacyStatement
    | RecordArchiveReceipt
    | RecordLetterSent
)

# Which role may ask for which command: the one table the service layer checks, whatever route or command line asked.
# A citizen only sends an inquiry (the contact form); the system erases what retention says is due; auditors only read.
ALLOWED_ROLES: dict[type[Any], tuple[str, ...]] = {
    ReceiveInquiry: (*CASE_WORKERS, "citizen"),
    AttachFile: (*CASE_WORKERS, "citizen"),
    **{command: CASE_WORKERS for command in CaseCommand.__subclasses__()},
    EraseInquiry: (*ERASERS, "system"),
    MapNationalGroups: ("tenant_admin",),
    SetPrivacyStatement: ("tenant_admin",),
    RecordArchiveReceipt: ("system",),  # the worker, when the archive's receipt comes back
    RecordLetterSent: CASE_WORKERS,
}


class NotAllowed(Exception):
    """The context's role may not ask for this command (ALLOWED_ROLES): nothing was read or written. Not a
    DomainError, so no form shows it as a mistake in a field: the web answers 403, the command line refuses."""

    def __init__(self, role: str, command: type[Any]) -> None:
        super().__init__(f"rollen «{role}» kan ikke utføre {command.__name__}")
        self.role = role
        self.command = command


def require_role(ctx: Context, command: Any) -> None:
    """Refuses a command the context's role may not ask for; a command missing from the table is refused too."""
    if ctx.role not in ALLOWED_ROLES.get(type(command), ()):
        raise NotAllowed(ctx.role, type(command))
