"""The national network's report: the sharing offices' finished years, side by side and nationally, disclosure-controlled.

Per year the linked tables (offices × national groups with office and national totals; offices × case types;
offices × outside mandate, forwarded, complaints sent, interim replies and resolved; complaint outcomes with each
office's decided complaints as its row total) are one set of values and equations for domain.disclosure, so no
suppressed count follows from what is published. The trend shows the same cells across the years (no sums over
years are published, so the years are not linked). A rate or a median is suppressed with the count it rests on.
What the network reads is always a release (projections.network_releases): a year's tables as published then,
each release protected together with the year's earlier ones. A hidden cell is ":" and says nothing more.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from typing import Any

import asyncpg

from domain.common import InvalidField
from domain.deadlines import OSLO, today_in_norway
from domain.disclosure import Equation, protect
from domain.inquiry import COMPLAINT_OUTCOMES
from domain.names import COMPLAINT_OUTCOME_NAMES
from domain.national_groups import NATIONAL_GROUPS
from domain.taxonomy import STANDARD_CASE_TYPES
from projections.network_figures import CASE_TYPE, DAYS, FLAGS, GROUP, OUTCOME, TOTAL
from projections.reading import network_transaction

NATIONAL = "*"  # the key of the national figures beside the offices' slugs
DECIDED = "complaints_decided"
FIRST_YEAR = 1900
GROUP_CODES = tuple(group.code for group in NATIONAL_GROUPS)
CASE_TYPE_CODES = tuple(case_type.code for case_type in STANDARD_CASE_TYPES)
FLAG_NAMES = {
    "outside_mandate": "Utenfor mandat",
    "forwarded": "Videresendt",
    "complaints_sent": "Klage sendt",
    "interim_replies": "Foreløpig svar sendt",
    "resolved": "Avsluttet",
}
# What the trend follows across the years, per office and nationally.
TREND = ("inquiries", "inquiries_per_10000_inhabitants", "median_days_to_resolution", *FLAGS)

HIDDEN = ":"  # a hidden cell, as official statistics write it (SSB, Eurostat), and nothing more
Cell = int | float | str | None  # a number, HIDDEN, or None where there is no figure
Figures = Mapping[tuple[str, int], Mapping[tuple, int]]
Days = Mapping[tuple[str, int], tuple[list[int], list[int]]]


@dataclass(frozen=True)
class Office:
    slug: str
    name: str
    population: int | None


def last_finished_year(today: date | None = None) -> int:
    """The network publishes whole years only: those before the current year in Norway."""
    return (today or today_in_norway()).year - 1


def require_finished_years(first: int, last: int, today: date | None = None) -> None:
    finished = last_finished_year(today)
    if first > last:
        raise InvalidField("from", f"første år ({first}) er etter siste år ({last})")
    if first < FIRST_YEAR:
        raise InvalidField("from", f"må være {FIRST_YEAR} eller senere")
    if last > finished:
        raise InvalidField(
            "year", f"{last} er ikke et avsluttet år; nettverket viser bare hele år, til og med {finished}"
        )


def build_report(
    offices: Sequence[Office],
    figures: Figures,
    years: Iterable[int],
    threshold: int,
    protect: Callable[..., dict[tuple[str, str, str], str]] = protect,
    days: Days | None = None,
) -> dict[str, Any]:
    """The report of a first release of each year from the sharing offices' counts: every hidden cell `:`.

    `days`: per (slug, year) the days to resolution as (days ascending, inquiries); else from `figures`' histogram.
    """
    days = _days_of(figures) if days is None else days
    return assemble([build_year(year, offices, figures, days, threshold, protect) for year in years], threshold)


def assemble(by_year: list[dict[str, Any]], threshold: int) -> dict[str, Any]:
    """The report around the years' published tables (each a release, see projections.network_releases), with the
    trend across them."""
    names = dict(STANDARD_NAMES)
    seen = {code for year in by_year for code in year["national"]["by_case_type"]}
    case_types = [*CASE_TYPE_CODES, *sorted(seen - set(CASE_TYPE_CODES))]
    offices: dict[str, Office] = {}
    for year in by_year:
        for office in year["offices"]:
            offices[office["slug"]] = Office(office["slug"], office["name"], office["population"])
    years = [year["year"] for year in by_year]
    return {
        "threshold": threshold,
        "years": years,
        "groups": [{"code": group.code, "name": group.name} for group in NATIONAL_GROUPS],
        "case_types": [{"code": code, "name": names.get(code, code)} for code in case_types],
        "complaint_outcomes": [{"code": code, "name": COMPLAINT_OUTCOME_NAMES[code]} for code in COMPLAINT_OUTCOMES],
        "measures": [{"code": code, "name": name} for code, name in FLAG_NAMES.items()],
        "by_year": by_year,
        "trend": _trend(years, sorted(offices.values(), key=lambda o: (o.name, o.slug)), by_year),
    }


STANDARD_NAMES = tuple((case_type.code, case_type.name) for case_type in STANDARD_CASE_TYPES)


def _days_of(figures: Figures) -> Days:
    days: dict[tuple[str, int], tuple[list[int], list[int]]] = {}
    for at, counts in figures.items():
        histogram = sorted((int(key), n) for (measure, key), n in counts.items() if measure == DAYS)
        days[at] = ([d for d, _ in histogram], [n for _, n in histogram])
    return days


@dataclass(frozen=True)
class YearTables:
    """One year's linked tables before disclosure control: every cell's count and the sums that link them."""

    year: int
    offices: list[Office]  # those with inquiries that year, in the order given
    case_types: list[str]
    values: dict[tuple[str, str, str], int]  # (slug or NATIONAL, measure, key): count
    equations: list[Equation]
    histograms: dict[str, tuple[list[int], list[int]]]  # days to resolution per slug and nationally


def year_tables(year: int, offices: Sequence[Office], figures: Figures, days: Days) -> YearTables:
    """The linked tables of a year: offices with figures that year and the network."""
    present = [office for office in offices if figures.get((office.slug, year), _NONE).get((TOTAL, ""), 0) > 0]
    seen = {key for office in present for measure, key in figures[office.slug, year] if measure == CASE_TYPE}
    case_types = [*CASE_TYPE_CODES, *sorted(seen - set(CASE_TYPE_CODES))]
    cells = [
        (TOTAL, ""),
        *((GROUP, code) for code in GROUP_CODES),
        *((CASE_TYPE, code) for code in case_types),
        *((flag, "") for flag in FLAGS),
        *((OUTCOME, code) for code in COMPLAINT_OUTCOMES),
    ]
    values: dict[tuple[str, str, str], int] = {}
    national_days: Counter[int] = Counter()
    for office in present:
        counts = figures[office.slug, year]
        slug = office.slug
        for measure, key in cells:
            values[slug, measure, key] = counts.get((measure, key), 0)
        values[slug, DECIDED, ""] = sum(values[slug, OUTCOME, code] for code in COMPLAINT_OUTCOMES)
        found, ns = days.get((slug, year), ([], []))
        national_days.update(dict(zip(found, ns, strict=True)))
    cells.append((DECIDED, ""))
    slugs = [office.slug for office in present]
    for measure, key in cells:
        values[NATIONAL, measure, key] = sum(values[slug, measure, key] for slug in slugs)
    national_sorted = sorted(national_days.items())
    histograms = {
        NATIONAL: ([d for d, _ in national_sorted], [n for _, n in national_sorted]),
        **{slug: days.get((slug, year), ([], [])) for slug in slugs},
    }
    return YearTables(year, present, case_types, values, equations_of(values), histograms)


def equations_of(values: Mapping[tuple[str, str, str], int]) -> list[Equation]:
    """The sums a year's tables publish: each national cell over the offices, and in every row the groups to the
    inquiries and the complaint outcomes to the decided complaints."""
    slugs = sorted({slug for slug, _, _ in values if slug != NATIONAL})
    equations = [
        Equation((NATIONAL, measure, key), tuple((slug, measure, key) for slug in slugs))
        for slug_, measure, key in values
        if slug_ == NATIONAL
    ]
    for slug in (*slugs, NATIONAL):
        equations.append(Equation((slug, TOTAL, ""), tuple((slug, GROUP, code) for code in GROUP_CODES)))
        equations.append(Equation((slug, DECIDED, ""), tuple((slug, OUTCOME, code) for code in COMPLAINT_OUTCOMES)))
    return equations


def build_year(
    year: int,
    offices: Sequence[Office],
    figures: Figures,
    days: Days,
    threshold: int,
    protect: Callable[..., dict[tuple[str, str, str], str]] = protect,
) -> dict[str, Any]:
    """One year's linked tables as a first release publishes them, disclosure-controlled together."""
    tables = year_tables(year, offices, figures, days)
    return publish_year(tables, frozenset(protect(tables.values, tables.equations, threshold)), threshold)


