"""Browser fixtures: the real app served by uvicorn on loopback, and Debian's chromium driven by Playwright."""

from __future__ import annotations

import inspect
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from infra.directory import PostgresTenantDirectory
from infra.eventstore import factory_maker, open_datastore
from services.platform import Platform
from web.app import create_app

HERE = Path(__file__).parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run",
]
STARTUP_SECONDS = 30.0

T = TypeVar("T")


class PlaywrightThread:
    """One thread that owns Playwright; `run` executes a callable there and hands back its result or error.

    Playwright's sync API marks its own event loop as running in the thread that calls it, which would stop
    pytest-asyncio from running any async test after it. So every Playwright call, the fixtures' and the
    browser tests' own, runs in this thread, and the main thread never touches Playwright.
    """

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playwright")

    def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        __tracebackhide__ = True
        return self._executor.submit(function, *args, **kwargs).result()

    def close(self) -> None:
        self._executor.shutdown(wait=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last: until the session ends, the live app holds database connections other tests count."""
    items.sort(key=lambda item: item.path.is_relative_to(HERE))


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Plain `def` tests that use the browser run in the Playwright thread, where their page lives."""
    if "playwright_thread" not in pyfuncitem.fixturenames or inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    thread: PlaywrightThread = pyfuncitem.funcargs["playwright_thread"]  # type: ignore[assignment]
    arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    thread.run(pyfuncitem.obj, **arguments)
    return True


@pytest.fixture(scope="session")
def base_url(database_url: str, redis_url: str, master_key: bytes) -> Iterator[str]:
    """The app as deployed, on a free loopback port, with a platform of its own as a separate process would have."""
    datastore = open_datastore(database_url, pool_size=2, max_overflow=3)
    platform = Platform(PostgresTenantDirectory(datastore), master_key, factory_maker(datastore))
    app = create_app(platform, database_url, redis_url)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    # Server.run gives the thread an event loop of its own; off the main thread it installs no signal handlers.
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
        platform.close()
        datastore.close()  # type: ignore[attr-defined]


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


@pytest.fixture(scope="session")
def playwright_thread() -> Iterator[PlaywrightThread]:
    thread = PlaywrightThread()
    yield thread
    thread.close()


@pytest.fixture(scope="session")
def browser(playwright_thread: PlaywrightThread) -> Iterator[Browser]:
    """Debian's chromium, headless; Playwright's own browser downloads are never used."""
    playwright: Playwright = playwright_thread.run(lambda: sync_playwright().start())
    try:
        browser = playwright_thread.run(playwright.chromium.launch, executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        playwright_thread.run(browser.close)
    finally:
        playwright_thread.run(playwright.stop)


@pytest.fixture
def page(browser: Browser, base_url: str, playwright_thread: PlaywrightThread) -> Iterator[Page]:
    """A fresh context per test, in Norwegian, that may only reach the app: anything else is aborted."""

    def open_page() -> Page:
        context = browser.new_context(base_url=base_url, locale="nb-NO")
        context.route(re.compile(rf"^(?!{re.escape(base_url)}/)"), lambda route: route.abort("blockedbyclient"))
        return context.new_page()

    page = playwright_thread.run(open_page)
    yield page
    playwright_thread.run(page.context.close)
