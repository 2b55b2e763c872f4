"""The platform admin sees which kommune's projection is set aside and why; health counts them without failing."""

from __future__ import annotations

from datetime import date

from litestar.testing import AsyncTestClient

from domain.common import Context
from domain.outreach import OutreachActivity
from projections.worker import ProjectionWorker
from services.office import Office
from services.platform import Platform
from tests.private_database import (
    module_admin_database_url,  # noqa: F401 (a database of the module's own: the platform page lists every kommune in it)
    module_database_url,  # noqa: F401
)
from tests.web.helpers import (
    post,
    sign_in_as_fixture,  # noqa: F401 (the fixture `sign_in_as`)
)

MARKER = "Kari Nordmann 01019912345"


def set_aside_outreach(office: Office, ctx: Context, worker: ProjectionWorker) -> None:
    """An old event from before the domain's bounds, which the read side cannot store."""
    activity = OutreachActivity._create(
        OutreachActivity.Registered,
        kind="talk",
        title=MARKER,
        audience=MARKER,
        participants=10**20,
        **ctx.stamp(date(2024, 4, 19)),
    )
    office.app.save(activity)
    worker.catch_up(office.slug)


def row_of(page: str, slug: str) -> str:
    [row] = [row for row in page.split("<tr>") if f'<th scope="row">{slug}</th>' in row]
    return row


async def test_the_platform_page_names_the_set_aside_projection_of_one_kommune_in_bokmal(
    client: AsyncTestClient,
    sign_in_as,
    office: Office,
    other_office: Office,
    caseworker: Context,
    worker: ProjectionWorker,
) -> None:
    set_aside_outreach(office, caseworker, worker)
    worker.catch_up(other_office.slug)
    await sign_in_as("platform_admin", None)

    page = (await client.get("/plattform")).text

    row = row_of(page, office.slug)
    assert "utadrettet virksomhet er satt til side ved hendelse" in row
    assert "et tall er større enn lesemodellen kan lagre (NumericValueOutOfRange)" in row
    assert "I orden" in row_of(page, other_office.slug) and "satt til side" not in row_of(page, other_office.slug)
    assert 'id="lesemodeller-satt-til-side"' in page
    assert "Nordmann" not in page and "01019912345" not in page


async def test_health_counts_set_aside_projections_and_stays_healthy(
    client: AsyncTestClient,
    office: Office,
    other_office: Office,
    caseworker: Context,
    worker: ProjectionWorker,
    sign_in_as,
) -> None:
    set_aside_outreach(office, caseworker, worker)

    anonymous = await client.get("/health/projections", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    health = await client.get("/health")
    assert health.json() == {"status": "ok"}  # up or down, nothing more, to anyone
    await sign_in_as("caseworker", office.slug)
    assert (await client.get("/health/projections")).status_code == 404  # the office's staff: not theirs to see
    await sign_in_as("platform_admin", None)
    detail = await client.get("/health/projections")

    assert detail.status_code == 200
    assert detail.json()["status"] == "degraded" and detail.json()["quarantined_projections"] >= 1
    assert office.slug not in detail.text and other_office.slug not in detail.text  # counts only, no names
    assert health.status_code == 200 and health.json()["status"] == "ok"


async def test_a_population_past_the_bound_is_named_at_its_field_and_no_kommune_is_made(
    client: AsyncTestClient, sign_in_as, platform: Platform, new_slug
) -> None:
    await sign_in_as("platform_admin", None)
    before = platform.slugs()
    slug = new_slug()
    response = await post(
        client,
        "/plattform",
        {"slug": slug, "name": "Stor kommune", "population": str(10**26), "template": "kommune"},
        htmx=True,
    )
    assert response.status_code == 422
    assert 'id="kommune-population-feil"' in response.text and "helt tall fra 0 til" in response.text
    assert platform.slugs() == before
    assert (await client.get("/plattform")).status_code == 200
