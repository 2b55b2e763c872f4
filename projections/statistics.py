"""Annual statistics kept as running counts, so a report reads a few hundred rows instead of every inquiry.

Each inquiry contributes to counts of the year it was received (DESIGN.md's statistics semantics).
When an event changes an inquiry's case-list row, the counts change by what the new row contributes
minus what the old row did; a count that reaches zero is deleted, so a rebuild gives the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from psycopg import Cursor

TABLES = ("read.year_statistics", "read.area_days")

# Counted once per inquiry when true; the key names a report figure (docs/annual-report.md).
FLAGS = ("outside_mandate", "interim_replies", "resolved")
# One count per distinct value in the row.
GROUPS = {
    "by_channel": "channel",
    "by_requester": "requester_role",
    "by_case_type": "case_types",
    "forwarded": "forwarded_to",  # inquiries per body, however often forwarded there
}
# Histograms of whole days, from which medians and percentiles are exact.
DAYS_TO = {"days_to_resolution": "resolved_on", "days_to_first_response": "first_response_on"}
# Key: the year the inquiry was resolved, or '' while it is open; gives open-at-year-end for any year.
OPEN_UNTIL = "open_until"

Row = Mapping[str, Any]
YearKey = tuple[int, str, str]  # (year received, measure, key)
AreaKey = tuple[date, str, bool]  # (received on, area, is primary)


def count(row: Row, sign: int, years: dict[YearKey, int], areas: dict[AreaKey, int]) -> None:
    """Adds what one inquiry's row contributes to the year statistics and to the per-day area counts (`sign` -1:
    takes it away). Plain dicts: this runs twice for every inquiry a batch touches."""
    received: date = row["received_on"]
    year = received.year
    added: list[tuple[YearKey, int]] = [((year, "total", ""), 1)]
    if row["outside_mandate"]:
        added.append(((year, "outside_mandate", ""), 1))
    if row["interim_reply_on"] is not None:
        added.append(((year, "interim_replies", ""), 1))
    if row["resolved_on"] is not None:
        added.append(((year, "resolved", ""), 1))
    added.append(((year, "meetings_held", ""), row["meetings"]))
    added.append(((year, "complaints_sent", ""), row["complaints_sent"]))
    for measure, column in GROUPS.items():
        value = row[column]
        for key in set(value) if isinstance(value, list) else (value,):
            added.append(((year, measure, key), 1))
    for outcome in row["complaint_outcomes"]:
        added.append(((year, "complaint_outcomes", outcome), 1))
    for measure, column in DAYS_TO.items():
        if row[column] is not None:
            added.append(((year, measure, str((row[column] - received).days)), 1))
    added.append(((year, OPEN_UNTIL, str(row["resolved_on"].year) if row["resolved_on"] else ""), 1))
    for key, n in added:
        years[key] = years.get(key, 0) + sign * n
    primary = (received, row["primary_area"], True)
    areas[primary] = areas.get(primary, 0) + sign
    for area in row["further_areas"]:
        further = (received, area, False)
        areas[further] = areas.get(further, 0) + sign


def record_changes(cursor: Cursor[Any], tenant_id: str, before: Iterable[Row | None], after: Iterable[Row]) -> None:
    """Moves the counts by the difference the batch made to the rows it touched (paired by position)."""
    years: dict[YearKey, int] = {}
    areas: dict[AreaKey, int] = {}
    for old, new in zip(before, after, strict=True):
        if old is not None:
            count(old, -1, years, areas)
        count(new, 1, years, areas)
    add_counts(cursor, tenant_id, "read.year_statistics", ("year", "measure", "key"), ("int", "text", "text"), years)
    add_counts(
        cursor, tenant_id, "read.area_days", ("received_on", "area", "is_primary"), ("date", "text", "bool"), areas
    )


def add_counts(
    cursor: Cursor[Any],
    tenant_id: str,
    table: str,
    columns: tuple[str, ...],
    types: tuple[str, ...],
    delta: Mapping[tuple[Any, ...], int],
) -> None:
    """Adds the non-zero counts of `delta` to the table's rows of its keys, and deletes the rows that reach zero."""
    changed = [(key, n) for key, n in delta.items() if n]
    if not changed:
        return
    keys = ", ".join(columns)
    arrays = ", ".join(f"%s::{kind}[]" for kind in types)
    cursor.execute(
        f"INSERT INTO {table} (tenant_id, {keys}, n) SELECT %s, * FROM unnest({arrays}, %s::bigint[])"
        f" ON CONFLICT (tenant_id, {keys}) DO UPDATE SET n = {table}.n + excluded.n"
        f" RETURNING {keys}, n",
        (
            tenant_id,
            *(list(column) for column in zip(*(key for key, _ in changed), strict=True)),
            [n for _, n in changed],
        ),
    )
    emptied = [row[:-1] for row in cursor.fetchall() if row[-1] == 0]
    if emptied:
        cursor.execute(
            f"DELETE FROM {table} WHERE tenant_id = %s AND ({keys}) IN (SELECT * FROM unnest({arrays}))",
            (tenant_id, *(list(column) for column in zip(*emptied, strict=True))),
        )
