"""Web fixtures: the real app on the test database and Redis, accounts to sign in with, a tenant with data."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient
from litestar.testing.transport import TestClientTransport

from domain.account import Account
from domain.common import Context
from services.office import Office
from services.platform import Platform
from tests.browser.live import serving
from tests.conftest import open_platform
from tests.helpers import (
    PASSWORD,
    clear_rate_limits,
    make_account_fixture,  # noqa: F401 (the fixture `make_account`)
)
from web.app import create_app


@pytest.fixture
def office(platform: Platform, admin: Context, new_slug) -> Office:
    """The test's own tenant; `other_office` is the second one, which must see nothing of it."""
    return platform.create_tenant(admin, slug=new_slug(), name="Prøveby kommune")


@pytest.fixture
def other_office(platform: Platform, admin: Context, new_slug) -> Office:
    return platform.create_tenant(admin, slug=new_slug(), name="Annenby kommune")


@asynccontextmanager
async def running_app(
    database_url: str, redis_url: str, master_key: bytes, epoch_dir: Path
) -> AsyncIterator[AsyncTestClient]:
    """The app over plain HTTP (cookies without the Secure flag), its lifespan started: pools and Redis opened."""
    platform, datastore = open_platform(database_url, master_key, epoch_dir, pool_size=1, max_overflow=2)
    try:
        async with AsyncTestClient(app=create_app(platform, database_url, redis_url, secure_cookies=False)) as served:
            yield served
    finally:
        platform.close()
        datastore.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
async def session_app(
    session_database_url: str, redis_url: str, master_key: bytes, epoch_dir: Path
) -> AsyncIterator[AsyncTestClient]:
    """One app for every web test on the session's database: building one (about 0.8 s) per test cost minutes."""
    async with running_app(session_database_url, redis_url, master_key, epoch_dir) as served:
        yield served


@pytest.fixture(scope="module")
async def served_app(
    database_url: str,
    session_database_url: str,
    redis_url: str,
    master_key: bytes,
    epoch_dir: Path,
    session_app: AsyncTestClient,
) -> AsyncIterator[AsyncTestClient]:
    """The session's app, or, in a module with a database of its own (tests/private_database.py), an app of the
    module's own on that database."""
    if database_url == session_database_url:
        yield session_app
        return
    async with running_app(database_url, redis_url, master_key, epoch_dir) as served:
        yield served


@pytest.fixture
def client(served_app: AsyncTestClient, platform: Platform, redis_url: str) -> AsyncTestClient:
    """A fresh client (no cookies) on the running app, which serves the test's own platform; sign-in and contact
    counters start from zero. A test that needs the app built otherwise (another setting) builds its own."""
    clear_rate_limits(redis_url)
    served_app.app.state.platform = platform
    test_client: AsyncTestClient = AsyncTestClient(app=served_app.app)
    test_client.blocking_portal = served_app.blocking_portal  # the running app's event loop, not a new one
    return test_client  # nothing to close: the test transport holds no connections (AsyncTestClient's exit neither)


@pytest.fixture
def live_url(platform: Platform, database_url: str, redis_url: str) -> Iterator[str]:
    """The app served for real on loopback (uvicorn), for requests that must truly run at once: the test client
    runs one request after another. Every request comes from 127.0.0.1: its sign-in and contact counters start at zero."""
    clear_rate_limits(redis_url)
    with serving(create_app(platform, database_url, redis_url, secure_cookies=False)) as url:
        yield url


@pytest.fixture
def sign_in(client: AsyncTestClient) -> Callable[[Account], Awaitable[None]]:
    async def sign_in(account: Account) -> None:
        await client.get("/login")
        response = await client.post(
            "/login",
            data={"email": account.email, "password": PASSWORD, "_csrf_token": client.cookies["ombud_csrf"]},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text

    return sign_in


@pytest.fixture
def peer(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Sets the address the test client connects from (Litestar's test transport always says `testclient`)."""
    original = TestClientTransport.parse_request

    def from_address(address: str) -> None:
        def parse_request(self: TestClientTransport, request: httpx.Request) -> dict[str, Any]:
            return {**original(self, request), "client": (address, 50000)}

        monkeypatch.setattr(TestClientTransport, "parse_request", parse_request)

    return from_address
