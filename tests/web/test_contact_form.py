"""The citizens' public contact form: an inquiry in that office only, anonymous allowed, robots and floods refused."""

from __future__ import annotations

import asyncio
import re
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

import httpx
import pytest
from eventsourcing.utils import get_topic
from litestar.testing import AsyncTestClient

from domain.common import Context, today_in_norway
from domain.inquiry import Inquiry
from domain.letterhead import Letterhead
from projections.worker import ProjectionWorker
from services.letters import Letters, SetLetterhead
from services.office import Office
from tests.web.helpers import (
    fresh_contact_counters_fixture,  # noqa: F401 (autouse: fresh counters per test)
    post,
    sign_in_as_fixture,  # noqa: F401 (the fixture `sign_in_as`)
    staffed_offices_fixture,  # noqa: F401 (the fixture `staffed_offices`)
)

pytestmark = pytest.mark.usefixtures("staffed_offices")  # the forms are open: each office has a caseworker
SUMMARY = "Testesen Testperson har ventet fire måneder på svar om avlastning (fiktiv testsak)."


def received(office: Office) -> list[str]:
    """The ids of every inquiry received in the office's own event store (the tests stay under ten)."""
    notifications = office.app.notification_log.select(start=1, limit=10, topics=[get_topic(Inquiry.Received)])
    return [str(n.originator_id) for n in notifications]


async def send(client: AsyncTestClient, tenant: str, **fields: str):
    await client.get(f"/{tenant}/kontakt")
    data = {"summary": SUMMARY, "service_area": "helse", "requester_name": "", "contact": ""}
    data.update(fields)
    return await post(client, f"/{tenant}/kontakt", data)


async def test_the_form_asks_for_the_matter_the_area_and_optional_contact_details_without_the_staff_menu(
    client: AsyncTestClient, office: Office
) -> None:
    page = await client.get(f"/{office.slug}/kontakt")
    assert page.status_code == 200
    for text in (
        "Hva gjelder henvendelsen?",
        "Hvilket område gjelder det?",
        "Vet ikke",
        "Navn (valgfritt)",
        "E-post eller telefon (valgfritt)",
        "taushetsplikt",
        "Plan og bygg",
    ):
        assert text in page.text
    assert "Hovedmeny" not in page.text and "Logg ut" not in page.text


def receipt_code(response) -> str:
    return parse_qs(urlsplit(response.headers["location"]).query)["kode"][0]


def only_inquiry(office: Office) -> Inquiry:
    [inquiry_id] = received(office)
    return office.app.repository.get(UUID(inquiry_id))


async def test_a_submission_becomes_an_inquiry_from_the_web_in_that_office_only(
    client: AsyncTestClient, office: Office, other_office: Office
) -> None:
    response = await send(client, office.slug, requester_name="Testesen Testperson", contact="test@eksempel.invalid")
    assert response.status_code == 303
    location = response.headers["location"]
    assert "Testesen" not in location and "eksempel" not in location and "avlastning" not in location
    assert len(received(office)) == 1 and received(other_office) == []
    reference = only_inquiry(office).reference
    assert reference not in location

    inquiry = office.inquiry(reference)
    assert (inquiry.channel, inquiry.requester_role, inquiry.primary_area) == ("web", "not_stated", "helse")
    assert (inquiry.summary, inquiry.requester_name) == (SUMMARY, "Testesen Testperson")
    assert inquiry.contact == "test@eksempel.invalid"
    assert inquiry.received_on == today_in_norway()
    history = office.history(reference)
    assert (history[0].actor_id, history[0].actor_role) == ("innbygger", "citizen")


async def test_the_receipt_shows_a_random_code_not_the_offices_running_count_and_nothing_typed(
    client: AsyncTestClient, office: Office
) -> None:
    """The attack: the sequential reference on the receipt told anyone how many inquiries the office had."""
    response = await send(client, office.slug, requester_name="Testesen Testperson")
    receipt = await client.get(response.headers["location"])
    code = receipt_code(response)
    assert receipt.status_code == 200
    assert re.fullmatch(r"[A-Z]{5}-[A-Z]{5}", code) and f'<strong class="receipt-code">{code}</strong>' in receipt.text
    assert only_inquiry(office).reference not in receipt.text and "saksnummer" not in receipt.text.lower()
    assert "én måned" in receipt.text and "§\xa011\xa0a" in receipt.text  # kept on one line
    assert "Testesen" not in receipt.text and "avlastning" not in receipt.text
    assert "Hovedmeny" not in receipt.text
    second = await send(client, office.slug)
    assert receipt_code(second) != code  # random, not counted


