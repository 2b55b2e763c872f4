"""Shared fixtures: a throwaway database on the real server (or embedded), Redis, and platforms on them."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from domain.common import Context
from infra.directory import PostgresTenantDirectory
from infra.embedded import start_postgres, start_redis
from infra.eventstore import factory_maker, open_datastore
from infra.migrate import migrate
from infra.settings import Settings
from projections.worker import ProjectionWorker
from services.platform import Platform


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings.from_environment()


@pytest.fixture(scope="session")
def server_url(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """DATABASE_URL's server (as in CI), or an embedded PostgreSQL on a fresh machine."""
    if settings.database_url:
        yield settings.database_url
        return
    with start_postgres(tmp_path_factory.mktemp("data")) as server:
        yield server.url


@pytest.fixture(scope="session")
def database_url(server_url: str) -> Iterator[str]:
    """A database of our own on that server, migrated, dropped afterwards."""
    name = f"ombud_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(server_url)
    url = urlunsplit(parts._replace(path=f"/{name}"))
    migrate(url)
    yield url
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def redis_url(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if settings.redis_url:
        yield settings.redis_url
        return
    with start_redis(tmp_path_factory.mktemp("data")) as server:
        yield server.url


@pytest.fixture(scope="session")
def master_key() -> bytes:
    return os.urandom(32)


@pytest.fixture
def make_platform(database_url: str, master_key: bytes) -> Iterator[Callable[..., Platform]]:
    """Builds platforms as separate processes would: each with its own bounded pool."""
    opened: list[tuple[Platform, object]] = []

    def make(pool_size: int = 2, max_overflow: int = 3) -> Platform:
        datastore = open_datastore(database_url, pool_size=pool_size, max_overflow=max_overflow)
        platform = Platform(PostgresTenantDirectory(datastore), master_key, factory_maker(datastore))
        opened.append((platform, datastore))
        return platform

    yield make
    for platform, datastore in opened:
        platform.close()
        datastore.close()  # type: ignore[attr-defined]


@pytest.fixture
def platform(make_platform: Callable[..., Platform]) -> Platform:
    return make_platform()


@pytest.fixture
def worker(platform: Platform, database_url: str) -> Iterator[ProjectionWorker]:
    """The projection worker over the test's platform."""
    worker = ProjectionWorker(platform, database_url)
    yield worker
    worker.close()


@pytest.fixture
def admin() -> Context:
    return Context("plattform-admin", "platform_admin", str(uuid.uuid4()))


@pytest.fixture
def caseworker() -> Context:
    return Context("rådgiver-test", "caseworker", str(uuid.uuid4()))


@pytest.fixture
def new_slug() -> Callable[[], str]:
    """Unique tenant slugs, so tests sharing the database never collide."""
    return lambda: f"k{uuid.uuid4().hex[:10]}"
