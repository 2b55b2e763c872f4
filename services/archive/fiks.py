"""Fiks Arkiv V1: an inquiry's case file as `arkivmelding`s for the kommune's archive, and the archive's receipt.

One `arkivmelding.opprett` carries at most one folder (mappe) and one registry entry (registrering), so a case file
leaves as a run of messages under one idempotency key: the first creates the saksmappe with the incoming inquiry's
journalpost, each further one a journalpost in that saksmappe (referanseForelderMappe). Every message is validated
against the vendored schema before it leaves. The messages carry names and free text (the archive is where they
belong); nothing here logs them.
"""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Protocol
from uuid import NAMESPACE_URL, UUID, uuid5

import xmlschema

from domain import names
from domain.common import DomainError
from domain.inquiry import ERASED
from services.office import HistoryEntry, InquiryView

MESSAGE_TYPE = "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett"
RECEIPT_TYPE = "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.kvittering"
SCHEMAS = Path(__file__).resolve().parents[2] / "infra" / "schemas" / "fiks-arkiv-v1"
NS = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v1"
RECEIPT_NS = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/kvittering/v1"
# The metadata catalogue's own types (kode, eksternNoekkel, referanseTilMappe) name their children in its namespace.
MDK = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SYSTEM = "ombud"  # the fagsystem the archive knows the product by (referanseEksternNoekkel)
_KEYS = uuid5(NAMESPACE_URL, "https://ombud.invalid/fiks-arkiv")
# Offentleglova § 13 with forvaltningsloven § 13: an ombud's case is under the duty of confidentiality.
SCREENING_CODE = "13"
SCREENING_GROUND = "Offl. § 13 jf. fvl. § 13"

ET.register_namespace("", NS)
ET.register_namespace("n5mdk", MDK)
ET.register_namespace("xsi", XSI)


def idempotency_key(tenant: str, inquiry_id: UUID) -> UUID:
    """One key per inquiry: the same on every retry and every re-send, so the archive can tell a duplicate."""
    return uuid5(_KEYS, f"{tenant}/{inquiry_id}")


def folder_id(tenant: str, inquiry_id: UUID) -> UUID:
    """The saksmappe's systemID, which every later journalpost of the case names as its folder."""
    return uuid5(_KEYS, f"{tenant}/{inquiry_id}/saksmappe")


@dataclass(frozen=True)
class Outgoing:
    """One message of a case file's run: `part` 0 creates the saksmappe."""

    tenant: str
    key: UUID
    part: int
    parts: int
    xml: bytes

    @property
    def message_id(self) -> str:
        return message_id(self.key, self.part)


def message_id(key: UUID, part: int) -> str:
    return f"{key}.{part}"


@dataclass(frozen=True)
class IncomingReceipt:
    """A receipt as a transport hands it over; `done` acknowledges it once it is recorded (at least once), `later`
    hands it back to be read again (it could not be recorded now)."""

    tenant: str
    key: UUID
    part: int
    xml: bytes
    done: Callable[[], None]
    later: Callable[[], None]


class Transport(Protocol):
    """How arkivmeldinger leave and receipts come back: a folder, an AMQP broker, later Fiks IO's own client."""

    def deliver(self, message: Outgoing) -> None:
        """Returns once the receiver holds the message for good; raises when it may not."""

    def receipts(self) -> Sequence[IncomingReceipt]:
        """The receipts waiting, each to be acknowledged by its `done` once recorded."""

    def close(self) -> None: ...


def arkivmeldinger(tenant: str, view: InquiryView, history: Sequence[HistoryEntry]) -> list[bytes]:
    """The case file's messages, each validated against the schema; the first creates the saksmappe."""
    folder = folder_id(tenant, view.id)
    entries = [entry for entry in history if entry.event in _ENTRIES]
    messages = []
    for part, entry in enumerate(entries):
        root = ET.Element(_q("arkivmelding"))
        _text(root, "system", SYSTEM)
        _text(root, "antallFiler", "0")  # the documents' files (PDF/A) are not carried yet: their descriptions are
        if part == 0:
            _case_folder(root, tenant, view, folder)
        _journal_entry(root, tenant, view, entry, folder)
        xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
        problems = arkivmelding_problems(xml)
        if problems:
            raise InvalidArchiveMessage(None, f"arkivmeldingen følger ikke skjemaet: {problems[0]}")
        messages.append(xml)
    return messages


