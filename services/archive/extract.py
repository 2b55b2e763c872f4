"""A Noark 5 v5.0 extract of one tenant's period: every file made in memory and validated before any is written.

The caller records the reads of the inquiries it holds (`Prepared.inquiry_ids`) before it writes or sends the files:
no record, no data. A file that breaks its schema stops the extract before anything reaches the disk or the browser.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID

from domain.common import DomainError
from services.archive.addml import Described, arkivuttrekk
from services.archive.changes import endringslogg
from services.archive.documents import documents_of
from services.archive.journals import journal
from services.archive.noark import Extract, extract_of
from services.archive.structure import NAMESPACE, StoredFile, arkivstruktur
from services.archive.writing import require_valid
from services.office import Office

# What arkivuttrekk.xml counts in arkivstruktur.xml.
COUNTED = (
    "arkivdel",
    "klassifikasjonssystem",
    "klasse",
    "mappe",
    "registrering",
    "dokumentbeskrivelse",
    "dokumentobjekt",
)


@dataclass(frozen=True)
class Prepared:
    """The extract's files by their path inside it, all validated, and what they hold."""

    extract: Extract
    files: dict[str, bytes]

    @property
    def inquiry_ids(self) -> list[UUID]:
        return [case_file.system_id for case_file in self.extract.case_files]

    @property
    def summary(self) -> str:
        """One line for a person: counts only, never a name or a reference."""
        extract = self.extract
        erased = sum(c.erased for c in extract.case_files)
        documents = sum(name.startswith("dokumenter/") for name in self.files)
        return (
            f"{len(extract.case_files)} avsluttede henvendelser ({erased} slettet), "
            f"{sum(1 for _ in extract.entries)} journalposter, {documents} dokumenter; "
            f"{extract.left_open} fortsatt åpne er ikke med"
        )

    def zipped(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, body in self.files.items():
                archive.writestr(name, body)
        return out.getvalue()

    def write(self, folder: Path) -> None:
        """Into `folder`, which must not exist or be empty; all files or none (written beside it, then renamed)."""
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise DomainError("--output", f"mappen {folder} finnes og er ikke tom")
        parent = folder.resolve().parent
        if not parent.is_dir():
            raise DomainError("--output", f"mappen {parent} finnes ikke")
        staging = Path(tempfile.mkdtemp(prefix=".noark-", dir=parent))
        try:
            for name, body in self.files.items():
                path = staging / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(body)
            if folder.exists():
                folder.rmdir()
            os.rename(staging, folder)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


def prepare(office: Office, start: date, end: date, created: datetime | None = None) -> Prepared:
    """Every file of the extract of the closed inquiries received from `start` to `end`, each validated."""
    extract = extract_of(office, start, end, created or datetime.now(UTC))
    pdfs = documents_of(office, extract)
    documents = {
        document.file_name: pdfs[document.system_id] for _, document in extract.documents if document.system_id in pdfs
    }
    stored = {
        document.system_id: StoredFile(sha256(pdfs[document.system_id]), len(pdfs[document.system_id]))
        for _, document in extract.documents
        if document.system_id in pdfs
    }
    structure = arkivstruktur(extract, stored)
    files = {
        "arkivstruktur.xml": structure,
        "endringslogg.xml": endringslogg(extract),
        "loependeJournal.xml": journal(extract, public=False),
        "offentligJournal.xml": journal(extract, public=True),
    }
    for name, body in files.items():
        require_valid(name, body)
    described = [Described(name, "xml", sha256(body), len(body)) for name, body in files.items()]
    described += [Described(name, "pdf/a-2b", sha256(body), len(body)) for name, body in documents.items()]
    addml = arkivuttrekk(extract, described, counts(structure))
    require_valid("arkivuttrekk.xml", addml)
    return Prepared(extract, {"arkivuttrekk.xml": addml, **files, **documents})


def counts(structure: bytes) -> dict[str, int]:
    """How many of each counted Noark object arkivstruktur.xml holds, read back from the file itself."""
    found = Counter(element.tag for element in ET.fromstring(structure).iter())  # noqa: S314 (the file just made)
    return {name: found[f"{{{NAMESPACE}}}{name}"] for name in COUNTED}


def sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
