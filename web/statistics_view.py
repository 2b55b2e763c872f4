"""What the statistics page puts beside the counts (shares, change, version, unfinished year), so they read right."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.common import InvalidField
from domain.deadlines import today_in_norway
from domain.parsing import whole_number
from domain.taxonomy import Taxonomy
from services.office import TenantProfile
from web.query import QueryValues

AT_RECEIPT = "mottak"  # `taksonomi=mottak`: each inquiry under the version in force when it was received
# Figures that are a part of the year's inquiries: shown with their share of the total.
PARTS_OF_TOTAL = ("outside_mandate", "interim_replies", "resolved")
# Figures in days, where a change in percent says little.
IN_DAYS = ("median_days_to_resolution", "median_days_to_first_response")
# The titles a year still running needs instead (the report's own titles speak of a finished year).
SO_FAR = {"total": "Henvendelser mottatt hittil i år", "open_at_year_end": "Åpne nå"}
# Tables whose rows count inquiries of the year: their shares are of the year's total.
PER_INQUIRY = (
    "by_primary_area",
    "by_service_area",
    "by_parent_area",
    "by_case_type",
    "by_channel",
    "by_requester",
    "forwarded",
)
# Tables where one inquiry counts once only: they sum to the year's total.
ONE_PER_INQUIRY = ("by_primary_area", "by_channel", "by_requester")
AREA_TABLES = ("by_primary_area", "by_service_area", "by_parent_area")


def today() -> date:
    """Today in Norway, as domain.deadlines says (a seam the tests move)."""
    return today_in_norway()


def is_unfinished(year: int) -> bool:
    """The current year (or a later one) has not ended: its figures are so far, not at year end."""
    return year >= today().year


@dataclass(frozen=True)
class TaxonomyChoice:
    """The taxonomy version the page's area figures use, and the versions the year can be shown under."""

    version: int | None  # None: each inquiry under the version in force when it was received
    value: str  # how the form and the links name it: «mottak» or the version number
    options: list[Taxonomy]  # versions every inquiry of the year can be re-projected to
    in_year: list[int]  # the versions in force at some time during the year
    default: int | None  # what a blank choice shows for this year
    given: bool  # chosen in the form or address (else the year's default, kept when the year changes)
    unusable: int | None = None  # a version asked for that the year's inquiries can not be re-projected to


def versions_in_year(profile: TenantProfile, year: int) -> list[int]:
    """The versions in force during `year`; more than one means the year spans a reorganisation."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    start = profile.taxonomy_on(first).version
    return [start] + [t.version for t in profile.taxonomies if first < t.effective_from <= last and t.version > start]


def taxonomy_choice(query: QueryValues, value: str, profile: TenantProfile, year: int | None) -> TaxonomyChoice:
    """`taksonomi` from the address or form: blank, «mottak» or a version number (ASCII digits).

    Blank is the default: for a year that spans a reorganisation, the version in force at its end, so one table
    never mixes old and new areas; for other years, the version in force when each inquiry came in. A value
    that names no version of this office is refused with a notice. A version the year's inquiries can not be
    re-projected to (an earlier one) falls back to the default and says why.
    """
    in_year = versions_in_year(profile, year) if year else [profile.taxonomies[-1].version]
    options = [t for t in profile.taxonomies if t.version >= in_year[-1]]
    default = in_year[-1] if len(in_year) > 1 else None
    chosen: int | None = default
    unusable = None
    given = bool(value)
    if value == AT_RECEIPT:
        chosen = None
    elif value:
        version = _version(value, profile)
        if version is None:
            given = query.refuse(
                InvalidField("taksonomi", f"velg en versjon fra 1 til {len(profile.taxonomies)}"), False
            )
        elif version >= in_year[-1]:
            chosen = version
        else:
            unusable, given = version, False
    value_of_chosen = AT_RECEIPT if chosen is None else str(chosen)
    return TaxonomyChoice(chosen, value_of_chosen, options, in_year, default, given, unusable)


def _version(value: str, profile: TenantProfile) -> int | None:
    """A version number of this office's taxonomy, written with the digits 0–9; None for anything else."""
    try:
        version = whole_number("taksonomi", value, low=1, high=max(t.version for t in profile.taxonomies))
    except InvalidField:
        return None
    return version if any(t.version == version for t in profile.taxonomies) else None


