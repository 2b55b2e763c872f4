"""Administrators switch accounts off and on within their own scope; every account change is recorded for auditors."""

from __future__ import annotations

import psycopg
import pytest
from litestar.testing import AsyncTestClient

from services.office import Office
from tests.helpers import query
from tests.private_database import (
    module_admin_database_url,  # noqa: F401 (a database of the module's own: the platform page lists every kommune in it)
    module_database_url,  # noqa: F401
)
from tests.web.helpers import (
    accounts_out_of_reach,
    administrator_and_colleague,
    post,
    sign_in_as_fixture,  # noqa: F401 (the fixture `sign_in_as`)
)


def state(admin_database_url: str, account_id: object) -> tuple[bool, int]:
    with psycopg.connect(admin_database_url) as conn:
        row = conn.execute(
            "SELECT active, session_generation FROM platform.accounts WHERE id = %s", (account_id,)
        ).fetchone()
    return row


def records(admin_database_url: str, account_id: object) -> list[tuple[str, str, str]]:
    sql = "SELECT tenant_id, change, actor_id FROM audit.account_records WHERE account_id = %s ORDER BY id"
    return query(admin_database_url, sql, (account_id,))


async def test_a_tenant_administrator_deactivates_and_reactivates_a_colleague_without_javascript(
    client: AsyncTestClient, office: Office, make_account, sign_in, admin_database_url: str
) -> None:
    me, colleague = await administrator_and_colleague(make_account, sign_in, office)
    page = await client.get(f"/{office.slug}/admin")
    assert f'action="/{office.slug}/admin/brukere/{colleague.id}/deaktiver"' in page.text
    assert f"/admin/brukere/{me.id}/deaktiver" not in page.text  # no button against oneself
    response = await post(client, f"/{office.slug}/admin/brukere/{colleague.id}/deaktiver")
    assert response.status_code == 303 and response.headers["location"] == f"/{office.slug}/admin#brukere"
    assert state(admin_database_url, colleague.id) == (False, 1)
    page = await client.get(f"/{office.slug}/admin")
    assert f'action="/{office.slug}/admin/brukere/{colleague.id}/aktiver"' in page.text and "Deaktivert" in page.text
    response = await post(client, f"/{office.slug}/admin/brukere/{colleague.id}/aktiver", htmx=True)
    assert response.status_code == 200 and "Kontoen er aktivert igjen" in response.text and "<html" not in response.text
    assert state(admin_database_url, colleague.id)[0] is True
    assert [(r[1], r[2]) for r in records(admin_database_url, colleague.id)][1:] == [
        ("deactivated", str(me.id)),
        ("reactivated", str(me.id)),
    ]


async def test_an_administrator_cannot_deactivate_themselves(
    client: AsyncTestClient, office: Office, sign_in_as, admin_database_url: str
) -> None:
    me = await sign_in_as("tenant_admin", office.slug)
    response = await post(client, f"/{office.slug}/admin/brukere/{me.id}/deaktiver", htmx=True)
    assert response.status_code == 422 and "din egen konto" in response.text
    assert state(admin_database_url, me.id) == (True, 0)


async def test_a_tenant_administrator_cannot_touch_another_tenants_account(
    client: AsyncTestClient, office: Office, other_office: Office, make_account, sign_in_as, admin_database_url: str
) -> None:
    out_of_reach = accounts_out_of_reach(make_account, office, other_office, "deaktiver")
    await sign_in_as("tenant_admin", other_office.slug)
    for path in out_of_reach.paths:
        assert (await post(client, path)).status_code == 404, path
    assert [state(admin_database_url, a.id) for a in (out_of_reach.theirs, out_of_reach.network)] == [(True, 0)] * 2


@pytest.mark.parametrize("role", ["caseworker", "auditor"])
async def test_only_administrators_deactivate(
    client: AsyncTestClient, office: Office, make_account, sign_in_as, admin_database_url: str, role: str
) -> None:
    colleague = make_account("caseworker", office.slug)
    await sign_in_as(role, office.slug)
    assert (await post(client, f"/{office.slug}/admin/brukere/{colleague.id}/deaktiver")).status_code == 404
    assert state(admin_database_url, colleague.id) == (True, 0)


async def test_a_platform_administrator_deactivates_platform_accounts_only_and_never_their_own(
    client: AsyncTestClient, office: Office, make_account, sign_in, admin_database_url: str
) -> None:
    me = make_account("platform_admin", None)
    network = make_account("network", None)
    tenant_account = make_account("caseworker", office.slug)
    await sign_in(me)
    page = await client.get("/plattform")
    assert network.email in page.text and f'action="/plattform/kontoer/{network.id}/deaktiver"' in page.text
    assert tenant_account.email not in page.text
    response = await post(client, f"/plattform/kontoer/{network.id}/deaktiver")
    assert response.status_code == 303 and state(admin_database_url, network.id) == (False, 1)
    assert records(admin_database_url, network.id)[-1] == ("_platform", "deactivated", str(me.id))
    assert (await post(client, f"/plattform/kontoer/{tenant_account.id}/deaktiver")).status_code == 404
    response = await post(client, f"/plattform/kontoer/{me.id}/deaktiver")
    assert response.status_code == 422 and "din egen konto" in response.text
    assert state(admin_database_url, tenant_account.id) == (True, 0) and state(admin_database_url, me.id) == (True, 0)
    assert (await post(client, f"/plattform/kontoer/{network.id}/aktiver")).status_code == 303
    assert state(admin_database_url, network.id)[0] is True


async def test_auditors_see_their_tenants_account_changes_and_not_another_tenants_nor_any_hash(
    client: AsyncTestClient, office: Office, other_office: Office, make_account, sign_in, sign_in_as
) -> None:
    admin = make_account("tenant_admin", office.slug)
    colleague = make_account("caseworker", office.slug)
    stranger = make_account("caseworker", other_office.slug)
    await sign_in(admin)
    await post(client, f"/{office.slug}/admin/brukere/{colleague.id}/rolle", {"role": "auditor"})
    await post(client, f"/{office.slug}/admin/brukere/{colleague.id}/deaktiver")
    await sign_in_as("auditor", office.slug)
    page = await client.get(f"/{office.slug}/tilgangslogg")
    assert page.status_code == 200
    section = page.text[page.text.index('id="kontoendringer"') :]
    for text in ("Opprettet", "Ny rolle", "Saksbehandler → Revisor", "Deaktivert", colleague.email, admin.email):
        assert text in section, text
    assert stranger.email not in page.text and "argon2" not in page.text
    await sign_in_as("auditor", other_office.slug)
    theirs = await client.get(f"/{other_office.slug}/tilgangslogg")
    section = theirs.text[theirs.text.index('id="kontoendringer"') :]
    assert stranger.email in section and colleague.email not in section and "Ny rolle" not in section
