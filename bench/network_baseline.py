"""The network page as it was before the network's figures (kept to measure against): every office read on its own.

The national network's view: each sharing office's yearly counts side by side, small cells suppressed.

The network compares offices, never cases. A count from 1 to SMALL - 1 could point at a person, so it is
hidden; and since each column's national total is shown, a column with a hidden cell hides more of its
cells (complementary suppression) until no hidden value can be worked out from the total and the rest:
at least two hidden cells whose sum is at least SMALL, or else the total itself is hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from projections.annual_report import annual_report, report_years
from projections.reading import tenant_transaction
from services.office import TenantProfile

SMALL = 5
COLUMNS = ("total", "open_at_year_end", "resolved")  # then the standard case types, added by the caller


@dataclass(frozen=True)
class Cell:
    value: int
    hidden: bool


@dataclass(frozen=True)
class NetworkTable:
    year: int
    columns: list[str]
    offices: list[str]
    rows: list[list[Cell]]  # one per office, one cell per column
    totals: list[Cell]  # one per column, over every office


def network_table(year: int, reports: Sequence[tuple[str, dict[str, Any]]], case_types: Sequence[str]) -> NetworkTable:
    """`reports`: (office name, annual report) of the offices that share statistics."""
    columns = [*COLUMNS, *case_types]
    values = [[_figure(report, column) for column in columns] for _, report in reports]
    hidden = [[0 < value < SMALL for value in row] for row in values]
    total_hidden = [False] * len(columns)
    for column in range(len(columns)):
        _protect(column, values, hidden, total_hidden)
    return NetworkTable(
        year=year,
        columns=columns,
        offices=[name for name, _ in reports],
        rows=[[Cell(v, h) for v, h in zip(row, flags, strict=True)] for row, flags in zip(values, hidden, strict=True)],
        totals=[Cell(sum(row[c] for row in values), total_hidden[c]) for c in range(len(columns))],
    )


def _figure(report: dict[str, Any], column: str) -> int:
    if column in COLUMNS:
        return int(report[column])
    return int(report["by_case_type"].get(column, 0))


def _protect(column: int, values: list[list[int]], hidden: list[list[bool]], total_hidden: list[bool]) -> None:
    """Hides more cells of the column until its hidden cells can't be worked out from the shown total."""
    while True:
        secret = [row for row in range(len(values)) if hidden[row][column]]
        if not secret or (len(secret) >= 2 and sum(values[row][column] for row in secret) >= SMALL):
            return
        candidates = [row for row in range(len(values)) if not hidden[row][column] and values[row][column] > 0]
        if not candidates:
            total_hidden[column] = True
            return
        smallest = min(candidates, key=lambda row: values[row][column])
        hidden[smallest][column] = True


async def network_years(pool: asyncpg.Pool, offices: Sequence[TenantProfile]) -> list[int]:
    """The years any sharing office has inquiries in, newest first; each office read under its own tenant."""
    years: set[int] = set()
    for office in offices:
        async with tenant_transaction(pool, office.slug) as conn:
            years.update(await report_years(conn))
    return sorted(years, reverse=True)


async def office_reports(
    pool: asyncpg.Pool, offices: Sequence[TenantProfile], year: int
) -> list[tuple[str, dict[str, Any]]]:
    """Each sharing office's annual report for the year; an office with no inquiries that year is left out."""
    reports = []
    for office in offices:
        async with tenant_transaction(pool, office.slug) as conn:
            report = await annual_report(conn, office, year)
        if report["total"]:
            reports.append((office.name, report))
    return reports
