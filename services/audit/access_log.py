"""The access log: each read of an inquiry's personal data, recorded before the data is sent; auditors read it back."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg
from opentelemetry import metrics

from domain.access_records import (
    ACCESS_CHANNELS,
    ARCHIVE_PURPOSE,
    ATTACHMENT_PURPOSE,
    AUDIT_PURPOSE,
    CASE_WORK_PURPOSE,
    CLI_PURPOSE,
    INNSYN_PURPOSE,
    LETTER_PURPOSE,
    SEARCH_PURPOSE,
)
from services.audit.chain import RECORD_WRITERS_LOCK

PAGE_SIZE = 50
_FOR_TENANT = "SELECT set_config('app.tenant_id', $1, true)"  # for this transaction only
# The inquiry's reference comes from the case list; an inquiry the worker has not projected yet shows without one.
_FROM = (
    " FROM audit.access_records r LEFT JOIN read.inquiries i ON i.tenant_id = r.tenant_id AND i.id = r.inquiry_id"
    " WHERE ($1::text IS NULL OR i.reference = $1)"
)
_PAGE = (
    "SELECT r.id, r.at AT TIME ZONE 'Europe/Oslo' AS at, r.account_id, r.role, r.inquiry_id, i.reference, r.purpose,"
    " r.channel" + _FROM + " ORDER BY r.id DESC LIMIT $2 OFFSET $3"
)
_COUNT = "SELECT count(*)" + _FROM
_RECORD = (
    "INSERT INTO audit.access_records (tenant_id, account_id, role, inquiry_id, purpose, channel)"
    " VALUES (current_setting('app.tenant_id', true), $1, $2, $3, $4, $5)"
)
# Each inquiry the same reader has no record of, for the same purpose, role and channel, within the last $6 seconds.
_RECORD_UNLESS_RECENT = (
    "WITH written AS (INSERT INTO audit.access_records (tenant_id, account_id, role, inquiry_id, purpose, channel)"
    " SELECT current_setting('app.tenant_id', true), $1, $2, found, $4, $5 FROM unnest($3::uuid[]) AS found"
    " WHERE NOT EXISTS (SELECT 1 FROM audit.access_records r"
    "  WHERE r.tenant_id = current_setting('app.tenant_id', true) AND r.inquiry_id = found AND r.account_id = $1"
    "  AND r.role = $2 AND r.purpose = $4 AND r.channel = $5 AND r.at > now() - make_interval(secs => $6))"
    " RETURNING 1) SELECT count(*) FROM written"
)


# The purposes a metric may name; another (an operator's own words at the command line) counts as "other".
_COUNTED_PURPOSES = frozenset(
    {
        ATTACHMENT_PURPOSE,
        CASE_WORK_PURPOSE,
        AUDIT_PURPOSE,
        CLI_PURPOSE,
        INNSYN_PURPOSE,
        LETTER_PURPOSE,
        SEARCH_PURPOSE,
        ARCHIVE_PURPOSE,
    }
)


def written_counter(meter: metrics.Meter) -> metrics.Counter:
    """The count of access records committed, by tenant, purpose and channel (never who or which inquiry)."""
    return meter.create_counter(
        "ombud.access_records.written", unit="{record}", description="Access records committed before data was sent"
    )


async def record_access(
    pool: asyncpg.Pool,
    tenant: str,
    *,
    account_id: str,
    role: str,
    inquiry_id: UUID,
    purpose: str,
    channel: str,
    written: metrics.Counter | None = None,
) -> None:
    """Commits before returning: if the record cannot be written, the caller gets an error, not data.

    The reader is an account id, or the operator's name at the command line; the channel is one of
    domain.access_records.ACCESS_CHANNELS. `written` (see `written_counter`) counts the record once it is committed.
    """
    await record_accesses(
        pool,
        tenant,
        account_id=account_id,
        role=role,
        inquiry_ids=[inquiry_id],
        purpose=purpose,
        channel=channel,
        written=written,
    )


async def record_accesses(
    pool: asyncpg.Pool,
    tenant: str,
    *,
    account_id: str,
    role: str,
    inquiry_ids: Sequence[UUID],
    purpose: str,
    channel: str,
    written: metrics.Counter | None = None,
    unless_within: int | None = None,
) -> None:
    """One record per inquiry, all committed in one transaction before returning (a search's every hit).

    With `unless_within` (seconds: a live search's SEARCH_REPEAT_SECONDS), an inquiry this reader already has a record
    of, for the same purpose, role and channel, that recent gets none: that record already says they saw it. Each
    inquiry shown is still recorded; only its repeats as the person goes on typing are not.
    """
    if channel not in ACCESS_CHANNELS:
        raise ValueError(f"unknown access channel {channel!r}")
    if not inquiry_ids:
        return
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(_FOR_TENANT, tenant)
        await conn.execute(RECORD_WRITERS_LOCK)  # the audit chain seals records in commit order; repeats are seen
        if unless_within is None:
            await conn.executemany(_RECORD, [(account_id, role, i, purpose, channel) for i in inquiry_ids])
            count = len(inquiry_ids)
        else:
            distinct = list(dict.fromkeys(inquiry_ids))
            count = await conn.fetchval(
                _RECORD_UNLESS_RECENT, account_id, role, distinct, purpose, channel, float(unless_within)
            )
    if written is not None and count:
        counted = purpose if purpose in _COUNTED_PURPOSES else "other"
        written.add(count, {"tenant": tenant, "purpose": counted, "channel": channel})


async def page(conn: asyncpg.Connection, reference: str | None, number: int) -> tuple[int, list[asyncpg.Record]]:
    """One page of the tenant's access records, newest first, optionally for one inquiry; and how many in all."""
    total = await conn.fetchval(_COUNT, reference)
    rows = await conn.fetch(_PAGE, reference, PAGE_SIZE, (number - 1) * PAGE_SIZE)
    return total, rows
