"""The tenant administrator's page: staff accounts and roles, and publishing a new taxonomy version."""

from __future__ import annotations

import psycopg
import pytest
from litestar.testing import AsyncTestClient

from services.office import Office
from tests.web.helpers import (
    administrator_and_colleague,
    post,
    sign_in_as_fixture,  # noqa: F401 (the fixture `sign_in_as`)
)

NEW_PASSWORD = "et-annet-langt-passord"


def accounts(database_url: str, tenant: str) -> list[tuple[str, str]]:
    with psycopg.connect(database_url) as conn, conn.transaction():
        conn.execute("SELECT set_config('app.tenant_id', %s, true)", (tenant,))
        rows = conn.execute("SELECT email, role FROM platform.accounts WHERE tenant_id = %s ORDER BY email", (tenant,))
        return rows.fetchall()


def new_account(address: str, **changes: str) -> dict[str, str]:
    return {
        "email": address,
        "role": "caseworker",
        "password": NEW_PASSWORD,
        "password_repeat": NEW_PASSWORD,
        **changes,
    }


async def test_an_administrator_creates_an_account_that_is_then_listed(
    client: AsyncTestClient, office: Office, sign_in_as, database_url: str
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    response = await post(client, f"/{office.slug}/admin/brukere", new_account("Ny-Radgiver@eksempel.invalid"))
    assert response.status_code == 303
    assert ("ny-radgiver@eksempel.invalid", "caseworker") in accounts(database_url, office.slug)
    page = await client.get(f"/{office.slug}/admin")
    assert "ny-radgiver@eksempel.invalid" in page.text


async def test_with_htmx_the_users_section_comes_back_confirming_the_account(
    client: AsyncTestClient, office: Office, sign_in_as
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    response = await post(
        client, f"/{office.slug}/admin/brukere", new_account("revisor-test@eksempel.invalid", role="auditor"), htmx=True
    )
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="brukere"' in response.text
    assert "Kontoen for revisor-test@eksempel.invalid er lagt inn." in response.text


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("email", {"email": "ikke-en-adresse"}),
        ("password", {"password": "kort", "password_repeat": "kort"}),
        ("password_repeat", {"password_repeat": "et-helt-annet-passord"}),
        ("role", {"role": "platform_admin"}),
    ],
)
async def test_bad_account_input_is_named_at_its_field_and_nothing_is_written(
    client: AsyncTestClient, office: Office, sign_in_as, database_url: str, field: str, changes: dict[str, str]
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    before = accounts(database_url, office.slug)
    response = await post(client, f"/{office.slug}/admin/brukere", new_account("ny-test@eksempel.invalid", **changes))
    assert response.status_code == 422
    assert f'href="#account-{field}"' in response.text and f'id="account-{field}-feil"' in response.text
    assert NEW_PASSWORD not in response.text  # a typed password is never sent back
    assert accounts(database_url, office.slug) == before


async def test_every_problem_with_a_new_account_is_reported_at_once_each_linked_to_its_field(
    client: AsyncTestClient, office: Office, sign_in_as, database_url: str
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    before = accounts(database_url, office.slug)
    typed = {"email": "=HYPERLINK(1)", "display_name": "Test\x00Testesen", "role": "platform_admin"}
    response = await post(client, f"/{office.slug}/admin/brukere", {**typed, "password": "kort", "password_repeat": ""})
    assert response.status_code == 422
    summary = response.text.split("Kontoen ble ikke opprettet:")[1].split("</ul>")[0]
    assert [
        field for field in ("email", "display_name", "role", "password") if f'href="#account-{field}"' in summary
    ] == [
        "email",
        "display_name",
        "role",
        "password",
    ]
    assert 'href="#account-password_repeat"' not in summary  # a too short password is the one thing to fix there
    assert response.text.count('aria-invalid="true"') == 4
    assert accounts(database_url, office.slug) == before


async def test_an_address_with_an_account_in_another_tenant_gets_the_same_answer_as_a_new_one(
    client: AsyncTestClient, office: Office, other_office: Office, make_account, sign_in_as, database_url: str
) -> None:
    """The attack: "det finnes allerede en konto" told an office who works at another kommune."""
    theirs = make_account("caseworker", other_office.slug)
    await sign_in_as("tenant_admin", office.slug)
    answers = {}
    for address in ("helt-ny-test@eksempel.invalid", theirs.email):
        without_js = await post(client, f"/{office.slug}/admin/brukere", new_account(address.upper()))
        with_htmx = await post(client, f"/{office.slug}/admin/brukere", new_account(address.upper()), htmx=True)
        answers[address] = (
            without_js.status_code,
            without_js.headers.get("location"),
            with_htmx.status_code,
            with_htmx.text.replace(address, "ADRESSE").split('id="brukere"')[1].split("<table")[0],
        )
    assert answers["helt-ny-test@eksempel.invalid"] == answers[theirs.email]
    assert "Kontoen for ADRESSE er lagt inn." in answers[theirs.email][3] and "finnes allerede" not in str(answers)
    assert (theirs.email, "caseworker") not in accounts(database_url, office.slug)  # nothing made, nothing moved
    assert (theirs.email, "caseworker") in accounts(database_url, other_office.slug)


async def test_an_administrator_changes_a_colleagues_role_but_not_their_own(
    client: AsyncTestClient, office: Office, make_account, sign_in, database_url: str
) -> None:
    me, colleague = await administrator_and_colleague(make_account, sign_in, office)
    response = await post(client, f"/{office.slug}/admin/brukere/{colleague.id}/rolle", {"role": "auditor"})
    assert response.status_code == 303
    response = await post(client, f"/{office.slug}/admin/brukere/{me.id}/rolle", {"role": "caseworker"}, htmx=True)
    assert response.status_code == 422 and "din egen rolle" in response.text
    assert sorted(accounts(database_url, office.slug)) == sorted(
        [(me.email, "tenant_admin"), (colleague.email, "auditor")]
    )


async def test_a_role_change_signs_the_colleague_out_of_every_session(
    client: AsyncTestClient, office: Office, make_account, sign_in, sign_in_as
) -> None:
    me = make_account("tenant_admin", office.slug)
    colleague = await sign_in_as("caseworker", office.slug)
    colleagues_session = client.cookies["ombud_sesjon"]
    assert (await client.get(f"/{office.slug}/henvendelser")).status_code == 200
    await sign_in(me)
    await post(client, f"/{office.slug}/admin/brukere/{colleague.id}/rolle", {"role": "auditor"})
    client.cookies.set("ombud_sesjon", colleagues_session)
    response = await client.get(f"/{office.slug}/henvendelser", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


OLD_AREAS = (
    "helse",
    "plan-og-bygg",
    "skole-og-barnehage",
    "boligkontoret",
    "vann-avlop-renovasjon",
    "kommunale-veier",
    "nav",
    "barnevern",
)


def area_rows(*rows: tuple[str, str, str]) -> dict[str, str]:
    """The new version's form as the browser sends it: (code, name, parent code) a row, no code for a new area."""
    form: dict[str, str] = {}
    for i, (code, name, parent) in enumerate(rows):
        form |= {f"area-{i}-code": code, f"area-{i}-name": name, f"area-{i}-parent": parent}
    return form


async def test_an_administrator_publishes_a_taxonomy_version_choosing_parents_and_moves_from_lists(
    client: AsyncTestClient, office: Office, sign_in_as
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    page = (await client.get(f"/{office.slug}/admin")).text
    assert "Versjon 2" not in page  # the page has read the profile
    assert '<select class="ds-input" id="area-0-parent" name="area-0-parent">' in page
    assert '<select class="ds-input" id="flytt-helse" name="flytt-helse">' in page
    assert "kode; navn" not in page  # nothing to type in a format of its own
    rows = area_rows(
        ("", "Helse og omsorg", ""),
        ("", "Fastlege", "helse-og-omsorg"),
        ("", "", ""),
        ("bygg", "Plan og bygg", ""),
        ("annet", "Annet", ""),
    )
    moves = {f"flytt-{old}": "annet" for old in OLD_AREAS}
    response = await post(client, f"/{office.slug}/admin/taksonomi", {"effective_from": "2025-01-01", **rows, **moves})
    assert response.status_code == 303
    profile = office.profile()
    assert len(profile.taxonomies) == 2 and profile.taxonomies[1].find("fastlege").parent == "helse-og-omsorg"
    page = (await client.get(f"/{office.slug}/admin")).text
    assert "Versjon 2, gjelder fra 01.01.2025" in page and "helse → annet" in page
    assert '<option value="helse-og-omsorg" selected>Helse og omsorg</option>' in page  # Fastlege's parent, chosen


@pytest.mark.parametrize(
    ("field", "form", "message"),
    [
        ("areas", area_rows(("", "", ""), ("", " ", "")), "minst ett tjenesteområde"),
        ("mapping", area_rows(("helse", "Helse", "")), "mangler ny plassering"),
        ("mapping", {**area_rows(("helse", "Helse", "")), "flytt-nav": "finnes-ikke"}, "finnes ikke i den nye"),
        ("areas", area_rows(("helse", "Helse", "finnes-ikke")), "finnes-ikke"),
        ("effective_from", {"effective_from": "1999-01-01", **area_rows(("helse", "Helse", ""))}, "etter forrige"),
    ],
)
async def test_a_bad_taxonomy_names_its_field_and_publishes_nothing_and_keeps_the_rows(
    client: AsyncTestClient, office: Office, sign_in_as, field: str, form: dict[str, str], message: str
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    response = await post(
        client, f"/{office.slug}/admin/taksonomi", {"effective_from": "2025-01-01", **form}, htmx=True
    )
    assert response.status_code == 422
    assert f'href="#taxonomy-{field}"' in response.text and f'id="taxonomy-{field}-feil"' in response.text
    assert message in response.text
    assert len(office.profile().taxonomies) == 1


async def test_an_area_added_in_a_refused_attempt_can_then_be_chosen_as_a_move(
    client: AsyncTestClient, office: Office, sign_in_as
) -> None:
    await sign_in_as("tenant_admin", office.slug)
    rows = area_rows(("", "Helse og velferd", ""))
    refused = await post(client, f"/{office.slug}/admin/taksonomi", {"effective_from": "2025-01-01", **rows}, htmx=True)
    assert refused.status_code == 422
    assert '<option value="helse-og-velferd">Telles som Helse og velferd</option>' in refused.text
    assert 'value="Helse og velferd"' in refused.text  # the row as sent


@pytest.mark.parametrize("role", ["caseworker", "auditor"])
async def test_roles_other_than_the_administrator_get_404(
    client: AsyncTestClient, office: Office, sign_in_as, database_url: str, role: str
) -> None:
    await sign_in_as(role, office.slug)
    assert (await client.get(f"/{office.slug}/admin")).status_code == 404
    before = accounts(database_url, office.slug)
    assert (
        await post(client, f"/{office.slug}/admin/brukere", new_account("ny-test@eksempel.invalid"))
    ).status_code == 404
    assert accounts(database_url, office.slug) == before


async def test_an_administrator_cannot_see_or_touch_another_tenants_accounts(
    client: AsyncTestClient, office: Office, other_office: Office, make_account, sign_in_as, database_url: str
) -> None:
    theirs = make_account("caseworker", office.slug)
    await sign_in_as("tenant_admin", other_office.slug)
    assert theirs.email not in (await client.get(f"/{other_office.slug}/admin")).text
    assert (await client.get(f"/{office.slug}/admin")).status_code == 404
    assert (
        await post(client, f"/{office.slug}/admin/brukere", new_account("ny-test@eksempel.invalid"))
    ).status_code == 404
    # Through their own tenant's URL, the other tenant's account is simply not found.
    response = await post(client, f"/{other_office.slug}/admin/brukere/{theirs.id}/rolle", {"role": "auditor"})
    assert response.status_code == 404
    assert (theirs.email, "caseworker") in accounts(database_url, office.slug)
    assert (
        await post(
            client, f"/{office.slug}/admin/taksonomi", {"effective_from": "2025-01-01", **area_rows(("a", "A", ""))}
        )
    ).status_code == 404
    assert len(office.profile().taxonomies) == 1
