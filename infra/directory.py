"""The platform's own tables in PostgreSQL beside the event store: tenants with their wrapped keys, and staff accounts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.postgres import PostgresDatastore

from domain.account import Account, record_scope
from domain.common import Context
from infra.inquiry_keys import PostgresInquiryKeys, PostgresSearchKeys
from projections.audit_chain import RECORD_WRITERS_LOCK
from services.platform import TENANTS_CHANNEL


class PostgresTenantDirectory:
    def __init__(self, datastore: PostgresDatastore) -> None:
        self._datastore = datastore

    def add(self, slug: str, wrapped_key: bytes, shares_statistics: bool = True) -> bool:
        with self._datastore.transaction(commit=True) as cursor:
            cursor.execute(
                "INSERT INTO platform.tenants (slug, wrapped_key, shares_statistics) VALUES (%s, %s, %s)"
                " ON CONFLICT (slug) DO NOTHING",
                (slug, wrapped_key, shares_statistics),
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

    def set_sharing(self, slug: str, shares: bool) -> bool:
        """Committed before this returns: the network's next read sees it (0024_statistics_sharing.sql)."""
        with self._datastore.transaction(commit=True) as cursor:
            cursor.execute("UPDATE platform.tenants SET shares_statistics = %s WHERE slug = %s", (shares, slug))
            return cursor.rowcount == 1

    def sharing_slugs(self) -> list[str]:
        with self._datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT slug FROM platform.tenants WHERE shares_statistics ORDER BY slug")
            return [row["slug"] for row in cursor.fetchall()]

    @contextmanager
    def sharing_change(self, slug: str) -> Iterator[None]:
        """A lock of the tenant's sharing, held by an otherwise idle transaction on a connection of its own, so the
        writes inside (each committed at once, on other connections) are seen by the network as they happen."""
        with self._datastore.transaction(commit=True) as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"ombud/sharing/{slug}",))
            yield

    def accounts(self) -> PostgresAccountDirectory:
        return PostgresAccountDirectory(self._datastore)

    def inquiry_keys(self, slug: str) -> PostgresInquiryKeys:
        return PostgresInquiryKeys(self._datastore, slug)

    def search_keys(self, slug: str) -> PostgresSearchKeys:
        return PostgresSearchKeys(self._datastore, slug)


class PostgresAccountDirectory:
    """Staff accounts in `platform.accounts`, under row-level security: each write names the account's tenant.

    Each change and its account record commit in one transaction: no change without its record, no record without it.
    The web side reads them with asyncpg (projections/staff_accounts.py).
    """

    def __init__(self, datastore: PostgresDatastore) -> None:
        self._datastore = datastore

    def add(self, account: Account, password_hash: str, by: Context) -> bool:
        with self._datastore.transaction(commit=True) as cursor:
            _tenant(cursor, account.tenant)
            cursor.execute(
                "INSERT INTO platform.accounts (id, email, role, tenant_id, password_hash, display_name)"
                " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (email) DO NOTHING",
                (account.id, account.email, account.role, account.tenant, password_hash, account.display_name),
            )
            if cursor.rowcount != 1:
                return False
            _record(cursor, record_scope(account.tenant), account.id, "created", account.role, None, by)
            return True

    def set_display_name(self, account_id: UUID, tenant: str | None, name: str | None, by: Context) -> bool:
        with self._datastore.transaction(commit=True) as cursor:
            found = _lock(cursor, account_id, tenant)
            if found is None:
                return False
            if found["display_name"] != name:
                cursor.execute("UPDATE platform.accounts SET display_name = %s WHERE id = %s", (name, account_id))
                _record(cursor, record_scope(tenant), account_id, "name_set", found["role"], None, by)
            return True

    def account_by_email(self, email: str) -> Account | None:
        with self._datastore.transaction(commit=False) as cursor:
            # The address names the account before its tenant is known: the owner's one lookup (0016_owner.sql).
            cursor.execute(
                "SELECT id, email, role, tenant_id, display_name FROM platform.account_for_sign_in(%s)", (email,)
            )
            row = cursor.fetchone()
        if row is None:
            return None
        return Account(row["id"], row["email"], row["role"], row["tenant_id"], row["display_name"])

    def known_tenant(self, slug: str) -> bool:
        with self._datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT 1 FROM platform.tenants WHERE slug = %s", (slug,))
            return cursor.fetchone() is not None

    def change_role(self, account_id: UUID, tenant: str, role: str, by: Context) -> bool:
        with self._datastore.transaction(commit=True) as cursor:
            found = _lock(cursor, account_id, tenant)
            if found is None:
                return False
            cursor.execute(
                "UPDATE platform.accounts SET role = %s, session_generation = session_generation + 1 WHERE id = %s",
                (role, account_id),
            )
            _record(cursor, tenant, account_id, "role_changed", role, found["role"], by)
            return True

    def set_active(self, account_id: UUID, tenant: str | None, active: bool, by: Context) -> bool:
        with self._datastore.transaction(commit=True) as cursor:
            found = _lock(cursor, account_id, tenant)
            if found is None:
                return False
            if found["active"] != active:
                cursor.execute(
                    "UPDATE platform.accounts SET active = %s, session_generation = session_generation + 1"
                    " WHERE id = %s",
                    (active, account_id),
                )
                change = "reactivated" if active else "deactivated"
                _record(cursor, record_scope(tenant), account_id, change, found["role"], None, by)
            return True

    def reset_password(self, email: str, password_hash: str, by: Context) -> bool:
        with self._datastore.transaction(commit=True) as cursor:
            # The address names the account before its tenant is known: the owner's one lookup (0016_owner.sql).
            cursor.execute("SELECT tenant_id FROM platform.account_for_sign_in(%s)", (email,))
            owner = cursor.fetchone()
            if owner is None:
                return False
            _tenant(cursor, owner["tenant_id"])
            cursor.execute(
                "UPDATE platform.accounts SET password_hash = %s, session_generation = session_generation + 1"
                " WHERE email = %s RETURNING id, role, tenant_id",
                (password_hash, email),
            )
            found = cursor.fetchone()
            if found is None:
                return False
            _record(cursor, record_scope(found["tenant_id"]), found["id"], "password_reset", found["role"], None, by)
            return True


def _lock(cursor: Any, account_id: UUID, tenant: str | None) -> dict[str, Any] | None:
    """The account if it belongs to the tenant (None: to the platform), locked until the change commits."""
    _tenant(cursor, tenant)
    cursor.execute(
        "SELECT role, active, display_name FROM platform.accounts"
        " WHERE id = %s AND tenant_id IS NOT DISTINCT FROM %s FOR UPDATE",
        (account_id, tenant),
    )
    row: dict[str, Any] | None = cursor.fetchone()
    return row


def _record(
    cursor: Any, scope: str, account_id: UUID, change: str, role: str, previous_role: str | None, by: Context
) -> None:
    """Appends the account record under the scope's own tenant setting, as row-level security demands."""
    cursor.execute("SELECT set_config('app.tenant_id', %s, true)", (scope,))
    cursor.execute(RECORD_WRITERS_LOCK)  # the audit chain seals records in commit order
    cursor.execute(
        "INSERT INTO audit.account_records (tenant_id, account_id, change, role, previous_role, actor_id, actor_role)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s)",
        (scope, account_id, change, role, previous_role, by.user_id, by.role),
    )


def _tenant(cursor: Any, tenant: str | None) -> None:
    """Row-level security's tenant for this transaction; none (the empty setting) for the platform's own staff."""
    cursor.execute("SELECT set_config('app.tenant_id', %s, true)", (tenant or "",))
