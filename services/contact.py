"""A citizen's own inquiry through the public form: anonymous allowed, and an area even when they don't know it."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import uuid4

from domain import parsing
from domain.common import Context, DirectionControlled, InvalidField
from domain.inquiry import NOT_STATED, REQUESTER_ROLES
from domain.taxonomy import ServiceArea, Taxonomy
from services import attachments
from services.attachments import Limits
from services.case_commands import AttachFile, ReceiveInquiry
from services.office import Office, Receipt

UNSURE = "vet-ikke"  # the form's "Vet ikke": the office recategorises once it knows more
CATCH_ALL_AREA = "Annet"
MAX_SUMMARY = 4000
MAX_OPTIONAL = 200  # as the domain keeps requester_name and contact
FILES = "vedlegg"  # the form's file field


@dataclass(frozen=True)
class CitizenInquiry:
    """What the citizen typed; the field names are the domain's, so an error lands at the right input."""

    summary: str
    service_area: str
    requester_name: str = ""
    contact: str = ""
    requester_role: str = ""  # who is writing (domain.inquiry.REQUESTER_ROLES); blank: the citizen did not say

    @property
    def gave_contact_details(self) -> bool:
        """Whether the office has a way to answer: a name alone is not one."""
        return bool(self.contact.strip())


# Who may be writing, as the citizen can say it; "not stated" is what leaving the choice blank records.
CITIZEN_REQUESTER_ROLES = tuple(role for role in REQUESTER_ROLES if role != NOT_STATED)


def area_when_unsure(taxonomy: Taxonomy) -> ServiceArea:
    """The area named «Annet» if the taxonomy has one, otherwise its first top-level area."""
    for area in taxonomy.areas:
        if area.name.casefold() == CATCH_ALL_AREA.casefold():
            return area
    return next(area for area in taxonomy.areas if area.parent is None)


def area_choices(taxonomy: Taxonomy) -> list[tuple[str, str]]:
    """(code, label) for the form's select, a unit named with its sector so it reads on its own."""
    names = {area.code: area.name for area in taxonomy.areas}
    return [(a.code, f"{names[a.parent]}: {a.name}" if a.parent else a.name) for a in taxonomy.areas]


def citizen() -> Context:
    """Citizens have no account; each submission is its own request."""
    return Context("innbygger", "citizen", str(uuid4()))


def check(inquiry: CitizenInquiry, taxonomy: Taxonomy) -> dict[str, str]:
    """Every problem with the form at once, each at its field, in words a citizen understands."""
    errors: dict[str, str] = {}
    if not inquiry.summary.strip():
        errors["summary"] = "Skriv kort hva henvendelsen gjelder."
    elif len(inquiry.summary) > MAX_SUMMARY:
        errors["summary"] = f"Teksten er for lang: høyst {MAX_SUMMARY} tegn. Vi tar kontakt om vi trenger mer."
    if inquiry.service_area != UNSURE and inquiry.service_area not in {a.code for a in taxonomy.areas}:
        errors["service_area"] = "Velg et område fra listen, eller «Vet ikke»."
    if inquiry.requester_role and inquiry.requester_role not in REQUESTER_ROLES:
        errors["requester_role"] = "Velg fra listen hvem som skriver, eller la feltet stå tomt."
    for field, label in (("requester_name", "Navnet"), ("contact", "Kontaktinformasjonen")):
        if len(getattr(inquiry, field)) > MAX_OPTIONAL:
            errors[field] = f"{label} kan være høyst {MAX_OPTIONAL} tegn."
    for field in ("summary", "requester_name", "contact"):
        try:
            parsing.text(
                field, getattr(inquiry, field), max_length=len(getattr(inquiry, field)), multiline=field == "summary"
            )
        except DirectionControlled as refused:
            errors.setdefault(field, f"Teksten {refused.message}.")
        except InvalidField:
            errors.setdefault(field, "Teksten inneholder tegn vi ikke kan lagre.")
    return errors


# The receipt code's letters: no digits (a search word is letters only) and none that read alike (I, O, Q).
RECEIPT_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
RECEIPT_GROUP = 5  # two groups of five: 23^10 ≈ 4·10^13 codes


def new_receipt_code() -> str:
    """A random code for the citizen to quote (KRTMB-WPXAH): unlike the reference, it tells no office's running count.
    The search words rule splits it at the dash into two words, both of which an inquiry must hold to be found."""
    letters = "".join(secrets.choice(RECEIPT_LETTERS) for _ in range(2 * RECEIPT_GROUP))
    return f"{letters[:RECEIPT_GROUP]}-{letters[RECEIPT_GROUP:]}"


def check_files(files: Sequence[tuple[str, bytes]], limits: Limits) -> dict[str, str]:
    """The citizen's files: how many, how large together, and each one's type and size (every file is checked
    before anything is stored, so a refused file leaves no inquiry behind)."""
    if len(files) > limits.per_inquiry:
        return {FILES: f"Du kan legge ved høyst {limits.per_inquiry} filer."}
    if sum(len(data) for _, data in files) > limits.public_submission_max_bytes:
        most = limits.public_submission_max_bytes // (1024 * 1024)
        return {FILES: f"Filene er til sammen for store: høyst {most} MB."}
    for name, data in files:
        try:
            attachments.check_file(FILES, name, data, limits)
        except InvalidField as refused:
            return {FILES: refused.message[:1].upper() + refused.message[1:] + "."}
    return {}


def submit(
    office: Office,
    inquiry: CitizenInquiry,
    *,
    on: date,
    receipt_code: str,
    files: Sequence[tuple[str, bytes]] = (),
    limits: Limits = Limits(),  # noqa: B008 (frozen: one shared default is safe)
) -> Receipt:
    """Registers the inquiry as received on the web from the user, then each file the citizen sent with it; writes
    nothing if any field or file is wrong. The `receipt_code` (`new_receipt_code`) finds it in the staff's search, as
    the citizen quotes it."""
    taxonomy = office.profile().taxonomy_on(on)
    errors = check(inquiry, taxonomy) | check_files(files, limits)
    if errors:
        raise InvalidInquiry(errors)
    area = area_when_unsure(taxonomy).code if inquiry.service_area == UNSURE else inquiry.service_area
    command = ReceiveInquiry(
        received_on=on,
        channel="web",
        requester_role=inquiry.requester_role or NOT_STATED,  # never guessed: the form asks, and it is optional
        service_area=area,
        summary=inquiry.summary.strip(),
        requester_name=inquiry.requester_name.strip() or None,
        contact=inquiry.contact.strip() or None,
        receipt_code=receipt_code,
    )
    who = citizen()
    receipt = office.handle(who, command)
    for name, data in files:
        attach = AttachFile(
            inquiry=receipt.reference,
            filename=name,
            data=data,
            max_bytes=limits.max_bytes,
            per_inquiry=limits.per_inquiry,
            field=FILES,
        )
        office.handle(who, attach)
    return receipt


class InvalidInquiry(InvalidField):
    """One or more fields are wrong; `errors` holds every one of them, field by field."""

    def __init__(self, errors: dict[str, str]) -> None:
        field, message = next(iter(errors.items()))
        super().__init__(field, message)
        self.errors = errors
