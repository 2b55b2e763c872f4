"""An inquiry's attachments: the type from the content, the bytes sealed with the inquiry's key, the virus scan's rule."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID, uuid4

import magic
from cryptography.exceptions import InvalidTag
from eventsourcing.persistence import IntegrityError

from domain.common import Context, DomainError, InvalidField, today_in_norway
from domain.inquiry import ATTACHMENT_TYPES, CLEAN, INFECTED, PENDING_SCAN, Attachment, AttachmentNotFound, Inquiry
from services import aead
from services.virus_scan import ScanResult, VirusScanner

if TYPE_CHECKING:
    from services.application import OfficeApplication
    from services.office import Office

MEGABYTE = 1024 * 1024
MAX_BYTES = 25 * MEGABYTE  # a file (OMBUD_ATTACHMENT_MAX_BYTES)
PER_INQUIRY = 20  # files an inquiry (OMBUD_ATTACHMENTS_PER_INQUIRY)
PUBLIC_SUBMISSION_MAX_BYTES = 100 * MEGABYTE  # all files of one contact form (OMBUD_PUBLIC_SUBMISSION_MAX_BYTES)
# libmagic names a DOCX by its zip container on some systems; the container's first entry decides then.
_ZIP_TYPES = {"application/zip", "application/octet-stream"}


@dataclass(frozen=True)
class Limits:
    """The office's limits, from the settings (infra/settings.py)."""

    max_bytes: int = MAX_BYTES
    per_inquiry: int = PER_INQUIRY
    public_submission_max_bytes: int = PUBLIC_SUBMISSION_MAX_BYTES


@dataclass(frozen=True)
class AttachmentWrites:
    """What an attachment store writes in the transaction that saves the events: the sealed bytes of new attachments,
    the scan verdicts (clean: no longer pending; infected: deleted), and the inquiries whose attachments erasure
    deletes. The event store's recorder writes them (infra/eventstore.py), so events and bytes commit together."""

    added: Sequence[tuple[UUID, UUID, bytes]] = ()  # (inquiry id, attachment id, nonce + ciphertext)
    scanned: Sequence[tuple[UUID, UUID, bool]] = ()  # (inquiry id, attachment id, clean)
    erased: Sequence[UUID] = ()  # inquiry ids


class AttachmentStore(Protocol):
    """Where one tenant's sealed attachment bytes are kept (platform.attachments, or memory in unit tests)."""

    def save(self, app: OfficeApplication, *aggregates: Any, writes: AttachmentWrites) -> None:
        """Saves the aggregates' new events and the writes in one transaction, or neither."""

    def sealed(self, inquiry_id: UUID, attachment_id: UUID) -> bytes | None:
        """The attachment's nonce and ciphertext; None when there is none (never stored, infected, or erased)."""

    def pending(self, limit: int) -> list[tuple[UUID, UUID]]:
        """Up to `limit` attachments not scanned yet, oldest first: (inquiry id, attachment id)."""


@dataclass
class InMemoryAttachments:
    """The attachment store of the library's in-memory persistence (unit tests)."""

    rows: dict[tuple[UUID, UUID], tuple[bytes, bool]] = field(default_factory=dict)  # sealed, pending

    def save(self, app: OfficeApplication, *aggregates: Any, writes: AttachmentWrites) -> None:
        app.save(*aggregates)
        for inquiry_id, attachment_id, sealed in writes.added:
            self.rows[(inquiry_id, attachment_id)] = (sealed, True)
        for inquiry_id, attachment_id, clean in writes.scanned:
            found = self.rows.pop((inquiry_id, attachment_id), None)
            if clean and found is not None:
                self.rows[(inquiry_id, attachment_id)] = (found[0], False)
        for inquiry_id in writes.erased:
            for key in [k for k in self.rows if k[0] == inquiry_id]:
                del self.rows[key]

    def sealed(self, inquiry_id: UUID, attachment_id: UUID) -> bytes | None:
        found = self.rows.get((inquiry_id, attachment_id))
        return None if found is None else found[0]

    def pending(self, limit: int) -> list[tuple[UUID, UUID]]:
        return [key for key, (_, waiting) in self.rows.items() if waiting][:limit]


