"""Migration 0008 gives the outreach read model titles and audiences by replaying it, leaving other projections be."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import psycopg
import pytest
from eventsourcing.postgres import PostgresApplicationRecorder

from domain.common import Context
from infra.directory import PostgresTenantDirectory
from infra.eventstore import SharedDatastoreFactory, open_datastore
from infra.logins import APP_LOGIN, with_login, worker_url_for
from infra.migrate import migrate, migration_files
from projections.worker import ProjectionWorker
from services.key_epochs import InMemoryEpochStore
from services.platform import Platform
from tests.integration.helpers import database_migrated_before


@pytest.fixture
def database_before_0008(server_url: str) -> Iterator[str]:
    """A database of its own with the migrations up to 0007 only, as a running installation had them."""
    with database_migrated_before(server_url, "0008") as url:
        yield url


class _DirectoryBefore0024(PostgresTenantDirectory):
    """As the platform added a tenant before 0024: its slug and key, no sharing flag."""

    def add(self, slug: str, wrapped_key: bytes, shares_statistics: bool = True) -> bool:
        with self._datastore.transaction(commit=True) as cursor:
            cursor.execute(
                "INSERT INTO platform.tenants (slug, wrapped_key) VALUES (%s, %s) ON CONFLICT (slug) DO NOTHING",
                (slug, wrapped_key),
            )
            return cursor.rowcount == 1


class _FactoryBefore0016(SharedDatastoreFactory):
    """As the app made a tenant's tables before 0016: the library's own DDL, run by the one login there was."""

    application_recorder_class = PostgresApplicationRecorder


def test_the_outreach_projection_is_replayed_with_titles_and_the_case_list_is_kept(
    database_before_0008: str, master_key: bytes, admin: Context, caseworker: Context
) -> None:
    datastore = open_datastore(database_before_0008, pool_size=1, max_overflow=1)
    platform = Platform(
        _DirectoryBefore0024(datastore),
        master_key,
        lambda env: _FactoryBefore0016(env, datastore),
        epochs=InMemoryEpochStore(),  # no inquiry is received here: no key is wrapped
    )
    app_url = with_login(database_before_0008, APP_LOGIN)
    try:
        office = platform.create_tenant(admin, slug="prove-a", name="Prøveby kommune")
        platform.create_tenant(admin, slug="prove-b", name="Annenby kommune")
        activity = office.register_outreach(
            caseworker,
            held_on=date(2024, 4, 4),
            kind="talk",
            title="Foredrag i Testby",
            audience="Testby seniorsenter",
            participants=30,
        )
        newest = office.app.recorder.max_notification_id()
        with psycopg.connect(database_before_0008) as conn:  # what the projection wrote before 0008
            conn.execute(
                "INSERT INTO read.outreach (tenant_id, id, held_on, kind, participants) VALUES (%s, %s, %s, 'talk', 30)",
                (office.slug, activity, date(2024, 4, 4)),
            )
            for projection in ("case_list", "outreach"):
                conn.execute("INSERT INTO read.positions VALUES (%s, %s, %s)", (office.slug, projection, newest))

        [(name, sql)] = [(name, sql) for name, sql in migration_files() if name.startswith("0008")]
        with psycopg.connect(database_before_0008) as conn:  # 0008 alone, as `ombud migrate` applies it
            conn.execute(sql)
            conn.execute("INSERT INTO public.ombud_migrations (name) VALUES (%s)", (name,))
        with psycopg.connect(database_before_0008) as conn:
            assert conn.execute("SELECT count(*) FROM read.outreach").fetchone() == (0,)
            positions = conn.execute("SELECT tenant_id, projection FROM read.positions").fetchall()
            assert positions == [(office.slug, "case_list")]
        assert "0008_outreach_titles" not in migrate(database_before_0008, app_url)  # then the later ones
        # the tables made before 0016 are open to the app's logins
        worker = ProjectionWorker(platform, worker_url_for(app_url))
        try:
            worker.catch_up_all()
        finally:
            worker.close()
        with psycopg.connect(database_before_0008) as conn:
            rows = conn.execute("SELECT tenant_id, title, audience, participants FROM read.outreach").fetchall()
        assert rows == [(office.slug, "Foredrag i Testby", "Testby seniorsenter", 30)]
    finally:
        platform.close()
        datastore.close()
