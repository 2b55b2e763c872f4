"""arkivstruktur.xml: arkiv → arkivdel → klassifikasjonssystem → klasse → saksmappe → journalpost → dokument."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from uuid import UUID

from services.archive.noark import (
    INCOMING,
    OUTGOING,
    PARTY_TYPES,
    SCREENED_FIELDS,
    SCREENING_BASIS,
    SCREENING_CODE,
    CaseFile,
    Document,
    Entry,
    Extract,
    at_noon,
    system_id,
)
from services.archive.writing import Builder

NAMESPACE = "http://www.arkivverket.no/standarder/noark5/arkivstruktur"
SYSTEM = "ombud"  # who made, archived and converted: the product (each event's own actor where there is one)


@dataclass(frozen=True)
class StoredFile:
    """A document's file as the extract holds it."""

    checksum: str  # SHA-256, hex
    size: int


def arkivstruktur(extract: Extract, files: Mapping[UUID, StoredFile]) -> bytes:
    """The structure; `files` by the document's systemID (a document without a file was erased)."""
    b = Builder(NAMESPACE, "arkiv")
    created, period = extract.created, f"{extract.start.isoformat()}–{extract.end.isoformat()}"
    b.fields(
        b.root,
        ("systemID", extract.system_id),
        ("tittel", f"{extract.office}, {extract.name}"),
        ("beskrivelse", "Henvendelser til ombudet, arkivuttrekk fra saks- og statistikkplattformen"),
        ("arkivstatus", "Avsluttet"),
        ("dokumentmedium", "Elektronisk arkiv"),
        ("opprettetDato", created),
        ("opprettetAv", SYSTEM),
        ("avsluttetDato", created),
        ("avsluttetAv", SYSTEM),
    )
    creator = b.add(b.root, "arkivskaper")
    b.fields(creator, ("arkivskaperID", extract.slug), ("arkivskaperNavn", extract.office))
    part = b.add(b.root, "arkivdel")
    b.fields(
        part,
        ("systemID", system_id(extract.slug, "arkivdel", extract.start, extract.end)),
        ("tittel", f"Henvendelser mottatt {period}"),
        ("arkivdelstatus", "Avsluttet periode"),
        ("dokumentmedium", "Elektronisk arkiv"),
        ("opprettetDato", created),
        ("opprettetAv", SYSTEM),
        ("avsluttetDato", created),
        ("avsluttetAv", SYSTEM),
        ("arkivperiodeStartDato", extract.start),
        ("arkivperiodeSluttDato", extract.end),
    )
    for taxonomy in extract.taxonomies:
        system = b.add(part, "klassifikasjonssystem")
        b.fields(
            system,
            ("systemID", system_id(extract.slug, "klassifikasjonssystem", taxonomy.version)),
            ("klassifikasjonstype", "Egendefinert"),
            ("tittel", f"Tjenesteområder, versjon {taxonomy.version}"),
            ("beskrivelse", f"Kommunens tjenesteområder fra {taxonomy.effective_from.isoformat()}"),
            ("opprettetDato", at_noon(taxonomy.effective_from)),
            ("opprettetAv", SYSTEM),
        )
        for area in taxonomy.areas:
            klasse = b.add(system, "klasse")
            b.fields(
                klasse,
                ("systemID", system_id(extract.slug, "klasse", taxonomy.version, area.code)),
                ("klasseID", area.code),
                ("tittel", area.name),
                ("beskrivelse", f"Under «{area.parent}»" if area.parent else None),
                ("opprettetDato", at_noon(taxonomy.effective_from)),
                ("opprettetAv", SYSTEM),
            )
            for case_file in extract.case_files:
                if case_file.taxonomy_version == taxonomy.version and case_file.area == area.code:
                    _case_file(b, klasse, case_file, files)
    return b.bytes()


