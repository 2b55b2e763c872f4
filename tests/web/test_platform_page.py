"""The platform administrator adds kommuner in the browser and sees no case content; nobody else sees the page."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from domain.common import InvalidField
from domain.tenant import require_slug
from services.office import Office
from services.platform import Platform
from tests.private_database import (
    module_admin_database_url,  # noqa: F401 (a database of the module's own: the platform page lists every kommune in it)
    module_database_url,  # noqa: F401
)
from tests.web.helpers import post as post_form
from tests.web.helpers import sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)


async def post(client: AsyncTestClient, data: dict[str, str], *, htmx: bool = False):
    return await post_form(client, "/plattform", data, htmx=htmx)


async def test_a_platform_administrator_adds_a_kommune_and_sees_it_listed(
    client: AsyncTestClient, sign_in_as, platform: Platform, new_slug, office: Office
) -> None:
    await sign_in_as("platform_admin", None)
    slug = new_slug()
    response = await post(client, {"slug": slug, "name": "Prøveby kommune", "population": "5700", "template": "sektor"})
    assert response.status_code == 303 and response.headers["location"] == "/plattform"
    profile = platform.office(slug).profile()
    assert (profile.name, profile.population, len(profile.taxonomies)) == ("Prøveby kommune", 5700, 1)
    page = (await client.get("/plattform")).text
    assert f'<th scope="row">{slug}</th>' in page and f'<th scope="row">{office.slug}</th>' in page
    assert "henvendelser/" not in page  # no case content, no links into a kommune
    assert (await client.get(f"/{slug}/henvendelser")).status_code == 404


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"slug": "Ikke Gyldig", "name": "Navn"}, "slug"),
        ({"slug": "login", "name": "Navn"}, "slug"),
        ({"slug": "gyldig-navn", "name": ""}, "name"),
        ({"slug": "gyldig-navn", "name": "Navn", "population": "mange"}, "population"),
        ({"slug": "gyldig-navn", "name": "Navn", "template": "ukjent"}, "template"),
    ],
    ids=["bad-slug", "reserved-slug", "no-name", "population-not-a-number", "unknown-template"],
)
async def test_bad_input_is_named_at_its_field_and_no_kommune_is_made(
    client: AsyncTestClient, sign_in_as, platform: Platform, form: dict[str, str], field: str
) -> None:
    await sign_in_as("platform_admin", None)
    before = platform.slugs()
    response = await post(client, {"template": "kommune", **form}, htmx=True)
    assert response.status_code == 422
    assert f'id="kommune-{field}-feil"' in response.text and f'href="#kommune-{field}"' in response.text
    assert platform.slugs() == before


async def test_every_problem_with_a_new_kommune_is_reported_at_once_and_a_grouped_population_is_read(
    client: AsyncTestClient, sign_in_as, platform: Platform, new_slug
) -> None:
    await sign_in_as("platform_admin", None)
    before = platform.slugs()
    bad = {"slug": "Ikke Gyldig", "name": "\x00", "population": "99 999 999 999", "template": "ukjent"}
    response = await post(client, bad)
    assert response.status_code == 422
    summary = response.text.split("Kommunen ble ikke opprettet")[1].split("</ul>")[0]
    assert all(f'href="#kommune-{field}"' in summary for field in ("slug", "name", "population", "template"))
    assert "fra 0 til 10\u00a0000\u00a0000" in summary
    assert platform.slugs() == before
    slug = new_slug()
    response = await post(
        client, {"slug": slug, "name": "Prøveby kommune", "population": "5\u202f700", "template": "kommune"}
    )
    assert response.status_code == 303 and platform.office(slug).profile().population == 5700


async def test_an_existing_slug_is_refused(client: AsyncTestClient, sign_in_as, office: Office) -> None:
    await sign_in_as("platform_admin", None)
    response = await post(client, {"slug": office.slug, "name": "Dobbel kommune", "template": "kommune"}, htmx=True)
    assert response.status_code == 422 and "finnes allerede" in response.text


@pytest.mark.parametrize("role", ["caseworker", "tenant_admin", "auditor", "network"])
async def test_every_other_role_gets_404(client: AsyncTestClient, sign_in_as, office: Office, role: str) -> None:
    await sign_in_as(role, None if role == "network" else office.slug)
    assert (await client.get("/plattform")).status_code == 404
    assert (await post(client, {"slug": "ny-kommune", "name": "Ny", "template": "kommune"})).status_code == 404


async def test_no_kommune_can_take_the_name_of_a_path_the_platform_itself_serves(client: AsyncTestClient) -> None:
    first_segments = {route.path.split("/")[1] for route in client.app.routes}
    own = {segment for segment in first_segments if segment and not segment.startswith("{")}
    assert "nettverk" in own and "plattform" in own
    for segment in own:
        with pytest.raises(InvalidField):
            require_slug(segment)
