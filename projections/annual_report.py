"""The annual report's figures for one tenant and year, counted from the case list as DESIGN.md defines them."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import asyncpg

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
_BY = """
SELECT key, count(*) AS n FROM (
    SELECT {expression} AS key FROM read.inquiries WHERE received_on BETWEEN $1 AND $2
) s GROUP BY key
"""
_AREAS = """
SELECT area, received_on, primary_area = area AS is_primary, count(*) AS n
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


async def annual_report(conn: asyncpg.Connection, profile: TenantProfile, year: int) -> dict[str, Any]:
    """Every inquiry received in `year` counts once in the totals, under each area and case type it concerns."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    totals = dict(await conn.fetchrow(_TOTALS, first, last))
    report: dict[str, Any] = {
        "tenant": profile.slug,
        "year": year,
        "taxonomy_version": profile.taxonomy_on(last).version,
        "taxonomy_basis": "in_force_at_receipt",
    }
    report["total"] = totals.pop("total")
    by_area, by_parent, by_primary = Counter(), Counter(), Counter()
    for row in await conn.fetch(_AREAS, first, last):
        taxonomy = profile.taxonomy_on(row["received_on"])
        by_area[row["area"]] += row["n"]
        by_parent[taxonomy.top_level(row["area"]).code] += row["n"]
        if row["is_primary"]:
            by_primary[row["area"]] += row["n"]
    report["by_service_area"] = _sorted(by_area)
    report["by_parent_area"] = _sorted(by_parent)
    report["by_primary_area"] = _sorted(by_primary)
    for key, expression in _GROUPS.items():
        rows = await conn.fetch(_BY.format(expression=expression), first, last)
        report[key] = _sorted(Counter({row["key"]: row["n"] for row in rows}))
    for key, value in totals.items():
        report[key] = round(float(value), 1) if key.startswith(("median", "p90")) and value is not None else value
    report["open_at_year_end"] = await conn.fetchval(_OPEN_AT_YEAR_END, last)
    return report


def _sorted(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))
