"""Helpers the web tests share: signing in as a new account of a role, sending a form as the browser does, the paths
an administrator must not reach, and fresh contact-form counters."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import httpx
import psycopg
import pytest
import redis
from litestar.testing import AsyncTestClient

from domain.account import Account
from projections import inquiries
from services.office import Office

SignInAs = Callable[[str, str | None], Awaitable[Account]]
"""The type of the `sign_in_as` fixture."""


class TextRead(HTMLParser):
    """The text nodes a person reads, outside scripts and styles, and the values of the `spoken` attributes (those
    screen readers announce, where a test counts them); other attributes (option values, ids, URLs) are not read."""

    def __init__(self, spoken: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.spoken = spoken
        self.found: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("script", "style")
        self.found += [value for name, value in attrs if name in self.spoken and value]

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.found.append(data)


def access_records(admin_database_url: str, tenant: str) -> list[tuple[str, str, str]]:
    """The tenant's access records as (role, purpose, channel), oldest first."""
    with psycopg.connect(admin_database_url) as conn:
        query = "SELECT role, purpose, channel FROM audit.access_records WHERE tenant_id = %s ORDER BY id"
        return conn.execute(query, (tenant,)).fetchall()


def access_records_cannot_be_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """The audit table is unreachable: every attempt of the inquiry pages to record an access fails."""

    async def broken(*args: object, **kwargs: object) -> None:
        raise OSError("the audit table is unreachable")

    monkeypatch.setattr("web.inquiry_pages.record_accesses", broken)


def csrf(client: AsyncTestClient) -> str:
    """The CSRF token the app set in the client's cookie jar."""
    return client.cookies["ombud_csrf"]


async def post(
    client: AsyncTestClient, path: str, data: dict[str, Any] | None = None, *, htmx: bool = False
) -> httpx.Response:
    """A form sent as the browser sends it: with htmx the token in a header, without JavaScript in the form (and the
    redirect not followed, so the test sees it)."""
    if htmx:
        return await client.post(path, data=data or {}, headers={"HX-Request": "true", "x-csrftoken": csrf(client)})
    return await client.post(path, data={**(data or {}), "_csrf_token": csrf(client)}, follow_redirects=False)


async def act(
    client: AsyncTestClient, office: Office, reference: str, action: str, data: dict[str, Any]
) -> httpx.Response:
    """An action on the inquiry's case page (its path's last segment), sent from htmx."""
    return await post(client, f"/{office.slug}/henvendelser/{reference}/{action}", data, htmx=True)


def overview_fails_with(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    """The caseworker's overview raises that error: its query of one's open inquiries fails."""

    async def failing(*_: object) -> None:
        raise error

    monkeypatch.setattr(inquiries, "my_open_inquiries", failing)


@pytest.fixture(name="sign_in_as")
def sign_in_as_fixture(
    make_account: Callable[[str, str | None], Account], sign_in: Callable[[Account], Awaitable[None]]
) -> SignInAs:
    """The `sign_in_as` fixture: a new account of that role (and tenant, None above the offices), signed in."""

    async def sign_in_as(role: str, tenant: str | None) -> Account:
        account = make_account(role, tenant)
        await sign_in(account)
        return account

    return sign_in_as


async def administrator_and_colleague(
    make_account: Callable[[str, str | None], Account], sign_in: Callable[[Account], Awaitable[None]], office: Office
) -> tuple[Account, Account]:
    """A new administrator of the office, signed in, and a new caseworker there for them to manage."""
    me = make_account("tenant_admin", office.slug)
    colleague = make_account("caseworker", office.slug)
    await sign_in(me)
    return me, colleague


@dataclass(frozen=True)
class OutOfReach:
    """Accounts another office's administrator must not touch, and the paths of one action on them (a 404 each)."""

    theirs: Account
    network: Account
    paths: list[str]


def accounts_out_of_reach(
    make_account: Callable[[str, str | None], Account], office: Office, other_office: Office, action: str
) -> OutOfReach:
    """For other_office's administrator: the action on office's caseworker through either office, on a network
    account and on no account at all."""
    theirs, network = make_account("caseworker", office.slug), make_account("network", None)
    paths = [
        f"/{other_office.slug}/admin/brukere/{theirs.id}/{action}",
        f"/{office.slug}/admin/brukere/{theirs.id}/{action}",
        f"/{other_office.slug}/admin/brukere/{network.id}/{action}",
        f"/{other_office.slug}/admin/brukere/ikke-en-id/{action}",
    ]
    return OutOfReach(theirs, network, paths)


@pytest.fixture(name="staffed_offices")
def staffed_offices_fixture(request: pytest.FixtureRequest, make_account: Callable[[str, str | None], Account]) -> None:
    """A caseworker in each office the test uses: a public contact form opens only once someone can read it."""
    for name in ("office", "other_office"):
        if name in request.fixturenames:
            make_account("caseworker", request.getfixturevalue(name).slug)


@pytest.fixture(name="fresh_contact_counters", autouse=True)
def fresh_contact_counters_fixture(redis_url: str) -> Iterator[None]:
    """Autouse in the modules that import it: the test client always comes from one address, so each test starts
    with its own contact-form quota."""
    store = redis.Redis.from_url(redis_url)
    for key in store.scan_iter("ombud:kontakt:*"):
        store.delete(key)
    yield
    store.close()
