"""The embedded servers must work with every driver the app uses, or the demo breaks on a fresh machine."""

import subprocess
import sys
from collections.abc import Iterator

import asyncpg
import psycopg
import pytest
import redis
import redis.asyncio

from infra.embedded import EmbeddedServer, start_postgres, start_redis

pytestmark = pytest.mark.embedded


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    with start_postgres(tmp_path_factory.mktemp("data")) as server:
        yield server


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    with start_redis(tmp_path_factory.mktemp("data")) as server:
        yield server


def test_psycopg_connects_to_embedded_postgres_with_its_url(postgres: EmbeddedServer) -> None:
    with psycopg.connect(postgres.url) as connection:
        assert connection.execute("select 1").fetchone() == (1,)


@pytest.mark.asyncio
async def test_asyncpg_connects_to_embedded_postgres_with_the_same_url(postgres: EmbeddedServer) -> None:
    connection = await asyncpg.connect(postgres.url)
    try:
        assert await connection.fetchval("select 1") == 1
    finally:
        await connection.close()


def test_embedded_postgres_is_version_16(postgres: EmbeddedServer) -> None:
    with psycopg.connect(postgres.url) as connection:
        assert connection.info.server_version // 10000 == 16


def test_redis_client_sets_and_gets_a_key_on_embedded_redis(redis_server: EmbeddedServer) -> None:
    client = redis.Redis.from_url(redis_server.url)
    try:
        client.set("embedded-test", "value")
        assert client.get("embedded-test") == b"value"
    finally:
        client.close()


@pytest.mark.asyncio
async def test_async_redis_client_sets_and_gets_a_key_on_embedded_redis(redis_server: EmbeddedServer) -> None:
    client = redis.asyncio.from_url(redis_server.url)
    try:
        await client.set("embedded-async-test", "value")
        assert await client.get("embedded-async-test") == b"value"
    finally:
        await client.aclose()


def assert_both_answer(postgres: EmbeddedServer, redis_server: EmbeddedServer) -> None:
    with psycopg.connect(postgres.url) as connection:
        assert connection.execute("select 1").fetchone() == (1,)
    client = redis.Redis.from_url(redis_server.url)
    try:
        assert client.ping()
    finally:
        client.close()


def test_starting_again_in_the_same_process_shares_the_servers_until_the_last_handle_closes(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    data_dir = tmp_path_factory.mktemp("data")
    with start_postgres(data_dir) as first_postgres, start_redis(data_dir) as first_redis:
        with psycopg.connect(first_postgres.url) as connection:
            first_start_time = connection.execute("select pg_postmaster_start_time()").fetchone()
        with start_postgres(data_dir) as again_postgres, start_redis(data_dir) as again_redis:
            assert again_postgres.url == first_postgres.url
            assert again_redis.url == first_redis.url
            with psycopg.connect(again_postgres.url) as connection:
                assert connection.execute("select pg_postmaster_start_time()").fetchone() == first_start_time
        assert_both_answer(first_postgres, first_redis)


def test_a_later_process_reuses_the_running_servers_and_leaves_them_running(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    data_dir = tmp_path_factory.mktemp("data")
    with start_postgres(data_dir) as postgres, start_redis(data_dir) as redis_server:
        other_process = subprocess.run(
            [
                sys.executable,
                "-c",
                "import pathlib, sys; from infra.embedded import start_postgres, start_redis; "
                "print(start_postgres(pathlib.Path(sys.argv[1])).url); "
                "print(start_redis(pathlib.Path(sys.argv[1])).url)",
                str(data_dir),
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        assert other_process.stdout.splitlines() == [postgres.url, redis_server.url]
        assert_both_answer(postgres, redis_server)


def test_closing_stops_both_servers(tmp_path_factory: pytest.TempPathFactory) -> None:
    data_dir = tmp_path_factory.mktemp("data")
    postgres = start_postgres(data_dir)
    redis_server = start_redis(data_dir)

    postgres.close()
    redis_server.close()

    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(postgres.url, connect_timeout=2)
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(redis_server.url).ping()


def test_a_data_folder_with_whitespace_is_refused_before_anything_starts(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with pytest.raises(ValueError, match="whitespace"):
        start_postgres(tmp_path_factory.mktemp("data") / "with space")
