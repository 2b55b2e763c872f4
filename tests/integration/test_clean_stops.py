"""SIGTERM, Ctrl-C and a crash must never leave the embedded PostgreSQL or Redis running, nor stop them starting again."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from infra.stopping import server_processes, stop_servers_in

pytestmark = pytest.mark.embedded

ROOT = Path(__file__).resolve().parents[2]
# A process that holds both embedded servers until it is told to stop, as `ombud serve` or a test run does.
HOLDER = (
    "import pathlib, sys, time\n"
    "from infra.embedded import start_postgres, start_redis\n"
    "folder = pathlib.Path(sys.argv[1])\n"
    "start_postgres(folder)\n"
    "start_redis(folder)\n"
    "print('klar', flush=True)\n"
    "time.sleep(600)\n"
)
SERVERS = {"postgres", "redis-server"}


class Running:
    """A subprocess in a session of its own, its output read line by line as it comes."""

    def __init__(self, argv: list[str], data_dir: Path) -> None:
        environment = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("DATABASE_URL", "REDIS_URL", "OMBUD_"))
        }
        environment["OMBUD_DATA_DIR"] = str(data_dir)
        self.process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, wanted: Callable[[str], bool], timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                assert self.process.poll() is None, f"ended early ({self.process.returncode}): {self.seen[-5:]}"
                continue
            self.seen.append(line)
            if wanted(line):
                return
        raise AssertionError(f"nothing wanted within {timeout} s: {self.seen[-5:]}")

    def stop_with(self, signum: int, timeout: float = 60) -> int:
        self.process.send_signal(signum)  # the process alone, as a service manager or kill(1) does
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=30)


def names_in(data_dir: Path) -> set[str]:
    return {process.name() for process in server_processes(data_dir)}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One private data folder for the module (PostgreSQL's initdb once); whatever a failed test left is stopped."""
    folder = tmp_path_factory.mktemp("clean-stops")
    yield folder
    stop_servers_in(folder)


@pytest.fixture
def holder(data_dir: Path) -> Iterator[Callable[[], Running]]:
    started: list[Running] = []

    def start() -> Running:
        running = Running([sys.executable, "-c", HOLDER, str(data_dir)], data_dir)
        started.append(running)
        running.wait_for(lambda line: line == "klar")
        return running

    yield start
    for running in started:
        if running.process.poll() is None:
            running.kill()
    stop_servers_in(data_dir)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(
    ("stop", "codes"),
    [
        (signal.SIGTERM, {128 + signal.SIGTERM}),
        (signal.SIGINT, {-signal.SIGINT, 128 + signal.SIGINT}),  # Ctrl-C
    ],
    ids=["sigterm", "ctrl-c"],
)
def test_sigterm_or_ctrl_c_stops_the_embedded_postgres_and_redis_of_the_process(
    holder: Callable[[], Running], data_dir: Path, stop: signal.Signals, codes: set[int]
) -> None:
    running = holder()
    assert names_in(data_dir) == SERVERS

    assert running.stop_with(stop) in codes

    assert names_in(data_dir) == set()


def test_a_holder_killed_outright_does_not_keep_the_servers_alive_after_the_next_one_stops(
    holder: Callable[[], Running], data_dir: Path
) -> None:
    holder().kill()  # SIGKILL: no handler runs, the servers stay and the dead pid stays listed
    assert names_in(data_dir) == SERVERS

    again = holder()
    assert again.stop_with(signal.SIGTERM) == 128 + signal.SIGTERM

    assert names_in(data_dir) == set()


def test_stale_pid_files_of_dead_servers_or_of_other_programs_are_removed_and_the_servers_start(
    holder: Callable[[], Running], data_dir: Path
) -> None:
    crashed = holder()
    servers = server_processes(data_dir)
    crashed.kill()
    for process in servers:  # a power cut, or the OOM killer: every pid file outlives its process
        if process.is_running():
            process.kill()
    psutil.wait_procs(servers, timeout=10)
    postmaster = data_dir / "postgres" / "postmaster.pid"
    lines = postmaster.read_text().split("\n")
    postmaster.write_text("\n".join([str(os.getpid()), *lines[1:]]))  # the pid now belongs to another program
    assert names_in(data_dir) == set()

    again = holder()
    assert names_in(data_dir) == SERVERS
    assert again.stop_with(signal.SIGTERM) == 128 + signal.SIGTERM

    assert names_in(data_dir) == set()
    assert not postmaster.exists()


def test_ombud_demo_stops_its_servers_on_sigterm_while_it_loads(data_dir: Path) -> None:
    demo = Running([sys.executable, "-m", "infra.cli", "demo", "--port", str(free_port())], data_dir)
    try:
        demo.wait_for(lambda line: line == "Laster inn demokommunene …")
        assert names_in(data_dir) >= {"postgres"}

        assert demo.stop_with(signal.SIGTERM) == 128 + signal.SIGTERM
    finally:
        if demo.process.poll() is None:
            demo.kill()

    assert names_in(data_dir) == set()


def answers(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).close()
    except (urllib.error.URLError, ConnectionError):
        return False
    return True


def test_ombud_serve_stops_its_servers_on_sigterm_and_on_ctrl_c_while_it_serves(data_dir: Path) -> None:
    # uvicorn ends on Ctrl-C with status 0, as it always has; SIGTERM passes through it to our handler: 143.
    for signum, status in ((signal.SIGTERM, 128 + signal.SIGTERM), (signal.SIGINT, 0)):
        port = free_port()
        serve = Running([sys.executable, "-m", "infra.cli", "serve", "--port", str(port)], data_dir)
        try:
            serve.wait_for(lambda line: line.startswith("ombud kjører på"))
            deadline = time.monotonic() + 60
            while not answers(port):
                assert time.monotonic() < deadline, "no answer on /health within 60 s"
                time.sleep(0.2)
            assert names_in(data_dir) == SERVERS

            assert serve.stop_with(signum) == status, signum
        finally:
            if serve.process.poll() is None:
                serve.kill()

        assert names_in(data_dir) == set(), signum
