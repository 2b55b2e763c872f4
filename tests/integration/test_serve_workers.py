"""`ombud serve --workers N` runs N processes that share the servers and the key: a session made in one holds in all."""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from infra.directory import PostgresAccountDirectory
from infra.eventstore import open_datastore
from services.accounts import create_account

PASSWORD = "et-langt-testpassord"
WORKERS = 2


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@pytest.fixture
def served(
    database_url: str, admin_database_url: str, redis_url: str, master_key: bytes, tmp_path: Path
) -> Iterator[tuple[str, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "OMBUD_ADMIN_DATABASE_URL": admin_database_url,
        "REDIS_URL": redis_url,
        "OMBUD_MASTER_KEY": base64.b64encode(master_key).decode(),
        "OMBUD_DATA_DIR": str(tmp_path),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "infra.cli", "serve", "--port", str(port), "--workers", str(WORKERS)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
            try:
                urllib.request.urlopen(f"{base}/health", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "no answer on /health within 120 s"
                time.sleep(0.2)
        yield base, server.pid
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)


def _workers_of(pid: int) -> int:
    return sum(len(task.read_text().split()) for task in Path(f"/proc/{pid}/task").glob("*/children"))


def test_several_worker_processes_serve_one_session(served: tuple[str, int], database_url: str, new_slug) -> None:
    base, pid = served
    assert _workers_of(pid) >= WORKERS
    datastore = open_datastore(database_url, pool_size=1, max_overflow=0)
    try:
        account = create_account(
            PostgresAccountDirectory(datastore),
            email=f"{new_slug()}@eksempel.invalid",
            role="network",
            tenant=None,
            password=PASSWORD,
        )
    finally:
        datastore.close()
    opener = urllib.request.build_opener(_NoRedirect)
    with opener.open(f"{base}/login", timeout=10) as response:
        csrf = SimpleCookie("\n".join(response.headers.get_all("set-cookie") or []))["ombud_csrf"].value
    form = urlencode({"email": account.email, "password": PASSWORD, "_csrf_token": csrf}).encode()
    try:
        opener.open(urllib.request.Request(f"{base}/login", data=form, headers={"cookie": f"ombud_csrf={csrf}"}))
        pytest.fail("sign-in did not redirect")
    except urllib.error.HTTPError as answer:
        assert answer.code == 303
        session = SimpleCookie("\n".join(answer.headers.get_all("set-cookie") or []))["ombud_sesjon"].value
    # New connections land on any worker; every one of them knows the session (it lives in Redis).
    for _ in range(8):
        request = urllib.request.Request(f"{base}/", headers={"cookie": f"ombud_sesjon={session}"})
        with urllib.request.urlopen(request, timeout=10) as page:
            assert account.email in page.read().decode()
