"""The statistics page's trend per area over all report years, as the CLI's `ombud report years` counts it."""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from projections.annual_report import year_over_year
from services.office import TenantProfile


def trend_taxonomy_version(profile: TenantProfile, last_year: int) -> int | None:
    """After a reorganisation every year is re-projected under the last year's version, so lines run unbroken."""
    return profile.taxonomy_on(date(last_year, 12, 31)).version if len(profile.taxonomies) > 1 else None


async def area_trend(
    conn: asyncpg.Connection, profile: TenantProfile, years: list[int], taxonomy_version: int | None = None
) -> dict[str, Any] | None:
    """Per top-level area and per area, one count for each year from the first report year to the last.

    A year between them without a single inquiry has no figures (None), not zeros: the office was not
    registering then, and a zero would draw a fall that never happened.
    """
    if not years:
        return None
    first, last = min(years), max(years)
    trend = await year_over_year(conn, profile, first, last, taxonomy_version or trend_taxonomy_version(profile, last))
    with_figures = set(years)
    for key in ("by_service_area", "by_parent_area"):
        trend[key] = {
            name: [n if year in with_figures else None for year, n in zip(trend["years"], counts, strict=True)]
            for name, counts in trend[key].items()
        }
    trend["without_figures"] = [year for year in trend["years"] if year not in with_figures]
    return trend
