"""A caseworker attaches a file in the browser, downloads it once the virus scan found it clean, and erasure takes
it: the title shows as erased and the sealed bytes are gone from the database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import psycopg
from playwright.sync_api import Page

from domain.common import Context
from services.attachments import scan_pending
from services.virus_scan import ScanResult
from tests import factories
from tests.attachment_files import TEXT
from tests.browser.browsing import htmx_swap
from tests.browser.conftest import Offices

TITLE = "Vedtak om avlastning (fiktivt)"


class Clean:
    def scan(self, data: bytes) -> ScanResult:
        return ScanResult(True)


def test_a_caseworker_attaches_a_file_downloads_it_after_the_scan_and_erasure_takes_it(
    page: Page, signed_in: Callable[..., Page], offices: Offices, admin_database_url: str, tmp_path: Path
) -> None:
    office = offices.first
    reference = factories.case(office, factories.acting("caseworker"), received_on=date(2023, 6, 1))
    signed_in("caseworker")
    page.goto(f"/{office.slug}/henvendelser/{reference}")
    page.get_by_label("Fil (PDF, bilde, Word, ODT, tekst eller e-post)").set_input_files(
        files=[{"name": "vedtak.pdf", "mimeType": "application/pdf", "buffer": TEXT}]
    )
    page.get_by_label("Tittel (valgfri)").fill(TITLE)
    response = htmx_swap(page, "/vedlegg", lambda: page.get_by_role("button", name="Legg ved").click())
    assert response.status == 200
    listed = page.locator("#vedlegg li")
    assert listed.count() == 1 and TITLE in listed.inner_text() and "Ren tekst" in listed.inner_text()
    assert "venter på viruskontroll" in listed.inner_text()
    assert page.get_by_role("link", name=TITLE).count() == 0  # not downloadable before the scan

    assert scan_pending(office, Clean()) == 1
    page.reload()
    with page.expect_download() as download:
        page.get_by_role("link", name=TITLE).click()
    assert Path(download.value.path()).read_bytes() == TEXT

    factories.erase(office, Context("admin", "tenant_admin", "e-1"), reference, date(2023, 6, 2))
    page.reload()
    assert TITLE not in page.locator("#vedlegg").inner_text() and "slettet" in page.locator("#vedlegg").inner_text()
    with psycopg.connect(admin_database_url) as conn:
        left = conn.execute("SELECT count(*) FROM platform.attachments WHERE tenant_id = %s", (office.slug,)).fetchone()
    assert left == (0,)
