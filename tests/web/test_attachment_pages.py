"""Attachments on the inquiry page: upload with and without htmx, the type from the content, the limits, the virus
scan's gate on downloads, the access record of each download, erasure that leaves no byte readable, and the 404s."""

from __future__ import annotations

import hashlib

import psycopg
import pytest
from litestar.testing import AsyncTestClient

from domain.common import Context
from services import attachments
from services.attachments import Limits
from services.office import Office
from services.virus_scan import ScanResult
from tests import factories
from tests.attachment_files import EXE, PDF, TEXT, png
from tests.web.helpers import SignInAs, access_records, csrf, sign_in_as_fixture  # noqa: F401 (the fixture)


class Clean:
    def scan(self, data: bytes) -> ScanResult:
        return ScanResult(True)


class FindsMarker:
    def scan(self, data: bytes) -> ScanResult:
        return ScanResult(b"X5O!P%@AP" not in data, None if b"X5O!P%@AP" not in data else "Eicar-Test-Signature")


async def upload(
    client: AsyncTestClient,
    office: Office,
    reference: str,
    name: str,
    data: bytes,
    *,
    title: str = "",
    htmx: bool = False,
):
    path = f"/{office.slug}/henvendelser/{reference}/vedlegg"
    files = {"file": (name, data, "application/octet-stream")}
    if htmx:
        headers = {"HX-Request": "true", "x-csrftoken": csrf(client)}
        return await client.post(path, data={"title": title}, files=files, headers=headers)
    form = {"title": title, "_csrf_token": csrf(client)}
    return await client.post(path, data=form, files=files, follow_redirects=False)


def rows(admin_database_url: str, tenant: str) -> list[tuple[bytes, bool]]:
    with psycopg.connect(admin_database_url) as conn:
        found = conn.execute(
            "SELECT ciphertext, pending FROM platform.attachments WHERE tenant_id = %s ORDER BY created_at", (tenant,)
        ).fetchall()
    return [(bytes(c), p) for c, p in found]


async def test_upload_scan_download_and_erase_leave_no_plaintext_in_the_database(
    client: AsyncTestClient,
    office: Office,
    other_office: Office,
    caseworker: Context,
    sign_in_as: SignInAs,
    admin_database_url: str,
) -> None:
    reference = factories.case(office, caseworker)
    factories.case(other_office, caseworker)
    await sign_in_as("caseworker", office.slug)
    page = await client.get(f"/{office.slug}/henvendelser/{reference}")
    assert 'enctype="multipart/form-data"' in page.text and "Ingen vedlegg." in page.text

    sent = await upload(client, office, reference, "vedtak.txt", TEXT, title="Vedtak for Testperson")
    assert sent.status_code == 303 and sent.headers["location"].endswith(f"/henvendelser/{reference}#vedlegg")
    swapped = await upload(client, office, reference, "bilde.pdf", png(), htmx=True)
    assert swapped.status_code == 200 and 'id="sak"' in swapped.text and "<html" not in swapped.text
    assert "PNG-bilde" in swapped.text and "Vedtak for Testperson" in swapped.text
    assert swapped.text.count("venter på viruskontroll") == 2

    stored = rows(admin_database_url, office.slug)
    assert len(stored) == 2 and all(pending for _, pending in stored)
    assert all(TEXT not in sealed and png() not in sealed for sealed, _ in stored)
    assert rows(admin_database_url, other_office.slug) == []
    view = office.inquiry(reference)
    first = view.attachments[0]
    assert (first.media_type, first.size, first.sha256) == ("text/plain", len(TEXT), hashlib.sha256(TEXT).hexdigest())

    waiting = await client.get(f"/{office.slug}/henvendelser/{reference}/vedlegg/{first.id}")
    assert waiting.status_code == 409 and "venter på viruskontroll" in waiting.text
    assert attachments.scan_pending(office, Clean()) == 2
    before = len(access_records(admin_database_url, office.slug))
    got = await client.get(f"/{office.slug}/henvendelser/{reference}/vedlegg/{first.id}")
    assert got.status_code == 200 and got.content == TEXT
    assert got.headers["content-type"].startswith("text/plain") and got.headers["cache-control"] == "no-store"
    assert got.headers["content-disposition"] == 'attachment; filename="Vedtak for Testperson.txt"'
    records = access_records(admin_database_url, office.slug)
    assert records[before:] == [("caseworker", "vedlegg", "download")]
    report = await client.get(f"/{office.slug}/henvendelser/{reference}/innsyn.json")
    assert report.status_code == 200 and "Lastet ned vedlegg" in report.text

    await sign_in_as("tenant_admin", office.slug)
    factories.erase(office, Context("admin", "tenant_admin", "e-1"), reference, view.received_on)
    assert rows(admin_database_url, office.slug) == []
    gone = await client.get(f"/{office.slug}/henvendelser/{reference}/vedlegg/{first.id}")
    assert gone.status_code == 409 and TEXT.decode() not in gone.text
    page = await client.get(f"/{office.slug}/henvendelser/{reference}")
    assert "Vedtak for Testperson" not in page.text and 'name="file"' not in page.text


