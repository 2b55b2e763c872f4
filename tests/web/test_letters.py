"""Letters to the inhabitant: each a Word download on the office's own letterhead, recorded in the access log before it
is sent; the dashboard's one click registers the interim reply once; the administrator sets the letterhead."""

from __future__ import annotations

import io
from datetime import date, timedelta

import httpx
import pytest
from docx import Document
from litestar.testing import AsyncTestClient

from domain.common import Context, today_in_norway
from domain.deadlines import expected_answer_on
from domain.letterhead import Letterhead
from projections.worker import ProjectionWorker
from services.case_commands import Resolve, SendInterimReply
from services.letter_documents import long_date
from services.letters import Letters, SetLetterhead
from services.office import Office
from tests import factories
from tests.web.helpers import (
    SignInAs,
    access_records,
    access_records_cannot_be_written,
    post,
    sign_in_as_fixture,  # noqa: F401 (the fixture `sign_in_as`)
)

RECEIVED = date(2026, 3, 2)
SUMMARY = "Fiktiv sak om brev fra ombudet"
KINDS = {"kvittering": "Kvittering", "forelopig-svar": "Foreløpig svar", "avslutning": "avsluttet"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def letterhead(name: str, signer: str) -> Letterhead:
    return Letterhead.create(
        office_name=name,
        address="Postboks 1\n9999 Prøveby",
        phone="99 99 99 99",
        email="ombud@eksempel.invalid",
        signature_name=signer,
        signature_title="Kommuneombud",
    )


def receive(office: Office, ctx: Context, on: date = RECEIVED, **changes: str) -> str:
    return factories.case(
        office,
        ctx,
        received_on=on,
        channel="letter",
        summary=SUMMARY,
        requester_name=changes.get("requester_name", "Testesen, Demo"),
        contact="Testveien 1\n9999 Prøveby",
    )


def docx_text(body: bytes) -> str:
    document = Document(io.BytesIO(body))
    header = [p.text for p in document.sections[0].header.paragraphs]
    return "\n".join(header + [p.text for p in document.paragraphs])


@pytest.fixture
def offices(office: Office, other_office: Office, caseworker: Context) -> tuple[Office, Office]:
    """Both offices with letterheads of their own; the second's must never show in the first's letters."""
    Letters(office).set_letterhead(
        caseworker, SetLetterhead(letterhead("Ombudet i Prøveby", "Ola Prøveombud"), RECEIVED)
    )
    Letters(other_office).set_letterhead(
        caseworker, SetLetterhead(letterhead("Ombudet i Annenby", "Kari Annenombud"), RECEIVED)
    )
    return office, other_office


@pytest.fixture
def ours(offices: tuple[Office, Office], caseworker: Context) -> tuple[Office, str]:
    """The first office, with one inquiry of its own to write letters about."""
    office, _ = offices
    return office, receive(office, caseworker)


async def read_as(
    client: AsyncTestClient, sign_in_as: SignInAs, ours: tuple[Office, str], role: str, path: str
) -> httpx.Response:
    """That path under our inquiry's page ("" for the page), read by a new account of that role (network: above the
    offices, else the office's)."""
    office, reference = ours
    await sign_in_as(role, None if role == "network" else office.slug)
    return await client.get(f"/{office.slug}/henvendelser/{reference}/{path}".rstrip("/"))


@pytest.mark.parametrize("kind", list(KINDS))
async def test_each_letter_is_a_word_document_on_the_offices_letterhead_recorded_before_it_is_sent(
    kind: str,
    client: AsyncTestClient,
    offices: tuple[Office, Office],
    caseworker: Context,
    sign_in_as,
    admin_database_url: str,
) -> None:
    office, other = offices
    reference = receive(office, caseworker)
    office.handle(caseworker, SendInterimReply(inquiry=reference, on=date(2026, 3, 20)))
    office.handle(caseworker, Resolve(inquiry=reference, on=date(2026, 4, 14), outcome="assisted"))
    receive(other, caseworker, requester_name="Prøvesen, Annen")
    await sign_in_as("caseworker", office.slug)

    response = await client.get(f"/{office.slug}/henvendelser/{reference}/brev/{kind}.docx")
    assert response.status_code == 200 and response.headers["content-type"].startswith(DOCX)
    assert response.headers["content-disposition"] == f'attachment; filename="{kind}-{reference}.docx"'
    assert response.headers["cache-control"] == "no-store"
    text = docx_text(response.content)
    assert KINDS[kind] in text
    assert reference in text and "Testesen, Demo\nTestveien 1\n9999 Prøveby" in text
    assert "Ombudet i Prøveby" in text and "Ola Prøveombud\nKommuneombud" in text and "Telefon: 99 99 99 99" in text
    assert "Annenby" not in text and "Kari Annenombud" not in text and "Prøvesen" not in text
    assert SUMMARY not in text  # the letter names the inquiry by reference, never by what it is about
    assert "2. mars 2026" in text  # received
    if kind == "forelopig-svar":
        assert "Dato: 20. mars 2026" in text and f"innen {long_date(date(2026, 4, 20))}" in text
        assert expected_answer_on(date(2026, 3, 20)) == date(2026, 4, 20)
    if kind == "avslutning":
        assert "Dato: 14. april 2026" in text
    assert access_records(admin_database_url, office.slug) == [("caseworker", "brev", "letter")]
    assert access_records(admin_database_url, other.slug) == []


async def test_an_interim_reply_not_yet_registered_promises_a_month_from_today(
    client: AsyncTestClient, ours: tuple[Office, str], sign_in_as
) -> None:
    office, reference = ours
    text = docx_text((await read_as(client, sign_in_as, ours, "caseworker", "brev/forelopig-svar.docx")).content)
    today = today_in_norway()
    assert f"Dato: {long_date(today)}" in text and long_date(expected_answer_on(today)) in text
    assert office.inquiry(reference).interim_reply_on is None  # the download alone registers nothing


@pytest.mark.parametrize(
    "path", ["brev/ukjent.docx", "brev/kvittering.odt", "brev/kvittering", "brev/.docx", "brev/kvittering.docx.docx"]
)
async def test_an_unknown_kind_of_letter_is_a_missing_page_and_records_nothing(
    path: str,
    client: AsyncTestClient,
    ours: tuple[Office, str],
    sign_in_as,
    admin_database_url: str,
) -> None:
    office, _ = ours
    response = await read_as(client, sign_in_as, ours, "caseworker", path)
    assert response.status_code == 404 and "Testesen" not in response.text
    assert access_records(admin_database_url, office.slug) == []


async def test_another_tenants_inquiry_or_an_unknown_one_is_a_missing_page_and_records_nothing(
    client: AsyncTestClient, offices: tuple[Office, Office], caseworker: Context, sign_in_as, admin_database_url: str
) -> None:
    office, other = offices
    reference = receive(office, caseworker)
    await sign_in_as("tenant_admin", other.slug)
    for kind in KINDS:
        assert (await client.get(f"/{office.slug}/henvendelser/{reference}/brev/{kind}.docx")).status_code == 404
        missing = await client.get(f"/{other.slug}/henvendelser/{reference}/brev/{kind}.docx")
        assert missing.status_code == 404 and "Testesen" not in missing.text
    await client.get(f"/{other.slug}/admin")
    posted = await post(client, f"/{office.slug}/henvendelser/{reference}/brev/forelopig-svar")
    assert posted.status_code == 404 and office.inquiry(reference).interim_reply_on is None
    assert (
        access_records(admin_database_url, office.slug) == [] and access_records(admin_database_url, other.slug) == []
    )


@pytest.mark.parametrize(("role", "status"), [("auditor", 200), ("tenant_admin", 200), ("network", 404)])
async def test_the_roles_that_read_the_case_page_may_download_its_letters(
    role: str, status: int, client: AsyncTestClient, ours: tuple[Office, str], sign_in_as
) -> None:
    response = await read_as(client, sign_in_as, ours, role, "brev/kvittering.docx")
    assert response.status_code == status


async def test_no_access_record_no_letter(
    client: AsyncTestClient, ours: tuple[Office, str], sign_in_as, monkeypatch
) -> None:
    office, reference = ours
    await sign_in_as("caseworker", office.slug)
    access_records_cannot_be_written(monkeypatch)
    response = await client.get(f"/{office.slug}/henvendelser/{reference}/brev/kvittering.docx")
    assert response.status_code == 503 and not response.content.startswith(b"PK")
    assert "Testesen" not in response.text


async def test_the_case_page_links_to_its_three_letters(
    client: AsyncTestClient, ours: tuple[Office, str], sign_in_as
) -> None:
    office, reference = ours
    page = await read_as(client, sign_in_as, ours, "caseworker", "")
    for kind in KINDS:
        assert f'href="/{office.slug}/henvendelser/{reference}/brev/{kind}.docx"' in page.text


# -- the dashboard's one click ------------------------------------------------------------------


def section(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"', 1)[1].split("<section", 1)[0]


async def test_one_click_on_the_dashboard_registers_the_interim_reply_once_and_opens_its_letter(
    client: AsyncTestClient,
    offices: tuple[Office, Office],
    caseworker: Context,
    sign_in_as,
    worker: ProjectionWorker,
    admin_database_url: str,
) -> None:
    office, other = offices
    today = today_in_norway()
    reference = receive(office, caseworker, on=today - timedelta(days=25))
    theirs = receive(other, caseworker, on=today - timedelta(days=25))
    worker.catch_up(office.slug)
    worker.catch_up(other.slug)
    await sign_in_as("caseworker", office.slug)
    soon = section((await client.get(f"/{office.slug}/oversikt")).text, "snart")
    action = f'action="/{office.slug}/henvendelser/{reference}/brev/forelopig-svar"'
    assert action in soon and "Send foreløpig svar" in soon

    for _ in range(2):  # a second click the same day registers nothing more
        response = await post(client, f"/{office.slug}/henvendelser/{reference}/brev/forelopig-svar")
        assert response.status_code == 303
        assert response.headers["location"] == f"/{office.slug}/henvendelser/{reference}/brev/forelopig-svar.docx"
        letter = await client.get(response.headers["location"])
        assert letter.status_code == 200 and letter.headers["content-type"].startswith(DOCX)
        text = docx_text(letter.content)
        assert f"Dato: {long_date(today)}" in text and f"innen {long_date(expected_answer_on(today))}" in text

    assert [e.event for e in office.history(reference)].count("InterimReplySent") == 1
    assert office.inquiry(reference).interim_reply_on == today
    assert other.inquiry(theirs).interim_reply_on is None
    assert access_records(admin_database_url, office.slug) == [("caseworker", "brev", "letter")] * 2
    assert access_records(admin_database_url, other.slug) == []
    worker.catch_up(office.slug)
    soon = section((await client.get(f"/{office.slug}/oversikt")).text, "snart")
    assert reference not in soon


async def test_a_resolved_inquiry_gets_no_interim_reply_and_says_why(
    client: AsyncTestClient, ours: tuple[Office, str], caseworker: Context, sign_in_as
) -> None:
    office, reference = ours
    office.handle(caseworker, Resolve(inquiry=reference, on=date(2026, 3, 5), outcome="assisted"))
    await sign_in_as("caseworker", office.slug)
    await client.get(f"/{office.slug}/oversikt")
    response = await post(client, f"/{office.slug}/henvendelser/{reference}/brev/forelopig-svar")
    assert response.status_code == 409 and "avsluttet" in response.text and 'role="alert"' in response.text
    assert office.inquiry(reference).interim_reply_on is None


async def test_an_auditor_may_not_register_the_interim_reply(
    client: AsyncTestClient, ours: tuple[Office, str], sign_in_as
) -> None:
    office, reference = ours
    await sign_in_as("auditor", office.slug)
    await client.get(f"/{office.slug}/henvendelser")
    response = await post(client, f"/{office.slug}/henvendelser/{reference}/brev/forelopig-svar")
    assert response.status_code == 404 and office.inquiry(reference).interim_reply_on is None


# -- the letterhead page ------------------------------------------------------------------------

FORM = {
    "office_name": "Kommuneombudet i Prøveby",
    "address": "Rådhusgata 1\r\n9999 Prøveby",
    "phone": "+47 99 99 99 99",
    "email": "ombudet@proveby.invalid",
    "signature_name": "Ola Testombud",
    "signature_title": "Kommuneombud",
    "text_receipt": "",
    "text_interim_reply": "Saken [referanse] tar tid. Svar innen [svar_innen].",
    "text_closing": "",
}


async def test_the_administrator_sets_the_letterhead_and_the_letters_use_it(
    client: AsyncTestClient, offices: tuple[Office, Office], caseworker: Context, sign_in_as
) -> None:
    office, other = offices
    await sign_in_as("tenant_admin", office.slug)
    page = await client.get(f"/{office.slug}/admin/brev")
    assert page.status_code == 200 and 'value="Ombudet i Prøveby"' in page.text and "Kari Annenombud" not in page.text
    assert "Standardteksten tilpasses dagen svaret sendes" in page.text  # why an interim reply may read otherwise
    assert f'href="/{office.slug}/admin/brev"' in (await client.get(f"/{office.slug}/admin")).text
    response = await post(client, f"/{office.slug}/admin/brev", FORM)
    assert response.status_code == 303
    saved = await client.get(response.headers["location"])
    assert "Brevhodet er lagret." in saved.text and 'value="Kommuneombudet i Prøveby"' in saved.text
    assert Letters(office).letterhead().address == "Rådhusgata 1\n9999 Prøveby"
    assert Letters(other).letterhead().office_name == "Ombudet i Annenby"  # the other office's is untouched

    reference = receive(office, caseworker)
    text = docx_text((await client.get(f"/{office.slug}/henvendelser/{reference}/brev/forelopig-svar.docx")).content)
    assert f"Saken {reference} tar tid. Svar innen {long_date(expected_answer_on(today_in_norway()))}." in text
    assert "Rådhusgata 1" in text and "Ombudet i Prøveby" not in text
    receipt = docx_text((await client.get(f"/{office.slug}/henvendelser/{reference}/brev/kvittering.docx")).content)
    assert "Vi har mottatt henvendelsen din av 2. mars 2026." in receipt  # the product's own text where none is set


@pytest.mark.parametrize(
    ("changes", "field", "label"),
    [
        ({"office_name": ""}, "office_name", "Kontorets navn: må fylles ut"),
        ({"email": "ikke en adresse"}, "email", "E-postadresse: må være en e-postadresse"),
        ({"phone": "ring meg"}, "phone", "Telefon (valgfritt): må være et telefonnummer"),
        ({"address": ""}, "address", "Postadresse: må fylles ut"),
        ({"signature_name": "Ola\x00"}, "signature_name", "Underskrevet av (navn): inneholder kontrolltegn"),
        ({"text_interim_reply": "Vi svarer snart."}, "text_interim_reply", "må inneholde [svar_innen]"),
        ({"text_receipt": "Hei [navn]"}, "text_receipt", "ukjent flettefelt [navn]"),
        ({"text_closing": "x" * 5001}, "text_closing", "kan ikke være lengre enn 5000 tegn"),
    ],
)
async def test_bad_letterhead_input_is_named_at_its_field_and_nothing_is_saved(
    changes: dict[str, str], field: str, label: str, client: AsyncTestClient, offices: tuple[Office, Office], sign_in_as
) -> None:
    office, _ = offices
    await sign_in_as("tenant_admin", office.slug)
    await client.get(f"/{office.slug}/admin/brev")
    response = await post(client, f"/{office.slug}/admin/brev", {**FORM, **changes})
    assert response.status_code == 422 and label in response.text
    assert f'id="{field}"' in response.text and f'aria-describedby="{field}' in response.text
    assert 'aria-invalid="true"' in response.text
    assert Letters(office).letterhead().office_name == "Ombudet i Prøveby"


@pytest.mark.parametrize("role", ["caseworker", "auditor", "other_admin"])
async def test_only_the_offices_administrator_reaches_the_letterhead_page(
    role: str, client: AsyncTestClient, offices: tuple[Office, Office], make_account, sign_in
) -> None:
    office, other = offices
    await sign_in(
        make_account("tenant_admin", other.slug) if role == "other_admin" else make_account(role, office.slug)
    )
    page = await client.get(f"/{office.slug}/admin/brev")
    assert page.status_code == 404 and "Ola Prøveombud" not in page.text
    await client.get("/")
    response = await post(client, f"/{office.slug}/admin/brev", FORM)
    assert response.status_code == 404
    assert Letters(office).letterhead().office_name == "Ombudet i Prøveby"


@pytest.mark.parametrize(
    ("sent", "opening", "never"),
    [
        (RECEIVED, "Vi har i dag mottatt henvendelsen din. Den har fått referansen", ("innen én måned", "mottok")),
        (
            RECEIVED + timedelta(days=9),
            "som vi mottok 2. mars 2026.",
            ("i dag mottatt", "har ikke kunnet gi deg et endelig svar innen én måned"),
        ),
        (date(2026, 4, 6), "Vi har ikke kunnet gi deg et endelig svar innen én måned", ("i dag mottatt",)),
    ],
)
def test_the_interim_replys_wording_fits_the_day_it_is_sent(
    sent: date, opening: str, never: tuple[str, ...], office: Office, caseworker: Context
) -> None:
    """Sent the day the inquiry came in, it says «i dag»; within the month, it does not say a month has passed."""
    reference = receive(office, caseworker)
    office.handle(caseworker, SendInterimReply(inquiry=reference, on=sent))
    text = docx_text(Letters(office).letter(reference, "interim_reply", today=date(2026, 5, 1)).body)
    assert opening in text and reference in text
    assert f"Dato: {long_date(sent)}" in text and long_date(expected_answer_on(sent)) in text
    for words in never:
        assert words not in text


def test_an_offices_own_interim_text_is_used_as_it_is_on_any_day(office: Office, caseworker: Context) -> None:
    own = Letterhead.create(
        **{
            **letterhead("Ombudet i Prøveby", "Ola Prøveombud").__dict__,
            "texts": {"interim_reply": FORM["text_interim_reply"]},
        }
    )
    Letters(office).set_letterhead(caseworker, SetLetterhead(own, RECEIVED))
    reference = receive(office, caseworker)
    text = docx_text(Letters(office).letter(reference, "interim_reply", today=RECEIVED).body)
    assert f"Saken {reference} tar tid." in text and "i dag mottatt" not in text


async def test_the_innsyn_letter_is_printed_on_the_offices_letterhead_and_signed_as_the_other_letters(
    client: AsyncTestClient, ours: tuple[Office, str], sign_in_as
) -> None:
    _, reference = ours
    response = await read_as(client, sign_in_as, ours, "caseworker", "innsyn.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    header = "\n".join(p.text for p in document.sections[0].header.paragraphs)
    assert "Ombudet i Prøveby" in header and "Postboks 1" in header and "E-post: ombud@eksempel.invalid" in header
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Ola Prøveombud\nKommuneombud" in body and "[Underskrift]" not in body
    assert f"Vår referanse: {reference}\nDato: {long_date(today_in_norway())}" in body
    assert "Annenby" not in header + body and "Kari Annenombud" not in body  # never the other office's


async def test_the_innsyn_letter_without_a_letterhead_carries_the_kommune_and_is_signed_by_the_ombud(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as
) -> None:
    reference = receive(office, caseworker)
    await sign_in_as("caseworker", office.slug)
    document = Document(io.BytesIO((await client.get(f"/{office.slug}/henvendelser/{reference}/innsyn.docx")).content))
    header = "\n".join(p.text for p in document.sections[0].header.paragraphs)
    assert Letters(office).paper().office_name in header
    assert "Med vennlig hilsen\nOmbudet" in "\n".join(p.text for p in document.paragraphs)
