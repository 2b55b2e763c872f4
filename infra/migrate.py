"""Schema migrations: numbered SQL files applied once each, in order, under an advisory lock; then the roles.

Run as the owner/admin login (OMBUD_ADMIN_DATABASE_URL). Everything of ours ends up owned by `ombud_owner`; the web's
login (DATABASE_URL) exists as a plain login in `ombud_web`, the worker's (OMBUD_WORKER_DATABASE_URL) in
`ombud_worker_role`, and only these two and the admin may connect to the database (docs/security.md, "Database roles").
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from importlib.resources import files

import psycopg
from psycopg import sql

from infra.logins import login_of, password_of, worker_url_for

_LOCK_KEY = 7_141_592  # any constant: serialises concurrent `ombud migrate` runs
OWNER, RUNTIME, READER, NETWORK = "ombud_owner", "ombud_runtime", "ombud_reader", "ombud_network"
WEB, WORKER = "ombud_web", "ombud_worker_role"  # the groups of the web's login and of the worker's (0030)

# Roles are cluster-wide: databases migrating at once (parallel test sessions) may create or grant the same one.
_RACES = (psycopg.errors.UniqueViolation, psycopg.errors.DuplicateObject, psycopg.errors.InternalError)

# Every schema, table, view, sequence, composite type and function in our schemas goes to the owner role.
_OWNER_TAKES_ALL = """
DO $$
DECLARE o record;
BEGIN
    FOR o IN SELECT format('SCHEMA %I', nspname) AS what FROM pg_namespace
             WHERE nspname = ANY(ARRAY['events', 'platform', 'read', 'audit']) AND nspowner <> 'ombud_owner'::regrole
    UNION ALL
    SELECT format(CASE c.relkind WHEN 'v' THEN 'VIEW %s' WHEN 'm' THEN 'MATERIALIZED VIEW %s'
                  WHEN 'S' THEN 'SEQUENCE %s' ELSE 'TABLE %s' END, c.oid::regclass)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY(ARRAY['events', 'platform', 'read', 'audit']) AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
      AND c.relowner <> 'ombud_owner'::regrole
      AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
    UNION ALL
    SELECT format('TYPE %s', t.oid::regtype) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = ANY(ARRAY['events', 'platform', 'read', 'audit']) AND t.typtype = 'c' AND t.typrelid IN (
        SELECT oid FROM pg_class WHERE relkind = 'c') AND t.typowner <> 'ombud_owner'::regrole
    UNION ALL
    SELECT format('FUNCTION %s', p.oid::regprocedure) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = ANY(ARRAY['events', 'platform', 'read', 'audit']) AND p.proowner <> 'ombud_owner'::regrole
    LOOP
        EXECUTE format('ALTER %s OWNER TO ombud_owner', o.what);
    END LOOP;
