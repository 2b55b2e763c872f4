"""The network's figures (read.network_figures): per tenant and year, counts of inquiries by national group and more.

Kept by the worker with the case list and its running statistics, in the same transaction and the same way: an event
moves the counts by what the inquiry's new row contributes minus what its old row did, and a count that reaches zero
is deleted, so a rebuild gives the same rows. Counts of inquiries, never of events; never a case, a name or free text.
The group of an inquiry is its primary area's under the tenant's mapping for the taxonomy version in force on the
day it was received; when a tenant's mapping (or taxonomy) changes, its group counts are worked out again from
read.area_days. The releases (projections.network_releases) read every sharing tenant's rows in one query, joined to
platform.tenants' sharing flag, so an office that stops sharing is left out of the next release.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from psycopg import Cursor

from domain.national_groups import default_group
from projections import statistics
from services.office import TenantProfile

TABLES = ("read.network_figures", "read.network_offices", "read.network_years")

# Once per inquiry when true; each the name of a network figure.
FLAGS = ("outside_mandate", "forwarded", "complaints_sent", "interim_replies", "resolved")
TOTAL, GROUP, CASE_TYPE, OUTCOME, DAYS = "total", "group", "case_type", "complaint_outcome", "days_to_resolution"

Row = Mapping[str, Any]
Key = tuple[int, str, str]  # (year received, measure, key)
Versions = list[tuple[date, dict[str, str]]]  # each taxonomy version's first day and its area → group, oldest first


def national_groups(profile: TenantProfile) -> dict[int, dict[str, str]]:
    """Each taxonomy version's complete mapping of its areas to the national groups, as the office chose them."""
    return profile.national_groups


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
    return default_group(area)


def count(row: Row, versions: Versions, sign: int, counts: dict[Key, int]) -> None:
    """Adds what one inquiry's case-list row contributes to its tenant's network figures (`sign` -1: takes it away)."""
    received: date = row["received_on"]
    year = received.year
    keys = [(year, TOTAL, ""), (year, GROUP, group_of(versions, received, row["primary_area"]))]
    keys.extend((year, CASE_TYPE, case_type) for case_type in set(row["case_types"]))
    if row["outside_mandate"]:
        keys.append((year, "outside_mandate", ""))
    if row["forwarded_to"]:
        keys.append((year, "forwarded", ""))
    if row["complaints_sent"] > 0:
        keys.append((year, "complaints_sent", ""))
    if row["interim_reply_on"] is not None:
        keys.append((year, "interim_replies", ""))
    if row["resolved_on"] is not None:
        keys.append((year, "resolved", ""))
        keys.append((year, DAYS, str((row["resolved_on"] - received).days)))
    if row["complaint_outcomes"]:  # the inquiry's decided complaint: the latest decision counts
        keys.append((year, OUTCOME, row["complaint_outcomes"][-1]))
    for key in keys:
        counts[key] = counts.get(key, 0) + sign


def record_changes(cursor: Cursor[Any], tenant_id: str, before: Iterable[Row | None], after: Iterable[Row]) -> None:
    """Moves the counts by the difference the batch made to the rows it touched (paired by position)."""
    versions = _versions(cursor, tenant_id)
    delta: dict[Key, int] = {}
    for old, new in zip(before, after, strict=True):
        if old is not None:
            count(old, versions, -1, delta)
        count(new, versions, 1, delta)
    changed = {key: n for key, n in delta.items() if n}
    if not changed:
        return
    statistics.add_counts(cursor, tenant_id, "read.network_figures", ("year", "measure", "key"), _TYPES, changed)
    snapshot_years(cursor, tenant_id, sorted({year for year, _, _ in changed}))


def snapshot_years(cursor: Cursor[Any], tenant_id: str, years: list[int] | None = None) -> None:
    """Rewrites the tenant's rows of read.network_years from its counts (of `years`, or of every year), each with the
    digest of its counts as its version; a year left without counts loses its row."""
    where = "" if years is None else " AND year = ANY(%(years)s::int[])"
    cursor.execute(
        "DELETE FROM read.network_years WHERE tenant_id = %(tenant)s" + where, {"tenant": tenant_id, "years": years}
    )
    cursor.execute(
        "INSERT INTO read.network_years (tenant_id, year, measures, keys, ns, version)"
        f" SELECT tenant_id, year, {_IN_ORDER.format('measure')}, {_IN_ORDER.format('key')}, {_IN_ORDER.format('n')},"
        f" md5(array_to_string({_IN_ORDER.format(_ENTRY)}, ','))"
        " FROM read.network_figures WHERE tenant_id = %(tenant)s" + where + " GROUP BY tenant_id, year",
        {"tenant": tenant_id, "years": years},
    )


