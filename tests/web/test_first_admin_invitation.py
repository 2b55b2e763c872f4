"""A new kommune gets its first administrator from /plattform by a one-time link; its form opens once it is staffed."""

from __future__ import annotations

import re

import pytest
from litestar.testing import AsyncTestClient

from domain.common import Context
from services.accounts import NotAnInviter
from services.office import Office
from services.platform import Platform
from tests.helpers import query
from tests.web.helpers import post, sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)

PASSWORD = "et-langt-og-eget-passord"
LINK = re.compile(r"https?://[^/<\s]+(/invitasjon/[A-Za-z0-9_-]+)")
SUMMARY = "Testesen Testperson venter på svar om avlastning (fiktiv testsak)."


async def add_kommune(client: AsyncTestClient, slug: str) -> None:
    response = await post(client, "/plattform", {"slug": slug, "name": "Nyby kommune", "template": "kommune"})
    assert response.status_code == 303


async def invite(client: AsyncTestClient, tenant: str, email: str) -> str:
    """The link's path as the platform administrator's page shows it, once."""
    response = await post(client, "/plattform/invitasjon", {"tenant": tenant, "email": email, "display_name": ""})
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    found = LINK.search(response.text)
    assert found, "the page shows the link to hand over"
    return found.group(1)


async def sign_out(client: AsyncTestClient) -> None:
    await post(client, "/logout")
    client.cookies.clear()


async def choose_password(client: AsyncTestClient, path: str, password: str, repeated: str | None = None):
    await client.get(path)
    data = {"password": password, "repeated": password if repeated is None else repeated}
    return await post(client, path, data)


async def sign_in_with(client: AsyncTestClient, email: str, password: str):
    await client.get("/login")
    data = {"email": email, "password": password, "_csrf_token": client.cookies["ombud_csrf"]}
    return await client.post("/login", data=data, follow_redirects=False)


async def contact(client: AsyncTestClient, slug: str):
    await client.get(f"/{slug}/kontakt")
    data = {"summary": SUMMARY, "service_area": "vet-ikke", "requester_name": "", "contact": ""}
    csrf = client.cookies["ombud_csrf"]
    return await client.post(f"/{slug}/kontakt", data={**data, "_csrf_token": csrf}, follow_redirects=False)


def records(admin_database_url: str, tenant: str) -> list[tuple[str, str]]:
    return [
        (change, actor_role)
        for change, actor_role in query(
            admin_database_url,
            "SELECT change, actor_role FROM audit.account_records WHERE tenant_id = %s ORDER BY id",
            (tenant,),
        )
    ]


async def test_a_new_kommune_gets_its_first_administrator_by_a_one_time_link_and_opens_its_form_then(
    client: AsyncTestClient, sign_in_as, platform: Platform, new_slug, admin_database_url: str
) -> None:
    await sign_in_as("platform_admin", None)
    slug = new_slug()
    await add_kommune(client, slug)
    assert platform.office(slug).profile().shares_statistics is False and slug not in platform.sharing_slugs()

    closed = await client.get(f"/{slug}/kontakt")
    assert closed.status_code == 200 and "tar ikke imot henvendelser her ennå" in closed.text
    assert 'name="summary"' not in closed.text
    refused = await contact(client, slug)
    assert refused.status_code == 403
    assert query(admin_database_url, "SELECT count(*) FROM read.inquiries WHERE tenant_id = %s", (slug,)) == [(0,)]

    email = f"forste-admin-{slug}@eksempel.invalid"
    path = await invite(client, slug, email)
    token = path.rsplit("/", 1)[1]
    stored = query(
        admin_database_url, "SELECT token_hash, used_at FROM platform.invitations WHERE email = %s", (email,)
    )
    assert len(stored) == 1 and stored[0][1] is None and token.encode() not in bytes(stored[0][0])
    await sign_out(client)

    page = await client.get(path)
    assert page.status_code == 200 and email in page.text and page.headers["cache-control"] == "no-store"
    mismatched = await choose_password(client, path, PASSWORD, "et-annet-passord-her")
    assert mismatched.status_code == 422 and 'id="invitasjon-repeated-feil"' in mismatched.text
    too_short = await choose_password(client, path, "kort")
    assert too_short.status_code == 422 and 'id="invitasjon-password-feil"' in too_short.text
    accepted = await choose_password(client, path, PASSWORD)
    assert accepted.status_code == 303 and accepted.headers["location"] == "/login?ny=1"
    assert email not in accepted.headers["location"]
    assert "Kontoen din er klar" in (await client.get("/login?ny=1")).text

    signed_in = await sign_in_with(client, email, PASSWORD)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == f"/{slug}/oversikt"
    assert (await client.get(f"/{slug}/admin")).status_code == 200
    assert records(admin_database_url, slug) == [("invited", "platform_admin"), ("created", "tenant_admin")]

    await sign_out(client)
    opened = await client.get(f"/{slug}/kontakt")
    assert opened.status_code == 200 and 'name="summary"' in opened.text
    assert (await contact(client, slug)).status_code == 303


