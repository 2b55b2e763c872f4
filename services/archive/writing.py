"""What every file of the extract shares: building elements in order, and validating against the vendored schemas."""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from domain.common import DomainError
from services.letter_documents import xml_safe

# The official schemas, unchanged (infra/schemas/README.md); read as files, the Noark ones by their relative imports.
SCHEMAS = Path(__file__).resolve().parents[2] / "infra" / "schemas"
SCHEMA_FILES = {
    "arkivstruktur.xml": SCHEMAS / "noark5-v5.0" / "arkivstruktur.xsd",
    "endringslogg.xml": SCHEMAS / "noark5-v5.0" / "endringslogg.xsd",
    "loependeJournal.xml": SCHEMAS / "noark5-v5.0" / "loependeJournal.xsd",
    "offentligJournal.xml": SCHEMAS / "noark5-v5.0" / "offentligJournal.xsd",
    "arkivuttrekk.xml": SCHEMAS / "addml-v8.3" / "addml.xsd",
}
XSI = "http://www.w3.org/2001/XMLSchema-instance"
Value = str | int | date | datetime | UUID | None


class Builder:
    """Elements in one namespace, written in the order the schema's sequences ask."""

    def __init__(self, namespace: str, root: str, prefix: str | None = None) -> None:
        """`prefix`: for a schema whose elements carry unqualified attributes (ADDML), which rules out a default
        namespace in ElementTree; the Noark files use the default namespace, as their xsi:type values need."""
        self.namespace = namespace
        self.prefix = prefix
        self.root = ET.Element(self.tag(root))

    def tag(self, name: str) -> str:
        return f"{{{self.namespace}}}{name}"

    def add(self, parent: ET.Element, tag: str, value: Value = None, /, **attributes: str) -> ET.Element:
        """A child element, with the value as its text if there is one."""
        child = ET.SubElement(parent, self.tag(tag), attributes)
        if value is not None:
            child.text = _text(value)
        return child

    def fields(self, parent: ET.Element, *pairs: tuple[str, Value]) -> None:
        """Simple elements in order; a pair whose value is None is optional and left out."""
        for name, value in pairs:
            if value is not None:
                self.add(parent, name, value)

    def typed(self, parent: ET.Element, name: str, xsi_type: str) -> ET.Element:
        return ET.SubElement(parent, self.tag(name), {f"{{{XSI}}}type": xsi_type})

    def bytes(self) -> bytes:
        ET.indent(self.root)
        if self.prefix is not None:
            ET.register_namespace(self.prefix, self.namespace)
            prefixed: bytes = ET.tostring(self.root, encoding="utf-8", xml_declaration=True)
            return prefixed
        body: bytes = ET.tostring(self.root, encoding="utf-8", xml_declaration=True, default_namespace=self.namespace)
        return body


@functools.cache
def schema(file_name: str) -> Any:
    """The compiled schema for one of the extract's files (compiled once per process: it takes a second)."""
    import xmlschema

    return xmlschema.XMLSchema(str(SCHEMA_FILES[file_name]))


def schema_problems(file_name: str, body: bytes) -> list[str]:
    """Where the file breaks its schema (the path and the reason, never the value); empty when it validates."""
    import io

    return [f"{error.path}: {error.reason}" for error in schema(file_name).iter_errors(io.BytesIO(body))][:20]


def require_valid(file_name: str, body: bytes) -> None:
    problems = schema_problems(file_name, body)
    if problems:
        raise InvalidExtract(file_name, f"{file_name} følger ikke skjemaet: " + "; ".join(problems[:3]))


def _text(value: Value) -> str:
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class InvalidExtract(DomainError):
    """A file of the extract does not validate against its official schema: nothing is written."""