async def test_an_infected_file_is_quarantined_with_a_notice_and_its_bytes_deleted(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as: SignInAs, admin_database_url: str
) -> None:
    reference = factories.case(office, caseworker)
    await sign_in_as("caseworker", office.slug)
    eicar = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    assert (await upload(client, office, reference, "eicar.txt", eicar)).status_code == 303
    assert (await upload(client, office, reference, "ok.txt", TEXT)).status_code == 303
    assert attachments.scan_pending(office, FindsMarker()) == 2
    assert [pending for _, pending in rows(admin_database_url, office.slug)] == [False]
    page = await client.get(f"/{office.slug}/henvendelser/{reference}")
    assert "satt i karantene" in page.text and "Viruskontrollen fant skadelig innhold" in page.text
    bad = office.inquiry(reference).attachments[0]
    assert bad.scan == "infected"
    assert (await client.get(f"/{office.slug}/henvendelser/{reference}/vedlegg/{bad.id}")).status_code == 409


async def test_the_type_comes_from_the_content_and_what_is_refused_is_said_at_the_field(
    client: AsyncTestClient, office: Office, caseworker: Context, sign_in_as: SignInAs, admin_database_url: str
) -> None:
    reference = factories.case(office, caseworker)
    await sign_in_as("caseworker", office.slug)
    assert (await upload(client, office, reference, "vedtak.pdf", png())).status_code == 303
    assert office.inquiry(reference).attachments[0].media_type == "image/png"
    refused = await upload(client, office, reference, "program.exe", EXE)
    assert refused.status_code == 422
    assert "«program.exe» er ikke en filtype som kan lagres" in refused.text and 'href="#vedlegg-file"' in refused.text
    empty = await upload(client, office, reference, "tom.pdf", b"", htmx=True)
    assert empty.status_code == 422 and "er tom" in empty.text
    none = await client.post(
        f"/{office.slug}/henvendelser/{reference}/vedlegg",
        data={"title": "x"},
        files={"other": ("a.txt", TEXT, "text/plain")},
        headers={"HX-Request": "true", "x-csrftoken": csrf(client)},
    )
    assert none.status_code == 422 and "velg en fil å legge ved" in none.text
    assert len(rows(admin_database_url, office.slug)) == 1


async def test_the_limits_are_the_settings(
    client: AsyncTestClient,
    office: Office,
    caseworker: Context,
    sign_in_as: SignInAs,
    admin_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(client.app.state, "attachment_limits", Limits(max_bytes=len(PDF), per_inquiry=2))
    monkeypatch.setattr(client.app.state, "upload_max_body", 50_000)
    reference = factories.case(office, caseworker)
    await sign_in_as("caseworker", office.slug)
    big = await upload(client, office, reference, "stor.txt", TEXT * 3)
    assert big.status_code == 422 and "«stor.txt» er større enn" in big.text
    assert (await upload(client, office, reference, "a.pdf", PDF)).status_code == 303
    assert (await upload(client, office, reference, "b.pdf", PDF)).status_code == 303
    third = await upload(client, office, reference, "c.pdf", PDF)
    assert third.status_code == 422 and "henvendelsen har allerede 2 vedlegg" in third.text
    huge = await upload(client, office, reference, "enorm.pdf", PDF + b"0" * 60_000)
    assert huge.status_code == 413
    assert len(rows(admin_database_url, office.slug)) == 2


async def test_another_tenants_attachment_and_odd_ids_answer_404(
    client: AsyncTestClient, office: Office, other_office: Office, caseworker: Context, sign_in_as: SignInAs
) -> None:
    reference = factories.case(office, caseworker)
    theirs = factories.case(other_office, caseworker)
    await sign_in_as("caseworker", other_office.slug)
    assert (await upload(client, other_office, theirs, "a.txt", TEXT)).status_code == 303
    attachments.scan_pending(other_office, Clean())
    their_id = other_office.inquiry(theirs).attachments[0].id
    await sign_in_as("caseworker", office.slug)
    for path in (
        f"/{office.slug}/henvendelser/{reference}/vedlegg/{their_id}",
        f"/{office.slug}/henvendelser/{theirs}/vedlegg/{their_id}",
        f"/{other_office.slug}/henvendelser/{theirs}/vedlegg/{their_id}",
        f"/{office.slug}/henvendelser/{reference}/vedlegg/ikke-en-id",
        f"/{office.slug}/henvendelser/{reference}/vedlegg/00000000-0000-0000-0000-000000000000",
    ):
        assert (await client.get(path)).status_code == 404, path


@pytest.mark.parametrize("role", ["auditor", "network"])
async def test_a_role_that_does_not_work_cases_cannot_upload(
    client: AsyncTestClient,
    office: Office,
    caseworker: Context,
    sign_in_as: SignInAs,
    admin_database_url: str,
    role: str,
) -> None:
    reference = factories.case(office, caseworker)
    await sign_in_as(role, None if role == "network" else office.slug)
    assert (await upload(client, office, reference, "a.txt", TEXT)).status_code == 404
    assert rows(admin_database_url, office.slug) == []
