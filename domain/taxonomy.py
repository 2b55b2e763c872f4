"""Service areas and case types as the office counts them, versioned because kommuner reorganise."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import TypedDict

from domain.common import InvalidField


@dataclass(frozen=True)
class ServiceArea:
    code: str
    name: str
    parent: str | None = None


class TaxonomyData(TypedDict):
    """A taxonomy as its events store it: areas as [code, name, parent] rows."""

    version: int
    effective_from: date
    areas: list[list[str | None]]


@dataclass(frozen=True)
class Taxonomy:
    """One version of a tenant's service areas, in force from `effective_from`."""

    version: int
    effective_from: date
    areas: tuple[ServiceArea, ...]

    def __post_init__(self) -> None:
        codes = [a.code for a in self.areas]
        if not codes:
            raise InvalidField("areas", "en taksonomi må ha minst ett tjenesteområde")
        if len(set(codes)) != len(codes):
            raise InvalidField("areas", "hver kode kan bare brukes én gang")
        parents = {a.code: a.parent for a in self.areas}
        for area in self.areas:
            if area.parent is not None and area.parent not in codes:
                raise InvalidField("areas", f"overordnet område «{area.parent}» finnes ikke")
            seen, current = {area.code}, area.parent
            while current is not None:
                if current in seen:
                    raise InvalidField("areas", f"«{area.code}» ligger under seg selv")
                seen.add(current)
                current = parents[current]

    def find(self, code_or_name: str) -> ServiceArea:
        """The area by code, or by name ignoring case; raises naming the field."""
        if not isinstance(code_or_name, str):
            raise InvalidField("service_area", "må oppgis")
        wanted = code_or_name.strip().casefold()
        for area in self.areas:
            if area.code == code_or_name or area.name.casefold() == wanted:
                return area
        raise InvalidField("service_area", f"«{code_or_name}» finnes ikke i taksonomi versjon {self.version}")

    def top_level(self, code: str) -> ServiceArea:
        area = self.find(code)
        while area.parent is not None:
            area = self.find(area.parent)
        return area

    def as_data(self) -> TaxonomyData:
        return {
            "version": self.version,
            "effective_from": self.effective_from,
            "areas": [[a.code, a.name, a.parent] for a in self.areas],
        }

    @classmethod
    def from_data(cls, data: TaxonomyData) -> Taxonomy:
        return cls(
            version=int(data["version"]),
            effective_from=data["effective_from"],
            areas=tuple(ServiceArea(*row) for row in data["areas"]),  # type: ignore[arg-type]
        )


def in_force(taxonomies: list[Taxonomy] | tuple[Taxonomy, ...], day: date) -> Taxonomy:
    """The version in force on `day`; the first version also covers earlier days."""
    chosen = taxonomies[0]
    for taxonomy in taxonomies:
        if taxonomy.effective_from <= day:
            chosen = taxonomy
    return chosen


def reproject(code: str, recorded: int, target: int, mappings: dict[int, dict[str, str]]) -> str:
    """The area an inquiry recorded under version `recorded` belongs to under the later version `target`."""
    if target < recorded:
        raise InvalidField("taxonomy_version", f"kan ikke projisere bakover fra versjon {recorded} til {target}")
    for version in range(recorded + 1, target + 1):
        code = mappings.get(version, {}).get(code, code)
    return code


@dataclass(frozen=True)
class CaseType:
    code: str
    name: str


STANDARD_CASE_TYPES = (
    CaseType("application_help", "Bistand til søknad"),
    CaseType("complaint_help", "Bistand til klage"),
    CaseType("service_quality", "Klage på innhold/kvalitet i tjenestetilbudet"),
    CaseType("illegality", "Ulovlighetssak"),
    CaseType("no_reply", "Ikke svar / for sent svar"),
    CaseType("lacking_information", "Manglende informasjon/veiledning"),
)


def code_for(name: str) -> str:
    """A stable ASCII code from a Norwegian name: «Vann, avløp, renovasjon» → vann-avlop-renovasjon."""
    folded = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    ascii_only = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")


def _flat(names: list[str]) -> tuple[ServiceArea, ...]:
    return tuple(ServiceArea(code_for(n), n) for n in names)


def _tree(sectors: dict[str, list[tuple[str, str]]]) -> tuple[ServiceArea, ...]:
    areas: list[ServiceArea] = []
    for sector, units in sectors.items():
        areas.append(ServiceArea(code_for(sector), sector))
        areas.extend(ServiceArea(code, name, code_for(sector)) for code, name in units)
    return tuple(areas)


# Drammen kommuneombud's nine areas (annual report 2023).
MUNICIPAL_AREAS = _flat(
    [
        "Helse",
        "Plan og bygg",
        "Skole og barnehage",
        "Boligkontoret",
        "Vann, avløp, renovasjon",
        "Kommunale veier",
        "NAV",
        "Barnevern",
        "Annet",
    ]
)

_HEALTH_UNITS = [
    ("helse-og-velferdssenter", "Helse- og velferdssenter/HDO-boliger"),
    ("helsehus", "Helsehus"),
    ("fastlege", "Fastlege"),
    ("hjemmebaserte-tjenester", "Hjemmebaserte tjenester"),
]
_SOCIAL_UNITS = [
    ("boa", "Bo- og aktivitetstilbudet (BoA)"),
    ("bpa", "Brukerstyrt personlig assistanse (BPA)"),
    ("barne-og-familietjenesten", "Barne- og familietjenesten"),
    ("psykisk-helse-og-rus", "Psykisk helse og rus"),
    ("nav", "NAV"),
]

# Trondheim's three sectors with their units, as organised from 13 June 2024.
SECTOR_AREAS = _tree(
    {
        "Helse og omsorg": [*_HEALTH_UNITS, ("helse-og-omsorg-annet", "Helse og omsorg, andre enheter")],
        "Sosiale tjenester": [*_SOCIAL_UNITS, ("sosiale-tjenester-annet", "Sosiale tjenester, andre enheter")],
        "Oppvekst og utdanning": [("skole", "Skole"), ("oppvekst-annet", "Oppvekst, andre enheter")],
    }
)

# Trondheim before 13 June 2024: health and welfare in one sector, child and family under Oppvekst.
SECTOR_AREAS_BEFORE_2024_REORGANISATION = _tree(
    {
        "Helse, omsorg og velferd": [
            *_HEALTH_UNITS,
            *[u for u in _SOCIAL_UNITS if u[0] != "barne-og-familietjenesten"],
            ("helse-og-omsorg-annet", "Helse og omsorg, andre enheter"),
            ("sosiale-tjenester-annet", "Sosiale tjenester, andre enheter"),
        ],
        "Oppvekst": [
            ("skole", "Skole"),
            ("barne-og-familietjenesten", "Barne- og familietjenesten"),
            ("oppvekst-annet", "Oppvekst, andre enheter"),
        ],
    }
)

TEMPLATES = {"kommune": MUNICIPAL_AREAS, "sektor": SECTOR_AREAS}
DEFAULT_TEMPLATE = "kommune"
