"""The inquiries' read table (read.inquiries): the case list's fold and every query over it, in one place.

One row per inquiry with what lists, filters, the dashboard and deadlines need, and no personal data. Forvaltningsloven
§ 11 a: an inquiry gets a reply or an interim reply within one month of receipt; when one is due soon or overdue is
domain.deadlines' to say, and the queries bind the receipt dates it works out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from psycopg import Cursor

from domain import deadlines
from domain.inquiry import Inquiry
from projections import network_figures, statistics

NAME = "case_list"
TABLES = ("read.inquiries", *statistics.TABLES, *network_figures.TABLES)

COLUMNS = (
    "tenant_id",
    "id",
    "reference",
    "version",
    "status",
    "received_on",
    "channel",
    "requester_role",
    "primary_area",
    "further_areas",
    "case_types",
    "outside_mandate",
    "assignee",
    "interim_reply_on",
    "first_response_on",
    "forwarded_to",
    "meetings",
    "complaints_sent",
    "complaint_outcomes",
    "resolved_on",
    "outcome",
)

SELECT_ROWS = f"SELECT {', '.join(COLUMNS)} FROM read.inquiries WHERE tenant_id = %s AND id = ANY(%s)"
# Every touched row in one statement: the rows go as one JSON array, typed by the table's own row type.
UPSERT_ROWS = (
    f"INSERT INTO read.inquiries ({', '.join(COLUMNS)}) SELECT {', '.join(COLUMNS)}"
    " FROM jsonb_populate_recordset(NULL::read.inquiries, %s::jsonb)"
    " ON CONFLICT (tenant_id, id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in COLUMNS if c not in ("tenant_id", "id"))
)


def apply_batch(cursor: Cursor[Any], tenant_id: str, events: Sequence[Any]) -> None:
    """Folds a batch of events into the rows they touch, writes each touched row once, and moves the counts."""
    inquiry_events = [e for e in events if isinstance(e, Inquiry.Event)]
    if not inquiry_events:
        return
    ids = list(dict.fromkeys(e.originator_id for e in inquiry_events))
    cursor.execute(SELECT_ROWS, (tenant_id, ids))
    before = {row[1]: dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()}
    rows: dict[UUID, dict[str, Any]] = {}
    for event in inquiry_events:  # each row copied once a batch, then folded in place
        key = event.originator_id
        row = rows.get(key)
        if row is None:
            old = before.get(key)
            row = rows[key] = _fold_into(None if old is None else dict(old), tenant_id, event)
        else:
            _fold_into(row, tenant_id, event)
    cursor.execute(UPSERT_ROWS, (msgspec.json.encode([rows[i] for i in ids]).decode(),))
    statistics.record_changes(cursor, tenant_id, [before.get(i) for i in ids], [rows[i] for i in ids])
    network_figures.record_changes(cursor, tenant_id, [before.get(i) for i in ids], [rows[i] for i in ids])


def fold(row: dict[str, Any] | None, tenant_id: str, event: Any) -> dict[str, Any]:
    """The row after one event; a pure function, so it can be checked against the aggregate."""
    return _fold_into(None if row is None else dict(row), tenant_id, event)


def _fold_into(row: dict[str, Any] | None, tenant_id: str, event: Any) -> dict[str, Any]:
    """`fold`, changing `row` in place (its lists are replaced, never changed, so a shallow copy keeps the old)."""
    if isinstance(event, Inquiry.Received):
        row = {
            "tenant_id": tenant_id,
            "id": event.originator_id,
            "reference": event.reference,
            "status": "open",
            "received_on": event.on,
            "channel": event.channel,
            "requester_role": event.requester_role,
            "primary_area": event.primary_area,
            "further_areas": list(event.further_areas),
            "case_types": list(event.case_types),
            "outside_mandate": event.outside_mandate,
            "assignee": None,
            "interim_reply_on": None,
            "first_response_on": None,
            "forwarded_to": [],
            "meetings": 0,
            "complaints_sent": 0,
            "complaint_outcomes": [],
            "resolved_on": None,
            "outcome": None,
        }
    assert row is not None, "an inquiry's first event is Received"
    row["version"] = event.originator_version
    if deadlines.is_reply(event) and row["first_response_on"] is None:
        row["first_response_on"] = event.on
    match event:
        case Inquiry.Assigned():
            row["assignee"] = event.assignee
        case Inquiry.Recategorised():
            row.update(
                primary_area=event.primary_area,
                further_areas=list(event.further_areas),
                case_types=list(event.case_types),
                outside_mandate=event.outside_mandate,
            )
        case Inquiry.InterimReplySent():
            row["interim_reply_on"] = row["interim_reply_on"] or event.on
        case Inquiry.Forwarded():
            row["forwarded_to"] = [*row["forwarded_to"], event.to_body]
        case Inquiry.MeetingHeld():
            row["meetings"] += 1
        case Inquiry.ComplaintSent():
            row["complaints_sent"] += 1
        case Inquiry.ComplaintDecided():
            row["complaint_outcomes"] = [*row["complaint_outcomes"], event.outcome]
        case Inquiry.Resolved():
            row.update(status="resolved", resolved_on=event.on, outcome=event.outcome)
        case Inquiry.Reopened():
            row.update(status="open", resolved_on=None, outcome=None)
        case Inquiry.Erased() if row["status"] == "open":  # erased open before erasure closed it: it ended here
            row.update(status="resolved", resolved_on=event.on)
    return row


# -- the inquiry list: filters, search, sorting and one page at a time --------------------------------------

PAGE_SIZE = 50
SORTS = {
    "nyeste": "received_on DESC, reference DESC",
    "eldste": "received_on, reference",
    "referanse": "reference",
}
# Answered (fvl. § 11 a): a reply or an interim reply was sent (the events domain.deadlines.is_reply names, whose
# first sets first_response_on) or the inquiry was resolved. Stated here only: the lists filter on it and hand it to
# the web as the column `answered`. When an unanswered inquiry is overdue is domain.deadlines' to say.
ANSWERED = "(first_response_on IS NOT NULL OR resolved_on IS NOT NULL)"
AWAITING_REPLY = f"status = 'open' AND NOT {ANSWERED}"
_LIST_COLUMNS = f"id, reference, received_on, status, primary_area, case_types, assignee, {ANSWERED} AS answered"


# The caseworker filter's value for inquiries nobody has yet: no account's email can be it (an email has an @).
UNASSIGNED = "ingen"


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
        if self.assignee == UNASSIGNED:
            conditions.append("assignee IS NULL")
        elif self.assignee:
            add("assignee = ?", self.assignee)
        if self.year:
            add("received_on >= ?", date(self.year, 1, 1))
            add("received_on <= ?", date(self.year, 12, 31))
        if self.q:  # the references that start with q (an index range, see migration 0011), or the word hits
            params.extend([self.q, self.q[:-1] + chr(ord(self.q[-1]) + 1), list(self.word_hits)])
            n = len(params)
            conditions.append(f"((reference ~>=~ ${n - 2} AND reference ~<~ ${n - 1}) OR id = ANY(${n}::uuid[]))")
        return " AND ".join(conditions), params


@dataclass(frozen=True)
class ListPage:
    total: int  # how many inquiries match
    rows: list[asyncpg.Record]  # the requested page of them
    counted_hits: list[UUID]  # the word hits the total counts, on the page or not: each tells whose case it is


async def page(conn: asyncpg.Connection, filters: ListFilters) -> ListPage:
    """How many inquiries match and which word hits that count holds (one query, so they agree), and one page."""
    where, params = filters.where()
    offset = (filters.page - 1) * PAGE_SIZE
    hits = len(params) + 1
    counted = await conn.fetchrow(
        f"SELECT count(*) AS total, coalesce(array_agg(id) FILTER (WHERE id = ANY(${hits}::uuid[])), '{{}}') AS hits"
        f" FROM read.inquiries WHERE {where}",
        *params,
        list(filters.word_hits),
    )
    rows = await conn.fetch(
        f"SELECT {_LIST_COLUMNS} FROM read.inquiries WHERE {where}"
        f" ORDER BY {SORTS[filters.sort]} LIMIT {PAGE_SIZE} OFFSET {offset}",
        *params,
    )
    shown_hits = [row["id"] for row in rows if row["id"] in filters.word_hits and row["id"] not in counted["hits"]]
    return ListPage(counted["total"], rows, [*counted["hits"], *shown_hits])


async def assignees(conn: asyncpg.Connection) -> list[str]:
    rows = await conn.fetch("SELECT DISTINCT assignee FROM read.inquiries WHERE assignee IS NOT NULL ORDER BY 1")
    return [row["assignee"] for row in rows]


# -- the dashboard: their own open inquiries, the reply deadlines, this year at a glance ---------------------

LIST_LIMIT = 25  # the oldest first; the inquiry list has the rest
_ROW = (
    f"reference, received_on, status, primary_area, case_types, assignee, {ANSWERED} AS answered,"
    " count(*) OVER () AS total"
)


async def my_open_inquiries(conn: asyncpg.Connection, assignee: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"SELECT {_ROW} FROM read.inquiries WHERE status = 'open' AND assignee = $1"
        f" ORDER BY received_on, reference LIMIT {LIST_LIMIT}",
        assignee,
    )


async def unassigned(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Open and nobody's yet, such as what the public form brings in: the oldest first, to be handed out."""
    return await conn.fetch(
        f"SELECT {_ROW} FROM read.inquiries WHERE status = 'open' AND assignee IS NULL"
        f" ORDER BY received_on, reference LIMIT {LIST_LIMIT}"
    )


