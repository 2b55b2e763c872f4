"""What the worker last found when it verified each audit chain, for the platform admin's page and health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from domain.deadlines import moment_in_norway
from services.audit.chain import REASONS, SOURCE_NAMES, scope_name

_EVERY = (
    "SELECT tenant_id, verified_length, verified_at, broken_position, broken_source, broken_key, broken_reason"
    " FROM audit.chain_verdicts()"
)
_AS_READER = "SELECT set_config('role', 'ombud_reader', true)"


@dataclass(frozen=True)
class ChainStatus:
    """One chain's last verdict: where it broke, never what the row held."""

    tenant_id: str
    verified_length: int
    verified_at: datetime
    broken_position: int | None
    broken_source: str | None
    broken_key: int | None
    broken_reason: str | None

    @property
    def holds(self) -> bool:
        return self.broken_position is None

    @property
    def name(self) -> str:
        return scope_name(self.tenant_id)

    def verified_in_norway(self) -> str:
        return moment_in_norway(self.verified_at)

    def table(self) -> str | None:
        """The broken row's table in bokmål, if the break is at a row."""
        return SOURCE_NAMES.get(self.broken_source or "")

    def reason(self) -> str:
        return REASONS.get(self.broken_reason or "", "kjeden holder ikke")


async def every_chain(pool: asyncpg.Pool) -> list[ChainStatus]:
    """Every chain's last verdict, through the one function that reads across tenants, in the reader role."""
    async with pool.acquire() as conn, conn.transaction(readonly=True):
        await conn.execute(_AS_READER)
        return [ChainStatus(**dict(row)) for row in await conn.fetch(_EVERY)]
