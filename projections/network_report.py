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
import hashlib
import json
from bisect import bisect_right
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from typing import Any

import asyncpg
from redis.exceptions import RedisError

from domain.common import InvalidField
from domain.deadlines import today_in_norway
from domain.disclosure import Equation, protect
from domain.inquiry import COMPLAINT_OUTCOMES
from domain.names import COMPLAINT_OUTCOME_NAMES
from domain.national_groups import NATIONAL_GROUPS
from domain.taxonomy import STANDARD_CASE_TYPES
from projections.network_figures import (
    CASE_TYPE,
    DAYS,
    FLAGS,
    GROUP,
    OUTCOME,
    TOTAL,
    fingerprint,
    fingerprints,
    sharing_figures,
    sharing_offices,
    years_with_figures,
)
from projections.reading import network_transaction

SHARED_SECONDS = 24 * 3600  # a year's published tables in Redis: a fingerprint no longer asked for goes within a day
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
    protect: Callable[..., dict[Any, str]] = protect,
    days: Days | None = None,
) -> dict[str, Any]:
    """The published report from the sharing offices' counts: every suppressed cell null with its reason.

    `days`: per (slug, year) the days to resolution as (days ascending, inquiries); else from `figures`' histogram.
    """
    days = _days_of(figures) if days is None else days
    return assemble([build_year(year, offices, figures, days, threshold, protect) for year in years], threshold)


def assemble(by_year: list[dict[str, Any]], threshold: int) -> dict[str, Any]:
    """The report around the years' published tables (each built once, by `build_year`), with the trend across them."""
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
        "reasons": REASON_NAMES,
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


