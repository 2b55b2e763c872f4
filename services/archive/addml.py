"""arkivuttrekk.xml (ADDML 8.3): what the extract holds, every file with its SHA-256 and size, and the counts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from services.archive.noark import Extract
from services.archive.writing import Builder

NAMESPACE = "http://www.arkivverket.no/standarder/addml"
SCHEMAS = {
    "arkivstruktur.xml": "arkivstruktur.xsd",
    "endringslogg.xml": "endringslogg.xsd",
    "loependeJournal.xml": "loependeJournal.xsd",
    "offentligJournal.xml": "offentligJournal.xsd",
}


@dataclass(frozen=True)
class Described:
    """One file of the extract as the ADDML describes it."""

    name: str  # its path inside the extract
    kind: str  # xml, pdf
    checksum: str  # SHA-256, hex
    size: int


def arkivuttrekk(extract: Extract, files: Sequence[Described], counts: Mapping[str, int]) -> bytes:
    """`files`: the XML files and the documents; `counts`: how many of each Noark object arkivstruktur.xml holds."""
    b = Builder(NAMESPACE, "addml", prefix="addml")
    b.root.set("name", f"Noark 5 arkivuttrekk {extract.slug} {extract.start.isoformat()}–{extract.end.isoformat()}")
    dataset = b.add(b.root, "dataset", name=f"{extract.office}, {extract.name}")
    b.add(
        dataset,
        "description",
        f"Avsluttede henvendelser mottatt {extract.start.isoformat()}–{extract.end.isoformat()}; "
        f"{extract.left_open} henvendelser fra perioden var fortsatt åpne og er ikke med",
    )
    objects = b.add(dataset, "dataObjects")
    whole = b.add(objects, "dataObject", name="Noark 5 arkivuttrekk")
    info = b.add(b.add(whole, "properties"), "property", name="info")
    listed = b.add(info, "properties")
    _value(b, listed, "type", "Noark5")
    _value(b, listed, "version", "v5.0")
    _value(b, listed, "archiveCreator", extract.office)
    _value(b, listed, "periodStart", extract.start.isoformat())
    _value(b, listed, "periodEnd", extract.end.isoformat())
    _value(b, listed, "created", extract.created.isoformat(timespec="seconds"))
    inner = b.add(whole, "dataObjects")
    for described in files:
        item = b.add(inner, "dataObject", name=described.name)
        properties = b.add(item, "properties")
        file_property = b.add(properties, "property", name="file")
        about = b.add(file_property, "properties")
        _value(b, about, "name", described.name)
        _value(b, about, "type", described.kind)
        _value(b, about, "size", str(described.size))
        if described.name in SCHEMAS:
            schema = b.add(b.add(about, "property", name="schema"), "properties")
            _value(b, schema, "name", SCHEMAS[described.name])
            _value(b, schema, "type", "XML Schema")
            _value(b, schema, "version", "5.0")
        checksum = b.add(b.add(about, "property", name="checksum"), "properties")
        _value(b, checksum, "algorithm", "SHA256")
        _value(b, checksum, "value", described.checksum)
        if described.name == "arkivstruktur.xml":
            occurrences = b.add(b.add(properties, "property", name="info"), "properties")
            for element, count in counts.items():
                counted = b.add(occurrences, "property", name="numberOfOccurrences")
                b.add(counted, "value", element)
                _value(b, b.add(counted, "properties"), "value", str(count))
    return b.bytes()


def _value(b: Builder, properties: ET.Element, name: str, value: str) -> None:
    b.add(b.add(properties, "property", name=name), "value", value)
