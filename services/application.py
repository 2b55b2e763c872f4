"""One eventsourcing Application per tenant: its own event tables and its own cipher key."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from eventsourcing.application import Application
from eventsourcing.persistence import InfrastructureFactory, JSONTranscoder, Transcoding
from eventsourcing.utils import Environment

FactoryMaker = Callable[[Environment], InfrastructureFactory]


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def table_prefix(slug: str) -> str:
    """Application name, hence event table names: tenant `nord-fron` → `tenant_nord_fron_events`."""
    return "tenant_" + slug.replace("-", "_")


class OfficeApplication(Application):
    """The event store of one kommune's office.

    Settings come only from the composition root (never from `os.environ`), and the
    persistence factory is handed in, so every tenant can share one bounded connection pool.
    Without a factory it runs on the library's in-memory persistence (unit tests).
    """

    def __init__(
        self, slug: str, cipher_key: str, make_factory: FactoryMaker | None = None, *, create_tables: bool = False
    ) -> None:
        """`create_tables` only when the tenant is created: DDL from two processes at once collides."""
        self.name = table_prefix(slug)
        self.slug = slug
        self._make_factory = make_factory
        super().__init__(
            env={
                "CIPHER_TOPIC": "eventsourcing.cryptography:AESCipher",
                "CIPHER_KEY": cipher_key,
                "CREATE_TABLE": "yes" if create_tables else "no",
            }
        )

    def construct_env(self, name: str, env: dict[str, str] | None = None) -> Environment:
        return Environment(name, dict(env or {}))

    def construct_factory(self, env: Environment) -> InfrastructureFactory:
        if self._make_factory is None:
            return super().construct_factory(env)
        return self._make_factory(env)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
