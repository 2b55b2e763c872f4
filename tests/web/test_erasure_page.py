"""The tenant administrator's erasure: a confirmation first, then the page shows every personal field as erased."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from litestar.testing import AsyncTestClient

from domain.account import Account
from domain.common import OSLO, Context, today_in_norway
from domain.inquiry import ERASED
from projections.worker import ProjectionWorker
from services.case_commands import AddNote, Resolve
from services.office import Office
from services.platform import Platform
from tests import factories
from tests.web.helpers import csrf, post, sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)

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


async def erase(client: AsyncTestClient, office: Office, reference: str, **fields: str) -> httpx.Response:
    """The erasure form, posted with the CSRF token as the browser posts it (a redirect not followed)."""
    return await post(client, f"/{office.slug}/henvendelser/{reference}/slett", fields)


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

    done = await erase(client, office, reference, reason="krav fra innbygger", outcome="withdrawn")

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

    answer = await erase(client, office, reference, reason=" ")

    assert answer.status_code == 422 and "må fylles ut" in answer.text
    assert office.inquiry(reference).requester_name == NAME


async def assert_the_erasure_page_is_missing_and_erases_nothing(
    client: AsyncTestClient, office: Office, reference: str
) -> None:
    """Neither showing nor posting the erasure form answers anything but 404, and the name stays."""
    assert (await client.get(f"/{office.slug}/henvendelser/{reference}/slett")).status_code == 404
    posted = await erase(client, office, reference, reason="kassasjon")
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


async def test_erasing_an_open_inquiry_closes_it_with_the_chosen_outcome_so_it_is_no_longer_open_or_overdue(
    client: AsyncTestClient, office: Office, other_office: Office, caseworker: Context, sign_in_as,
    worker: ProjectionWorker,
) -> None:  # fmt: skip
    long_ago = today_in_norway() - timedelta(days=45)  # past the § 11 a month, with no reply
    reference = factories.case(office, caseworker, received_on=long_ago)
    still_overdue = factories.case(other_office, caseworker, received_on=long_ago)
    worker.catch_up(office.slug)
    await sign_in_as("tenant_admin", office.slug)
    assert reference in (await client.get(f"/{office.slug}/henvendelser?status=overdue")).text

    confirmation = await client.get(f"/{office.slug}/henvendelser/{reference}/slett")
    assert "Henvendelsen er åpen" in confirmation.text and 'name="outcome"' in confirmation.text
    without = await erase(client, office, reference, reason="krav fra innbygger")
    assert without.status_code == 422 and "velg utfall" in without.text
    both = await erase(client, office, reference, reason=" ")
    assert both.status_code == 422 and "velg utfall" in both.text and "må fylles ut" in both.text  # all at once
    assert 'value="krav fra innbygger"' in without.text  # what was typed stays
    assert office.erased_on(reference) is None and office.inquiry(reference).status == "open"
    odd = await erase(client, office, reference, reason="krav fra innbygger", outcome="forgotten")
    assert odd.status_code == 422 and office.erased_on(reference) is None

    done = await erase(client, office, reference, reason="krav fra innbygger", outcome="withdrawn")
    assert done.status_code == 303
    erased = office.inquiry(reference)
    assert (erased.status, erased.outcome, erased.resolved_on) == ("resolved", "withdrawn", today_in_norway())
    assert [e.event for e in office.history(reference)][-2:] == ["Resolved", "Erased"]
    worker.catch_up(office.slug)
    worker.catch_up(other_office.slug)
    for status in ("open", "overdue"):
        assert reference not in (await client.get(f"/{office.slug}/henvendelser?status={status}")).text
    assert reference in (await client.get(f"/{office.slug}/henvendelser?status=resolved")).text
    overview = await client.get(f"/{office.slug}/oversikt")
    assert f"/henvendelser/{reference}" not in overview.text
    if long_ago.year == today_in_norway().year:  # this year's counts: received, and neither open nor overdue
        assert "<strong>1</strong> mottatt" in overview.text and "<strong>1</strong> avsluttet" in overview.text
        assert "<strong>0</strong> åpne" in overview.text and "<strong>0</strong> uten svar" in overview.text
    await sign_in_as("tenant_admin", other_office.slug)
    assert still_overdue in (await client.get(f"/{other_office.slug}/henvendelser?status=overdue")).text


async def test_an_erased_inquirys_page_offers_no_action_and_says_why(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as
) -> None:
    reference = receive(office, caseworker)
    factories.erase(office, factories.as_admin(caseworker), reference, date(2025, 3, 5))
    await sign_in_as("tenant_admin", office.slug)
    page = await client.get(f"/{office.slug}/henvendelser/{reference}")
    assert page.status_code == 200
    assert "kan ikke endres etter slettingen" in page.text
    assert "expected_version" not in page.text  # every action form carries the version it was shown
    assert "/tilbakehold" not in page.text and "/slett" not in page.text
    refused = await client.post(
        f"/{office.slug}/henvendelser/{reference}/notat",
        data={"on": "2025-03-06", "text": "for sent", "_csrf_token": csrf(client)},
    )
    assert refused.status_code == 422  # a stale form still cannot act


async def test_a_resolved_inquiry_is_erased_without_being_asked_for_an_outcome(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as
) -> None:
    reference = receive(office, caseworker)
    office.handle(caseworker, Resolve(inquiry=reference, on=date(2025, 3, 5), outcome="assisted"))
    await sign_in_as("tenant_admin", office.slug)
    confirmation = await client.get(f"/{office.slug}/henvendelser/{reference}/slett")
    assert "Henvendelsen er åpen" not in confirmation.text and 'name="outcome"' not in confirmation.text
    done = await erase(client, office, reference, reason="krav fra innbygger", outcome="withdrawn")
    assert done.status_code == 303
    erased = office.inquiry(reference)
    assert (erased.outcome, erased.resolved_on, erased.erased_on) == ("assisted", date(2025, 3, 5), today_in_norway())
