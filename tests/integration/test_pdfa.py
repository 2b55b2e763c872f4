"""Documents become PDF/A-2b through LibreOffice, and the check tells a PDF/A-2b file from one that is not."""

from __future__ import annotations

import io

import docx
import pytest

from services.pdfa import PdfaError, converter, pdfa_problems, to_pdfa

pytestmark = pytest.mark.skipif(converter() is None, reason="LibreOffice is not installed (.ci/run installs it)")


def a_letter() -> bytes:
    document = docx.Document()
    document.add_paragraph("Brev til Demo Testesen – æøå ÆØÅ")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_docx_becomes_pdfa_2b_with_every_font_embedded() -> None:
    pdf = to_pdfa(a_letter(), ".docx")
    assert pdf.startswith(b"%PDF")
    assert pdfa_problems(pdf) == []


def test_a_plain_pdf_and_garbage_are_named_as_not_pdfa() -> None:
    import pikepdf

    plain = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(plain)
    assert pdfa_problems(plain.getvalue()) == ["XMP-metadata sier ikke PDF/A-2b"]
    assert pdfa_problems(b"not a pdf") == ["ikke en lesbar PDF"]


def test_an_unknown_kind_is_refused_by_name() -> None:
    with pytest.raises(PdfaError, match=r"\.exe"):
        to_pdfa(b"MZ", ".exe")
