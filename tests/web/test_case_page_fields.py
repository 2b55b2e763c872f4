"""The inquiry page shows everything the office may see, in Norwegian, and only after the access is recorded."""

from __future__ import annotations

import re
import uuid
from datetime import date

import psycopg
import pytest
from litestar.testing import AsyncTestClient

from domain.common import Context
from services.case_commands import AddNote, Forward, HoldMeeting, Reopen, Resolve, SendComplaint
from services.office import Office
from tests import factories
from tests.web.helpers import (
    access_records_cannot_be_written,
    act,
    sign_in_as_fixture,  # noqa: F401 (the fixture `sign_in_as`)
)
from web import inquiry_pages

NAME = "Åse Prøvesen"
CONTACT = "aase@eksempel.invalid, 99 99 99 99"
SUMMARY = "Første linje om <b>saken</b>\nAndre linje"
NOTE = "Ringte innbyggeren.\nAvtalte nytt møte."
FORWARD_REASON = "Gjelder pasientrettigheter"
COMPLAINT_ABOUT = "Vedtak om avslag på BPA"
REOPEN_REASON = "Nye opplysninger fra pårørende"
WRITTEN = (NAME, CONTACT, "Første linje om", "Andre linje", "Ringte innbyggeren.", FORWARD_REASON, COMPLAINT_ABOUT)
OTHER_NAME = "Annen Innbyggersen"
# Codes of domain.inquiry that must never be what a reader sees.
CODES = ("relative", "email", "patient_ombud", "county_governor", "requester", "ombud,", "caseworker", "assisted")


def visible_text(html: str) -> str:
    """The page as read: tags gone, so codes in attribute values (option values, ids) do not count."""
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def case(office: Office, other_office: Office, make_account) -> tuple[str, str]:
    """An inquiry with every kind of step, written by a real account of the office; the email of that account."""
    worker = make_account("caseworker", office.slug)
    ctx = Context(str(worker.id), "caseworker", str(uuid.uuid4()))
    reference = factories.case(
        office,
        ctx,
        received_on=date(2025, 3, 3),
        channel="email",
        requester_role="relative",
        summary=SUMMARY,
        requester_name=NAME,
        contact=CONTACT,
    )
    office.handle(ctx, AddNote(inquiry=reference, on=date(2025, 3, 4), text=NOTE))
    office.handle(ctx, Forward(inquiry=reference, on=date(2025, 3, 5), to_body="patient_ombud", reason=FORWARD_REASON))
    office.handle(ctx, HoldMeeting(inquiry=reference, on=date(2025, 3, 6), participants=["ombud", "requester"]))
    office.handle(
        ctx, SendComplaint(inquiry=reference, on=date(2025, 3, 7), to="county_governor", about=COMPLAINT_ABOUT)
    )
    office.handle(ctx, Resolve(inquiry=reference, on=date(2025, 3, 8), outcome="assisted"))
    office.handle(ctx, Reopen(inquiry=reference, on=date(2025, 3, 9), reason=REOPEN_REASON))
    factories.receive(
        other_office,  # the same reference in another tenant, with another inhabitant
        Context("annen", "caseworker", str(uuid.uuid4())),
        reference=reference,
        received_on=date(2025, 3, 3),
        summary="Den andre kommunens sak",
        requester_name=OTHER_NAME,
    )
    return reference, worker.email


def access_records(admin_database_url: str, *offices: Office) -> list[tuple[str, str]]:
    """The offices' access records, seen by the superuser (no tenant setting hides any)."""
    with psycopg.connect(admin_database_url) as conn:
        return conn.execute(
            "SELECT tenant_id, role FROM audit.access_records WHERE tenant_id = ANY(%s)", ([o.slug for o in offices],)
        ).fetchall()


@pytest.mark.parametrize("role", ["caseworker", "auditor"])
async def test_every_field_the_office_may_see_is_on_the_page_in_norwegian(
    client: AsyncTestClient, office: Office, case: tuple[str, str], sign_in_as, role: str
) -> None:
    reference, author = case
    await sign_in_as(role, office.slug)
    page = await client.get(f"/{office.slug}/henvendelser/{reference}")
    assert page.status_code == 200
    text = visible_text(page.text)
    for written in (NAME, CONTACT, FORWARD_REASON, COMPLAINT_ABOUT, REOPEN_REASON):
        assert written in text
    assert "E-post" in text and "Pårørende" in text  # channel and requester role
    assert "Pasient- og brukerombudet" in text and "Statsforvalteren" in text and "Bistått" in text
    assert "Ombudet, Innbyggeren" in text  # the meeting's participants
    assert f"{author} (saksbehandler)" in text  # who did each step: the staff member, and their role in Norwegian
    assert re.search(r"registrert \d\d\.\d\d\.\d{4} kl\. \d\d\.\d\d", text)  # and when it was recorded
    for code in CODES:
        assert code not in text
    assert OTHER_NAME not in text