@dataclass(frozen=True)
class AttachmentView:
    """An attachment for display: its title opened (or ERASED), its scan state, whether it may be downloaded."""

    id: str
    title: str
    media_type: str
    type_name: str
    size: int
    sha256: str
    scan: str

    @property
    def downloadable(self) -> bool:
        return self.scan == CLEAN


@dataclass(frozen=True)
class Download:
    inquiry_id: UUID
    filename: str
    media_type: str
    data: bytes


def media_type_of(data: bytes) -> str:
    """The type libmagic reads from the content; the name a file was sent under is never asked."""
    found = str(magic.from_buffer(data[: 1024 * 1024], mime=True))
    if found in _ZIP_TYPES and data[:4] == b"PK\x03\x04":
        if b"word/" in data[:65536] and b"[Content_Types].xml" in data[:65536]:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if data[30:84] == b"mimetypeapplication/vnd.oasis.opendocument.text":
            return "application/vnd.oasis.opendocument.text"
    if found == "text/plain" and not _looks_like_text(data):
        return "application/octet-stream"
    return found


def _looks_like_text(data: bytes) -> bool:
    """libmagic calls some binaries text; text has no control bytes but tab, line feed, form feed and return."""
    return not any((b < 32 and b not in (9, 10, 12, 13)) or b == 127 for b in data[: 1024 * 1024])


def check_file(field_name: str, filename: str, data: bytes, limits: Limits) -> str:
    """The file's media type, or a refusal naming the field: empty, too large, or a type not on the allow-list."""
    label = f"«{filename}»" if filename else "filen"
    if not data:
        raise InvalidField(field_name, f"{label} er tom")
    if len(data) > limits.max_bytes:
        raise InvalidField(field_name, f"{label} er større enn {_size(limits.max_bytes)}, som er det høyeste tillatte")
    found = media_type_of(data)
    if found not in ATTACHMENT_TYPES:
        allowed = ", ".join(ATTACHMENT_TYPES.values())
        raise InvalidField(field_name, f"{label} er ikke en filtype som kan lagres (tillatt: {allowed})")
    return found


def title_for(title: str | None, filename: str) -> str:
    """The title given, else the file's name without its folder (a browser may send a whole path)."""
    chosen = (title or "").strip() or filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return chosen or "Vedlegg"


def attach(
    office: Office,
    ctx: Context,
    found: Inquiry,
    *,
    title: str,
    filename: str,
    data: bytes,
    limits: Limits,
    field_name: str = "file",
) -> UUID:
    """Adds one file to the inquiry as it was read: its event and its sealed bytes in one transaction."""
    media_type = check_file(field_name, filename, data, limits)
    attachment_id = uuid4()
    found.add_attachment(
        ctx,
        on=today_in_norway(),
        attachment_id=attachment_id,
        title=title_for(title, filename),
        media_type=media_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        limit=limits.per_inquiry,
    )
    sealed = aead.encrypt(
        _key_for_writing(office.app, found.id), data, _associated(office.slug, found.id, attachment_id)
    )
    office.app.attachments.save(office.app, found, writes=AttachmentWrites(added=[(found.id, attachment_id, sealed)]))
    return attachment_id


def views(found: Inquiry, opened: Any) -> list[AttachmentView]:
    """The inquiry's attachments in the order they came, titles opened by the office's opener."""
    return [
        AttachmentView(
            id=a["id"],
            title=opened(a["title"]),
            media_type=a["media_type"],
            type_name=ATTACHMENT_TYPES.get(a["media_type"], a["media_type"]),
            size=a["size"],
            sha256=a["sha256"],
            scan=a["scan"],
        )
        for a in found.attachment_state().values()
    ]


