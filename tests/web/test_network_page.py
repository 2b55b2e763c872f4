"""The network sees the sharing offices' finished years side by side, small counts hidden, and nothing else."""

from __future__ import annotations

import io
import json
import re
from datetime import date

import psycopg
import pytest
from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

from domain.common import Context
from domain.deadlines import today_in_norway
from domain.disclosure import SMALL
from infra.logins import worker_url_for
from projections.network_releases import make_releases
from services.office import Office
from tests import factories
from tests.helpers import (
    Network,
    network_fixture,  # noqa: F401 (the fixture `network`)
)
from tests.web.helpers import sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)

YEAR = 2009  # no other test receives inquiries in 2009: the tables hold only these offices


@pytest.fixture
def offices(network: Network, caseworker: Context, database_url: str) -> dict[str, Office]:
    tag = network.new_slug()  # names of this test's own: the session's database keeps earlier tests' offices
    made = {
        "stor": network.office(f"Storby {tag}", 60_000),
        "mellom": network.office(f"Mellomby {tag}", 20_000),
        "liten": network.office(f"Lilleby {tag}", 2_000),
        "lukket": network.office(f"Lukketby {tag}", 9_000),
    }
    factories.receive_many(made["stor"], caseworker, 30, first=date(YEAR, 3, 1))
    factories.receive_many(made["mellom"], caseworker, 20, first=date(YEAR, 3, 1), service_area="nav")
    factories.receive_many(made["liten"], caseworker, 3, first=date(YEAR, 3, 1))
    factories.receive_many(made["lukket"], caseworker, 11, first=date(YEAR, 3, 1))
    network.share(*made.values())
    network.sharing_flag(made["lukket"].slug, False)  # does not share its statistics
    with psycopg.connect(worker_url_for(database_url)) as conn:  # the network sees releases only, the worker makes them
        make_releases(conn, 4, YEAR, by="test", years=[YEAR])
    return made


def row(page: str, table: str, office: str) -> list[str]:
    body = re.search(rf'<table[^>]*id="{table}".*?</table>', page, re.S)
    assert body, f"no table {table}"
    cells = re.search(rf'<th scope="row">{office}</th>(.*?)</tr>', body[0], re.S)
    assert cells, f"{office} is not in the table {table}"
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells[1], re.S)]


def name(office: Office) -> str:
    return office.profile().name


async def test_the_network_sees_sharing_offices_with_small_counts_hidden(
    client: AsyncTestClient, sign_in_as, offices: dict[str, Office]
) -> None:
    await sign_in_as("network", None)
    response = await client.get(f"/nettverk?year={YEAR}")
    assert response.status_code == 200
    page = response.text
    assert row(page, "grupper", name(offices["mellom"]))[:2] == ["20", "10"]  # 20 inquiries, 10 per 10,000
    assert row(page, "grupper", name(offices["liten"]))[:2] == [":skjult", ":skjult"]  # 3, and its rate with it
    # 3 is too small to show; 30 is hidden with it, or 3 = 53 − 30 − 20 could be worked out
    assert row(page, "grupper", name(offices["stor"]))[:2] == [":skjult", ":skjult"]
    assert "Lukketby" not in page and offices["lukket"].slug not in page  # stopped sharing: nowhere
    assert "henvendelser/" not in page and "Testdata" not in page  # no case, no case text
    assert "«:» betyr at tallet er skjult: det er fra 1 til 4" in page
    assert re.search(rf"Utgave [0-9]+ av tallene for {YEAR}, publisert [0-9]{{2}}\.[0-9]{{2}}\.[0-9]{{4}}", page)
    assert '<svg class="line-chart"' in page and 'id="utvikling-tabell"' in page


async def test_the_downloads_carry_the_same_report_and_never_an_office_that_stopped_sharing(
    client: AsyncTestClient, sign_in_as, offices: dict[str, Office]
) -> None:
    await sign_in_as("network", None)
    for kind in ("json", "csv", "xlsx"):
        response = await client.get(f"/nettverk/nettverk-{YEAR}.{kind}")
        assert response.status_code == 200, kind
        assert response.headers["content-disposition"] == f'attachment; filename="nettverk-{YEAR}.{kind}"'
        if kind == "xlsx":
            book = load_workbook(io.BytesIO(response.content))
            text = " ".join(str(c.value) for sheet in book for r in sheet.iter_rows() for c in r)
        else:
            text = response.content.decode("utf-8-sig")
        assert "Lukketby" not in text and offices["lukket"].slug not in text, kind
        assert name(offices["mellom"]) in text, kind
    response = await client.get(f"/nettverk/nettverk-{YEAR}.json")
    report = json.loads(response.content)
    small = next(o for o in report["by_year"][0]["offices"] if o["slug"] == offices["liten"].slug)
    assert small["inquiries"] == ":"
    assert b"reason" not in response.content and SMALL.encode() not in response.content


async def test_a_year_not_yet_over_or_an_odd_file_name_is_a_missing_page(client: AsyncTestClient, sign_in_as) -> None:
    await sign_in_as("network", None)
    this_year = today_in_norway().year
    for path in (
        f"/nettverk/nettverk-{this_year}.json",
        "/nettverk/nettverk-2009.pdf",
        "/nettverk/nettverk-2010-2009.csv",
    ):
        assert (await client.get(path)).status_code == 404, path


async def test_a_year_without_figures_is_a_notice_and_the_page_shows_the_newest(
    client: AsyncTestClient, sign_in_as, offices: dict[str, Office]
) -> None:
    await sign_in_as("network", None)
    response = await client.get("/nettverk?year=1901")
    assert response.status_code == 400 and "ingen tall for 1901" in response.text


@pytest.mark.parametrize("role", ["caseworker", "tenant_admin", "auditor", "platform_admin"])
async def test_every_other_role_gets_404(client: AsyncTestClient, sign_in_as, office: Office, role: str) -> None:
    await sign_in_as(role, office.slug if role != "platform_admin" else None)
    assert (await client.get("/nettverk")).status_code == 404
    assert (await client.get(f"/nettverk/nettverk-{YEAR}.json")).status_code == 404


async def test_the_network_gets_404_for_any_tenant_s_case_report_or_access_log(
    client: AsyncTestClient, sign_in_as, offices: dict[str, Office]
) -> None:
    await sign_in_as("network", None)
    slug = offices["stor"].slug
    reference = f"{YEAR}-0001"
    for path in (
        f"/{slug}/henvendelser/{reference}",
        f"/{slug}/henvendelser",
        f"/{slug}/statistikk",
        f"/{slug}/statistikk/arsrapport-{YEAR}.json",
        f"/{slug}/tilgangslogg",
        f"/{slug}/oversikt",
    ):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert "Testdata" not in response.text and reference not in response.text, path
