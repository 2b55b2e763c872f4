"""The inquiry page: access recorded before data is sent, events appended in place, conflicts shown, roles kept."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest
from litestar.testing import AsyncTestClient

from domain.common import Context
from services.case_commands import AddNote
from services.office import Office
from tests import factories
from tests.web.helpers import (
    access_records_cannot_be_written,
    act,
    sign_in_as_fixture,  # noqa: F401 (the fixture `sign_in_as`)
)

SUMMARY = "Testsak om manglende svar (fiktiv)"


@pytest.fixture
def reference(office: Office, caseworker: Context) -> str:
    return factories.case(
        office, caseworker, received_on=date(2025, 3, 3), summary=SUMMARY, requester_name="Testesen, Demo"
    )


def access_records(database_url: str, tenant: str) -> list[tuple[str, str]]:
    with psycopg.connect(database_url) as conn, conn.transaction():
        conn.execute("SELECT set_config('app.tenant_id', %s, true)", (tenant,))
        rows = conn.execute("SELECT role, purpose FROM audit.access_records WHERE tenant_id = %s", (tenant,))
        return rows.fetchall()


async def test_opening_an_inquiry_records_the_access_and_shows_its_timeline(
    client: AsyncTestClient, office: Office, reference: str, sign_in_as, database_url: str
) -> None:
    await sign_in_as("auditor", office.slug)
    page = await client.get(f"/{office.slug}/henvendelser/{reference}")
    assert page.status_code == 200
    assert SUMMARY in page.text and "Mottatt" in page.text
    assert "Registrer" not in page.text  # an auditor reads, never writes
    assert access_records(database_url, office.slug) == [("auditor", "saksbehandling")]


async def test_no_access_record_no_data(
    client: AsyncTestClient, office: Office, reference: str, sign_in_as, monkeypatch: pytest.MonkeyPatch
) -> None:
    await sign_in_as("caseworker", office.slug)
    access_records_cannot_be_written(monkeypatch)
    page = await client.get(f"/{office.slug}/henvendelser/{reference}")
    assert page.status_code == 503  # an unreachable store: "try again shortly", and no data
    assert SUMMARY not in page.text and "Testesen" not in page.text


async def test_an_action_from_htmx_appends_the_event_and_returns_only_the_case(
    client: AsyncTestClient, office: Office, reference: str, sign_in_as
) -> None:
    me = await sign_in_as("caseworker", office.slug)
    response = await act(
        client, office, reference, "tildel", {"assignee": me.email, "on": "2025-03-04", "expected_version": "1"}
    )
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="sak"' in response.text
    assert "Tildelt" in response.text and me.email in response.text
    assert office.inquiry(reference).assignee == me.email


async def test_the_assign_form_offers_the_offices_case_workers_and_preselects_the_signed_in_person(
    client: AsyncTestClient,
    office: Office,
    reference: str,
    make_account,
    sign_in,
    other_office: Office,
) -> None:
    me, boss = make_account("caseworker", office.slug), make_account("tenant_admin", office.slug)
    auditor = make_account("auditor", office.slug)
    stranger = make_account("caseworker", other_office.slug)
    await sign_in(me)
    page = await client.get(f"/{office.slug}/henvendelser/{reference}")
    assign = page.text.split('id="tildel-assignee"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{me.email}" selected>' in assign and f'<option value="{boss.email}">' in assign
    assert auditor.email not in assign and stranger.email not in assign


async def test_without_javascript_an_action_redirects_back_to_the_page(
    client: AsyncTestClient, office: Office, reference: str, sign_in_as
) -> None:
    await sign_in_as("caseworker", office.slug)
    response = await client.post(
        f"/{office.slug}/henvendelser/{reference}/foreløpig-svar",
        data={"on": "2025-03-05", "_csrf_token": client.cookies["ombud_csrf"]},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert office.inquiry(reference).interim_reply_on == date(2025, 3, 5)


async def test_a_colleagues_change_is_shown_as_a_conflict_and_the_typed_text_kept(
    client: AsyncTestClient, office: Office, reference: str, caseworker: Context, make_account, sign_in_as
) -> None:
    await sign_in_as("caseworker", office.slug)
    colleague = make_account("caseworker", office.slug)
    office.handle(
        caseworker, AddNote(inquiry=reference, on=date(2025, 3, 4), text="En kollega skrev først")
    )  # now version 2
    response = await act(
        client, office, reference, "tildel", {"assignee": colleague.email, "on": "2025-03-04", "expected_version": "1"}
    )
    assert response.status_code == 409
    assert "En kollega endret saken" in response.text
    assert f'<option value="{colleague.email}" selected>' in response.text
    assert office.inquiry(reference).assignee is None


async def test_a_broken_rule_is_named_next_to_its_field(
    client: AsyncTestClient, office: Office, reference: str, sign_in_as
) -> None:
    await sign_in_as("caseworker", office.slug)
    response = await act(
        client, office, reference, "avslutt", {"outcome": "assisted", "on": "2025-01-01", "expected_version": "1"}
    )
    assert response.status_code == 422
    assert 'href="#avslutt-on"' in response.text
    assert office.inquiry(reference).status == "open"


@pytest.mark.parametrize("role", ["auditor", "network"])
async def test_roles_without_case_work_cannot_append_events(
    client: AsyncTestClient, office: Office, reference: str, sign_in_as, role: str
) -> None:
    await sign_in_as(role, office.slug if role == "auditor" else None)
    response = await client.post(
        f"/{office.slug}/henvendelser/{reference}/notat",
        data={"text": "forsøk", "expected_version": "1"},
        headers={"x-csrftoken": client.cookies["ombud_csrf"]},
    )
    assert response.status_code == 404
    assert office.inquiry(reference).notes == 0


RECATEGORISED = {
    "service_area": "nav",
    "further_areas": ["helse", "barnevern"],
    "case_types": ["complaint_help", "illegality"],
    "outside_mandate": "ja",
    "on": "2025-03-04",
    "expected_version": "1",
}


async def test_the_recategorise_form_shows_the_current_categories_ticked(
    client: AsyncTestClient, office: Office, reference: str, sign_in_as
) -> None:
    await sign_in_as("caseworker", office.slug)
    page = await client.get(f"/{office.slug}/henvendelser/{reference}")
    form = page.text.split('/omkategoriser"', 1)[1].split("</form>", 1)[0]
    assert '<option value="helse" selected>' in form
    assert 'name="case_types" value="no_reply" checked' in form
    assert 'name="case_types" value="complaint_help">' in form and 'name="outside_mandate" value="ja">' in form


async def test_recategorising_from_htmx_replaces_areas_case_types_and_mandate(
    client: AsyncTestClient, office: Office, reference: str, sign_in_as
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    response = await act(client, office, reference, "omkategoriser", RECATEGORISED)
    assert response.status_code == 200
    assert "<html" not in response.text and "Omkategorisert" in response.text
    inquiry = office.inquiry(reference)
    assert (inquiry.primary_area, inquiry.further_areas) == ("nav", ["helse", "barnevern"])
    assert inquiry.case_types == ["complaint_help", "illegality"] and inquiry.outside_mandate


async def test_without_javascript_recategorising_redirects_and_an_unticked_box_clears_the_mandate_flag(
    client: AsyncTestClient, office: Office, reference: str, sign_in_as
) -> None:
    await sign_in_as("caseworker", office.slug)
    form = {**RECATEGORISED, "outside_mandate": None, "further_areas": [], "_csrf_token": client.cookies["ombud_csrf"]}
    response = await client.post(
        f"/{office.slug}/henvendelser/{reference}/omkategoriser",
        data={key: value for key, value in form.items() if value is not None},
        follow_redirects=False,
    )
    assert response.status_code == 303
    inquiry = office.inquiry(reference)
    assert (inquiry.primary_area, inquiry.further_areas, inquiry.outside_mandate) == ("nav", [], False)


async def test_an_unknown_case_type_is_named_at_its_checkboxes_and_nothing_changes(
    client: AsyncTestClient, office: Office, reference: str, sign_in_as
) -> None:
    await sign_in_as("caseworker", office.slug)
    response = await act(client, office, reference, "omkategoriser", {**RECATEGORISED, "case_types": ["finnes_ikke"]})
    assert response.status_code == 422
    assert 'href="#omkategoriser-case_types"' in response.text and 'id="omkategoriser-case_types-feil"' in response.text
    assert 'name="further_areas" value="barnevern" checked' in response.text  # what was ticked stays ticked
    inquiry = office.inquiry(reference)
    assert (inquiry.version, inquiry.primary_area, inquiry.case_types) == (1, "helse", ["no_reply"])


async def test_recategorising_after_a_colleagues_change_is_a_conflict(
    client: AsyncTestClient, office: Office, reference: str, caseworker: Context, sign_in_as
) -> None:
    await sign_in_as("caseworker", office.slug)
    office.handle(caseworker, AddNote(inquiry=reference, on=date(2025, 3, 4), text="En kollega skrev først"))
    response = await act(client, office, reference, "omkategoriser", RECATEGORISED)
    assert response.status_code == 409
    assert office.inquiry(reference).primary_area == "helse"


async def test_an_auditor_and_another_offices_caseworker_cannot_recategorise(
    client: AsyncTestClient,
    office: Office,
    reference: str,
    make_account,
    sign_in,
    other_office: Office,
    caseworker: Context,
) -> None:
    other = other_office
    own_reference = factories.receive(
        other, caseworker, received_on=date(2025, 3, 3), case_types=["no_reply"], summary="Annen kommunes sak (fiktiv)"
    ).reference
    for account in (make_account("auditor", office.slug), make_account("caseworker", other.slug)):
        await sign_in(account)
        response = await client.post(
            f"/{office.slug}/henvendelser/{reference}/omkategoriser",
            data=RECATEGORISED,
            headers={"x-csrftoken": client.cookies["ombud_csrf"]},
        )
        assert response.status_code == 404
    assert office.inquiry(reference).version == 1 and other.inquiry(own_reference).version == 1
