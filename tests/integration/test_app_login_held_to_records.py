"""The web's login is held to its records: what it did with accounts, tenants and the sharing flag is recorded by the
owner's functions in the same transaction, it writes no read model and no verdict of the chain, reads no password
hash; and one installation's login cannot enter another installation's database (docs/security.md)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

import psycopg
import pytest

from domain.common import Context
from infra.logins import login_of, with_login, worker_url_for
from infra.migrate import MigrationError, migrate
from infra.throwaway import throwaway_database
from projections.worker import ProjectionWorker
from services.audit_signing import load_signer
from services.office import Office
from services.platform import Platform
from tests import factories
from tests.helpers import make_account_fixture  # noqa: F401 (the fixture `make_account`)
from tests.integration.helpers import ombud_refuses_fixture  # noqa: F401 (the fixture `ombud_refuses`)

REFUSED = psycopg.errors.InsufficientPrivilege


@pytest.fixture
def office(platform: Platform, admin: Context, new_slug: Callable[[], str]) -> Office:
    return platform.create_tenant(admin, slug=new_slug(), name="Prøveby")


def records(conn: psycopg.Connection, table: str, scope: str) -> list[tuple]:
    with conn.transaction():
        conn.execute("SELECT set_config('app.tenant_id', %s, true)", (scope,))
        return conn.execute(f"SELECT change, actor_id FROM audit.{table} ORDER BY id").fetchall()


@contextmanager
def web_login_in(database_url: str, tenant: str) -> Iterator[psycopg.Connection]:
    """A connection of the web's login with the tenant set for the session, as a request of that tenant has it."""
    with psycopg.connect(database_url) as conn:
        conn.execute("SELECT set_config('app.tenant_id', %s, false)", (tenant,))
        yield conn


def refused(conn: psycopg.Connection, statement: str, *params: object) -> None:
    with pytest.raises(REFUSED), conn.transaction():
        conn.execute(statement, params)


def test_the_web_login_cannot_insert_a_platform_administrator_or_forge_an_account_record(database_url: str) -> None:
    with psycopg.connect(database_url) as conn:
        before = conn.execute("SELECT count(*) FROM platform.accounts").fetchone()
        refused(
            conn,
            "INSERT INTO platform.accounts (id, email, role, tenant_id, password_hash)"
            " VALUES (%s, 'snik@eksempel.invalid', 'platform_admin', NULL, 'x')",
            uuid.uuid4(),
        )
        refused(
            conn,
            "INSERT INTO audit.account_records (tenant_id, account_id, change, role, actor_id, actor_role)"
            " VALUES ('', %s, 'created', 'platform_admin', 'snik', 'platform_admin')",
            uuid.uuid4(),
        )
        assert conn.execute("SELECT count(*) FROM platform.accounts").fetchone() == before


def test_the_web_login_cannot_change_a_role_or_a_password_or_delete_an_account_directly(
    office: Office, make_account, database_url: str
) -> None:
    account = make_account("caseworker", office.slug)
    with web_login_in(database_url, office.slug) as conn:
        for statement in (
            "UPDATE platform.accounts SET role = 'tenant_admin' WHERE id = %s",
            "UPDATE platform.accounts SET active = false WHERE id = %s",
            "UPDATE platform.accounts SET password_hash = 'x' WHERE id = %s",
            "UPDATE platform.accounts SET session_generation = 0 WHERE id = %s",
            "DELETE FROM platform.accounts WHERE id = %s",
        ):
            refused(conn, statement, account.id)
        assert conn.execute("SELECT role, active FROM platform.accounts WHERE id = %s", (account.id,)).fetchone() == (
            "caseworker",
            True,
        )
        assert [change for change, _ in records(conn, "account_records", office.slug)] == ["created"]


def test_the_web_login_reads_no_password_hash_with_the_tenant_set_and_sign_in_still_finds_it(
    office: Office, make_account, database_url: str
) -> None:
    account = make_account("caseworker", office.slug)
    with web_login_in(database_url, office.slug) as conn:
        refused(conn, "SELECT password_hash FROM platform.accounts")
        refused(conn, "SELECT * FROM platform.accounts")
        assert conn.execute("SELECT email FROM platform.accounts WHERE id = %s", (account.id,)).fetchone() == (
            account.email,
        )
        conn.execute("SELECT set_config('app.tenant_id', '', false)")
        found = conn.execute("SELECT password_hash FROM platform.account_for_sign_in(%s)", (account.email,)).fetchone()
    assert found is not None and found[0].startswith("$argon2id$")


