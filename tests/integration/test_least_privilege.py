"""The app's database login can append and read, never rewrite history, and row-level security binds all it does."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

import psycopg
import pytest
from litestar.testing import AsyncTestClient

from domain.common import Context
from infra.logins import login_of, with_login
from infra.migrate import migrate
from infra.throwaway import throwaway_database
from projections.safe_login import LOGIN_POWERS, UnsafeDatabaseLogin
from projections.worker import ProjectionWorker
from services.application import table_prefix
from services.audit.access_log import record_access
from services.office import Office
from services.platform import Platform
from tests import factories
from tests.helpers import (
    make_account_fixture,  # noqa: F401 (the fixture `make_account`)
    query,
)
from tests.integration.helpers import (
    offices_fixture,  # noqa: F401 (the fixture `offices`)
    ombud_refuses_fixture,  # noqa: F401 (the fixture `ombud_refuses`)
)
from web.app import create_app

REFUSED = psycopg.errors.InsufficientPrivilege


@pytest.fixture
def projected(
    offices: tuple[Office, Office], caseworker: Context, worker: ProjectionWorker, database_url: str
) -> tuple[Office, Office]:
    """Both tenants with an inquiry, an outreach activity, an access record and an account, all projected."""
    for office in offices:
        reference = factories.case(office, caseworker)
        office.register_outreach(
            caseworker, held_on=date(2024, 4, 4), kind="talk", title="Foredrag", audience="Eldrerådet", participants=9
        )
        worker.catch_up(office.slug)
        with psycopg.connect(database_url) as conn, conn.transaction():
            conn.execute("SELECT set_config('app.tenant_id', %s, true)", (office.slug,))
            conn.execute(
                "INSERT INTO audit.access_records (tenant_id, account_id, role, inquiry_id, purpose, channel)"
                " VALUES (%s, %s, 'caseworker', %s, 'saksbehandling', 'web')",
                (office.slug, uuid.uuid4(), office.inquiry(reference).id),
            )
    return offices


def count_events(url: str, office: Office) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT count(*) FROM events.{table_prefix(office.slug)}_events").fetchone()[0]


@pytest.mark.parametrize(
    "statement",
    ["UPDATE events.{table} SET state = state", "DELETE FROM events.{table}", "TRUNCATE events.{table}"],
)
def test_the_apps_login_may_not_update_delete_or_truncate_stored_events(
    statement: str, projected: tuple[Office, Office], database_url: str
) -> None:
    before = [count_events(database_url, office) for office in projected]
    with psycopg.connect(database_url) as conn, pytest.raises(REFUSED):
        conn.execute(statement.format(table=f"{table_prefix(projected[0].slug)}_events"))
    assert [count_events(database_url, office) for office in projected] == before
    assert min(before) > 0


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit.access_records SET purpose = 'x'",
        "DELETE FROM audit.access_records",
        "TRUNCATE audit.access_records",
    ],
)
def test_the_apps_login_may_not_update_delete_or_truncate_access_records(
    statement: str, projected: tuple[Office, Office], database_url: str
) -> None:
    a, b = projected
    with psycopg.connect(database_url) as conn:
        with pytest.raises(REFUSED), conn.transaction():
            conn.execute("SELECT set_config('app.tenant_id', %s, true)", (a.slug,))
            conn.execute(statement)
        for office in (a, b):
            with conn.transaction():
                conn.execute("SELECT set_config('app.tenant_id', %s, true)", (office.slug,))
                assert conn.execute("SELECT count(*) FROM audit.access_records").fetchone() == (1,)


def test_the_apps_login_may_append_access_records_only_for_the_tenant_it_has_set(
    projected: tuple[Office, Office], database_url: str
) -> None:
    a, b = projected
    with psycopg.connect(database_url) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
        conn.execute("SELECT set_config('app.tenant_id', %s, true)", (a.slug,))
        conn.execute(
            "INSERT INTO audit.access_records (tenant_id, account_id, role, inquiry_id, purpose, channel)"
            " VALUES (%s, %s, 'caseworker', %s, 'saksbehandling', 'web')",
            (b.slug, uuid.uuid4(), uuid.uuid4()),
        )


NOT_A_TENANTS = {"read.network_releases"}  # the network's releases (0028): read only with app.network on


def tenant_tables(database_url: str) -> list[str]:
    with psycopg.connect(database_url) as conn:
        return [
            row[0]
            for row in conn.execute(
                "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname IN ('read', 'audit') AND c.relkind IN ('r', 'p') ORDER BY 1"
            )
        ] + ["platform.accounts"]


def test_every_read_model_and_audit_table_and_the_accounts_have_forced_row_level_security(database_url: str) -> None:
    tables = tenant_tables(database_url)
    assert {"read.inquiries", "read.outreach", "read.positions", "audit.access_records"} <= set(tables)
    unprotected = query(
        database_url,
        "SELECT oid::regclass::text FROM pg_class WHERE oid = ANY(%s::regclass[])"
        " AND NOT (relrowsecurity AND relforcerowsecurity)",
        (tables,),
    )
    assert unprotected == []


@pytest.mark.parametrize("role", [None, "ombud_reader"])
def test_with_no_tenant_or_another_tenant_set_nothing_of_a_tenant_is_read(
    role: str | None, projected: tuple[Office, Office], database_url: str, make_account
) -> None:
    a, b = projected
    make_account("caseworker", a.slug)
    make_account("caseworker", b.slug)
    read_somewhere: set[str] = set()
    with psycopg.connect(database_url) as conn:
        # the reader's tables (the quarantine it sees only through its function); every one as the app's login
        tables = [
            table
            for table in tenant_tables(database_url)
            if conn.execute("SELECT has_table_privilege(%s, %s, 'SELECT')", (role or "ombud_app", table)).fetchone()[0]
        ]
        conn.commit()  # each check below in a transaction of its own, not a savepoint of that query's
        for table in tables:
            if table in NOT_A_TENANTS:  # no tenant's rows: without the network's setting nothing of it is read
                with conn.transaction():
                    conn.execute("SELECT set_config('app.tenant_id', %s, true)", (b.slug,))
                    assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
                continue
            with conn.transaction():
                if role:
                    conn.execute(f"SET LOCAL ROLE {role}")
                # nothing of any tenant; the platform's own staff (network, platform_admin) belong to no tenant
                tenants_rows = conn.execute(f"SELECT count(*) FROM {table} WHERE tenant_id IS NOT NULL").fetchone()
                assert tenants_rows == (0,), table
            with conn.transaction():
                if role:
                    conn.execute(f"SET LOCAL ROLE {role}")
                conn.execute("SELECT set_config('app.tenant_id', %s, true)", (b.slug,))
                seen = {row[0] for row in conn.execute(f"SELECT tenant_id FROM {table}")}
                assert seen <= {b.slug}, table  # B's own rows (where it has any), none of A's
                read_somewhere |= seen
    assert read_somewhere == {b.slug}  # the tenant that is set reads its own rows


def test_a_tenant_made_at_run_time_has_tables_owned_by_the_owner_role_and_the_app_owns_nothing(
    offices: tuple[Office, Office], database_url: str
) -> None:
    with psycopg.connect(database_url) as conn:
        owners = conn.execute(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'events' AND tablename = ANY(%s)",
            ([f"{table_prefix(office.slug)}_events" for office in offices],),
        ).fetchall()
        powers = conn.execute(LOGIN_POWERS).fetchone()
    assert owners == [("ombud_owner",)]
    assert powers == (login_of(database_url), False, False, False)


@pytest.mark.parametrize("slug", ["Ikke-en-slug", "a; DROP TABLE platform.tenants", "ukjent-kommune"])
def test_the_table_making_function_refuses_a_bad_or_unregistered_slug(slug: str, database_url: str) -> None:
    with psycopg.connect(database_url) as conn, pytest.raises(psycopg.errors.InvalidParameterValue):
        conn.execute("SELECT events.create_tenant_tables(%s)", (slug,))


def test_the_apps_login_runs_no_ddl(database_url: str) -> None:
    with psycopg.connect(database_url) as conn, pytest.raises(REFUSED):
        conn.execute("CREATE TABLE events.tenant_snikeby_events (id int)")


async def test_the_web_refuses_to_start_on_a_superuser_login(
    platform: Platform, admin_database_url: str, redis_url: str
) -> None:
    app = create_app(platform, admin_database_url, redis_url, secure_cookies=False)
    with pytest.raises(BaseException) as refused:  # the lifespan's error reaches the test client in a group
        async with AsyncTestClient(app=app):
            pass
    found = _first(refused.value, UnsafeDatabaseLogin)
    assert isinstance(found, UnsafeDatabaseLogin)
    message = str(found)
    assert "\n" not in message
    assert "DATABASE_URL" in message and "OMBUD_ADMIN_DATABASE_URL" in message and "superbruker" in message


def test_the_worker_refuses_to_start_on_a_superuser_login(platform: Platform, admin_database_url: str) -> None:
    with pytest.raises(UnsafeDatabaseLogin, match="OMBUD_ADMIN_DATABASE_URL"):
        ProjectionWorker(platform, admin_database_url)


@pytest.mark.parametrize("command", [["worker", "--once"], ["serve", "--port", "0"]])
def test_ombud_worker_and_serve_refuse_a_superuser_login_with_one_line_naming_both_settings(
    command: list[str], admin_database_url: str, ombud_refuses: Callable[..., str]
) -> None:
    # One login for everything, as before.
    err = ombud_refuses(command, DATABASE_URL=admin_database_url, OMBUD_ADMIN_DATABASE_URL=None)
    assert err.startswith("ombud: feil: databaseinnloggingen")
    assert "DATABASE_URL" in err and "OMBUD_ADMIN_DATABASE_URL" in err


def test_migrate_creates_missing_logins_with_their_passwords_as_plain_members_of_the_web_and_worker_roles(
    server_url: str,
) -> None:
    web, worker = (f"ombud_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("web", "worker"))
    try:
        with throwaway_database(server_url, "ombud_logins") as admin_url:
            migrate(admin_url, with_login(admin_url, web, "hemmelig-passord"), with_login(admin_url, worker, "annet"))
            with psycopg.connect(admin_url) as conn:
                roles = conn.execute(
                    "SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolpassword IS NOT NULL,"
                    " pg_has_role(oid, 'ombud_web', 'MEMBER'), pg_has_role(oid, 'ombud_worker_role', 'MEMBER'),"
                    " pg_has_role(oid, 'ombud_owner', 'MEMBER') FROM pg_authid WHERE rolname = ANY(%s) ORDER BY rolname",
                    ([web, worker],),
                ).fetchall()
        assert roles == [
            (True, False, False, False, False, True, True, False, False),
            (True, False, False, False, False, True, False, True, False),
        ]
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            for login in (web, worker):
                conn.execute(f'DROP ROLE IF EXISTS "{login}"')


def test_migrate_refuses_a_superuser_as_the_apps_login(admin_database_url: str) -> None:
    from infra.migrate import MigrationError

    login = f"ombud_super_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_database_url, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{login}" LOGIN SUPERUSER')
    try:
        with pytest.raises(MigrationError, match="superbruker"):
            migrate(admin_database_url, with_login(admin_database_url, login))
    finally:
        with psycopg.connect(admin_database_url, autocommit=True) as conn:
            conn.execute(f'DROP ROLE IF EXISTS "{login}"')


def test_sign_in_finds_an_account_by_address_with_no_tenant_set_and_nothing_wider(
    projected: tuple[Office, Office], database_url: str, make_account
) -> None:
    a, _ = projected
    account = make_account("caseworker", a.slug)
    with psycopg.connect(database_url) as conn:
        found = conn.execute("SELECT id, tenant_id FROM platform.account_for_sign_in(%s)", (account.email,)).fetchall()
        assert found == [(account.id, a.slug)]
        assert conn.execute("SELECT count(*) FROM platform.account_for_sign_in('')").fetchone() == (0,)


async def test_recording_an_access_as_the_app_works_under_the_tenant_it_names(
    projected: tuple[Office, Office], database_url: str
) -> None:
    import asyncpg

    a, b = projected
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    try:
        await record_access(
            pool,
            a.slug,
            account_id=str(uuid.uuid4()),
            role="auditor",
            inquiry_id=uuid.uuid4(),
            purpose="tilsyn",
            channel="web",
        )
    finally:
        await pool.close()
    with psycopg.connect(database_url) as conn:
        for office, expected in ((a, 2), (b, 1)):
            with conn.transaction():
                conn.execute("SELECT set_config('app.tenant_id', %s, true)", (office.slug,))
                assert conn.execute("SELECT count(*) FROM audit.access_records").fetchone() == (expected,)


def _first(error: BaseException, kind: type[BaseException]) -> BaseException:
    if isinstance(error, kind):
        return error
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            found = _first(inner, kind)
            if isinstance(found, kind):
                return found
    return error
