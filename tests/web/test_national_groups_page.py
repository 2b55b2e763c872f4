"""The administrator's national groups page: each area of a taxonomy version mapped to a group of the network."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from domain.common import Context
from domain.national_groups import DEFAULT_GROUPS
from domain.taxonomy import MUNICIPAL_AREAS, SECTOR_AREAS, ServiceArea
from domain.tenant import Tenant
from services.office import Office
from services.platform import Platform
from tests.web.helpers import sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)

PAGE = "/{slug}/admin/nasjonale-grupper"


def version_of(office: Office) -> int:
    """How many events the tenant has: a refused form adds none."""
    return office.app.repository.get(Tenant.id_for()).version


def full_form(areas: tuple[ServiceArea, ...] = MUNICIPAL_AREAS, version: int = 1, **chosen: str) -> dict[str, Any]:
    """Every area's select as the page sends it, with the defaults unless chosen."""
    return {
        "versjon": str(version),
        **{f"gruppe.{area.code}": chosen.get(area.code, DEFAULT_GROUPS.get(area.code, "annet")) for area in areas},
    }


async def post(client: AsyncTestClient, slug: str, data: dict[str, Any]):
    return await client.post(
        PAGE.format(slug=slug), data={**data, "_csrf_token": client.cookies["ombud_csrf"]}, follow_redirects=False
    )


@pytest.fixture
def sectors(platform: Platform, admin: Context, new_slug) -> Office:
    """A tenant of sectors with units, reorganised once: two versions."""
    office = platform.create_tenant(admin, slug=new_slug(), name="Sektorby kommune", template="sektor")
    office.publish_taxonomy(
        admin,
        on=date(2024, 6, 1),
        effective_from=date(2024, 6, 13),
        areas=(*SECTOR_AREAS, ServiceArea("kultur", "Kultur og idrett")),
        mapping={},
    )
    return office


async def test_the_page_lists_every_area_with_its_group_and_says_why(
    client: AsyncTestClient, office: Office, sign_in_as
) -> None:
    await sign_in_as("tenant_admin", office.slug)

    page = await client.get(PAGE.format(slug=office.slug))

    assert page.status_code == 200
    assert "Ombudsnettverket sammenligner kontorene" in page.text
    for area in MUNICIPAL_AREAS:
        assert f'name="gruppe.{area.code}"' in page.text and area.name in page.text
    assert '<option value="bolig" selected>Bolig</option>' in page.text  # Boligkontoret's default
    assert 'name="_csrf_token"' in page.text
    admin_page = await client.get(f"/{office.slug}/admin")
    assert f'href="/{office.slug}/admin/nasjonale-grupper"' in admin_page.text


async def test_units_are_indented_under_their_sector_and_the_newest_version_is_shown_first(
    client: AsyncTestClient, sectors: Office, sign_in_as
) -> None:
    await sign_in_as("tenant_admin", sectors.slug)

    page = await client.get(PAGE.format(slug=sectors.slug))

    assert "Kultur og idrett" in page.text  # only in version 2
    assert 'name="versjon" value="2"' in page.text
    assert page.text.index("Helse og omsorg</label>") < page.text.index("Helsehus</label>")
    assert 'class="area depth-1"><label for="gruppe-2">Helse- og velferdssenter' in page.text
    older = await client.get(PAGE.format(slug=sectors.slug) + "?versjon=1")
    assert older.status_code == 200
    assert "Kultur og idrett" not in older.text and 'name="versjon" value="1"' in older.text


