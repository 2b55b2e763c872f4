"""PostgreSQL restarted and Redis stopped under load, on servers of the test's own: no 500, nothing lost or doubled."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import eventsourcing.persistence
import psycopg
import pytest
import redis
from litestar.testing import AsyncTestClient

from domain.common import Context
from infra.directory import PostgresAccountDirectory
from infra.embedded import start_redis
from infra.eventstore import open_datastore
from infra.logins import APP_LOGIN, with_login, worker_url_for
from infra.migrate import migrate
from projections.worker import PROJECTION_TABLES, ProjectionWorker
from services.accounts import create_account
from services.office import Office
from services.platform import Platform
from tests import factories
from tests.faults_servers import PrivatePostgres, PrivateRedis
from tests.helpers import open_platform
from tests.integration.helpers import two_offices
from web.app import create_app

PASSWORD = "et-langt-testpassord"
UNAVAILABLE_TEXT = "Tjenesten er midlertidig utilgjengelig"


@pytest.fixture(scope="module")
def postgres() -> Iterator[PrivatePostgres]:
    with PrivatePostgres() as server:
        yield server


@pytest.fixture(scope="module")
def redis_server() -> Iterator[PrivateRedis]:
    with PrivateRedis(appendonly=True) as server:
        yield server


@pytest.fixture(scope="module")
def stack(postgres: PrivatePostgres, master_key: bytes) -> Iterator[tuple[str, Platform]]:
    """The database on the private server; checkouts give up quickly, so an outage answers within seconds."""
    admin_url = postgres.database("ombud")
    url = with_login(admin_url, APP_LOGIN)  # the web and the worker log in as the app, as in production
    migrate(admin_url, url)
    with open_platform(url, master_key, postgres.root / "key-epochs", max_overflow=3, checkout_timeout=0.2) as platform:
        yield url, platform


def account_for(platform: Platform, url: str, tenant: str) -> str:
    datastore = open_datastore(url, pool_size=1, max_overflow=0)
    try:
        email = f"test-{uuid.uuid4().hex[:8]}@eksempel.invalid"
        create_account(
            PostgresAccountDirectory(datastore), email=email, role="caseworker", tenant=tenant, password=PASSWORD
        )
    finally:
        datastore.close()
    return email


async def sign_in(client: AsyncTestClient, email: str) -> None:
    await client.get("/login")
    response = await client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "_csrf_token": client.cookies["ombud_csrf"]},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def read_model(url: str, tenant: str) -> dict[str, list[str]]:
    """Every read-model row of the tenant, as text, per table."""
    tables = [table for names in PROJECTION_TABLES.values() for table in names] + ["read.positions"]
    with psycopg.connect(url) as conn:
        conn.execute("SELECT set_config('app.tenant_id', %s, false)", (tenant,))
        return {
            table: sorted(
                row[0] for row in conn.execute(f"SELECT t::text FROM {table} t WHERE tenant_id = %s", (tenant,))
            )
            for table in tables
        }


def wait_until(condition: Callable[[], bool], seconds: float, thread: threading.Thread | None = None) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        assert thread is None or thread.is_alive(), "the worker stopped"
        time.sleep(0.1)


def caught_up(platform: Platform, url: str, slug: str) -> bool:
    newest = platform.office(slug).app.recorder.max_notification_id() or 0
    with psycopg.connect(url) as conn:
        conn.execute("SELECT set_config('app.tenant_id', %s, false)", (slug,))
        positions = conn.execute("SELECT position FROM read.positions WHERE tenant_id = %s", (slug,)).fetchall()
    return bool(positions) and all(position == newest for (position,) in positions)


class Writes(threading.Thread):
    """A bounded stream of inquiries into two tenants, in turn; counts what was acknowledged and what was tried."""

    def __init__(self, offices: list[Office], ctx: Context, count: int) -> None:
        super().__init__(daemon=True)
        self.offices, self.ctx, self.count = offices, ctx, count
        self.tried = dict.fromkeys((office.slug for office in offices), 0)
        self.acknowledged = dict(self.tried)

    def run(self) -> None:
        for number in range(self.count):
            office = self.offices[number % len(self.offices)]
            self.tried[office.slug] += 1
            try:
                factories.case(office, self.ctx)
            except (eventsourcing.persistence.OperationalError, psycopg.OperationalError):
                continue  # not acknowledged: it may or may not have been written
            self.acknowledged[office.slug] += 1
            time.sleep(0.05)


def assert_unavailable_page(response, *, json: bool = False) -> None:
    assert response.status_code == 503, response.text[:300]
    assert response.headers["retry-after"] == "5"
    if json:
        assert response.json()["status_code"] == 503
    else:
        assert UNAVAILABLE_TEXT in response.text and '<html lang="nb"' in response.text


async def test_a_postgres_restart_under_load_answers_503_meanwhile_and_loses_or_doubles_nothing(
    stack: tuple[str, Platform],
    postgres: PrivatePostgres,
    redis_server: PrivateRedis,
    admin: Context,
    caseworker: Context,
    new_slug: Callable[[], str],
) -> None:
    url, platform = stack
    a, b = two_offices(platform, admin, new_slug)
    reference = factories.case(a, caseworker)
    email = account_for(platform, url, a.slug)
    worker = ProjectionWorker(platform, worker_url_for(url), retry_first=0.1, retry_cap=0.5)
    stop = threading.Event()
    following = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    following.start()
    writes = Writes([a, b], caseworker, count=40)
    app = create_app(platform, url, redis_server.url, secure_cookies=False)
    try:
        async with AsyncTestClient(app=app) as client:
            await sign_in(client, email)
            assert (await client.get(f"/{a.slug}/henvendelser")).status_code == 200
            writes.start()
            wait_until(lambda: sum(writes.acknowledged.values()) >= 6, 20)

            tried_before_the_outage = sum(writes.tried.values())
            postgres.stop()
            pages = [f"/{a.slug}/henvendelser", f"/{a.slug}/henvendelser/{reference}", f"/{a.slug}/statistikk"]
            during = await asyncio.gather(*(client.get(page) for page in pages))
            as_json = await client.get(pages[0], headers={"accept": "application/json"})
            postgres.start()

            for response in during:
                assert_unavailable_page(response)
            assert_unavailable_page(as_json, json=True)
            first = await client.get(f"/{a.slug}/henvendelser/{reference}")  # the first request after recovery
            assert first.status_code == 200, first.text[:300]
            assert (await client.get(f"/{b.slug}/henvendelser")).status_code == 404  # nothing crosses
        writes.join(timeout=60)
        assert not writes.is_alive()
        assert tried_before_the_outage < sum(writes.tried.values()) == 40  # the load went on through the outage

        for office in (a, b):
            wait_until(lambda office=office: caught_up(platform, url, office.slug), 30, following)
        assert following.is_alive(), "the worker reconnected by itself"
        live = {office.slug: read_model(url, office.slug) for office in (a, b)}
    finally:
        stop.set()
        following.join(timeout=15)
        worker.close()

    for office in (a, b):
        projected = len(live[office.slug]["read.inquiries"])
        already = 1 if office is a else 0
        assert already + writes.acknowledged[office.slug] <= projected <= already + writes.tried[office.slug]
    rebuilder = ProjectionWorker(platform, worker_url_for(url))
    try:
        for office in (a, b):
            for name in PROJECTION_TABLES:
                rebuilder.rebuild(office.slug, name)
            assert read_model(url, office.slug) == live[office.slug]  # nothing lost, nothing counted twice
    finally:
        rebuilder.close()


async def test_while_redis_is_down_pages_and_sign_in_answer_503_and_the_session_survives_its_restart(
    stack: tuple[str, Platform],
    redis_server: PrivateRedis,
    admin: Context,
    new_slug: Callable[[], str],
) -> None:
    url, platform = stack
    a, b = two_offices(platform, admin, new_slug)
    email = account_for(platform, url, a.slug)
    app = create_app(platform, url, redis_server.url, secure_cookies=False)
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, email)
        assert (await client.get(f"/{a.slug}/henvendelser")).status_code == 200

        redis_server.stop()
        page, as_json, signing_in = await asyncio.gather(
            client.get(f"/{a.slug}/henvendelser"),
            client.get(f"/{a.slug}/henvendelser", headers={"accept": "application/json"}),
            client.post(
                "/login",
                data={"email": email, "password": PASSWORD, "_csrf_token": client.cookies["ombud_csrf"]},
                follow_redirects=False,
            ),
        )
        redis_server.start()

        assert_unavailable_page(page)
        assert_unavailable_page(as_json, json=True)
        assert_unavailable_page(signing_in)
        after = await client.get(f"/{a.slug}/henvendelser", follow_redirects=False)
        assert after.status_code == 200, "the first request after the restart, still signed in"
        assert (await client.get(f"/{b.slug}/henvendelser", follow_redirects=False)).status_code == 404


def test_the_worker_survives_its_connections_being_ended(
    stack: tuple[str, Platform], admin: Context, caseworker: Context, new_slug: Callable[[], str]
) -> None:
    """An administrator's pg_terminate_backend, or a proxy that drops idle connections: the worker reconnects."""
    url, platform = stack
    a, b = two_offices(platform, admin, new_slug)
    worker = ProjectionWorker(platform, worker_url_for(url), retry_first=0.1, retry_cap=0.5)
    stop = threading.Event()
    following = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    following.start()
    try:
        factories.case(a, caseworker)
        wait_until(lambda: caught_up(platform, url, a.slug), 20, following)
        with psycopg.connect(worker_url_for(url), autocommit=True) as conn:  # a login may end its own backends
            ended = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%%'"
            ).fetchall()
        assert ended, "found the listener"
        factories.case(a, caseworker)
        factories.case(b, caseworker)
        for office in (a, b):
            wait_until(lambda office=office: caught_up(platform, url, office.slug), 20, following)
        assert len(read_model(url, a.slug)["read.inquiries"]) == 2
        assert len(read_model(url, b.slug)["read.inquiries"]) == 1
    finally:
        stop.set()
        following.join(timeout=15)
        worker.close()


def test_the_embedded_redis_keeps_sessions_when_its_server_is_killed(tmp_path: Path) -> None:
    """The demo's Redis writes an append-only file, so a killed server loses no session."""
    server = start_redis(tmp_path)
    client = redis.Redis.from_url(server.url)
    client.set("ombud:sesjon:prøve", "signed in")
    pid = client.info("server")["process_id"]
    client.close()
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: not Path(f"/proc/{pid}").exists(), 10)
    server.close()

    again = start_redis(tmp_path)
    try:
        client = redis.Redis.from_url(again.url)
        assert client.get("ombud:sesjon:prøve") == b"signed in"
        client.close()
    finally:
        again.close()
