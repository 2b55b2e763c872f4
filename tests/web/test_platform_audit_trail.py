"""The platform admin sees each audit chain's last verdict, and a broken one as an alert at the top of the page;
health counts broken chains without naming them."""

from __future__ import annotations

import psycopg
from litestar.testing import AsyncTestClient

from domain.common import Context
from projections.worker import ProjectionWorker
from services.audit.chain import REASONS
from services.audit_signing import load_signer
from services.office import Office
from tests import factories
from tests.integration.test_audit_verify import chain_of, change_row
from tests.private_database import (
    module_admin_database_url,  # noqa: F401 (the module's own database, since it tampers with it)
    module_database_url,  # noqa: F401
)

NAME, SUMMARY = "Sporine Testesen", "Sporine Testesen har klaget på skoleskyssen."


def chain_row(page: str, slug: str) -> str:
    [row] = [row for row in page.split("<tr>") if f"({slug})</th>" in row]
    return row


def alert(page: str) -> str:
    """The alert's element, from its opening tag on ("" when there is none)."""
    at = page.find('id="revisjonsspor-brudd"')
    return "" if at < 0 else page[page.rfind("<div", 0, at) : page.index("</div>", at)]


async def test_a_broken_chain_is_an_alert_at_the_top_of_the_platform_page_and_counted_by_health(
    client: AsyncTestClient, make_account, sign_in, office: Office, other_office: Office, caseworker: Context,
    worker: ProjectionWorker, admin_database_url: str, signing_key: bytes,
) -> None:  # fmt: skip
    worker.sign_checkpoints_with(load_signer(signing_key, "OMBUD_AUDIT_SIGNING_KEY"))
    for each in (office, other_office):
        factories.receive(each, caseworker, summary=SUMMARY, requester_name=NAME)
    worker.keep_audit_chains(now=True)
    await sign_in(make_account("platform_admin", None))

    page = (await client.get("/plattform")).text
    for each in (office, other_office):
        row = chain_row(page, each.slug)
        assert "Holder" in row and f'<td class="number">{len(chain_of(admin_database_url, each.slug))}</td>' in row
    assert f"({office.slug})" not in alert(page)

    target = [entry for entry in chain_of(admin_database_url, office.slug) if entry.source == "events"][-1]
    change_row(admin_database_url, office.slug, "events", target.source_key)
    worker.keep_audit_chains(now=True)
    page = (await client.get("/plattform")).text

    found = alert(page)
    broken = f"Brudd ved posisjon {target.position} (hendelse nr. {target.source_key}): {REASONS['changed']}"
    assert f"Prøveby kommune ({office.slug}): {broken}" in found
    assert 'role="alert"' in found and 'data-color="danger"' in found and "ombud audit verify" in found
    assert page.index(found) < page.index('<div id="kommuner">')  # at the top, above everything else
    assert broken in chain_row(page, office.slug)
    assert "Holder" in chain_row(page, other_office.slug) and f"({other_office.slug})" not in found
    assert NAME not in page and SUMMARY not in page

    health = await client.get("/health/projections")
    assert health.status_code == 200 and health.json()["status"] == "degraded"
    assert health.json()["broken_audit_chains"] >= 1
    assert office.slug not in health.text and other_office.slug not in health.text
    with psycopg.connect(admin_database_url) as conn:  # the page read the worker's verdict, not the chain itself
        assert conn.execute(
            "SELECT broken_position FROM audit.chain_status WHERE tenant_id = %s", (office.slug,)
        ).fetchone() == (target.position,)


async def test_a_tenant_whose_first_event_was_changed_is_listed_as_unreadable_and_hides_no_other(
    client: AsyncTestClient, make_account, sign_in, office: Office, other_office: Office,
    worker: ProjectionWorker, admin_database_url: str, platform,
) -> None:  # fmt: skip
    worker.keep_audit_chains()
    first = next(entry for entry in chain_of(admin_database_url, office.slug) if entry.source == "events")
    change_row(admin_database_url, office.slug, "events", first.source_key)  # the tenant's Registered event
    platform.close()  # forget the profile read before the change, as a fresh process would
    await sign_in(make_account("platform_admin", None))

    response = await client.get("/plattform")

    assert response.status_code == 200
    [row] = [row for row in response.text.split("<tr>") if f'<th scope="row">{office.slug}</th>' in row]
    assert "kan ikke leses" in row and "ombud audit verify" in row
    assert f'<th scope="row">{other_office.slug}</th>' in response.text
    assert office.slug not in {profile.slug for profile in platform.tenants()}
