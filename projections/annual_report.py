"""The annual report's figures for one tenant and year, read from the worker's running counts (statistics.py)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import asyncpg

from domain.taxonomy import reproject
from services.office import TenantProfile

# Keys and meaning are documented in docs/annual-report.md; never rename one.
_YEAR = "SELECT measure, key, n FROM read.year_statistics WHERE year = $1"
_OPEN_UNTIL = "SELECT key, n FROM read.year_statistics WHERE measure = 'open_until' AND year <= $1"
_OUTREACH = """
SELECT kind, count(*) AS n, coalesce(sum(participants), 0) AS participants
FROM read.outreach WHERE held_on BETWEEN $1 AND $2 AND NOT cancelled GROUP BY kind
"""
# Per area, per taxonomy period (width_bucket over the versions' effective dates), primary or not.
_AREAS = """
SELECT area, width_bucket(received_on, $3::date[]) AS period, is_primary, sum(n)::int AS n
FROM read.area_days WHERE received_on BETWEEN $1 AND $2
GROUP BY 1, 2, 3
"""
_COUNTS = ("total", "outside_mandate", "meetings_held", "complaints_sent", "interim_replies", "resolved")
_GROUPS = ("by_case_type", "by_channel", "by_requester", "forwarded", "complaint_outcomes")


async def report_years(conn: asyncpg.Connection) -> list[int]:
    """The years with at least one inquiry received, newest first."""
    rows = await conn.fetch("SELECT DISTINCT year FROM read.year_statistics WHERE measure = 'total' ORDER BY year DESC")
    return [row["year"] for row in rows]


Rows = Sequence[Mapping[str, Any]]


def report_reads(profile: TenantProfile, year: int) -> dict[str, tuple[str, tuple[Any, ...]]]:
    """What the annual report reads, each as (SQL with $n placeholders, its arguments): whichever driver the caller
    holds runs them (asyncpg here; psycopg's raw cursor where delivered reports are recomputed)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    return {
        "year": (_YEAR, (year,)),
        "areas": (_AREAS, (first, last, _starts(profile))),
        "open_until": (_OPEN_UNTIL, (year,)),
        "outreach": (_OUTREACH, (first, last)),
    }


async def annual_report(
    conn: asyncpg.Connection, profile: TenantProfile, year: int, taxonomy_version: int | None = None
) -> dict[str, Any]:
    """Every inquiry received in `year` counts once in the totals, under each area and case type it concerns.

    With `taxonomy_version`, every area is re-projected under that version; otherwise each inquiry
    counts under the version in force when it was received.
    """
    rows = {name: await conn.fetch(query, *args) for name, (query, args) in report_reads(profile, year).items()}
    return report_from(rows, profile, year, taxonomy_version)


def report_from(
    rows: Mapping[str, Rows], profile: TenantProfile, year: int, taxonomy_version: int | None = None
) -> dict[str, Any]:
    """The annual report from the rows of its reads (`report_reads`)."""
    last = date(year, 12, 31)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows["year"]:
        counts[row["measure"]][row["key"]] = row["n"]
    report: dict[str, Any] = {
        "tenant": profile.slug,
        "year": year,
        "taxonomy_version": taxonomy_version or profile.taxonomy_on(last).version,
        "taxonomy_basis": "reprojected" if taxonomy_version else "in_force_at_receipt",
        "total": counts["total"][""],
    }
    report.update(_area_counts(rows["areas"], profile, taxonomy_version))
    for key in _GROUPS:
        report[key] = _sorted(counts[key])
    for key in _COUNTS[1:]:
        report[key] = counts[key][""]
    for name, histogram in (
        ("resolution", counts["days_to_resolution"]),
        ("first_response", counts["days_to_first_response"]),
    ):
        report[f"median_days_to_{name}"] = _percentile(histogram, 0.5)
        report[f"p90_days_to_{name}"] = _percentile(histogram, 0.9)
    report["open_at_year_end"] = sum(
        row["n"] for row in rows["open_until"] if row["key"] == "" or int(row["key"]) > year
    )
    outreach = rows["outreach"]
    report["outreach"] = _sorted(Counter({row["kind"]: row["n"] for row in outreach}))
    report["outreach_participants"] = sum(row["participants"] for row in outreach)
    return report


