"""One tenant's sealed sent letters in `platform.sent_letters`, under row-level security (0042)."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.postgres import PostgresDatastore

from infra.inquiry_keys import _in_tenant


class PostgresSentLetters:
    """Each statement runs in its own short transaction with the tenant set, as row-level security demands."""

    def __init__(self, datastore: PostgresDatastore, slug: str) -> None:
        self._datastore = datastore
        self._slug = slug

    def add(self, inquiry_id: UUID, sha256: str, sealed: bytes) -> None:
        with _in_tenant(self._datastore, self._slug, commit=True) as cursor:
            cursor.execute(
                "INSERT INTO platform.sent_letters (tenant_id, inquiry_id, sha256, sealed) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (tenant_id, inquiry_id, sha256) DO NOTHING",
                (self._slug, inquiry_id, sha256, sealed),
            )

    def sealed(self, inquiry_id: UUID, sha256: str) -> bytes | None:
        with _in_tenant(self._datastore, self._slug, commit=False) as cursor:
            cursor.execute(
                "SELECT sealed FROM platform.sent_letters WHERE tenant_id = %s AND inquiry_id = %s AND sha256 = %s",
                (self._slug, inquiry_id, sha256),
            )
            row = cursor.fetchone()
            return None if row is None else bytes(row["sealed"])
