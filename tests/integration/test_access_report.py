"""Innsyn in the access log from the command line: every kind of read is listed with its role and channel and no
staff identity, the command line's own reads are recorded before anything is printed, and nothing crosses tenants."""

from __future__ import annotations

import asyncio
import getpass
import json
import uuid
from collections.abc import Callable
from pathlib import Path

import asyncpg
import psycopg
import pytest
from docx import Document

from domain.inquiry import Inquiry
from infra.cli import main
from services.audit.access_log import record_access
from services.pdfa import converter, pdfa_problems
from tests.integration.conftest import Run

SUMMARY = "Fiktiv klage på manglende svar"
NAME = "Testesen, Fiktiv"
STAFF = "kari.saksbehandler@eksempel.invalid"


@pytest.fixture
def tenants(ombud: Run, new_slug: Callable[[], str]) -> tuple[tuple[str, str], tuple[str, str]]:
    """Two tenants, each with one inquiry of its own reference: (slug, reference) each."""
    made = []
    for name, reference in (("Prøveby kommune", "2025-0101"), ("Annenby kommune", "2025-0202")):
        slug = new_slug()
        assert ombud("tenant", "create", slug, "--name", name)[0] == 0
        code, out, _ = ombud(
            *("--actor", STAFF, "inquiry", "receive", "--tenant", slug, "--reference", reference),
            *("--received-on", "2025-03-03", "--channel", "phone", "--requester-role", "user"),
            *("--service-area", "Helse", "--summary", SUMMARY, "--requester-name", NAME),
        )
        assert code == 0, out
        made.append((slug, reference))
    return made[0], made[1]


def records(admin_database_url: str, tenant: str) -> list[tuple[str, str, str, str]]:
    with psycopg.connect(admin_database_url) as conn:
        query = "SELECT account_id, role, purpose, channel FROM audit.access_records WHERE tenant_id = %s ORDER BY id"
        return conn.execute(query, (tenant,)).fetchall()


def inquiry_id(reference: str) -> uuid.UUID:
    return Inquiry.id_for(reference)


def record(database_url: str, slug: str, inquiry: uuid.UUID, account: str, role: str, purpose: str, channel: str):
    """A read by the web page, a download or a search, written through the one writer they all use."""

    async def write() -> None:
        pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
        try:
            await record_access(
                pool, slug, account_id=account, role=role, inquiry_id=inquiry, purpose=purpose, channel=channel
            )
        finally:
            await pool.close()

    asyncio.run(write())


def docx_text(path: Path) -> str:
    document = Document(str(path))
    header = [p.text for p in document.sections[0].header.paragraphs]  # the letterhead
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(header + [p.text for p in document.paragraphs] + cells)


def test_the_report_lists_every_kind_of_read_with_role_and_channel_and_no_staff_identity(
    ombud: Run, tenants, database_url: str, admin_database_url: str, tmp_path: Path
) -> None:
    (slug, reference), (other, theirs) = tenants
    inquiry = inquiry_id(reference)
    account = str(uuid.uuid4())
    record(database_url, slug, inquiry, account, "caseworker", "saksbehandling", "web")
    record(database_url, slug, inquiry, account, "tenant_admin", "innsyn", "download")
    record(database_url, slug, inquiry, account, "caseworker", "søk", "search")
    record(database_url, other, inquiry_id(theirs), account, "auditor", "tilsyn", "web")
    assert ombud("--actor", STAFF, "inquiry", "show", "--tenant", slug, reference)[0] == 0
    assert ombud("--actor", STAFF, "inquiry", "history", "--tenant", slug, reference, "--purpose", "klage")[0] == 0

    code, out, err = ombud("--actor", STAFF, "inquiry", "access-report", "--tenant", slug, reference)
    assert code == 0, err
    report = json.loads(out)
    assert report["inquiry"] == reference and report["generated_at"]
    assert [(a["at"] != "", a["purpose_code"], a["role"], a["channel"]) for a in report["accesses"]] == [
        (True, "saksbehandling", "Saksbehandler", "Sakssiden på nett"),
        (True, "innsyn", "Administrator", "Nedlasting"),
        (True, "søk", "Saksbehandler", "Søk"),
        (True, "drift", "Saksbehandler", "Kommandolinjen (drift)"),  # show
        (True, "klage", "Saksbehandler", "Kommandolinjen (drift)"),  # history, with its --purpose
        (True, "drift", "Saksbehandler", "Kommandolinjen (drift)"),  # this report itself
    ]
    for secret in (STAFF, "eksempel.invalid", account, SUMMARY, NAME, "tilsyn", "Revisor"):
        assert secret not in out  # no staff identity, no case data, nothing of the other tenant

    letter = tmp_path / "innsyn.docx"
    code, out, err = ombud(
        *("inquiry", "access-report", "--tenant", slug, reference, "--format", "docx", "--output", str(letter))
    )
    assert code == 0 and str(letter) in out, err
    text = docx_text(letter)
    assert "Prøveby kommune" in text and reference in text and "artikkel 15" in text
    assert "Kommandolinjen (drift)" in text and "Søk" in text and "Nedlasting" in text
    assert "omfatter 7 oppslag" in text  # the six above and this letter
    for secret in (STAFF, "eksempel.invalid", account, SUMMARY, NAME, "Revisor"):
        assert secret not in text

    # The auditors' log keeps who read at the command line; the other tenant's log holds its own read only.
    mine = records(admin_database_url, slug)
    assert [r[3] for r in mine] == ["web", "download", "search", "cli", "cli", "cli", "cli"]
    assert {r[0] for r in mine if r[3] == "cli"} == {STAFF, f"cli:{getpass.getuser()}"}
    assert records(admin_database_url, other) == [(account, "auditor", "tilsyn", "web")]