async def test_staff_find_the_inquiry_by_the_code_the_citizen_quotes_in_that_office_only(
    client: AsyncTestClient, office: Office, other_office: Office, worker: ProjectionWorker, sign_in_as
) -> None:
    code = receipt_code(await send(client, office.slug))
    await send(client, other_office.slug)
    worker.catch_up(office.slug)
    worker.catch_up(other_office.slug)
    reference = only_inquiry(office).reference
    await sign_in_as("caseworker", office.slug)
    found = await client.post(
        f"/{office.slug}/henvendelser", data={"q": code.lower(), "_csrf_token": client.cookies["ombud_csrf"]}
    )
    assert "1 henvendelse" in found.text and f">{reference}<" in found.text
    await sign_in_as("caseworker", other_office.slug)
    theirs = await client.post(
        f"/{other_office.slug}/henvendelser", data={"q": code, "_csrf_token": client.cookies["ombud_csrf"]}
    )
    assert "0 henvendelser" in theirs.text


async def test_a_receipt_url_with_a_forged_check_shows_no_code(client: AsyncTestClient, office: Office) -> None:
    receipt = await client.get(f"/{office.slug}/kontakt/kvittering?kode=FALSK-KODEN&sjekk=feil")
    assert receipt.status_code == 200
    assert "FALSK-KODEN" not in receipt.text


async def test_a_citizen_may_stay_anonymous_and_not_know_the_area(client: AsyncTestClient, office: Office) -> None:
    response = await send(client, office.slug, service_area="vet-ikke")
    assert response.status_code == 303
    inquiry = office.inquiry(only_inquiry(office).reference)
    assert (inquiry.requester_name, inquiry.contact, inquiry.primary_area) == (None, None, "annet")


async def test_a_filled_honeypot_looks_accepted_but_writes_nothing(client: AsyncTestClient, office: Office) -> None:
    response = await send(client, office.slug, nettside="http://reklame.eksempel.invalid")
    assert response.status_code == 303
    assert (await client.get(response.headers["location"])).status_code == 200
    assert received(office) == []


async def test_after_five_submissions_in_an_hour_the_address_gets_429(client: AsyncTestClient, office: Office) -> None:
    for _ in range(5):
        assert (await send(client, office.slug)).status_code == 303
    refused = await send(client, office.slug)
    assert refused.status_code == 429
    assert "for mange henvendelser" in refused.text
    assert SUMMARY in refused.text  # what was typed is kept
    assert len(received(office)) == 5


async def test_thirty_parallel_posts_from_one_address_make_at_most_five_inquiries_and_leave_another_office_open(
    live_url: str, office: Office, other_office: Office
) -> None:
    """The attack: posts that arrive together all passed a check made before any of them was counted."""
    async with httpx.AsyncClient(base_url=live_url, timeout=60) as browser:
        await browser.get(f"/{office.slug}/kontakt")
        data = {"summary": SUMMARY, "service_area": "helse", "_csrf_token": browser.cookies["ombud_csrf"]}
        answers = await asyncio.gather(*(browser.post(f"/{office.slug}/kontakt", data=data) for _ in range(30)))
        assert sorted(answer.status_code for answer in answers) == [303] * 5 + [429] * 25
        assert len(received(office)) == 5
        other = await browser.post(f"/{other_office.slug}/kontakt", data=data)  # the other office's counter is its own
        assert other.status_code == 303 and len(received(other_office)) == 1


