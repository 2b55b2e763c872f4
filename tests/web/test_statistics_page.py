"""The statistics page's trend per area: an SVG line chart and its table, both with the CLI's year-over-year figures."""

from __future__ import annotations

import re
from datetime import date

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from domain.common import Context
from projections.annual_report import year_over_year
from projections.reading import tenant_transaction
from projections.worker import ProjectionWorker
from services.office import Office
from services.platform import Platform
from tests import factories
from tests.web.helpers import sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)
from web.charts import PALETTE

RECEIVED = [
    (date(2021, 5, 3), "Helse"),
    (date(2023, 2, 1), "Helse"),
    (date(2023, 2, 2), "Helse"),
    (date(2023, 6, 1), "NAV"),
    (date(2021, 9, 9), "Plan og bygg"),
]


@pytest.fixture
def office(platform: Platform, admin: Context, caseworker: Context, new_slug, worker: ProjectionWorker) -> Office:
    office = platform.create_tenant(admin, slug=new_slug(), name="Prøveby kommune")
    for day, area in RECEIVED:
        factories.receive(
            office, caseworker, received_on=day, service_area=area, summary="Fiktiv testsak om manglende svar"
        )
    worker.catch_up(office.slug)
    return office


async def cli_years(database_url: str, office: Office, first: int, last: int) -> dict:
    """What `ombud report years --from first --to last` prints for the office."""
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    try:
        async with tenant_transaction(pool, office.slug) as conn:
            return await year_over_year(conn, office.profile(), first, last, None)
    finally:
        await pool.close()


def chart_values(html: str) -> dict[str, list[int]]:
    series = re.findall(r'<g class="series"[^>]*data-label="([^"]+)">(.*?)</g>', html, re.S)
    return {label: [int(v) for v in re.findall(r'data-value="(\d+)"', body)] for label, body in series}


def table_values(html: str) -> dict[str, list[int | None]]:
    """The trend table's rows; a year without figures (a dash, «ingen tall» to a screen reader) is None."""
    table = html[html.index('id="utvikling-tabell"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', table, re.S)
    return {
        label: [
            None if "ingen tall" in cell else int(cell) for cell in re.findall(r'<td class="number">(.*?)</td>', cells)
        ]
        for label, cells in rows
    }


async def test_the_trend_chart_and_its_table_hold_the_year_over_year_figures_with_a_gap_for_a_year_without_any(
    client: AsyncTestClient, office: Office, sign_in_as, database_url: str
) -> None:
    await sign_in_as("caseworker", office.slug)
    page = await client.get(f"/{office.slug}/statistikk?year=2023")
    assert page.status_code == 200

    expected = await cli_years(database_url, office, 2021, 2023)
    assert expected["years"] == [2021, 2022, 2023]
    names = {area.code: area.name for area in office.profile().taxonomies[0].areas}
    by_name = {names[code]: counts for code, counts in expected["by_parent_area"].items()}
    assert by_name == {"Helse": [1, 0, 2], "NAV": [0, 0, 1], "Plan og bygg": [1, 0, 0]}
    # 2022 has no inquiry at all: the CLI's table says 0, the page leaves the year out of the lines.
    with_gap = {name: [counts[0], None, counts[2]] for name, counts in by_name.items()}
    assert chart_values(page.text) == {name: [counts[0], counts[2]] for name, counts in by_name.items()}
    assert table_values(page.text) == with_gap
    assert re.search(r'<th scope="col" class="number">2022</th>', page.text)


async def test_the_chart_is_an_image_with_a_name_described_by_the_text_beside_its_table(
    client: AsyncTestClient, office: Office, sign_in_as
) -> None:
    await sign_in_as("auditor", office.slug)
    page = (await client.get(f"/{office.slug}/statistikk")).text
    svg = re.search(r"<svg class=\"line-chart\"[^>]*>", page)[0]
    assert 'role="img"' in svg and 'aria-labelledby="utvikling-graf"' in svg
    assert re.search(r'<title id="utvikling-graf">[^<]*2021–2023</title>', page)
    assert "<script" not in page.split("</head>")[1]
    assert page.count("<h1") == 1


def contrast_with_white(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_every_line_colour_has_at_least_3_to_1_contrast_against_white() -> None:
    assert min(contrast_with_white(colour) for colour in PALETTE) >= 3


async def test_another_offices_caseworker_gets_404_and_no_trend(
    client: AsyncTestClient, office: Office, sign_in_as, platform: Platform, admin: Context, new_slug
) -> None:
    other = platform.create_tenant(admin, slug=new_slug(), name="Annenby kommune")
    await sign_in_as("caseworker", other.slug)
    response = await client.get(f"/{office.slug}/statistikk")
    assert response.status_code == 404
    assert "Prøveby" not in response.text and "utvikling" not in response.text
    own = await client.get(f"/{other.slug}/statistikk")
    assert own.status_code == 200 and 'class="line-chart"' not in own.text