async def test_a_used_link_is_refused_and_makes_no_second_account(
    client: AsyncTestClient, sign_in_as, office: Office, admin_database_url: str
) -> None:
    await sign_in_as("platform_admin", None)
    email = f"brukt-{office.slug}@eksempel.invalid"
    path = await invite(client, office.slug, email)
    await sign_out(client)
    assert (await choose_password(client, path, PASSWORD)).status_code == 303
    again = await client.get(path)
    assert again.status_code == 404 and "allerede brukt" in again.text
    assert (await choose_password(client, path, "et-helt-annet-passord")).status_code == 404
    assert (await sign_in_with(client, email, "et-helt-annet-passord")).status_code == 401
    assert query(admin_database_url, "SELECT count(*) FROM platform.accounts WHERE email = %s", (email,)) == [(1,)]


async def test_an_expired_link_is_refused(
    client: AsyncTestClient, sign_in_as, office: Office, admin_database_url: str
) -> None:
    await sign_in_as("platform_admin", None)
    email = f"utlopt-{office.slug}@eksempel.invalid"
    path = await invite(client, office.slug, email)
    query(
        admin_database_url,
        "UPDATE platform.invitations SET expires_at = now() - interval '1 second' WHERE email = %s RETURNING 1",
        (email,),
    )
    await sign_out(client)
    assert (await client.get(path)).status_code == 404
    assert (await choose_password(client, path, PASSWORD)).status_code == 404
    assert query(admin_database_url, "SELECT count(*) FROM platform.accounts WHERE email = %s", (email,)) == [(0,)]


async def test_a_new_invitation_to_the_same_address_ends_the_earlier_link(
    client: AsyncTestClient, sign_in_as, office: Office
) -> None:
    await sign_in_as("platform_admin", None)
    email = f"to-ganger-{office.slug}@eksempel.invalid"
    first = await invite(client, office.slug, email)
    second = await invite(client, office.slug, email)
    await sign_out(client)
    assert (await client.get(first)).status_code == 404
    assert (await client.get(second)).status_code == 200


@pytest.mark.parametrize("path", ["/invitasjon/ukjent-men-lang-nok-lenke-123", "/invitasjon/x", "/invitasjon/%00%ff"])
async def test_an_unknown_or_odd_link_answers_404(client: AsyncTestClient, path: str) -> None:
    assert (await client.get(path)).status_code == 404
    assert (await choose_password(client, path, PASSWORD)).status_code == 404


async def test_an_address_with_an_account_or_no_kommune_is_named_at_its_field(
    client: AsyncTestClient, sign_in_as, office: Office
) -> None:
    platform_admin = await sign_in_as("platform_admin", None)
    taken = await post(client, "/plattform/invitasjon", {"tenant": office.slug, "email": platform_admin.email})
    assert taken.status_code == 422 and 'id="invitasjon-email-feil"' in taken.text
    unknown = await post(client, "/plattform/invitasjon", {"tenant": "finnes-ikke", "email": "ny@eksempel.invalid"})
    assert unknown.status_code == 422 and 'id="invitasjon-tenant-feil"' in unknown.text
    assert "/invitasjon/" not in taken.text.replace('action="/plattform/invitasjon"', "")


@pytest.mark.parametrize("role", ["caseworker", "tenant_admin", "auditor", "network"])
async def test_no_other_role_can_invite(client: AsyncTestClient, sign_in_as, office: Office, role: str) -> None:
    await sign_in_as(role, None if role == "network" else office.slug)
    data = {"tenant": office.slug, "email": f"{role}-inviterer@eksempel.invalid"}
    response = await post(client, "/plattform/invitasjon", data)
    assert response.status_code == 404 and "/invitasjon/" not in response.text


def test_the_service_refuses_an_invitation_from_any_role_but_the_platform_administrator(
    platform: Platform, office: Office
) -> None:
    for role in ("caseworker", "tenant_admin", "auditor", "network"):
        with pytest.raises(NotAnInviter):
            platform.invite_first_admin(
                Context("x", role, "00000000-0000-0000-0000-000000000001"), office.slug, email="noen@eksempel.invalid"
            )


def test_a_kommune_that_existed_keeps_its_sharing(platform: Platform, office: Office) -> None:
    assert office.profile().shares_statistics is True and office.slug in platform.sharing_slugs()


async def test_with_htmx_the_new_kommune_comes_back_chosen_for_its_first_invitation(
    client: AsyncTestClient, sign_in_as, new_slug
) -> None:
    await sign_in_as("platform_admin", None)
    slug = new_slug()
    data = {"slug": slug, "name": "Nyby kommune", "template": "kommune"}
    response = await post(client, "/plattform", data, htmx=True)
    assert response.status_code == 200 and 'id="invitasjon"' in response.text
    assert f'<option value="{slug}" selected>' in response.text
