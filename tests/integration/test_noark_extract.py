"""The Noark 5 extract against the real servers and LibreOffice: every file validates against the official schemas, an
independent reader finds each closed inquiry with its letters and checksums, and erasure leaves metadata only."""

from __future__ import annotations

import hashlib
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import xmlschema

from domain.common import Context
from domain.inquiry import ERASED
from services.archive.extract import Prepared, prepare
from services.archive.writing import InvalidExtract
from services.case_commands import AddNote, Assign, Resolve, SendInterimReply
from services.demo import load_demo
from services.office import Office
from services.pdfa import pdfa_problems
from services.platform import Platform
from tests import factories
from tests.helpers import open_platform, query
from tests.integration.conftest import Run
from tests.integration.test_demo import inquiries_of_year

SCHEMAS = Path(__file__).resolve().parents[2] / "infra" / "schemas"
SCHEMA_OF = {
    "arkivstruktur.xml": SCHEMAS / "noark5-v5.0" / "arkivstruktur.xsd",
    "endringslogg.xml": SCHEMAS / "noark5-v5.0" / "endringslogg.xsd",
    "loependeJournal.xml": SCHEMAS / "noark5-v5.0" / "loependeJournal.xsd",
    "offentligJournal.xml": SCHEMAS / "noark5-v5.0" / "offentligJournal.xsd",
    "arkivuttrekk.xml": SCHEMAS / "addml-v8.3" / "addml.xsd",
}
N5 = "{http://www.arkivverket.no/standarder/noark5/arkivstruktur}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"

NAME, SUMMARY = "Testperson Arkivsen", "Fiktiv klage fra Testperson Arkivsen på hjemmetjenesten\x0b"
NOTE, CONTACT = "Ringte Arkivsen \x1b[31m", "Postboks 1\x1b, 0001 Fiktivby"  # what XML cannot carry, typed in
ERASED_NAME, ERASED_SUMMARY = "Slettperson Glemsen", "Fiktiv sak om Slettperson Glemsen"
OTHER_NAME = "Annenkommune Naboesen"
START, END = date(2024, 3, 1), date(2024, 3, 31)


@pytest.fixture(scope="module")
def platform(database_url: str, master_key: bytes, epoch_dir: Path) -> Iterator[Platform]:
    with open_platform(database_url, master_key, epoch_dir) as opened:
        yield opened


@pytest.fixture(scope="module")
def offices(platform: Platform) -> tuple[Office, Office]:
    """A kommune with a closed case, an erased one, an open one and one from the month after; and its neighbour."""
    admin = Context("test-admin", "platform_admin", "noark-setup")

    ours = platform.create_tenant(admin, slug=f"k{uuid.uuid4().hex[:10]}", name="Arkivby kommune")
    theirs = platform.create_tenant(admin, slug=f"k{uuid.uuid4().hex[:10]}", name="Naboby kommune")
    worker = factories.acting("caseworker")
    closed = factories.case(
        ours, worker, received_on=date(2024, 3, 4), requester_name=NAME, summary=SUMMARY, contact=CONTACT
    )
    ours.handle(worker, Assign(inquiry=closed, on=date(2024, 3, 4), assignee="Saksbehandler Testesen"))
    ours.handle(worker, SendInterimReply(inquiry=closed, on=date(2024, 3, 5)))
    ours.handle(worker, AddNote(inquiry=closed, on=date(2024, 3, 6), text=NOTE))
    ours.handle(worker, Resolve(inquiry=closed, on=date(2024, 3, 20), outcome="assisted"))
    erased = factories.case(
        ours, worker, received_on=date(2024, 3, 10), requester_name=ERASED_NAME, summary=ERASED_SUMMARY
    )
    ours.handle(worker, Resolve(inquiry=erased, on=date(2024, 3, 11), outcome="guided"))
    factories.erase(ours, factories.as_admin(worker), erased, date(2024, 3, 12))
    factories.case(ours, worker, received_on=date(2024, 3, 15))  # still open: left for a later extract
    later = factories.case(ours, worker, received_on=date(2024, 4, 2))
    ours.handle(worker, Resolve(inquiry=later, on=date(2024, 4, 3), outcome="assisted"))
    other = factories.case(theirs, worker, received_on=date(2024, 3, 4), requester_name=OTHER_NAME)
    theirs.handle(worker, Resolve(inquiry=other, on=date(2024, 3, 5), outcome="assisted"))
    return ours, theirs


@pytest.fixture(scope="module")
def prepared(offices: tuple[Office, Office]) -> Prepared:
    return prepare(offices[0], START, END)


def valid(files: dict[str, bytes]) -> None:
    for name, schema in SCHEMA_OF.items():
        xmlschema.XMLSchema(str(schema)).validate(files[name])  # raises naming the path that breaks it


