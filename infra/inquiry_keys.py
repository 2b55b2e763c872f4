"""One tenant's wrapped inquiry keys in `platform.inquiry_keys`, under row-level security (0018_inquiry_keys.sql)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.postgres import PostgresDatastore


class PostgresInquiryKeys:
    """Each statement runs in its own short transaction with the tenant set, as row-level security demands."""

    def __init__(self, datastore: PostgresDatastore, slug: str) -> None:
        self._datastore = datastore
        self._slug = slug

    def add(self, inquiry_id: UUID, wrapped_key: bytes) -> bytes | None:
        with self._datastore.transaction(commit=True) as cursor:
            self._tenant(cursor)
            cursor.execute(
                "INSERT INTO platform.inquiry_keys (tenant_id, inquiry_id, wrapped_key) VALUES (%s, %s, %s)"
                " ON CONFLICT (tenant_id, inquiry_id) DO NOTHING",
                (self._slug, inquiry_id, wrapped_key),
            )
            if cursor.rowcount == 1:
                return wrapped_key
            return self._select(cursor, inquiry_id)

    def wrapped_key(self, inquiry_id: UUID) -> bytes | None:
        with self._datastore.transaction(commit=False) as cursor:
            self._tenant(cursor)
            return self._select(cursor, inquiry_id)

    def destroy(self, inquiry_id: UUID) -> None:
        with self._datastore.transaction(commit=True) as cursor:
            self._tenant(cursor)
            cursor.execute(
                "UPDATE platform.inquiry_keys SET wrapped_key = NULL, destroyed_at = now()"
                " WHERE tenant_id = %s AND inquiry_id = %s AND wrapped_key IS NOT NULL",
                (self._slug, inquiry_id),
            )

    def _select(self, cursor: Any, inquiry_id: UUID) -> bytes | None:
        cursor.execute(
            "SELECT wrapped_key FROM platform.inquiry_keys WHERE tenant_id = %s AND inquiry_id = %s",
            (self._slug, inquiry_id),
        )
        row = cursor.fetchone()
        return None if row is None or row["wrapped_key"] is None else bytes(row["wrapped_key"])

    def _tenant(self, cursor: Any) -> None:
        cursor.execute("SELECT set_config('app.tenant_id', %s, true)", (self._slug,))
