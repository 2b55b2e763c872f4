"""Fiks Arkiv's outbox (platform.archive_outbox): written with the case list's batch, delivered with retries.

A resolved inquiry enters the outbox in the transaction that moves the case list past its Resolved event, so it is
queued exactly once whatever crashes; the delivery then sends it at least once, under one idempotency key, with
doubling waits up to a cap. The row holds ids and state only; the messages are made from the events at each attempt.
Logs and the row name the error's class, never a message (a driver's or a broker's may quote the content).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import psycopg
from psycopg import Cursor

from domain.common import OSLO, Context, DomainError, today_in_norway
from domain.inquiry import Inquiry
from projections.reading import tenant_transaction
from services.archive import fiks
from services.case_commands import RecordArchiveReceipt
from services.platform import Platform

log = logging.getLogger(__name__)

RETRY_FIRST_SECONDS = 30.0
RETRY_CAP_SECONDS = 3600.0
DUE_BATCH = 20

_ON_CONFLICT = (
    " ON CONFLICT (tenant_id, idempotency_key) DO UPDATE SET state = 'pending', next_attempt_at = now(),"
    " closed_version = GREATEST(archive_outbox.closed_version, excluded.closed_version)"
)
_UPSERT = (
    "INSERT INTO platform.archive_outbox (tenant_id, idempotency_key, inquiry_id, closed_version)"
    " VALUES (%s, %s, %s, %s)" + _ON_CONFLICT
)
_UPSERT_MANY = (
    "INSERT INTO platform.archive_outbox (tenant_id, idempotency_key, inquiry_id, closed_version)"
    " SELECT %s, * FROM unnest(%s::uuid[], %s::uuid[], %s::int[])" + _ON_CONFLICT
)


def enqueue_closures(cursor: Cursor[Any], tenant: str, events: Sequence[Any]) -> None:
    """Queues each inquiry resolved in the batch; a later closure (after a reopening) queues it again under the
    same key, a replay of the same closure (a rebuild) changes nothing."""
    closed: dict[UUID, int] = {}
    for event in events:
        if isinstance(event, Inquiry.Resolved):
            closed[event.originator_id] = event.originator_version
    if closed:  # one statement for the batch (a catch-up closes thousands at once)
        cursor.execute(
            _UPSERT_MANY + " WHERE archive_outbox.closed_version < excluded.closed_version",
            (
                tenant,
                [fiks.idempotency_key(tenant, inquiry_id) for inquiry_id in closed],
                list(closed),
                list(closed.values()),
            ),
        )


def request_send(conn: psycopg.Connection[Any], tenant: str, inquiry_id: UUID) -> UUID:
    """`ombud archive send`: the inquiry's case file (again) due now, under its one key; returns the key."""
    key = fiks.idempotency_key(tenant, inquiry_id)
    with conn.transaction(), conn.cursor() as cursor:
        cursor.execute("SELECT set_config('app.tenant_id', %s, true)", (tenant,))
        cursor.execute(_UPSERT, (tenant, key, inquiry_id, 0))
    return key


@dataclass(frozen=True)
class Failure:
    """A delivery that has not got through yet, as the tenant admin page shows it: no content, times in Norway."""

    reference: str
    attempts: int
    last_error: str | None
    last_attempt_at: datetime | None
    next_attempt_at: datetime


@dataclass(frozen=True)
class Summary:
    pending: int
    delivered: int
    receipted: int
    failures: list[Failure]


async def summary(pool: asyncpg.Pool, tenant: str) -> Summary:
    """The tenant's deliveries by state and those that failed at least once (the tenant admin page)."""
    async with tenant_transaction(pool, tenant) as conn:
        counts = dict(
            await conn.fetch(
                "SELECT state, count(*) FROM platform.archive_outbox WHERE tenant_id = $1 GROUP BY state", tenant
            )
        )
        rows = await conn.fetch(
            "SELECT coalesce(i.reference, o.inquiry_id::text), o.attempts, o.last_error, o.last_attempt_at,"
            " o.next_attempt_at FROM platform.archive_outbox o"
            " LEFT JOIN read.inquiries i ON i.tenant_id = o.tenant_id AND i.id = o.inquiry_id"
            " WHERE o.tenant_id = $1 AND o.state = 'pending' AND o.last_error IS NOT NULL"
            " ORDER BY o.next_attempt_at LIMIT 50",
            tenant,
        )
    return Summary(
        counts.get("pending", 0),
        counts.get("delivered", 0),
        counts.get("receipted", 0),
        [Failure(r[0], r[1], r[2], r[3] and r[3].astimezone(OSLO), r[4].astimezone(OSLO)) for r in rows],
    )