def publish_year(tables: YearTables, hidden: Set[tuple[str, str, str]], threshold: int) -> dict[str, Any]:
    """The year's tables as published: a hidden cell is `:` and nothing more (never why: a reader who could tell a
    small cell from a complementary one would know more than the sums give), a missing figure None."""
    values = tables.values

    def cell(slug: str, measure: str, key: str = "") -> int | str:
        return HIDDEN if (slug, measure, key) in hidden else values[slug, measure, key]

    def figures_of(slug: str, population: int | None) -> dict[str, Any]:
        total = cell(slug, TOTAL)
        return {
            "inquiries": total,
            "inquiries_per_10000_inhabitants": _rate(total, population),
            "by_national_group": {code: cell(slug, GROUP, code) for code in GROUP_CODES},
            "by_case_type": {code: cell(slug, CASE_TYPE, code) for code in tables.case_types},
            **{flag: cell(slug, flag) for flag in FLAGS},
            "complaints_decided": cell(slug, DECIDED),
            "complaint_outcomes": {code: cell(slug, OUTCOME, code) for code in COMPLAINT_OUTCOMES},
            "median_days_to_resolution": _median(cell(slug, "resolved"), tables.histograms[slug], threshold),
        }

    present = tables.offices
    populations = [office.population for office in present]
    national_population = sum(populations) if present and None not in populations else None  # type: ignore[arg-type]
    return {
        "year": tables.year,
        "release": None,
        "national": {
            "population": national_population,
            **figures_of(NATIONAL, national_population),
        },
        "offices": [
            {
                "slug": office.slug,
                "name": office.name,
                "population": office.population,
                **figures_of(office.slug, office.population),
            }
            for office in present
        ],
    }