def test_the_web_login_cannot_delete_a_tenant_directly_nor_through_the_function_once_it_holds_events(
    office: Office, database_url: str
) -> None:
    with psycopg.connect(database_url) as conn:
        refused(conn, "DELETE FROM platform.tenants WHERE slug = %s", office.slug)
        with pytest.raises(psycopg.errors.CheckViolation), conn.transaction():
            conn.execute("SELECT platform.remove_tenant(%s, 'snik', 'platform_admin')", (office.slug,))
        assert conn.execute("SELECT count(*) FROM platform.tenants WHERE slug = %s", (office.slug,)).fetchone() == (1,)
        assert records(conn, "tenant_records", office.slug) == []


def test_an_empty_tenant_is_taken_back_with_its_record_and_a_failing_record_leaves_it(
    database_url: str, new_slug: Callable[[], str]
) -> None:
    slug = new_slug()
    with psycopg.connect(database_url) as conn:
        conn.execute("INSERT INTO platform.tenants (slug, wrapped_key) VALUES (%s, '\\x00')", (slug,))
        conn.commit()
        with pytest.raises(psycopg.errors.NotNullViolation), conn.transaction():
            conn.execute("SELECT platform.remove_tenant(%s, NULL, 'platform_admin')", (slug,))
        assert conn.execute("SELECT count(*) FROM platform.tenants WHERE slug = %s", (slug,)).fetchone() == (1,)
        assert conn.execute("SELECT platform.remove_tenant(%s, 'opprydder', 'platform_admin')", (slug,)).fetchone() == (
            True,
        )
        conn.commit()
        assert conn.execute("SELECT count(*) FROM platform.tenants WHERE slug = %s", (slug,)).fetchone() == (0,)
        assert records(conn, "tenant_records", slug) == [("removed", "opprydder")]


def test_the_web_login_cannot_flip_the_sharing_flag_without_its_record(
    office: Office, platform: Platform, admin: Context, database_url: str
) -> None:
    with psycopg.connect(database_url) as conn:
        refused(conn, "UPDATE platform.tenants SET shares_statistics = false WHERE slug = %s", office.slug)
        with pytest.raises(psycopg.errors.NotNullViolation), conn.transaction():
            conn.execute("SELECT platform.set_statistics_sharing(%s, false, NULL, 'tenant_admin')", (office.slug,))
        assert office.slug in platform.sharing_slugs()
        assert records(conn, "tenant_records", office.slug) == []
        refused(
            conn,
            "INSERT INTO audit.tenant_records (tenant_id, change, actor_id, actor_role)"
            " VALUES (%s, 'sharing_started', 'snik', 'tenant_admin')",
            office.slug,
        )
    platform.set_statistics_sharing(admin, office.slug, False)
    platform.set_statistics_sharing(admin, office.slug, True)
    with psycopg.connect(database_url) as conn:
        assert records(conn, "tenant_records", office.slug) == [
            ("sharing_stopped", admin.user_id),
            ("sharing_started", admin.user_id),
        ]


@pytest.mark.parametrize(
    "call",
    [
        "platform.change_role(%(id)s, %(tenant)s, 'auditor', NULL, 'tenant_admin')",
        "platform.set_account_active(%(id)s, %(tenant)s, false, NULL, 'tenant_admin')",
        "platform.set_display_name(%(id)s, %(tenant)s, 'Nytt Navn', NULL, 'tenant_admin')",
        "platform.reset_password(%(email)s, 'ny-hash', NULL, 'platform_admin')",
        "platform.create_account(gen_random_uuid(), 'ny-' || %(email)s, 'caseworker', %(tenant)s, 'h', NULL, NULL, 'x')",
    ],
)
def test_an_account_change_whose_record_cannot_be_written_leaves_no_change(
    call: str, office: Office, make_account, database_url: str, admin_database_url: str
) -> None:
    account = make_account("caseworker", office.slug)

    def state() -> list[tuple]:
        with psycopg.connect(admin_database_url) as conn:
            return conn.execute(
                "SELECT id, role, active, display_name, password_hash, session_generation FROM platform.accounts"
                " WHERE tenant_id = %s ORDER BY id",
                (office.slug,),
            ).fetchall()

    before = state()
    params = {"id": account.id, "tenant": office.slug, "email": account.email}
    with psycopg.connect(database_url) as conn:
        with pytest.raises(psycopg.errors.NotNullViolation), conn.transaction():
            conn.execute(f"SELECT {call}", params)
        assert len(records(conn, "account_records", office.slug)) == 1  # the creation only
    assert state() == before


