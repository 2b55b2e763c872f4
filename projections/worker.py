"""Follows every tenant's events and keeps the read models current, exactly once per event."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import sql

from projections import case_list
from services.platform import Platform

log = logging.getLogger(__name__)

PROJECTIONS: dict[str, Callable[[Any, str, Any], None]] = {case_list.NAME: case_list.apply_batch}
BATCH = 1000
IDLE_SECONDS = 5.0


class ProjectionWorker:
    """One process for all tenants: one connection to write, one to listen, however many tenants."""

    def __init__(self, platform: Platform, conninfo: str) -> None:
        self._platform = platform
        self._conninfo = conninfo
        self._writer = psycopg.connect(conninfo)

    def close(self) -> None:
        self._writer.close()

    def catch_up(self, slug: str, projection: str = case_list.NAME) -> int:
        """Applies every event after the recorded position; each batch and its new position commit together."""
        recorder = self._platform.office(slug).app.recorder
        mapper = self._platform.office(slug).app.mapper
        apply = PROJECTIONS[projection]
        applied = 0
        while True:
            with self._writer.transaction(), self._writer.cursor() as cursor:
                cursor.execute("SELECT set_config('app.tenant_id', %s, true)", (slug,))
                cursor.execute(
                    "SELECT position FROM read.positions WHERE tenant_id = %s AND projection = %s FOR UPDATE",
                    (slug, projection),
                )
                row = cursor.fetchone()
                position = row[0] if row else 0
                notifications = recorder.select_notifications(start=position + 1, limit=BATCH)
                if not notifications:
                    return applied
                apply(cursor, slug, [mapper.to_domain_event(n) for n in notifications])
                cursor.execute(
                    "INSERT INTO read.positions (tenant_id, projection, position) VALUES (%s, %s, %s)"
                    " ON CONFLICT (tenant_id, projection) DO UPDATE SET position = excluded.position",
                    (slug, projection, notifications[-1].id),
                )
            applied += len(notifications)

    def lag(self, slug: str, projection: str = case_list.NAME) -> int:
        """How many events the projection has not yet applied."""
        newest = self._platform.office(slug).app.recorder.max_notification_id() or 0
        with self._writer.transaction(), self._writer.cursor() as cursor:
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", (slug,))
            cursor.execute(
                "SELECT position FROM read.positions WHERE tenant_id = %s AND projection = %s", (slug, projection)
            )
            row = cursor.fetchone()
        return newest - (row[0] if row else 0)

    def catch_up_all(self) -> dict[str, int]:
        return {slug: self.catch_up(slug) for slug in self._platform.slugs()}

    def run(self, stop: threading.Event) -> None:
        """Sleeps on LISTEN until a tenant's table notifies; looks for new tenants when idle."""
        with psycopg.connect(self._conninfo, autocommit=True) as listener:
            channels: dict[str, str] = {}
            while not stop.is_set():
                for slug in self._platform.slugs():
                    channel = self._platform.office(slug).app.recorder.channel_name
                    if channel not in channels:
                        listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
                        channels[channel] = slug
                        self._report(slug, self.catch_up(slug))
                for notify in listener.notifies(timeout=IDLE_SECONDS, stop_after=1):
                    slug = channels[notify.channel]
                    self._report(slug, self.catch_up(slug))

    def _report(self, slug: str, applied: int) -> None:
        if applied:
            log.info("tenant=%s applied=%d lag=%d", slug, applied, self.lag(slug))
