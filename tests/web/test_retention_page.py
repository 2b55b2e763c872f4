"""The tenant administrator's retention page and the legal-hold button: references and dates only, own tenant only."""

from __future__ import annotations

from datetime import date

from litestar.testing import AsyncTestClient

from domain.common import Context
from services.case_commands import Resolve
from services.office import Office
from services.retention import Retention, SetRetention
from tests import factories
from tests.web.helpers import (
    SignInAs,
    csrf,
    sign_in_as_fixture,  # noqa: F401 (the fixture `sign_in_as`)
)

NAME = "Ragnhild Kassasjonsen"


def resolved(office: Office, ctx: Context, on: date) -> str:
    reference = factories.receive(
        office, ctx, received_on=on, summary=f"{NAME} ber om hjelp.", requester_name=NAME
    ).reference
    office.handle(ctx, Resolve(inquiry=reference, on=on, outcome="assisted"))
    return reference


async def due_before_its_administrator(office: Office, caseworker: Context, sign_in_as: SignInAs) -> str:
    """An inquiry resolved on 2020-03-02, due under a year's retention set on 2024-01-01; the administrator signed in."""
    reference = resolved(office, caseworker, date(2020, 3, 2))
    Retention(office).set_years(caseworker, SetRetention(1, date(2024, 1, 1)))
    await sign_in_as("tenant_admin", office.slug)
    return reference


