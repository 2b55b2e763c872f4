"""The national network's report: the sharing offices' finished years, side by side and nationally, disclosure-controlled.

Per year the linked tables (offices × national groups with office and national totals; offices × case types;
offices × outside mandate, forwarded, complaints sent, interim replies and resolved; complaint outcomes with each
office's decided complaints as its row total) are one set of values and equations for domain.disclosure, so no
suppressed count follows from what is published. The trend shows the same cells across the years (no sums over
years are published, so the years are not linked). A rate or a median is suppressed with the count it rests on.
The report is worked out once per fingerprint (who shares, every one's data version, threshold, years) and kept.
"""

from __future__ import annotations

import asyncio
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg

from domain.common import InvalidField
from domain.deadlines import today_in_norway
from domain.disclosure import Equation, protect
from domain.inquiry import COMPLAINT_OUTCOMES
from domain.names import COMPLAINT_OUTCOME_NAMES
from domain.national_groups import NATIONAL_GROUPS
from domain.taxonomy import STANDARD_CASE_TYPES
from projections.annual_report import _percentile as percentile  # the annual report's median, to the decimal
from projections.network_figures import (
    CASE_TYPE,
    DAYS,
    FLAGS,
    GROUP,
    OUTCOME,
    TOTAL,
    fingerprint,
    sharing_figures,
    sharing_offices,
    years_with_figures,
)
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
REASON_NAMES = {
    "small": "for få henvendelser til å vises (fra 1 til terskelen)",
    "complementary": "skjult for at et annet skjult tall ikke skal kunne regnes ut av summene",
}
# What the trend follows across the years, per office and nationally.
TREND = ("inquiries", "inquiries_per_10000_inhabitants", "median_days_to_resolution", *FLAGS)

Cell = dict[str, Any]  # {"value": number or None, "reason": None, "small" or "complementary"}
Figures = Mapping[tuple[str, int], Counter[tuple]]


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
    protect: Callable[..., dict[Any, str]] = protect,
) -> dict[str, Any]:
    """The published report from the sharing offices' counts: every suppressed cell null with its reason."""
    years = list(years)
    case_types = _case_types(figures)
    by_year = [_year(year, offices, figures, case_types, threshold, protect) for year in years]
    names = dict(STANDARD_NAMES)
    return {
        "threshold": threshold,
        "years": years,
        "groups": [{"code": group.code, "name": group.name} for group in NATIONAL_GROUPS],
        "case_types": [{"code": code, "name": names.get(code, code)} for code in case_types],
        "complaint_outcomes": [{"code": code, "name": COMPLAINT_OUTCOME_NAMES[code]} for code in COMPLAINT_OUTCOMES],
        "measures": [{"code": code, "name": name} for code, name in FLAG_NAMES.items()],
        "reasons": REASON_NAMES,
        "by_year": by_year,
        "trend": _trend(years, offices, by_year),
    }


STANDARD_NAMES = tuple((case_type.code, case_type.name) for case_type in STANDARD_CASE_TYPES)


def _case_types(figures: Figures) -> list[str]:
    seen = {key for counts in figures.values() for measure, key in counts if measure == CASE_TYPE}
    return [*CASE_TYPE_CODES, *sorted(seen - set(CASE_TYPE_CODES))]


