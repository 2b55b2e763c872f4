"""Registering a new inquiry: the office's own form, every broken rule at its field, nothing written on bad input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from litestar.testing import AsyncTestClient

from domain.account import Account
from domain.common import today_in_norway
from services.office import InquiryNotFound, Office

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
    client: AsyncTestClient, office: Office, make_account: Callable[..., Account], sign_in
) -> None:
    await sign_in(make_account("caseworker", office.slug))
    page = await client.get(f"/{office.slug}/henvendelser/ny")
    assert page.status_code == 200
    for label in LABELS:
        assert label in page.text, label
    assert f'value="{today_in_norway().isoformat()}"' in page.text
    assert ">Telefon</option>" in page.text and ">Pårørende</option>" in page.text
    assert 'name="case_types" value="no_reply"' in page.text
    assert 'aria-current="page"' in page.text and "/henvendelser/ny" in page.text


async def test_without_javascript_a_valid_form_registers_the_inquiry_and_opens_its_page(
    client: AsyncTestClient, office: Office, other_office: Office, make_account: Callable[..., Account], sign_in
) -> None:
    await sign_in(make_account("caseworker", office.slug))
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
    client: AsyncTestClient, office: Office, make_account: Callable[..., Account], sign_in
) -> None:
    await sign_in(make_account("tenant_admin", office.slug))
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
    client: AsyncTestClient, office: Office, make_account: Callable[..., Account], sign_in, change: dict, field: str
) -> None:
    await sign_in(make_account("caseworker", office.slug))
    await client.get(f"/{office.slug}/henvendelser/ny")
    response = await client.post(
        f"/{office.slug}/henvendelser/ny", data=filled(client, **change), follow_redirects=False
    )

    assert response.status_code == 422
    assert 'role="alert"' in response.text and f'href="#ny-{field}"' in response.text
    assert f'id="ny-{field}-feil"' in response.text and 'aria-invalid="true"' in response.text
    assert 'value="Testesen Testperson"' in response.text and 'value="testperson@eksempel.invalid"' in response.text
    assert 'value="barnevern" checked' in response.text
    assert has_no_inquiries(office)


@pytest.mark.parametrize("role", ["auditor", "network"])
async def test_roles_without_case_work_can_neither_open_nor_post_the_form(
    client: AsyncTestClient, office: Office, make_account: Callable[..., Account], sign_in, role: str
) -> None:
    await sign_in(make_account(role, office.slug if role == "auditor" else None))
    assert (await client.get(f"/{office.slug}/henvendelser/ny")).status_code == 404
    response = await client.post(f"/{office.slug}/henvendelser/ny", data=filled(client), follow_redirects=False)
    assert response.status_code == 404
    assert has_no_inquiries(office)


async def test_a_caseworker_cannot_register_in_another_tenant(
    client: AsyncTestClient, office: Office, other_office: Office, make_account: Callable[..., Account], sign_in
) -> None:
    await sign_in(make_account("caseworker", other_office.slug))
    assert (await client.get(f"/{office.slug}/henvendelser/ny")).status_code == 404
    response = await client.post(f"/{office.slug}/henvendelser/ny", data=filled(client), follow_redirects=False)
    assert response.status_code == 404
    assert has_no_inquiries(office) and has_no_inquiries(other_office)
