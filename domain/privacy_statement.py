"""The office's privacy statement (personvernerklæring): plain text in paragraphs, so no page can be made to run markup.

The public form collects personal data, so the citizen must be told, before and after sending, who is responsible,
why, for how long and what rights they have (GDPR art. 13). Until the administrator writes the office's own, the
product's text below is shown.
"""

from __future__ import annotations

import re
import unicodedata

from domain.common import InvalidField, refuse_direction_controls

MAX_LENGTH = 20_000
MAX_PARAGRAPHS = 100
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def clean(value: object) -> str:
    """The text as stored: line ends made one kind, each paragraph's lines trimmed, paragraphs one blank line apart.
    Blank means the product's own text. Markup stays text: pages escape it, so "<script>" shows as written."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidField("privacy_statement", "må være tekst")
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_LENGTH:
        raise InvalidField("privacy_statement", f"kan ikke være lengre enn {MAX_LENGTH} tegn")
    if any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t" for c in text):
        raise InvalidField("privacy_statement", "inneholder kontrolltegn eller andre tegn som ikke kan lagres")
    refuse_direction_controls("privacy_statement", text)
    found = [
        "\n".join(line.strip() for line in block.splitlines() if line.strip())
        for block in _BLANK_LINES.split(text.replace("\t", " "))
    ]
    kept = [paragraph for paragraph in found if paragraph]
    if len(kept) > MAX_PARAGRAPHS:
        raise InvalidField("privacy_statement", f"kan ha høyst {MAX_PARAGRAPHS} avsnitt")
    return "\n\n".join(kept)


def paragraphs(text: str) -> list[tuple[str, ...]]:
    """The paragraphs of a cleaned text, each as its lines: a page shows a line break where the writer made one."""
    return [tuple(paragraph.split("\n")) for paragraph in text.split("\n\n") if paragraph]


def default_statement(office: str) -> str:
    """What the office's statement says until the administrator writes its own: true of every office on the platform."""
    return "\n\n".join(
        (
            f"Ombudet i {office} behandler personopplysningene du gir oss for å kunne hjelpe deg med henvendelsen "
            f"din. Behandlingsansvarlig er {office}.",
            "Hva vi lagrer: det du skriver om saken, og navn og kontaktinformasjon hvis du oppgir dem. Du kan "
            "være anonym, men da kan vi ikke svare deg direkte. Vi legger ikke inn sporingsinformasjonskapsler.",
            "Hvorfor vi har lov: behandlingen er nødvendig for å utføre en oppgave i allmennhetens interesse som "
            "kommunen har gitt ombudet (personvernforordningen artikkel 6 nr. 1 bokstav e). Gjelder saken helse "
            "eller andre særlige kategorier av opplysninger, behandler vi dem fordi du selv har gitt dem til oss for "
            "å få hjelp.",
            "Hvem ser det: bare ombudet og rådgiverne på kontoret. Vi har taushetsplikt og deler ikke det du "
            "skriver med kommunen eller andre uten at du sier ja. Hver gang noen åpner saken din, blir det logget.",
            "Hvor lenge: vi sletter personopplysningene når saken har vært avsluttet så lenge som kontoret har "
            "bestemt, og ellers etter arkivlovens regler.",
            "Dine rettigheter: du kan be om innsyn i hva vi har registrert om deg og hvem som har sett saken din, "
            "og be om retting eller sletting. Du kan klage til Datatilsynet hvis du mener vi behandler "
            "personopplysningene dine i strid med reglene.",
            "Spørsmål om personvern kan du rette til ombudet eller til kommunens personvernombud.",
        )
    )


def statement_for(office: str, own: str) -> str:
    """The office's own statement, or the product's text for the office when it has written none."""
    return own or default_statement(office)
