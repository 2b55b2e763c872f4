"""People by name: the administrator names staff, and the name shows wherever a person acts or is chosen."""

from __future__ import annotations

import logging
import re
import uuid
from datetime import date

import psycopg
import pytest
from litestar.testing import AsyncTestClient

from domain.common import Context
from projections.worker import ProjectionWorker
from services.case_commands import Assign
from services.office import Office
from tests import factories
from tests.web.helpers import (
    accounts_out_of_reach,
    post,
    sign_in_as_fixture,  # noqa: F401 (the fixture `sign_in_as`)
)

NAME = "Kari Prøvesen"
OTHER_NAME = "Per Annensen"


def stored_name(admin_database_url: str, account_id: object) -> str | None:
    with psycopg.connect(admin_database_url) as conn:
        return conn.execute("SELECT display_name FROM platform.accounts WHERE id = %s", (account_id,)).fetchone()[0]


def changes(admin_database_url: str, account_id: object) -> list[tuple[str, str]]:
    with psycopg.connect(admin_database_url) as conn:
        rows = conn.execute(
            "SELECT tenant_id, change FROM audit.account_records WHERE account_id = %s ORDER BY id", (account_id,)
        )
        return rows.fetchall()


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


async def test_an_administrator_names_a_colleague_and_the_name_shows_wherever_they_act_or_are_chosen(
    client: AsyncTestClient,
    office: Office,
    other_office: Office,
    make_account,
    sign_in,
    sign_in_as,
    worker: ProjectionWorker,
    admin_database_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    admin = make_account("tenant_admin", office.slug)
    colleague = make_account("caseworker", office.slug)
    await sign_in(admin)
    response = await post(client, f"/{office.slug}/admin/brukere/{colleague.id}/navn", {"display_name": f" {NAME} "})
    assert response.status_code == 303 and response.headers["location"] == f"/{office.slug}/admin#brukere"
    assert stored_name(admin_database_url, colleague.id) == NAME
    assert changes(admin_database_url, colleague.id) == [(office.slug, "created"), (office.slug, "name_set")]
    page = await client.get(f"/{office.slug}/admin")
    assert f'<th scope="row">{NAME}</th>' in page.text

    ctx = Context(str(colleague.id), "caseworker", str(uuid.uuid4()))
    reference = factories.receive(office, ctx, received_on=date(2025, 3, 3), summary="Fiktiv testsak").reference
    office.handle(ctx, Assign(inquiry=reference, on=date(2025, 3, 4), assignee=colleague.email))
    factories.receive(
        other_office,  # the other tenant's case, assigned by address to someone of its own
        Context("annen", "caseworker", str(uuid.uuid4())),
        received_on=date(2025, 3, 3),
        summary="Den andre kommunens sak",
    )
    worker.catch_up(office.slug)
    worker.catch_up(other_office.slug)

    await sign_in(colleague)
    assert f"Innlogget som {NAME}" in (await client.get(f"/{office.slug}/henvendelser")).text
    listing = await client.get(f"/{office.slug}/henvendelser")
    assert f'<option value="{colleague.email}">{NAME}</option>' in listing.text  # chosen by name, filtered by address
    assert f"<td>{NAME}</td>" in listing.text and f"<td>{colleague.email}</td>" not in listing.text
    filtered = await client.get(f"/{office.slug}/henvendelser", params={"assignee": colleague.email})
    assert reference in filtered.text and f'<option value="{colleague.email}" selected>{NAME}</option>' in filtered.text
    case = await client.get(f"/{office.slug}/henvendelser/{reference}")
    assert f"{NAME} (saksbehandler)" in text_of(case.text)  # the timeline
    assert f"<dd>{NAME}</dd>" in case.text  # the case's caseworker
    assert f'<option value="{colleague.email}" selected>{NAME}</option>' in case.text  # the assignment choice
    dashboard = await client.get(f"/{office.slug}/oversikt")
    assert reference in dashboard.text and f"Innlogget som {NAME}" in dashboard.text  # the case under «Mine åpne»
    assert not [record for record in caplog.records if NAME in record.getMessage()]  # personal data: never logged

    await sign_in_as("tenant_admin", other_office.slug)
    for path in (f"/{other_office.slug}/admin", f"/{other_office.slug}/henvendelser", f"/{other_office.slug}/oversikt"):
        assert NAME not in (await client.get(path)).text


async def test_a_name_set_with_htmx_answers_with_the_accounts_section_and_a_blank_name_shows_the_email(
    client: AsyncTestClient, office: Office, sign_in_as, admin_database_url: str
) -> None:
    admin = await sign_in_as("tenant_admin", office.slug)
    path = f"/{office.slug}/admin/brukere/{admin.id}/navn"  # one's own name too
    response = await post(client, path, {"display_name": NAME}, htmx=True)
    assert response.status_code == 200 and "<html" not in response.text and 'id="brukere"' in response.text
    assert "Navnet er lagret." in response.text and f"Innlogget som {NAME}" in (await client.get("/")).text
    response = await post(client, path, {"display_name": "  "}, htmx=True)
    assert response.status_code == 200 and stored_name(admin_database_url, admin.id) is None
    assert f"Innlogget som {admin.email}" in (await client.get(f"/{office.slug}/admin")).text


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("Kari\x00Prøvesen", "Navnet kan ikke inneholde linjeskift eller kontrolltegn"),
        ("Kari\r\nPrøvesen", "Navnet kan ikke inneholde linjeskift eller kontrolltegn"),
        ("K" * 101, "Navnet kan ha høyst 100 tegn"),
        ("K" * 100_000, "Navnet kan ha høyst 100 tegn"),
    ],
)
async def test_an_odd_name_is_refused_in_norwegian_and_nothing_changes(
    client: AsyncTestClient, office: Office, make_account, sign_in, admin_database_url: str, typed: str, says: str
) -> None:
    admin = make_account("tenant_admin", office.slug)
    colleague = make_account("caseworker", office.slug)
    await sign_in(admin)
    for htmx in (False, True):
        response = await post(
            client, f"/{office.slug}/admin/brukere/{colleague.id}/navn", {"display_name": typed}, htmx=htmx
        )
        assert response.status_code == 422 and says in response.text
        assert f'id="navn-{colleague.id}" ' in response.text and 'aria-invalid="true"' in response.text
    assert stored_name(admin_database_url, colleague.id) is None
    assert changes(admin_database_url, colleague.id) == [(office.slug, "created")]


