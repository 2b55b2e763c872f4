"""Follows every tenant's events and keeps the read models current, exactly once per event."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID, uuid4

import psycopg
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import InterfaceError, OperationalError, ProgrammingError
from eventsourcing.utils import get_topic
from opentelemetry import metrics, trace
from psycopg import sql

from domain.common import Context, DomainError, today_in_norway
from domain.inquiry import Inquiry
from domain.tenant import Tenant
from projections import archive_outbox, inquiries, network_figures, network_releases, outreach, quarantine, search_index
from projections.collections_held import fewer_collections
from projections.quarantine import Quarantine
from projections.read_ahead import ReadAhead
from projections.safe_login import refuse_unsafe_login_sync
from services import attachments
from services.application import OfficeApplication
from services.audit import chain as audit_chain
from services.audit.chain import EventTime, Verdict
from services.audit.keeper import VERIFY_SECONDS, AuditKeeper, event_time_of
from services.audit_signing import Signer
from services.key_rotation import KeyRotation
from services.platform import TENANTS_CHANNEL, Platform
from services.retention import Retention
from services.virus_scan import VirusScanner

if TYPE_CHECKING:
    from eventsourcing.postgres import PostgresApplicationRecorder

    from services.virus_scan import VirusScanner


log = logging.getLogger(__name__)

PROJECTIONS: dict[str, Callable[..., None]] = {
    inquiries.NAME: inquiries.apply_batch,
    outreach.NAME: outreach.apply_batch,
    search_index.NAME: search_index.apply_batch,
}
PROJECTION_TABLES = {
    inquiries.NAME: inquiries.TABLES,
    outreach.NAME: outreach.TABLES,
    search_index.NAME: search_index.TABLES,
}
Progress = Callable[[int, int], None]
BATCH = 10_000
IDLE_SECONDS = 5.0
KEYS_LOOK_SECONDS = 3600.0
# A restarting or unreachable database: psycopg's own error, or the event store's (eventsourcing wraps psycopg's).
CONNECTION_LOST = (psycopg.OperationalError, OperationalError, InterfaceError)
RETRY_FIRST_SECONDS = 0.5
RETRY_CAP_SECONDS = 30.0


class ProjectionWorker:
    """One process for all tenants: one connection to write, one to listen, however many tenants."""

    def __init__(
        self,
        platform: Platform,
        conninfo: str,
        *,
        retry_first: float = RETRY_FIRST_SECONDS,
        retry_cap: float = RETRY_CAP_SECONDS,
        audit: AuditKeeper | None = None,
        tracer_provider: trace.TracerProvider | None = None,
        meter_provider: metrics.MeterProvider | None = None,
        network_threshold: int = 4,
        rotates_keys: bool = False,
        scanner: VirusScanner | None = None,
    ) -> None:
        """`scanner`: the virus scanner new attachments go through (None: they wait, undownloadable).
        `tracer_provider` and `meter_provider`: the composition root's, when telemetry is on. Without a meter
        provider the worker measures nothing (no lag queries); without a tracer provider its spans go to the global.
        `network_threshold` (OMBUD_NETWORK_THRESHOLD): for the network's releases."""
        self._platform = platform
        self._scanner = scanner
        self._network_threshold = network_threshold
        self._releases_made_on: date | None = None
        self._tracer = (tracer_provider or trace.get_tracer_provider()).get_tracer(__name__)
        self._lag: metrics._Gauge | None = None
        self._set_aside_gauge: metrics._Gauge | None = None
        if meter_provider is not None:
            meter = meter_provider.get_meter(__name__)
            self._lag = meter.create_gauge(
                "ombud.projection.lag",
                unit="{notification}",
                description="Notifications in a tenant's event store that a projection has not applied yet",
            )
            self._set_aside_gauge = meter.create_gauge(
                "ombud.projections.quarantined",
                unit="{projection}",
                description="1 while a tenant's projection is set aside after an event it could not apply",
            )
        self._audit = audit or AuditKeeper()
        self._conninfo = conninfo
        self._ahead = ReadAhead(
            conninfo,
            lambda cursor, slug, after: stored_after(cursor, platform.office(slug).app, after),
            lambda slug, rows: decoded(platform.office(slug).app, rows),
        )
        self._retry_first = retry_first
        self._retry_cap = retry_cap
        self._retention_ran_on: date | None = None
        self._rotates_keys = rotates_keys
        self._keys_looked_at: float | None = None
        self._archive: archive_outbox.ArchiveDelivery | None = None
        self._writer = psycopg.connect(conninfo)
        try:
            with self._writer.transaction(), self._writer.cursor() as cursor:
                refuse_unsafe_login_sync(cursor, "OMBUD_WORKER_DATABASE_URL")
        except BaseException:
            self._writer.close()
            raise

    def close(self) -> None:
        self._ahead.close()
        self._writer.close()
        if self._archive is not None:
            self._archive.transport.close()

    def deliver_archive_with(self, delivery: archive_outbox.ArchiveDelivery) -> None:
        """From now on, each round of `run` delivers Fiks Arkiv's due messages and records their receipts."""
        self._archive = delivery

    def archive_once(self) -> tuple[int, int]:
        """Fiks Arkiv's due deliveries and waiting receipts, once: (delivered, receipts recorded); (0, 0) without a
        delivery. A lost database connection propagates (the round is tried again after the reconnect)."""
        if self._archive is None:
            return 0, 0
        return self._archive.deliver_due(self._writer), self._archive.record_receipts(self._writer)

    def catch_up(self, slug: str, projection: str | None = None, *, retry: bool = False) -> int:
        """Applies every event after the recorded positions; each batch and its new positions commit together.

        Without `projection`, every projection, from one read and decode of each batch; returns how many
        events the furthest-behind projection applied. A projection that cannot apply an event is set aside
        (docs/security.md) and the others go on; set-aside projections are skipped unless `retry`, and a retry
        that gets through releases them.
        """
        wanted = [projection] if projection else list(PROJECTIONS)
        with self._writer.transaction(), self._writer.cursor() as cursor:
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", (slug,))
            aside = quarantine.set_aside(cursor, slug)
        names = [name for name in wanted if retry or name not in aside]
        applied = 0
        while names:
            try:
                with fewer_collections(), self._writer.transaction(), self._writer.cursor() as cursor:
                    count = self._next_batch(cursor, slug, names, read_ahead=True)
            except _Unprojectable as failure:
                if self._set_aside(slug, failure.projection):
                    names.remove(failure.projection)
                continue
            if not count:
                break
            applied += count
        if released := [name for name in names if name in aside]:
            with self._writer.transaction(), self._writer.cursor() as cursor:
                cursor.execute("SELECT set_config('app.tenant_id', %s, true)", (slug,))
                quarantine.release(cursor, slug, released)
            log.info("tenant=%s released=%s", slug, ",".join(released))
        if self._lag is not None:
            self._measure(slug)
        return applied

    def _measure(self, slug: str) -> None:
        """The tenant's lag and set-aside projections as they stand, for the gauges to report."""
        newest = self._platform.office(slug).app.recorder.max_notification_id() or 0
        with self._writer.transaction(), self._writer.cursor() as cursor:
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", (slug,))
            cursor.execute("SELECT projection, position FROM read.positions WHERE tenant_id = %s", (slug,))
            positions: dict[str, int] = dict(cursor.fetchall())
            aside = quarantine.set_aside(cursor, slug)
        for name in PROJECTIONS:
            attributes = {"tenant": slug, "projection": name}
            self._lag.set(max(0, newest - positions.get(name, 0)), attributes)  # type: ignore[union-attr]
            self._set_aside_gauge.set(int(name in aside), attributes)  # type: ignore[union-attr]

    def rebuild(
        self,
        slug: str,
        projection: str = inquiries.NAME,
        progress: Progress = lambda done, total: None,
        *,
        first: Callable[[Any], None] = lambda cursor: None,
    ) -> int:
        """Replays from zero in one transaction: readers see the old rows until the new ones are complete.

        A success releases the projection if it was set aside; an event it cannot apply leaves the old rows,
        sets the projection aside and raises `ProjectionSetAside`. `first` writes in that transaction before the
        replay (a new search key, which the replay then uses).
        """
        total = self._platform.office(slug).app.recorder.max_notification_id() or 0
        applied = 0
        try:
            with fewer_collections(), self._writer.transaction(), self._writer.cursor() as cursor:
                self._lock(cursor, slug, [projection])
                for table in PROJECTION_TABLES[projection]:
                    cursor.execute(f"DELETE FROM {table} WHERE tenant_id = %s", (slug,))
                cursor.execute(
                    "DELETE FROM read.positions WHERE tenant_id = %s AND projection = %s", (slug, projection)
                )
                quarantine.release(cursor, slug, [projection])
                first(cursor)
                progress(0, total)
                while count := self._next_batch(cursor, slug, [projection]):
                    applied += count
                    progress(applied, total)
        except _Unprojectable:
            if self._set_aside(slug, projection):
                raise ProjectionSetAside(self.quarantined(slug, projection)) from None
            raise
        return applied

    def _next_batch(self, cursor: Any, slug: str, names: list[str], *, read_ahead: bool = False) -> int:
        """One batch from the furthest-behind position; each projection gets the events it has not seen.

        With `read_ahead`, a full batch starts the reading and decoding of the next on its own thread and connection
        (projections.read_ahead), used by the next call if it starts there."""
        app = self._platform.office(slug).app
        self._lock(cursor, slug, names)
        cursor.execute(
            "SELECT projection, position FROM read.positions WHERE tenant_id = %s AND projection = ANY(%s)",
            (slug, names),
        )
        positions = dict.fromkeys(names, 0) | dict(cursor.fetchall())
        start = min(positions.values())
        notifications, ready = self._ahead.take(slug, start) or (None, None)
        if notifications is None:  # on the writer's own connection, as plain tuples: no pool checkout, no dict rows
            notifications = stored_after(cursor, app, start)
        if not notifications:
            return 0
        if read_ahead and len(notifications) == BATCH:
            self._ahead.start(slug, notifications[-1][0])
        try:
            events = list(zip((row[0] for row in notifications), ready or decoded(app, notifications), strict=True))
        except Exception as error:  # an event that does not decode (unknown topic, wrong key) is set aside
            if _is_transient(error):
                raise
            raise _Unprojectable(min(names, key=positions.__getitem__)) from error
        for name in names:
            unseen = [event for position, event in events if position > positions[name]]
            if unseen:
                with self._tracer.start_as_current_span(
                    "projection.batch",
                    attributes={"ombud.tenant": slug, "ombud.projection": name, "ombud.batch.size": len(unseen)},
                ):
                    try:
                        self._apply(cursor, slug, name, unseen)
                    except (
                        Exception
                    ) as error:  # whatever the cause, the batch rolls back and the projection is set aside
                        if _is_transient(error):
                            raise
                        raise _Unprojectable(name) from error
        cursor.execute(
            "INSERT INTO read.positions (tenant_id, projection, position) SELECT %s, unnest(%s::text[]), %s"
            " ON CONFLICT (tenant_id, projection) DO UPDATE SET position = excluded.position",
            (slug, names, notifications[-1][0]),
        )
        return len(events)  # all of them are new to the furthest-behind projection

    def _apply(self, cursor: Any, slug: str, name: str, events: list[Any]) -> None:
        """One projection's fold of the events; with the case list, the network's view of the office when the
        tenant's own events (name, population, taxonomy, national groups) are among them."""
        if name == search_index.NAME:  # the words are keyed under the tenant's search key, which the service opens
            app = self._platform.office(slug).app
            PROJECTIONS[name](cursor, slug, events, app.search_index, app.search_tokens_of)
        else:
            PROJECTIONS[name](cursor, slug, events)
        if name == inquiries.NAME:  # Fiks Arkiv's outbox, in the batch that moves the case list past the closure
            archive_outbox.enqueue_closures(cursor, slug, events)
        if name == inquiries.NAME and any(isinstance(event, Tenant.Event) for event in events):
            network_figures.record_office(cursor, slug, self._platform.office(slug).profile())

    def index_unindexed(self, slug: str) -> int:
        """Indexes the tenant's inquiries that the search index has no row of and that were never erased, from their
        own events and by the projection's own rule (`ombud migrate`); returns how many inquiries it looked at.

        Under the projection's lock: an erasure the worker projects meanwhile waits, and then deletes the rows."""
        app = self._platform.office(slug).app
        recorder = cast("PostgresApplicationRecorder", app.recorder)
        with self._writer.transaction(), self._writer.cursor() as cursor:
            self._lock(cursor, slug, [search_index.NAME])
            rows = search_index.unindexed(
                cursor, slug, recorder.datastore.schema, recorder.events_table_name, get_topic(Inquiry.Erased)
            )
            if rows:
                search_index.apply_batch(cursor, slug, decoded(app, rows), app.search_index, app.search_tokens_of)
        return len({row[1] for row in rows})

    def _set_aside(self, slug: str, projection: str) -> bool:
        """Applies the longest run of the next batch that projects, and records the first event that does not.

        One transaction, so the good events, the new position and the quarantine row commit together (exactly
        once); the run is found by halving inside savepoints. False when the whole batch applied after all.
        """
        app = self._platform.office(slug).app
        with self._writer.transaction(), self._writer.cursor() as cursor:
            self._lock(cursor, slug, [projection])
            cursor.execute(
                "SELECT position FROM read.positions WHERE tenant_id = %s AND projection = %s", (slug, projection)
            )
            row = cursor.fetchone()
            rows = stored_after(cursor, app, row[0] if row else 0)
            start, failed = 0, None
            while start < len(rows) and failed is None:
                end = len(rows)
                while True:
                    try:
                        with self._writer.transaction():  # a savepoint
                            self._apply(cursor, slug, projection, decoded(app, rows[start:end]))
                    except Exception as error:  # narrowing down to the event at fault
                        if _is_transient(error):
                            raise
                        if end - start > 1:
                            end = start + (end - start) // 2
                            continue
                        failed = Quarantine(slug, projection, rows[start][0], rows[start][3], type(error).__name__)
                    break
                if failed is None:
                    start = end
            if start:
                cursor.execute(
                    "INSERT INTO read.positions (tenant_id, projection, position) VALUES (%s, %s, %s)"
                    " ON CONFLICT (tenant_id, projection) DO UPDATE SET position = excluded.position",
                    (slug, projection, rows[start - 1][0]),
                )
            if failed is not None:
                quarantine.record(cursor, failed)
        if failed is not None:
            log.warning(
                "tenant=%s projection=%s set_aside position=%d topic=%s reason=%s",
                slug,
                projection,
                failed.position,
                failed.event_type,
                failed.reason,
            )
        return failed is not None

    def quarantined(self, slug: str | None = None, projection: str | None = None) -> list[Quarantine]:
        """Every projection set aside (of one tenant, or one projection): what `ombud worker` prints."""
        with self._writer.transaction(), self._writer.cursor() as cursor:
            found = quarantine.every(cursor)
        return [q for q in found if slug in (None, q.tenant_id) and projection in (None, q.projection)]

    @staticmethod
    def _lock(cursor: Any, slug: str, names: list[str]) -> None:
        """One writer per tenant and projection, also across processes; and row-level security's tenant."""
        cursor.execute("SELECT set_config('app.tenant_id', %s, true)", (slug,))
        for name in sorted(names):  # always in the same order, so two workers cannot deadlock
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"{slug}/{name}",))

    def lag(self, slug: str, projection: str = inquiries.NAME) -> int:
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
        """Every tenant once, set-aside projections retried: what a start (after a fix is deployed) does."""
        return {slug: self.catch_up(slug, retry=True) for slug in self._platform.slugs()}

    def run(self, stop: threading.Event) -> None:
        """Follows every tenant until stopped; a lost connection (a database restart) is reopened, never the end.

        Retries with doubling waits up to the cap. A batch cut off mid-way was rolled back with its positions and
        is read again after the reconnect, so nothing is lost or counted twice.
        """
        threading.Thread(  # the full re-verification of the audit chains, off the projection path
            target=self._audit.verify_in_full_every,
            args=(self._conninfo, self._audit_scopes, self._event_time, stop, VERIFY_SECONDS),
            name="audit-verification",
            daemon=True,
        ).start()
        attempt = 0
        while not stop.is_set():
            try:
                self._reopen_writer()
                with psycopg.connect(self._conninfo, autocommit=True) as listener:
                    if attempt:
                        log.warning("worker: database connection restored after %d attempts", attempt)
                        attempt = 0
                    self._follow(listener, stop)
            except CONNECTION_LOST as error:
                attempt += 1
                delay = min(self._retry_cap, self._retry_first * 2 ** (attempt - 1))
                # The type only: a driver's message may quote a statement or its parameters.
                log.warning(
                    "worker: database unavailable (%s), attempt %d; retrying in %.1f s",
                    type(error).__name__,
                    attempt,
                    delay,
                )
                stop.wait(delay)

    def _reopen_writer(self) -> None:
        if self._writer.closed or self._writer.broken:
            self._writer.close()
            self._writer = psycopg.connect(self._conninfo)

    def _follow(self, listener: psycopg.Connection[Any], stop: threading.Event) -> None:
        """Sleeps on LISTEN until a tenant's table notifies, or a tenant is added; looks again when idle.

        Every tenant is caught up on (re)connecting, so what was written while the listener was away is applied.
        """
        listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(TENANTS_CHANNEL)))
        channels: dict[str, str] = {}
        while not stop.is_set():
            for slug in self._platform.slugs():
                channel = cast("PostgresApplicationRecorder", self._platform.office(slug).app.recorder).channel_name
                if channel not in channels:
                    listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
                    try:
                        applied = self.catch_up(slug, retry=True)  # (re)starting retries what was set aside
                    except psycopg.errors.UndefinedTable:
                        continue  # listed while its tables are being made: looked at again next round
                    channels[channel] = slug
                    self._report(slug, applied)
            self.retention_once_a_day()
            self.network_releases_once_a_day()
            self.keys_when_due()
            self.keep_audit_chains()
            self.archive_once()
            self.scan_attachments()
            for notify in listener.notifies(timeout=IDLE_SECONDS, stop_after=1):
                if notify.channel in channels:
                    slug = channels[notify.channel]
                    self._report(slug, self.catch_up(slug))

    def retention_once_a_day(self) -> None:
        """Retention (kassasjon) for every tenant, the first time this process looks on each day in Norway.

        A lost connection propagates (and the run is tried again after the reconnect); a refused erasure or a tenant
        whose tables are still being made is logged by the error's type only, and the other tenants go on.
        """
        today = today_in_norway()
        if self._retention_ran_on == today:
            return
        ctx = Context("worker:kassasjon", "system", str(uuid4()))
        for slug in self._platform.slugs():
            try:
                erased = Retention(self._platform.office(slug)).run(ctx, today)
            except (DomainError, AggregateNotFoundError, ProgrammingError) as error:  # a tenant still being made
                log.warning("retention: tenant=%s skipped (%s)", slug, type(error).__name__)
                continue
            if erased:
                log.info("retention: tenant=%s erased=%d", slug, len(erased))
        self._retention_ran_on = today

    def scan_attachments(self) -> int:
        """Every tenant's attachments that wait for the virus scan (services/attachments.py has the rule); a tenant
        that fails is logged by the error's type only, the others go on. Returns how many were scanned."""
        if self._scanner is None:
            return 0
        done = 0
        for slug in self._platform.slugs():
            try:
                scanned = attachments.scan_pending(self._platform.office(slug), self._scanner)
            except (DomainError, AggregateNotFoundError, ProgrammingError, OSError) as error:
                log.warning("attachments: tenant=%s not scanned (%s)", slug, type(error).__name__)
                continue
            if scanned:
                log.info("attachments: tenant=%s scanned=%d", slug, scanned)
            done += scanned
        return done

    def network_releases_once_a_day(self) -> list[network_releases.Made]:
        """The network's next release of each finished year whose figures changed and whose latest release is
        RELEASE_DAYS old (or that has none), the first time this process looks on each day in Norway."""
        today = today_in_norway()
        if self._releases_made_on == today:
            return []
        try:
            made = network_releases.make_releases(
                self._writer,
                self._network_threshold,
                today.year - 1,
                by="worker",
                due=network_releases.worker_due(datetime.now(UTC)),
            )
        except DomainError as error:  # counts that do not add up: logged by type, the projections go on
            log.warning("network: no release made (%s)", type(error).__name__)
            made = []
        self._releases_made_on = today  # a lost connection propagates, and the look is tried again after it
        for release in made:  # years and numbers only
            log.info("network: year=%d release=%s", release.year, release.number or "refused")
        return made

    def keys_when_due(self, now: datetime | None = None) -> None:
        """Key rotation on its schedule (OMBUD_KEY_ROTATION_DAYS) and expired epochs destroyed, looked at once an
        hour (and at start); unless `rotates_keys` (the worker of `ombud worker`), never. `now`: the present."""
        if not self._rotates_keys:
            return
        if self._keys_looked_at is not None and time.monotonic() - self._keys_looked_at < KEYS_LOOK_SECONDS:
            return
        rotated = self.key_rotation().when_due(now or datetime.now(UTC))
        self._keys_looked_at = time.monotonic()
        if rotated.epoch is not None or rotated.destroyed:
            log.info("keys: epoch=%s rewrapped=%d destroyed=%s", rotated.epoch, rotated.rewrapped, rotated.destroyed)

    def key_rotation(self) -> KeyRotation:
        """The rotation over this worker's platform; it re-keys each tenant's search index through `rebuild`."""
        return KeyRotation(self._platform, self._reindex)

    def _reindex(self, slug: str, epoch: int, wrapped_key: bytes) -> None:
        """A tenant whose index is set aside keeps its old search key (and so its epoch) until it is fixed."""
        try:
            self.rebuild(
                slug, search_index.NAME, first=lambda cursor: search_index.replace_key(cursor, slug, epoch, wrapped_key)
            )
        except ProjectionSetAside:
            log.warning("keys: tenant=%s search index set aside; its search key stays under its epoch", slug)

    def sign_checkpoints_with(self, signer: Signer) -> None:
        """From now on, checkpoints are signed and the chains verified; until then they are only sealed."""
        self._audit.signer = signer

    def keep_audit_chains(self, *, now: bool = False) -> list[Verdict]:
        """Seals what was committed since the last look into the chains that have new rows, signs checkpoints when
        due, and verifies each new stretch once (`now`: seal, sign and verify in full every chain at once); returns
        the verdicts."""
        return self._audit.keep(self._writer, self._audit_scopes(), now=now, event_time=self._event_time)

    def verify_audit_chains_in_full(self) -> list[Verdict]:
        """One full re-verification of every chain: what the worker's own thread does every VERIFY_SECONDS."""
        return self._audit.verify_in_full(self._writer, self._audit_scopes(), self._event_time)

    def _audit_scopes(self) -> list[str]:
        return audit_chain.scopes(self._platform.slugs())

    def _event_time(self, scope: str) -> EventTime | None:
        return event_time_of(self._platform, scope)

    def _report(self, slug: str, applied: int) -> None:
        if applied:
            log.info("tenant=%s applied=%d lag=%d", slug, applied, self.lag(slug))


