"""The outreach page: registering an activity, the year's list once projected, and who may see or register what."""

from __future__ import annotations

from datetime import date

import pytest
from litestar.testing import AsyncTestClient

from domain.common import Context
from projections.worker import ProjectionWorker
from services.office import Office
from tests.web.helpers import sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)

ACTIVITY = {
    "held_on": "2025-02-11",
    "kind": "talk",
    "title": "Om ombudet for eldrerådet",
    "audience": "Testby eldreråd",
    "participants": "14",
}


def events(office: Office) -> int:
    return office.app.recorder.max_notification_id() or 0


async def post(client: AsyncTestClient, path: str, data: dict[str, str], *, htmx: bool = False):
    if htmx:
        return await client.post(
            path, data=data, headers={"HX-Request": "true", "x-csrftoken": client.cookies["ombud_csrf"]}
        )
    return await client.post(path, data={**data, "_csrf_token": client.cookies["ombud_csrf"]}, follow_redirects=False)


async def test_a_registered_activity_is_named_at_once_and_listed_once_projected(
    client: AsyncTestClient, office: Office, sign_in_as, worker: ProjectionWorker
) -> None:
    await sign_in_as("caseworker", office.slug)
    response = await post(client, f"/{office.slug}/utadrettet", ACTIVITY)
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "Registrert: «Om ombudet for eldrerådet» (Foredrag, 11.02.2025)" in page.text
    assert "i løpet av noen sekunder" in page.text
    worker.catch_up(office.slug)
    page = await client.get(f"/{office.slug}/utadrettet?year=2025")
    assert "Registrert:" not in page.text  # the note is shown once
    assert "Testby eldreråd" in page.text and "<td>Foredrag</td>" in page.text and "1 aktivitet i 2025." in page.text


async def test_with_htmx_only_the_activities_fragment_comes_back(
    client: AsyncTestClient, office: Office, sign_in_as
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    response = await post(client, f"/{office.slug}/utadrettet", ACTIVITY, htmx=True)
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="aktiviteter"' in response.text
    assert "Om ombudet for eldrerådet" in response.text
    assert events(office) == 2  # the tenant's registration, and the activity


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("held_on", "i går"),
        ("held_on", "2999-01-01"),
        ("title", " "),
        ("audience", ""),
        ("kind", "party"),
        ("participants", "mange"),
    ],
)
async def test_bad_input_is_named_at_its_field_and_nothing_is_written(
    client: AsyncTestClient, office: Office, sign_in_as, field: str, value: str
) -> None:
    await sign_in_as("caseworker", office.slug)
    before = events(office)
    response = await post(client, f"/{office.slug}/utadrettet", {**ACTIVITY, field: value})
    assert response.status_code == 422
    assert f'href="#outreach-{field}"' in response.text and f'id="outreach-{field}-feil"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert events(office) == before


async def test_an_auditor_reads_the_list_but_cannot_register(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as, worker: ProjectionWorker
) -> None:
    office.register_outreach(
        caseworker, held_on=date(2024, 5, 2), kind="stand", title="Stand på torget", audience="Innbyggere"
    )
    worker.catch_up(office.slug)
    await sign_in_as("auditor", office.slug)
    page = await client.get(f"/{office.slug}/utadrettet")
    assert page.status_code == 200 and "Stand på torget" in page.text and "Registrer aktivitet" not in page.text
    before = events(office)
    response = await post(client, f"/{office.slug}/utadrettet", ACTIVITY)
    assert response.status_code == 404
    assert events(office) == before


async def test_a_caseworker_cannot_see_another_tenants_outreach(
    client: AsyncTestClient,
    office: Office,
    other_office: Office,
    caseworker: Context,
    sign_in_as,
    worker: ProjectionWorker,
) -> None:
    office.register_outreach(
        caseworker, held_on=date(2025, 1, 9), kind="course", title="Kurs for Prøveby", audience="Ansatte"
    )
    worker.catch_up(office.slug)
    worker.catch_up(other_office.slug)
    await sign_in_as("caseworker", other_office.slug)
    assert "Kurs for Prøveby" not in (await client.get(f"/{other_office.slug}/utadrettet?year=2025")).text
    assert (await client.get(f"/{office.slug}/utadrettet")).status_code == 404
    before = events(office)
    assert (await post(client, f"/{office.slug}/utadrettet", ACTIVITY)).status_code == 404
    assert events(office) == before


async def test_a_network_account_gets_404(client: AsyncTestClient, office: Office, sign_in_as) -> None:
    await sign_in_as("network", None)
    assert (await client.get(f"/{office.slug}/utadrettet")).status_code == 404
