"""The worker's duties to the audit chains: seal within seconds (only the chains with new rows), sign a checkpoint at
least every minute while there are new entries, verify each new stretch once, re-verify every chain in full on a
schedule of its own (its own thread and connection, off the projection path), and raise the alarm (log line, metric,
platform page) on a break."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, cast

import psycopg
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import StoredEvent
from opentelemetry import metrics

from domain.account import PLATFORM_SCOPE
from domain.audit_chain import Checkpoint
from services.audit import chain as audit_chain
from services.audit.chain import Break, ChainDoesNotHold, EventTime, Head, Verdict
from services.audit_signing import Signer
from services.platform import Platform

log = logging.getLogger(__name__)

CHECKPOINT_SECONDS = 60.0
VERIFY_SECONDS = 300.0  # the full re-verification's period, counted from the end of the previous pass
_COLUMNS = (
    "INSERT INTO audit.chain_status (tenant_id, verified_length, verified_head, verified_at, broken_position,"
    " broken_source, broken_key, broken_reason) VALUES (%s, %s, %s, now(), %s, %s, %s, %s) ON CONFLICT (tenant_id)"
    " DO UPDATE SET verified_length = excluded.verified_length, verified_head = excluded.verified_head,"
    " verified_at = excluded.verified_at, broken_position = excluded.broken_position,"
    " broken_source = excluded.broken_source, broken_key = excluded.broken_key, broken_reason = excluded.broken_reason"
)
# The full pass is the authority: it records a break, clears one, and never moves the verified head back.
_FULL_STATUS = (
    _COLUMNS + " WHERE excluded.broken_position IS NOT NULL OR audit.chain_status.broken_position IS NOT NULL"
    " OR audit.chain_status.verified_length <= excluded.verified_length"
)
# A stretch only moves the head on, or records a break; it never clears one the full pass found.
_STRETCH_STATUS = _COLUMNS + " WHERE audit.chain_status.broken_position IS NULL"
_VERIFIED = (
    "SELECT verified_length, verified_head FROM audit.chain_status WHERE tenant_id = %s"
    " AND broken_position IS NULL AND verified_head IS NOT NULL"
)
Scopes = Callable[[], list[str]]
EventTimes = Callable[[str], EventTime | None]


class AuditKeeper:
    """Keeps time for one worker process; without a signer it seals only (nothing signs, nothing is verified).

    `clock` times the checkpoints; `meter_provider` (default: the global one) gets the counter
    `ombud.audit.chain_breaks`, made at the first break. `published`: the hook for witnesses outside the platform
    (the kommune's archive, its control committee), called with each checkpoint once it is committed; the place for
    the outbox's row when there is an outbox (docs/audit.md, "Witnesses"). The alarm (log line, count) is raised once for each new
    break, from whichever thread finds it; `audit.chain_status` holds each chain's latest verdict.
    """

    def __init__(
        self,
        signer: Signer | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        meter_provider: metrics.MeterProvider | None = None,
        published: Callable[[Checkpoint], None] | None = None,
    ) -> None:
        self.signer = signer
        self._published = published
        self._clock = clock
        self._meter_provider = meter_provider
        self._breaks: metrics.Counter | None = None
        self._signed_at: dict[str, float] = {}
        self._unsigned: set[str] | None = None  # chains with entries after their last checkpoint; None: not known
        self._verified: dict[str, Head] = {}  # the head each chain was last verified to
        self._alarmed: dict[str, Break] = {}
        self._lock = threading.Lock()  # the two threads share the verified heads and the alarms

    def keep(
        self,
        conn: psycopg.Connection[Any],
        scopes: list[str],
        *,
        now: bool = False,
        event_time: EventTimes = lambda _: None,
    ) -> list[Verdict]:
        """One look: seal the chains with new rows, sign those due, verify what was added since the last look.

        `now`: seal, sign and verify in full every chain at once (`ombud worker --once`)."""
        grown = set()
        for scope in scopes if now else audit_chain.with_new_rows(conn, scopes):
            try:
                if audit_chain.seal(conn, scope):
                    grown.add(scope)
            except psycopg.errors.UndefinedTable:
                continue  # a tenant whose tables are still being made: sealed next round
        if self.signer is None:
            return []
        signer = self.signer
        if self._unsigned is None or now:
            self._unsigned = set(scopes)  # after a start, each chain is looked at once
        self._unsigned |= grown
        verdicts = []
        for scope in scopes:
            refused = False
            if scope in self._unsigned and (now or self._due(scope)):
                try:
                    made = audit_chain.checkpoint(conn, scope, signer)
                    if made is not None and self._published is not None:
                        self._published(made)
                    self._signed_at[scope] = self._clock()
                    self._unsigned.discard(scope)
                except ChainDoesNotHold:
                    with self._lock:  # verified in full at once, below, and the alarm raised (once)
                        refused = scope not in self._alarmed
                    self._signed_at[scope] = self._clock()
            if now or refused:
                verdicts.append(self._verify_in_full(conn, scope, event_time(scope), refused=refused))
            elif scope in grown:
                verdict = self._verify_stretch(conn, scope, event_time(scope))
                if verdict is not None:
                    verdicts.append(verdict)
        return verdicts

    def verify_in_full(
        self, conn: psycopg.Connection[Any], scopes: list[str], event_time: EventTimes = lambda _: None
    ) -> list[Verdict]:
        """One full pass: every chain recomputed from its genesis and held against the signer's record."""
        if self.signer is None:
            return []
        return [self._verify_in_full(conn, scope, event_time(scope)) for scope in scopes]

    def verify_in_full_every(
        self, conninfo: str, scopes: Scopes, event_time: EventTimes, stop: threading.Event, seconds: float
    ) -> None:
        """The full re-verification's own loop (a thread of the worker), on its own connection, until `stop`."""
        while not stop.is_set():
            try:
                with psycopg.connect(conninfo, autocommit=True) as conn:
                    for scope in scopes():
                        if stop.is_set():
                            return
                        if self.signer is not None:
                            self._verify_in_full(conn, scope, event_time(scope))
            except (psycopg.OperationalError, psycopg.InterfaceError) as error:
                log.warning("audit chain: full verification interrupted (%s)", type(error).__name__)
            stop.wait(seconds)

    def _due(self, scope: str) -> bool:
        return self._clock() - self._signed_at.get(scope, float("-inf")) >= CHECKPOINT_SECONDS

    def _remembered(self, scope: str) -> list[Any]:
        memory = self.signer.memory if self.signer is not None else None
        last = memory.last(scope) if memory is not None else None
        return [] if last is None else [last]

    def _verify_in_full(
        self, conn: psycopg.Connection[Any], scope: str, event_time: EventTime | None, *, refused: bool = False
    ) -> Verdict:
        assert self.signer is not None
        verdict = audit_chain.verify(
            conn, scope, self.signer.public_key, known=self._remembered(scope), event_time=event_time
        )
        broken = verdict.broken
        if broken is None and refused:  # the signer saw what the full check cannot place: still an alarm
            broken = Break(verdict.length, None, None, None, "refused")
        self._record(conn, _FULL_STATUS, scope, verdict, broken)
        with self._lock:
            if broken is None:
                self._alarmed.pop(scope, None)
                if verdict.length >= self._verified.get(scope, Head(0, b"")).length:
                    self._verified[scope] = Head(verdict.length, verdict.head)
        return verdict

    def _verify_stretch(
        self, conn: psycopg.Connection[Any], scope: str, event_time: EventTime | None
    ) -> Verdict | None:
        """The entries since the head last verified, once; None when no head is known yet (the full pass sets it)."""
        assert self.signer is not None
        with self._lock:
            since = self._verified.get(scope)
        if since is None:
            with conn.transaction(), conn.cursor() as cursor:
                cursor.execute("SELECT set_config('app.tenant_id', %s, true)", (scope,))
                cursor.execute(_VERIFIED, (scope,))
                row = cursor.fetchone()
            if row is None:
                return None
            since = Head(row[0], bytes(row[1]))
        verdict = audit_chain.verify(
            conn, scope, self.signer.public_key, known=self._remembered(scope), since=since, event_time=event_time
        )
        self._record(conn, _STRETCH_STATUS, scope, verdict, verdict.broken)
        if verdict.holds:
            with self._lock:
                if verdict.length >= self._verified.get(scope, Head(0, b"")).length:
                    self._verified[scope] = Head(verdict.length, verdict.head)
        return verdict

    def _record(
        self, conn: psycopg.Connection[Any], statement: str, scope: str, verdict: Verdict, broken: Break | None
    ) -> None:
        with conn.transaction(), conn.cursor() as cursor:
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", (scope,))
            cursor.execute(
                statement,
                (
                    scope,
                    verdict.length,
                    verdict.head if broken is None else None,
                    broken and broken.position,
                    broken and broken.source,
                    broken and broken.source_key,
                    broken and broken.reason,
                ),
            )
        if broken is not None:
            with self._lock:
                if self._alarmed.get(scope) == broken:
                    return
                self._alarmed[scope] = broken
                self._alarm(scope, broken)

    def _alarm(self, scope: str, broken: Break) -> None:
        """Positions, tables and row numbers only: never a row's content."""
        if self._breaks is None:
            provider = self._meter_provider or metrics.get_meter_provider()
            self._breaks = provider.get_meter("ombud.audit").create_counter(
                "ombud.audit.chain_breaks", description="Audit chains found broken by the worker's verification"
            )
        self._breaks.add(1, {"tenant": scope, "reason": broken.reason})
        log.error(
            "audit chain broken: tenant=%s position=%d source=%s key=%s reason=%s",
            scope,
            broken.position,
            broken.source,
            broken.source_key,
            broken.reason,
        )


def event_time_of(platform: Platform, scope: str) -> EventTime | None:
    """When a stored event of the scope was recorded (opened with the tenant's key); the platform's scope has none."""
    if scope == PLATFORM_SCOPE:
        return None
    app = platform.office(scope).app
    return lambda row: (
        cast(DomainEvent, app.mapper.to_domain_event(StoredEvent(row[1], row[2], row[3], row[4]))).timestamp
    )