def stored_after(
    cursor: psycopg.Cursor[Any], app: OfficeApplication, position: int, *, through: int | None = None
) -> list[tuple[Any, ...]]:
    """The next batch of the tenant's stored events after `position` (and up to `through`), as plain tuples."""
    recorder = cast("PostgresApplicationRecorder", app.recorder)
    cursor.execute(
        sql.SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM {}.{}"
            " WHERE notification_id > %s AND notification_id <= %s ORDER BY notification_id LIMIT %s"
        ).format(sql.Identifier(recorder.datastore.schema), sql.Identifier(recorder.events_table_name)),
        (position, through if through is not None else 2**63 - 1, BATCH),
    )
    return cursor.fetchall()


def decoded(app: OfficeApplication, rows: list[tuple[Any, ...]]) -> list[DomainEventProtocol[UUID]]:
    return app.decoded(rows)


# Not the event's fault: a lost connection, a deadlock, a server shutting down or out of resources. These are
# raised to the caller (and retried there), never set aside. Any other error (a value the read side cannot
# store, a row too large for an index, an event that does not decode, a bug in a fold) belongs to the event.
_TRANSIENT = (
    psycopg.InterfaceError,
    psycopg.errors.TransactionRollback,
    psycopg.errors.OperatorIntervention,
    psycopg.errors.InsufficientResources,
)


def _is_transient(error: BaseException) -> bool:
    if isinstance(error, _TRANSIENT):
        return True
    return isinstance(error, psycopg.OperationalError) and error.sqlstate is None  # the client lost the server


class _Unprojectable(Exception):
    """A batch failed in `projection`; the caller rolls back and sets it aside."""

    def __init__(self, projection: str) -> None:
        super().__init__(projection)
        self.projection = projection


class ProjectionSetAside(Exception):
    """A rebuild met an event it cannot apply: the old rows stay, the projection is set aside."""

    def __init__(self, quarantined: list[Quarantine]) -> None:
        super().__init__("; ".join(q.explanation() for q in quarantined))
        self.quarantined = quarantined
