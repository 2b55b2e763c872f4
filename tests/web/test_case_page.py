"""The inquiry page: access recorded before data is sent, events appended in place, conflicts shown, roles kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import psycopg
import pytest
from litestar.testing import AsyncTestClient

from domain.account import Account
from domain.common import Context
from services.office import Office
from services.platform import Platform

SUMMARY = "Testsak om manglende svar (fiktiv)"


@pytest.fixture
def office(platform: Platform, admin: Context, new_slug) -> Office:
    return platform.create_tenant(admin, slug=new_slug(), name="Prøveby kommune")


@pytest.fixture
def reference(office: Office, caseworker: Context) -> str:
    return office.receive(
        caseworker, received_on=date(2025, 3, 3), channel="phone", requester_role="user",
        service_area="Helse", case_types=["no_reply"], summary=SUMMARY, requester_name="Testesen, Demo",
    ).reference  # fmt: skip


def access_records(database_url: str, tenant: str) -> list[tuple[str, str]]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT role, purpose FROM audit.access_records WHERE tenant_id = %s", (tenant,))
        return rows.fetchall()


async def test_opening_an_inquiry_records_the_access_and_shows_its_timeline(
    client: AsyncTestClient, office: Office, reference: str, make_account: Callable[..., Account], sign_in, database_url: str
) -> None:
    await sign_in(make_account("auditor", office.slug))
    page = await client.get(f"/{office.slug}/henvendelser/{reference}")
    assert page.status_code == 200
    assert SUMMARY in page.text and "Mottatt" in page.text
    assert "Registrer" not in page.text  # an auditor reads, never writes
    assert access_records(database_url, office.slug) == [("auditor", "saksbehandling")]


async def test_no_access_record_no_data(
    client: AsyncTestClient, office: Office, reference: str, make_account, sign_in, monkeypatch: pytest.MonkeyPatch
) -> None:
    await sign_in(make_account("caseworker", office.slug))

    async def broken(*args: object, **kwargs: object) -> None:
        raise OSError("the audit table is unreachable")

    monkeypatch.setattr("web.case_page.record_access", broken)
    page = await client.get(f"/{office.slug}/henvendelser/{reference}")
    assert page.status_code == 500
    assert SUMMARY not in page.text and "Testesen" not in page.text


async def test_an_action_from_htmx_appends_the_event_and_returns_only_the_case(
    client: AsyncTestClient, office: Office, reference: str, make_account, sign_in
) -> None:
    await sign_in(make_account("caseworker", office.slug))
    response = await client.post(
        f"/{office.slug}/henvendelser/{reference}/tildel",
        data={"assignee": "Rådgiver Test", "on": "2025-03-04", "expected_version": "1"},
        headers={"HX-Request": "true", "x-csrftoken": client.cookies["ombud_csrf"]},
    )
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="sak"' in response.text
    assert "Tildelt" in response.text and "Rådgiver Test" in response.text
    assert office.inquiry(reference).assignee == "Rådgiver Test"


async def test_without_javascript_an_action_redirects_back_to_the_page(
    client: AsyncTestClient, office: Office, reference: str, make_account, sign_in
) -> None:
    await sign_in(make_account("caseworker", office.slug))
    response = await client.post(
        f"/{office.slug}/henvendelser/{reference}/foreløpig-svar",
        data={"on": "2025-03-05", "_csrf_token": client.cookies["ombud_csrf"]},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert office.inquiry(reference).interim_reply_on == date(2025, 3, 5)


async def test_a_colleagues_change_is_shown_as_a_conflict_and_the_typed_text_kept(
    client: AsyncTestClient, office: Office, reference: str, caseworker: Context, make_account, sign_in
) -> None:
    await sign_in(make_account("caseworker", office.slug))
    office.add_note(caseworker, reference, on=date(2025, 3, 4), text="En kollega skrev først")  # now version 2
    response = await client.post(
        f"/{office.slug}/henvendelser/{reference}/tildel",
        data={"assignee": "Ny Saksbehandler", "on": "2025-03-04", "expected_version": "1"},
        headers={"HX-Request": "true", "x-csrftoken": client.cookies["ombud_csrf"]},
    )
    assert response.status_code == 409
    assert "En kollega endret saken" in response.text
    assert 'value="Ny Saksbehandler"' in response.text
    assert office.inquiry(reference).assignee is None


async def test_a_broken_rule_is_named_next_to_its_field(
    client: AsyncTestClient, office: Office, reference: str, make_account, sign_in
) -> None:
    await sign_in(make_account("caseworker", office.slug))
    response = await client.post(
        f"/{office.slug}/henvendelser/{reference}/avslutt",
        data={"outcome": "assisted", "on": "2025-01-01", "expected_version": "1"},
        headers={"HX-Request": "true", "x-csrftoken": client.cookies["ombud_csrf"]},
    )
    assert response.status_code == 422
    assert 'href="#avslutt-on"' in response.text
    assert office.inquiry(reference).status == "open"


@pytest.mark.parametrize("role", ["auditor", "network"])
async def test_roles_without_case_work_cannot_append_events(
    client: AsyncTestClient, office: Office, reference: str, make_account, sign_in, role: str
) -> None:
    await sign_in(make_account(role, office.slug if role == "auditor" else None))
    response = await client.post(
        f"/{office.slug}/henvendelser/{reference}/notat",
        data={"text": "forsøk", "expected_version": "1"},
        headers={"x-csrftoken": client.cookies["ombud_csrf"]},
    )
    assert response.status_code == 404
    assert office.inquiry(reference).notes == 0
