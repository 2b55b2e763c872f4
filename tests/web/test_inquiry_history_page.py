"""The auditor's history page: every step of an inquiry, the state after the chosen one and what it changed, reached
by version or by moment; for auditors and tenant administrators of the inquiry's own kommune, recorded before sent."""

from __future__ import annotations

import re
from datetime import date

import httpx
import pytest
from litestar.testing import AsyncTestClient

from domain.common import Context, today_in_norway
from projections.worker import ProjectionWorker
from services.case_commands import Assign, Resolve
from services.office import EraseInquiry, Office
from tests import factories
from tests.integration.test_access_report import records
from tests.web.helpers import (
    access_records_cannot_be_written,
    sign_in_as_fixture,  # noqa: F401 (the fixture `sign_in_as`)
)

NAME = "Testesen, Fiktiv"
SUMMARY = "Fiktiv sak om avlastning"
ASSIGNEE = "Testperson Rådgiver"


def history_of(office: Office, caseworker: Context) -> str:
    """Received, assigned, resolved: three versions."""
    reference = factories.receive(
        office, caseworker, received_on=date(2025, 3, 3), summary=SUMMARY, requester_name=NAME
    ).reference
    office.handle(caseworker, Assign(inquiry=reference, on=date(2025, 3, 4), assignee=ASSIGNEE))
    office.handle(caseworker, Resolve(inquiry=reference, on=date(2025, 3, 5), outcome="guided"))
    return reference


def url(office: Office, reference: str, query: str = "") -> str:
    return f"/{office.slug}/henvendelser/{reference}/historikk{query}"


def current_step(page: str) -> str:
    found = re.search(r'<a class="ds-link" href="[^"]*\?versjon=(\d+)" aria-current="step">', page)
    assert found, "no step is marked as the one shown"
    return found.group(1)


async def auditor_reads_history(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as, query: str
) -> httpx.Response:
    """The history page of a fresh inquiry of the office, with that query, as read by a new auditor of the office."""
    reference = history_of(office, caseworker)
    await sign_in_as("auditor", office.slug)
    return await client.get(url(office, reference, query))


async def test_an_auditor_steps_through_the_history_and_sees_what_each_step_changed(
    client: AsyncTestClient,
    office: Office,
    other_office: Office,
    caseworker: Context,
    sign_in_as,
    admin_database_url: str,
) -> None:
    reference = history_of(office, caseworker)
    auditor = await sign_in_as("auditor", office.slug)
    latest = await client.get(url(office, reference))
    assert latest.status_code == 200
    assert "Versjon 3 av 3: Avsluttet" in latest.text and current_step(latest.text) == "3"
    assert 'rel="prev"' in latest.text and 'rel="next"' not in latest.text
    assert NAME in latest.text and SUMMARY in latest.text  # personal fields as they are now

    page = await client.get(url(office, reference, "?versjon=2"))
    assert page.status_code == 200 and current_step(page.text) == "2"
    assert "Versjon 2 av 3: Tildelt" in page.text and "04.03.2025" in page.text
    assert "<caption>Endret i dette steget</caption>" in page.text
    assert '<th scope="col">Felt</th><th scope="col">Før</th><th scope="col">Etter</th>' in page.text
    assert re.search(rf'<th scope="row">Saksbehandler</th>\s*<td>–</td><td>{ASSIGNEE}</td>', page.text)
    assert f'rel="prev" href="{url(office, reference)}?versjon=1"' in page.text
    assert f'rel="next" href="{url(office, reference)}?versjon=3"' in page.text
    assert "(saksbehandler)" in page.text and caseworker.user_id in page.text  # who: as recorded, and the role
    assert records(admin_database_url, office.slug) == [(str(auditor.id), "auditor", "kontroll", "web")] * 2
    assert records(admin_database_url, other_office.slug) == []


async def test_the_form_shows_the_inquiry_as_it_stood_at_a_moment(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as
) -> None:
    reference = history_of(office, caseworker)  # business dates 3, 4 and 5 March 2025; all recorded today
    await sign_in_as("tenant_admin", office.slug)
    today = today_in_norway().isoformat()
    recorded = "&etter=registrert"
    for query in (f"?dato={today}{recorded}", f"?dato={today}&tidspunkt=23:59{recorded}", f"?versjon=1&dato={today}"):
        page = await client.get(url(office, reference, query))  # dato decides over versjon
        assert page.status_code == 200 and current_step(page.text) == "3"
    assert f'name="dato" type="date" value="{today}"' in page.text
    for day, step in (("2025-03-03", "1"), ("2025-03-04", "2"), ("2025-03-05", "3"), ("2026-01-01", "3")):
        by_date = await client.get(url(office, reference, f"?dato={day}"))  # by business date unless asked
        assert by_date.status_code == 200 and current_step(by_date.text) == step
        assert "etter hendelsesdatoene" in by_date.text and 'value="hendelsesdato" checked' in by_date.text
    chosen = await client.get(url(office, reference, f"?dato={today}{recorded}"))
    assert "etter registreringstidspunktet" in chosen.text and 'value="registrert" checked' in chosen.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?dato=2025-03-02", "Henvendelsen var ikke mottatt ennå på denne datoen"),
        ("?dato=2025-03-03&etter=registrert", "Henvendelsen var ikke registrert ennå på det tidspunktet"),
        ("?dato=2001-01-01&versjon=2", "Henvendelsen var ikke mottatt ennå på denne datoen"),
    ],
)
async def test_a_valid_date_before_the_inquiry_existed_says_so_and_is_no_error(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as, query: str, message: str
) -> None:
    page = await auditor_reads_history(client, office, caseworker, sign_in_as, query)
    assert page.status_code == 200 and message in page.text
    assert 'aria-current="step"' not in page.text and NAME not in page.text  # no state: nothing stood then
    assert 'class="ds-alert"' not in page.text  # no notice of a value the page could not use