def _case_file(b: Builder, klasse: ET.Element, case_file: CaseFile, files: Mapping[UUID, StoredFile]) -> None:
    folder = b.typed(klasse, "mappe", "saksmappe")
    b.fields(
        folder,
        ("systemID", case_file.system_id),
        ("mappeID", case_file.reference),
        ("tittel", case_file.title),
        ("offentligTittel", case_file.public_title),
        ("beskrivelse", case_file.description),
        ("dokumentmedium", "Elektronisk arkiv"),
        ("opprettetDato", case_file.created),
        ("opprettetAv", case_file.created_by),
        ("avsluttetDato", case_file.closed),
        ("avsluttetAv", case_file.closed_by),
    )
    party = b.add(folder, "part")
    b.fields(party, ("partNavn", case_file.party), ("partRolle", "Innbygger"))
    _screening(b, folder)
    for entry in case_file.entries:
        _entry(b, folder, entry, files)
    b.fields(
        folder,
        ("saksaar", case_file.year),
        ("sakssekvensnummer", case_file.sequence),
        ("saksdato", case_file.received_on),
        ("administrativEnhet", "Ombudet"),
        ("saksansvarlig", case_file.responsible),
        ("saksstatus", "Avsluttet"),
    )


def _entry(b: Builder, folder: ET.Element, entry: Entry, files: Mapping[UUID, StoredFile]) -> None:
    post = b.typed(folder, "registrering", "journalpost")
    b.fields(
        post,
        ("systemID", entry.system_id),
        ("opprettetDato", entry.recorded),
        ("opprettetAv", entry.by),
        ("arkivertDato", entry.recorded),
        ("arkivertAv", entry.by),
    )
    _screening(b, post)
    if entry.document is not None:
        _document(b, post, entry, entry.document, files.get(entry.document.system_id))
    b.fields(
        post,
        ("tittel", entry.title),
        ("offentligTittel", entry.public_title),
        ("beskrivelse", entry.description),
    )
    party = b.add(post, "korrespondansepart")
    b.fields(party, ("korrespondanseparttype", PARTY_TYPES[entry.post_type]), ("korrespondansepartNavn", entry.party))
    b.fields(
        post,
        ("journalaar", entry.journal_year),
        ("journalsekvensnummer", entry.journal_number),
        ("journalpostnummer", entry.number),
        ("journalposttype", entry.post_type),
        ("journalstatus", "Arkivert"),
        ("journaldato", entry.on),
        ("dokumentetsDato", entry.on),
        ("mottattDato", at_noon(entry.on) if entry.post_type == INCOMING else None),
        ("sendtDato", at_noon(entry.on) if entry.post_type == OUTGOING else None),
    )


def _document(b: Builder, post: ET.Element, entry: Entry, document: Document, stored: StoredFile | None) -> None:
    described = b.add(post, "dokumentbeskrivelse")
    b.fields(
        described,
        ("systemID", document.system_id),
        ("dokumenttype", "Brev"),
        ("dokumentstatus", "Dokumentet er ferdigstilt"),
        ("tittel", document.title),
        ("opprettetDato", entry.recorded),
        ("opprettetAv", entry.by),
        ("tilknyttetRegistreringSom", "Hoveddokument"),
        ("dokumentnummer", 1),
        ("tilknyttetDato", entry.recorded),
        ("tilknyttetAv", entry.by),
    )
    if document.erased_at is not None or stored is None:  # erased with the inquiry's key: the file is gone
        gone = b.add(described, "sletting")
        b.fields(
            gone,
            ("slettingstype", "Sletting av personopplysninger"),
            ("slettetDato", document.erased_at or entry.recorded),
            ("slettetAv", SYSTEM),
        )
        return
    obj = b.add(described, "dokumentobjekt")
    b.fields(
        obj,
        ("systemID", document.object_id),
        ("versjonsnummer", 1),
        ("variantformat", "Arkivformat"),
        ("format", "PDF/A-2b"),
        ("formatDetaljer", "fmt/476"),
        ("opprettetDato", entry.recorded),
        ("opprettetAv", entry.by),
        ("referanseDokumentfil", document.file_name),
        ("sjekksum", stored.checksum),
        ("sjekksumAlgoritme", "SHA256"),
        ("filstoerrelse", stored.size),
    )


def _screening(b: Builder, parent: ET.Element) -> None:
    screening = b.add(parent, "skjerming")
    b.fields(screening, ("tilgangsrestriksjon", SCREENING_CODE), ("skjermingshjemmel", SCREENING_BASIS))
    for name in SCREENED_FIELDS:
        b.add(screening, "skjermingMetadata", name)
    b.add(screening, "skjermingDokument", "Hele dokumentet")