# Measures in order, and the days to resolution in ascending days (zero-padded to sort as numbers).
_IN_ORDER = "array_agg({} ORDER BY measure, lpad(key, 12, '0'))"
_ENTRY = "measure || ':' || key || '=' || n"


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
    version = hashlib.sha256(json.dumps([profile.name, profile.population, stored]).encode()).hexdigest()
    cursor.execute(
        "INSERT INTO read.network_offices (tenant_id, name, population, groups, version)"
        " VALUES (%s, %s, %s, %s::jsonb, %s) ON CONFLICT (tenant_id) DO UPDATE SET name = excluded.name,"
        " population = excluded.population, groups = excluded.groups, version = excluded.version",
        (tenant_id, profile.name, profile.population, stored, version),
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
    snapshot_years(cursor, tenant_id)


_TYPES = ("int", "text", "text")


def _versions(cursor: Cursor[Any], tenant_id: str) -> Versions:
    cursor.execute("SELECT groups FROM read.network_offices WHERE tenant_id = %s", (tenant_id,))
    found = cursor.fetchone()
    return _versions_of(found[0]) if found else []


def _versions_of(stored: Any) -> Versions:
    data = json.loads(stored) if isinstance(stored, str) else stored
    return [(date.fromisoformat(day), dict(groups)) for day, groups in data]


# -- the network's reads (as the role ombud_network with app.network on: projections.network_releases) -------------

_SHARING = "JOIN platform.tenants t ON t.slug = v.tenant_id AND t.shares_statistics"
# Who shares now, with their name and population, and their counts of the years asked: one statement, one snapshot.
_FIGURES = (
    "SELECT o.tenant_id, o.name, o.population, v.year, array_to_string(v.measures, ','),"
    " array_to_string(v.keys, ','), v.ns"
    " FROM read.network_years v " + _SHARING + " JOIN read.network_offices o ON o.tenant_id = v.tenant_id"
    " WHERE v.year = ANY(%s::int[])"
)
_YEARS = "SELECT DISTINCT v.year FROM read.network_years v " + _SHARING + " WHERE v.year <= %s ORDER BY v.year"


def years_with_figures(cursor: Cursor[Any], last: int) -> list[int]:
    """The years up to `last` in which any sharing office received inquiries, oldest first."""
    cursor.execute(_YEARS, (last,))
    return [row[0] for row in cursor.fetchall()]


def sharing_figures(
    cursor: Cursor[Any], years: list[int]
) -> tuple[
    list[tuple[str, str, int | None]],
    dict[tuple[str, int], dict[tuple, int]],
    dict[tuple[str, int], tuple[list[int], list[int]]],
]:
    """The offices that share now and have figures in those years, as (slug, name, population) by name; per (slug,
    year) {(measure, key): count}; and the days to resolution as (days, inquiries) in ascending days."""
    figures: dict[tuple[str, int], dict[tuple, int]] = {}
    days: dict[tuple[str, int], tuple[list[int], list[int]]] = {}
    offices: dict[str, tuple[str, str, int | None]] = {}
    cursor.execute(_FIGURES, (years,))
    for slug, name, population, year, measure_text, key_text, ns in cursor.fetchall():
        offices[slug] = (slug, name, population)
        measures, keys = measure_text.split(","), key_text.split(",")
        first = measures.index(DAYS) if DAYS in measures else len(measures)
        last = first + measures.count(DAYS)
        pairs = zip(measures[:first] + measures[last:], keys[:first] + keys[last:], strict=True)
        figures[slug, year] = dict(zip(pairs, ns[:first] + ns[last:], strict=True))
        days[slug, year] = ([int(key) for key in keys[first:last]], ns[first:last])
    return sorted(offices.values(), key=lambda office: (office[1], office[0])), figures, days
