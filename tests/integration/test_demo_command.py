"""`ombud demo` says what a person needs (progress, where to sign in, with which accounts and password), and nothing
of the worker's batches or a chart library's notes, also while people use it."""

from __future__ import annotations

import base64
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from services.demo import DEMO_ACCOUNTS, DEMO_NAMES, DEMO_PASSWORD
from tests.private_database import module_admin_database_url, module_database_url

__all__ = ["module_admin_database_url", "module_database_url"]  # the demo's tenants in a database of its own

ROOT = Path(__file__).resolve().parents[2]
READY = "Ctrl-C stopper demoen."
NOISE = re.compile(r"\b(DEBUG|INFO|WARNING)\b|applied=|lag=|matplotlib|Traceback")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Demo:
    """`ombud demo` in a session of its own, every line it writes (stdout and stderr) kept as it comes."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.port = port
        self.process = subprocess.Popen(
            [sys.executable, "-m", "infra.cli", "demo", "--port", str(port)],
            cwd=ROOT,
            env=env,
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

    def wait_for(self, wanted: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                assert self.process.poll() is None, f"ended early ({self.process.returncode}): {self.seen[-5:]}"
                continue
            self.seen.append(line)
            if line == wanted:
                return
        raise AssertionError(f"«{wanted}» not seen within {timeout} s: {self.seen[-5:]}")

    def stop(self) -> list[str]:
        """SIGTERM, as a service manager sends; every line written up to the end."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        time.sleep(0.2)  # the reader's last lines
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return self.seen


@pytest.fixture(scope="module")
def demo(
    admin_database_url: str,
    database_url: str,
    redis_url: str,
    signing_key: bytes,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Demo]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMBUD_", "OTEL_", "DATABASE_URL", "REDIS_URL"))}
    env.update(
        DATABASE_URL=database_url,
        OMBUD_ADMIN_DATABASE_URL=admin_database_url,
        REDIS_URL=redis_url,
        OMBUD_MASTER_KEY=base64.b64encode(os.urandom(32)).decode(),
        OMBUD_AUDIT_SIGNING_KEY=signing_key.decode(),
        OMBUD_DATA_DIR=str(tmp_path_factory.mktemp("demo-command")),
    )
    running = Demo(env, free_port())
    try:
        running.wait_for(READY)
        yield running
    finally:
        running.stop()


def signed_in(base: str, email: str) -> tuple[httpx.Client, dict[str, str]]:
    """A client signed in over plain HTTP: the Secure cookies are kept and sent by hand, as a browser does on localhost."""
    client = httpx.Client(base_url=base, timeout=60)
    jar: dict[str, str] = {}

    def keep(response: httpx.Response) -> httpx.Response:
        for cookie in response.headers.get_list("set-cookie"):
            name, _, rest = cookie.partition("=")
            jar[name] = rest.split(";")[0]
        return response

    page = keep(client.get("/login")).text
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page)
    assert token is not None
    headers = {"cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
    answer = keep(
        client.post(
            "/login", data={"email": email, "password": DEMO_PASSWORD, "_csrf_token": token[1]}, headers=headers
        )
    )
    assert answer.status_code == 303, answer.status_code
    return client, {"cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}


def test_the_demo_ends_its_start_by_saying_where_to_sign_in_with_which_accounts_and_password(demo: Demo) -> None:
    said = "\n".join(demo.seen)
    assert f"http://127.0.0.1:{demo.port}/login" in said
    assert DEMO_PASSWORD in said
    for email, _, _ in DEMO_ACCOUNTS:
        assert email in said and DEMO_NAMES[email] in said
    loaded = [line.strip().split(":")[0] for line in demo.seen if line.startswith("  ") and " kommune: " in line]
    assert loaded == ["Drammen kommune", "Trondheim kommune", "Fredrikstad kommune"]
    assert len(demo.seen) <= 25
    assert [line for line in demo.seen if NOISE.search(line)] == []
    assert httpx.get(f"http://127.0.0.1:{demo.port}/login").status_code == 200


def test_the_console_stays_quiet_while_people_work_and_download_reports(demo: Demo) -> None:
    client, cookies = signed_in(f"http://127.0.0.1:{demo.port}", "admin@drammen.demo")
    overview = client.get("/drammen/oversikt", headers=cookies)
    assert overview.status_code == 200
    open_one = re.search(r"/drammen/henvendelser/(\d{4}-\d{4})", overview.text)  # the admin's own open inquiries
    assert open_one is not None
    for path in ("/drammen/statistikk/", "/drammen/statistikk/arsrapport-2024.docx"):
        assert client.get(path, headers=cookies).status_code == 200, path
    page = client.get(f"/drammen/henvendelser/{open_one[1]}", headers=cookies)
    form = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert form is not None
    noted = client.post(
        f"/drammen/henvendelser/{open_one[1]}/notat",
        data={"_csrf_token": form[1], "text": "Demonotat fra testen."},
        headers=cookies,
    )
    assert noted.status_code == 303, noted.status_code
    time.sleep(3)  # the worker applies the note meanwhile
    said = demo.stop()
    assert [line for line in said if NOISE.search(line)] == []
    assert len(said) <= 26
