"""endringslogg.xml: the case files' metadata that later events changed (klasse, saksansvarlig, status, erasure)."""

from __future__ import annotations

from services.archive.noark import Extract
from services.archive.writing import Builder

NAMESPACE = "http://www.arkivverket.no/standarder/noark5/endringslogg"


def endringslogg(extract: Extract) -> bytes:
    b = Builder(NAMESPACE, "endringslogg")
    for case_file in extract.case_files:
        for change in case_file.changes:
            row = b.add(b.root, "endring")
            b.fields(
                row,
                ("referanseArkivenhet", change.subject),
                ("referanseMetadata", change.field),
                ("endretDato", change.on),
                ("endretAv", change.by),
                ("tidligereVerdi", change.before),
                ("nyVerdi", change.after),
            )
    return b.bytes()