async def test_the_administrator_sets_retention_sees_the_due_inquiries_and_runs_it(
    client: AsyncTestClient, office: Office, other_office: Office, caseworker: Context, sign_in_as
) -> None:
    due = resolved(office, caseworker, date(2020, 3, 2))
    other = resolved(other_office, caseworker, date(2020, 3, 2))
    Retention(other_office).set_years(caseworker, SetRetention(1, date(2024, 1, 1)))
    await sign_in_as("tenant_admin", office.slug)

    page = await client.get(f"/{office.slug}/admin/kassasjon")
    assert page.status_code == 200 and "Kassasjon er slått av" in page.text and due not in page.text
    refused = await client.post(
        f"/{office.slug}/admin/kassasjon/innstilling", data={"years": "101", "_csrf_token": csrf(client)}
    )
    assert refused.status_code == 422 and "fra 1 til 100" in refused.text
    saved = await client.post(
        f"/{office.slug}/admin/kassasjon/innstilling",
        data={"years": "3", "_csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert saved.status_code == 303  # a reload of the page that follows posts nothing
    saved = await client.get(saved.headers["location"])
    assert saved.status_code == 200 and "Innstillingen er lagret" in saved.text and "3 år etter" in saved.text
    assert ">02.03.2020<" in saved.text and ">02.03.2023<" in saved.text and due in saved.text
    assert NAME not in saved.text
    assert office.erased_on(due) is None  # the page only links to the confirmation

    confirmation = await client.get(f"/{office.slug}/admin/kassasjon/kjor")
    assert confirmation.status_code == 200
    assert "Du er i ferd med å slette personopplysningene i 1 henvendelser" in confirmation.text
    assert office.erased_on(due) is None
    ran = await client.post(
        f"/{office.slug}/admin/kassasjon/kjor",
        data={"reason": "årlig kassasjon", "antall": "1", "_csrf_token": csrf(client)},
        follow_redirects=False,
    )

    assert ran.status_code == 303
    after = await client.get(ran.headers["location"])
    assert after.status_code == 200 and "Personopplysningene i 1 henvendelser er slettet" in after.text
    assert "Ingen henvendelser skal slettes nå" in after.text
    assert office.erased_on(due) is not None
    erasure = office.history(due)[-1]
    assert erasure.event == "Erased" and erasure.actor_role == "tenant_admin"
    assert other_office.erased_on(other) is None


async def test_a_run_needs_a_reason_and_the_count_confirmed_else_it_erases_nothing(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as
) -> None:
    first = await due_before_its_administrator(office, caseworker, sign_in_as)
    await client.get(f"/{office.slug}/admin/kassasjon")
    run = f"/{office.slug}/admin/kassasjon/kjor"

    without = await client.post(run, data={"reason": " ", "antall": "1", "_csrf_token": csrf(client)})
    assert without.status_code == 422 and "må fylles ut" in without.text
    second = resolved(office, caseworker, date(2020, 3, 3))  # falls due after the person counted one
    stale = await client.post(run, data={"reason": "årlig kassasjon", "antall": "1", "_csrf_token": csrf(client)})
    assert stale.status_code == 409 and "nå skal 2 henvendelser slettes" in stale.text
    assert 'value="årlig kassasjon"' in stale.text and 'name="antall" value="2"' in stale.text
    odd = await client.post(run, data={"reason": "årlig kassasjon", "antall": "²", "_csrf_token": csrf(client)})
    assert odd.status_code == 422
    assert office.erased_on(first) is None and office.erased_on(second) is None

    done = await client.post(
        run, data={"reason": "årlig kassasjon", "antall": "2", "_csrf_token": csrf(client)}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"].endswith("?slettet=2#forfalt")
    assert office.erased_on(first) is not None and office.erased_on(second) is not None
    again = await client.post(run, data={"reason": "årlig kassasjon", "antall": "2", "_csrf_token": csrf(client)})
    assert again.status_code == 409 and "Ingenting ble slettet" in again.text  # a second post erases nothing more
    assert "Ingen henvendelser skal slettes nå" in (await client.get(run)).text


async def test_the_hold_button_keeps_an_inquiry_from_retention_until_lifted(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as
) -> None:
    reference = await due_before_its_administrator(office, caseworker, sign_in_as)
    page = await client.get(f"/{office.slug}/henvendelser/{reference}")
    assert "Hold tilbake fra kassasjon" in page.text

    held = await client.post(
        f"/{office.slug}/henvendelser/{reference}/tilbakehold",
        data={"reason": "tvist", "_csrf_token": csrf(client)},
        follow_redirects=False,
    )

    assert held.status_code == 303
    assert "Opphev tilbakehold" in (await client.get(f"/{office.slug}/henvendelser/{reference}")).text
    assert reference not in (await client.get(f"/{office.slug}/admin/kassasjon")).text
    lifted = await client.post(
        f"/{office.slug}/henvendelser/{reference}/tilbakehold",
        data={"action": "lift", "_csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert lifted.status_code == 303
    assert reference in (await client.get(f"/{office.slug}/admin/kassasjon")).text


async def test_other_roles_and_other_tenants_get_404_and_nothing_changes(
    client: AsyncTestClient, office: Office, other_office: Office, caseworker: Context, sign_in_as
) -> None:
    theirs = resolved(other_office, caseworker, date(2020, 3, 2))
    ours = resolved(office, caseworker, date(2020, 3, 2))
    await sign_in_as("tenant_admin", office.slug)
    await client.get(f"/{office.slug}/admin/kassasjon")
    token = {"_csrf_token": csrf(client)}
    assert (await client.get(f"/{other_office.slug}/admin/kassasjon")).status_code == 404
    assert (await client.get(f"/{other_office.slug}/admin/kassasjon/kjor")).status_code == 404
    for path in ("admin/kassasjon/innstilling", "admin/kassasjon/kjor"):
        answer = await client.post(
            f"/{other_office.slug}/{path}", data={"years": "1", "reason": "x", "antall": "1", **token}
        )
        assert answer.status_code == 404
    answer = await client.post(f"/{other_office.slug}/henvendelser/{theirs}/tilbakehold", data=token)
    assert answer.status_code == 404
    assert Retention(other_office).years() is None and not Retention(other_office).is_on_hold(theirs)

    await sign_in_as("caseworker", office.slug)
    assert (await client.get(f"/{office.slug}/admin/kassasjon")).status_code == 404
    assert (await client.get(f"/{office.slug}/admin/kassasjon/kjor")).status_code == 404
    page = await client.get(f"/{office.slug}/henvendelser/{ours}")
    assert "tilbakehold" not in page.text
    answer = await client.post(f"/{office.slug}/henvendelser/{ours}/tilbakehold", data={"_csrf_token": csrf(client)})
    assert answer.status_code == 404
    assert not Retention(office).is_on_hold(ours)