def download(office: Office, found: Inquiry, attachment: str, title: str) -> Download:
    """The plaintext of a clean attachment; one that waits for its scan, is infected, or is erased is not there."""
    known = _known(found, attachment)
    if known["scan"] == PENDING_SCAN:
        raise NotScanned("attachment", "vedlegget venter på viruskontroll og kan ikke lastes ned ennå")
    if known["scan"] == INFECTED:
        raise AttachmentGone("attachment", "vedlegget var smittet og er slettet")
    keys = office.app.inquiry_keys
    key = None if found.is_erased or keys is None else keys.for_reading(found.id)
    sealed = office.app.attachments.sealed(found.id, UUID(known["id"]))
    if key is None or sealed is None:
        raise AttachmentGone("attachment", "vedlegget er slettet")
    try:
        data = aead.decrypt(key, sealed, _associated(office.slug, found.id, UUID(known["id"])))
    except InvalidTag:
        raise AttachmentGone("attachment", "vedlegget kan ikke åpnes") from None
    return Download(
        inquiry_id=found.id, filename=_filename(title, known["media_type"]), media_type=known["media_type"], data=data
    )


def scan_pending(office: Office, scanner: VirusScanner, *, limit: int = 100) -> int:
    """Scans every attachment that waits for its scan (up to `limit` a call) and records each verdict as
    `AttachmentScanned`: clean ones may be downloaded; an infected one's bytes are deleted in the event's
    transaction. Returns how many were scanned. The scanner sees the plaintext only in this process's memory."""
    ctx = Context("worker:viruskontroll", "system", str(uuid4()))
    done = 0
    for inquiry_id, attachment_id in office.app.attachments.pending(limit):
        found: object = office.app.repository.get(inquiry_id)
        if not isinstance(found, Inquiry):
            continue
        known = found.attachment_state().get(str(attachment_id))
        keys = office.app.inquiry_keys
        key = None if keys is None else keys.for_reading(inquiry_id)
        sealed = office.app.attachments.sealed(inquiry_id, attachment_id)
        if known is None or known["scan"] != PENDING_SCAN or key is None or sealed is None:
            continue  # its event is not there (cannot be: one transaction) or it was erased meanwhile
        verdict = scanner.scan(aead.decrypt(key, sealed, _associated(office.slug, inquiry_id, attachment_id)))
        found.record_scan(
            ctx, on=today_in_norway(), attachment_id=known["id"], clean=verdict.clean, signature=_named(verdict)
        )
        try:
            office.app.attachments.save(
                office.app, found, writes=AttachmentWrites(scanned=[(inquiry_id, attachment_id, verdict.clean)])
            )
        except IntegrityError:
            continue  # another worker, or a colleague's step, saved this inquiry first: looked at again next round
        done += 1
    return done


def _named(verdict: ScanResult) -> str | None:
    """The scanner's name for what it found, as one printable line the domain takes (an infected file always has
    one, so the quarantine notice can say what was found)."""
    if verdict.clean and verdict.signature is None:
        return None
    shown = "".join(c for c in verdict.signature or "" if c.isprintable()).strip()[:200]
    return shown or "ukjent"


def _known(found: Inquiry, attachment: str) -> Attachment:
    known = found.attachment_state().get(attachment)
    if known is None:
        raise AttachmentNotFound("attachment", "finner ikke vedlegget")
    return known


def _key_for_writing(app: OfficeApplication, inquiry_id: UUID) -> bytes:
    if app.inquiry_keys is None:
        raise InvalidField("file", "vedlegg kan ikke lagres uten henvendelsens nøkkel")
    return app.inquiry_keys.for_writing(inquiry_id)


def _associated(slug: str, inquiry_id: UUID, attachment_id: UUID) -> str:
    """Tenant, inquiry and attachment: sealed bytes moved to another attachment, inquiry or tenant do not open."""
    return f"ombud/attachment/{slug}/{inquiry_id}/{attachment_id}"


_EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt",
    "text/plain": "txt",
    "message/rfc822": "eml",
}


def _filename(title: str, media_type: str) -> str:
    """A safe download name: the title's letters and digits, with the extension of the type the content has."""
    stem = "".join(c if c.isascii() and (c.isalnum() or c in "-_ ") else "_" for c in title).strip()[:80] or "vedlegg"
    return f"{stem}.{_EXTENSIONS.get(media_type, 'bin')}"


def _size(n: int) -> str:
    return f"{n // MEGABYTE} MB" if n >= MEGABYTE else f"{n} byte"


class NotScanned(DomainError):
    """The attachment waits for its virus scan and cannot be downloaded yet."""


class AttachmentGone(DomainError):
    """The attachment's bytes are gone: infected and deleted, or erased with the inquiry."""
