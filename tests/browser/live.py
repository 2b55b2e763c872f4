"""The app served for real on loopback, the projection worker beside it, and the browser to use: for the browser tests and screenshots."""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from litestar import Litestar

from infra.logins import worker_url_for
from projections.worker import IDLE_SECONDS, ProjectionWorker
from services.platform import Platform

STARTUP_SECONDS = 30.0
CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright's own browser downloads are never used
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@contextmanager
def serving(app: Litestar) -> Iterator[str]:
    """uvicorn in a thread of its own (its own event loop; off the main thread it installs no signal handlers)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="uvicorn", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, thread)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_SECONDS)
        listener.close()


@contextmanager
def projecting(platform: Platform, database_url: str) -> Iterator[ProjectionWorker]:
    """The projection worker following every tenant, as `ombud worker` does, until the block ends.

    Start it after the tenants exist: a tenant's directory row is visible (and notified) before its event tables
    are created, and a worker that looks in between stops on the missing table.
    """
    worker = ProjectionWorker(platform, worker_url_for(database_url))
    worker.catch_up_all()
    worker.network_releases_once_a_day()  # the network page shows releases: the first at once, as the run would
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), name="projection-worker", daemon=True)
    thread.start()
    try:
        yield worker
    finally:
        stop.set()
        thread.join(timeout=IDLE_SECONDS * 2)
        worker.close()


def _wait_until_healthy(url: str, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    last = "no answer"
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError("the app's server stopped while starting (see the log above)")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2.0):
                return
        except urllib.error.HTTPError as error:
            last = f"{error.code} {error.read().decode(errors='replace')}"
        except OSError as error:
            last = repr(error)
        time.sleep(0.05)
    raise RuntimeError(f"{url}/health did not answer 200 within {STARTUP_SECONDS:.0f} s: {last}")
