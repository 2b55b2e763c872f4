"""The office's letterhead, signature and own letter texts, checked once here so every letter can trust them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from domain.account import EMAIL_ADDRESS
from domain.common import InvalidField, refuse_direction_controls

# The letters the office sends an inhabitant: receipt, interim reply (fvl. § 11 a) and closing letter.
LETTER_KINDS = ("receipt", "interim_reply", "closing")
# Every letter a caseworker can mark as sent (Inquiry.LetterSent): the three above and the innsyn report's letter.
SENT_LETTER_KINDS = (*LETTER_KINDS, "access_report")
# What each letter is called where a person reads that it was sent (the inquiry's timeline).
LETTER_NAMES = {
    "receipt": "Kvittering",
    "interim_reply": "Foreløpig svar",
    "closing": "Avslutningsbrev",
    "access_report": "Innsynsbrev",
}
# What an office's own letter text may name; each is filled in when the letter is made.
PLACEHOLDERS = {
    "receipt": ("[referanse]", "[mottatt]"),
    "interim_reply": ("[referanse]", "[mottatt]", "[svar_innen]"),
    "closing": ("[referanse]", "[mottatt]", "[avsluttet]"),
}
# Forvaltningsloven § 11 a: an interim reply says when the answer can be expected, so its text must name the date.
REQUIRED_PLACEHOLDERS = {"interim_reply": ("[svar_innen]",)}
MAX_NAME = 200
MAX_ADDRESS = 300
MAX_ADDRESS_LINES = 5
MAX_LETTER_TEXT = 5_000
_PHONE = re.compile(r"\+?[0-9][0-9 ]{6,18}[0-9]")
_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,40}\]")


@dataclass(frozen=True)
class Letterhead:
    """Who the letters come from and who signs them; `texts` holds the office's own text for a kind of letter."""

    office_name: str
    address: str
    phone: str
    email: str
    signature_name: str
    signature_title: str
    texts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(cls, **typed: Any) -> Letterhead:
        """Every field checked; all faults are reported at once, each at its field (LetterheadInvalid.errors)."""
        errors: dict[str, str] = {}

        def check(name: str, rule: Any, *args: Any) -> Any:
            try:
                return rule(name, typed.get(name), *args)
            except InvalidField as error:
                errors[name] = error.message
                return ""

        values = {
            "office_name": check("office_name", _line, True, MAX_NAME),
            "address": check("address", _address),
            "phone": check("phone", _phone),
            "email": check("email", _email),
            "signature_name": check("signature_name", _line, True, MAX_NAME),
            "signature_title": check("signature_title", _line, False, MAX_NAME),
        }
        given = typed.get("texts") or {}
        if not isinstance(given, dict) or set(given) - set(LETTER_KINDS):
            errors["texts"] = "må gjelde kvittering, foreløpig svar eller avslutning"
            given = {}
        texts = {}
        for kind in LETTER_KINDS:
            try:
                if text := _letter_text(f"text_{kind}", given.get(kind), kind):
                    texts[kind] = text
            except InvalidField as error:
                errors[f"text_{kind}"] = error.message
        if errors:
            first = next(iter(errors))
            raise LetterheadInvalid(first, errors[first], errors)
        return cls(**values, texts=texts)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Letterhead:
        return cls(**{**data, "texts": dict(data.get("texts") or {})})

    def as_data(self) -> dict[str, Any]:
        return {
            "office_name": self.office_name,
            "address": self.address,
            "phone": self.phone,
            "email": self.email,
            "signature_name": self.signature_name,
            "signature_title": self.signature_title,
            "texts": dict(self.texts),
        }

    @property
    def address_lines(self) -> list[str]:
        return [line for line in self.address.splitlines() if line.strip()]


def _line(name: str, value: object, required: bool, max_length: int) -> str:
    text = _clean(name, value, max_length, multiline=False)
    if required and not text:
        raise InvalidField(name, "må fylles ut")
    return text


def _address(name: str, value: object) -> str:
    text = _clean(name, value, MAX_ADDRESS, multiline=True)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise InvalidField(name, "må fylles ut (postadresse, postnummer og sted)")
    if len(lines) > MAX_ADDRESS_LINES:
        raise InvalidField(name, f"kan ha høyst {MAX_ADDRESS_LINES} linjer")
    return "\n".join(lines)


def _phone(name: str, value: object) -> str:
    text = _clean(name, value, 30, multiline=False)
    if text and not _PHONE.fullmatch(text):
        raise InvalidField(name, "må være et telefonnummer med 8–20 sifre, gjerne med +47 foran")
    return text


def _email(name: str, value: object) -> str:
    text = _clean(name, value, 320, multiline=False)
    if not text:
        raise InvalidField(name, "må fylles ut")
    if not EMAIL_ADDRESS.fullmatch(text):
        raise InvalidField(name, "må være en e-postadresse, f.eks. ombud@kommune.no")
    return text


def _letter_text(name: str, value: object, kind: str) -> str:
    """Blank means the product's own text; else it names only its kind's placeholders, and every one it must."""
    text = _clean(name, value, MAX_LETTER_TEXT, multiline=True)
    if not text:
        return ""
    known = PLACEHOLDERS[kind]
    unknown = sorted({found for found in _PLACEHOLDER.findall(text) if found not in known})
    if unknown:
        raise InvalidField(name, f"ukjent flettefelt {', '.join(unknown)}; bruk {', '.join(known)}")
    missing = [needed for needed in REQUIRED_PLACEHOLDERS.get(kind, ()) if needed not in text]
    if missing:
        raise InvalidField(name, f"må inneholde {', '.join(missing)}: brevet skal si når svaret kan ventes")
    return text


def _clean(name: str, value: object, max_length: int, *, multiline: bool) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidField(name, "må være tekst")
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > max_length:
        raise InvalidField(name, f"kan ikke være lengre enn {max_length} tegn")
    allowed = {"\n"} if multiline else set()
    if any(unicodedata.category(c) in ("Cc", "Cs") and c not in allowed for c in text):
        raise InvalidField(name, "inneholder kontrolltegn eller andre tegn som ikke kan lagres")
    refuse_direction_controls(name, text)
    return text


class LetterheadInvalid(InvalidField):
    """One or more fields of the letterhead are missing or not allowed; `errors` names each."""

    def __init__(self, field: str, message: str, errors: dict[str, str]) -> None:
        super().__init__(field, message)
        self.errors = errors