async def replies_due_soon(conn: asyncpg.Connection, today: date) -> list[asyncpg.Record]:
    """Awaiting a first response, with the month ending between today and DUE_SOON_DAYS from now."""
    return await conn.fetch(
        f"SELECT {_ROW} FROM read.inquiries WHERE {AWAITING_REPLY} AND received_on BETWEEN $1 AND $2"
        f" ORDER BY received_on, reference LIMIT {LIST_LIMIT}",
        *deadlines.due_soon_if_received_between(today),
    )


async def overdue(conn: asyncpg.Connection, today: date) -> list[asyncpg.Record]:
    """Awaiting a first response more than a month after receipt."""
    return await conn.fetch(
        f"SELECT {_ROW} FROM read.inquiries WHERE {AWAITING_REPLY} AND received_on < $1"
        f" ORDER BY received_on, reference LIMIT {LIST_LIMIT}",
        deadlines.overdue_if_received_before(today),
    )


async def year_at_a_glance(conn: asyncpg.Connection, today: date) -> asyncpg.Record:
    """Of the inquiries received this year: how many, still open, resolved, and overdue for a reply."""
    return await conn.fetchrow(
        "SELECT count(*) AS received,"
        " count(*) FILTER (WHERE status = 'open') AS open,"
        " count(*) FILTER (WHERE status = 'resolved') AS resolved,"
        f" count(*) FILTER (WHERE {AWAITING_REPLY} AND received_on < $3) AS overdue"
        " FROM read.inquiries WHERE received_on BETWEEN $1 AND $2",
        date(today.year, 1, 1),
        date(today.year, 12, 31),
        deadlines.overdue_if_received_before(today),
    )