def build_year(
    year: int,
    offices: Sequence[Office],
    figures: Figures,
    days: Days,
    threshold: int,
    protect: Callable[..., dict[Any, str]] = protect,
) -> dict[str, Any]:
    """One year's linked tables, disclosure-controlled together: offices with figures that year and the network."""
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
    equations = []
    for measure, key in cells:
        parts = tuple((slug, measure, key) for slug in slugs)
        values[NATIONAL, measure, key] = sum(values[part] for part in parts)
        equations.append(Equation((NATIONAL, measure, key), parts))
    for slug in (*slugs, NATIONAL):
        equations.append(Equation((slug, TOTAL, ""), tuple((slug, GROUP, code) for code in GROUP_CODES)))
        equations.append(Equation((slug, DECIDED, ""), tuple((slug, OUTCOME, code) for code in COMPLAINT_OUTCOMES)))
    suppressed = protect(values, equations, threshold)
    national_sorted = sorted(national_days.items())
    histograms = {
        NATIONAL: ([d for d, _ in national_sorted], [n for _, n in national_sorted]),
        **{slug: days.get((slug, year), ([], [])) for slug in slugs},
    }

    def cell(slug: str, measure: str, key: str = "") -> Cell:
        reason = suppressed.get((slug, measure, key))
        return {"value": None if reason else values[slug, measure, key], "reason": reason}

    def figures_of(slug: str, population: int | None) -> dict[str, Any]:
        total = cell(slug, TOTAL)
        return {
            "inquiries": total,
            "inquiries_per_10000_inhabitants": _rate(total, population),
            "by_national_group": {code: cell(slug, GROUP, code) for code in GROUP_CODES},
            "by_case_type": {code: cell(slug, CASE_TYPE, code) for code in case_types},
            **{flag: cell(slug, flag) for flag in FLAGS},
            "complaints_decided": cell(slug, DECIDED),
            "complaint_outcomes": {code: cell(slug, OUTCOME, code) for code in COMPLAINT_OUTCOMES},
            "median_days_to_resolution": _median(cell(slug, "resolved"), histograms[slug], threshold),
        }

    populations = [office.population for office in present]
    national_population = sum(populations) if present and None not in populations else None  # type: ignore[arg-type]
    return {
        "year": year,
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


def _rate(count: Cell, population: int | None) -> Cell:
    """Inquiries per 10,000 inhabitants, suppressed with its count; none without a population."""
    if count["reason"]:
        return {"value": None, "reason": count["reason"]}
    if not population:
        return {"value": None, "reason": None}
    return {"value": round(count["value"] * 10_000 / population, 1), "reason": None}


def _median(resolved: Cell, histogram: tuple[list[int], list[int]], threshold: int) -> Cell:
    """Suppressed when the resolved inquiries it is built on are suppressed or from 1 to the threshold."""
    if resolved["reason"]:
        return {"value": None, "reason": resolved["reason"]}
    if 1 <= resolved["value"] <= threshold:
        return {"value": None, "reason": "small"}
    return {"value": median(*histogram), "reason": None}


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
    """The published reports, worked out once per fingerprint and kept in this process.

    Each request costs one short query (per year asked: which offices share and their data versions for that year).
    A year whose fingerprint is new is read and protected again; the others come from the years kept, so a change to
    one office's 2024 works out 2024 again and nothing else. With `shared` (Redis) a year worked out by one process
    is taken by the others (and by a restarted one) instead of working it out again: published tables only.
    """

    def __init__(
        self,
        pool: asyncpg.Pool,
        threshold: int,
        *,
        keep: int = 8,
        today: Callable[[], date] = today_in_norway,
        shared: Any = None,
    ) -> None:
        """`shared`: an asyncio Redis client, where the years' published tables are kept for every process (a day)."""
        self._pool = pool
        self._shared = shared
        self._threshold = threshold
        self._keep = keep
        self._today = today
        self._reports: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
        self._years: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
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
        years = list(range(first, last + 1))
        async with network_transaction(self._pool) as conn:
            prints = await fingerprints(conn, years)
            key = (tuple(prints[year] for year in years), self._threshold, first, last)
            found = self._reports.get(key)
            if found is not None:
                self._reports.move_to_end(key)
                return key, found
            entries = {year: self._years.get((year, prints[year], self._threshold)) for year in years}
            missing = [year for year, entry in entries.items() if entry is None]
            for year, entry in zip(missing, await self._shared_years(missing, prints), strict=True):
                entries[year] = entry
            missing = [year for year, entry in entries.items() if entry is None]
            if missing:
                offices = [Office(*row) for row in await sharing_offices(conn)]
                figures, days = await sharing_figures(conn, missing)
        async with self._lock:
            for year in missing:
                entries[year] = build_year(year, offices, figures, days, self._threshold)
            await self._share_years({year: entries[year] for year in missing}, prints)
            for year in years:
                self._remember(self._years, (year, prints[year], self._threshold), entries[year], self._keep * 16)
            found = assemble([entries[year] for year in years], self._threshold)  # type: ignore[misc]
            self._remember(self._reports, key, found, self._keep)
        return key, found

    def _shared_key(self, year: int, fingerprint: str) -> str:
        digest = hashlib.sha256(f"{year}:{fingerprint}:{self._threshold}".encode()).hexdigest()
        return f"ombud:nettverk:aar:{digest}"

    async def _shared_years(self, years: list[int], prints: dict[int, str]) -> list[dict[str, Any] | None]:
        """The years another process has published under the same fingerprint; None where none has."""
        if not years or self._shared is None:
            return [None] * len(years)
        try:
            found = await self._shared.mget([self._shared_key(year, prints[year]) for year in years])
        except RedisError:  # Redis away: this process works the years out itself
            return [None] * len(years)
        return [None if raw is None else json.loads(raw) for raw in found]

    async def _share_years(self, entries: dict[int, dict[str, Any]], prints: dict[int, str]) -> None:
        if not entries or self._shared is None:
            return
        try:
            async with self._shared.pipeline(transaction=False) as pipe:
                for year, entry in entries.items():
                    pipe.set(self._shared_key(year, prints[year]), json.dumps(entry), ex=SHARED_SECONDS)
                await pipe.execute()
        except RedisError:
            return

    @staticmethod
    def _remember(cache: OrderedDict, key: tuple[Any, ...], value: Any, keep: int) -> None:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > keep:
            cache.popitem(last=False)