def _percentile(histogram: Counter[str], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont over the days the histogram counts, rounded to one decimal."""
    values = sorted((int(days), n) for days, n in histogram.items())
    total = sum(n for _, n in values)
    if not total:
        return None
    position = fraction * (total - 1)
    below, share = int(position), position - int(position)

    def nth(index: int) -> int:
        seen = 0
        for days, n in values:
            seen += n
            if index < seen:
                return days
        raise IndexError(index)

    low = nth(below)
    high = nth(below + 1) if share else low
    return round(low + share * (high - low), 1)


async def area_counts(
    conn: asyncpg.Connection, profile: TenantProfile, first: date, last: date, taxonomy_version: int | None
) -> dict[str, dict[str, int]]:
    """Inquiries received in [first, last] per area concerned, per top-level area and per primary area."""
    return _area_counts(await conn.fetch(_AREAS, first, last, _starts(profile)), profile, taxonomy_version)


def _starts(profile: TenantProfile) -> list[date]:
    """The taxonomy versions' effective dates, which `_AREAS` buckets the days received by."""
    return [taxonomy.effective_from for taxonomy in profile.taxonomies]


def _area_counts(rows: Rows, profile: TenantProfile, taxonomy_version: int | None) -> dict[str, dict[str, int]]:
    target = profile.taxonomy(taxonomy_version) if taxonomy_version else None
    by_area, by_parent, by_primary = Counter[str](), Counter[str](), Counter[str]()
    for row in rows:
        recorded = profile.taxonomies[max(row["period"], 1) - 1]  # before the first version: the first
        taxonomy, area = recorded, row["area"]
        if target is not None:
            taxonomy = target
            area = reproject(area, recorded.version, target.version, profile.taxonomy_mappings)
        by_area[area] += row["n"]
        by_parent[taxonomy.top_level(area).code] += row["n"]
        if row["is_primary"]:
            by_primary[area] += row["n"]
    return {
        "by_service_area": _sorted(by_area),
        "by_parent_area": _sorted(by_parent),
        "by_primary_area": _sorted(by_primary),
    }


async def year_over_year(
    conn: asyncpg.Connection, profile: TenantProfile, first_year: int, last_year: int, taxonomy_version: int | None
) -> dict[str, Any]:
    """Per area and per top-level area, one count per year (as Trondheim's tables 2019–2024)."""
    years = list(range(first_year, last_year + 1))
    per_year = [await area_counts(conn, profile, date(y, 1, 1), date(y, 12, 31), taxonomy_version) for y in years]

    def table(key: str) -> dict[str, list[int]]:
        names = sorted({name for counts in per_year for name in counts[key]})
        return {name: [counts[key].get(name, 0) for counts in per_year] for name in names}

    return {
        "tenant": profile.slug,
        "years": years,
        "taxonomy_version": taxonomy_version or profile.taxonomy_on(date(last_year, 12, 31)).version,
        "taxonomy_basis": "reprojected" if taxonomy_version else "in_force_at_receipt",
        "by_service_area": table("by_service_area"),
        "by_parent_area": table("by_parent_area"),
    }


def _sorted(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


async def report_history(
    conn: asyncpg.Connection, profile: TenantProfile, year: int, taxonomy_version: int | None = None
) -> dict[str, Any]:
    """What the report documents set beside the year: the year before (None without inquiries) and every year's total."""
    rows = await conn.fetch(_TOTALS_UNTIL, year)
    totals = {row["year"]: row["n"] for row in rows}
    previous = await annual_report(conn, profile, year - 1, taxonomy_version) if totals.get(year - 1) else None
    return {"previous": previous, "totals_by_year": totals}


_TOTALS_UNTIL = (
    "SELECT year, n FROM read.year_statistics WHERE measure = 'total' AND key = '' AND year <= $1 ORDER BY year"
)
