"""The web's read pool and Redis client, built so that the first request after a database or Redis restart succeeds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

READ_POOL_SIZE = 4
# A connection the server dropped without asyncpg noticing yet fails its first statement with one of these.
_STALE = (OSError, asyncpg.InterfaceError, asyncpg.PostgresConnectionError, asyncpg.exceptions.AdminShutdownError)


class ReadPool:
    """asyncpg's pool, but a checked-out connection has just answered: a dead one is dropped and another taken.

    The check is one short round trip. A connection that died with the server (a restart) is discarded and
    the request goes on with a fresh one, so users see no error once the server is back. While the server is
    down, making the fresh connection fails and that error goes up (web.outages answers 503).
    """

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @classmethod
    async def open(cls, database_url: str, *, max_size: int = READ_POOL_SIZE) -> ReadPool:
        return cls(await asyncpg.create_pool(database_url, min_size=1, max_size=max_size))

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[asyncpg.Connection]:
        connection = await self._live_connection()
        try:
            yield connection
        finally:
            await self._pool.release(connection)

    async def _live_connection(self) -> asyncpg.Connection:
        # Every pooled connection may be stale after a restart; one more try makes a new one.
        for _ in range(self._pool.get_max_size()):
            connection = await self._pool.acquire()
            try:
                await connection.execute("SELECT 1")
            except _STALE:
                connection.terminate()  # the pool replaces a closed connection on its next checkout
                await self._pool.release(connection)
                continue
            except BaseException:
                await self._pool.release(connection)
                raise
            return connection
        return await self._pool.acquire()  # all were stale: a new connection, or the outage's error

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        async with self.acquire() as connection:
            return await connection.fetch(query, *args)

    async def fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None:
        async with self.acquire() as connection:
            return await connection.fetchrow(query, *args)

    async def fetchval(self, query: str, *args: Any) -> Any:
        async with self.acquire() as connection:
            return await connection.fetchval(query, *args)

    async def execute(self, query: str, *args: Any) -> str:
        async with self.acquire() as connection:
            return await connection.execute(query, *args)

    async def close(self) -> None:
        await self._pool.close()


def open_redis(redis_url: str, *, timeout: float = 2.0, retries: int = 2) -> aioredis.Redis:
    """Idle connections are pinged before use, and a failed command is retried on a new connection after a short wait.

    The library's default waits up to 10 s between retries: a page would hang that long while Redis is down.
    Here a command gives up within about a second, so users get the "try again shortly" page quickly.
    """
    errors: tuple[type[RedisError], ...] = (RedisConnectionError, RedisTimeoutError)
    return aioredis.from_url(
        redis_url,
        health_check_interval=5,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry=Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.5), retries, supported_errors=tuple(errors)),
        retry_on_error=list(errors),
    )
