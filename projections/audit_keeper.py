"""The worker's duties to the audit chains: seal within seconds, sign a checkpoint at least every minute while there
are new entries, verify each chain in turn, and raise the alarm (log line, metric, platform page) on a break."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import psycopg
from opentelemetry import metrics

from projections import audit_chain
from projections.audit_chain import ChainDoesNotHold, Verdict
from services.audit_signing import Signer

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
_breaks = metrics.get_meter("ombud.audit").create_counter(
    "ombud.audit.chain_breaks", description="Audit chains found broken by the worker's verification"
)


class AuditKeeper:
    """Keeps time for one worker process; without a signer it seals only (nothing signs, nothing is verified)."""

    def __init__(self, signer: Signer | None = None, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.signer = signer
        self._clock = clock
        self._verified_at: dict[str, float] = {}

    def keep(self, conn: psycopg.Connection[Any], scopes: list[str], *, now: bool = False) -> list[Verdict]:
        verdicts = []
        for scope in scopes:
            try:
                audit_chain.seal(conn, scope)
            except psycopg.errors.UndefinedTable:
                continue  # a tenant whose tables are still being made: sealed next round
            if self.signer is None:
                continue
            try:
                audit_chain.checkpoint(conn, scope, self.signer, older_than_seconds=0 if now else CHECKPOINT_SECONDS)
            except ChainDoesNotHold:
                self._verified_at.pop(scope, None)  # verify at once, below, and raise the alarm
            if now or self._clock() - self._verified_at.get(scope, float("-inf")) >= VERIFY_SECONDS:
                verdicts.append(self._verify(conn, scope))
        return verdicts

    def _verify(self, conn: psycopg.Connection[Any], scope: str) -> Verdict:
        assert self.signer is not None
        verdict = audit_chain.verify(conn, scope, self.signer.public_key)
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
        if broken is not None:
            _breaks.add(1, {"tenant": scope, "reason": broken.reason})
            log.error(
                "audit chain broken: tenant=%s position=%d source=%s key=%s reason=%s",
                scope,
                broken.position,
                broken.source,
                broken.source_key,
                broken.reason,
            )
        return verdict
