"""`ombud tenant share-statistics`: the office's choice, in its events and in the directory the network reads at once."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator

import psycopg
import pytest

from domain.common import Context
from domain.tenant import Tenant
from infra.migrate import migrate
from services.platform import Platform
from tests.integration.conftest import Run
from tests.integration.helpers import created_tenant, database_migrated_before


@pytest.fixture
def tenant(ombud: Run, new_slug: Callable[[], str]) -> str:
    return created_tenant(ombud, new_slug(), "Drammen")


@pytest.fixture
def other_tenant(ombud: Run, new_slug: Callable[[], str]) -> str:
    return created_tenant(ombud, new_slug(), "Annenby")


def flag(database_url: str, slug: str) -> bool | None:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT shares_statistics FROM platform.tenants WHERE slug = %s", (slug,)).fetchone()
    return None if row is None else row[0]


def sharing_events(platform: Platform, slug: str) -> list[Tenant.StatisticsSharingChanged]:
    events = platform.office(slug).app.events.get(Tenant.id_for())
    return [event for event in events if isinstance(event, Tenant.StatisticsSharingChanged)]


def test_off_and_on_change_the_directory_and_the_profile_and_are_recorded(
    ombud: Run, tenant: str, other_tenant: str, platform: Platform, database_url: str
) -> None:
    assert flag(database_url, tenant) is True

    code, out, _ = ombud("--actor", "driftsansvarlig", "tenant", "share-statistics", tenant, "off")

    assert code == 0
    assert out.strip() == "Drammen deler ikke lenger statistikk med nettverket."
    assert flag(database_url, tenant) is False
    assert tenant not in platform.sharing_slugs() and other_tenant in platform.sharing_slugs()
    assert platform.office(tenant).profile().shares_statistics is False
    [event] = sharing_events(platform, tenant)
    assert (event.shares_statistics, event.actor_id, event.actor_role) == (False, "driftsansvarlig", "platform_admin")
    assert flag(database_url, other_tenant) is True and sharing_events(platform, other_tenant) == []

    code, out, _ = ombud("tenant", "share-statistics", tenant, "on")

    assert code == 0
    assert out.strip() == "Drammen deler nå statistikk med nettverket."
    assert flag(database_url, tenant) is True
    assert platform.office(tenant).profile().shares_statistics is True
    assert [event.shares_statistics for event in sharing_events(platform, tenant)] == [False, True]


def test_saying_it_twice_records_it_once(ombud: Run, tenant: str, platform: Platform) -> None:
    assert ombud("tenant", "share-statistics", tenant, "off")[0] == 0
    assert ombud("tenant", "share-statistics", tenant, "off")[0] == 0

    assert len(sharing_events(platform, tenant)) == 1
    assert tenant not in platform.sharing_slugs()


def test_an_unknown_tenant_is_one_line_and_changes_nothing(
    ombud: Run, tenant: str, platform: Platform, database_url: str
) -> None:
    code, out, err = ombud("tenant", "share-statistics", "finnes-ikke", "off")

    assert code == 1 and out == ""
    assert err.strip() == "ombud: feil: tenant: finner ingen kommune «finnes-ikke»"
    assert flag(database_url, tenant) is True and tenant in platform.sharing_slugs()


@pytest.mark.parametrize("choice", ["ja", "", "ON", "of"])
def test_anything_but_on_or_off_is_refused_by_the_parser(
    ombud: Run, tenant: str, database_url: str, choice: str
) -> None:
    code, _, err = ombud("tenant", "share-statistics", tenant, choice)

    assert code == 2 and "on|off" in err
    assert flag(database_url, tenant) is True


def test_a_tenant_created_without_sharing_is_flagged_so_from_the_start(
    ombud: Run, new_slug: Callable[[], str], platform: Platform, database_url: str
) -> None:
    slug = new_slug()
    assert ombud("tenant", "create", slug, "--name", "Lukketby", "--no-share-statistics")[0] == 0

    assert flag(database_url, slug) is False and slug not in platform.sharing_slugs()


def test_sharing_slugs_in_another_process_see_the_change_at_once(
    make_platform: Callable[..., Platform], admin: Context, new_slug: Callable[[], str]
) -> None:
    web, network = make_platform(), make_platform()  # as the web and the network's pages in two processes
    slug = new_slug()
    web.create_tenant(admin, slug=slug, name="Prøveby kommune")
    assert slug in network.sharing_slugs()

    web.set_statistics_sharing(admin, slug, False)

    assert slug not in network.sharing_slugs()
    web.set_statistics_sharing(admin, slug, True)
    assert slug in network.sharing_slugs()


def test_the_apps_login_changes_the_flag_only_through_its_recorded_function_and_never_a_key(
    tenant: str, database_url: str
) -> None:
    with psycopg.connect(database_url) as conn:
        for column, value in (("shares_statistics", False), ("wrapped_key", b"\x00")):
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute(f"UPDATE platform.tenants SET {column} = %s WHERE slug = %s", (value, tenant))
        changed = conn.execute(
            "SELECT platform.set_statistics_sharing(%s, false, 'test-aktør', 'tenant_admin')", (tenant,)
        )
        assert changed.fetchone() == (True,)
        conn.execute("SELECT set_config('app.tenant_id', %s, true)", (tenant,))
        assert conn.execute("SELECT change, actor_id FROM audit.tenant_records").fetchall() == [
            ("sharing_stopped", "test-aktør")
        ]
        conn.rollback()  # the office shares, as its events say


def test_the_read_role_sees_who_shares_but_no_key(tenant: str, database_url: str) -> None:
    with psycopg.connect(database_url) as conn:
        conn.execute("SET ROLE ombud_reader")
        assert conn.execute("SELECT shares_statistics FROM platform.tenants WHERE slug = %s", (tenant,)).fetchone() == (
            True,
        )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT wrapped_key FROM platform.tenants")


def test_ombud_migrate_sets_each_flag_from_the_recorded_choice(
    ombud: Run, tenant: str, new_slug: Callable[[], str], admin_database_url: str, database_url: str
) -> None:
    closed = new_slug()
    assert ombud("tenant", "create", closed, "--name", "Lukketby", "--no-share-statistics")[0] == 0
    with psycopg.connect(admin_database_url) as conn:  # as migration 0024 leaves the tenants before it, and worse
        conn.execute(
            "UPDATE platform.tenants SET shares_statistics = (slug = %s) WHERE slug IN (%s, %s)",
            (closed, tenant, closed),
        )

    assert ombud("migrate")[0] == 0

    assert flag(database_url, tenant) is True and flag(database_url, closed) is False


@pytest.fixture
def database_before_0024(server_url: str) -> Iterator[str]:
    """A database of its own migrated up to 0023, as a running installation had it."""
    with database_migrated_before(server_url, "0024") as url:
        yield url


def test_migration_0024_shows_no_earlier_tenant_until_its_choice_is_read(database_before_0024: str) -> None:
    slug = f"k{uuid.uuid4().hex[:10]}"
    with psycopg.connect(database_before_0024) as conn:
        conn.execute("INSERT INTO platform.tenants (slug, wrapped_key) VALUES (%s, '\\x01')", (slug,))

    assert "0024_statistics_sharing" in migrate(database_before_0024)

    with psycopg.connect(database_before_0024) as conn:
        assert conn.execute("SELECT shares_statistics FROM platform.tenants").fetchall() == [(False,)]
        conn.execute("INSERT INTO platform.tenants (slug, wrapped_key) VALUES ('ny-kommune', '\\x01')")
        assert conn.execute("SELECT shares_statistics FROM platform.tenants WHERE slug = 'ny-kommune'").fetchone() == (
            True,
        )


def test_on_and_off_at_once_from_two_processes_leave_the_flag_as_recorded(
    make_platform: Callable[..., Platform], admin: Context, new_slug: Callable[[], str], database_url: str
) -> None:
    first, second = make_platform(), make_platform()
    slug = new_slug()
    first.create_tenant(admin, slug=slug, name="Prøveby kommune")
    second.office(slug)  # opened before the threads start, as a running process has it
    failures: list[BaseException] = []

    def toggle(platform: Platform, shares: bool) -> None:
        try:
            for _ in range(6):
                platform.set_statistics_sharing(admin, slug, shares)
                shares = not shares
        except BaseException as error:  # any failure fails the test below
            failures.append(error)

    threads = [
        threading.Thread(target=toggle, args=(platform, shares))
        for platform, shares in ((first, False), (second, True), (first, True), (second, False))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert flag(database_url, slug) is first.office(slug).profile().shares_statistics
