"""The network's figures (read.network_figures): per tenant and year, counts of inquiries by national group and more.

Kept by the worker with the case list and its running statistics, in the same transaction and the same way: an event
moves the counts by what the inquiry's new row contributes minus what its old row did, and a count that reaches zero
is deleted, so a rebuild gives the same rows. Counts of inquiries, never of events; never a case, a name or free text.
The group of an inquiry is its primary area's under the tenant's mapping for the taxonomy version in force on the
day it was received; when a tenant's mapping (or taxonomy) changes, its group counts are worked out again from
read.area_days. The network reads every sharing tenant's rows in one query, in projections.reading's
network_transaction, joined to platform.tenants' sharing flag so an office that stops sharing is gone at once.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import asyncpg
from psycopg import Cursor

from domain.deadlines import today_in_norway
from domain.national_groups import DEFAULT_GROUPS, OTHER, default_mapping
from projections import statistics
from services.office import TenantProfile

TABLES = ("read.network_figures", "read.network_offices")

# Once per inquiry when true; each the name of a network figure.
FLAGS = ("outside_mandate", "forwarded", "complaints_sent", "interim_replies", "resolved")
TOTAL, GROUP, CASE_TYPE, OUTCOME, DAYS = "total", "group", "case_type", "complaint_outcome", "days_to_resolution"

Row = Mapping[str, Any]
Key = tuple[int, str, str]  # (year received, measure, key)
Versions = list[tuple[date, dict[str, str]]]  # each taxonomy version's first day and its area → group, oldest first


def national_groups(profile: TenantProfile) -> dict[int, dict[str, str]]:
    """Each taxonomy version's complete mapping of its areas to the national groups.

    Until the office's own mapping lands on the profile (`profile.national_groups`), the built-in defaults.
    """
    return {taxonomy.version: default_mapping(area.code for area in taxonomy.areas) for taxonomy in profile.taxonomies}


def group_of(versions: Versions, received_on: date, area: str) -> str:
    """The group of the area under the version in force on the day (the first version also covers earlier days)."""
    chosen = versions[0][1] if versions else {}
    for effective_from, groups in versions:
        if effective_from <= received_on:
            chosen = groups
    if area in chosen:
        return chosen[area]
    for _, groups in reversed(versions):  # an area of another version (recategorised since): its own group there
        if area in groups:
            return groups[area]
    return DEFAULT_GROUPS.get(area, OTHER)


def contributions(row: Row | None, versions: Versions) -> Counter[Key]:
    """What one inquiry's case-list row adds to its tenant's network figures."""
    counts: Counter[Key] = Counter()
    if row is None:
        return counts
    received: date = row["received_on"]
    year = received.year
    counts[year, TOTAL, ""] = 1
    counts[year, GROUP, group_of(versions, received, row["primary_area"])] = 1
    for case_type in set(row["case_types"]):
        counts[year, CASE_TYPE, case_type] = 1
    flags = {
        "outside_mandate": row["outside_mandate"],
        "forwarded": bool(row["forwarded_to"]),
        "complaints_sent": row["complaints_sent"] > 0,
        "interim_replies": row["interim_reply_on"] is not None,
        "resolved": row["resolved_on"] is not None,
    }
    for flag, true in flags.items():
        if true:
            counts[year, flag, ""] = 1
    if row["complaint_outcomes"]:  # the inquiry's decided complaint: the latest decision counts
        counts[year, OUTCOME, row["complaint_outcomes"][-1]] = 1
    if row["resolved_on"] is not None:
        counts[year, DAYS, str((row["resolved_on"] - received).days)] = 1
    return counts


def record_changes(cursor: Cursor[Any], tenant_id: str, before: Iterable[Row | None], after: Iterable[Row]) -> None:
    """Moves the counts by the difference the batch made to the rows it touched (paired by position)."""
    versions = _versions(cursor, tenant_id)
    delta: Counter[Key] = Counter()
    for old, new in zip(before, after, strict=True):
        delta.update(contributions(new, versions))
        delta.subtract(contributions(old, versions))
    changed = Counter({key: n for key, n in delta.items() if n})
    if not changed:
        return
    statistics.add_counts(cursor, tenant_id, "read.network_figures", ("year", "measure", "key"), _TYPES, changed)
    this_year = today_in_norway().year
    if any(year < this_year for year, _, _ in changed):  # the report covers finished years only
        cursor.execute(
            "UPDATE read.network_offices SET data_version = nextval('read.network_data_versions') WHERE tenant_id = %s",
            (tenant_id,),
        )


def record_office(cursor: Cursor[Any], tenant_id: str, profile: TenantProfile) -> None:
    """The office's name, population and mapping as the network shows and counts them; a changed mapping (or a new
    taxonomy version) works the tenant's group counts out again from the per-day area counts."""
    mappings = national_groups(profile)
    versions: Versions = [(t.effective_from, mappings[t.version]) for t in profile.taxonomies]
    stored = json.dumps([[day.isoformat(), groups] for day, groups in versions], sort_keys=True)
    cursor.execute("SELECT name, population, groups FROM read.network_offices WHERE tenant_id = %s", (tenant_id,))
    found = cursor.fetchone()
    if found and (found[0], found[1]) == (profile.name, profile.population) and _versions_of(found[2]) == versions:
        return
    cursor.execute(
        "INSERT INTO read.network_offices (tenant_id, name, population, groups) VALUES (%s, %s, %s, %s::jsonb)"
        " ON CONFLICT (tenant_id) DO UPDATE SET name = excluded.name, population = excluded.population,"
        " groups = excluded.groups, data_version = nextval('read.network_data_versions')",
        (tenant_id, profile.name, profile.population, stored),
    )
    if found and _versions_of(found[2]) == versions:
        return
    cursor.execute("SELECT received_on, area, n FROM read.area_days WHERE tenant_id = %s AND is_primary", (tenant_id,))
    groups: Counter[Key] = Counter()
    for received_on, area, n in cursor.fetchall():
        groups[received_on.year, GROUP, group_of(versions, received_on, area)] += n
    cursor.execute("DELETE FROM read.network_figures WHERE tenant_id = %s AND measure = %s", (tenant_id, GROUP))
    if groups:
        statistics.add_counts(cursor, tenant_id, "read.network_figures", ("year", "measure", "key"), _TYPES, groups)


