"""The platform's own tables in PostgreSQL beside the event store: tenants with their wrapped keys, and staff accounts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresDatastore
from psycopg.sql import SQL, Identifier

from domain.account import Account
from domain.common import Context
from domain.tenant import Tenant
from infra.attachments import PostgresAttachments
from infra.eventstore import EVENTS_SCHEMA
from infra.inquiry_keys import PostgresInquiryKeys, PostgresSearchKeys
from infra.sent_letters import PostgresSentLetters
from services.application import table_prefix
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

    def remove(self, slug: str, by: Context) -> None:
        """Only a tenant that holds nothing yet, recorded (0030_web_and_worker_logins.sql)."""
        with self._datastore.transaction(commit=True) as cursor:
            cursor.execute("SELECT platform.remove_tenant(%s, %s, %s)", (slug, by.user_id, by.role))

    def wrapped_key(self, slug: str) -> bytes | None:
        with self._datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT wrapped_key FROM platform.tenants WHERE slug = %s", (slug,))
            row = cursor.fetchone()
        return None if row is None else bytes(row["wrapped_key"])

    def wrapped_keys(self, slugs: list[str]) -> dict[str, bytes]:
        """The keys of those tenants that exist, in one query."""
        with self._datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT slug, wrapped_key FROM platform.tenants WHERE slug = ANY(%s)", (slugs,))
            return {row["slug"]: bytes(row["wrapped_key"]) for row in cursor.fetchall()}

    def stored_profiles(self, slugs: list[str]) -> dict[str, list[StoredEvent]]:
        """Each tenant's profile events (its Tenant aggregate's, still encrypted) from its own events table, the
        statements sent together in one pipeline rather than one round trip per tenant: `ombud tenant list` with 400
        tenants costs a few round trips. A tenant whose table is missing is left out (read alone, it says why)."""
        tables = {slug: f"{table_prefix(slug)}_events" for slug in slugs}
        with self._datastore.get_connection() as conn, conn.transaction(force_rollback=True):
            present = {
                row["tablename"]
                for row in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename = ANY(%s)",
                    (EVENTS_SCHEMA, list(tables.values())),
                )
            }
            reads = {}
            with conn.pipeline():
                for slug, table in tables.items():
                    if table in present:
                        reads[slug] = conn.execute(
                            SQL(
                                "SELECT originator_id, originator_version, topic, state FROM {table}"
                                " WHERE originator_id = %s ORDER BY originator_version"
                            ).format(table=Identifier(EVENTS_SCHEMA, table)),
                            (Tenant.id_for(),),
                        )
            return {
                slug: [
                    StoredEvent(
                        originator_id=row["originator_id"],
                        originator_version=row["originator_version"],
                        topic=row["topic"],
                        state=bytes(row["state"]),
                    )
                    for row in cursor.fetchall()
                ]
                for slug, cursor in reads.items()
            }

    def slugs(self) -> list[str]:
        with self._datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT slug FROM platform.tenants ORDER BY slug")
            return [row["slug"] for row in cursor.fetchall()]

    def set_sharing(self, slug: str, shares: bool, by: Context) -> bool:
        """Committed, with its record, before this returns: the network's next read sees it (0024, 0030)."""
        with self._datastore.transaction(commit=True) as cursor:
            cursor.execute(
                "SELECT platform.set_statistics_sharing(%s, %s, %s, %s) AS found", (slug, shares, by.user_id, by.role)
            )
            return bool(cursor.fetchone()["found"])  # type: ignore[index]  # the query always returns one row

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

    def attachments(self, slug: str) -> PostgresAttachments:
        return PostgresAttachments(self._datastore, slug)

    def sent_letters(self, slug: str) -> PostgresSentLetters:
        return PostgresSentLetters(self._datastore, slug)


class PostgresAccountDirectory:
    """Staff accounts in `platform.accounts`, changed only through the owner's functions (0030_web_and_worker_logins.sql):
    each change and its account record commit in one transaction, no change without its record.

    The web side reads them with asyncpg (projections/staff_accounts.py); no login of ours reads a password hash but
    the sign-in function.
    """

    def __init__(self, datastore: PostgresDatastore) -> None:
        self._datastore = datastore

    def add(self, account: Account, password_hash: str, by: Context) -> bool:
        return self._call(
            "platform.create_account(%s, %s, %s, %s, %s, %s, %s, %s)",
            account.id,
            account.email,
            account.role,
            account.tenant,
            password_hash,
            account.display_name,
            by.user_id,
            by.role,
        )

    def set_display_name(self, account_id: UUID, tenant: str | None, name: str | None, by: Context) -> bool:
        return self._call(
            "platform.set_display_name(%s, %s, %s, %s, %s)", account_id, tenant, name, by.user_id, by.role
        )

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
        return self._call("platform.change_role(%s, %s, %s, %s, %s)", account_id, tenant, role, by.user_id, by.role)

    def set_active(self, account_id: UUID, tenant: str | None, active: bool, by: Context) -> bool:
        return self._call(
            "platform.set_account_active(%s, %s, %s, %s, %s)", account_id, tenant, active, by.user_id, by.role
        )

    def reset_password(self, email: str, password_hash: str, by: Context) -> bool:
        return self._call("platform.reset_password(%s, %s, %s, %s)", email, password_hash, by.user_id, by.role)

    def invite(self, token_hash: bytes, account: Account, valid_for: timedelta, by: Context) -> bool:
        """Through the owner's function (0035_invitations.sql): no login reads or writes the invitations directly."""
        return self._call(
            "platform.invite_account(%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            token_hash,
            account.id,
            account.tenant,
            account.email,
            account.role,
            account.display_name,
            valid_for,
            by.user_id,
            by.role,
        )

    def open_invitation(self, token_hash: bytes) -> Account | None:
        with self._datastore.transaction(commit=False) as cursor:
            cursor.execute(
                "SELECT email, tenant_id, role, display_name FROM platform.open_invitation(%s)", (token_hash,)
            )
            row = cursor.fetchone()
        if row is None:
            return None
        return Account(UUID(int=0), row["email"], row["role"], row["tenant_id"], row["display_name"])

    def accept_invitation(self, token_hash: bytes, password_hash: str) -> UUID | None:
        with self._datastore.transaction(commit=True) as cursor:
            cursor.execute("SELECT platform.accept_invitation(%s, %s) AS account", (token_hash, password_hash))
            account: UUID | None = cursor.fetchone()["account"]  # type: ignore[index]  # always one row
            return account

    def _call(self, function: str, *args: object) -> bool:
        """One of the account functions, in a transaction of its own; True when it found the account (or added it)."""
        with self._datastore.transaction(commit=True) as cursor:
            cursor.execute(f"SELECT {function} AS done", args)
            return bool(cursor.fetchone()["done"])  # type: ignore[index]  # the query always returns one row
