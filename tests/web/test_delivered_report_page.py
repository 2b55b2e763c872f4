"""The statistics page marks a year's report delivered and shows it later as delivered, with what has changed since."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import asyncpg
import psycopg
import pytest
from litestar.testing import AsyncTestClient

from domain.account import Account
from domain.common import Context
from projections.annual_report import annual_report
from projections.reading import tenant_transaction
from projections.worker import ProjectionWorker
from services.case_commands import Resolve
from services.office import Office
from tests import factories
from tests.web.helpers import (
    csrf,
    sign_in_as_fixture,  # noqa: F401 (the fixture `sign_in_as`)
)

PAGE = "/{}/statistikk"


def receive(office: Office, ctx: Context, day: date, area: str = "helse") -> str:
    return factories.case(
        office, ctx, received_on=day, service_area=area, summary="Fiktiv testsak", requester_name="Testperson Prøvesen"
    )


@pytest.fixture
def office(office: Office, other_office: Office, caseworker: Context, worker: ProjectionWorker) -> Office:
    """Three inquiries of 2024 in each tenant, projected."""
    for tenant in (office, other_office):
        for day in (date(2024, 1, 8), date(2024, 2, 9), date(2024, 3, 10)):
            receive(tenant, caseworker, day)
        worker.catch_up(tenant.slug)
    return office


async def figures(database_url: str, office: Office) -> dict[str, Any]:
    """The 2024 report as the read models hold it now (what the page and `ombud report annual` show)."""
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    try:
        async with tenant_transaction(pool, office.slug) as conn:
            return await annual_report(conn, office.profile(), 2024)
    finally:
        await pool.close()


def changed_rows(html: str) -> dict[str, list[str]]:
    table = html[html.index('id="endret-siden-levering"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', table, re.S)
    return {name: re.findall(r'<td class="number">([^<]*)</td>', cells) for name, cells in rows}


def deliveries(url: str, tenant: str) -> int:
    with psycopg.connect(url) as conn, conn.transaction():
        conn.execute("SELECT set_config('app.tenant_id', %s, true)", (tenant,))
        return conn.execute("SELECT count(*) FROM read.delivered_reports").fetchone()[0]


async def test_the_administrator_marks_the_report_delivered_and_sees_it_as_delivered_after_later_changes(
    client: AsyncTestClient, office: Office, other_office: Office, caseworker: Context, worker: ProjectionWorker,
    make_account: Callable[..., Account], sign_in, database_url: str,
) -> None:  # fmt: skip
    await sign_in(make_account("tenant_admin", office.slug))
    page = await client.get(PAGE.format(office.slug), params={"year": "2024"})
    assert "Merk som levert til kommunestyret" in page.text and "er ikke merket som levert" in page.text
    delivered = await figures(database_url, office)

    posted = await client.post(
        PAGE.format(office.slug) + "/levert", data={"year": "2024", "_csrf_token": csrf(client)}, follow_redirects=False
    )
    assert posted.status_code == 303  # post-redirect-get: a reload shows the page, it does not deliver again
    assert posted.headers["location"].startswith(PAGE.format(office.slug) + "?year=2024&")
    marked = await client.get(posted.headers["location"])
    assert marked.status_code == 200, marked.text
    assert (await client.get(posted.headers["location"])).status_code == 200
    assert "er merket som levert til kommunestyret" in marked.text
    assert re.search(r"Levert \d\d\.\d\d\.\d{4} kl\. \d\d\.\d\d \(revisjonsspor posisjon [1-9][0-9]*\)", marked.text)
    assert deliveries(database_url, office.slug) == 1 and deliveries(database_url, other_office.slug) == 0

    for day in (date(2024, 6, 1), date(2024, 7, 2)):
        receive(office, caseworker, day, "nav")
    office.handle(
        caseworker,
        Resolve(inquiry=receive(office, caseworker, date(2024, 8, 3)), on=date(2024, 9, 4), outcome="guided"),
    )
    worker.rebuild(office.slug)
    now = await figures(database_url, office)
    assert now["total"] != delivered["total"]

    shown = await client.get(PAGE.format(office.slug), params={"year": "2024", "som_levert": "1"})

    assert shown.status_code == 200
    assert "Reprodusert" in shown.text and "Ikke reprodusert" not in shown.text
    total = re.search(r"Henvendelser mottatt <strong>([^<]+)</strong>", shown.text)[1]
    assert total == str(delivered["total"])
    rows = changed_rows(shown.text)
    change = now["total"] - delivered["total"]
    assert rows["Henvendelser mottatt"] == [str(delivered["total"]), str(now["total"]), str(change)]
    resolved = now["resolved"] - delivered["resolved"]
    assert rows["Avsluttet innen rapporten ble laget"] == [
        str(delivered["resolved"]),
        str(now["resolved"]),
        str(resolved),
    ]
    assert "Vis dagens tall" in shown.text and "arsrapport-2024.json" not in shown.text

    today = await client.get(PAGE.format(office.slug), params={"year": "2024"})
    assert re.search(r"Henvendelser mottatt <strong>([^<]+)</strong>", today.text)[1] == str(now["total"])


async def test_a_caseworker_sees_no_form_and_cannot_mark_delivered(
    client: AsyncTestClient, office: Office, sign_in_as, database_url: str
) -> None:
    await sign_in_as("caseworker", office.slug)
    page = await client.get(PAGE.format(office.slug))
    assert page.status_code == 200 and "Merk som levert" not in page.text
    refused = await client.post(
        PAGE.format(office.slug) + "/levert", data={"year": "2024", "_csrf_token": csrf(client)}
    )
    assert refused.status_code == 404
    assert deliveries(database_url, office.slug) == 0


async def test_another_tenants_administrator_cannot_mark_it_delivered_nor_see_its_delivery(
    client: AsyncTestClient, office: Office, other_office: Office, make_account: Callable[..., Account], sign_in,
    database_url: str,
) -> None:  # fmt: skip
    await sign_in(make_account("tenant_admin", other_office.slug))
    refused = await client.post(
        PAGE.format(office.slug) + "/levert", data={"year": "2024", "_csrf_token": csrf(client)}
    )
    assert refused.status_code == 404 and deliveries(database_url, office.slug) == 0
    assert (await client.get(PAGE.format(office.slug), params={"som_levert": "1"})).status_code == 404


async def test_an_auditor_sees_the_delivered_figures_but_no_form(
    client: AsyncTestClient, office: Office, sign_in_as, delivered_by_admin
) -> None:
    await delivered_by_admin(office)
    await sign_in_as("auditor", office.slug)
    shown = await client.get(PAGE.format(office.slug), params={"year": "2024", "som_levert": "1"})
    assert shown.status_code == 200 and "Reprodusert" in shown.text and "Merk som levert" not in shown.text
    assert "Ingen tall er endret siden levering." in shown.text


@pytest.fixture
def delivered_by_admin(client: AsyncTestClient, make_account: Callable[..., Account], sign_in):
    """Marks the office's 2024 report delivered as its administrator, then signs out."""

    async def deliver(office: Office) -> None:
        await sign_in(make_account("tenant_admin", office.slug))
        marked = await client.post(
            PAGE.format(office.slug) + "/levert", data={"year": "2024", "_csrf_token": csrf(client)}
        )
        assert marked.status_code == 200
        client.cookies.delete("ombud_sesjon")

    return deliver