def _year(
    year: int,
    offices: Sequence[Office],
    figures: Figures,
    case_types: list[str],
    threshold: int,
    protect: Callable[..., dict[Any, str]],
) -> dict[str, Any]:
    present = [office for office in offices if figures.get((office.slug, year), Counter())[TOTAL, ""] > 0]
    cells = [
        (TOTAL, ""),
        *((GROUP, code) for code in GROUP_CODES),
        *((CASE_TYPE, code) for code in case_types),
        *((flag, "") for flag in FLAGS),
        *((OUTCOME, code) for code in COMPLAINT_OUTCOMES),
        (DECIDED, ""),
    ]
    values: dict[tuple[str, str, str], int] = {}
    histograms: dict[str, Counter[str]] = {NATIONAL: Counter()}
    for office in present:
        counts = figures[office.slug, year]
        for measure, key in cells[:-1]:
            values[office.slug, measure, key] = int(counts[measure, key])
        values[office.slug, DECIDED, ""] = sum(values[office.slug, OUTCOME, code] for code in COMPLAINT_OUTCOMES)
        histograms[office.slug] = Counter({key: n for (measure, key), n in counts.items() if measure == DAYS})
        histograms[NATIONAL].update(histograms[office.slug])
    equations = []
    for measure, key in cells:
        parts = tuple((office.slug, measure, key) for office in present)
        values[NATIONAL, measure, key] = sum(values[part] for part in parts)
        equations.append(Equation((NATIONAL, measure, key), parts))
    for slug in (*(office.slug for office in present), NATIONAL):
        equations.append(Equation((slug, TOTAL, ""), tuple((slug, GROUP, code) for code in GROUP_CODES)))
        equations.append(Equation((slug, DECIDED, ""), tuple((slug, OUTCOME, code) for code in COMPLAINT_OUTCOMES)))
    suppressed = protect(values, equations, threshold)

    def cell(slug: str, measure: str, key: str = "") -> Cell:
        reason = suppressed.get((slug, measure, key))
        return {"value": None if reason else values[slug, measure, key], "reason": reason}

    def figures_of(slug: str, population: int | None) -> dict[str, Any]:
        total = cell(slug, TOTAL)
        resolved = cell(slug, "resolved")
        return {
            "inquiries": total,
            "inquiries_per_10000_inhabitants": _rate(total, population),
            "by_national_group": {code: cell(slug, GROUP, code) for code in GROUP_CODES},
            "by_case_type": {code: cell(slug, CASE_TYPE, code) for code in case_types},
            **{flag: cell(slug, flag) for flag in FLAGS},
            "complaints_decided": cell(slug, DECIDED),
            "complaint_outcomes": {code: cell(slug, OUTCOME, code) for code in COMPLAINT_OUTCOMES},
            "median_days_to_resolution": _median(resolved, histograms[slug], threshold),
        }

    populations = [office.population for office in present]
    national_population = sum(populations) if present and None not in populations else None  # type: ignore[arg-type]
    return {
        "year": year,
        "national": {
            "offices": len(present),
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


def _rate(count: Cell, population: int | None) -> Cell:
    """Inquiries per 10,000 inhabitants, suppressed with its count; none without a population."""
    if count["reason"]:
        return {"value": None, "reason": count["reason"]}
    if not population:
        return {"value": None, "reason": None}
    return {"value": round(count["value"] * 10_000 / population, 1), "reason": None}


def _median(resolved: Cell, histogram: Counter[str], threshold: int) -> Cell:
    """Suppressed when the resolved inquiries it is built on are suppressed or from 1 to the threshold."""
    if resolved["reason"]:
        return {"value": None, "reason": resolved["reason"]}
    if 1 <= resolved["value"] <= threshold:
        return {"value": None, "reason": "small"}
    return {"value": percentile(histogram, 0.5), "reason": None}


def _trend(years: list[int], offices: Sequence[Office], by_year: list[dict[str, Any]]) -> dict[str, Any]:
    """The same cells as the years' tables, across the years: nationally and per office (None: no figures)."""
    absent: Cell = {"value": None, "reason": None}
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
    """The published report, worked out once per fingerprint and kept in this process (a few, newest last).

    Each request costs one short query (the fingerprint: which offices share and their data versions); only a new
    fingerprint reads the figures and runs the disclosure control again.
    """

    def __init__(
        self, pool: asyncpg.Pool, threshold: int, *, keep: int = 8, today: Callable[[], date] = today_in_norway
    ):
        self._pool = pool
        self._threshold = threshold
        self._keep = keep
        self._today = today
        self._reports: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
        self._files: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = asyncio.Lock()

    @property
    def threshold(self) -> int:
        return self._threshold

    def last_finished_year(self) -> int:
        return last_finished_year(self._today())

    async def years(self) -> list[int]:
        """The finished years with figures, newest first; kept per fingerprint like the reports."""
        last = self.last_finished_year()
        async with network_transaction(self._pool) as conn:
            key = ("years", await fingerprint(conn), last)
            found = self._reports.get(key)
            if found is None:
                found = {"years": await years_with_figures(conn, last)}
                self._remember(self._reports, key, found, self._keep)
        return list(found["years"])

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
        async with network_transaction(self._pool) as conn:
            key = (await fingerprint(conn), self._threshold, first, last, self.last_finished_year())
            found = self._reports.get(key)
            if found is not None:
                self._reports.move_to_end(key)
                return key, found
            offices = [Office(*row) for row in await sharing_offices(conn)]
            figures = await sharing_figures(conn, first, last)
        async with self._lock:
            found = self._reports.get(key)
            if found is None:
                found = build_report(offices, figures, range(first, last + 1), self._threshold)
                self._remember(self._reports, key, found, self._keep)
        return key, found

    @staticmethod
    def _remember(cache: OrderedDict, key: tuple[Any, ...], value: Any, keep: int) -> None:
        cache[key] = value
        while len(cache) > keep:
            cache.popitem(last=False)
