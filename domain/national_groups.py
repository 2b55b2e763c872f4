"""The national network's fixed list of service-area groups, so that offices with their own taxonomies compare.

Each office counts by its own service areas (Drammen: nine flat areas; Trondheim: three sectors with units,
reorganised in 2024). The network compares groups instead: every area of every taxonomy version maps to
exactly one group. The built-in templates' areas have default groups; an office's admin may change its
mapping per taxonomy version. An area that is not mapped falls in «Annet».
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from domain.common import InvalidField


@dataclass(frozen=True)
class NationalGroup:
    code: str
    name: str


# Chosen from the areas the seeds' reports count by (Drammen 2023, Trondheim 2024) and the themes the network
# compares (no reply in time, NAV, health and care, schools); docs/network-statistics.md gives the reasons.
NATIONAL_GROUPS = (
    NationalGroup("helse-og-omsorg", "Helse og omsorg"),
    NationalGroup("sosiale-tjenester-og-nav", "Sosiale tjenester og NAV"),
    NationalGroup("skole-og-barnehage", "Skole og barnehage"),
    NationalGroup("barnevern", "Barnevern"),
    NationalGroup("plan-og-bygg", "Plan og bygg"),
    NationalGroup("bolig", "Bolig"),
    NationalGroup("tekniske-tjenester", "Tekniske tjenester"),
    NationalGroup("annet", "Annet"),
)
GROUP_CODES = tuple(group.code for group in NATIONAL_GROUPS)
OTHER = "annet"

# The built-in templates' area codes (domain/taxonomy.py) and the group each belongs to by default.
DEFAULT_GROUPS: Mapping[str, str] = {
    # Drammen's flat areas ("kommune")
    "helse": "helse-og-omsorg",
    "plan-og-bygg": "plan-og-bygg",
    "skole-og-barnehage": "skole-og-barnehage",
    "boligkontoret": "bolig",
    "vann-avlop-renovasjon": "tekniske-tjenester",
    "kommunale-veier": "tekniske-tjenester",
    "nav": "sosiale-tjenester-og-nav",
    "barnevern": "barnevern",
    "annet": "annet",
    # Trondheim's sectors and units ("sektor", both versions)
    "helse-og-omsorg": "helse-og-omsorg",
    "helse-omsorg-og-velferd": "helse-og-omsorg",
    "helse-og-velferdssenter": "helse-og-omsorg",
    "helsehus": "helse-og-omsorg",
    "fastlege": "helse-og-omsorg",
    "hjemmebaserte-tjenester": "helse-og-omsorg",
    "helse-og-omsorg-annet": "helse-og-omsorg",
    "sosiale-tjenester": "sosiale-tjenester-og-nav",
    "boa": "sosiale-tjenester-og-nav",
    "bpa": "sosiale-tjenester-og-nav",
    "psykisk-helse-og-rus": "sosiale-tjenester-og-nav",
    "sosiale-tjenester-annet": "sosiale-tjenester-og-nav",
    "barne-og-familietjenesten": "barnevern",
    "oppvekst-og-utdanning": "skole-og-barnehage",
    "oppvekst": "skole-og-barnehage",
    "skole": "skole-og-barnehage",
    "oppvekst-annet": "skole-og-barnehage",
}


def default_group(area_code: str) -> str:
    """The area's default group: the built-in template's where there is one, «Annet» otherwise."""
    return DEFAULT_GROUPS.get(area_code, OTHER)


def default_mapping(area_codes: Iterable[str]) -> dict[str, str]:
    """Each area's default group."""
    return {code: default_group(code) for code in area_codes}


def complete_mapping(area_codes: Iterable[str], chosen: Mapping[str, str]) -> dict[str, str]:
    """The office's chosen groups over the defaults, for exactly the given areas; raises on an unknown group."""
    codes = list(area_codes)
    for area, group in chosen.items():
        if area not in codes:
            raise InvalidField("national_group", f"tjenesteområdet «{area}» finnes ikke i denne taksonomiversjonen")
        if group not in GROUP_CODES:
            raise InvalidField("national_group", "velg en av de nasjonale gruppene")
    return {**default_mapping(codes), **{area: chosen[area] for area in codes if area in chosen}}
