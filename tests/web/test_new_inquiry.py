"""Registering a new inquiry: the office's own form, every broken rule at its field, nothing written on bad input."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from litestar.testing import AsyncTestClient

from domain.account import Account
from domain.common import Context, today_in_norway
from domain.taxonomy import ServiceArea
from projections.worker import ProjectionWorker
from services.office import InquiryNotFound, Office
from tests.web.helpers import sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)

LABELS = (
    "Mottatt dato",
    "Kanal",
    "Innbyggerens rolle",
    "Tjenesteområde",
    "Også gjelder",
    "Sakstyper",
    "Utenfor mandat",
    "Sammendrag",
    "Innbyggerens navn (valgfritt)",
    "Kontaktinformasjon (valgfritt)",
    "Saksbehandler",
    "Registrer henvendelse",
)


def filled(client: AsyncTestClient, **changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "received_on": today_in_norway().isoformat(),
        "channel": "phone",
        "requester_role": "relative",
        "service_area": "helse",
        "further_areas": ["nav", "barnevern"],
        "case_types": ["no_reply", "complaint_help"],
        "outside_mandate": "ja",
        "summary": "Fiktiv sak om manglende svar",
        "requester_name": "Testesen Testperson",
        "contact": "testperson@eksempel.invalid",
        "_csrf_token": client.cookies["ombud_csrf"],
    }
    form.update(changes)
    return form


def first_of_the_year(office: Office) -> str:
    return f"{today_in_norway().year}-0001"


def has_no_inquiries(office: Office) -> bool:
    try:
        office.inquiry(first_of_the_year(office))
    except InquiryNotFound:
        return True
    return False


async def test_the_form_has_the_labelled_fields_and_the_static_segment_wins_over_a_reference(
    client: AsyncTestClient, office: Office, sign_in_as
) -> None:
    await sign_in_as("caseworker", office.slug)
    page = await client.get(f"/{office.slug}/henvendelser/ny")
    assert page.status_code == 200
    for label in LABELS:
        assert label in page.text, label
    assert f'value="{today_in_norway().isoformat()}"' in page.text
    assert ">Telefon</option>" in page.text and ">Pårørende</option>" in page.text
    assert 'name="case_types" value="no_reply"' in page.text
    assert 'aria-current="page"' in page.text and "/henvendelser/ny" in page.text


async def test_without_javascript_a_valid_form_registers_the_inquiry_and_opens_its_page(
    client: AsyncTestClient, office: Office, other_office: Office, sign_in_as
) -> None:
    await sign_in_as("caseworker", office.slug)
    await client.get(f"/{office.slug}/henvendelser/ny")
    response = await client.post(f"/{office.slug}/henvendelser/ny", data=filled(client), follow_redirects=False)

    assert response.status_code == 303
    reference = first_of_the_year(office)
    assert response.headers["location"] == f"/{office.slug}/henvendelser/{reference}"
    inquiry = office.inquiry(reference)
    assert (inquiry.channel, inquiry.requester_role, inquiry.primary_area) == ("phone", "relative", "helse")
    assert inquiry.further_areas == ["nav", "barnevern"] and inquiry.case_types == ["no_reply", "complaint_help"]
    assert inquiry.outside_mandate and inquiry.requester_name == "Testesen Testperson"
    assert has_no_inquiries(other_office)
    page = await client.get(response.headers["location"])
    assert reference in page.text


async def test_optional_fields_left_empty_are_stored_as_absent(
    client: AsyncTestClient, office: Office, sign_in_as
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    await client.get(f"/{office.slug}/henvendelser/ny")
    form = filled(client, requester_name="", contact="", further_areas=[], outside_mandate=None)
    response = await client.post(
        f"/{office.slug}/henvendelser/ny", data={k: v for k, v in form.items() if v is not None}, follow_redirects=False
    )
    assert response.status_code == 303
    inquiry = office.inquiry(first_of_the_year(office))
    assert (inquiry.requester_name, inquiry.contact, inquiry.further_areas, inquiry.outside_mandate) == (
        None,
        None,
        [],
        False,
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"summary": "  "}, "summary"),
        ({"channel": ""}, "channel"),
        ({"service_area": "finnes-ikke"}, "service_area"),
        ({"case_types": ["finnes_ikke"]}, "case_types"),
        ({"received_on": "i går"}, "received_on"),
        ({"received_on": (today_in_norway() + timedelta(days=1)).isoformat()}, "received_on"),
    ],
)
async def test_a_broken_rule_is_named_at_its_field_keeps_what_was_typed_and_writes_nothing(
    client: AsyncTestClient, office: Office, sign_in_as, change: dict, field: str
) -> None:
    await sign_in_as("caseworker", office.slug)
    await client.get(f"/{office.slug}/henvendelser/ny")
    response = await client.post(
        f"/{office.slug}/henvendelser/ny", data=filled(client, **change), follow_redirects=False
    )

    assert response.status_code == 422
    assert 'class="ds-error-summary"' in response.text and f'href="#ny-{field}"' in response.text
    assert f'id="ny-{field}-feil"' in response.text and 'aria-invalid="true"' in response.text
    assert 'value="Testesen Testperson"' in response.text and 'value="testperson@eksempel.invalid"' in response.text
    assert 'value="barnevern" checked' in response.text
    assert has_no_inquiries(office)


@pytest.mark.parametrize("role", ["auditor", "network"])
async def test_roles_without_case_work_can_neither_open_nor_post_the_form(
    client: AsyncTestClient, office: Office, sign_in_as, role: str
) -> None:
    await sign_in_as(role, office.slug if role == "auditor" else None)
    assert (await client.get(f"/{office.slug}/henvendelser/ny")).status_code == 404
    response = await client.post(f"/{office.slug}/henvendelser/ny", data=filled(client), follow_redirects=False)
    assert response.status_code == 404
    assert has_no_inquiries(office)


async def test_a_caseworker_cannot_register_in_another_tenant(
    client: AsyncTestClient, office: Office, other_office: Office, sign_in_as
) -> None:
    await sign_in_as("caseworker", other_office.slug)
    assert (await client.get(f"/{office.slug}/henvendelser/ny")).status_code == 404
    response = await client.post(f"/{office.slug}/henvendelser/ny", data=filled(client), follow_redirects=False)
    assert response.status_code == 404
    assert has_no_inquiries(office) and has_no_inquiries(other_office)


# -- Forms that help (issue 12): every message at once, plain words, the same words as you leave a field ---------------

EMPTY_FORM_MESSAGES = {
    "received_on": "Skriv mottatt dato, for eksempel 31.12.2024",
    "channel": "Velg kanal",
    "requester_role": "Velg innbyggerens rolle",
    "service_area": "Velg tjenesteområde",
    "summary": "Skriv et kort sammendrag av henvendelsen",
}
TECHNICAL = ("taksonomi", "gyldige verdier", "ugyldig", "må fylles ut", "received_on", "service_area", "None")


def events(office: Office) -> int:
    return office.app.recorder.max_notification_id() or 0


def field_message(page: str, field: str) -> str | None:
    found = re.search(rf'id="ny-{field}-feil">([^<]*)</p>', page)
    return html.unescape(found.group(1)) if found else None


def summary_links(page: str) -> dict[str, str]:
    block = page.split('class="ds-error-summary"', 1)[1].split("</div>", 1)[0]
    return {field: html.unescape(text) for field, text in re.findall(r'<a href="#ny-(\w+)">([^<]*)</a>', block)}


def visible(page: str) -> str:
    """The page's text without markup, attribute values or the form's own field names."""
    return html.unescape(re.sub(r"<[^>]*>", " ", page))


async def test_an_empty_form_names_every_missing_field_at_once_in_plain_words_and_writes_no_event(
    client: AsyncTestClient, office: Office, other_office: Office, sign_in_as
) -> None:
    await sign_in_as("caseworker", office.slug)
    await client.get(f"/{office.slug}/henvendelser/ny")
    before = (events(office), events(other_office))

    response = await client.post(
        f"/{office.slug}/henvendelser/ny", data={"_csrf_token": client.cookies["ombud_csrf"]}, follow_redirects=False
    )

    assert response.status_code == 422
    assert summary_links(response.text) == EMPTY_FORM_MESSAGES
    for field, message in EMPTY_FORM_MESSAGES.items():
        assert field_message(response.text, field) == message
        assert re.search(
            rf'id="ny-{field}"[^>]*aria-invalid="true"[^>]*aria-describedby="[^"]*ny-{field}-feil', response.text
        )
    assert 'tabindex="-1" autofocus' in response.text  # the summary takes focus, without a script
    assert not any(word in visible(response.text) for word in TECHNICAL), visible(response.text)
    assert (events(office), events(other_office)) == before
    assert has_no_inquiries(office) and has_no_inquiries(other_office)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"received_on": ""}, "received_on", "Skriv mottatt dato, for eksempel 31.12.2024"),
        ({"received_on": "i går"}, "received_on", "Skriv mottatt dato som en dato som finnes, for eksempel 31.12.2024"),
        (
            {"received_on": "30.02.2024"},
            "received_on",
            "Skriv mottatt dato som en dato som finnes, for eksempel 31.12.2024",
        ),
        ({"received_on": "1999-12-31"}, "received_on", "Mottatt dato kan ikke være før 01.01.2000"),
        (
            {"received_on": (today_in_norway() + timedelta(days=1)).strftime("%d.%m.%Y")},
            "received_on",
            "Mottatt dato kan ikke være etter i dag",
        ),
        ({"channel": ""}, "channel", "Velg kanal"),
        ({"channel": "brevdue"}, "channel", "Velg kanal"),
        ({"requester_role": ""}, "requester_role", "Velg innbyggerens rolle"),
        ({"service_area": ""}, "service_area", "Velg tjenesteområde"),
        ({"service_area": "finnes-ikke"}, "service_area", "Velg et tjenesteområde fra listen"),
        (
            {"further_areas": ["helse", "finnes-ikke"]},
            "further_areas",
            "Velg bare tjenesteområder fra listen under «Også gjelder»",
        ),
        ({"case_types": ["finnes_ikke"]}, "case_types", "Velg bare sakstyper fra listen"),
        ({"summary": " \n "}, "summary", "Skriv et kort sammendrag av henvendelsen"),
        ({"summary": "x" * 10_001}, "summary", "Sammendraget kan være høyst 10\u00a0000 tegn"),
        ({"summary": "Fiktiv\x07sak"}, "summary", "Sammendraget inneholder tegn som ikke kan lagres"),
        ({"requester_name": "x" * 201}, "requester_name", "Navnet kan være høyst 200 tegn"),
        ({"requester_name": "Test\x00person"}, "requester_name", "Navnet inneholder tegn som ikke kan lagres"),
        ({"contact": "\x1b[31m"}, "contact", "Kontaktinformasjonen inneholder tegn som ikke kan lagres"),
        (
            {"requester_name": "Test \u202enosrep\u202c"},
            "requester_name",
            "Navnet inneholder tegn som snur skriveretningen",
        ),
        ({"summary": "Fiktiv \u2067sak\u2069"}, "summary", "Sammendraget inneholder tegn som snur skriveretningen"),
        ({"assignee": "ukjent@eksempel.invalid"}, "assignee", "Velg en saksbehandler fra listen"),
    ],
)
async def test_each_field_has_its_own_message_and_nothing_else_is_flagged(
    client: AsyncTestClient, office: Office, sign_in_as, change: dict, field: str, message: str
) -> None:
    await sign_in_as("caseworker", office.slug)
    await client.get(f"/{office.slug}/henvendelser/ny")
    before = events(office)
    response = await client.post(
        f"/{office.slug}/henvendelser/ny", data=filled(client, **change), follow_redirects=False
    )

    assert response.status_code == 422
    assert summary_links(response.text) == {field: message}
    assert field_message(response.text, field) == message
    assert response.text.count('class="ds-validation-message"') == 1
    assert events(office) == before


async def test_the_form_starts_received_today_in_norway_and_assigned_to_the_person_registering(
    client: AsyncTestClient, office: Office, other_office: Office, make_account: Callable[..., Account], sign_in
) -> None:
    me = make_account("caseworker", office.slug)
    colleague = make_account("tenant_admin", office.slug)
    stranger = make_account("caseworker", other_office.slug)
    await sign_in(me)
    page = (await client.get(f"/{office.slug}/henvendelser/ny")).text

    assert re.search(rf'id="ny-received_on"[^>]*value="{today_in_norway().isoformat()}"', page)
    assert f'<option value="{me.email}" selected>' in page
    assert f'<option value="{colleague.email}">' in page
    assert stranger.email not in page
    assert "ds-error-summary" not in page and 'aria-invalid="true"' not in page


async def test_a_new_inquiry_is_the_registrants_own_and_shows_under_mine_open_unless_they_chose_a_colleague(
    client: AsyncTestClient,
    office: Office,
    other_office: Office,
    make_account: Callable[..., Account],
    sign_in,
    worker: ProjectionWorker,
) -> None:
    me = make_account("caseworker", office.slug)
    colleague = make_account("caseworker", office.slug)
    await sign_in(me)
    await client.get(f"/{office.slug}/henvendelser/ny")
    mine = await client.post(f"/{office.slug}/henvendelser/ny", data=filled(client), follow_redirects=False)
    theirs = await client.post(
        f"/{office.slug}/henvendelser/ny", data=filled(client, assignee=colleague.email), follow_redirects=False
    )
    assert (mine.status_code, theirs.status_code) == (303, 303)
    my_reference, their_reference = (r.headers["location"].rsplit("/", 1)[1] for r in (mine, theirs))
    assert office.inquiry(my_reference).assignee == me.email
    assert office.inquiry(their_reference).assignee == colleague.email
    worker.catch_up(office.slug)
    worker.catch_up(other_office.slug)

    overview = (await client.get(f"/{office.slug}/oversikt")).text
    mine_open = overview.split('id="mine"', 1)[1].split("<section", 1)[0]
    assert my_reference in mine_open and their_reference not in mine_open
    assert has_no_inquiries(other_office)


async def test_leaving_a_field_checks_it_with_the_same_words_as_the_full_submit_and_saves_nothing(
    client: AsyncTestClient, office: Office, other_office: Office, sign_in_as
) -> None:
    await sign_in_as("caseworker", office.slug)
    await client.get(f"/{office.slug}/henvendelser/ny")
    wrong = {
        "received_on": "31.02.2024",
        "channel": "",
        "requester_role": "",
        "service_area": "finnes-ikke",
        "summary": "",
        "requester_name": "x" * 201,
        "contact": "a\x00b",
    }
    before = (events(office), events(other_office))
    full = await client.post(f"/{office.slug}/henvendelser/ny", data=filled(client, **wrong), follow_redirects=False)
    for field in wrong:
        inline = await client.post(
            f"/{office.slug}/henvendelser/ny/sjekk/{field}",
            data=filled(client, **wrong),
            headers={"HX-Request": "true"},
        )
        assert inline.status_code == 200
        assert field_message(inline.text, field) == field_message(full.text, field) is not None, field
        assert f'id="ny-{field}-felt"' in inline.text and 'aria-invalid="true"' in inline.text
        assert "<html" not in inline.text and inline.text.count("ds-validation-message") == 1

        fine = await client.post(
            f"/{office.slug}/henvendelser/ny/sjekk/{field}", data=filled(client), headers={"HX-Request": "true"}
        )
        assert fine.status_code == 200 and f'id="ny-{field}-felt"' in fine.text
        assert "ds-validation-message" not in fine.text and "aria-invalid" not in fine.text
    assert (events(office), events(other_office)) == before
    assert has_no_inquiries(office)


async def test_the_page_asks_for_the_check_as_each_field_is_left(
    client: AsyncTestClient, office: Office, sign_in_as
) -> None:
    await sign_in_as("caseworker", office.slug)
    page = (await client.get(f"/{office.slug}/henvendelser/ny")).text
    for field in ("received_on", "channel", "requester_role", "service_area", "summary", "requester_name", "contact"):
        assert re.search(
            rf'id="ny-{field}"[^>]*hx-post="/{office.slug}/henvendelser/ny/sjekk/{field}" hx-trigger="change"'
            rf' hx-target="#ny-{field}-felt"',
            page,
        ), field
    assert 'method="post" action="/' in page  # and the form posts without a script


async def test_the_check_is_only_for_the_forms_fields_and_only_in_ones_own_office(
    client: AsyncTestClient, office: Office, other_office: Office, sign_in_as
) -> None:
    await sign_in_as("caseworker", other_office.slug)
    await client.get(f"/{other_office.slug}/henvendelser/ny")
    form = filled(client)
    assert (await client.post(f"/{office.slug}/henvendelser/ny/sjekk/channel", data=form)).status_code == 404
    assert (await client.post(f"/{other_office.slug}/henvendelser/ny/sjekk/finnes", data=form)).status_code == 404
    assert (await client.post(f"/{other_office.slug}/henvendelser/ny/sjekk/channel", data=form)).status_code == 200


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"received_on": "２０２４-０１-０２"}, "received_on"),
        ({"received_on": "٢٠٢٤-٠١-٠٢"}, "received_on"),
        ({"received_on": "²⁰²⁴-01-02"}, "received_on"),
        ({"received_on": "99999-12-31"}, "received_on"),
        ({"received_on": "31.12.9999"}, "received_on"),
        ({"received_on": "9" * 400}, "received_on"),
        ({"received_on": "2024-01-02\x00"}, "received_on"),
        ({"channel": "phone\x00"}, "channel"),
        ({"service_area": "\x00"}, "service_area"),
        ({"further_areas": ["\x00", "nav"]}, "further_areas"),
        ({"case_types": ["no_reply\x00"]}, "case_types"),
        ({"summary": "\x00"}, "summary"),
        ({"assignee": "\x00"}, "assignee"),
    ],
)
async def test_odd_input_gets_a_field_message_never_a_server_error(
    client: AsyncTestClient, office: Office, other_office: Office, sign_in_as, change: dict, field: str
) -> None:
    await sign_in_as("caseworker", office.slug)
    await client.get(f"/{office.slug}/henvendelser/ny")
    before = (events(office), events(other_office))
    response = await client.post(
        f"/{office.slug}/henvendelser/ny", data=filled(client, **change), follow_redirects=False
    )
    inline = await client.post(f"/{office.slug}/henvendelser/ny/sjekk/received_on", data=filled(client, **change))
    assert response.status_code == 422 and inline.status_code == 200
    assert field in summary_links(response.text)
    assert (events(office), events(other_office)) == before


async def test_another_offices_service_area_is_not_one_of_ours(
    client: AsyncTestClient, office: Office, other_office: Office, sign_in_as, admin: Context
) -> None:
    areas = (*other_office.profile().taxonomies[-1].areas, ServiceArea("kun-annenby", "Bare i Annenby"))
    other_office.publish_taxonomy(admin, on=date(2024, 1, 1), effective_from=date(2024, 1, 1), areas=areas, mapping={})
    await sign_in_as("caseworker", office.slug)
    page = (await client.get(f"/{office.slug}/henvendelser/ny")).text
    assert "kun-annenby" not in page and "Bare i Annenby" not in page
    before = (events(office), events(other_office))
    for change in ({"service_area": "kun-annenby"}, {"further_areas": ["kun-annenby"]}):
        response = await client.post(
            f"/{office.slug}/henvendelser/ny", data=filled(client, **change), follow_redirects=False
        )
        assert response.status_code == 422
        assert set(summary_links(response.text)) == set(change)
    assert (events(office), events(other_office)) == before


async def test_a_received_date_over_a_year_back_is_asked_about_once_and_then_registered(
    client: AsyncTestClient, office: Office, other_office: Office, sign_in_as
) -> None:
    await sign_in_as("caseworker", office.slug)
    await client.get(f"/{office.slug}/henvendelser/ny")
    today = today_in_norway()
    long_ago = today.replace(year=today.year - 2, day=min(today.day, 28))
    before = (events(office), events(other_office))
    asked = await client.post(
        f"/{office.slug}/henvendelser/ny", data=filled(client, received_on=long_ago.isoformat()), follow_redirects=False
    )
    assert asked.status_code == 422
    assert field_message(asked.text, "received_on").startswith(f"Mottatt dato {long_ago:%d.%m.%Y} er mer enn ett år")
    assert 'name="confirm_received_on"' in asked.text and "Ja, datoen er riktig" in asked.text
    assert asked.text.count("ds-validation-message") == 1  # nothing else is wrong
    inline = await client.post(
        f"/{office.slug}/henvendelser/ny/sjekk/received_on",
        data=filled(client, received_on=long_ago.strftime("%d.%m.%Y")),
        headers={"HX-Request": "true"},
    )
    assert field_message(inline.text, "received_on") == field_message(asked.text, "received_on")
    assert 'name="confirm_received_on"' in inline.text
    assert (events(office), events(other_office)) == before
    # Within the year nothing is asked; a date in the future stays refused, confirmed or not.
    recent = await client.post(
        f"/{office.slug}/henvendelser/ny/sjekk/received_on",
        data=filled(client, received_on=(today - timedelta(days=300)).isoformat()),
        headers={"HX-Request": "true"},
    )
    assert "ds-validation-message" not in recent.text and "confirm_received_on" not in recent.text
    future = await client.post(
        f"/{office.slug}/henvendelser/ny",
        data=filled(client, received_on=(today + timedelta(days=1)).isoformat(), confirm_received_on="ja"),
    )
    assert (
        future.status_code == 422
        and field_message(future.text, "received_on") == "Mottatt dato kan ikke være etter i dag"
    )
    confirmed = await client.post(
        f"/{office.slug}/henvendelser/ny",
        data=filled(client, received_on=long_ago.isoformat(), confirm_received_on="ja"),
        follow_redirects=False,
    )
    assert confirmed.status_code == 303
    assert office.inquiry(f"{long_ago.year}-0001").received_on == long_ago
    assert events(other_office) == before[1]
