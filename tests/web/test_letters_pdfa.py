"""Every letter as PDF/A-2b beside its Word file, recorded in the access log as the Word download is; marking a letter
as sent keeps the very PDF/A sealed and records `LetterSent` with its checksum (web/letters.py, web/access_report.py)."""

from __future__ import annotations

import hashlib
from datetime import date

import psycopg
import pytest
from litestar.testing import AsyncTestClient

from domain.common import Context
from services.case_commands import Resolve, SendInterimReply
from services.office import Office
from services.pdfa import converter, pdfa_problems
from tests import factories
from tests.web.helpers import (
    access_records,
    post,
    sign_in_as_fixture,  # noqa: F401 (the fixture `sign_in_as`)
)

pytestmark = pytest.mark.skipif(converter() is None, reason="LibreOffice (soffice) is not installed")

RECEIVED = date(2026, 3, 2)
LETTERS = ("brev/kvittering", "brev/forelopig-svar", "brev/avslutning", "innsyn")
# What each download is recorded as in the access log: the same as its Word file.
RECORDED = {"innsyn": ("caseworker", "innsyn", "download")}
AS_LETTER = ("caseworker", "brev", "letter")


def receive(office: Office, ctx: Context) -> str:
    return factories.case(
        office, ctx, received_on=RECEIVED, channel="letter", requester_name="Testesen, Demo", contact="Testveien 1"
    )


def letter_events(office: Office, reference: str) -> list[dict[str, object]]:
    return [entry.details for entry in office.history(reference) if entry.event == "LetterSent"]


def sealed_rows(admin_database_url: str, tenant: str) -> list[bytes]:
    with psycopg.connect(admin_database_url) as conn:
        query = "SELECT sealed FROM platform.sent_letters WHERE tenant_id = %s ORDER BY created_at"
        return [bytes(row[0]) for row in conn.execute(query, (tenant,)).fetchall()]


@pytest.mark.parametrize("letter", LETTERS)
async def test_each_letter_downloads_as_pdfa_2b_recorded_as_its_word_file_is(
    letter: str,
    client: AsyncTestClient,
    office: Office,
    other_office: Office,
    caseworker: Context,
    sign_in_as,
    admin_database_url: str,
) -> None:
    reference = receive(office, caseworker)
    office.handle(caseworker, SendInterimReply(inquiry=reference, on=date(2026, 3, 20)))
    office.handle(caseworker, Resolve(inquiry=reference, on=date(2026, 4, 14), outcome="assisted"))
    receive(other_office, caseworker)
    await sign_in_as("caseworker", office.slug)

    response = await client.get(f"/{office.slug}/henvendelser/{reference}/{letter}.pdf")

    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    stem = letter.rpartition("/")[2]
    assert response.headers["content-disposition"] == f'attachment; filename="{stem}-{reference}.pdf"'
    assert response.headers["cache-control"] == "no-store"
    assert response.content.startswith(b"%PDF") and pdfa_problems(response.content) == []
    assert access_records(admin_database_url, office.slug) == [RECORDED.get(stem, AS_LETTER)]
    assert access_records(admin_database_url, other_office.slug) == []


async def test_the_case_page_links_each_letters_pdfa_and_its_sent_button(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as
) -> None:
    reference = receive(office, caseworker)
    await sign_in_as("caseworker", office.slug)

    page = (await client.get(f"/{office.slug}/henvendelser/{reference}")).text

    for letter in LETTERS:
        assert f'href="/{office.slug}/henvendelser/{reference}/{letter}.pdf"' in page
        assert f'action="/{office.slug}/henvendelser/{reference}/{letter}/sendt"' in page
    assert page.count("Last ned som PDF/A") == 4


async def test_marking_a_letter_sent_keeps_its_pdfa_and_records_its_checksum(
    client: AsyncTestClient,
    office: Office,
    other_office: Office,
    caseworker: Context,
    sign_in_as,
    admin_database_url: str,
) -> None:
    reference = receive(office, caseworker)
    await sign_in_as("caseworker", office.slug)

    answer = await post(client, f"/{office.slug}/henvendelser/{reference}/brev/kvittering/sendt")

    assert answer.status_code == 303
    assert answer.headers["location"] == f"/{office.slug}/henvendelser/{reference}#brev"
    (event,) = letter_events(office, reference)
    assert event["kind"] == "receipt"
    sha256 = str(event["sha256"])
    kept = office.sent_letter(reference, sha256)
    assert kept is not None and hashlib.sha256(kept).hexdigest() == sha256 and pdfa_problems(kept) == []
    (sealed,) = sealed_rows(admin_database_url, office.slug)
    assert (
        b"%PDF" not in sealed and b"Testesen" not in sealed and sealed_rows(admin_database_url, other_office.slug) == []
    )
    assert access_records(admin_database_url, office.slug) == []  # nothing was shown: making it is no read

    page = (await client.get(f"/{office.slug}/henvendelser/{reference}")).text
    assert "Brev sendt: kvittering" in page and sha256[:12] in page
    downloaded = await client.get(f"/{office.slug}/henvendelser/{reference}/brev/sendt/{sha256}.pdf")
    assert downloaded.status_code == 200 and downloaded.content == kept
    assert access_records(admin_database_url, office.slug) == [("caseworker", "saksbehandling", "web"), AS_LETTER]


async def test_the_innsyn_letter_marked_sent_is_recorded_as_its_own_kind(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as, admin_database_url: str
) -> None:
    reference = receive(office, caseworker)
    await sign_in_as("caseworker", office.slug)

    answer = await post(client, f"/{office.slug}/henvendelser/{reference}/innsyn/sendt")

    assert answer.status_code == 303
    (event,) = letter_events(office, reference)
    assert event["kind"] == "access_report"
    kept = office.sent_letter(reference, str(event["sha256"]))
    assert kept is not None and pdfa_problems(kept) == []
    assert access_records(admin_database_url, office.slug) == [RECORDED["innsyn"]]  # the report read the log


