"""The letterhead's rules, the expected-answer date of an interim reply, and the letters on in-memory persistence."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from docx import Document

from domain.common import Context
from domain.deadlines import expected_answer_on
from domain.letterhead import LETTER_KINDS, Letterhead, LetterheadInvalid
from domain.taxonomy import MUNICIPAL_AREAS
from domain.tenant import Tenant
from services.case_commands import Resolve
from services.letter_documents import long_date
from services.letter_texts import DEFAULT_TEXTS
from services.letters import Letters, RegisterInterimReply, SetLetterhead
from services.office import EraseInquiry, Office
from services.platform import Platform
from tests import factories

RECEIVED = date(2026, 3, 2)


def letterhead(**changes: Any) -> Letterhead:
    fields: dict[str, Any] = {
        "office_name": "Kommuneombudet i Prøveby",
        "address": "Postboks 123 Sentrum\n9999 Prøveby",
        "phone": "+47 99 99 99 99",
        "email": "ombudet@proveby.invalid",
        "signature_name": "Ola Testombud",
        "signature_title": "Kommuneombud",
    }
    return Letterhead.create(**{**fields, **changes})


def docx_text(body: bytes) -> str:
    document = Document(io.BytesIO(body))
    header = [p.text for p in document.sections[0].header.paragraphs]
    return "\n".join(header + [p.text for p in document.paragraphs])


@pytest.fixture
def office(platform: Platform, ctx: Context) -> Office:
    return platform.create_tenant(ctx, slug="testby", name="Testby kommune")


def receive(office: Office, ctx: Context, **changes: Any) -> str:
    person = {"requester_name": "Testesen, Demo", "contact": "Testveien 1\n9999 Prøveby"}
    fields = {"received_on": RECEIVED, "channel": "letter", "summary": "Fiktiv sak om hjemmetjenester", **person}
    return factories.receive(office, ctx, **{**fields, **changes}).reference


# -- the letterhead ----------------------------------------------------------------------------


def test_a_complete_letterhead_is_kept_as_typed_without_surrounding_blanks() -> None:
    made = letterhead(office_name="  Kommuneombudet i Prøveby ", address="Postboks 123 Sentrum\r\n\r\n9999 Prøveby\n")
    assert made.office_name == "Kommuneombudet i Prøveby"
    assert made.address_lines == ["Postboks 123 Sentrum", "9999 Prøveby"]
    assert Letterhead.from_data(made.as_data()) == made


def test_every_fault_is_named_at_its_field_in_norwegian() -> None:
    with pytest.raises(LetterheadInvalid) as raised:
        letterhead(office_name="", address="", phone="ring meg", email="ikke-epost", signature_name="\x00")
    errors = raised.value.errors
    assert set(errors) == {"office_name", "address", "phone", "email", "signature_name"}
    assert errors["office_name"] == "må fylles ut" and "telefonnummer" in errors["phone"]
    assert "e-postadresse" in errors["email"] and "kontrolltegn" in errors["signature_name"]


def test_phone_and_title_are_optional_but_name_address_email_and_signer_are_not() -> None:
    assert letterhead(phone="", signature_title="").phone == ""
    for field in ("office_name", "address", "email", "signature_name"):
        with pytest.raises(LetterheadInvalid) as raised:
            letterhead(**{field: "   "})
        assert raised.value.field == field


def test_an_address_of_many_lines_or_overlong_fields_are_refused() -> None:
    with pytest.raises(LetterheadInvalid, match="address"):
        letterhead(address="\n".join(f"linje {n}" for n in range(6)))
    with pytest.raises(LetterheadInvalid, match="office_name"):
        letterhead(office_name="x" * 201)


def test_an_offices_own_text_names_only_known_placeholders_and_the_interim_reply_names_the_date() -> None:
    own = letterhead(texts={"receipt": "Takk for henvendelsen [referanse] av [mottatt]."})
    assert own.texts == {"receipt": "Takk for henvendelsen [referanse] av [mottatt]."}
    with pytest.raises(LetterheadInvalid) as raised:
        letterhead(texts={"receipt": "Hei [navn]", "interim_reply": "Vi svarer snart.", "closing": "[avsluttet]"})
    assert set(raised.value.errors) == {"text_receipt", "text_interim_reply"}
    assert "[navn]" in raised.value.errors["text_receipt"]
    assert "[svar_innen]" in raised.value.errors["text_interim_reply"]
    assert letterhead(texts={"closing": "  "}).texts == {}  # blank: the product's own text


def test_the_products_own_texts_follow_the_same_rules() -> None:
    made = letterhead(texts=dict(DEFAULT_TEXTS))
    assert made.texts == DEFAULT_TEXTS and set(DEFAULT_TEXTS) == set(LETTER_KINDS)


def test_the_tenant_records_its_letterhead_as_an_event(ctx: Context) -> None:
    tenant = Tenant.register(
        ctx,
        on=date(2026, 1, 2),
        slug="testby",
        name="Testby kommune",
        population=None,
        shares_statistics=False,
        areas=MUNICIPAL_AREAS,
        taxonomy_from=date(2000, 1, 1),
    )
    assert tenant.letterhead is None
    tenant.change_letterhead(ctx, on=date(2026, 1, 3), letterhead=letterhead())
    events = tenant.collect_events()
    assert type(events[-1]) is Tenant.LetterheadChanged and events[-1].actor_id == ctx.user_id
    assert tenant.letterhead == letterhead()


# -- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        (date(2026, 2, 10), date(2026, 3, 10)),  # a Tuesday
        (date(2026, 3, 2), date(2026, 4, 7)),  # Maundy Thursday to Easter Monday
        (date(2027, 1, 31), date(2027, 3, 1)),  # 28 February 2027 is a Sunday
        (date(2026, 10, 31), date(2026, 11, 30)),  # no 31 November: the month's last day
        (date(2026, 12, 1), date(2027, 1, 4)),  # 1 January is a holiday, then the weekend
        (date(2026, 3, 3), date(2026, 4, 7)),  # 3 April is Good Friday, 6 April Easter Monday
        (date(2026, 4, 17), date(2026, 5, 18)),  # 17 May, and a Sunday
    ],
)
def test_the_expected_answer_is_a_month_after_the_interim_reply_on_a_working_day(sent: date, expected: date) -> None:
    assert expected_answer_on(sent) == expected


def test_dates_are_written_as_a_norwegian_letter_writes_them() -> None:
    assert long_date(date(2026, 12, 1)) == "1. desember 2026"
    assert long_date(date(2027, 5, 17)) == "17. mai 2027"


# -- the letters ------------------------------------------------------------------------------


def test_without_a_letterhead_the_letter_carries_the_kommunes_name(office: Office, ctx: Context) -> None:
    reference = receive(office, ctx)
    letter = Letters(office).letter(reference, "receipt", date(2026, 3, 3))
    text = docx_text(letter.body)
    assert "Testby kommune" in text and reference in text and "2. mars 2026" in text and "3. mars 2026" in text
    assert letter.file_name == f"kvittering-{reference}.docx" and "Testesen" not in letter.file_name


def test_an_offices_own_text_replaces_the_products(office: Office, ctx: Context) -> None:
    letters = Letters(office)
    own = "Vi har fått saken [referanse].\n\nDen er avsluttet [avsluttet]."
    letters.set_letterhead(ctx, SetLetterhead(letterhead(texts={"closing": own}), date(2026, 3, 2)))
    reference = receive(office, ctx)
    office.handle(ctx, Resolve(inquiry=reference, on=date(2026, 3, 20), outcome="assisted"))
    text = docx_text(letters.letter(reference, "closing", date(2026, 4, 1)).body)
    assert f"Vi har fått saken {reference}." in text and "Den er avsluttet 20. mars 2026." in text
    assert "Takk for at du tok kontakt" not in text and "Ola Testombud" in text


def test_an_erased_inquirys_letter_has_no_addressee(office: Office, ctx: Context) -> None:
    reference = receive(office, ctx)
    office.handle(
        factories.as_admin(ctx), EraseInquiry(reference, date(2026, 3, 5), "krav fra innbygger", outcome="withdrawn")
    )
    text = docx_text(Letters(office).letter(reference, "receipt", date(2026, 3, 6)).body)
    assert "[slettet]" not in text and "Testesen" not in text and reference in text


def test_the_interim_reply_is_registered_once_a_day(office: Office, ctx: Context) -> None:
    letters = Letters(office)
    reference = receive(office, ctx)
    assert letters.register_interim_reply(ctx, RegisterInterimReply(reference, date(2026, 3, 20))) is True
    assert letters.register_interim_reply(ctx, RegisterInterimReply(reference, date(2026, 3, 20))) is False
    assert [e.event for e in office.history(reference)].count("InterimReplySent") == 1
    assert office.inquiry(reference).interim_reply_on == date(2026, 3, 20)


def test_a_letter_is_made_even_when_typed_text_holds_characters_xml_cannot_carry() -> None:
    from services.letter_documents import LetterContent, as_docx, xml_safe

    head = Letterhead("Ombudet i Prøveby", "Gate 1", "", "", "Ola Prøve", "")
    typed = ("Testperson \x1b[31mFarge", "Postboks 1\x0b\ufffe")
    body = as_docx(LetterContent(head, "2024-0001", date(2024, 3, 1), typed, "Kvittering", ("Tekst",)))
    text = "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)
    assert "Testperson \ufffd[31mFarge" in text and "\x1b" not in text
    assert xml_safe("tab\tlinje\nemoji 😀") == "tab\tlinje\nemoji 😀"
