"""The outreach page: registering an activity, the year's list once projected, and who may see or register what."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import httpx
import pytest
from litestar.testing import AsyncTestClient

from domain.common import Context, today_in_norway
from domain.inquiry import Inquiry
from projections.worker import ProjectionWorker
from services.office import Office
from tests.factories import receive
from tests.helpers import query
from tests.web.helpers import SignInAs, post, sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)

ACTIVITY = {
    "held_on": "2025-02-11",
    "kind": "talk",
    "title": "Om ombudet for eldrerådet",
    "audience": "Testby eldreråd",
    "participants": "14",
}


def events(office: Office) -> int:
    return office.app.recorder.max_notification_id() or 0


async def test_a_registered_activity_is_named_at_once_and_listed_once_projected(
    client: AsyncTestClient, office: Office, sign_in_as, worker: ProjectionWorker
) -> None:
    await sign_in_as("caseworker", office.slug)
    response = await post(client, f"/{office.slug}/utadrettet", ACTIVITY)
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "Registrert: «Om ombudet for eldrerådet» (Foredrag, 11.02.2025)" in page.text
    assert '<th scope="row">Om ombudet for eldrerådet</th>' in page.text  # listed at once, worker or not
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
    assert '<th scope="row">Om ombudet for eldrerådet</th>' in response.text and "1 aktivitet i 2025." in response.text
    assert events(office) == 2  # the tenant's registration, and the activity


async def refused_registration(
    client: AsyncTestClient, office: Office, sign_in_as: SignInAs, field: str, value: str
) -> httpx.Response:
    """The activity with that one field typed otherwise, posted by a caseworker: refused (422), nothing written."""
    await sign_in_as("caseworker", office.slug)
    before = events(office)
    response = await post(client, f"/{office.slug}/utadrettet", {**ACTIVITY, field: value})
    assert response.status_code == 422
    assert events(office) == before
    return response


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
    response = await refused_registration(client, office, sign_in_as, field, value)
    assert f'href="#outreach-{field}"' in response.text and f'id="outreach-{field}-feil"' in response.text
    assert 'aria-invalid="true"' in response.text


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


def outreach_rows(admin_database_url: str, tenant: str) -> list[tuple[str, str, int | None]]:
    sql = "SELECT title, kind, participants FROM read.outreach WHERE tenant_id = %s ORDER BY title"
    return query(admin_database_url, sql, (tenant,))


@pytest.mark.parametrize("typed", ["1 200", "1\u00a0200", "1\u202f200", " 1200 "])
async def test_a_participant_count_is_read_as_people_type_it(
    client: AsyncTestClient, office: Office, sign_in_as, worker: ProjectionWorker, admin_database_url: str, typed: str
) -> None:
    await sign_in_as("caseworker", office.slug)
    assert (await post(client, f"/{office.slug}/utadrettet", {**ACTIVITY, "participants": typed})).status_code == 303
    worker.catch_up(office.slug)
    assert outreach_rows(admin_database_url, office.slug) == [("Om ombudet for eldrerådet", "talk", 1200)]


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("99 999 999 999", "fra 0 til 2\u00a0147\u00a0483\u00a0647"),
        ("1" + "0" * 5000, "fra 0 til"),
        ("20 000 000", "kan ikke være større enn 10\u00a0000\u00a0000"),
        ("١٢", "sifrene 0–9"),
        ("12 00", "sifrene 0–9"),
        ("=1+1", "sifrene 0–9"),
        ("1\x00", "sifrene 0–9"),
    ],
)
async def test_an_odd_participant_count_is_refused_at_its_field_in_words(
    client: AsyncTestClient, office: Office, sign_in_as, typed: str, said: str
) -> None:
    response = await refused_registration(client, office, sign_in_as, "participants", typed)
    assert 'href="#outreach-participants"' in response.text
    assert said in response.text.split('id="outreach-participants-feil">')[1].split("</p>")[0]


async def test_an_activity_is_corrected_and_deleted_without_javascript_and_the_counts_follow(
    client: AsyncTestClient,
    office: Office,
    caseworker: Context,
    sign_in_as,
    worker: ProjectionWorker,
    admin_database_url: str,
) -> None:
    activity = office.register_outreach(
        caseworker, held_on=date(2025, 3, 4), kind="talk", title="Foredrag i Testby", audience="Innbyggere"
    )
    worker.catch_up(office.slug)
    await sign_in_as("caseworker", office.slug)
    page = await client.get(f"/{office.slug}/utadrettet?year=2025")
    assert f'href="/{office.slug}/utadrettet/{activity}"' in page.text
    form = await client.get(f"/{office.slug}/utadrettet/{activity}")
    assert form.status_code == 200 and 'value="Foredrag i Testby"' in form.text and 'value="2025-03-04"' in form.text
    corrected = {"held_on": "05.03.2024", "kind": "course", "title": "Kurs i Testby", "audience": "Ansatte"}
    response = await post(client, f"/{office.slug}/utadrettet/{activity}", {**corrected, "participants": "1 200"})
    assert response.status_code == 303 and "year=2024" in response.headers["location"]
    page = await client.get(response.headers["location"])  # before the worker has the correction
    assert (
        "Rettet: «Kurs i Testby» (Kurs, 05.03.2024)." in page.text and '<th scope="row">Kurs i Testby</th>' in page.text
    )
    worker.catch_up(office.slug)
    assert outreach_rows(admin_database_url, office.slug) == [("Kurs i Testby", "course", 1200)]
    assert "Foredrag i Testby" not in (await client.get(f"/{office.slug}/utadrettet?year=2025")).text
    before = events(office)
    response = await post(client, f"/{office.slug}/utadrettet/{activity}/slett", {})
    assert response.status_code == 303 and events(office) == before + 1
    page = await client.get(response.headers["location"])
    assert "Slettet: «Kurs i Testby»" in page.text and '<th scope="row">Kurs i Testby</th>' not in page.text
    worker.catch_up(office.slug)
    assert outreach_rows(admin_database_url, office.slug) == []
    # A second post (a reload, a double click) changes nothing and finds nothing.
    assert (await post(client, f"/{office.slug}/utadrettet/{activity}/slett", {})).status_code == 404
    assert (await post(client, f"/{office.slug}/utadrettet/{activity}", corrected)).status_code == 404
    assert (await client.get(f"/{office.slug}/utadrettet/{activity}")).status_code == 404
    assert events(office) == before + 1


async def test_a_correction_reports_every_problem_at_once_and_writes_nothing(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as
) -> None:
    activity = office.register_outreach(
        caseworker, held_on=date(2025, 3, 4), kind="talk", title="Foredrag i Testby", audience="Innbyggere"
    )
    await sign_in_as("caseworker", office.slug)
    before = events(office)
    typed = {"held_on": "2999-01-01", "kind": "fest", "title": "Test\x00", "audience": "", "participants": "²"}
    response = await post(client, f"/{office.slug}/utadrettet/{activity}", typed)
    assert response.status_code == 422 and "Rettelsen ble ikke lagret" in response.text
    for field in ("held_on", "kind", "title", "audience", "participants"):
        assert f'href="#outreach-{field}"' in response.text
    response = await post(
        client,
        f"/{office.slug}/utadrettet/{activity}",
        {"held_on": (today_in_norway() + timedelta(days=2)).isoformat(), "kind": "talk", "title": "T", "audience": "A"},
    )
    assert response.status_code == 422 and 'href="#outreach-held_on"' in response.text  # the domain's own rule
    assert "fram i tid" in response.text
    assert events(office) == before


async def test_other_ids_and_other_roles_reach_no_activity(
    client: AsyncTestClient,
    office: Office,
    other_office: Office,
    caseworker: Context,
    sign_in_as,
) -> None:
    theirs = other_office.register_outreach(
        caseworker, held_on=date(2025, 3, 4), kind="talk", title="Prøvebys foredrag", audience="Innbyggere"
    )
    ours = office.register_outreach(
        caseworker, held_on=date(2025, 3, 4), kind="talk", title="Vårt foredrag", audience="Innbyggere"
    )
    inquiry = receive(office, caseworker)
    await sign_in_as("caseworker", office.slug)
    before, theirs_before = events(office), events(other_office)
    odd = [
        str(theirs),
        str(uuid.uuid4()),
        "ikke-en-id",
        "x" * 5000,
        "%00",
        "=1+1",
        str(Inquiry.id_for(inquiry.reference)),
    ]
    for typed in odd:
        assert (await client.get(f"/{office.slug}/utadrettet/{typed}")).status_code == 404, typed
        assert (await post(client, f"/{office.slug}/utadrettet/{typed}", ACTIVITY)).status_code == 404, typed
        assert (await post(client, f"/{office.slug}/utadrettet/{typed}/slett", {})).status_code == 404, typed
    assert (events(office), events(other_office)) == (before, theirs_before)
    await sign_in_as("auditor", office.slug)
    assert (await client.get(f"/{office.slug}/utadrettet/{ours}")).status_code == 404
    assert (await post(client, f"/{office.slug}/utadrettet/{ours}/slett", {})).status_code == 404
    assert (await post(client, f"/{office.slug}/utadrettet/{ours}", ACTIVITY)).status_code == 404
    await sign_in_as("caseworker", other_office.slug)
    assert (await post(client, f"/{office.slug}/utadrettet/{ours}/slett", {})).status_code == 404
    assert events(office) == before
