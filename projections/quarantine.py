"""Projections set aside: one tenant's unprojectable event stops that tenant's projection, never the worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
from psycopg import Cursor

from domain.deadlines import moment_in_norway
from projections import inquiries, outreach, search_index

# What the platform admin reads: the projection in bokmål, and the exception types a projection meets, explained.
PROJECTION_NAMES = {
    inquiries.NAME: "saksliste og statistikk",
    outreach.NAME: "utadrettet virksomhet",
    search_index.NAME: "søk på navn og ord",
}
REASONS = {
    "NumericValueOutOfRange": "et tall er større enn lesemodellen kan lagre",
    "DatetimeFieldOverflow": "en dato ligger utenfor det lesemodellen kan lagre",
    "StringDataRightTruncation": "en tekst er lengre enn lesemodellen kan lagre",
    "CharacterNotInRepertoire": "en tekst har tegn databasen ikke godtar",
    "UntranslatableCharacter": "en tekst har tegn databasen ikke godtar",
    "NotNullViolation": "et felt lesemodellen krever, mangler",
    "UniqueViolation": "hendelsen ville gi en rad som finnes fra før",
    "CheckViolation": "hendelsen bryter en regel i lesemodellen",
    "TopicError": "hendelsestypen er ukjent for denne versjonen av programmet",
    "InvalidTag": "hendelsen kan ikke dekrypteres med kommunens nøkkel",
}
MAX_TOPIC = 200

_RECORD = (
    "INSERT INTO read.projection_quarantine (tenant_id, projection, position, topic, reason) VALUES (%s, %s, %s, %s, %s)"
    " ON CONFLICT (tenant_id, projection) DO UPDATE SET reason = excluded.reason, topic = excluded.topic,"
    " position = excluded.position, since = CASE WHEN read.projection_quarantine.position = excluded.position"
    " THEN read.projection_quarantine.since ELSE now() END"
)
_SET_ASIDE = "SELECT projection FROM read.projection_quarantine WHERE tenant_id = %s"
_RELEASE = "DELETE FROM read.projection_quarantine WHERE tenant_id = %s AND projection = ANY(%s)"
_EVERY = "SELECT tenant_id, projection, position, topic, reason, since FROM read.quarantined_projections()"
_AS_READER = "SELECT set_config('role', 'ombud_reader', true)"


@dataclass(frozen=True)
class Quarantine:
    """Where and why a tenant's projection stopped: no event data, no exception message."""

    tenant_id: str
    projection: str
    position: int
    topic: str
    reason: str
    since: datetime | None = None

    @property
    def event_type(self) -> str:
        """`domain.outreach:OutreachActivity.Registered` → `OutreachActivity.Registered`."""
        return self.topic.rpartition(":")[2]

    def explanation(self) -> str:
        """One line in bokmål for the platform admin and the worker's output."""
        name = PROJECTION_NAMES.get(self.projection, self.projection)
        cause = REASONS.get(self.reason, "hendelsen kunne ikke projiseres")
        return f"{name} er satt til side ved hendelse {self.position} ({self.event_type}): {cause} ({self.reason})"

    def since_in_norway(self) -> str:
        return "" if self.since is None else moment_in_norway(self.since)


def record(cursor: Cursor[Any], quarantine: Quarantine) -> None:
    """Inside the tenant's transaction (row-level security checks the tenant); `since` stays while the event does."""
    cursor.execute(
        _RECORD,
        (
            quarantine.tenant_id,
            quarantine.projection,
            quarantine.position,
            quarantine.topic[:MAX_TOPIC],
            quarantine.reason,
        ),
    )


def set_aside(cursor: Cursor[Any], tenant_id: str) -> set[str]:
    """The tenant's projections that are set aside, inside the tenant's transaction."""
    cursor.execute(_SET_ASIDE, (tenant_id,))
    return {row[0] for row in cursor.fetchall()}


def release(cursor: Cursor[Any], tenant_id: str, projections: list[str]) -> None:
    cursor.execute(_RELEASE, (tenant_id, projections))


def every(cursor: Cursor[Any]) -> list[Quarantine]:
    """Every tenant's set-aside projections, through the one function that reads across tenants."""
    cursor.execute(_EVERY)
    return [Quarantine(*row) for row in cursor.fetchall()]


async def every_for_platform(pool: asyncpg.Pool) -> list[Quarantine]:
    """The same list for the platform admin's page and health, read in the reader role."""
    async with pool.acquire() as conn, conn.transaction(readonly=True):
        await conn.execute(_AS_READER)
        return [Quarantine(**dict(row)) for row in await conn.fetch(_EVERY)]


async def by_tenant(pool: asyncpg.Pool) -> dict[str, list[Quarantine]]:
    found: dict[str, list[Quarantine]] = {}
    for quarantine in await every_for_platform(pool):
        found.setdefault(quarantine.tenant_id, []).append(quarantine)
    return found
