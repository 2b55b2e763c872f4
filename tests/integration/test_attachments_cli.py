"""`ombud inquiry attach`: a file from disk onto an inquiry, sealed in the database with its event; refusals name
the field and store nothing; the scan (an in-test scanner, and a private clamd with the EICAR test signature)
clears a clean file for download and destroys an infected one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from services import attachments
from services.platform import Platform
from services.virus_scan import ScanResult
from tests import factories
from tests.attachment_files import EXE, PDF, TEXT
from tests.integration.conftest import Run
from tests.integration.helpers import created_tenant


class Clean:
    def scan(self, data: bytes) -> ScanResult:
        return ScanResult(True)


@pytest.fixture
def tenant(ombud: Run, new_slug: Callable[[], str]) -> str:
    return created_tenant(ombud, new_slug(), "Prøvekommune")


def stored(admin_database_url: str, tenant: str) -> list[bytes]:
    with psycopg.connect(admin_database_url) as conn:
        rows = conn.execute("SELECT ciphertext FROM platform.attachments WHERE tenant_id = %s", (tenant,)).fetchall()
    return [bytes(r[0]) for r in rows]


def test_a_file_is_attached_from_the_command_line_and_downloads_once_scanned(
    ombud: Run, tenant: str, platform: Platform, tmp_path: Path, admin_database_url: str
) -> None:
    office = platform.office(tenant)
    reference = factories.case(office, factories.acting("caseworker"))
    file = tmp_path / "vedtak.pdf"
    file.write_bytes(PDF)
    code, out, err = ombud("inquiry", "attach", "--tenant", tenant, reference, str(file), "--title", "Vedtak")
    assert code == 0, err
    assert "lagt ved" in out and "viruskontrollen" in out
    [shown] = office.inquiry(reference).attachments
    assert (shown.title, shown.media_type, shown.size, shown.scan) == ("Vedtak", "application/pdf", len(PDF), "pending")
    [sealed] = stored(admin_database_url, tenant)
    assert PDF not in sealed
    assert attachments.scan_pending(office, Clean()) == 1
    assert office.attachment(reference, shown.id).data == PDF


def test_the_command_line_refuses_a_type_off_the_list_a_missing_file_and_an_unknown_inquiry(
    ombud: Run, tenant: str, platform: Platform, tmp_path: Path, admin_database_url: str
) -> None:
    reference = factories.case(platform.office(tenant), factories.acting("caseworker"))
    program = tmp_path / "brev.pdf"
    program.write_bytes(EXE)
    text = tmp_path / "brev.txt"
    text.write_bytes(TEXT)
    code, _, err = ombud("inquiry", "attach", "--tenant", tenant, reference, str(program))
    assert code == 1 and "«brev.pdf» er ikke en filtype som kan lagres" in err
    code, _, err = ombud("inquiry", "attach", "--tenant", tenant, reference, str(tmp_path / "finnes-ikke.pdf"))
    assert code == 1 and "kan ikke lese finnes-ikke.pdf" in err
    code, _, err = ombud("inquiry", "attach", "--tenant", tenant, "1999-0001", str(text))
    assert code == 1 and "finner ingen henvendelse" in err
    assert stored(admin_database_url, tenant) == []


def test_the_worker_scans_what_waits_in_every_tenant_and_quarantines_what_its_scanner_finds(
    platform: Platform, database_url: str, new_slug: Callable[[], str], admin_database_url: str
) -> None:
    from domain.common import Context
    from infra.logins import worker_url_for
    from projections.worker import ProjectionWorker
    from services.case_commands import AttachFile

    class Finds:
        def scan(self, data: bytes) -> ScanResult:
            return ScanResult(b"EICAR" not in data, "Eicar-Test-Signature" if b"EICAR" in data else None)

    admin = Context("plattform", "platform_admin", "t-1")
    offices = [platform.create_tenant(admin, slug=new_slug(), name=name) for name in ("Prøveby", "Annenby")]
    caseworker = factories.acting("caseworker")
    for office, data in zip(offices, (TEXT, TEXT + b"EICAR"), strict=True):
        reference = factories.case(office, caseworker)
        office.handle(
            caseworker, AttachFile(inquiry=reference, data=data, filename="a.txt", max_bytes=10**6, per_inquiry=5)
        )
    worker = ProjectionWorker(platform, worker_url_for(database_url), scanner=Finds())
    try:
        assert worker.scan_attachments() >= 2  # these two, and whatever other tests left waiting in this database
        assert worker.scan_attachments() == 0
    finally:
        worker.close()
    assert [len(stored(admin_database_url, office.slug)) for office in offices] == [1, 0]
    unscanned = ProjectionWorker(platform, worker_url_for(database_url))
    try:
        assert unscanned.scan_attachments() == 0
    finally:
        unscanned.close()


def test_an_eicar_file_is_quarantined_by_a_real_clamd_and_a_clean_one_cleared(
    ombud: Run, tenant: str, platform: Platform, tmp_path: Path, admin_database_url: str, clamd_socket: Path
) -> None:
    """The whole way: a file from the command line, the worker's scan through a private clamd (the EICAR test file's
    signature), the infected bytes destroyed with the quarantine event, the clean file downloadable."""
    from infra.clamd import ClamdScanner
    from tests.clamd_server import EICAR, EICAR_SIGNATURE

    office = platform.office(tenant)
    reference = factories.case(office, factories.acting("caseworker"))
    for name, data in (("eicar.txt", EICAR), ("brev.txt", TEXT)):
        (tmp_path / name).write_bytes(data)
        code, _, err = ombud("inquiry", "attach", "--tenant", tenant, reference, str(tmp_path / name))
        assert code == 0, err
    assert len(stored(admin_database_url, tenant)) == 2

    assert attachments.scan_pending(office, ClamdScanner(clamd_socket)) == 2

    infected, clean = sorted(office.inquiry(reference).attachments, key=lambda a: a.size != len(EICAR))
    assert (infected.scan, infected.downloadable) == ("infected", False)
    scanned = [e for e in office.history(reference) if e.event == "AttachmentScanned"]
    assert sorted(str(e.details.get("signature")) for e in scanned) == sorted([EICAR_SIGNATURE, "None"])
    assert clean.scan == "clean" and office.attachment(reference, clean.id).data == TEXT
    assert len(stored(admin_database_url, tenant)) == 1  # the infected bytes are gone with the verdict
