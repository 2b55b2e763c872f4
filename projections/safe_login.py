"""The web and the worker refuse a database login that row-level security would not bind (docs/security.md)."""

from __future__ import annotations

from typing import Any

import asyncpg
import psycopg

# Superuser, BYPASSRLS, or owner (itself or through a role it belongs to) of a schema or table of ours.
LOGIN_POWERS = """
SELECT r.rolname AS login, r.rolsuper AS superuser, r.rolbypassrls AS bypasses_rls,
       EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname IN ('events', 'platform', 'read', 'audit')
               AND (pg_has_role(r.oid, n.nspowner, 'MEMBER')
                    OR EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid
                               AND pg_has_role(r.oid, c.relowner, 'MEMBER')))) AS owns_tables
FROM pg_roles r WHERE r.rolname = current_user
"""


class UnsafeDatabaseLogin(Exception):
    """The login could read or change every tenant's data, or the stored events: the process will not start."""


def refusal(
    login: str, superuser: bool, bypasses_rls: bool, owns_tables: bool, setting: str = "DATABASE_URL"
) -> str | None:
    """The one-line message for a login that must not run the app, or None when it may."""
    powers = [
        why
        for why, held in (
            ("er superbruker", superuser),
            ("kan omgå radsikkerhet (BYPASSRLS)", bypasses_rls),
            ("eier tabellene", owns_tables),
        )
        if held
    ]
    if not powers:
        return None
    return (
        f"databaseinnloggingen «{login}» i {setting} {' og '.join(powers)}; appen skal logge inn med en egen"
        " innlogging uten slike rettigheter, og eier-/admininnloggingen settes i OMBUD_ADMIN_DATABASE_URL"
        " (den bruker bare `ombud migrate`)"
    )


async def refuse_unsafe_login(conn: asyncpg.Connection) -> None:
    row = await conn.fetchrow(LOGIN_POWERS)
    message = refusal(**dict(row)) if row else "databaseinnloggingen i DATABASE_URL finnes ikke"
    if message:
        raise UnsafeDatabaseLogin(message)


def refuse_unsafe_login_sync(cursor: psycopg.Cursor[Any], setting: str = "DATABASE_URL") -> None:
    """The same check on a psycopg connection with tuple rows (the worker's, whose login `setting` names)."""
    cursor.execute(LOGIN_POWERS)
    row = cursor.fetchone()
    message = (
        refusal(row[0], row[1], row[2], row[3], setting) if row else f"databaseinnloggingen i {setting} finnes ikke"
    )
    if message:
        raise UnsafeDatabaseLogin(message)
