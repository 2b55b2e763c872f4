"""No session outlives its limits: the absolute lifetime, and any role change or deactivation, whatever its age."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import redis
from litestar.testing import AsyncTestClient

from domain.account import Account
from domain.common import Context
from infra.settings import Settings
from services.accounts import SetAccountActive
from services.office import Office
from services.platform import Platform
from tests.web.conftest import PASSWORD
from web.app import create_app
from web.sessions import COOKIE, IDLE_SECONDS, session_key

HOUR = 60 * 60


@pytest.fixture
def store(redis_url: str) -> redis.Redis:
    return redis.Redis.from_url(redis_url)


def age(store: redis.Redis, token: str, seconds: float) -> None:
    """Pretends the session began `seconds` ago, as if it had been used all along (its idle time kept fresh)."""
    key = session_key(token)
    session = json.loads(store.get(key))
    session["started_at"] = time.time() - seconds
    store.set(key, json.dumps(session), ex=IDLE_SECONDS)


async def signed_in(client: AsyncTestClient, sign_in: Callable[[Account], Awaitable[None]], account: Account) -> str:
    """A session of its own, as from another browser (signing in ends the session the browser already had)."""
    client.cookies.delete(COOKIE)
    await sign_in(account)
    return client.cookies[COOKIE]


async def status_with(client: AsyncTestClient, token: str, path: str) -> int:
    client.cookies.delete(COOKIE)
    client.cookies.set(COOKIE, token)
    return (await client.get(path, follow_redirects=False)).status_code


def test_the_absolute_lifetime_is_a_setting_of_twelve_hours_by_default() -> None:
    assert Settings.from_environment({}).session_max_hours == 12
    assert Settings.from_environment({"OMBUD_SESSION_MAX_HOURS": "4"}).session_max_hours == 4


async def test_a_session_in_use_ends_at_the_absolute_lifetime_whatever_the_activity(
    client: AsyncTestClient, office: Office, other_office: Office, make_account, sign_in, store: redis.Redis
) -> None:
    young = await signed_in(client, sign_in, make_account("caseworker", office.slug))
    old = await signed_in(client, sign_in, make_account("caseworker", other_office.slug))
    age(store, young, 11 * HOUR + 50 * 60)
    age(store, old, 12 * HOUR + 60)
    assert await status_with(client, young, f"/{office.slug}/henvendelser") == 200
    assert await status_with(client, old, f"/{other_office.slug}/henvendelser") == 303
    assert store.get(session_key(old)) is None  # refused and gone, not merely turned away
    assert await status_with(client, young, f"/{office.slug}/henvendelser") == 200


@pytest.fixture
async def short_lived(platform: Platform, database_url: str, redis_url: str) -> AsyncIterator[AsyncTestClient]:
    app = create_app(platform, database_url, redis_url, secure_cookies=False, session_max_hours=1)
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


async def test_the_lifetime_follows_the_setting_handed_to_the_app(
    short_lived: AsyncTestClient, office: Office, make_account, store: redis.Redis
) -> None:
    account = make_account("auditor", office.slug)
    await short_lived.get("/login")
    data = {"email": account.email, "password": PASSWORD, "_csrf_token": short_lived.cookies["ombud_csrf"]}
    assert (await short_lived.post("/login", data=data, follow_redirects=False)).status_code == 303
    token = short_lived.cookies[COOKIE]
    assert await status_with(short_lived, token, f"/{office.slug}/statistikk") == 200
    age(store, token, HOUR + 60)
    assert await status_with(short_lived, token, f"/{office.slug}/statistikk") == 303


async def admin_post(client: AsyncTestClient, path: str, data: dict[str, str] | None = None) -> int:
    payload = {**(data or {}), "_csrf_token": client.cookies["ombud_csrf"]}
    return (await client.post(path, data=payload, follow_redirects=False)).status_code


async def test_a_role_change_ends_a_session_older_than_a_working_day_and_no_other_tenants(
    client: AsyncTestClient, office: Office, other_office: Office, make_account, sign_in, store: redis.Redis
) -> None:
    colleague = make_account("caseworker", office.slug)
    bystander = make_account("caseworker", other_office.slug)
    theirs = await signed_in(client, sign_in, colleague)
    unrelated = await signed_in(client, sign_in, bystander)
    for token in (theirs, unrelated):
        age(store, token, IDLE_SECONDS + HOUR)  # past the TTL any index set at sign-in would have had
    await signed_in(client, sign_in, make_account("tenant_admin", office.slug))
    assert await admin_post(client, f"/{office.slug}/admin/brukere/{colleague.id}/rolle", {"role": "auditor"}) == 303
    assert await status_with(client, theirs, f"/{office.slug}/henvendelser") == 303
    assert await status_with(client, unrelated, f"/{other_office.slug}/henvendelser") == 200
    again = await signed_in(client, sign_in, colleague)  # signing in again gives the new role
    assert await status_with(client, again, f"/{office.slug}/oversikt") == 404  # a case worker no more
    assert await status_with(client, again, f"/{office.slug}/statistikk") == 200


async def test_deactivation_ends_every_session_of_the_account_and_it_cannot_sign_in_again(
    client: AsyncTestClient, office: Office, make_account, sign_in, store: redis.Redis, platform: Platform
) -> None:
    colleague = make_account("caseworker", office.slug)
    first = await signed_in(client, sign_in, colleague)
    second = await signed_in(client, sign_in, colleague)
    age(store, first, IDLE_SECONDS + HOUR)
    admin = make_account("tenant_admin", office.slug)
    platform.set_account_active(
        Context(str(admin.id), "tenant_admin", "k"), SetAccountActive(str(colleague.id), office.slug, active=False)
    )
    for token in (first, second):
        assert await status_with(client, token, f"/{office.slug}/henvendelser") == 303
    await client.get("/login")
    answers = []
    for password in (PASSWORD, "ikke-riktig-passord"):
        data = {"email": colleague.email, "password": password, "_csrf_token": client.cookies["ombud_csrf"]}
        answers.append(await client.post("/login", data=data, follow_redirects=False))
    assert [a.status_code for a in answers] == [401, 401]
    assert answers[0].text == answers[1].text  # deactivated answers exactly as a wrong password does
    platform.set_account_active(
        Context(str(admin.id), "tenant_admin", "k"), SetAccountActive(str(colleague.id), office.slug, active=True)
    )
    assert await status_with(client, first, f"/{office.slug}/henvendelser") == 303  # old sessions stay ended
    await sign_in(colleague)