def download_taxonomy(value: str, profile: TenantProfile, year: int) -> int | None:
    """A download's `taksonomi`: as the page names it; raises InvalidField for a value the page would not offer."""
    choice = taxonomy_choice(QueryValues(), value, profile, year)
    if value and not choice.given:
        raise InvalidField("taksonomi", "kan ikke brukes for dette året")
    return choice.version


@dataclass(frozen=True)
class KeyFigure:
    key: str
    title: str  # bokmål, as the report names it (or as a running year needs it)
    value: int | float | None
    share: float | None  # of the year's total, for figures that are a part of it
    previous: int | float | None  # the same figure the year before, when that year has figures
    in_days: bool

    @property
    def change(self) -> int | float | None:
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, 1)

    @property
    def relative(self) -> float | None:
        """The change as a share of last year's figure; none for days or from zero."""
        if self.change is None or self.in_days or not self.previous:
            return None
        return self.change / self.previous


def key_figures(
    report: dict[str, Any], previous: dict[str, Any] | None, titles: dict[str, str], unfinished: bool
) -> list[KeyFigure]:
    total = report["total"]
    return [
        KeyFigure(
            key,
            SO_FAR.get(key, title) if unfinished else title,
            report.get(key),
            report[key] / total if key in PARTS_OF_TOTAL and total and report.get(key) is not None else None,
            previous.get(key) if previous else None,
            key in IN_DAYS,
        )
        for key, title in titles.items()
    ]


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    count: int
    share: float  # of the year's total, or of the table's sum where rows do not count inquiries
    bar: float  # width of the row's bar, 0–160, the largest row the full width


@dataclass(frozen=True)
class CountTable:
    key: str
    title: str
    rows: list[Row]
    total: int  # the sum of the rows
    inquiries: int  # the year's total

    @property
    def sums_to_total(self) -> bool:
        return self.key in ONE_PER_INQUIRY

    @property
    def exceeds_total(self) -> bool:
        """Rows count inquiries, one of them perhaps under several rows: the sum is more than the inquiries."""
        return self.key in PER_INQUIRY and self.total > self.inquiries


def count_table(report: dict[str, Any], key: str, title: str, names: dict[str, str]) -> CountTable | None:
    counts: dict[str, int] = report.get(key) or {}
    if not counts:
        return None
    total = sum(counts.values())
    whole = report["total"] if key in PER_INQUIRY else total
    largest = max(counts.values())
    rows = [
        Row(code, names.get(code, code), n, n / whole if whole else 0.0, round(n / largest * 160, 1) if largest else 0)
        for code, n in counts.items()
    ]
    return CountTable(key, title, rows, total, report["total"])


@dataclass(frozen=True)
class Tables:
    primary: CountTable | None  # one row per primary area: sums to the total
    concerned: CountTable | None  # every area an inquiry concerns: may sum to more (None when it would repeat)
    parents: CountTable | None  # the same by top-level area (None when the taxonomy has one level)
    others: list[CountTable]


def tables(report: dict[str, Any], titles: dict[str, str], names: dict[str, str]) -> Tables:
    """The primary-area table first; a further table only where it says something the ones before do not."""
    primary = count_table(report, "by_primary_area", titles["by_primary_area"], names)
    concerned = None
    if report.get("by_service_area") != report.get("by_primary_area"):
        concerned = count_table(report, "by_service_area", titles["by_service_area"], names)
    parents = None
    if report.get("by_parent_area") != report.get("by_service_area"):
        parents = count_table(report, "by_parent_area", titles["by_parent_area"], names)
    others = [count_table(report, key, title, names) for key, title in titles.items() if key not in AREA_TABLES]
    return Tables(primary, concerned, parents, [table for table in others if table is not None])


def trend_version(profile: TenantProfile, choice: TaxonomyChoice, trend_years: list[int]) -> int | None:
    """The chosen version where every year of the trend can be shown under it; otherwise the trend's own."""
    if choice.version is None or not trend_years:
        return None
    last = max(trend_years)
    return choice.version if choice.version >= profile.taxonomy_on(date(last, 12, 31)).version else None