async def test_multi_line_text_keeps_its_lines_and_stays_escaped(
    client: AsyncTestClient, office: Office, case: tuple[str, str], sign_in_as
) -> None:
    reference, _ = case
    await sign_in_as("caseworker", office.slug)
    page = await client.get(f"/{office.slug}/henvendelser/{reference}")
    assert '<span class="personal">Første linje om &lt;b&gt;saken&lt;/b&gt;\nAndre linje</span>' in page.text
    assert f'<span class="personal">{NOTE}</span>' in page.text
    assert "<b>saken" not in page.text


async def test_another_tenants_caseworker_gets_404_and_no_access_record_anywhere(
    client: AsyncTestClient,
    office: Office,
    other_office: Office,
    case: tuple[str, str],
    sign_in_as,
    admin_database_url: str,
) -> None:
    reference, _ = case
    await sign_in_as("caseworker", other_office.slug)
    page = await client.get(f"/{office.slug}/henvendelser/{reference}")
    assert page.status_code == 404
    for written in (*WRITTEN, OTHER_NAME):
        assert written not in page.text
    assert access_records(admin_database_url, office, other_office) == []


async def test_the_access_record_is_committed_before_any_field_is_sent(
    client: AsyncTestClient,
    office: Office,
    other_office: Office,
    case: tuple[str, str],
    sign_in_as,
    admin_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reference, _ = case
    await sign_in_as("auditor", office.slug)
    seen_when_recorded: list[list[tuple[str, str]]] = []
    real = inquiry_pages.record_accesses

    async def recording(*args: object, **kwargs: object) -> None:
        await real(*args, **kwargs)
        seen_when_recorded.append(
            access_records(admin_database_url, office, other_office)
        )  # another connection sees it: committed

    monkeypatch.setattr("web.inquiry_pages.record_accesses", recording)
    page = await client.get(f"/{office.slug}/henvendelser/{reference}")
    assert page.status_code == 200 and NAME in page.text
    assert seen_when_recorded == [[(office.slug, "auditor")]]


async def test_without_an_access_record_none_of_the_fields_is_sent(
    client: AsyncTestClient, office: Office, case: tuple[str, str], sign_in_as, monkeypatch
) -> None:
    reference, _ = case
    await sign_in_as("caseworker", office.slug)
    access_records_cannot_be_written(monkeypatch)
    page = await client.get(f"/{office.slug}/henvendelser/{reference}")
    assert page.status_code == 503
    for written in (*WRITTEN, REOPEN_REASON, "Pårørende"):
        assert written not in page.text


async def test_a_meeting_is_registered_with_participants_ticked_by_their_norwegian_names(
    client: AsyncTestClient, office: Office, other_office: Office, case: tuple[str, str], sign_in_as
) -> None:
    reference, _ = case
    await sign_in_as("caseworker", office.slug)
    page = await client.get(f"/{office.slug}/henvendelser/{reference}")
    form = page.text.split('/møte"', 1)[1].split("</form>", 1)[0]
    assert 'name="participants" value="service_unit">' in form and "Tjenestestedet" in form
    response = await act(
        client, office, reference, "møte", {"participants": ["adviser", "service_unit"], "on": "2025-03-10"}
    )
    assert response.status_code == 200
    assert "Rådgiver, Tjenestestedet" in visible_text(response.text)
    assert office.inquiry(reference).meetings == 2 and other_office.inquiry(reference).meetings == 0


async def test_a_note_typed_on_several_lines_is_shown_on_several_lines(
    client: AsyncTestClient, office: Office, other_office: Office, case: tuple[str, str], sign_in_as
) -> None:
    reference, _ = case
    await sign_in_as("caseworker", office.slug)
    page = await client.get(f"/{office.slug}/henvendelser/{reference}")
    assert '<textarea class="ds-input" id="notat-text" name="text"' in page.text
    response = await act(client, office, reference, "notat", {"text": "Linje én\r\nLinje to", "on": "2025-03-10"})
    assert response.status_code == 200
    assert re.search(r'<span class="personal">Linje én\r?\nLinje to</span>', response.text)  # as the browser sent it
    assert other_office.inquiry(reference).notes == 0
