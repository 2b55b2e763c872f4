"""Letters to the inhabitant as editable Word documents: the office's letterhead, the addressee, the text, the signature."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

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
    letter = replace(
        letter, addressee=tuple(map(xml_safe, letter.addressee)), paragraphs=tuple(map(xml_safe, letter.paragraphs))
    )
    document = on_letterhead(letter.letterhead)
    if letter.addressee:
        document.add_paragraph("\n".join(letter.addressee))
    document.add_paragraph(f"Vår referanse: {letter.reference}\nDato: {long_date(letter.dated)}")
    document.add_heading(letter.title, level=1)
    for paragraph in letter.paragraphs:
        document.add_paragraph(paragraph)
    sign(document, letter.letterhead)
    return saved(document)


def on_letterhead(head: Letterhead) -> Any:
    """A new Word document with the office's name, address, phone and email in its page header: every letter's paper."""
    from docx import Document  # here, not at the top: only a letter's download pays for importing it
    from docx.shared import Pt

    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    header = document.sections[0].header
    top = header.paragraphs[0]
    top.add_run(head.office_name).bold = True
    contact = [
        line for line in (*head.address_lines, _labelled("Telefon", head.phone), _labelled("E-post", head.email))
    ]
    header.add_paragraph("\n".join(line for line in contact if line))
    return document


def sign(document: Any, head: Letterhead) -> None:
    """The closing and the letterhead's signature: name and title."""
    document.add_paragraph("Med vennlig hilsen")
    document.add_paragraph("\n".join(line for line in (head.signature_name, head.signature_title) if line))


def saved(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# What XML 1.0 cannot carry (a Word file and the archive's XML both are XML): control characters, U+FFFE, U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """The text with each character XML cannot hold shown as U+FFFD: typed text may hold them (an escape sequence
    pasted into a summary), and a letter or an archive file must still be made."""
    return _NOT_XML.sub("\ufffd", text)


def _labelled(label: str, value: str) -> str:
    return f"{label}: {value}" if value else ""
