"""The extract's documents as PDF/A-2b: the letters the product makes, converted many to one LibreOffice start.

`documents_of` is the one place that says where a letter's archived file comes from: today the letter is rendered
again from the inquiry (services/letters.py) and converted; once letters sent are stored as PDF/A, it reads those.
LibreOffice takes seconds to start, so the letters go to it in batches, each batch in one call with its own profile.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from uuid import UUID

from services.archive.noark import Extract
from services.letters import Letters
from services.office import Office
from services.pdfa import CONVERT_SECONDS, PdfaError, converter, pdfa_problems

# One LibreOffice start per this many letters: a start costs seconds, a letter a fraction of one.
BATCH = 200
_EXPORT = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


def documents_of(office: Office, extract: Extract) -> dict[UUID, bytes]:
    """Each document's PDF/A-2b file by its systemID; an erased inquiry's documents have none (their key is gone)."""
    letters = Letters(office)
    wanted = [
        (document.system_id, letters.letter(case_file.reference, document.kind, document.dated).body)
        for case_file, document in extract.documents
        if document.erased_at is None
    ]
    converted: dict[UUID, bytes] = {}
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start : start + BATCH]
        for (document_id, _), pdf in zip(batch, docx_to_pdfa(body for _, body in batch), strict=True):
            problems = pdfa_problems(pdf)
            if problems:
                raise PdfaError(f"et brev ble ikke gyldig PDF/A-2b: {problems[0]}")
            converted[document_id] = pdf
    return converted


def docx_to_pdfa(documents: Iterable[bytes]) -> list[bytes]:
    """The DOCX documents as PDF/A-2b, in order, from one LibreOffice call."""
    command = converter()
    if command is None:
        raise PdfaError("LibreOffice er ikke installert")
    with tempfile.TemporaryDirectory(prefix="ombud-archive-") as scratch:
        folder = Path(scratch)
        sources = []
        for number, body in enumerate(documents):
            source = folder / "in" / f"{number:06d}.docx"
            source.parent.mkdir(exist_ok=True)
            source.write_bytes(body)
            sources.append(source)
        if not sources:
            return []
        try:
            done = subprocess.run(
                [
                    command,
                    "--headless",
                    "--norestore",
                    f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                    "--convert-to",
                    _EXPORT,
                    "--outdir",
                    str(folder / "out"),
                    *map(str, sources),
                ],
                capture_output=True,
                timeout=CONVERT_SECONDS + 2 * len(sources),
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise PdfaError(f"LibreOffice brukte for lang tid på {len(sources)} brev") from None
        results = [folder / "out" / f"{source.stem}.pdf" for source in sources]
        missing = sum(not result.exists() for result in results)
        if done.returncode != 0 or missing:
            raise PdfaError(
                f"LibreOffice kunne ikke gjøre om {missing} av {len(sources)} brev (kode {done.returncode})"
            )
        return [result.read_bytes() for result in results]
