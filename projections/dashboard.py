"""The caseworker's overview: their own open inquiries, the § 11 a reply deadlines, and this year at a glance.

Forvaltningsloven § 11 a: an inquiry gets a reply or an interim reply within one month of receipt. An inquiry
with no first response and not resolved is waiting for one; when it is due soon or overdue is domain.deadlines'
to say, and the queries bind the receipt dates it works out.
"""

from __future__ import annotations

from datetime import date

import asyncpg

from domain import deadlines
from projections.inquiry_list import AWAITING_REPLY

LIST_LIMIT = 25  # the oldest first; the inquiry list has the rest
_ROW = (
    "reference, received_on, status, primary_area, case_types, assignee, first_response_on, resolved_on,"
    " count(*) OVER () AS total"
)


async def my_open_inquiries(conn: asyncpg.Connection, assignee: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"SELECT {_ROW} FROM read.inquiries WHERE status = 'open' AND assignee = $1"
        f" ORDER BY received_on, reference LIMIT {LIST_LIMIT}",
        assignee,
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