def arkivmelding_problems(xml: bytes) -> list[str]:
    """What keeps the message from validating against the vendored schema (the schema's paths, no values)."""
    return _problems(_schema(f"{MESSAGE_TYPE}.xsd"), xml)


def receipt_problems(xml: bytes) -> list[str]:
    return _problems(_schema(f"{RECEIPT_TYPE}.xsd"), xml)


def case_number(receipt: bytes) -> str | None:
    """The archive's case number (saksår/sekvensnummer, else its mappeID) from a valid receipt; None for a receipt
    of a journalpost alone. A refused or invalid receipt raises, naming no content."""
    problems = receipt_problems(receipt)
    if problems:
        raise InvalidArchiveMessage(None, f"kvitteringen følger ikke skjemaet: {problems[0]}")
    root = _resource(receipt).root  # parsed with entities refused: the receipt comes from outside
    if root.find(_r("mappeFeilet")) is not None or root.find(_r("registreringFeilet")) is not None:
        raise ArchiveRefused(None, "arkivet avviste arkivmeldingen")
    folder = root.find(_r("mappeKvittering"))
    if folder is None:
        return None
    year, number = folder.findtext(_r("saksaar")), folder.findtext(_r("sakssekvensnummer"))
    if year and number:
        return f"{year.strip()}/{number.strip()}"
    return (folder.findtext(_r("mappeID")) or folder.findtext(_r("systemID")) or "").strip() or None


# -- the case file -------------------------------------------------------------------------------------------------

# Each registry entry of the case file: its journalposttype (Noark: I incoming, U outgoing, X internal note) and title.
_ENTRIES: dict[str, tuple[str, str]] = {
    "Received": ("I", "Henvendelse mottatt"),
    "InterimReplySent": ("U", "Foreløpig svar (forvaltningsloven § 11 a)"),
    "Forwarded": ("U", "Henvendelsen videresendt"),
    "ComplaintSent": ("U", "Klage sendt"),
    "NoteAdded": ("X", "Notat"),
    "Resolved": ("X", "Saken avsluttet"),
}


def _case_folder(root: ET.Element, tenant: str, view: InquiryView, folder: UUID) -> None:
    mappe = ET.SubElement(root, _q("mappe"), {f"{{{XSI}}}type": "saksmappe"})
    _text(mappe, "systemID", str(folder))
    _text(mappe, "tittel", f"Henvendelse {view.reference}")
    _text(mappe, "offentligTittel", f"Henvendelse {view.reference}")
    if (summary := _personal(view.summary)) is not None:
        _text(mappe, "beskrivelse", summary)
    _text(mappe, "opprettetDato", _at(view.received_on))
    if view.resolved_on is not None:
        _text(mappe, "avsluttetDato", _at(view.resolved_on))
    if (name := _personal(view.requester_name)) is not None:
        part = ET.SubElement(mappe, _q("part"))
        _text(part, "partNavn", name)
    _screening(mappe)
    klass = ET.SubElement(mappe, _q("klassifikasjon"))
    _text(klass, "klassifikasjonssystemID", "tjenesteomraade")
    _text(klass, "klasseID", view.primary_area)
    _external_key(mappe, tenant, view.reference)
    _text(mappe, "saksaar", str(view.received_on.year))
    _text(mappe, "saksdato", view.received_on.isoformat())
    _code(
        mappe,
        "saksstatus",
        "A" if view.status == "resolved" else "B",
        "Avsluttet" if view.status == "resolved" else "Under behandling",
    )