async def test_a_submission_with_mistakes_gives_its_slot_back(client: AsyncTestClient, office: Office) -> None:
    for _ in range(6):
        assert (await send(client, office.slug, summary="   ")).status_code == 422
    for _ in range(5):
        assert (await send(client, office.slug)).status_code == 303
    assert (await send(client, office.slug)).status_code == 429


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"summary": "   "}, "summary", "Skriv kort hva henvendelsen gjelder"),
        ({"summary": "x" * 4001}, "summary", "høyst 4000 tegn"),
        ({"service_area": "finnes-ikke"}, "service_area", "Velg et område"),
        ({"requester_role": "ordfører"}, "requester_role", "Velg fra listen hvem som skriver"),
        ({"contact": "9" * 201}, "contact", "høyst 200 tegn"),
        ({"summary": "Klage på \u202evedtak\u202c (fiktiv)"}, "summary", "snur skriveretningen"),
        ({"contact": "\u2067testesen@eksempel.invalid\u2069"}, "contact", "snur skriveretningen"),
    ],
)
async def test_bad_input_is_named_at_its_field_keeps_what_was_typed_and_writes_nothing(
    client: AsyncTestClient, office: Office, fields: dict[str, str], field: str, words: str
) -> None:
    response = await send(client, office.slug, requester_name="Testesen Testperson", **fields)
    assert response.status_code == 422
    assert f'id="{field}-feil"' in response.text and f'href="#{field}"' in response.text
    assert words in response.text
    assert 'value="Testesen Testperson"' in response.text
    assert received(office) == []


async def test_an_unknown_office_answers_404(client: AsyncTestClient) -> None:
    assert (await client.get("/finnes-ikke-kommune/kontakt")).status_code == 404
    assert (await client.get("/finnes-ikke-kommune/kontakt/kvittering")).status_code == 404


async def test_a_submission_without_the_csrf_token_is_refused(client: AsyncTestClient, office: Office) -> None:
    await client.get(f"/{office.slug}/kontakt")
    response = await client.post(f"/{office.slug}/kontakt", data={"summary": SUMMARY, "service_area": "helse"})
    assert response.status_code == 403
    assert received(office) == []


async def test_the_form_asks_who_is_writing_in_the_domains_categories_and_records_the_answer(
    client: AsyncTestClient, office: Office
) -> None:
    page = await client.get(f"/{office.slug}/kontakt")
    assert "Hvem skriver? (valgfritt)" in page.text
    chosen = page.text.split('id="requester_role"', 1)[1].split("</select>", 1)[0]
    assert '<option value="">Vil ikke oppgi</option>' in chosen
    for code, name in (("user", "Tjenestemottaker"), ("relative", "Pårørende"), ("representative", "Fullmektig")):
        assert f'<option value="{code}">{name}</option>' in chosen
    assert "not_stated" not in chosen  # leaving it blank is how a citizen says nothing
    assert (await send(client, office.slug, requester_role="guardian")).status_code == 303
    assert office.inquiry(only_inquiry(office).reference).requester_role == "guardian"


async def test_an_unanswered_who_is_writing_is_ikke_oppgitt_on_the_case_page_and_in_the_statistics(
    client: AsyncTestClient, office: Office, other_office: Office, worker: ProjectionWorker, sign_in_as
) -> None:
    """The complaint: every web inquiry said «Henvendt av: Tjenestemottaker» although the form never asked."""
    await send(client, office.slug)
    await send(client, other_office.slug, requester_role="user")
    worker.catch_up(office.slug)
    worker.catch_up(other_office.slug)
    reference = only_inquiry(office).reference
    await sign_in_as("caseworker", office.slug)
    case = await client.get(f"/{office.slug}/henvendelser/{reference}")
    said = case.text.split("Henvendt av</dt>", 1)[1].split("</dd>", 1)[0]
    assert "Ikke oppgitt" in said and "Tjenestemottaker" not in said
    figures = await client.get(f"/{office.slug}/statistikk?year={today_in_norway().year}")
    requesters = figures.text.split("Henvendelser etter hvem som tok kontakt", 1)[1].split("</table>", 1)[0]
    assert "Ikke oppgitt" in requesters and "Tjenestemottaker" not in requesters  # the other office's is its own


async def receipt_after(client: AsyncTestClient, tenant: str, **fields: str):
    response = await send(client, tenant, **fields)
    assert response.status_code == 303
    return await client.get(response.headers["location"])