@pytest.mark.parametrize(
    ("params", "named"), [({"som_levert": "ja"}, "som levert"), ({"som_levert": "1", "year": "²⁰²⁴"}, "år")]
)
async def test_odd_query_values_answer_400_naming_the_parameter(
    client: AsyncTestClient, office: Office, sign_in_as, params, named: str
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    page = await client.get(PAGE.format(office.slug), params=params)
    assert page.status_code == 400 and f"«{named}»" in page.text


@pytest.mark.parametrize(("year", "status"), [("tjue", 400), ("2023", 400), ("", 400)])
async def test_a_bad_year_to_mark_answers_400_naming_the_year_and_records_nothing(
    client: AsyncTestClient, office: Office, make_account: Callable[..., Account], sign_in, database_url: str,
    year: str, status: int,
) -> None:  # fmt: skip
    await sign_in(make_account("tenant_admin", office.slug))
    refused = await client.post(PAGE.format(office.slug) + "/levert", data={"year": year, "_csrf_token": csrf(client)})
    assert refused.status_code == status and "år:" in refused.text
    assert deliveries(database_url, office.slug) == 0


async def test_marking_delivered_without_the_csrf_token_is_refused(
    client: AsyncTestClient, office: Office, sign_in_as, database_url: str
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    refused = await client.post(PAGE.format(office.slug) + "/levert", data={"year": "2024"})
    assert refused.status_code == 403 and deliveries(database_url, office.slug) == 0
