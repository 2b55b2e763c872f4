"""The outreach page's queries: which years have activities, and one year's activities, newest first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

_YEARS = (
    "SELECT DISTINCT extract(year FROM held_on)::int AS year FROM read.outreach WHERE NOT cancelled ORDER BY year DESC"
)
_ACTIVITIES = (
    "SELECT id, held_on, kind, title, audience, participants FROM read.outreach"
    " WHERE held_on BETWEEN $1 AND $2 AND NOT cancelled ORDER BY held_on DESC, title"
)


@dataclass(frozen=True)
class Change:
    """An activity just registered, corrected or deleted (`withdrawn`), as saved: the worker may not have it yet."""

    id: UUID
    held_on: date
    kind: str
    title: str
    audience: str
    participants: int | None
    withdrawn: bool = False


async def years(conn: asyncpg.Connection) -> list[int]:
    return [row["year"] for row in await conn.fetch(_YEARS)]


async def activities(conn: asyncpg.Connection, year: int) -> list[asyncpg.Record]:
    """Cancelled activities are left out, as the annual report leaves them out of its count."""
    return await conn.fetch(_ACTIVITIES, date(year, 1, 1), date(year, 12, 31))


def with_change(rows: Sequence[Mapping[str, Any]], year: int, change: Change | None) -> list[dict[str, Any]]:
    """The year's rows with the person's own latest change laid over them, so the list they see after saving shows it
    whether or not the worker has caught up: the changed activity's row replaced, dropped, or moved to its year."""
    kept = [dict(row) for row in rows if change is None or row["id"] != change.id]
    if change is not None and not change.withdrawn and change.held_on.year == year:
        kept.append(
            {
                "id": change.id,
                "held_on": change.held_on,
                "kind": change.kind,
                "title": change.title,
                "audience": change.audience,
                "participants": change.participants,
            }
        )
    kept.sort(key=lambda row: row["title"])
    kept.sort(key=lambda row: row["held_on"], reverse=True)
    return kept