_NONE: Counter[tuple] = Counter()


def _rate(count: int | str, population: int | None) -> Cell:
    """Inquiries per 10,000 inhabitants, hidden with its count; none without a population."""
    if isinstance(count, str):  # HIDDEN
        return HIDDEN
    if not population:
        return None
    return round(count * 10_000 / population, 1)


def _median(resolved: int | str, histogram: tuple[list[int], list[int]], threshold: int) -> Cell:
    """Hidden when the resolved inquiries it is built on are hidden or from 1 to the threshold."""
    if isinstance(resolved, str) or 1 <= resolved <= threshold:  # HIDDEN, or too few
        return HIDDEN
    return median(*histogram)


def median(days: list[int], counts: list[int]) -> float | None:
    """PostgreSQL's percentile_cont(0.5) over a histogram (days ascending), to one decimal: the annual report's."""
    if not counts:
        return None
    upto = list(accumulate(counts))
    position = (upto[-1] - 1) / 2
    below = int(position)
    low = days[bisect_right(upto, below)]  # the day of the inquiry at `below` in order
    high = days[bisect_right(upto, below + 1)] if position != below else low
    return round(low + (position - below) * (high - low), 1)


def _trend(years: list[int], offices: Sequence[Office], by_year: list[dict[str, Any]]) -> dict[str, Any]:
    """The same cells as the years' tables, across the years: nationally and per office (None: no figures)."""
    absent: Cell = None
    per_office: dict[str, dict[str, list[Cell]]] = {
        office.slug: {name: [absent] * len(years) for name in TREND} for office in offices
    }
    national: dict[str, list[Cell]] = {name: [] for name in TREND}
    national_groups: dict[str, list[Cell]] = {code: [] for code in GROUP_CODES}
    for index, year in enumerate(by_year):
        for name in TREND:
            national[name].append(year["national"][name])
        for code in GROUP_CODES:
            national_groups[code].append(year["national"]["by_national_group"][code])
        for office in year["offices"]:
            for name in TREND:
                per_office[office["slug"]][name][index] = office[name]
    shown = {office["slug"] for year in by_year for office in year["offices"]}
    return {
        "years": years,
        "national": {**national, "by_national_group": national_groups},
        "offices": [
            {"slug": office.slug, "name": office.name, **per_office[office.slug]}
            for office in offices
            if office.slug in shown
        ],
    }


