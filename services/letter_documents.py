"""Letters to the inhabitant as editable Word documents: the office's letterhead, the addressee, the text, the signature."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from domain.letterhead import Letterhead

MONTHS = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)


def long_date(day: date) -> str:
    """A date as a Norwegian letter writes it: 1. desember 2026."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class LetterContent:
    """Everything one letter says, filled in: nothing here is looked up while the document is made."""

    letterhead: Letterhead
    reference: str
    dated: date
    addressee: tuple[str, ...]  # the inhabitant's name and address lines; empty when not known
    title: str
    paragraphs: tuple[str, ...]


def as_docx(letter: LetterContent) -> bytes:
    """The letterhead in the page header, then addressee, date and reference, heading, text and signature."""
    from docx import Document  # here, not at the top: only a letter's download pays for importing it
    from docx.shared import Pt

    head = letter.letterhead
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    header = document.sections[0].header
    top = header.paragraphs[0]
    top.add_run(head.office_name).bold = True
    contact = [
        line for line in (*head.address_lines, _labelled("Telefon", head.phone), _labelled("E-post", head.email))
    ]
    header.add_paragraph("\n".join(line for line in contact if line))

    if letter.addressee:
        document.add_paragraph("\n".join(letter.addressee))
    document.add_paragraph(f"Vår referanse: {letter.reference}\nDato: {long_date(letter.dated)}")
    document.add_heading(letter.title, level=1)
    for paragraph in letter.paragraphs:
        document.add_paragraph(paragraph)
    document.add_paragraph("Med vennlig hilsen")
    document.add_paragraph("\n".join(line for line in (head.signature_name, head.signature_title) if line))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _labelled(label: str, value: str) -> str:
    return f"{label}: {value}" if value else ""