def test_each_account_function_writes_its_record_with_the_change(
    office: Office, make_account, database_url: str
) -> None:
    account = make_account("caseworker", office.slug)
    params = {"id": account.id, "tenant": office.slug, "email": account.email}
    with psycopg.connect(database_url) as conn:
        for call in (
            "platform.change_role(%(id)s, %(tenant)s, 'auditor', 'a1', 'tenant_admin')",
            "platform.set_account_active(%(id)s, %(tenant)s, false, 'a2', 'tenant_admin')",
            "platform.set_account_active(%(id)s, %(tenant)s, true, 'a3', 'tenant_admin')",
            "platform.set_display_name(%(id)s, %(tenant)s, 'Testperson Prøvesen', 'a4', 'tenant_admin')",
            "platform.reset_password(%(email)s, 'ny-hash', 'a5', 'platform_admin')",
        ):
            assert conn.execute(f"SELECT {call}", params).fetchone() == (True,)
            conn.commit()
        found = records(conn, "account_records", office.slug)[1:]
    assert found == [
        ("role_changed", "a1"),
        ("deactivated", "a2"),
        ("reactivated", "a3"),
        ("name_set", "a4"),
        ("password_reset", "a5"),
    ]


def test_a_tenants_function_does_not_move_an_account_of_another_tenant_or_of_the_platform(
    platform: Platform, admin: Context, new_slug: Callable[[], str], make_account, database_url: str
) -> None:
    a = platform.create_tenant(admin, slug=new_slug(), name="A-by")
    b = platform.create_tenant(admin, slug=new_slug(), name="B-by")
    theirs, staff = make_account("caseworker", b.slug), make_account("platform_admin", None)
    with psycopg.connect(database_url) as conn:
        for account in (theirs, staff):
            assert conn.execute(
                "SELECT platform.change_role(%s, %s, 'tenant_admin', 'snik', 'tenant_admin')", (account.id, a.slug)
            ).fetchone() == (False,)
            assert conn.execute(
                "SELECT platform.set_account_active(%s, %s, false, 'snik', 'tenant_admin')", (account.id, a.slug)
            ).fetchone() == (False,)


def test_the_web_login_cannot_touch_the_chains_verdict(
    office: Office, worker: ProjectionWorker, signing_key: bytes, database_url: str
) -> None:
    worker.sign_checkpoints_with(load_signer(signing_key, "OMBUD_AUDIT_SIGNING_KEY"))
    worker.catch_up(office.slug)
    worker.keep_audit_chains(now=True)
    with web_login_in(database_url, office.slug) as conn:
        verdict = conn.execute("SELECT verified_length, broken_position FROM audit.chain_status").fetchall()
        assert verdict and verdict[0][1] is None
        refused(conn, "UPDATE audit.chain_status SET broken_position = NULL, verified_length = 0")
        refused(conn, "DELETE FROM audit.chain_status")
        refused(conn, "TRUNCATE audit.chain_status")
        refused(
            conn,
            "INSERT INTO audit.chain_status (tenant_id, verified_length, verified_at) VALUES (%s, 1, now())",
            "annen",
        )
        assert conn.execute("SELECT verified_length, broken_position FROM audit.chain_status").fetchall() == verdict


def test_the_web_login_writes_no_read_model_of_a_tenant(
    office: Office, caseworker: Context, worker: ProjectionWorker, database_url: str
) -> None:
    factories.receive(
        office,
        caseworker,
        received_on=date(2024, 3, 1),
        case_types=["no_reply"],
        summary="Sak om Testperson Prøvesen (fiktiv)",
        requester_name="Testperson Prøvesen",
    )
    worker.catch_up(office.slug)

    def rows(conn: psycopg.Connection) -> tuple:
        return conn.execute(
            "SELECT (SELECT count(*) FROM read.inquiries), (SELECT sum(n) FROM read.year_statistics),"
            " (SELECT count(*) FROM read.positions), (SELECT count(*) FROM read.search_tokens)"
        ).fetchone()

    with web_login_in(database_url, office.slug) as conn:
        before = rows(conn)
        refused(
            conn,
            "INSERT INTO read.year_statistics (tenant_id, year, measure, key, n) VALUES (%s, 2024, 'total', '', 99)",
            office.slug,
        )
        refused(conn, "INSERT INTO read.positions (tenant_id, projection, position) VALUES (%s, 'x', 0)", office.slug)
        refused(conn, "DELETE FROM read.search_tokens")
        refused(conn, "DELETE FROM read.positions")
        refused(conn, "TRUNCATE read.inquiries")
        with conn.transaction():  # the delivery's private folds only: a tenant's rows stay as the worker wrote them
            assert conn.execute("UPDATE read.year_statistics SET n = n + 1").rowcount == 0
            assert conn.execute("DELETE FROM read.inquiries").rowcount == 0
        assert rows(conn) == before and before[0] == 1