def closed_case_files(files: dict[str, bytes]) -> dict[str, dict[str, str]]:
    """What an archive's reader finds with plain ElementTree: each saksmappe's mappeID, its documents' files and
    checksums; and checks each checksum against the file itself."""
    root = ET.fromstring(files["arkivstruktur.xml"])
    found: dict[str, dict[str, str]] = {}
    for folder in root.iter(f"{N5}mappe"):
        assert folder.get(XSI_TYPE) == "saksmappe"
        documents: dict[str, str] = {}
        for obj in folder.iter(f"{N5}dokumentobjekt"):
            path = obj.findtext(f"{N5}referanseDokumentfil") or ""
            checksum = obj.findtext(f"{N5}sjekksum") or ""
            assert obj.findtext(f"{N5}sjekksumAlgoritme") == "SHA256"
            assert hashlib.sha256(files[path]).hexdigest() == checksum, path
            assert int(obj.findtext(f"{N5}filstoerrelse") or -1) == len(files[path])
            documents[path] = checksum
        found[folder.findtext(f"{N5}mappeID") or ""] = documents
    return found


def test_every_file_of_the_extract_validates_against_the_official_schemas(prepared: Prepared) -> None:
    valid(prepared.files)
    assert set(SCHEMA_OF) <= set(prepared.files)


def test_a_reader_finds_each_closed_inquiry_of_the_period_with_its_letters_and_their_checksums(
    prepared: Prepared,
) -> None:
    found = closed_case_files(prepared.files)
    assert sorted(found) == ["2024-0001", "2024-0002"]  # the open one and April's are not in March's extract
    assert sorted(found["2024-0001"]) == [
        "dokumenter/2024-0001-avslutning.pdf",
        "dokumenter/2024-0001-forelopig-svar.pdf",
        "dokumenter/2024-0001-kvittering.pdf",
    ]
    assert found["2024-0002"] == {}  # erased: its letters died with its key
    assert prepared.extract.left_open == 1


def test_the_letters_are_pdfa_2b_and_the_addml_gives_every_files_checksum(prepared: Prepared) -> None:
    addml = ET.fromstring(prepared.files["arkivuttrekk.xml"])
    ns = "{http://www.arkivverket.no/standarder/addml}"
    listed: dict[str, str] = {}
    for item in addml.iter(f"{ns}dataObject"):
        about = item.find(f"{ns}properties/{ns}property[@name='file']/{ns}properties")
        if about is not None:
            checksum = about.find(f"{ns}property[@name='checksum']/{ns}properties/{ns}property[@name='value']")
            assert checksum is not None
            listed[item.get("name") or ""] = checksum.findtext(f"{ns}value") or ""
    described = {n: b for n, b in prepared.files.items() if n != "arkivuttrekk.xml"}
    assert listed == {name: hashlib.sha256(body).hexdigest() for name, body in described.items()}
    for name, body in prepared.files.items():
        if name.endswith(".pdf"):
            assert pdfa_problems(body) == [], name


def test_the_public_journal_holds_no_name_and_no_summary(prepared: Prepared) -> None:
    public = prepared.files["offentligJournal.xml"].decode()
    for secret in (NAME, SUMMARY, NOTE, "Arkivsen", "hjemmetjenesten"):
        assert secret not in public
    assert "Offl. § 13" in public
    assert "Ringte Arkivsen \ufffd[31m".encode() in prepared.files["arkivstruktur.xml"]
    running = prepared.files["loependeJournal.xml"].decode()
    assert NAME in running  # the office's own journal names the party, marked screened


def test_an_erased_inquiry_is_metadata_with_its_personal_fields_marked_erased(prepared: Prepared) -> None:
    everything = b"".join(prepared.files.values())
    for secret in (ERASED_NAME, ERASED_SUMMARY, "Glemsen", OTHER_NAME):
        assert secret.encode() not in everything
    root = ET.fromstring(prepared.files["arkivstruktur.xml"])
    erased = next(f for f in root.iter(f"{N5}mappe") if f.findtext(f"{N5}mappeID") == "2024-0002")
    assert erased.findtext(f"{N5}beskrivelse") == ERASED
    assert erased.findtext(f"{N5}part/{N5}partNavn") == ERASED
    assert [s.findtext(f"{N5}slettingstype") for s in erased.iter(f"{N5}sletting")] == [
        "Sletting av personopplysninger"
    ] * 2  # the receipt and the closing letter
    assert ERASED.encode() in prepared.files["endringslogg.xml"]