async def test_the_history_names_the_caseworker_as_every_other_page_does(
    client: AsyncTestClient, office: Office, make_account, sign_in, sign_in_as, worker: ProjectionWorker
) -> None:
    colleague = make_account("caseworker", office.slug)
    await sign_in(make_account("tenant_admin", office.slug))
    await client.get(f"/{office.slug}/admin")
    named = await client.post(
        f"/{office.slug}/admin/brukere/{colleague.id}/navn",
        data={"display_name": ASSIGNEE, "_csrf_token": client.cookies["ombud_csrf"]},
        follow_redirects=False,
    )
    assert named.status_code == 303
    ctx = Context(str(colleague.id), "caseworker", "korrelasjon")
    reference = factories.receive(office, ctx, received_on=date(2025, 3, 3), summary=SUMMARY).reference
    office.handle(ctx, Assign(inquiry=reference, on=date(2025, 3, 4), assignee=colleague.email))
    worker.catch_up(office.slug)
    await sign_in_as("auditor", office.slug)
    page = await client.get(url(office, reference, "?versjon=2"))
    assert re.search(rf'<th scope="row">Saksbehandler</th>\s*<td>–</td><td>{ASSIGNEE}</td>', page.text)
    assert colleague.email not in page.text


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?versjon=0", "versjon"),
        ("?versjon=4", "versjon"),
        ("?versjon=%D9%A3", "versjon"),
        ("?versjon=1" + "0" * 40, "versjon"),
        ("?versjon=%00", "versjon"),
        ("?dato=2024-13-01", "dato"),
        ("?dato=i%20g%C3%A5r", "dato"),
        ("?dato=2025-03-05&tidspunkt=25:00", "tidspunkt"),
        ("?dato=2025-03-05&tidspunkt=%00", "tidspunkt"),
        ("?tidspunkt=10:00", "dato"),
        ("?dato=2025-03-05&etter=i%20morgen", "dato etter"),
    ],
)
async def test_an_odd_query_value_is_a_400_naming_the_field(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as, query: str, field: str
) -> None:
    page = await auditor_reads_history(client, office, caseworker, sign_in_as, query)
    assert page.status_code == 400
    assert f"«{field}»" in page.text and current_step(page.text) == "3"


async def test_only_auditors_and_administrators_of_the_inquirys_own_kommune_see_it(
    client: AsyncTestClient,
    office: Office,
    other_office: Office,
    caseworker: Context,
    sign_in_as,
    admin_database_url: str,
) -> None:
    reference = history_of(office, caseworker)
    history_of(other_office, caseworker)  # the other kommune's inquiry has its own number series
    await sign_in_as("caseworker", office.slug)
    assert (await client.get(url(office, reference))).status_code == 404
    await sign_in_as("auditor", other_office.slug)
    assert (await client.get(url(office, reference))).status_code == 404
    assert (await client.get(url(other_office, "2025-9999"))).status_code == 404
    assert records(admin_database_url, office.slug) == []


async def test_no_access_record_no_data(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as, monkeypatch
) -> None:
    reference = history_of(office, caseworker)
    await sign_in_as("auditor", office.slug)
    access_records_cannot_be_written(monkeypatch)
    page = await client.get(url(office, reference))
    assert page.status_code == 503
    assert SUMMARY not in page.text and "Testesen" not in page.text


async def test_an_erased_inquiry_shows_its_personal_fields_erased_in_every_step(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as
) -> None:
    reference = history_of(office, caseworker)
    eraser = Context("administrator-test", "tenant_admin", "korrelasjon")
    office.handle(eraser, EraseInquiry(reference, today_in_norway(), "krav fra innbygger", outcome="withdrawn"))
    await sign_in_as("auditor", office.slug)
    page = await client.get(url(office, reference, "?versjon=1"))
    assert page.status_code == 200
    assert '<em class="erased">slettet</em>' in page.text
    assert "Testesen" not in page.text and SUMMARY not in page.text


async def test_the_case_page_and_the_access_log_link_to_the_history(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as, worker: ProjectionWorker
) -> None:
    reference = history_of(office, caseworker)
    worker.catch_up(office.slug)
    await sign_in_as("caseworker", office.slug)
    assert url(office, reference) not in (await client.get(f"/{office.slug}/henvendelser/{reference}")).text
    await sign_in_as("auditor", office.slug)
    assert f'href="{url(office, reference)}"' in (await client.get(f"/{office.slug}/henvendelser/{reference}")).text
    log = await client.get(f"/{office.slug}/tilgangslogg")
    assert f'href="{url(office, reference)}"' in log.text
    await client.get(url(office, reference))
    assert "Kontroll" in (await client.get(f"/{office.slug}/tilgangslogg")).text  # the purpose, named
