"""The office's privacy statement: public to anyone, the product's text until its administrator writes the office's own."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from domain.privacy_statement import default_statement
from domain.tenant import Tenant
from services.office import Office
from tests.web.helpers import post, sign_in_as_fixture, staffed_offices_fixture  # noqa: F401 (the fixtures)

OWN = "Ombudet i Prøveby behandler det du skriver.\n\nDu kan klage til Datatilsynet.\r\nEller ringe oss."


async def save(client: AsyncTestClient, tenant: str, text: str):
    await client.get(f"/{tenant}/admin/personvern")
    return await post(client, f"/{tenant}/admin/personvern", {"privacy_statement": text})


@pytest.mark.usefixtures("staffed_offices")  # the contact form that links to it is open
async def test_until_edited_anyone_reads_the_products_statement_for_that_office(
    client: AsyncTestClient, office: Office
) -> None:
    page = await client.get(f"/{office.slug}/personvern")
    assert page.status_code == 200
    name = office.profile().name
    assert f"Personvernerklæring for ombudet i {name}" in page.text
    first = default_statement(name).split("\n\n")[0]
    assert f'<p class="ds-paragraph">{first}</p>' in page.text
    assert "Datatilsynet" in page.text and "Logg ut" not in page.text
    form = await client.get(f"/{office.slug}/kontakt")
    assert f'href="/{office.slug}/personvern"' in form.text


async def test_the_administrator_writes_the_offices_own_which_shows_in_paragraphs_and_the_other_office_keeps_its_own(
    client: AsyncTestClient, office: Office, other_office: Office, sign_in_as
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    admin = await client.get(f"/{office.slug}/admin")
    assert f'href="/{office.slug}/admin/personvern"' in admin.text
    saved = await save(client, office.slug, OWN)
    assert saved.status_code == 303 and saved.headers["location"] == f"/{office.slug}/admin/personvern?lagret=1"
    again = await client.get(saved.headers["location"])
    assert "Personvernerklæringen er lagret." in again.text and "Du kan klage til Datatilsynet." in again.text
    public = await client.get(f"/{office.slug}/personvern")
    assert '<p class="ds-paragraph">Ombudet i Prøveby behandler det du skriver.</p>' in public.text
    assert '<p class="ds-paragraph">Du kan klage til Datatilsynet.<br>Eller ringe oss.</p>' in public.text
    assert "personvernforordningen" not in public.text  # the product's text is replaced, not added to
    theirs = await client.get(f"/{other_office.slug}/personvern")
    assert "Prøveby behandler" not in theirs.text and "personvernforordningen" in theirs.text
    assert office.profile().privacy_statement == OWN.replace("\r\n", "\n")


async def test_the_same_text_posted_twice_is_recorded_once_and_blank_returns_to_the_products_text(
    client: AsyncTestClient, office: Office, sign_in_as
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    before = tenant_version(office)
    assert (await save(client, office.slug, OWN)).status_code == 303
    assert (await save(client, office.slug, OWN)).status_code == 303  # a reload of the form, a double click
    assert tenant_version(office) == before + 1
    assert (await save(client, office.slug, "  \r\n ")).status_code == 303
    public = await client.get(f"/{office.slug}/personvern")
    assert "Prøveby behandler" not in public.text and "personvernforordningen" in public.text


async def test_markup_shows_as_the_text_it_is_and_never_runs(
    client: AsyncTestClient, office: Office, sign_in_as
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    attack = '<script>alert("x")</script>\n\n<a href="javascript:alert(1)">Klikk</a> <img src=x onerror=alert(1)>'
    assert (await save(client, office.slug, attack)).status_code == 303
    public = await client.get(f"/{office.slug}/personvern")
    assert "<script>alert" not in public.text and '<a href="javascript' not in public.text and "<img" not in public.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in public.text
    edit = await client.get(f"/{office.slug}/admin/personvern")
    assert "&lt;script&gt;" in edit.text and "<script>alert" not in edit.text


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("x" * 20_001, "kan ikke være lengre enn 20000 tegn"),
        ("Erklæring\x00med nulltegn", "kontrolltegn"),
        ("Erklæring \u202emed snudd tekst", "snur skriveretningen"),
    ],
)
async def test_a_text_that_cannot_be_kept_is_refused_at_its_field_and_nothing_changes(
    client: AsyncTestClient, office: Office, sign_in_as, text: str, says: str
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    before = tenant_version(office)
    refused = await save(client, office.slug, text)
    assert refused.status_code == 422
    assert 'id="privacy_statement-feil"' in refused.text and 'href="#privacy_statement"' in refused.text
    assert says in refused.text
    assert tenant_version(office) == before


@pytest.mark.parametrize("role", ["caseworker", "auditor"])
async def test_only_the_offices_administrator_may_open_or_change_it(
    client: AsyncTestClient, office: Office, sign_in_as, role: str
) -> None:
    """Like every admin page, a role that may not use it gets 404 (docs/architecture.md); the service layer refuses
    the command too (403 through web/errors.py), should a route ever lose its guard (tests/unit/test_command_roles)."""
    await sign_in_as(role, office.slug)
    before = tenant_version(office)
    assert (await client.get(f"/{office.slug}/admin/personvern")).status_code == 404
    assert (await save(client, office.slug, OWN)).status_code == 404
    assert tenant_version(office) == before


async def test_another_offices_administrator_and_the_network_cannot_change_it(
    client: AsyncTestClient, office: Office, other_office: Office, sign_in_as
) -> None:
    before = tenant_version(office)
    await sign_in_as("tenant_admin", other_office.slug)
    assert (await save(client, office.slug, OWN)).status_code == 404
    await sign_in_as("network", None)
    assert (await save(client, office.slug, OWN)).status_code == 404
    assert tenant_version(office) == before
    assert "Prøveby behandler" not in (await client.get(f"/{office.slug}/personvern")).text


async def test_without_signing_in_nobody_changes_it(client: AsyncTestClient, office: Office) -> None:
    before = tenant_version(office)
    response = await save(client, office.slug, OWN)
    assert response.status_code in (303, 401, 404) and tenant_version(office) == before


async def test_an_unknown_office_has_no_statement(client: AsyncTestClient) -> None:
    assert (await client.get("/finnes-ikke-kommune/personvern")).status_code == 404
    assert (await client.get("/IKKE%00GYLDIG/personvern")).status_code == 404


def tenant_version(office: Office) -> int:
    return int(office.app.repository.get(Tenant.id_for()).version)