class ArchiveDelivery:
    """Delivers what is due through the transport and records what the archive answers."""

    def __init__(
        self,
        platform: Platform,
        transport: fiks.Transport,
        *,
        retry_first: float = RETRY_FIRST_SECONDS,
        retry_cap: float = RETRY_CAP_SECONDS,
    ) -> None:
        self._platform = platform
        self.transport = transport
        self._retry_first = retry_first
        self._retry_cap = retry_cap

    def deliver_due(self, conn: psycopg.Connection[Any]) -> int:
        """Every tenant's due rows once; returns how many were delivered. A row being delivered is locked (SKIP
        LOCKED), so two workers never send it at once; a crash mid-way leaves it due, to be sent again."""
        delivered = 0
        for tenant in self._platform.slugs():
            with conn.transaction(), conn.cursor() as cursor:
                cursor.execute("SELECT set_config('app.tenant_id', %s, true)", (tenant,))
                cursor.execute(
                    "SELECT idempotency_key, inquiry_id, attempts FROM platform.archive_outbox"
                    " WHERE tenant_id = %s AND state = 'pending' AND next_attempt_at <= now()"
                    " ORDER BY next_attempt_at LIMIT %s FOR UPDATE SKIP LOCKED",
                    (tenant, DUE_BATCH),
                )
                for key, inquiry_id, attempts in cursor.fetchall():
                    delivered += self._attempt(cursor, tenant, key, inquiry_id, attempts)
        return delivered

    def _attempt(self, cursor: Cursor[Any], tenant: str, key: UUID, inquiry_id: UUID, attempts: int) -> int:
        try:
            view, history = self._platform.office(tenant).case_file(str(inquiry_id))
            messages = fiks.arkivmeldinger(tenant, view, history)
            for part, xml in enumerate(messages):
                self.transport.deliver(fiks.Outgoing(tenant, key, part, len(messages), xml))
        except (OSError, DomainError, fiks.DeliveryFailed) as error:
            name = error.cause if isinstance(error, fiks.DeliveryFailed) else type(error).__name__
            delay = min(self._retry_cap, self._retry_first * 2**attempts)
            cursor.execute(
                "UPDATE platform.archive_outbox SET attempts = attempts + 1, last_attempt_at = now(),"
                " last_error = %s, next_attempt_at = now() + make_interval(secs => %s)"
                " WHERE tenant_id = %s AND idempotency_key = %s",
                (name, delay, tenant, key),
            )
            log.warning(
                "archive: tenant=%s key=%s attempt=%d failed (%s); next in %.0f s",
                tenant,
                key,
                attempts + 1,
                name,
                delay,
            )
            return 0
        cursor.execute(
            "UPDATE platform.archive_outbox SET state = 'delivered', attempts = attempts + 1, last_attempt_at = now(),"
            " delivered_at = now(), last_error = NULL WHERE tenant_id = %s AND idempotency_key = %s",
            (tenant, key),
        )
        log.info("archive: tenant=%s key=%s delivered parts=%d", tenant, key, len(messages))
        return 1

    def record_receipts(self, conn: psycopg.Connection[Any]) -> int:
        """Each receipt waiting: the case number as the inquiry's event, then the row; acknowledged after both, so a
        crash between leaves it to be recorded again (the event is not repeated for the same number)."""
        recorded = 0
        for receipt in self.transport.receipts():
            try:
                number = fiks.case_number(receipt.xml)
            except DomainError as error:
                log.warning(
                    "archive: tenant=%s key=%s receipt refused (%s)", receipt.tenant, receipt.key, type(error).__name__
                )
                self._note_error(conn, receipt.tenant, receipt.key, type(error).__name__)
                receipt.done()
                continue
            try:
                if number is not None and self._record(conn, receipt.tenant, receipt.key, number):
                    recorded += 1
            except DomainError as error:  # a concurrent change of the inquiry: read again next round
                log.warning(
                    "archive: tenant=%s key=%s receipt not recorded yet (%s)",
                    receipt.tenant,
                    receipt.key,
                    type(error).__name__,
                )
                receipt.later()
                continue
            receipt.done()
        return recorded

    def _record(self, conn: psycopg.Connection[Any], tenant: str, key: UUID, number: str) -> bool:
        if tenant not in self._platform.slugs():
            log.warning("archive: receipt for an unknown tenant ignored")
            return False
        with conn.transaction(), conn.cursor() as cursor:
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", (tenant,))
            cursor.execute(
                "SELECT inquiry_id FROM platform.archive_outbox WHERE tenant_id = %s AND idempotency_key = %s"
                " FOR UPDATE",
                (tenant, key),
            )
            row = cursor.fetchone()
            if row is None:  # a receipt for nothing this tenant sent: another's key, or noise
                log.warning("archive: tenant=%s receipt for an unknown key ignored", tenant)
                return False
            ctx = Context("worker:fiks-arkiv", "system", str(uuid4()))
            self._platform.office(tenant).handle(ctx, RecordArchiveReceipt(str(row[0]), _today(), number))
            cursor.execute(
                "UPDATE platform.archive_outbox SET state = CASE WHEN state = 'delivered' THEN 'receipted' ELSE state"
                " END, case_number = %s, receipted_at = now() WHERE tenant_id = %s AND idempotency_key = %s",
                (number, tenant, key),
            )
        log.info("archive: tenant=%s key=%s receipt recorded", tenant, key)
        return True

    def _note_error(self, conn: psycopg.Connection[Any], tenant: str, key: UUID, error: str) -> None:
        if tenant not in self._platform.slugs():
            return
        with conn.transaction(), conn.cursor() as cursor:
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", (tenant,))
            cursor.execute(
                "UPDATE platform.archive_outbox SET last_error = %s WHERE tenant_id = %s AND idempotency_key = %s",
                (error, tenant, key),
            )


def _today() -> date:
    return today_in_norway()
