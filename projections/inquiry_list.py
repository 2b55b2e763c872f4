"""The inquiry list's query over the case list: filters, search, sorting and one page at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from domain import deadlines

PAGE_SIZE = 50
SORTS = {
    "nyeste": "received_on DESC, reference DESC",
    "eldste": "received_on, reference",
    "referanse": "reference",
}
# Still waiting for a reply or an interim reply (fvl. § 11 a); when that is overdue is domain.deadlines' to say.
AWAITING_REPLY = "status = 'open' AND first_response_on IS NULL AND resolved_on IS NULL"
_LIST_COLUMNS = "id, reference, received_on, status, primary_area, case_types, assignee, first_response_on, resolved_on"


@dataclass(frozen=True)
class ListFilters:
    status: str = ""
    area: str = ""
    case_type: str = ""
    assignee: str = ""
    year: int | None = None
    q: str = ""
    sort: str = "nyeste"
    page: int = 1
    today: date = field(default_factory=deadlines.today_in_norway)  # Norway's, for the "overdue" filter
    word_hits: tuple[UUID, ...] = ()  # the inquiries whose name and summary hold every word of q (blind index)

    def where(self) -> tuple[str, list[Any]]:
        """SQL conditions with numbered parameters (each `?` of a condition is its one value); RLS adds the tenant."""
        conditions, params = ["true"], []

        def add(condition: str, value: Any) -> None:
            params.append(value)
            conditions.append(condition.replace("?", f"${len(params)}"))

        if self.status in ("open", "resolved"):
            add("status = ?", self.status)
        elif self.status == "overdue":
            add(f"{AWAITING_REPLY} AND received_on < ?", deadlines.overdue_if_received_before(self.today))
        if self.area:
            add("(primary_area = ? OR ? = ANY(further_areas))", self.area)
        if self.case_type:
            add("? = ANY(case_types)", self.case_type)
        if self.assignee:
            add("assignee = ?", self.assignee)
        if self.year:
            add("received_on >= ?", date(self.year, 1, 1))
            add("received_on <= ?", date(self.year, 12, 31))
        if self.q:  # the references that start with q (an index range, see migration 0011), or the word hits
            params.extend([self.q, self.q[:-1] + chr(ord(self.q[-1]) + 1), list(self.word_hits)])
            n = len(params)
            conditions.append(f"((reference ~>=~ ${n - 2} AND reference ~<~ ${n - 1}) OR id = ANY(${n}::uuid[]))")
        return " AND ".join(conditions), params


async def page(conn: asyncpg.Connection, filters: ListFilters) -> tuple[int, list[asyncpg.Record]]:
    """How many inquiries match, and the rows of the requested page."""
    where, params = filters.where()
    offset = (filters.page - 1) * PAGE_SIZE
    total = await conn.fetchval(f"SELECT count(*) FROM read.inquiries WHERE {where}", *params)
    rows = await conn.fetch(
        f"SELECT {_LIST_COLUMNS} FROM read.inquiries WHERE {where}"
        f" ORDER BY {SORTS[filters.sort]} LIMIT {PAGE_SIZE} OFFSET {offset}",
        *params,
    )
    return total, rows


async def assignees(conn: asyncpg.Connection) -> list[str]:
    rows = await conn.fetch("SELECT DISTINCT assignee FROM read.inquiries WHERE assignee IS NOT NULL ORDER BY 1")
    return [row["assignee"] for row in rows]
