"""One PostgreSQL datastore (one bounded pool) shared by every tenant's application."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from eventsourcing.persistence import InfrastructureFactory, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore, PostgresFactory
from eventsourcing.utils import Environment
from psycopg.conninfo import conninfo_to_dict
from psycopg.sql import SQL, Identifier

EVENTS_SCHEMA = "events"


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


class BulkApplicationRecorder(PostgresApplicationRecorder):
    """The library's recorder, plus a bulk path for imports that streams events with binary COPY.

    Same guarantees as a save: one transaction, the table's EXCLUSIVE lock so notification ids
    follow commit order, and a NOTIFY for the worker.
    """

    def insert_new_streams(self, events: Iterable[StoredEvent]) -> set[UUID]:
        """Writes the events of every stream that does not exist yet; returns the ids of those that did.

        `events` may be a generator that raises: then nothing at all is written.
        """
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
            skipped = set()
            self._notify_channel(cursor)
            with cursor.copy(copy_statement) as copy:
                copy.set_types(["uuid", "int8", "text", "bytea"])
                for event in events:
                    if event.originator_id in existing:
                        skipped.add(event.originator_id)
                    else:
                        copy.write_row((event.originator_id, event.originator_version, event.topic, event.state))
        return skipped


class SharedDatastoreFactory(PostgresFactory):
    """A PostgresFactory that uses the given datastore instead of opening its own pool.

    Table names still come from each application's name, and each application keeps its own cipher.
    """

    application_recorder_class = BulkApplicationRecorder

    def __init__(self, env: Environment, datastore: PostgresDatastore) -> None:
        InfrastructureFactory.__init__(self, env)
        self.datastore = datastore

    def close(self) -> None:
        """The datastore belongs to the composition root, which closes it once."""


def factory_maker(datastore: PostgresDatastore):
    def make(env: Environment) -> SharedDatastoreFactory:
        return SharedDatastoreFactory(env, datastore)

    return make
