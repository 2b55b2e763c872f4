"""Attachments on the in-memory store: the type from the content, the limits, the scan's states, erasure."""

from __future__ import annotations

from uuid import UUID

import pytest

from domain.common import Context, InvalidField
from domain.inquiry import ERASED, AlreadyErased, TooManyAttachments
from services import attachments
from services.attachments import AttachmentGone, NotScanned
from services.case_commands import AttachFile, NotAllowed
from services.platform import Platform
from services.virus_scan import ScanResult
from tests.attachment_files import EXE, PDF, TEXT, docx, png
from tests.factories import as_role, case, erase
from tests.unit.helpers import slug_fixture  # noqa: F401

pytestmark = pytest.mark.usefixtures("slug")


class Scanner:
    """Finds what it is told is infected; remembers what it saw."""

    def __init__(self, infected: bytes = b"") -> None:
        self.infected = infected
        self.seen: list[bytes] = []

    def scan(self, data: bytes) -> ScanResult:
        self.seen.append(data)
        if self.infected and self.infected in data:
            return ScanResult(False, "Test.Infected")
        return ScanResult(True)


def attach(platform: Platform, ctx: Context, ref: str, data: bytes, name: str = "vedtak.pdf", **given: object) -> UUID:
    limits = {"max_bytes": 25 * 1024 * 1024, "per_inquiry": 20, **given}
    return platform.office("proveby").handle(ctx, AttachFile(inquiry=ref, filename=name, data=data, **limits))  # type: ignore[arg-type]


def test_an_attachment_waits_for_its_scan_then_downloads_as_it_was_sent(platform: Platform, ctx: Context) -> None:
    office = platform.office("proveby")
    ref = case(office, ctx)
    attachment = str(attach(platform, ctx, ref, TEXT, "brev.txt"))
    shown = office.inquiry(ref).attachments
    assert [(a.title, a.media_type, a.size, a.scan) for a in shown] == [
        ("brev.txt", "text/plain", len(TEXT), "pending")
    ]
    with pytest.raises(NotScanned):
        office.attachment(ref, attachment)
    scanner = Scanner()
    assert attachments.scan_pending(office, scanner) == 1
    assert scanner.seen == [TEXT]
    assert attachments.scan_pending(office, scanner) == 0
    got = office.attachment(ref, attachment)
    assert (got.data, got.media_type, got.filename) == (TEXT, "text/plain", "brev_txt.txt")
    stored = office.app.attachments.sealed(office.inquiry(ref).id, UUID(attachment))
    assert stored is not None and TEXT not in stored


def test_the_type_comes_from_the_content_not_the_name(platform: Platform, ctx: Context) -> None:
    office = platform.office("proveby")
    ref = case(office, ctx)
    attach(platform, ctx, ref, png(), "vedtak.pdf")
    attach(platform, ctx, ref, docx(), "brev.bin")
    attach(platform, ctx, ref, PDF, "x")
    assert [a.media_type for a in office.inquiry(ref).attachments] == [
        "image/png",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/pdf",
    ]


@pytest.mark.parametrize("data", [EXE, b"", b"\x7fELF" + b"\x00" * 100])
def test_a_file_not_on_the_allow_list_or_empty_is_refused_at_its_field(
    platform: Platform, ctx: Context, data: bytes
) -> None:
    office = platform.office("proveby")
    ref = case(office, ctx)
    with pytest.raises(InvalidField) as refused:
        attach(platform, ctx, ref, data, "program.pdf")
    assert refused.value.field == "file" and "program.pdf" in str(refused.value)
    assert office.inquiry(ref).attachments == [] and office.app.attachments.pending(10) == []


def test_the_limits_of_size_and_count_are_the_settings(platform: Platform, ctx: Context) -> None:
    office = platform.office("proveby")
    ref = case(office, ctx)
    with pytest.raises(InvalidField, match="større enn"):
        attach(platform, ctx, ref, TEXT, max_bytes=len(TEXT) - 1)
    attach(platform, ctx, ref, TEXT, max_bytes=len(TEXT), per_inquiry=2)
    attach(platform, ctx, ref, TEXT, per_inquiry=2)
    with pytest.raises(TooManyAttachments, match="2 vedlegg"):
        attach(platform, ctx, ref, TEXT, per_inquiry=2)
    assert len(office.inquiry(ref).attachments) == 2 and len(office.app.attachments.pending(10)) == 2


def test_an_infected_attachment_is_quarantined_and_its_bytes_destroyed(platform: Platform, ctx: Context) -> None:
    office = platform.office("proveby")
    ref = case(office, ctx)
    bad = str(attach(platform, ctx, ref, TEXT + b"EICAR", "brev.txt"))
    good = str(attach(platform, ctx, ref, TEXT, "brev2.txt"))
    assert attachments.scan_pending(office, Scanner(infected=b"EICAR")) == 2
    states = {a.id: a.scan for a in office.inquiry(ref).attachments}
    assert states == {bad: "infected", good: "clean"}
    assert office.app.attachments.sealed(office.inquiry(ref).id, UUID(bad)) is None
    with pytest.raises(AttachmentGone):
        office.attachment(ref, bad)
    assert office.attachment(ref, good).data == TEXT
    assert office.history(ref)[-2].details["signature"] == "Test.Infected"


def test_erasure_deletes_the_bytes_and_the_title(platform: Platform, ctx: Context) -> None:
    office = platform.office("proveby")
    ref = case(office, ctx)
    attachment = str(attach(platform, ctx, ref, TEXT, "Vedtak for Testperson.txt"))
    attachments.scan_pending(office, Scanner())
    erase(office, as_role(ctx, "tenant_admin"), ref, office.inquiry(ref).received_on)
    view = office.inquiry(ref)
    assert [a.title for a in view.attachments] == [ERASED]
    assert office.app.attachments.rows == {}  # type: ignore[attr-defined]
    with pytest.raises(AttachmentGone):
        office.attachment(ref, attachment)
    with pytest.raises(AlreadyErased):
        attach(platform, ctx, ref, TEXT)


def test_only_staff_who_work_cases_attach_and_another_tenants_inquiry_is_unknown(
    platform: Platform, ctx: Context
) -> None:
    ref = case(platform.office("proveby"), ctx)
    with pytest.raises(NotAllowed):
        attach(platform, as_role(ctx, "auditor"), ref, TEXT)
    with pytest.raises(Exception, match="finner ingen henvendelse"):
        platform.office("annenby").handle(ctx, AttachFile(inquiry=ref, data=TEXT, max_bytes=100, per_inquiry=1))


def test_a_scanners_odd_signature_is_recorded_as_one_printable_line(platform: Platform, ctx: Context) -> None:
    office = platform.office("proveby")
    ref = case(office, ctx)
    attach(platform, ctx, ref, TEXT, "brev.txt")
    attach(platform, ctx, ref, TEXT, "brev2.txt")

    class Odd:
        def __init__(self) -> None:
            self.answers = [ScanResult(False, "Win.Test\x00\x1b[31m" + "x" * 500), ScanResult(False)]

        def scan(self, data: bytes) -> ScanResult:
            return self.answers.pop(0)

    assert attachments.scan_pending(office, Odd()) == 2
    signatures = [e.details["signature"] for e in office.history(ref) if e.event == "AttachmentScanned"]
    assert signatures == ["Win.Test[31m" + "x" * 188, "ukjent"]
