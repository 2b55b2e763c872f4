"""The worker's duties to the audit chains: seal within seconds, sign a checkpoint at least every minute while there
are new entries, verify each chain in turn, and raise the alarm (log line, metric, platform page) on a break."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import psycopg
from eventsourcing.persistence import StoredEvent
from opentelemetry import metrics

from domain.account import PLATFORM_SCOPE
from projections import audit_chain
from projections.audit_chain import Break, ChainDoesNotHold, EventTime, Verdict
from services.audit_signing import Signer
from services.platform import Platform

log = logging.getLogger(__name__)

CHECKPOINT_SECONDS = 60.0
VERIFY_SECONDS = 300.0
_STATUS = (
    "INSERT INTO audit.chain_status (tenant_id, verified_length, verified_at, broken_position, broken_source,"
    " broken_key, broken_reason) VALUES (%s, %s, now(), %s, %s, %s, %s) ON CONFLICT (tenant_id) DO UPDATE SET"
    " verified_length = excluded.verified_length, verified_at = excluded.verified_at,"
    " broken_position = excluded.broken_position, broken_source = excluded.broken_source,"
    " broken_key = excluded.broken_key, broken_reason = excluded.broken_reason"
)


class AuditKeeper:
    """Keeps time for one worker process; without a signer it seals only (nothing signs, nothing is verified).

    `clock` times the checkpoints and verifications; `meter_provider` (default: the global one) gets the counter
    `ombud.audit.chain_breaks`, made at the first break. The alarm (log line, count) is raised once for each new
    break; `audit.chain_status` is written at every verification.
    """

    def __init__(
        self,
        signer: Signer | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        meter_provider: metrics.MeterProvider | None = None,
    ) -> None:
        self.signer = signer
        self._clock = clock
        self._meter_provider = meter_provider
        self._breaks: metrics.Counter | None = None
        self._signed_at: dict[str, float] = {}
        self._verified_at: dict[str, float] = {}
        self._alarmed: dict[str, Break] = {}

    def keep(self, conn: psycopg.Connection[Any], scopes: list[str], *, now: bool = False) -> list[Verdict]:
        verdicts = []
        for scope in scopes:
            try:
                audit_chain.seal(conn, scope)
            except psycopg.errors.UndefinedTable:
                continue  # a tenant whose tables are still being made: sealed next round
            if self.signer is None:
                continue
            if now or self._due(self._signed_at, scope, CHECKPOINT_SECONDS):
                try:
                    if audit_chain.checkpoint(conn, scope, self.signer) is not None:
                        self._signed_at[scope] = self._clock()
                except ChainDoesNotHold:
                    if scope not in self._alarmed:
                        self._verified_at.pop(scope, None)  # verify at once, below, and raise the alarm
            if now or self._due(self._verified_at, scope, VERIFY_SECONDS):
                verdicts.append(self._verify(conn, scope, self.signer))
        return verdicts

    def _due(self, last: dict[str, float], scope: str, seconds: float) -> bool:
        return self._clock() - last.get(scope, float("-inf")) >= seconds

    def _verify(self, conn: psycopg.Connection[Any], scope: str, signer: Signer) -> Verdict:
        verdict = audit_chain.verify(conn, scope, signer.public_key)
        self._verified_at[scope] = self._clock()
        broken = verdict.broken
        with conn.transaction(), conn.cursor() as cursor:
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", (scope,))
            cursor.execute(
                _STATUS,
                (
                    scope,
                    verdict.length,
                    broken and broken.position,
                    broken and broken.source,
                    broken and broken.source_key,
                    broken and broken.reason,
                ),
            )
        if broken is None:
            self._alarmed.pop(scope, None)
        elif self._alarmed.get(scope) != broken:
            self._alarmed[scope] = broken
            self._alarm(scope, broken)
        return verdict

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
    return lambda row: app.mapper.to_domain_event(StoredEvent(row[1], row[2], row[3], row[4])).timestamp
