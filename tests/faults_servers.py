"""PostgreSQL and Redis servers of a test's own, on free loopback ports, that the test may stop and restart.

The machine's own servers are never touched: these run from a temporary folder and go with it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Self

import psycopg
import redis

POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")
REDIS_SERVER = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "redis-server"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until(ready: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not come up in {seconds} s")
        time.sleep(0.05)


class _PrivateServer:
    """Started on entering a `with` block, closed (and its folder removed) on leaving it."""

    def start(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()


class PrivatePostgres(_PrivateServer):
    """PostgreSQL 15 from Debian's binaries: initdb in a temporary folder, trust auth, TCP on 127.0.0.1 only.

    Run as root, the server runs as the OS user `postgres` (initdb refuses root).
    """

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="ombud-faults-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(POSTGRES_BIN / "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "-N")

    def _run(self, *command: str | Path) -> None:
        subprocess.run([*self._as_postgres, *map(str, command)], check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root}"
            " -c fsync=off -c full_page_writes=off -c max_connections=60"
        )
        self._run(POSTGRES_BIN / "pg_ctl", "-D", self.data, "-l", self.root / "log", "-w", "-o", options, "start")
        _wait_until(self._answers, 15, "PostgreSQL")

    def stop(self) -> None:
        """Fast shutdown: every session is ended and its open transaction rolled back, as in a restart."""
        self._run(POSTGRES_BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def _answers(self) -> bool:
        try:
            with psycopg.connect(self.url, connect_timeout=2):
                return True
        except psycopg.OperationalError:
            return False

    def database(self, name: str) -> str:
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def close(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(POSTGRES_BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


class PrivateRedis(_PrivateServer):
    """The venv's redis-server on a free loopback port, its data (append-only file, as in production) in a temporary folder."""

    def __init__(self, *, appendonly: bool = True) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="ombud-faults-redis-"))
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._appendonly = appendonly
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [str(REDIS_SERVER), "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.root)]
        command += ["--save", "", "--appendonly", "yes" if self._appendonly else "no", "--daemonize", "no"]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_until(self._answers, 15, "Redis")

    def stop(self) -> None:
        """SIGTERM, as `docker stop` does: Redis flushes its append-only file and exits."""
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=15)
            self._process = None

    def _answers(self) -> bool:
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1)
        try:
            return bool(client.ping())
        except redis.exceptions.RedisError:
            return False
        finally:
            client.close()

    def close(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=15)
            self._process = None
        shutil.rmtree(self.root, ignore_errors=True)
