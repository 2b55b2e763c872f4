"""A letter sent is an event with the checksum of the PDF/A kept as sent, sealed with the inquiry's key: the rules of
`LetterSent`, the sealed bytes, and what erasure leaves (services/sent_letters.py)."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest

from domain.common import Context, DomainError, InvalidField, today_in_norway
from domain.inquiry import AlreadyErased, DateBeforeEarlierStep, Inquiry
from services.case_commands import NotAllowed, RecordLetterSent, Resolve
from services.office import Office
from services.platform import Platform
from services.sent_letters import InMemorySentLetters
from tests import factories

RECEIVED = factories.DEFAULTS["received_on"]
LATER = RECEIVED + timedelta(days=3)
PDF = b"%PDF-1.7 fiktivt brev til Testperson Provesen"
SHA = hashlib.sha256(PDF).hexdigest()


@pytest.fixture
def office(platform: Platform) -> Office:
    return platform.create_tenant(factories.acting("platform_admin"), slug="testby", name="Testby kommune")


@pytest.fixture
def other(platform: Platform) -> Office:
    return platform.create_tenant(factories.acting("platform_admin"), slug="annenby", name="Annenby kommune")


def test_the_event_names_the_kind_and_the_checksum_of_the_stored_bytes(office: Office, ctx: Context) -> None:
    reference = factories.case(office, ctx)

    answer = office.handle(ctx, RecordLetterSent(reference, LATER, "receipt", PDF))

    last = office.history(reference)[-1]
    assert answer == SHA and (last.event, last.on, last.details) == (
        "LetterSent",
        LATER,
        {"kind": "receipt", "sha256": SHA},
    )
    assert last.actor_role == "caseworker"
    assert office.sent_letter(reference, SHA) == PDF
    sealed = office.app.sent_letters
    assert isinstance(sealed, InMemorySentLetters)
    (stored,) = sealed.rows.values()
    assert b"Testperson" not in stored and b"%PDF" not in stored  # sealed, never the plain document


def test_the_closing_letter_may_be_sent_after_the_inquiry_is_resolved(office: Office, ctx: Context) -> None:
    reference = factories.case(office, ctx)
    office.handle(ctx, Resolve(inquiry=reference, on=LATER, outcome="assisted"))

    office.handle(ctx, RecordLetterSent(reference, LATER, "closing", PDF))

    assert office.history(reference)[-1].details["kind"] == "closing"


@pytest.mark.parametrize(
    ("kind", "on", "error", "field"),
    [
        ("love_letter", LATER, InvalidField, "kind"),
        ("receipt", RECEIVED - timedelta(days=1), DateBeforeEarlierStep, "on"),
        ("receipt", today_in_norway() + timedelta(days=1), DomainError, "on"),
    ],
)
def test_a_wrong_kind_or_day_is_refused_and_nothing_is_stored(
    office: Office, ctx: Context, kind: str, on: date, error: type[Exception], field: str
) -> None:
    reference = factories.case(office, ctx)
    written = office.app.recorder.max_notification_id()

    with pytest.raises(error) as refused:
        office.handle(ctx, RecordLetterSent(reference, on, kind, PDF))

    assert getattr(refused.value, "field", None) == field
    assert office.app.recorder.max_notification_id() == written
    assert office.app.sent_letters.sealed(office.inquiry_id(reference), SHA) is None


def test_a_checksum_that_is_not_sha256_is_refused_by_the_domain(ctx: Context) -> None:
    inquiry = factories.inquiry(ctx)
    for wrong in ("", SHA.upper(), SHA[:-1], SHA + "0", "g" * 64):
        with pytest.raises(InvalidField) as refused:
            inquiry.record_letter_sent(ctx, on=LATER, kind="receipt", sha256=wrong)
        assert refused.value.field == "sha256"


def test_an_auditor_may_not_mark_a_letter_sent_and_nothing_is_stored(office: Office, ctx: Context) -> None:
    reference = factories.case(office, ctx)

    with pytest.raises(NotAllowed):
        office.handle(factories.acting("auditor"), RecordLetterSent(reference, LATER, "receipt", PDF))

    assert office.app.sent_letters.sealed(office.inquiry_id(reference), SHA) is None


def test_an_erased_inquiry_takes_no_letter_and_its_sent_letters_no_longer_open(office: Office, ctx: Context) -> None:
    reference = factories.case(office, ctx)
    office.handle(ctx, RecordLetterSent(reference, LATER, "receipt", PDF))

    factories.erase(office, factories.as_admin(ctx), reference, LATER)

    assert office.sent_letter(reference, SHA) is None
    assert office.app.sent_letters.sealed(office.inquiry_id(reference), SHA) is not None  # the bytes stay, unreadable
    with pytest.raises(AlreadyErased):
        office.handle(ctx, RecordLetterSent(reference, LATER, "closing", PDF))


def test_only_a_letter_an_event_names_is_handed_out_and_never_another_tenants(
    office: Office, other: Office, ctx: Context
) -> None:
    ours = factories.case(office, ctx)
    theirs = factories.case(other, ctx)
    other.handle(ctx, RecordLetterSent(theirs, LATER, "receipt", PDF))
    # the same reference in both tenants, the same inquiry id (uuid5 of the reference): still not ours
    assert ours == theirs

    assert office.sent_letter(ours, SHA) is None
    assert other.sent_letter(theirs, SHA) == PDF
    assert other.sent_letter(theirs, "0" * 64) is None


def test_sealed_bytes_moved_to_another_inquiry_do_not_open(office: Office, ctx: Context) -> None:
    first = factories.case(office, ctx)
    second = factories.case(office, ctx)
    office.handle(ctx, RecordLetterSent(first, LATER, "receipt", PDF))
    store = office.app.sent_letters
    assert isinstance(store, InMemorySentLetters)
    store.rows[(office.inquiry_id(second), SHA)] = store.rows[(office.inquiry_id(first), SHA)]
    office.handle(ctx, RecordLetterSent(second, LATER, "receipt", PDF))  # keeps the moved bytes (first wins)

    with pytest.raises(Exception, match="hører ikke til"):
        office.sent_letter(second, SHA)


def test_the_event_is_part_of_the_inquirys_history_under_its_norwegian_name() -> None:
    from domain.inquiry import EVENT_NAMES

    assert EVENT_NAMES["LetterSent"] == "Brev sendt" and Inquiry.LetterSent.__name__ == "LetterSent"


def test_the_same_letter_marked_sent_twice_a_day_is_recorded_once_and_other_days_or_kinds_again(
    office: Office, ctx: Context
) -> None:
    reference = factories.case(office, ctx)
    again = b"%PDF-1.7 the same letter made again, with another time stamped in it"

    first = office.handle(ctx, RecordLetterSent(reference, LATER, "receipt", PDF))
    twice = office.handle(ctx, RecordLetterSent(reference, LATER, "receipt", again))
    office.handle(ctx, RecordLetterSent(reference, LATER, "interim_reply", again))
    office.handle(ctx, RecordLetterSent(reference, LATER + timedelta(days=1), "receipt", again))

    assert first == twice == SHA
    sent = [(e.details["kind"], e.on) for e in office.history(reference) if e.event == "LetterSent"]
    assert sent == [("receipt", LATER), ("interim_reply", LATER), ("receipt", LATER + timedelta(days=1))]
    assert office.app.sent_letters.sealed(office.inquiry_id(reference), hashlib.sha256(again).hexdigest()) is not None
