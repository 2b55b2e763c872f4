"""The caseworker's overview: their own open inquiries, § 11 a deadlines and the year's counts, for their office only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from litestar.testing import AsyncTestClient

from domain.account import Account
from domain.common import Context, today_in_norway
from projections.worker import ProjectionWorker
from services.case_commands import Assign, Resolve, SendInterimReply
from services.office import Office
from services.platform import Platform
from tests import factories
from tests.web.helpers import sign_in_as_fixture, staffed_offices_fixture  # noqa: F401 (the fixtures)


@dataclass(frozen=True)
class Desk:
    office: Office
    me: Account
    mine_overdue: str
    due_soon: str
    colleagues: str
    answered: str
    resolved: str
    received: list[date]


def receive(office: Office, ctx: Context, on: date) -> str:
    return factories.receive(
        office, ctx, received_on=on, case_types=["no_reply"], summary="Fiktiv sak uten personopplysninger"
    ).reference


@pytest.fixture
def desk(
    platform: Platform,
    admin: Context,
    caseworker: Context,
    new_slug,
    worker: ProjectionWorker,
    make_account: Callable[..., Account],
) -> Desk:
    office = platform.create_tenant(admin, slug=new_slug(), name="Prøveby kommune")
    other = platform.create_tenant(admin, slug=new_slug(), name="Annenby kommune")
    me = make_account("caseworker", office.slug)
    today = today_in_norway()
    days = {"mine_overdue": 40, "due_soon": 25, "colleagues": 2, "answered": 40, "resolved": 3}
    refs = {name: receive(office, caseworker, today - timedelta(days=ago)) for name, ago in days.items()}
    office.handle(caseworker, Assign(inquiry=refs["mine_overdue"], on=today, assignee=me.email))
    office.handle(caseworker, Assign(inquiry=refs["colleagues"], on=today, assignee="kollega@eksempel.invalid"))
    office.handle(caseworker, SendInterimReply(inquiry=refs["answered"], on=today))
    office.handle(caseworker, Resolve(inquiry=refs["resolved"], on=today, outcome="assisted"))
    elsewhere = receive(other, caseworker, today - timedelta(days=45))  # overdue, and "assigned to me" by text
    other.handle(caseworker, Assign(inquiry=elsewhere, on=today, assignee=me.email))
    worker.catch_up(office.slug)
    worker.catch_up(other.slug)
    return Desk(office, me, **refs, received=[today - timedelta(days=ago) for ago in days.values()])


def section(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"', 1)[1].split("<section", 1)[0]


async def test_a_caseworker_sees_their_open_inquiries_and_the_deadlines_of_their_office(
    client: AsyncTestClient, desk: Desk, sign_in
) -> None:
    await sign_in(desk.me)
    page = await client.get(f"/{desk.office.slug}/oversikt")
    assert page.status_code == 200
    assert 'aria-current="page"' in page.text
    mine = section(page.text, "mine")
    assert f"/henvendelser/{desk.mine_overdue}" in mine and desk.colleagues not in mine
    soon = section(page.text, "snart")
    assert f"/henvendelser/{desk.due_soon}" in soon and desk.mine_overdue not in soon and desk.colleagues not in soon
    late = section(page.text, "forsinket")
    assert f"/henvendelser/{desk.mine_overdue}" in late
    assert desk.answered not in late and desk.resolved not in late and desk.due_soon not in late
    assert late.count('<th scope="row">') == 1  # the other office's overdue inquiry is not here
    assert f"assignee={desk.me.email.replace('@', '%40')}" in mine


async def test_the_years_counts_link_to_the_filtered_list(client: AsyncTestClient, desk: Desk, sign_in) -> None:
    await sign_in(desk.me)
    page = await client.get(f"/{desk.office.slug}/oversikt")
    year = today_in_norway().year
    this_year = sum(1 for day in desk.received if day.year == year)
    glance = section(page.text, "i-aar")
    assert f"<strong>{this_year}</strong> mottatt" in glance
    resolved = 1 if desk.received[-1].year == year else 0
    assert f"<strong>{resolved}</strong> avsluttet" in glance
    assert f'href="/{desk.office.slug}/henvendelser?year={year}&amp;status=open"' in glance


@pytest.mark.parametrize("role", ["auditor", "network"])
async def test_roles_without_case_work_get_no_overview(
    client: AsyncTestClient, desk: Desk, sign_in_as, role: str
) -> None:
    await sign_in_as(role, desk.office.slug if role == "auditor" else None)
    assert (await client.get(f"/{desk.office.slug}/oversikt")).status_code == 404


async def test_another_offices_overview_is_404(
    client: AsyncTestClient, desk: Desk, sign_in_as, other_office: Office
) -> None:
    other = other_office.slug  # a third office: the desk has its own second one
    await sign_in_as("tenant_admin", other)
    assert (await client.get(f"/{desk.office.slug}/oversikt")).status_code == 404
    own = await client.get(f"/{other}/oversikt")
    assert own.status_code == 200 and desk.mine_overdue not in own.text and "<strong>0</strong> mottatt" in own.text


@pytest.mark.usefixtures("staffed_offices")  # the public forms are open
async def test_new_unassigned_inquiries_from_the_public_form_show_on_the_dashboard_with_their_count(
    client: AsyncTestClient, desk: Desk, sign_in, worker: ProjectionWorker, other_office: Office
) -> None:
    """The complaint: an inquiry from the public form had no caseworker and showed nowhere for three weeks."""
    for tenant in (desk.office.slug, other_office.slug):
        await client.get(f"/{tenant}/kontakt")
        data = {"summary": "Fiktiv testsak fra skjemaet.", "service_area": "helse"}
        posted = await client.post(
            f"/{tenant}/kontakt", data=data | {"_csrf_token": client.cookies["ombud_csrf"]}, follow_redirects=False
        )
        assert posted.status_code == 303
        worker.catch_up(tenant)
    await sign_in(desk.me)
    page = await client.get(f"/{desk.office.slug}/oversikt")
    new = section(page.text, "ufordelt")
    assert "Nye, ikke fordelt" in page.text and "Nye, ikke fordelt (3)</h2>" in page.text
    assert f"/henvendelser/{desk.answered}" in new and f"/henvendelser/{desk.due_soon}" in new
    assert desk.mine_overdue not in new and desk.colleagues not in new and desk.resolved not in new
    assert new.count('<th scope="row">') == 3  # the two above and the one from the form; not the other office's
    link = f'href="/{desk.office.slug}/henvendelser?status=open&amp;assignee=ingen&amp;sort=eldste"'
    assert link in new
    listed = await client.get(f"/{desk.office.slug}/henvendelser?status=open&assignee=ingen&sort=eldste")
    assert listed.status_code == 200 and "3 henvendelser" in listed.text
    assert desk.mine_overdue not in listed.text and desk.colleagues not in listed.text
    assert '<option value="ingen" selected>Ikke fordelt</option>' in listed.text


async def test_with_every_inquiry_handed_out_the_list_says_so(
    client: AsyncTestClient, sign_in_as, other_office: Office
) -> None:
    await sign_in_as("tenant_admin", other_office.slug)
    page = await client.get(f"/{other_office.slug}/oversikt")
    assert "Nye, ikke fordelt (0)</h2>" in page.text and "Alle åpne henvendelser er fordelt." in page.text
