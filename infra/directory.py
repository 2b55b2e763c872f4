"""The platform's own tables in PostgreSQL beside the event store: tenants with their wrapped keys, and staff accounts."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.postgres import PostgresDatastore

from domain.account import Account
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

    def accounts(self) -> PostgresAccountDirectory:
        return PostgresAccountDirectory(self._datastore)


class PostgresAccountDirectory:
    """Staff accounts in `platform.accounts`, under row-level security: each write names the account's tenant.

    The web side reads them with asyncpg (projections/staff_accounts.py).
    """

    def __init__(self, datastore: PostgresDatastore) -> None:
        self._datastore = datastore

    def add(self, account: Account, password_hash: str) -> bool:
        with self._datastore.transaction(commit=True) as cursor:
            _tenant(cursor, account.tenant)
            cursor.execute(
                "INSERT INTO platform.accounts (id, email, role, tenant_id, password_hash) VALUES (%s, %s, %s, %s, %s)"
                " ON CONFLICT (email) DO NOTHING",
                (account.id, account.email, account.role, account.tenant, password_hash),
            )
            return cursor.rowcount == 1

    def known_tenant(self, slug: str) -> bool:
        with self._datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT 1 FROM platform.tenants WHERE slug = %s", (slug,))
            return cursor.fetchone() is not None

    def change_role(self, account_id: UUID, tenant: str, role: str) -> bool:
        with self._datastore.transaction(commit=True) as cursor:
            _tenant(cursor, tenant)
            cursor.execute(
                "UPDATE platform.accounts SET role = %s WHERE id = %s AND tenant_id = %s", (role, account_id, tenant)
            )
            return cursor.rowcount == 1


def _tenant(cursor: Any, tenant: str | None) -> None:
    """Row-level security's tenant for this transaction; none (the empty setting) for the platform's own staff."""
    cursor.execute("SELECT set_config('app.tenant_id', %s, true)", (tenant or "",))
