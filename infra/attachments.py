"""One tenant's sealed attachment bytes in `platform.attachments`, under row-level security (0040)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.postgres import PostgresDatastore

from infra.inquiry_keys import _in_tenant
from services.application import OfficeApplication
from services.attachments import AttachmentWrites


class PostgresAttachments:
    """Writes go with the events (the recorder's `attachment_writes`, infra/eventstore.py); reads are one row each."""

    def __init__(self, datastore: PostgresDatastore, slug: str) -> None:
        self._datastore = datastore
        self._slug = slug

    def save(self, app: OfficeApplication, *aggregates: Any, writes: AttachmentWrites) -> None:
        app.save(*aggregates, attachment_writes=writes)

    def sealed(self, inquiry_id: UUID, attachment_id: UUID) -> bytes | None:
        with _in_tenant(self._datastore, self._slug, commit=False) as cursor:
            cursor.execute(
                "SELECT ciphertext FROM platform.attachments"
                " WHERE tenant_id = %s AND inquiry_id = %s AND attachment_id = %s",
                (self._slug, inquiry_id, attachment_id),
            )
            row = cursor.fetchone()
        return None if row is None else bytes(row["ciphertext"])

    def pending(self, limit: int) -> list[tuple[UUID, UUID]]:
        with _in_tenant(self._datastore, self._slug, commit=False) as cursor:
            cursor.execute(
                "SELECT inquiry_id, attachment_id FROM platform.attachments"
                " WHERE tenant_id = %s AND pending ORDER BY created_at LIMIT %s",
                (self._slug, limit),
            )
            return [(row["inquiry_id"], row["attachment_id"]) for row in cursor.fetchall()]


def write_attachments(cursor: Any, slug: str, writes: AttachmentWrites) -> None:
    """In the transaction that inserts the events: the tenant for row-level security, then each write."""
    cursor.execute("SELECT set_config('app.tenant_id', %s, true)", (slug,))
    for inquiry_id, attachment_id, sealed in writes.added:
        cursor.execute(
            "INSERT INTO platform.attachments (tenant_id, inquiry_id, attachment_id, ciphertext) VALUES (%s, %s, %s, %s)",
            (slug, inquiry_id, attachment_id, sealed),
        )
    for inquiry_id, attachment_id, clean in writes.scanned:
        statement = "UPDATE platform.attachments SET pending = false" if clean else "DELETE FROM platform.attachments"
        cursor.execute(
            statement + " WHERE tenant_id = %s AND inquiry_id = %s AND attachment_id = %s",
            (slug, inquiry_id, attachment_id),
        )
    if writes.erased:
        cursor.execute(
            "DELETE FROM platform.attachments WHERE tenant_id = %s AND inquiry_id = ANY(%s::uuid[])",
            (slug, list(writes.erased)),
        )
