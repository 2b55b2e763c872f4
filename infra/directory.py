"""The platform's list of tenants and their wrapped keys, in PostgreSQL beside the event store."""

from __future__ import annotations

from eventsourcing.postgres import PostgresDatastore

from services.platform import TENANTS_CHANNEL


class PostgresTenantDirectory:
    def __init__(self, datastore: PostgresDatastore) -> None:
        self._datastore = datastore

    def add(self, slug: str, wrapped_key: bytes) -> bool:
        with self._datastore.transaction(commit=True) as cursor:
            cursor.execute(
                "INSERT INTO platform.tenants (slug, wrapped_key) VALUES (%s, %s) ON CONFLICT (slug) DO NOTHING",
                (slug, wrapped_key),
            )
            added = cursor.rowcount == 1
            cursor.execute(f"NOTIFY {TENANTS_CHANNEL}")
            return added

    def remove(self, slug: str) -> None:
        with self._datastore.transaction(commit=True) as cursor:
            cursor.execute("DELETE FROM platform.tenants WHERE slug = %s", (slug,))

    def wrapped_key(self, slug: str) -> bytes | None:
        with self._datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT wrapped_key FROM platform.tenants WHERE slug = %s", (slug,))
            row = cursor.fetchone()
        return None if row is None else bytes(row["wrapped_key"])

    def slugs(self) -> list[str]:
        with self._datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT slug FROM platform.tenants ORDER BY slug")
            return [row["slug"] for row in cursor.fetchall()]