async def test_an_administrator_saves_the_mapping_and_another_tenant_is_unchanged(
    client: AsyncTestClient, sectors: Office, other_office: Office, sign_in_as
) -> None:
    theirs = other_office.profile().national_groups
    await sign_in_as("tenant_admin", sectors.slug)
    areas = (*SECTOR_AREAS, ServiceArea("kultur", "Kultur og idrett"))

    response = await post(client, sectors.slug, full_form(areas, 2, kultur="skole-og-barnehage", nav="annet"))

    assert response.status_code == 303
    assert response.headers["location"] == f"/{sectors.slug}/admin/nasjonale-grupper?versjon=2&lagret=1"
    groups = sectors.profile().national_groups
    assert groups[2]["kultur"] == "skole-og-barnehage" and groups[2]["nav"] == "annet"
    assert groups[1]["nav"] == "sosiale-tjenester-og-nav"  # version 1 keeps its own
    page = await client.get(response.headers["location"])
    assert "De nasjonale gruppene for versjon 2 er lagret." in page.text
    assert '<option value="skole-og-barnehage" selected>Skole og barnehage</option>' in page.text
    assert other_office.profile().national_groups == theirs


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"gruppe.finnes-ikke": "bolig"}, "ikke finnes i versjon 1"),
        ({"gruppe.helse": "finnes-ikke"}, "velg en av de nasjonale gruppene"),
        ({"gruppe.helse": "bolig\x00"}, "velg en av de nasjonale gruppene"),
        ({"gruppe.helse": ["bolig", "annet"]}, "er valgt mer enn én gang"),
        ({"gruppe.helse\x00": "bolig"}, "ikke finnes i versjon 1"),
        ({"annet-felt": "x"}, "ikke finnes i versjon 1"),
        ({"versjon": "²"}, "sifrene 0–9"),
        ({"versjon": "١"}, "sifrene 0–9"),
        ({"versjon": "9" * 5000}, "fra 1 til 1"),
        ({"versjon": "2"}, "fra 1 til 1"),
        ({"versjon": "0"}, "fra 1 til 1"),
        ({"versjon": ""}, "må fylles ut"),
        ({"versjon": ["1", "1"]}, "én gang"),
        ({"versjon": "1\x00"}, "sifrene 0–9"),
    ],
    ids=[
        "unknown-area",
        "unknown-group",
        "nul-in-group",
        "area-twice",
        "nul-in-area",
        "stray-field",
        "superscript-version",
        "arabic-digit-version",
        "huge-version",
        "missing-version",
        "version-zero",
        "blank-version",
        "version-twice",
        "nul-in-version",
    ],
)
async def test_odd_input_saves_nothing_and_comes_back_with_a_message(
    client: AsyncTestClient, office: Office, sign_in_as, changes: dict[str, Any], message: str
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    before = version_of(office)

    response = await post(client, office.slug, {**full_form(nav="annet"), **changes})

    assert response.status_code == 422
    assert "Ingenting ble lagret" in response.text and message in response.text
    assert "\x00" not in response.text and "9" * 50 not in response.text
    assert version_of(office) == before
    assert office.profile().national_groups[1]["nav"] == "sosiale-tjenester-og-nav"  # the good field neither


async def test_an_area_of_another_version_is_refused(client: AsyncTestClient, sectors: Office, sign_in_as) -> None:
    await sign_in_as("tenant_admin", sectors.slug)
    before = version_of(sectors)

    response = await post(client, sectors.slug, {**full_form(SECTOR_AREAS, 2), "gruppe.oppvekst": "annet"})

    assert response.status_code == 422 and "ikke finnes i versjon 2" in response.text
    assert version_of(sectors) == before


async def test_an_error_at_an_area_is_shown_at_its_select(client: AsyncTestClient, office: Office, sign_in_as) -> None:
    await sign_in_as("tenant_admin", office.slug)

    response = await post(client, office.slug, {**full_form(nav="annet"), "gruppe.helse": "finnes-ikke"})

    assert 'href="#gruppe-1">Helse: velg en av de nasjonale gruppene' in response.text
    assert 'aria-invalid="true" aria-describedby="gruppe-1-feil"' in response.text
    assert '<option value="annet" selected>Annet</option>' in response.text  # NAV as typed, kept


@pytest.mark.parametrize("typed", ["²", "99", "0", "9" * 5000, "x\x00", "-1"])
async def test_an_odd_version_in_the_address_shows_the_newest_with_a_notice(
    client: AsyncTestClient, sectors: Office, sign_in_as, typed: str
) -> None:
    await sign_in_as("tenant_admin", sectors.slug)

    page = await client.get(PAGE.format(slug=sectors.slug), params={"versjon": typed})

    assert page.status_code == 400
    assert "kan ikke brukes" in page.text and 'name="versjon" value="2"' in page.text


@pytest.mark.parametrize("role", ["caseworker", "auditor"])
async def test_roles_other_than_the_administrator_get_404(
    client: AsyncTestClient, office: Office, sign_in_as, role: str
) -> None:
    await sign_in_as(role, office.slug)
    before = version_of(office)

    assert (await client.get(PAGE.format(slug=office.slug))).status_code == 404
    assert (await post(client, office.slug, full_form(nav="annet"))).status_code == 404
    assert version_of(office) == before


async def test_another_tenants_page_answers_404_and_changes_nothing(
    client: AsyncTestClient, office: Office, other_office: Office, sign_in_as
) -> None:
    await sign_in_as("tenant_admin", other_office.slug)
    before = version_of(office)

    assert (await client.get(PAGE.format(slug=office.slug))).status_code == 404
    assert (await post(client, office.slug, full_form(nav="annet"))).status_code == 404
    assert version_of(office) == before
    assert (await client.get(PAGE.format(slug="finnes-ikke"))).status_code == 404


async def test_a_form_without_its_csrf_token_is_refused_and_saves_nothing(
    client: AsyncTestClient, office: Office, sign_in_as
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    before = version_of(office)

    response = await client.post(PAGE.format(slug=office.slug), data=full_form(nav="annet"), follow_redirects=False)

    assert response.status_code == 403
    assert version_of(office) == before


async def test_without_a_session_the_page_sends_to_sign_in(client: AsyncTestClient, office: Office) -> None:
    response = await client.get(PAGE.format(slug=office.slug), follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