def test_the_command_writes_the_extract_and_records_each_inquiry_read(
    offices: tuple[Office, Office], ombud: Run, tmp_path: Path, admin_database_url: str
) -> None:
    ours = offices[0]
    output = tmp_path / "uttrekk"
    code, out, err = ombud(
        "archive",
        "extract",
        "--tenant",
        ours.slug,
        "--from",
        "2024-03-01",
        "--to",
        "2024-03-31",
        "--output",
        str(output),
    )
    assert code == 0, err
    assert "2 avsluttede henvendelser (1 slettet)" in out
    files = {str(p.relative_to(output)): p.read_bytes() for p in output.rglob("*") if p.is_file()}
    valid(files)
    assert sorted(closed_case_files(files)) == ["2024-0001", "2024-0002"]
    records = query(
        admin_database_url,
        "SELECT count(*) FROM audit.access_records WHERE tenant_id = %s AND purpose = 'arkivering'",
        (ours.slug,),
    )
    assert records == [(2,)]


def test_the_command_refuses_an_empty_period_a_reversed_one_and_a_folder_in_use(
    offices: tuple[Office, Office], ombud: Run, tmp_path: Path
) -> None:
    slug = offices[0].slug
    used = tmp_path / "brukt"
    used.mkdir()
    (used / "noe.txt").write_text("x")
    for dates, folder, message in (
        (("2023-01-01", "2023-12-31"), tmp_path / "a", "ingen avsluttede henvendelser mottatt 2023-01-01–2023-12-31"),
        (("2024-03-31", "2024-03-01"), tmp_path / "b", "sluttdatoen kan ikke ligge før startdatoen"),
        (("2024-03-01", "2024-03-31"), used, "finnes og er ikke tom"),
        (("2024-03-01", "2024-13-01"), tmp_path / "c", "--to"),
        (("2024-03-01", "2024-03-31"), tmp_path / "d", "finner ingen kommune «finnesikke»"),
    ):
        tenant = "finnesikke" if folder.name == "d" else slug
        code, _, err = ombud(
            "archive", "extract", "--tenant", tenant, "--from", dates[0], "--to", dates[1], "--output", str(folder)
        )
        assert code != 0 and message in err, err
        assert not folder.exists() or folder == used
    assert [p.name for p in used.iterdir()] == ["noe.txt"]


def test_an_extract_of_a_demo_kommune_validates_and_holds_every_closed_inquiry_of_the_month(
    platform: Platform,
) -> None:
    load_demo(platform, Context("demo", "platform_admin", "noark-demo"))  # as test_demo loads it: one demo
    office = platform.office("fredrikstad")
    started = time.monotonic()
    prepared = prepare(office, date(2025, 3, 1), date(2025, 3, 31))
    seconds = time.monotonic() - started
    valid(prepared.files)
    found = closed_case_files(prepared.files)
    march = [
        view
        for view in inquiries_of_year(office, 2025)
        if view.resolved_on is not None and date(2025, 3, 1) <= view.received_on <= date(2025, 3, 31)
    ]
    assert march and sorted(found) == sorted(view.reference for view in march)
    for view in march:
        assert len(found[view.reference]) == 2 + (view.interim_reply_on is not None)
    print(f"\nfredrikstad mars 2025: {len(found)} saksmapper, {prepared.summary}; {seconds:.1f} s")


def test_an_extract_whose_file_breaks_its_schema_is_refused_and_nothing_is_written(
    offices: tuple[Office, Office], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    empty = b'<endringslogg xmlns="http://www.arkivverket.no/standarder/noark5/endringslogg"/>'
    monkeypatch.setattr("services.archive.extract.endringslogg", lambda extract: empty)
    with pytest.raises(InvalidExtract, match=r"endringslogg\.xml følger ikke skjemaet"):
        prepare(offices[0], START, END)


def test_the_addml_counts_what_arkivstruktur_holds(prepared: Prepared) -> None:
    addml = ET.fromstring(prepared.files["arkivuttrekk.xml"])
    ns = "{http://www.arkivverket.no/standarder/addml}"
    counted = {
        prop.findtext(f"{ns}value"): prop.findtext(f"{ns}properties/{ns}property/{ns}value")
        for prop in addml.iter(f"{ns}property")
        if prop.get("name") == "numberOfOccurrences"
    }
    assert counted["mappe"] == "2" and counted["dokumentobjekt"] == "3" and counted["dokumentbeskrivelse"] == "5"


def test_without_libreoffice_the_command_says_so_in_one_line_and_writes_nothing(
    offices: tuple[Office, Office], ombud: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("services.archive.documents.converter", lambda: None)
    output = tmp_path / "uttrekk"
    code, out, err = ombud(
        "archive", "extract", "--tenant", offices[0].slug, "--from", "2024-03-01", "--to", "2024-03-31", "--output",
        str(output),
    )  # fmt: skip
    assert (code, out, err) == (1, "", "ombud: feil: LibreOffice er ikke installert\n")
    assert not output.exists()