def test_the_command_lines_reads_are_recorded_before_anything_is_printed(
    ombud: Run, tenants, admin_database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (slug, reference), (other, _) = tenants

    async def broken(*args: object, **kwargs: object) -> None:
        raise OSError("the audit table is unreachable")

    capsys.readouterr()
    with monkeypatch.context() as patched:
        patched.setattr("services.audit.access_log.record_access", broken)
        for command in ("show", "history", "access-report"):
            with pytest.raises(OSError):
                main(["inquiry", command, "--tenant", slug, reference])
    out, err = capsys.readouterr()
    assert out == "" and SUMMARY not in err and NAME not in err  # no record, no data
    assert records(admin_database_url, slug) == [] and records(admin_database_url, other) == []
    code, out, _ = ombud("inquiry", "show", "--tenant", slug, reference, "--json")
    assert code == 0 and json.loads(out)["summary"] == SUMMARY
    assert [r[1:] for r in records(admin_database_url, slug)] == [("caseworker", "drift", "cli")]


def test_another_tenants_inquiry_is_refused_and_nothing_is_recorded(
    ombud: Run, tenants, admin_database_url: str
) -> None:
    (slug, reference), (other, _) = tenants
    for command in ("show", "history", "access-report"):
        code, out, err = ombud("inquiry", command, "--tenant", other, reference)
        assert code == 1 and out == "" and "finner ingen henvendelse" in err
    assert records(admin_database_url, slug) == [] and records(admin_database_url, other) == []


def test_a_letter_needs_a_file_and_an_empty_purpose_is_refused(ombud: Run, tenants, admin_database_url: str) -> None:
    (slug, reference), _ = tenants
    code, _, err = ombud("inquiry", "access-report", "--tenant", slug, reference, "--format", "docx")
    assert code == 1 and "--output" in err
    code, _, err = ombud("inquiry", "show", "--tenant", slug, reference, "--purpose", " ")
    assert code == 2 and "purpose" in err
    assert records(admin_database_url, slug) == []


@pytest.mark.skipif(converter() is None, reason="LibreOffice (soffice) is not installed")
def test_the_innsyn_letter_comes_as_pdfa_for_the_archive_recorded_as_the_word_file_is(
    ombud: Run, tenants, admin_database_url: str, tmp_path: Path
) -> None:
    (slug, reference), (other, _) = tenants
    code, _, err = ombud("inquiry", "access-report", "--tenant", slug, reference, "--format", "pdf")
    assert code == 1 and "--output" in err and records(admin_database_url, slug) == []

    letter = tmp_path / "innsyn.pdf"
    code, out, err = ombud(
        *("inquiry", "access-report", "--tenant", slug, reference, "--format", "pdf", "--output", str(letter))
    )

    assert code == 0 and str(letter) in out, err
    assert letter.read_bytes().startswith(b"%PDF") and pdfa_problems(letter.read_bytes()) == []
    assert [r[2:] for r in records(admin_database_url, slug)] == [("drift", "cli")]
    assert records(admin_database_url, other) == []