class NetworkReports:
    """The published releases as reports, kept in this process by the releases they are made of.

    Each request costs one short query (the latest release of each year asked); a release is read once, and never
    changes. Every page and file is assembled from releases only (projections.network_releases), never from the
    live counts.
    """

    def __init__(
        self, pool: asyncpg.Pool, threshold: int, *, keep: int = 8, today: Callable[[], date] = today_in_norway
    ) -> None:
        self._pool = pool
        self._threshold = threshold
        self._keep = keep
        self._today = today
        self._reports: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
        self._years: OrderedDict[tuple[int, int], dict[str, Any]] = OrderedDict()
        self._files: OrderedDict[tuple[Any, ...], Any] = OrderedDict()

    @property
    def threshold(self) -> int:
        return self._threshold

    def last_finished_year(self) -> int:
        return last_finished_year(self._today())

    async def years(self) -> list[int]:
        """The finished years with a release, newest first."""
        async with network_transaction(self._pool) as conn:
            return [row[0] for row in await conn.fetch(_RELEASED_YEARS, self.last_finished_year())]

    async def report(self, first: int, last: int) -> dict[str, Any]:
        return (await self._report(first, last))[1]

    async def file(self, first: int, last: int, kind: str, write: Callable[[dict[str, Any]], Any]) -> Any:
        """The report written by `write` (JSON, CSV, XLSX), kept with the report it was written from."""
        key, report = await self._report(first, last)
        found = self._files.get((*key, kind))
        if found is None:
            found = write(report)
            self._remember(self._files, (*key, kind), found, self._keep * 3)
        return found

    async def _report(self, first: int, last: int) -> tuple[tuple[Any, ...], dict[str, Any]]:
        require_finished_years(first, last, self._today())
        years = list(range(first, last + 1))
        async with network_transaction(self._pool) as conn:
            latest = {year: (number, at) for year, number, at in await conn.fetch(_LATEST, first, last)}
            key = (first, last, *((year, *latest.get(year, (None, None))) for year in years))
            found = self._reports.get(key)
            if found is not None:
                self._reports.move_to_end(key)
                return key, found
            missing = [year for year in years if year in latest and (year, latest[year][0]) not in self._years]
            if missing:
                rows = await conn.fetch(_PUBLISHED, missing, [latest[year][0] for year in missing])
                for year, number, published in rows:
                    self._remember(self._years, (year, number), json.loads(published), self._keep * 16)
        entries = []
        for year in years:
            if year in latest:
                number, at = latest[year]
                entry = dict(self._years[year, number])
                entry["release"] = {"number": number, "released": at.astimezone(OSLO).date().isoformat()}
            else:  # no release yet: nothing published for that year
                entry = publish_year(year_tables(year, [], {}, {}), frozenset(), self._threshold)
            entries.append(entry)
        found = assemble(entries, self._threshold)
        self._remember(self._reports, key, found, self._keep)
        return key, found

    @staticmethod
    def _remember(cache: OrderedDict, key: tuple[Any, ...], value: Any, keep: int) -> None:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > keep:
            cache.popitem(last=False)


_RELEASED_YEARS = "SELECT DISTINCT year FROM read.network_releases WHERE year <= $1 ORDER BY year DESC"
_LATEST = (
    "SELECT DISTINCT ON (year) year, number, released_at FROM read.network_releases"
    " WHERE year BETWEEN $1 AND $2 ORDER BY year, number DESC"
)
_PUBLISHED = (
    "SELECT r.year, r.number, r.published::text FROM read.network_releases r"
    " JOIN unnest($1::int[], $2::int[]) AS wanted(year, number) USING (year, number)"
)