async def test_a_new_account_gets_its_name_from_the_admin_form_and_a_bad_one_names_the_field(
    client: AsyncTestClient, office: Office, sign_in_as, admin_database_url: str
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    email = f"ny-{uuid.uuid4().hex[:8]}@eksempel.invalid"
    form = {
        "email": email,
        "role": "auditor",
        "password": "et-langt-testpassord",
        "password_repeat": "et-langt-testpassord",
    }
    refused = await post(client, f"/{office.slug}/admin/brukere", {**form, "display_name": "A\x07B"}, htmx=True)
    assert refused.status_code == 422 and "Navn: Navnet kan ikke inneholde" in text_of(refused.text)
    created = await post(client, f"/{office.slug}/admin/brukere", {**form, "display_name": OTHER_NAME})
    assert created.status_code == 303
    with psycopg.connect(admin_database_url) as conn:
        assert conn.execute("SELECT display_name FROM platform.accounts WHERE email = %s", (email,)).fetchone() == (
            OTHER_NAME,
        )


async def test_another_tenants_administrator_cannot_name_an_account(
    client: AsyncTestClient, office: Office, other_office: Office, make_account, sign_in_as, admin_database_url: str
) -> None:
    out_of_reach = accounts_out_of_reach(make_account, office, other_office, "navn")
    theirs, network = out_of_reach.theirs, out_of_reach.network
    await sign_in_as("tenant_admin", other_office.slug)
    for path in out_of_reach.paths:
        assert (await post(client, path, {"display_name": "Inntrenger"})).status_code == 404
    assert stored_name(admin_database_url, theirs.id) is None and stored_name(admin_database_url, network.id) is None
    await sign_in_as("caseworker", office.slug)  # a caseworker is no administrator
    assert (
        await post(client, f"/{office.slug}/admin/brukere/{theirs.id}/navn", {"display_name": "X"})
    ).status_code == 404
