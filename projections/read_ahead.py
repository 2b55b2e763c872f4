"""Reads and decodes a tenant's next batch of events on a connection and thread of its own while the worker applies
the current one, so the database's work and ours overlap during a long catch-up.

Safe to read apart from the worker's transaction: the event store hands out notification ids in commit order (the
recorder locks the table while it inserts) and never changes a stored event, so the rows after a position are the
same whichever connection reads them; a batch read ahead is used only if it starts exactly where the worker's
positions, read under its lock, say the next batch starts.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import psycopg

Rows = list[tuple[Any, ...]]
Batch = tuple[Rows, list[Any] | None]  # the stored rows, and their events (None: they did not decode here)


class ReadAhead:
    """At most one batch in flight; its connection opens when first needed. `read` gives a tenant's stored rows after
    a position, `decode` their events (the worker's own two functions)."""

    def __init__(
        self,
        conninfo: str,
        read: Callable[[psycopg.Cursor[Any], str, int], Rows],
        decode: Callable[[str, Rows], list[Any]],
    ) -> None:
        self._conninfo = conninfo
        self._read, self._decode = read, decode
        self._connection: psycopg.Connection[Any] | None = None
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="read-ahead")
        self._pending: tuple[str, int, Future[Batch]] | None = None

    def start(self, slug: str, after: int) -> None:
        """Begins reading and decoding the tenant's batch after `after`; a batch still in flight is dropped."""
        self.take(slug, -1)
        self._pending = (slug, after, self._thread.submit(self._batch, slug, after))

    def take(self, slug: str, after: int) -> Batch | None:
        """The batch read ahead if it is the tenant's batch after `after`, else None (and it is dropped)."""
        if self._pending is None:
            return None
        (pending_slug, pending_after, future), self._pending = self._pending, None
        try:
            batch = future.result()
        except Exception:  # noqa: BLE001 (a lost connection, say: the worker reads the batch itself and meets it there)
            self._drop_connection()
            return None
        return batch if (pending_slug, pending_after) == (slug, after) else None

    def close(self) -> None:
        self.take("", -1)
        self._thread.shutdown()
        self._drop_connection()

    def _batch(self, slug: str, after: int) -> Batch:
        if self._connection is None:
            self._connection = psycopg.connect(self._conninfo)
        with self._connection.transaction(), self._connection.cursor() as cursor:
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", (slug,))
            rows = self._read(cursor, slug, after)
        try:
            return rows, self._decode(slug, rows)
        except Exception:  # noqa: BLE001 (the worker decodes again and sets the projection aside as it always does)
            return rows, None

    def _drop_connection(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
