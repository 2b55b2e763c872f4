"""The tenant administrator's erasure: a confirmation first, then the page shows every personal field as erased."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from litestar.testing import AsyncTestClient

from domain.account import Account
from domain.common import OSLO, Context
from domain.inquiry import ERASED
from services.case_commands import AddNote
from services.office import Office
from services.platform import Platform
from tests import factories
from tests.web.helpers import sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)

NAME = "Torbjørg Slettemo"
SUMMARY = "Torbjørg Slettemo venter på svar om sykehjemsplass."
NOTE = "Torbjørg ringte igjen om plassen."


def receive(office: Office, ctx: Context) -> str:
    reference = factories.receive(
        office,
        ctx,
        received_on=date(2025, 3, 3),
        summary=SUMMARY,
        requester_name=NAME,
        contact="torbjorg@example.invalid",
    ).reference
    office.handle(ctx, AddNote(inquiry=reference, on=date(2025, 3, 4), text=NOTE))
    return reference


def csrf(client: AsyncTestClient) -> str:
    return client.cookies["ombud_csrf"]


async def test_the_administrator_confirms_and_the_page_then_shows_the_fields_as_erased(
    client: AsyncTestClient, office: Office, other_office: Office, caseworker: Context,
    make_account: Callable[..., Account], sign_in, platform: Platform,
) -> None:  # fmt: skip
    reference = receive(office, caseworker)
    kept = receive(office, caseworker)
    same_in_other = receive(other_office, caseworker)
    await sign_in(make_account("tenant_admin", office.slug))

    page = await client.get(f"/{office.slug}/henvendelser/{reference}")
    assert f"/{office.slug}/henvendelser/{reference}/slett" in page.text
    confirmation = await client.get(f"/{office.slug}/henvendelser/{reference}/slett")
    assert confirmation.status_code == 200
    assert "kan ikke angres" in confirmation.text and "Skriv aldri personopplysninger her" in confirmation.text
    assert NAME not in confirmation.text and SUMMARY not in confirmation.text
    irreversible = platform.irreversible_at(datetime.now(UTC)).astimezone(OSLO)  # the next rotation + backups' life
    assert f"Fra {irreversible:%d.%m.%Y kl. %H.%M} er nøkkelen som kunne åpne dem destruert" in confirmation.text

    done = await client.post(
        f"/{office.slug}/henvendelser/{reference}/slett",
        data={"reason": "krav fra innbygger", "_csrf_token": csrf(client)},
        follow_redirects=False,
    )

    assert done.status_code == 303
    page = await client.get(f"/{office.slug}/henvendelser/{reference}")
    assert page.status_code == 200
    assert '<em class="erased">slettet</em>' in page.text and "Personopplysninger slettet" in page.text
    assert ERASED not in page.text  # the marker is shown through the page's one rule for personal data
    assert not any(text in page.text for text in (NAME, SUMMARY, NOTE, "torbjorg@"))
    assert "/slett" not in page.text  # nothing left to erase
    assert NAME in (await client.get(f"/{office.slug}/henvendelser/{kept}")).text
    assert other_office.inquiry(same_in_other).requester_name == NAME


async def test_a_reason_is_required_and_nothing_is_erased_without_one(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as
) -> None:
    reference = receive(office, caseworker)
    await sign_in_as("tenant_admin", office.slug)
    await client.get(f"/{office.slug}/henvendelser/{reference}/slett")

    answer = await client.post(
        f"/{office.slug}/henvendelser/{reference}/slett", data={"reason": " ", "_csrf_token": csrf(client)}
    )

    assert answer.status_code == 422 and "må fylles ut" in answer.text
    assert office.inquiry(reference).requester_name == NAME


async def assert_the_erasure_page_is_missing_and_erases_nothing(
    client: AsyncTestClient, office: Office, reference: str
) -> None:
    """Neither showing nor posting the erasure form answers anything but 404, and the name stays."""
    assert (await client.get(f"/{office.slug}/henvendelser/{reference}/slett")).status_code == 404
    posted = await client.post(
        f"/{office.slug}/henvendelser/{reference}/slett", data={"reason": "kassasjon", "_csrf_token": csrf(client)}
    )
    assert posted.status_code == 404
    assert office.inquiry(reference).requester_name == NAME


@pytest.mark.parametrize("role", ["caseworker", "auditor"])
async def test_only_the_tenants_administrator_may_erase_others_get_404(
    client: AsyncTestClient, office: Office, other_office: Office, caseworker: Context,
    make_account: Callable[..., Account], sign_in, role: str,
) -> None:  # fmt: skip
    reference = receive(office, caseworker)
    await sign_in(make_account(role, office.slug))
    await client.get(f"/{office.slug}/henvendelser")
    assert "/slett" not in (await client.get(f"/{office.slug}/henvendelser/{reference}")).text
    await assert_the_erasure_page_is_missing_and_erases_nothing(client, office, reference)


async def test_another_tenants_administrator_gets_404_and_erases_nothing(
    client: AsyncTestClient, office: Office, other_office: Office, caseworker: Context,
    make_account: Callable[..., Account], sign_in,
) -> None:  # fmt: skip
    reference = receive(office, caseworker)
    await sign_in(make_account("tenant_admin", other_office.slug))
    await client.get(f"/{other_office.slug}/henvendelser")
    await assert_the_erasure_page_is_missing_and_erases_nothing(client, office, reference)


async def test_erasing_without_the_csrf_token_is_refused(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as
) -> None:
    reference = receive(office, caseworker)
    await sign_in_as("tenant_admin", office.slug)
    posted = await client.post(f"/{office.slug}/henvendelser/{reference}/slett", data={"reason": "kassasjon"})
    assert posted.status_code == 403
    assert office.inquiry(reference).requester_name == NAME
