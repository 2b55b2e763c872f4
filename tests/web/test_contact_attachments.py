"""Files sent with the public contact form: stored with the inquiry as the citizen's, refused at their field (and the
whole submission with them) when of a wrong type or too many or too large, and limited per address."""

from __future__ import annotations

from uuid import UUID

import psycopg
import pytest
from eventsourcing.utils import get_topic
from litestar.testing import AsyncTestClient

from domain.inquiry import Inquiry
from services.attachments import Limits
from services.office import Office
from tests.attachment_files import EXE, PDF, TEXT, png
from tests.web.helpers import (  # noqa: F401 (autouse: fresh counters per test; the offices staffed)
    csrf,
    fresh_contact_counters_fixture,
    staffed_offices_fixture,
)

pytestmark = pytest.mark.usefixtures("staffed_offices")  # the contact forms open once an office has staff

SUMMARY = "Testperson Prøvesen sender vedtaket om avlastning (fiktiv testsak)."


def received(office: Office) -> list[Inquiry]:
    found = office.app.notification_log.select(start=1, limit=10, topics=[get_topic(Inquiry.Received)])
    return [office.app.repository.get(UUID(str(n.originator_id))) for n in found]


async def send(client: AsyncTestClient, tenant: str, files: list[tuple[str, bytes]]):
    await client.get(f"/{tenant}/kontakt")
    data = {"summary": SUMMARY, "service_area": "helse", "_csrf_token": csrf(client)}
    parts = [("vedlegg", (name, data_, "application/octet-stream")) for name, data_ in files]
    return await client.post(f"/{tenant}/kontakt", data=data, files=parts, follow_redirects=False)


def stored_rows(admin_database_url: str, tenant: str) -> int:
    with psycopg.connect(admin_database_url) as conn:
        return conn.execute("SELECT count(*) FROM platform.attachments WHERE tenant_id = %s", (tenant,)).fetchone()[0]


async def test_files_sent_with_the_form_become_the_inquirys_attachments_in_that_office_only(
    client: AsyncTestClient, office: Office, other_office: Office, admin_database_url: str
) -> None:
    page = await client.get(f"/{office.slug}/kontakt")
    assert 'enctype="multipart/form-data"' in page.text and 'name="vedlegg"' in page.text
    response = await send(client, office.slug, [("vedtak.pdf", PDF), ("bilde.jpg", png())])
    assert response.status_code == 303
    [inquiry] = received(office)
    shown = office.inquiry(inquiry.reference).attachments
    assert [(a.title, a.media_type, a.scan) for a in shown] == [
        ("vedtak.pdf", "application/pdf", "pending"),
        ("bilde.jpg", "image/png", "pending"),
    ]
    history = office.history(inquiry.reference)
    assert {(h.event, h.actor_role) for h in history[1:]} == {("AttachmentAdded", "citizen")}
    assert stored_rows(admin_database_url, office.slug) == 2 and stored_rows(admin_database_url, other_office.slug) == 0


async def test_a_wrong_file_refuses_the_whole_submission_at_the_file_field(
    client: AsyncTestClient, office: Office, admin_database_url: str
) -> None:
    response = await send(client, office.slug, [("vedtak.pdf", PDF), ("vedtak2.pdf", EXE)])
    assert response.status_code == 422
    assert "«vedtak2.pdf» er ikke en filtype som kan lagres" in response.text and 'href="#vedlegg"' in response.text
    assert SUMMARY in response.text  # what was typed is kept
    assert received(office) == [] and stored_rows(admin_database_url, office.slug) == 0


async def test_the_public_limits_are_the_settings(
    client: AsyncTestClient, office: Office, admin_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        client.app.state,
        "attachment_limits",
        Limits(max_bytes=10_000, per_inquiry=2, public_submission_max_bytes=len(PDF) * 2),
    )
    too_many = await send(client, office.slug, [("a.txt", TEXT)] * 3)
    assert too_many.status_code == 422 and "høyst 2 filer" in too_many.text
    too_large = await send(client, office.slug, [("a.pdf", PDF), ("b.pdf", PDF + b" ")])
    assert too_large.status_code == 422 and "til sammen for store" in too_large.text
    assert received(office) == [] and stored_rows(admin_database_url, office.slug) == 0
    assert (await send(client, office.slug, [("a.pdf", PDF), ("b.pdf", PDF)])).status_code == 303


async def test_one_address_sends_at_most_twenty_files_an_hour(client: AsyncTestClient, office: Office) -> None:
    for _ in range(4):
        assert (await send(client, office.slug, [("a.txt", TEXT)] * 5)).status_code == 303
    refused = await send(client, office.slug, [("a.txt", TEXT)])
    assert refused.status_code == 429 and "for mange filer" in refused.text
    assert len(received(office)) == 4
