"""One PostgreSQL datastore (one bounded pool) shared by every tenant's application."""

from __future__ import annotations

from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.postgres import PostgresDatastore, PostgresFactory
from eventsourcing.utils import Environment
from psycopg.conninfo import conninfo_to_dict

EVENTS_SCHEMA = "events"


def open_datastore(database_url: str, *, pool_size: int, max_overflow: int) -> PostgresDatastore:
    """The pool holds at most pool_size + max_overflow connections, whatever the tenant count."""
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
        connect_timeout=10,
        schema=EVENTS_SCHEMA,
    )


class SharedDatastoreFactory(PostgresFactory):
    """A PostgresFactory that uses the given datastore instead of opening its own pool.

    Table names still come from each application's name, and each application keeps its own cipher.
    """

    def __init__(self, env: Environment, datastore: PostgresDatastore) -> None:
        InfrastructureFactory.__init__(self, env)
        self.datastore = datastore

    def close(self) -> None:
        """The datastore belongs to the composition root, which closes it once."""


def factory_maker(datastore: PostgresDatastore):  # noqa: ANN201 - returns services.application.FactoryMaker
    def make(env: Environment) -> SharedDatastoreFactory:
        return SharedDatastoreFactory(env, datastore)

    return make