END
$$
"""


def migration_files() -> list[tuple[str, str]]:
    folder = files("infra") / "migrations"
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".sql"))
    return [(name.removesuffix(".sql"), (folder / name).read_text(encoding="utf-8")) for name in names]


def migrate(conninfo: str, app_url: str | None = None, worker_url: str | None = None) -> list[str]:
    """Applies what is missing as the login in `conninfo`; returns the names applied now (empty when up to date).

    With `app_url` naming another login, makes sure that login exists (created with the URL's password, if any) as a
    plain login in ombud_web, and the worker's login (`worker_url`; unset: WORKER_LOGIN on the same database) as one in
    ombud_worker_role; then only they and the admin may connect. Without (one login for everything, as before):
    nothing to do when up to date.
    """
    app_login = login_of(app_url) if app_url and login_of(app_url) != login_of(conninfo) else None
    worker_url = worker_url or (worker_url_for(app_url) if app_url else None)
    if app_login and worker_url and login_of(worker_url) in (app_login, login_of(conninfo)):
        raise MigrationError(
            "OMBUD_WORKER_DATABASE_URL: arbeiderens innlogging må være en annen enn DATABASE_URL og"
            " OMBUD_ADMIN_DATABASE_URL sine"
        )
    applied_now: list[str] = []
    with psycopg.connect(conninfo, autocommit=True) as conn:
        if not app_login and not pending(conn):
            return []
        conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_KEY,))
        try:
            _group_roles(conn)
            conn.execute(
                "CREATE TABLE IF NOT EXISTS public.ombud_migrations "
                "(name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            done = {row[0] for row in conn.execute("SELECT name FROM public.ombud_migrations")}
            for name, text in migration_files():
                if name in done:
                    continue
                with conn.transaction():
                    conn.execute(text)
                    conn.execute("INSERT INTO public.ombud_migrations (name) VALUES (%s)", (name,))
                applied_now.append(name)
            if applied_now:
                conn.execute(_OWNER_TAKES_ALL)
            if app_login and worker_url:
                _app_login(conn, app_login, password_of(app_url or ""), WEB, "DATABASE_URL")
                _app_login(conn, login_of(worker_url), password_of(worker_url), WORKER, "OMBUD_WORKER_DATABASE_URL")
                _connect_only(conn, [app_login, login_of(worker_url)])
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))
    return applied_now


def pending(conn: psycopg.Connection) -> list[str]:
    """The migrations not yet applied; the web's and the worker's logins may ask."""
    exists = conn.execute("SELECT to_regclass('public.ombud_migrations') IS NOT NULL").fetchone()
    done = (
        {row[0] for row in conn.execute("SELECT name FROM public.ombud_migrations")} if exists and exists[0] else set()
    )
    return [name for name, _ in migration_files() if name not in done]


def _group_roles(conn: psycopg.Connection) -> None:
    """The NOLOGIN roles of docs/security.md; the admin becomes a member of the owner, to hand it what it makes."""
    for role in (READER, OWNER, RUNTIME, NETWORK, WEB, WORKER):
        _once(
            conn,
            partial(_role_exists, conn, role),
            sql.SQL("CREATE ROLE {} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE").format(
                sql.Identifier(role)
            ),
        )
    _grant_membership(conn, READER, RUNTIME)
    # the worker reads the sharing offices' counts as the network does when it makes a release
    for group, member in ((READER, WEB), (NETWORK, WEB), (READER, WORKER), (NETWORK, WORKER)):
        _grant_membership(conn, group, member)
    admin = conn.execute("SELECT rolname, rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
    if admin and not admin[1]:
        _grant_membership(conn, OWNER, admin[0])


def _app_login(conn: psycopg.Connection, login: str, password: str | None, group: str, setting: str) -> None:
    """A login of the app: created if missing; never a superuser, never above row-level security, in `group` only."""
    create = sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE").format(
        sql.Identifier(login)
    )
    if password:
        create += sql.SQL(" PASSWORD {}").format(sql.Literal(password))
    existed = _role_exists(conn, login)
    _once(conn, lambda: _role_exists(conn, login), create)
    if existed and password:  # a changed password in the URL takes effect at the next migration
        conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(login), sql.Literal(password)))
    row = conn.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = %s", (login,)).fetchone()
    if row and row[0]:
        raise MigrationError(
            f"{setting}: innloggingen «{login}» er superbruker eller kan omgå radsikkerhet; appen må ha en egen"
            " innlogging uten slike rettigheter (eier-/admininnloggingen hører hjemme i OMBUD_ADMIN_DATABASE_URL)"
        )
    other = WORKER if group == WEB else WEB
    if conn.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", (login, other)).fetchone() == (True,):
        raise MigrationError(
            f"{setting}: innloggingen «{login}» er allerede {'arbeiderens' if other == WORKER else 'webappens'};"
            " webappen og arbeideren skal ha hver sin innlogging"
        )
    _grant_membership(conn, group, login)


def _connect_only(conn: psycopg.Connection, logins: list[str]) -> None:
    """Only this installation's logins (and the admin) may connect: role names are global to the server, so another
    installation's login, a member of the same groups, is kept out of this database (docs/security.md)."""
    database = sql.Identifier(conn.execute("SELECT current_database()").fetchone()[0])  # type: ignore[index]
    ours = [*logins, conn.execute("SELECT current_user").fetchone()[0]]  # type: ignore[index]
    conn.execute(sql.SQL("REVOKE CONNECT ON DATABASE {} FROM PUBLIC").format(database))
    for login in ours:
        conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(database, sql.Identifier(login)))
    others = conn.execute(_OTHER_INSTALLATIONS, (ours, [OWNER, RUNTIME, READER, NETWORK, WEB, WORKER])).fetchall()
    for (login,) in others:
        conn.execute(sql.SQL("REVOKE CONNECT ON DATABASE {} FROM {}").format(database, sql.Identifier(login)))


# The roles that may connect to this database by a grant of their own and belong to one of our groups, but not ours.
_OTHER_INSTALLATIONS = """
SELECT DISTINCT r.rolname FROM pg_database d, aclexplode(d.datacl) a JOIN pg_roles r ON r.oid = a.grantee
WHERE d.datname = current_database() AND a.privilege_type = 'CONNECT' AND NOT r.rolname = ANY(%s)
  AND NOT r.rolsuper AND EXISTS (SELECT 1 FROM unnest(%s::text[]) g WHERE pg_has_role(r.oid, g, 'MEMBER'))
"""


def _grant_membership(conn: psycopg.Connection, group: str, member: str) -> None:
    _once(
        conn,
        lambda: bool(
            conn.execute(
                "SELECT 1 FROM pg_auth_members m WHERE m.roleid = %s::regrole AND m.member = %s::regrole",
                (_quoted(conn, group), _quoted(conn, member)),
            ).fetchone()
        ),
        sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(member)),
    )


def _quoted(conn: psycopg.Connection, role: str) -> str:
    return sql.Identifier(role).as_string(conn)


def _role_exists(conn: psycopg.Connection, role: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is not None


def _once(conn: psycopg.Connection, done: Callable[[], bool], statement: sql.Composed) -> None:
    """Runs `statement` unless `done()`; another database doing the same at this moment is not an error."""
    for attempt in range(5):
        if done():
            return
        try:
            conn.execute(statement)
            return
        except _RACES:
            time.sleep(0.05 * (attempt + 1))
    if not done():
        raise MigrationError("kunne ikke opprette databaserollene; prøv `ombud migrate` igjen")


class MigrationError(Exception):
    """The database cannot be set up as asked."""
