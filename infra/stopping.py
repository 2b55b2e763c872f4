"""Stopping the embedded servers for sure: on SIGTERM and SIGINT, after a crash left pid files behind, at a test run's end."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import psutil

SERVER_NAMES = ("postgres", "redis-server")
_PATIENCE = 15.0  # seconds a server gets to shut down (PostgreSQL's fast mode, Redis saving its dump) before SIGKILL


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def server_processes(folder: Path) -> list[psutil.Process]:
    """The embedded PostgreSQL and Redis processes that run in `folder` or below it.

    Both servers work in their data folder (postgres in PGDATA, redis-server changes into its `dir`), so the
    working folder says whose a server is: the machine's own servers, or another data folder's, never match.
    """
    folder = folder.resolve()
    found = []
    for process in psutil.process_iter(["name"]):
        try:
            if process.info["name"] not in SERVER_NAMES:
                continue
            if _inside(Path(process.cwd()), folder):
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess, FileNotFoundError):
            continue
    return found


def is_server_in(pid: int, folder: Path) -> bool:
    """Whether `pid` is an embedded server working in `folder` (and not a pid the system has given to another program)."""
    return any(process.pid == pid for process in server_processes(folder))


def stop_servers_in(folder: Path, patience: float = _PATIENCE) -> list[int]:
    """Stops every embedded server working in `folder` or below it; returns their pids.

    The postmaster gets SIGINT (PostgreSQL's fast shutdown: its sessions end, its data is safe), Redis SIGTERM (it
    saves its dump and exits); what still runs after `patience` seconds is killed.
    """
    processes = server_processes(folder)
    pids = {process.pid for process in processes}
    for process in processes:
        with contextlib.suppress(psutil.Error):
            if process.name() == "postgres" and process.ppid() in pids:
                continue  # a backend: it ends with its postmaster
            process.send_signal(signal.SIGINT if process.name() == "postgres" else signal.SIGTERM)
    _, alive = psutil.wait_procs(processes, timeout=patience)
    for process in alive:
        with contextlib.suppress(psutil.Error):
            process.kill()
    psutil.wait_procs(alive, timeout=5)
    return sorted(pids)


# -- who holds a server: pid and start time, so a dead holder's pid (or that pid reused) is never counted -------------


def _started(pid: int) -> float | None:
    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return None


class Holders:
    """The processes that use one embedded server, in a JSON file beside its data: {pid: start time}.

    A holder counts only while a process with that pid and that start time runs: a holder killed without its
    cleanup (SIGKILL, a crash) or a pid the system has since given to another program drops out by itself.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, float]]:
        """The live holders, under an exclusive lock (other processes start and stop too); written back after."""
        with open(self.path.with_name(self.path.name + ".lock"), "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                holders = self._read()
                live = {pid: started for pid, started in holders.items() if _started(int(pid)) == started}
                yield live
                self.path.write_text(json.dumps(live))
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read(self) -> dict[str, float]:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {str(pid): started for pid, started in data.items() if isinstance(started, (int, float))}

    def add(self, pid: int) -> None:
        started = _started(pid)
        with self._locked() as live:
            if started is not None:
                live[str(pid)] = started

    def remove(self, pid: int) -> list[int]:
        """Lets go for `pid`; returns the holders still alive."""
        with self._locked() as live:
            live.pop(str(pid), None)
            return sorted(int(pid) for pid in live)

    def live(self) -> list[int]:
        with self._locked() as live:
            return sorted(int(pid) for pid in live)


# -- signals ---------------------------------------------------------------------------------------------------------


class Stopped(SystemExit):
    """SIGTERM arrived: the process unwinds (closing what it opened) and exits with status 143."""


def install_stop_handlers(stop_now: Callable[[], None], patience: float = _PATIENCE) -> None:
    """SIGTERM and SIGINT end the process in order, and for sure.

    The first signal unwinds the main thread (SIGTERM as `Stopped`, SIGINT as KeyboardInterrupt), so every `with` and
    `finally` closes what it opened, the servers last, and atexit the rest. Should that not get through (SIGTERM still
    running after `patience` seconds, or a second signal soon after the first), `stop_now` stops the servers and the
    process exits at once. Only from the main thread, and only where nobody else has claimed the signal: uvicorn's own
    handlers, while it serves, put these back and raise the signal again when it has stopped.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    last: list[float] = []

    def stop_and_exit(signum: int) -> None:
        stop_now()
        os._exit(128 + signum)

    def handle(signum: int, frame: FrameType | None) -> None:
        now = time.monotonic()
        if last and now - last[-1] < patience:
            stop_and_exit(signum)
        last.append(now)
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        watchdog = threading.Timer(patience, stop_and_exit, args=(signum,))
        watchdog.daemon = True
        watchdog.start()
        raise Stopped(128 + signum)

    for signum, default in ((signal.SIGTERM, signal.SIG_DFL), (signal.SIGINT, signal.default_int_handler)):
        if signal.getsignal(signum) is default:
            signal.signal(signum, handle)