async def test_the_receipt_says_we_answer_on_the_contact_details_given_and_nothing_about_having_none(
    client: AsyncTestClient, office: Office
) -> None:
    receipt = await receipt_after(client, office.slug, contact="test@eksempel.invalid")
    assert 'id="svar-til-deg"' in receipt.text and "kontaktinformasjonen du oppga" in receipt.text
    assert 'id="uten-kontakt"' not in receipt.text and "Har du ikke oppgitt" not in receipt.text
    assert "test@eksempel.invalid" not in receipt.text and "eksempel" not in str(receipt.url)


async def test_the_receipt_without_contact_details_says_we_cannot_answer_and_how_to_reach_us(
    client: AsyncTestClient, office: Office
) -> None:
    receipt = await receipt_after(client, office.slug, requester_name="Testesen Testperson")  # a name is no address
    assert 'id="uten-kontakt"' in receipt.text and "Du oppga ingen kontaktinformasjon" in receipt.text
    assert 'id="svar-til-deg"' not in receipt.text and "Har du ikke oppgitt" not in receipt.text


async def test_a_receipt_url_whose_answer_was_changed_shows_neither_the_code_nor_a_claim(
    client: AsyncTestClient, office: Office
) -> None:
    """The attack: flipping svar=nei to svar=ja must not make the page promise an answer under a genuine code."""
    response = await send(client, office.slug)
    location = response.headers["location"]
    assert "svar=nei" in location
    forged = await client.get(location.replace("svar=nei", "svar=ja"))
    assert forged.status_code == 200
    assert receipt_code(response) not in forged.text and 'id="svar-til-deg"' not in forged.text
    assert "Har du ikke oppgitt navn eller kontaktinformasjon" in forged.text  # unknown: the conditional sentence
    for odd in ("svar=%00", "svar=" + "j" * 5000, "svar=ja&svar=nei"):
        assert (await client.get(location.replace("svar=nei", odd))).status_code == 200


async def test_the_receipt_gives_the_offices_phone_and_email_from_its_letterhead_and_its_own_only(
    client: AsyncTestClient, office: Office, other_office: Office, caseworker: Context
) -> None:
    head = Letterhead.create(
        office_name="Ombudet i Prøveby",
        address="Postboks 1\n9999 Prøveby",
        phone="99 88 77 66",
        email="ombud@proveby.invalid",
        signature_name="Ola Prøveombud",
    )
    Letters(office).set_letterhead(caseworker, SetLetterhead(head, today_in_norway()))
    receipt = await receipt_after(client, office.slug)
    assert 'href="tel:99887766">99 88 77 66</a>' in receipt.text
    assert 'href="mailto:ombud@proveby.invalid">ombud@proveby.invalid</a>' in receipt.text
    assert f'href="/{office.slug}/personvern"' in receipt.text
    theirs = await receipt_after(client, other_office.slug)  # no letterhead: no numbers, and never Prøveby's
    assert "99 88 77 66" not in theirs.text and "proveby.invalid" not in theirs.text
    assert "ved å sende en ny henvendelse" in theirs.text and f'href="/{other_office.slug}/personvern"' in theirs.text


async def test_a_letterhead_saved_on_the_admin_page_shows_on_the_next_receipt_at_once(
    client: AsyncTestClient, office: Office, sign_in_as
) -> None:
    first = await receipt_after(client, office.slug)  # the office's profile is now kept by this process
    assert "tel:" not in first.text
    await sign_in_as("tenant_admin", office.slug)
    await client.get(f"/{office.slug}/admin/brev")
    fields = {
        "office_name": "Ombudet i Prøveby",
        "address": "Postboks 1\n9999 Prøveby",
        "phone": "+47 99 88 77 66",
        "email": "ombud@proveby.invalid",
        "signature_name": "Ola Prøveombud",
    }
    saved = await client.post(
        f"/{office.slug}/admin/brev",
        data=fields | {"_csrf_token": client.cookies["ombud_csrf"]},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    after = await receipt_after(client, office.slug)
    assert 'href="tel:+4799887766">+47 99 88 77 66</a>' in after.text and "ombud@proveby.invalid" in after.text
