"""The outreach page's queries: which years have activities, and one year's activities, newest first."""

from __future__ import annotations

from datetime import date

import asyncpg

_YEARS = (
    "SELECT DISTINCT extract(year FROM held_on)::int AS year FROM read.outreach WHERE NOT cancelled ORDER BY year DESC"
)
_ACTIVITIES = (
    "SELECT id, held_on, kind, title, audience, participants FROM read.outreach"
    " WHERE held_on BETWEEN $1 AND $2 AND NOT cancelled ORDER BY held_on DESC, title"
)


async def years(conn: asyncpg.Connection) -> list[int]:
    return [row["year"] for row in await conn.fetch(_YEARS)]


async def activities(conn: asyncpg.Connection, year: int) -> list[asyncpg.Record]:
    """Cancelled activities are left out, as the annual report leaves them out of its count."""
    return await conn.fetch(_ACTIVITIES, date(year, 1, 1), date(year, 12, 31))