_TYPES = ("int", "text", "text")


def _versions(cursor: Cursor[Any], tenant_id: str) -> Versions:
    cursor.execute("SELECT groups FROM read.network_offices WHERE tenant_id = %s", (tenant_id,))
    found = cursor.fetchone()
    return _versions_of(found[0]) if found else []


def _versions_of(stored: Any) -> Versions:
    data = json.loads(stored) if isinstance(stored, str) else stored
    return [(date.fromisoformat(day), dict(groups)) for day, groups in data]


# -- the network's reads (in projections.reading.network_transaction) ------------------------------------------------

_SHARING = "JOIN platform.tenants t ON t.slug = {table}.tenant_id AND t.shares_statistics"
_FINGERPRINT = (
    "SELECT count(*), coalesce(md5(string_agg(o.tenant_id || ':' || o.data_version, ',' ORDER BY o.tenant_id)), '')"
    " FROM read.network_offices o " + _SHARING.format(table="o")
)
_OFFICES = (
    "SELECT o.tenant_id, o.name, o.population FROM read.network_offices o "
    + _SHARING.format(table="o")
    + " ORDER BY o.name, o.tenant_id"
)
# Days as arrays per tenant and year: a tenth of the rows to send and decode.
_FIGURES = (
    "SELECT f.tenant_id, f.year, array_agg(f.measure) AS measures, array_agg(f.key) AS keys, array_agg(f.n) AS ns"
    " FROM read.network_figures f " + _SHARING.format(table="f") + " WHERE f.year BETWEEN $1 AND $2"
    " GROUP BY f.tenant_id, f.year"
)


_YEARS = (
    "SELECT DISTINCT f.year FROM read.network_figures f "
    + _SHARING.format(table="f")
    + " WHERE f.measure = 'total' AND f.year <= $1 ORDER BY f.year DESC"
)


async def years_with_figures(conn: asyncpg.Connection, last: int) -> list[int]:
    """The years up to `last` in which any sharing office received inquiries, newest first."""
    return [row[0] for row in await conn.fetch(_YEARS, last)]


async def fingerprint(conn: asyncpg.Connection) -> str:
    """Which offices share and every one's data version, in one short value: what a cached report is valid for."""
    count, digest = await conn.fetchrow(_FINGERPRINT)
    return f"{count}:{digest}"


async def sharing_offices(conn: asyncpg.Connection) -> list[tuple[str, str, int | None]]:
    """(slug, name, population) of every office that shares its statistics now, by name."""
    return [(row[0], row[1], row[2]) for row in await conn.fetch(_OFFICES)]


async def sharing_figures(conn: asyncpg.Connection, first: int, last: int) -> dict[tuple[str, int], Counter[tuple]]:
    """Per (slug, year) of the sharing offices: Counter[(measure, key)] of the years from `first` to `last`."""
    figures: dict[tuple[str, int], Counter[tuple]] = {}
    for slug, year, measures, keys, ns in await conn.fetch(_FIGURES, first, last):
        figures[slug, year] = Counter(dict(zip(zip(measures, keys, strict=True), ns, strict=True)))
    return figures
