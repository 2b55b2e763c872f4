"""The annual report's figures for one tenant and year, counted from the case list as DESIGN.md defines them."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import asyncpg

from domain.taxonomy import reproject
from services.office import TenantProfile

# Keys and meaning are documented in docs/annual-report.md; never rename one.
_TOTALS = """
SELECT count(*)                                                      AS total,
       count(*) FILTER (WHERE outside_mandate)                       AS outside_mandate,
       coalesce(sum(meetings), 0)                                    AS meetings_held,
       coalesce(sum(complaints_sent), 0)                             AS complaints_sent,
       count(*) FILTER (WHERE interim_reply_on IS NOT NULL)          AS interim_replies,
       count(*) FILTER (WHERE resolved_on IS NOT NULL)               AS resolved,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY resolved_on - received_on)       AS median_days_to_resolution,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY resolved_on - received_on)       AS p90_days_to_resolution,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY first_response_on - received_on) AS median_days_to_first_response,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY first_response_on - received_on) AS p90_days_to_first_response
FROM read.inquiries WHERE received_on BETWEEN $1 AND $2
"""
_OPEN_AT_YEAR_END = """
SELECT count(*) FROM read.inquiries WHERE received_on <= $1 AND (resolved_on IS NULL OR resolved_on > $1)
"""
_OUTREACH = """
SELECT kind, count(*) AS n, coalesce(sum(participants), 0) AS participants
FROM read.outreach WHERE held_on BETWEEN $1 AND $2 AND NOT cancelled GROUP BY kind
"""
_BY = """
SELECT key, count(*) AS n FROM (
    SELECT {expression} AS key FROM read.inquiries WHERE received_on BETWEEN $1 AND $2
) s GROUP BY key
"""
# Per area, per taxonomy period (width_bucket over the versions' effective dates), primary or not.
_AREAS = """
SELECT area, width_bucket(received_on, $3::date[]) AS period, primary_area = area AS is_primary, count(*) AS n
FROM read.inquiries, unnest(primary_area || further_areas) AS area
WHERE received_on BETWEEN $1 AND $2
GROUP BY 1, 2, 3
"""
_GROUPS = {
    "by_case_type": "unnest(case_types)",
    "by_channel": "channel",
    "by_requester": "requester_role",
    "forwarded": "unnest(ARRAY(SELECT DISTINCT body FROM unnest(forwarded_to) AS body))",  # inquiries per body
    "complaint_outcomes": "unnest(complaint_outcomes)",
}


async def annual_report(
    conn: asyncpg.Connection, profile: TenantProfile, year: int, taxonomy_version: int | None = None
) -> dict[str, Any]:
    """Every inquiry received in `year` counts once in the totals, under each area and case type it concerns.

    With `taxonomy_version`, every area is re-projected under that version; otherwise each inquiry
    counts under the version in force when it was received.
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    totals = dict(await conn.fetchrow(_TOTALS, first, last))
    report: dict[str, Any] = {
        "tenant": profile.slug,
        "year": year,
        "taxonomy_version": taxonomy_version or profile.taxonomy_on(last).version,
        "taxonomy_basis": "reprojected" if taxonomy_version else "in_force_at_receipt",
    }
    report["total"] = totals.pop("total")
    report.update(await area_counts(conn, profile, first, last, taxonomy_version))
    for key, expression in _GROUPS.items():
        rows = await conn.fetch(_BY.format(expression=expression), first, last)
        report[key] = _sorted(Counter({row["key"]: row["n"] for row in rows}))
    for key, value in totals.items():
        report[key] = round(float(value), 1) if key.startswith(("median", "p90")) and value is not None else value
    report["open_at_year_end"] = await conn.fetchval(_OPEN_AT_YEAR_END, last)
    outreach = await conn.fetch(_OUTREACH, first, last)
    report["outreach"] = _sorted(Counter({row["kind"]: row["n"] for row in outreach}))
    report["outreach_participants"] = sum(row["participants"] for row in outreach)
    return report


async def area_counts(
    conn: asyncpg.Connection, profile: TenantProfile, first: date, last: date, taxonomy_version: int | None
) -> dict[str, dict[str, int]]:
    """Inquiries received in [first, last] per area concerned, per top-level area and per primary area."""
    target = profile.taxonomy(taxonomy_version) if taxonomy_version else None
    by_area, by_parent, by_primary = Counter(), Counter(), Counter()
    starts = [taxonomy.effective_from for taxonomy in profile.taxonomies]
    for row in await conn.fetch(_AREAS, first, last, starts):
        recorded = profile.taxonomies[max(row["period"], 1) - 1]  # before the first version: the first
        taxonomy, area = recorded, row["area"]
        if target is not None:
            taxonomy = target
            area = reproject(area, recorded.version, target.version, profile.taxonomy_mappings)
        by_area[area] += row["n"]
        by_parent[taxonomy.top_level(area).code] += row["n"]
        if row["is_primary"]:
            by_primary[area] += row["n"]
    return {"by_service_area": _sorted(by_area), "by_parent_area": _sorted(by_parent), "by_primary_area": _sorted(by_primary)}


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
