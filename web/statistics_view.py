"""What the statistics page adds to the report's model: the taxonomy choice, the unfinished year, shares and bars."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.common import InvalidField
from domain.deadlines import today_in_norway
from domain.parsing import whole_number
from domain.taxonomy import Taxonomy
from projections.report import model as report_model
from projections.report.model import ONE_PER_INQUIRY, PER_INQUIRY, ReportTable, report_sections
from services.office import TenantProfile
from web.query import QueryValues

AT_RECEIPT = "mottak"  # `taksonomi=mottak`: each inquiry under the version in force when it was received


def today() -> date:
    """Today in Norway, as domain.deadlines says (a seam the tests move)."""
    return today_in_norway()


def is_unfinished(year: int) -> bool:
    """The current year (or a later one) has not ended today: the report model's rule, on the page's today."""
    return report_model.is_unfinished(year, today())


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
class Row:
    name: str
    count: int
    share: float  # of the year's total, or of the table's sum where rows do not count inquiries
    bar: float  # width of the row's bar, 0–160, the largest row the full width


@dataclass(frozen=True)
class CountTable:
    key: str
    title: str
    column: str  # what the rows name: «Tjenesteområde», «Sakstype», …
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


@dataclass(frozen=True)
class Section:
    heading: str
    tables: list[CountTable]

    @property
    def keys(self) -> list[str]:
        return [table.key for table in self.tables]


def sections(report: dict[str, Any], profile: TenantProfile) -> list[Section]:
    """The report's sections and tables as every format has them, each row with its share and the width of its bar."""
    return [
        Section(section.heading, [_count_table(table, report["total"]) for table in section.tables])
        for section in report_sections(report, profile)
    ]


def _count_table(table: ReportTable, inquiries: int) -> CountTable:
    whole = table.share_of if table.share_of is not None else table.total  # the page shows every table's shares
    largest = max(count for _, count in table.rows)
    rows = [
        Row(name, n, n / whole if whole else 0.0, round(n / largest * 160, 1) if largest else 0)
        for name, n in table.rows
    ]
    return CountTable(table.key, table.title, table.column, rows, table.total, inquiries)


def trend_version(profile: TenantProfile, choice: TaxonomyChoice, trend_years: list[int]) -> int | None:
    """The chosen version where every year of the trend can be shown under it; otherwise the trend's own."""
    if choice.version is None or not trend_years:
        return None
    last = max(trend_years)
    return choice.version if choice.version >= profile.taxonomy_on(date(last, 12, 31)).version else None