async def test_another_tenants_letter_is_a_missing_page_and_nothing_is_recorded_or_kept(
    client: AsyncTestClient,
    office: Office,
    other_office: Office,
    caseworker: Context,
    sign_in_as,
    admin_database_url: str,
) -> None:
    theirs = factories.case(other_office, caseworker, received_on=RECEIVED, reference="2026-0777")
    other_office.handle(caseworker, Resolve(inquiry=theirs, on=RECEIVED, outcome="assisted"))
    await sign_in_as("caseworker", office.slug)

    for letter in LETTERS:
        assert (await client.get(f"/{office.slug}/henvendelser/{theirs}/{letter}.pdf")).status_code == 404
        assert (await post(client, f"/{office.slug}/henvendelser/{theirs}/{letter}/sendt")).status_code == 404
    assert (await client.get(f"/{office.slug}/henvendelser/{theirs}/brev/sendt/{'0' * 64}.pdf")).status_code == 404

    assert letter_events(other_office, theirs) == []
    assert (
        access_records(admin_database_url, office.slug) == access_records(admin_database_url, other_office.slug) == []
    )
    assert sealed_rows(admin_database_url, office.slug) == sealed_rows(admin_database_url, other_office.slug) == []


async def test_a_sent_letter_of_another_tenant_is_not_handed_out_by_its_checksum(
    client: AsyncTestClient,
    office: Office,
    other_office: Office,
    caseworker: Context,
    sign_in_as,
    admin_database_url: str,
) -> None:
    ours = receive(office, caseworker)
    theirs = receive(other_office, caseworker)
    await sign_in_as("caseworker", other_office.slug)
    await post(client, f"/{other_office.slug}/henvendelser/{theirs}/brev/kvittering/sendt")
    (event,) = letter_events(other_office, theirs)
    await sign_in_as("caseworker", office.slug)

    # the same reference in our tenant, and their letter's checksum: nothing
    assert ours == theirs
    response = await client.get(f"/{office.slug}/henvendelser/{ours}/brev/sendt/{event['sha256']}.pdf")
    assert response.status_code == 404 and not response.content.startswith(b"%PDF")
    assert access_records(admin_database_url, office.slug) == []


@pytest.mark.parametrize("letter", ["brev/avslutning", "innsyn"])
async def test_an_auditor_may_read_the_pdfa_but_not_mark_it_sent(
    letter: str, client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as, admin_database_url: str
) -> None:
    reference = receive(office, caseworker)
    await sign_in_as("auditor", office.slug)

    refused = await post(client, f"/{office.slug}/henvendelser/{reference}/{letter}/sendt")
    assert refused.status_code == 404  # as every page the role may not use
    assert letter_events(office, reference) == [] and sealed_rows(admin_database_url, office.slug) == []
    assert access_records(admin_database_url, office.slug) == []

    read = await client.get(f"/{office.slug}/henvendelser/{reference}/{letter}.pdf")
    assert read.status_code == 200 and pdfa_problems(read.content) == []
    purpose_and_channel = RECORDED.get(letter, AS_LETTER)[1:]
    assert access_records(admin_database_url, office.slug) == [("auditor", *purpose_and_channel)]


async def test_an_erased_inquiry_takes_no_sent_letter_and_its_kept_one_is_gone(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as, admin_database_url: str
) -> None:
    reference = receive(office, caseworker)
    await sign_in_as("caseworker", office.slug)
    await post(client, f"/{office.slug}/henvendelser/{reference}/brev/kvittering/sendt")
    (event,) = letter_events(office, reference)
    factories.erase(office, factories.as_admin(caseworker), reference, RECEIVED)

    gone = await client.get(f"/{office.slug}/henvendelser/{reference}/brev/sendt/{event['sha256']}.pdf")
    refused = await post(client, f"/{office.slug}/henvendelser/{reference}/brev/avslutning/sendt")

    assert gone.status_code == 404
    assert refused.status_code == 409 and "slettet" in refused.text and len(letter_events(office, reference)) == 1
    assert len(sealed_rows(admin_database_url, office.slug)) == 1  # kept, but sealed under a key that is destroyed


async def test_without_libreoffice_the_office_is_told_in_norwegian_and_nothing_is_recorded_or_kept(
    client: AsyncTestClient,
    office: Office,
    caseworker: Context,
    sign_in_as,
    admin_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reference = receive(office, caseworker)
    await sign_in_as("caseworker", office.slug)
    monkeypatch.setattr("services.pdfa.converter", lambda: None)

    download = await client.get(f"/{office.slug}/henvendelser/{reference}/brev/kvittering.pdf")
    marked = await post(client, f"/{office.slug}/henvendelser/{reference}/brev/kvittering/sendt")

    for answer in (download, marked):
        assert answer.status_code == 503 and "PDF/A-filen kunne ikke lages" in answer.text
        assert "Testesen" not in answer.text
    assert access_records(admin_database_url, office.slug) == []
    assert letter_events(office, reference) == [] and sealed_rows(admin_database_url, office.slug) == []


async def test_a_double_click_on_marker_som_sendt_records_the_letter_once(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as
) -> None:
    reference = receive(office, caseworker)
    await sign_in_as("caseworker", office.slug)

    answers = [await post(client, f"/{office.slug}/henvendelser/{reference}/brev/avslutning/sendt") for _ in range(2)]

    assert [answer.status_code for answer in answers] == [303, 303]
    (event,) = letter_events(office, reference)
    assert event["kind"] == "closing"
