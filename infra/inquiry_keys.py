"""One tenant's wrapped inquiry keys in `platform.inquiry_keys`, under row-level security (0018, 0026)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.postgres import PostgresDatastore

from services.inquiry_keys import Wrapped


@contextmanager
def _in_tenant(datastore: PostgresDatastore, slug: str, *, commit: bool) -> Iterator[Any]:
    """A transaction's cursor that row-level security holds to the tenant (app.tenant_id, for this transaction)."""
    with datastore.transaction(commit=commit) as cursor:
        cursor.execute("SELECT set_config('app.tenant_id', %s, true)", (slug,))
        yield cursor


class PostgresInquiryKeys:
    """Each statement runs in its own short transaction with the tenant set, as row-level security demands."""

    def __init__(self, datastore: PostgresDatastore, slug: str) -> None:
        self._datastore = datastore
        self._slug = slug

    def add(self, inquiry_id: UUID, epoch: int, wrapped_key: bytes) -> Wrapped | None:
        with _in_tenant(self._datastore, self._slug, commit=True) as cursor:
            cursor.execute(
                "INSERT INTO platform.inquiry_keys (tenant_id, inquiry_id, epoch, wrapped_key) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (tenant_id, inquiry_id) DO NOTHING",
                (self._slug, inquiry_id, epoch, wrapped_key),
            )
            if cursor.rowcount == 1:
                return epoch, wrapped_key
            return self._select(cursor, inquiry_id)

    def add_new(self, epoch: int, rows: list[tuple[UUID, bytes]]) -> set[UUID]:
        with _in_tenant(self._datastore, self._slug, commit=True) as cursor:
            cursor.execute(
                "INSERT INTO platform.inquiry_keys (tenant_id, inquiry_id, epoch, wrapped_key)"
                " SELECT %s, r.inquiry_id, %s, r.wrapped_key FROM unnest(%s::uuid[], %s::bytea[]) AS r(inquiry_id, wrapped_key)"
                " ON CONFLICT (tenant_id, inquiry_id) DO NOTHING RETURNING inquiry_id",
                (self._slug, epoch, [row[0] for row in rows], [row[1] for row in rows]),
            )
            return {row["inquiry_id"] for row in cursor.fetchall()}

    def wrapped_key(self, inquiry_id: UUID) -> Wrapped | None:
        with _in_tenant(self._datastore, self._slug, commit=False) as cursor:
            return self._select(cursor, inquiry_id)

    def wrapped_keys(self, inquiry_ids: list[UUID]) -> dict[UUID, Wrapped | None]:
        with _in_tenant(self._datastore, self._slug, commit=False) as cursor:
            cursor.execute(
                "SELECT inquiry_id, epoch, wrapped_key FROM platform.inquiry_keys"
                " WHERE tenant_id = %s AND inquiry_id = ANY(%s::uuid[])",
                (self._slug, inquiry_ids),
            )
            found = {
                row["inquiry_id"]: None if row["wrapped_key"] is None else (row["epoch"], bytes(row["wrapped_key"]))
                for row in cursor.fetchall()
            }
        return {inquiry_id: found.get(inquiry_id) for inquiry_id in inquiry_ids}

    def destroy(self, inquiry_id: UUID) -> None:
        with _in_tenant(self._datastore, self._slug, commit=True) as cursor:
            cursor.execute(
                "UPDATE platform.inquiry_keys SET wrapped_key = NULL, destroyed_at = now()"
                " WHERE tenant_id = %s AND inquiry_id = %s AND wrapped_key IS NOT NULL",
                (self._slug, inquiry_id),
            )

    def older_than(self, epoch: int, limit: int) -> list[tuple[UUID, Wrapped]]:
        with _in_tenant(self._datastore, self._slug, commit=False) as cursor:
            cursor.execute(
                "SELECT inquiry_id, epoch, wrapped_key FROM platform.inquiry_keys"
                " WHERE tenant_id = %s AND wrapped_key IS NOT NULL AND (epoch IS NULL OR epoch < %s)"
                " ORDER BY inquiry_id LIMIT %s",
                (self._slug, epoch, limit),
            )
            return [(row["inquiry_id"], (row["epoch"], bytes(row["wrapped_key"]))) for row in cursor.fetchall()]

    def rewrap(self, epoch: int, rows: list[tuple[UUID, bytes]]) -> int:
        """One transaction; `wrapped_key IS NOT NULL` is checked again on the row as it stands when updated, so an
        erasure that committed meanwhile wins, and an epoch never goes back (a newer rotation's rows stay)."""
        with _in_tenant(self._datastore, self._slug, commit=True) as cursor:
            cursor.execute(
                "UPDATE platform.inquiry_keys AS k SET wrapped_key = r.wrapped_key, epoch = %s"
                " FROM unnest(%s::uuid[], %s::bytea[]) AS r(inquiry_id, wrapped_key)"
                " WHERE k.tenant_id = %s AND k.inquiry_id = r.inquiry_id AND k.wrapped_key IS NOT NULL"
                " AND (k.epoch IS NULL OR k.epoch < %s)",
                (epoch, [row[0] for row in rows], [row[1] for row in rows], self._slug, epoch),
            )
            return int(cursor.rowcount)

    def _select(self, cursor: Any, inquiry_id: UUID) -> Wrapped | None:
        cursor.execute(
            "SELECT epoch, wrapped_key FROM platform.inquiry_keys WHERE tenant_id = %s AND inquiry_id = %s",
            (self._slug, inquiry_id),
        )
        row = cursor.fetchone()
        return None if row is None or row["wrapped_key"] is None else (row["epoch"], bytes(row["wrapped_key"]))


class PostgresSearchKeys:
    """One tenant's search key, wrapped by an epoch key, in `platform.search_keys` (0026_key_epochs.sql)."""

    def __init__(self, datastore: PostgresDatastore, slug: str) -> None:
        self._datastore = datastore
        self._slug = slug

    def current(self) -> Wrapped | None:
        with _in_tenant(self._datastore, self._slug, commit=False) as cursor:
            cursor.execute("SELECT epoch, wrapped_key FROM platform.search_keys WHERE tenant_id = %s", (self._slug,))
            row = cursor.fetchone()
        return None if row is None else (row["epoch"], bytes(row["wrapped_key"]))
