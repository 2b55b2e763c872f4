"""One PostgreSQL datastore (one bounded pool) shared by every tenant's application."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import InfrastructureFactory, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore, PostgresFactory
from eventsourcing.utils import Environment
from opentelemetry.metrics import MeterProvider
from opentelemetry.trace import SpanKind, TracerProvider
from psycopg.conninfo import conninfo_to_dict
from psycopg.sql import SQL, Identifier, Literal

EVENTS_SCHEMA = "events"
# The advisory lock class that serialises the writers of one tenant's events table (its second key: the table name).
_WRITERS_LOCK = 7_141_593


def open_datastore(
    database_url: str, *, pool_size: int, max_overflow: int, checkout_timeout: float = 2.0
) -> PostgresDatastore:
    """The pool holds at most pool_size + max_overflow connections, whatever the tenant count.

    Each checkout first checks its connection (`pre_ping`: psycopg_pool's check_connection), so a connection
    that died with a database restart is replaced, never handed out. A checkout waits at most
    `checkout_timeout`; the library retries a save or a read ten times (0.2 s apart), so while the database is
    down a request gives up after about 10 × (checkout_timeout + 0.2) s.
    """
    params = conninfo_to_dict(database_url)
    return PostgresDatastore(
        dbname=str(params.get("dbname", "postgres")),
        host=str(params.get("host", "localhost")),
        port=str(params.get("port", "5432")),
        user=str(params.get("user", "postgres")),
        password=str(params.get("password", "")),
        pool_size=pool_size,
        max_overflow=max_overflow,
        max_waiting=0,
        connect_timeout=checkout_timeout,  # the library hands it to the pool as its checkout timeout
        pre_ping=True,
        schema=EVENTS_SCHEMA,
    )


class EventAppends:
    """The event store's telemetry: a span per insert (tenant, number of events) and the events appended per tenant."""

    def __init__(self, tracer_provider: TracerProvider, meter_provider: MeterProvider) -> None:
        self._tracer = tracer_provider.get_tracer("infra.eventstore")
        self._appended = meter_provider.get_meter("infra.eventstore").create_counter(
            "ombud.events.appended", unit="{event}", description="Events committed to a tenant's event store"
        )

    @contextmanager
    def insert(self, tenant: str) -> Iterator[list[int]]:
        """Around one insert; the caller puts the number of events written into the list it is handed."""
        written: list[int] = []
        with self._tracer.start_as_current_span(
            "eventstore.insert", kind=SpanKind.INTERNAL, attributes={"ombud.tenant": tenant}
        ) as span:
            yield written
            span.set_attribute("ombud.events", sum(written))
        self._appended.add(sum(written), {"tenant": tenant})


class BulkApplicationRecorder(PostgresApplicationRecorder):
    """The library's recorder for the app's least-privileged login, plus a bulk path that streams events with COPY.

    The library locks the table IN EXCLUSIVE MODE, which PostgreSQL allows only to a login that may also UPDATE,
    DELETE or TRUNCATE it. Every writer here takes a transaction-level advisory lock on the table's name instead:
    writers of one table still run one at a time, so notification ids become visible in commit order. And the
    tenant's tables are made by the owner's function `events.create_tenant_tables` (0016_owner.sql), never by DDL
    run as the app. The bulk path has the guarantees of a save: one transaction, the same lock, a NOTIFY.
    """

    appends: EventAppends | None = None  # set by the factory when telemetry is on

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        qualified = f"{self.datastore.schema}.{self.events_table_name}"
        self.lock_table_statements = [
            SQL("SET LOCAL lock_timeout = '{0}s'").format(self.datastore.lock_timeout),
            SQL("SELECT pg_advisory_xact_lock({0}, hashtext({1}))").format(Literal(_WRITERS_LOCK), Literal(qualified)),
        ]

    @property
    def tenant(self) -> str:
        return self.events_table_name.removeprefix("tenant_").removesuffix("_events").replace("_", "-")

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if self.appends is None or not stored_events:
            return super().insert_events(stored_events, **kwargs)
        with self.appends.insert(self.tenant) as written:
            ids = super().insert_events(stored_events, **kwargs)
            written.append(len(stored_events))
            return ids

    def _insert_events(self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        """Runs first in the events' transaction: an attachment's sealed bytes commit with its event, or neither."""
        writes = kwargs.get("attachment_writes")
        if writes is not None and (writes.added or writes.scanned or writes.erased):
            from infra.attachments import write_attachments

            write_attachments(curs, self.tenant, writes)
        super()._insert_events(curs, stored_events, **kwargs)

    def create_table(self) -> None:
        """Asks the owner's function for the tenant's tables; the app's login runs no DDL."""
        slug = self.tenant
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("SELECT events.create_tenant_tables(%s) AS made", (slug,))
            row = cursor.fetchone()
        if row is None or row["made"] != self.events_table_name:
            raise RuntimeError("events.create_tenant_tables made another table than this application uses")
        self.datastore.register_type_adapters()

    def insert_new_streams(self, events: Iterable[StoredEvent]) -> set[UUID]:
        """Writes the events of every stream that does not exist yet; returns the ids of those that did.

        `events` may be a generator that raises: then nothing at all is written.
        """
        if self.appends is None:
            return self._insert_new_streams(events, [])
        with self.appends.insert(self.tenant) as written:
            return self._insert_new_streams(events, written)

    def _insert_new_streams(self, events: Iterable[StoredEvent], written: list[int]) -> set[UUID]:
        copy_statement = SQL(
            "COPY {}.{} (originator_id, originator_version, topic, state) FROM STDIN (FORMAT BINARY)"
        ).format(Identifier(self.datastore.schema), Identifier(self.events_table_name))
        existing_statement = SQL("SELECT originator_id FROM {}.{} WHERE originator_version = 1").format(
            Identifier(self.datastore.schema), Identifier(self.events_table_name)
        )
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as cursor:
            self._lock_table(cursor)
            cursor.execute(existing_statement)
            existing = {row["originator_id"] for row in cursor.fetchall()}
            skipped: set[UUID] = set()
            count = 0
            self._notify_channel(cursor)
            with cursor.copy(copy_statement) as copy:
                copy.set_types(["uuid", "int8", "text", "bytea"])
                for event in events:
                    if event.originator_id in existing:
                        skipped.add(cast(UUID, event.originator_id))  # this recorder's ids are UUIDs
                    else:
                        copy.write_row((event.originator_id, event.originator_version, event.topic, event.state))
                        count += 1
        written.append(count)
        return skipped


class SharedDatastoreFactory(PostgresFactory):
    """A PostgresFactory that uses the given datastore instead of opening its own pool.

    Table names still come from each application's name, and each application keeps its own cipher.
    """

    application_recorder_class = BulkApplicationRecorder

    def __init__(self, env: Environment, datastore: PostgresDatastore, appends: EventAppends | None = None) -> None:
        InfrastructureFactory.__init__(self, env)
        self.datastore = datastore
        self._appends = appends

    def application_recorder(self) -> Any:
        recorder = super().application_recorder()
        if isinstance(recorder, BulkApplicationRecorder):
            recorder.appends = self._appends
        return recorder

    def close(self) -> None:
        """The datastore belongs to the composition root, which closes it once."""


def factory_maker(datastore: PostgresDatastore, appends: EventAppends | None = None):
    def make(env: Environment) -> SharedDatastoreFactory:
        return SharedDatastoreFactory(env, datastore, appends)

    return make
