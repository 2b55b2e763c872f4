"""The administrator chooses whether the office shares its statistics with the network; it takes effect at the
network's next release."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from domain.tenant import Tenant
from services.office import Office
from services.platform import Platform
from tests.web.helpers import post as post_form
from tests.web.helpers import sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)


def version_of(office: Office) -> int:
    return office.app.repository.get(Tenant.id_for()).version


async def post(client: AsyncTestClient, slug: str, data: dict[str, Any], *, htmx: bool = False):
    return await post_form(client, f"/{slug}/admin/deling", data, htmx=htmx)


async def test_the_admin_page_says_what_is_shared_and_what_stopping_means(
    client: AsyncTestClient, office: Office, sign_in_as
) -> None:
    await sign_in_as("tenant_admin", office.slug)

    page = await client.get(f"/{office.slug}/admin")

    assert "median antall dager til avslutning" in page.text
    assert "aldri se en enkelt henvendelse, et navn eller fritekst" in page.text
    assert "men ikke i noen ny utgave; neste utgave kommer innen åtte dager" in page.text
    assert 'id="deling-ja" name="deler" value="ja" checked' in page.text


async def test_stopping_removes_the_office_from_the_network_at_once_and_is_recorded(
    client: AsyncTestClient, office: Office, other_office: Office, platform: Platform, sign_in_as
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    assert office.slug in platform.sharing_slugs()

    response = await post(client, office.slug, {"deler": "nei"})

    assert response.status_code == 303 and response.headers["location"] == f"/{office.slug}/admin#deling"
    sharing = platform.sharing_slugs()
    assert office.slug not in sharing and other_office.slug in sharing
    assert office.profile().shares_statistics is False
    assert other_office.profile().shares_statistics is True
    [event] = [e for e in office.app.events.get(Tenant.id_for()) if isinstance(e, Tenant.StatisticsSharingChanged)]
    assert event.shares_statistics is False and event.actor_role == "tenant_admin"
    page = await client.get(f"/{office.slug}/admin")
    assert 'id="deling-nei" name="deler" value="nei" checked' in page.text

    again = await post(client, office.slug, {"deler": "ja"})

    assert again.status_code == 303
    assert office.slug in platform.sharing_slugs() and office.profile().shares_statistics is True


async def test_with_htmx_the_section_comes_back_saying_what_happened(
    client: AsyncTestClient, office: Office, sign_in_as
) -> None:
    await sign_in_as("tenant_admin", office.slug)

    response = await post(client, office.slug, {"deler": "nei"}, htmx=True)

    assert response.status_code == 200
    assert "<html" not in response.text and 'id="deling"' in response.text
    assert "Kommunen deler ikke lenger statistikk med nettverket." in response.text


@pytest.mark.parametrize(
    "data",
    [{}, {"deler": "kanskje"}, {"deler": "nei\x00"}, {"deler": ["ja", "nei"]}, {"deler": "²"}, {"deler": "9" * 5000}],
    ids=["missing", "unknown", "nul", "both", "unicode-digit", "huge"],
)
async def test_odd_input_changes_nothing_and_says_so(
    client: AsyncTestClient, office: Office, platform: Platform, sign_in_as, data: dict[str, Any]
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    before = version_of(office)

    response = await post(client, office.slug, data)

    assert response.status_code == 422
    assert 'id="deling-feil"' in response.text and "\x00" not in response.text
    assert version_of(office) == before
    assert office.slug in platform.sharing_slugs()


@pytest.mark.parametrize("role", ["caseworker", "auditor"])
async def test_roles_other_than_the_administrator_get_404(
    client: AsyncTestClient, office: Office, platform: Platform, sign_in_as, role: str
) -> None:
    await sign_in_as(role, office.slug)

    assert (await post(client, office.slug, {"deler": "nei"})).status_code == 404
    assert office.slug in platform.sharing_slugs() and office.profile().shares_statistics is True


async def test_another_tenants_administrator_gets_404_and_changes_nothing(
    client: AsyncTestClient, office: Office, other_office: Office, platform: Platform, sign_in_as
) -> None:
    await sign_in_as("tenant_admin", other_office.slug)

    assert (await post(client, office.slug, {"deler": "nei"})).status_code == 404
    assert office.slug in platform.sharing_slugs() and office.profile().shares_statistics is True


async def test_a_form_without_its_csrf_token_is_refused(
    client: AsyncTestClient, office: Office, platform: Platform, sign_in_as
) -> None:
    await sign_in_as("tenant_admin", office.slug)

    response = await client.post(f"/{office.slug}/admin/deling", data={"deler": "nei"}, follow_redirects=False)

    assert response.status_code == 403
    assert office.slug in platform.sharing_slugs() and office.profile().shares_statistics is True
