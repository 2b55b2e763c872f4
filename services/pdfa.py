"""Documents for the archive as PDF/A-2b: LibreOffice (headless) converts, pikepdf checks.

One home for what the archive takes: the letters, uploaded documents and the Noark 5 extract's files all go through
`to_pdfa`, and `pdfa_problems` is the check every produced file must pass (PDF/A-2b named in the XMP metadata, every
font embedded). LibreOffice runs with a profile of its own per call, so calls in parallel never share one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

# What LibreOffice opens each kind of file with, and that module's PDF export with PDF/A-2b chosen.
_EXPORT = '{"SelectPdfVersion":{"type":"long","value":"2"}}'
_FILTERS = {
    ".docx": "writer_pdf_Export",
    ".odt": "writer_pdf_Export",
    ".txt": "writer_pdf_Export",
    ".png": "draw_pdf_Export",
    ".jpg": "draw_pdf_Export",
    ".jpeg": "draw_pdf_Export",
}
CONVERT_SECONDS = 120
# Letters carry personal data: LibreOffice's scratch files go to memory (tmpfs) where the machine has it, so nothing
# of a letter is left in a disk's free blocks after the call.
_MEMORY = Path("/dev/shm")  # noqa: S108 (mkdtemp makes a private directory of its own in it, mode 0700)
_SCRATCH = _MEMORY if _MEMORY.is_dir() and os.access(_MEMORY, os.W_OK) else None
# LibreOffice takes a few hundred MB and a core for its seconds: at most this many run at once in one process, so a
# burst of downloads queues rather than exhausting the machine.
_RUNNING = threading.BoundedSemaphore(2)


class PdfaError(Exception):
    """A document LibreOffice could not turn into PDF/A (the message names the kind, never the content)."""


def converter() -> str | None:
    """LibreOffice's command, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdfa(data: bytes, suffix: str) -> bytes:
    """The document (`suffix`: its kind, for example ".docx") as PDF/A-2b."""
    command, export = converter(), _FILTERS.get(suffix.lower())
    if command is None:
        raise PdfaError("LibreOffice er ikke installert")
    if export is None:
        raise PdfaError(f"filtypen {suffix} kan ikke gjøres om til PDF/A")
    with tempfile.TemporaryDirectory(prefix="ombud-pdfa-", dir=_SCRATCH) as scratch:
        folder = Path(scratch)
        source = folder / f"dokument{suffix.lower()}"
        source.write_bytes(data)
        with _RUNNING:
            try:
                done = subprocess.run(
                    [
                        command,
                        "--headless",
                        "--norestore",
                        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                        "--convert-to",
                        f"pdf:{export}:{_EXPORT}",
                        "--outdir",
                        str(folder / "out"),
                        str(source),
                    ],
                    capture_output=True,
                    timeout=CONVERT_SECONDS,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                raise PdfaError(f"LibreOffice brukte mer enn {CONVERT_SECONDS} sekunder på {suffix}-filen") from None
        result = folder / "out" / "dokument.pdf"
        if done.returncode != 0 or not result.exists():
            raise PdfaError(f"LibreOffice kunne ikke gjøre om {suffix}-filen (kode {done.returncode})")
        return result.read_bytes()


def pdfa_problems(pdf: bytes) -> list[str]:
    """What keeps the file from being PDF/A-2b as the archive checks it; empty when nothing does."""
    import io

    import pikepdf

    problems: list[str] = []
    try:
        document = pikepdf.open(io.BytesIO(pdf))
    except pikepdf.PdfError:
        return ["ikke en lesbar PDF"]
    with document:
        if document.open_metadata().pdfa_status != "2B":
            problems.append("XMP-metadata sier ikke PDF/A-2b")
        for number, page in enumerate(document.pages, start=1):
            resources: Any = page.obj.get("/Resources")
            fonts: Any = resources.get("/Font", {}) if resources is not None else {}
            for name, font in fonts.items():
                if not _embedded(font):
                    problems.append(f"skriften {name} på side {number} er ikke innebygd")
    return problems


def _embedded(font: Any) -> bool:
    descriptor = font.get("/FontDescriptor")
    if descriptor is None and "/DescendantFonts" in font:
        descriptor = font["/DescendantFonts"][0].get("/FontDescriptor")
    return descriptor is not None and any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