def test_the_worker_login_writes_read_models_but_no_event_account_or_tenant(office: Office, database_url: str) -> None:
    table = office.app.recorder.events_table_name
    with psycopg.connect(worker_url_for(database_url)) as conn:
        refused(conn, f"INSERT INTO events.{table} (originator_id, originator_version) VALUES (%s, 1)", uuid.uuid4())
        refused(conn, "SELECT platform.remove_tenant(%s, 'w', 'w')", office.slug)
        refused(conn, "SELECT platform.set_statistics_sharing(%s, false, 'w', 'w')", office.slug)
        refused(conn, "SELECT platform.change_role(%s, %s, 'auditor', 'w', 'w')", uuid.uuid4(), office.slug)
        refused(conn, "SELECT wrapped_key FROM platform.tenants")
        refused(conn, "SELECT password_hash FROM platform.accounts")
        refused(
            conn,
            "INSERT INTO audit.access_records (tenant_id, account_id, role, inquiry_id, purpose)"
            " VALUES ('x', gen_random_uuid(), 'r', gen_random_uuid(), 'p')",
        )
        with conn.transaction(force_rollback=True):
            conn.execute("SELECT set_config('app.tenant_id', %s, true)", (office.slug,))
            conn.execute(
                "INSERT INTO read.positions (tenant_id, projection, position) VALUES (%s, 'x', 0)", (office.slug,)
            )


def test_migrate_refuses_one_login_for_the_web_and_the_worker(server_url: str) -> None:
    with throwaway_database(server_url, "ombud_logins") as admin_url:
        app_url = with_login(admin_url, "ombud_app")
        with pytest.raises(MigrationError, match="OMBUD_WORKER_DATABASE_URL"):
            migrate(admin_url, app_url, app_url)


def test_a_login_of_one_installation_cannot_connect_to_another_installations_database(server_url: str) -> None:
    """Roles are global to the server: both installations' logins are members of ombud_web, yet neither gets in."""
    suffix = uuid.uuid4().hex[:8]
    logins = {name: (f"ombud_{name}_app_{suffix}", f"ombud_{name}_worker_{suffix}") for name in ("a", "b")}
    try:
        with throwaway_database(server_url, "ombud_a") as a, throwaway_database(server_url, "ombud_b") as b:
            urls = {}
            for name, admin_url in (("a", a), ("b", b)):
                web, worker = (with_login(admin_url, login) for login in logins[name])
                migrate(admin_url, web, worker)
                urls[name] = (web, worker)
            for name, other in (("a", "b"), ("b", "a")):
                for own, theirs in zip(urls[name], urls[other], strict=True):
                    with psycopg.connect(own) as conn:  # its own database: in
                        assert conn.execute("SELECT current_user").fetchone() == (login_of(own),)
                    intruder = with_login(theirs, login_of(own))
                    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
                        psycopg.connect(intruder).close()
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            for login in (*logins["a"], *logins["b"]):
                conn.execute(f'DROP ROLE IF EXISTS "{login}"')


def test_ombud_worker_refuses_a_superuser_as_the_workers_login_with_one_line_naming_its_setting(
    database_url: str, admin_database_url: str, ombud_refuses: Callable[..., str]
) -> None:
    err = ombud_refuses(
        ["worker", "--once"],
        DATABASE_URL=database_url,  # a proper web login: only the worker's is wrong
        OMBUD_ADMIN_DATABASE_URL=admin_database_url,
        OMBUD_WORKER_DATABASE_URL=admin_database_url,
    )
    assert "OMBUD_WORKER_DATABASE_URL" in err and "superbruker" in err