def _journal_entry(root: ET.Element, tenant: str, view: InquiryView, entry: HistoryEntry, folder: UUID) -> None:
    kind, title = _ENTRIES[entry.event]
    post = ET.SubElement(root, _q("registrering"), {f"{{{XSI}}}type": "journalpost"})
    _text(post, "systemID", str(uuid5(_KEYS, f"{tenant}/{view.id}/{entry.version}")))
    _text(post, "opprettetDato", entry.recorded_at.isoformat())
    parent = ET.SubElement(post, _q("referanseForelderMappe"))
    _text(parent, "systemID", str(folder), MDK)
    _screening(post)
    description = ET.SubElement(post, _q("dokumentbeskrivelse"))
    _code(description, "dokumenttype", "NOTAT" if kind == "X" else "BREV")
    _code(description, "dokumentstatus", "F", "Dokumentet er ferdigstilt")
    _text(description, "tittel", title)
    _code(description, "tilknyttetRegistreringSom", "H", "Hoveddokument")
    _text(description, "dokumentnummer", "1")
    _text(post, "tittel", _entry_title(title, entry))
    if (text := _entry_text(entry)) is not None:
        _text(post, "beskrivelse", text)
    if kind in ("I", "U") and (name := _personal(view.requester_name)) is not None:
        party = ET.SubElement(post, _q("korrespondansepart"))
        _code(party, "korrespondanseparttype", "EA" if kind == "I" else "EM", "Avsender" if kind == "I" else "Mottaker")
        _text(party, "korrespondansepartNavn", name)
    _external_key(post, tenant, f"{view.reference}/{entry.version}")
    _text(post, "journalaar", str(entry.on.year))
    _code(post, "journalposttype", kind)
    _code(post, "journalstatus", "J", "Journalført")
    _text(post, "journaldato", entry.on.isoformat())
    _text(post, "dokumentetsDato", entry.on.isoformat())
    if kind == "I":
        _text(post, "mottattDato", _at(entry.on))
    elif kind == "U":
        _text(post, "sendtDato", _at(entry.on))


def _entry_title(title: str, entry: HistoryEntry) -> str:
    details = entry.details
    if entry.event == "Forwarded":
        return f"{title} til {names.name_of(details['to_body'])}"
    if entry.event == "ComplaintSent":
        return f"{title} til {names.name_of(details['to'])}"
    if entry.event == "Resolved":
        return f"{title}: {names.name_of(details['outcome'])}"
    return title


def _entry_text(entry: HistoryEntry) -> str | None:
    field = {"Received": "summary", "Forwarded": "reason", "ComplaintSent": "about", "NoteAdded": "text"}.get(
        entry.event
    )
    return None if field is None else _personal(entry.details.get(field))


def _personal(value: Any) -> str | None:
    """A personal field as the archive gets it: left out once erased (never the placeholder as if it were data)."""
    if not isinstance(value, str) or not value.strip() or value == ERASED:
        return None
    return value


def _screening(parent: ET.Element) -> None:
    screening = ET.SubElement(parent, _q("skjerming"))
    _code(screening, "tilgangsrestriksjon", SCREENING_CODE, "Taushetsplikt")
    _text(screening, "skjermingshjemmel", SCREENING_GROUND)


def _external_key(parent: ET.Element, tenant: str, key: str) -> None:
    external = ET.SubElement(parent, _q("referanseEksternNoekkel"))
    _text(external, "fagsystem", f"{SYSTEM}:{tenant}", MDK)
    _text(external, "noekkel", key, MDK)


def _code(parent: ET.Element, name: str, code: str, description: str | None = None) -> None:
    element = ET.SubElement(parent, _q(name))
    _text(element, "kode", code, MDK)
    if description is not None:
        _text(element, "beskrivelse", description, MDK)


def _text(parent: ET.Element, name: str, value: str, namespace: str = NS) -> ET.Element:
    element = ET.SubElement(parent, f"{{{namespace}}}{name}")
    element.text = value
    return element


def _at(day: date) -> str:
    return datetime.combine(day, time(12, 0)).isoformat()


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _r(name: str) -> str:
    return f"{{{RECEIPT_NS}}}{name}"


@functools.cache
def _schema(name: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / name))


def _problems(schema: xmlschema.XMLSchema, xml: bytes) -> list[str]:
    """The failing paths and reasons only: xmlschema's messages quote the offending value, which may be a name."""
    try:
        return [f"{error.path}: {type(error).__name__}" for error in schema.iter_errors(_resource(xml))][:5]
    except (ET.ParseError, UnicodeDecodeError, ValueError, xmlschema.XMLSchemaException) as error:
        return [type(error).__name__]


def _resource(xml: bytes) -> xmlschema.XMLResource:
    """The document, parsed with entities and external references refused (what comes back is not ours)."""
    return xmlschema.XMLResource(xml.decode("utf-8"), defuse="always", allow="none")


class InvalidArchiveMessage(DomainError):
    """A message or receipt that does not follow Fiks Arkiv's schema; it is not sent or recorded."""


class ArchiveRefused(DomainError):
    """The archive answered with mappeFeilet or registreringFeilet."""


class DeliveryFailed(Exception):
    """A transport could not hand the message over; `cause` is the underlying error's class, never its message."""

    def __init__(self, cause: BaseException) -> None:
        self.cause = type(cause).__name__
        super().__init__(self.cause)
