"""Follows every tenant's events and keeps the read models current, exactly once per event."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import psycopg
from eventsourcing.persistence import StoredEvent
from psycopg import sql

from projections import case_list, outreach
from projections.safe_login import refuse_unsafe_login_sync
from services.platform import TENANTS_CHANNEL, Platform

log = logging.getLogger(__name__)

PROJECTIONS: dict[str, Callable[[Any, str, Any], None]] = {
    case_list.NAME: case_list.apply_batch,
    outreach.NAME: outreach.apply_batch,
}
PROJECTION_TABLES = {case_list.NAME: case_list.TABLES, outreach.NAME: outreach.TABLES}
Progress = Callable[[int, int], None]
BATCH = 10_000
IDLE_SECONDS = 5.0


class ProjectionWorker:
    """One process for all tenants: one connection to write, one to listen, however many tenants."""

    def __init__(self, platform: Platform, conninfo: str) -> None:
        self._platform = platform
        self._conninfo = conninfo
        self._writer = psycopg.connect(conninfo)
        try:
            with self._writer.transaction(), self._writer.cursor() as cursor:
                refuse_unsafe_login_sync(cursor)
        except BaseException:
            self._writer.close()
            raise

    def close(self) -> None:
        self._writer.close()

    def catch_up(self, slug: str, projection: str | None = None) -> int:
        """Applies every event after the recorded positions; each batch and its new positions commit together.

        Without `projection`, every projection, from one read and decode of each batch; returns how many
        events the furthest-behind projection applied.
        """
        names = [projection] if projection else list(PROJECTIONS)
        applied = 0
        while True:
            with self._writer.transaction(), self._writer.cursor() as cursor:
                count = self._next_batch(cursor, slug, names)
            if not count:
                return applied
            applied += count

    def rebuild(
        self, slug: str, projection: str = case_list.NAME, progress: Progress = lambda done, total: None
    ) -> int:
        """Replays from zero in one transaction: readers see the old rows until the new ones are complete."""
        total = self._platform.office(slug).app.recorder.max_notification_id() or 0
        applied = 0
        with self._writer.transaction(), self._writer.cursor() as cursor:
            self._lock(cursor, slug, [projection])
            for table in PROJECTION_TABLES[projection]:
                cursor.execute(f"DELETE FROM {table} WHERE tenant_id = %s", (slug,))
            cursor.execute("DELETE FROM read.positions WHERE tenant_id = %s AND projection = %s", (slug, projection))
            progress(0, total)
            while count := self._next_batch(cursor, slug, [projection]):
                applied += count
                progress(applied, total)
        return applied

    def _next_batch(self, cursor: Any, slug: str, names: list[str]) -> int:
        """One batch from the furthest-behind position; each projection gets the events it has not seen."""
        app = self._platform.office(slug).app
        self._lock(cursor, slug, names)
        cursor.execute(
            "SELECT projection, position FROM read.positions WHERE tenant_id = %s AND projection = ANY(%s)",
            (slug, names),
        )
        positions = dict.fromkeys(names, 0) | dict(cursor.fetchall())
        # Read on the writer's own connection, as plain tuples: no pool checkout, no dict rows per event.
        recorder = app.recorder
        cursor.execute(
            sql.SQL(
                "SELECT notification_id, originator_id, originator_version, topic, state FROM {}.{}"
                " WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
            ).format(sql.Identifier(recorder.datastore.schema), sql.Identifier(recorder.events_table_name)),
            (min(positions.values()), BATCH),
        )
        notifications = cursor.fetchall()
        if not notifications:
            return 0
        to_event = app.mapper.to_domain_event
        events = [(row[0], to_event(StoredEvent(row[1], row[2], row[3], row[4]))) for row in notifications]
        for name in names:
            unseen = [event for position, event in events if position > positions[name]]
            if unseen:
                PROJECTIONS[name](cursor, slug, unseen)
        cursor.execute(
            "INSERT INTO read.positions (tenant_id, projection, position) SELECT %s, unnest(%s::text[]), %s"
            " ON CONFLICT (tenant_id, projection) DO UPDATE SET position = excluded.position",
            (slug, names, notifications[-1][0]),
        )
        return len(events)  # all of them are new to the furthest-behind projection

    @staticmethod
    def _lock(cursor: Any, slug: str, names: list[str]) -> None:
        """One writer per tenant and projection, also across processes; and row-level security's tenant."""
        cursor.execute("SELECT set_config('app.tenant_id', %s, true)", (slug,))
        for name in sorted(names):  # always in the same order, so two workers cannot deadlock
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"{slug}/{name}",))

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
        """Sleeps on LISTEN until a tenant's table notifies, or a tenant is added; looks again when idle."""
        with psycopg.connect(self._conninfo, autocommit=True) as listener:
            listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(TENANTS_CHANNEL)))
            channels: dict[str, str] = {}
            while not stop.is_set():
                for slug in self._platform.slugs():
                    channel = self._platform.office(slug).app.recorder.channel_name
                    if channel not in channels:
                        listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
                        try:
                            applied = self.catch_up(slug)
                        except psycopg.errors.UndefinedTable:
                            continue  # listed while its tables are being made: looked at again next round
                        channels[channel] = slug
                        self._report(slug, applied)
                for notify in listener.notifies(timeout=IDLE_SECONDS, stop_after=1):
                    if notify.channel in channels:
                        slug = channels[notify.channel]
                        self._report(slug, self.catch_up(slug))

    def _report(self, slug: str, applied: int) -> None:
        if applied:
            log.info("tenant=%s applied=%d lag=%d", slug, applied, self.lag(slug))
