"""Signing in and out: argon2-checked passwords, a new session id at sign-in, CSRF, and a brake on guessing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
from litestar.testing import AsyncTestClient

from domain.account import Account
from services.platform import Platform
from tests.web.conftest import PASSWORD
from tests.web.helpers import sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)
from web.app import create_app
from web.auth import FREE_FAILURES, start_page, wait_after
from web.sessions import Staff


async def post_login(client: AsyncTestClient, email: str, password: str, **extra: str):
    await client.get("/login")
    data = {"email": email, "password": password, "_csrf_token": client.cookies["ombud_csrf"], **extra}
    return await client.post("/login", data=data, follow_redirects=False)


async def test_the_right_password_opens_the_caseworkers_overview_with_a_fresh_session(
    client: AsyncTestClient, make_account: Callable[..., Account], platform: Platform, admin, new_slug
) -> None:
    slug = new_slug()
    platform.create_tenant(admin, slug=slug, name="Prøveby kommune")
    account = make_account("caseworker", slug)
    client.cookies.set("ombud_sesjon", "planted-before-sign-in")

    response = await post_login(client, account.email.upper(), PASSWORD)

    assert response.status_code == 303
    assert response.headers["location"] == f"/{slug}/oversikt"
    assert response.cookies["ombud_sesjon"] not in ("", "planted-before-sign-in")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    page = await client.get(f"/{slug}/oversikt")
    assert page.status_code == 200
    assert account.email in page.text


async def test_an_auditor_lands_on_the_offices_statistics(
    client: AsyncTestClient, make_account: Callable[..., Account], platform: Platform, admin, new_slug
) -> None:
    slug = new_slug()
    platform.create_tenant(admin, slug=slug, name="Prøveby kommune")
    response = await post_login(client, make_account("auditor", slug).email, PASSWORD)
    assert response.headers["location"] == f"/{slug}/statistikk"


async def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(
    client: AsyncTestClient, make_account: Callable[..., Account]
) -> None:
    account = make_account("network", None)
    wrong = await post_login(client, account.email, "ikke-riktig-passord")
    unknown = await post_login(client, "finnes.ikke@eksempel.invalid", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert "Feil e-postadresse eller passord." in wrong.text and "Feil e-postadresse eller passord." in unknown.text
    assert "ombud_sesjon" not in client.cookies


async def test_empty_fields_are_named_next_to_the_field(client: AsyncTestClient) -> None:
    response = await post_login(client, "", "")
    assert response.status_code == 400
    assert 'href="#email"' in response.text and 'aria-invalid="true"' in response.text
    assert "Skriv inn passordet ditt." in response.text


async def test_a_sign_in_without_the_csrf_token_is_refused(client: AsyncTestClient, make_account) -> None:
    account = make_account("network", None)
    await client.get("/login")
    response = await client.post("/login", data={"email": account.email, "password": PASSWORD})
    assert response.status_code == 403


async def test_after_repeated_failures_the_right_password_from_that_address_must_wait(
    client: AsyncTestClient, make_account: Callable[..., Account], peer: Callable[[str], None]
) -> None:
    peer("192.0.2.10")
    account = make_account("network", None)
    for _ in range(FREE_FAILURES + 1):
        assert (await post_login(client, account.email, "gjetning-som-feiler")).status_code == 401
    response = await post_login(client, account.email, PASSWORD)
    assert response.status_code == 429
    assert "For mange mislykkede forsøk" in response.text


async def test_a_stranger_guessing_at_an_account_cannot_lock_the_real_user_out(
    client: AsyncTestClient, make_account: Callable[..., Account], peer: Callable[[str], None]
) -> None:
    account = make_account("network", None)
    peer("198.51.100.66")
    answers = [(await post_login(client, account.email, f"gjetning-{n}")).status_code for n in range(12)]
    assert answers[: FREE_FAILURES + 1] == [401] * (FREE_FAILURES + 1) and set(answers[FREE_FAILURES + 1 :]) == {429}
    peer("192.0.2.20")  # the real user, from an address that has not failed
    assert (await post_login(client, account.email, PASSWORD)).status_code == 303


async def test_an_unknown_address_is_throttled_exactly_like_a_known_one(
    client: AsyncTestClient, make_account: Callable[..., Account], peer: Callable[[str], None]
) -> None:
    peer("192.0.2.30")
    account = make_account("network", None)
    for email in (account.email, "finnes.ikke@eksempel.invalid"):
        answers = [
            (await post_login(client, email, "gjetning-som-feiler")).status_code for _ in range(FREE_FAILURES + 2)
        ]
        assert answers == [401] * (FREE_FAILURES + 1) + [429]


async def test_one_address_guessing_across_many_accounts_meets_the_address_limit(
    client: AsyncTestClient, make_account: Callable[..., Account], peer: Callable[[str], None], monkeypatch
) -> None:
    monkeypatch.setattr("web.auth.FAILURES_PER_ADDRESS", 3)
    peer("192.0.2.40")
    for n in range(3):
        assert (await post_login(client, f"gjett-{n}@eksempel.invalid", "gjetning")).status_code == 401
    account = make_account("network", None)
    assert (await post_login(client, account.email, PASSWORD)).status_code == 429
    peer("192.0.2.41")
    assert (await post_login(client, account.email, PASSWORD)).status_code == 303


async def test_thirty_parallel_guesses_from_one_address_get_no_more_password_checks_than_one_after_another(
    live_url: str, make_account: Callable[..., Account]
) -> None:
    """The attack: guesses that arrive together all passed the check made before any of them was counted."""
    account = make_account("network", None)
    async with httpx.AsyncClient(base_url=live_url, timeout=60) as browser:
        await browser.get("/login")
        token = browser.cookies["ombud_csrf"]
        data = {"email": account.email, "password": "gjetning-som-feiler", "_csrf_token": token}
        answers = await asyncio.gather(*(browser.post("/login", data=data) for _ in range(30)))
        codes = sorted(answer.status_code for answer in answers)
        assert codes == [401] * (FREE_FAILURES + 1) + [429] * (30 - FREE_FAILURES - 1)
        right = await browser.post("/login", data={**data, "password": PASSWORD})
        assert right.status_code == 429


async def test_parallel_guesses_across_accounts_meet_the_address_limit_exactly(live_url: str, monkeypatch) -> None:
    monkeypatch.setattr("web.auth.FAILURES_PER_ADDRESS", 5)
    async with httpx.AsyncClient(base_url=live_url, timeout=60) as browser:
        await browser.get("/login")
        token = browser.cookies["ombud_csrf"]
        guesses = [{"email": f"gjett-{n}@eksempel.invalid", "password": "x", "_csrf_token": token} for n in range(30)]
        answers = await asyncio.gather(*(browser.post("/login", data=guess) for guess in guesses))
        assert sorted(answer.status_code for answer in answers) == [401] * 5 + [429] * 25


async def test_a_csrf_token_from_one_session_is_refused_in_another(
    client: AsyncTestClient, make_account: Callable[..., Account], platform: Platform, database_url: str, redis_url: str
) -> None:
    """The attack: a valid token and cookie pair, taken in the attacker's own session (or before sign-in) and
    planted in the victim's browser, used to pass a forged form there."""
    await client.get("/login")
    before_sign_in = client.cookies["ombud_csrf"]
    attacker = make_account("network", None)
    await post_login(client, attacker.email, PASSWORD)
    planted = client.cookies["ombud_csrf"]
    assert planted != before_sign_in  # sign-in hands out a token for the new session
    async with AsyncTestClient(app=create_app(platform, database_url, redis_url, secure_cookies=False)) as victim:
        assert (await post_login(victim, make_account("network", None).email, PASSWORD)).status_code == 303
        own = victim.cookies["ombud_csrf"]
        for token in (planted, before_sign_in):
            victim.cookies.set("ombud_csrf", token)
            forged = await victim.post("/logout", data={"_csrf_token": token}, follow_redirects=False)
            assert forged.status_code == 403
            by_htmx = await victim.post("/logout", headers={"x-csrftoken": token}, follow_redirects=False)
            assert by_htmx.status_code == 403
        assert (await victim.get("/nettverk", follow_redirects=False)).status_code == 200  # still signed in
        victim.cookies.set("ombud_csrf", own)
        assert (await victim.post("/logout", data={"_csrf_token": own}, follow_redirects=False)).status_code == 303
    # The attacker's own pair still works in the attacker's own session.
    assert (await client.post("/logout", data={"_csrf_token": planted}, follow_redirects=False)).status_code == 303


def test_the_waits_grow_with_each_failure_up_to_a_quarter_of_an_hour() -> None:
    waits = [wait_after(n) for n in range(1, 16)]
    assert waits[:FREE_FAILURES] == [0] * FREE_FAILURES
    assert waits[FREE_FAILURES : FREE_FAILURES + 3] == [10, 20, 40]
    assert waits == sorted(waits) and waits[-1] == 15 * 60 and wait_after(10**6) == 15 * 60


async def test_signing_out_ends_the_session_on_the_server(
    client: AsyncTestClient, sign_in_as, platform, admin, new_slug
) -> None:
    slug = new_slug()
    platform.create_tenant(admin, slug=slug, name="Prøveby kommune")
    await sign_in_as("auditor", slug)
    token = client.cookies["ombud_sesjon"]

    response = await client.post(
        "/logout", headers={"x-csrftoken": client.cookies["ombud_csrf"]}, follow_redirects=False
    )
    assert response.status_code == 303
    client.cookies.set("ombud_sesjon", token)  # replaying the old cookie gets nothing
    again = await client.get(f"/{slug}/statistikk", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"] == f"/login?neste=/{slug}/statistikk"


async def test_only_a_path_on_this_site_is_followed_after_sign_in(
    client: AsyncTestClient, make_account: Callable[..., Account]
) -> None:
    account = make_account("network", None)
    response = await post_login(client, account.email, PASSWORD, neste="//angriper.invalid/")
    assert response.headers["location"] == "/nettverk"  # the role's own start page, not the other site


async def test_cookies_are_secure_unless_told_otherwise(platform: Platform, database_url: str, redis_url: str) -> None:
    async with AsyncTestClient(
        app=create_app(platform, database_url, redis_url), base_url="https://testserver.local"
    ) as client:
        response = await client.get("/login")
    assert "secure" in response.headers["set-cookie"].lower()


async def test_the_home_page_knows_who_is_signed_in_and_where_their_pages_are(
    client: AsyncTestClient, sign_in_as, office
) -> None:
    assert "/login" in (await client.get("/")).text
    network = await sign_in_as("network", None)
    page = (await client.get("/")).text
    assert network.email in page and "rolle over kommunene" in page and f"/{office.slug}/" not in page
    await sign_in_as("caseworker", office.slug)
    assert f'href="/{office.slug}/oversikt"' in (await client.get("/")).text


def test_each_role_lands_where_its_work_is() -> None:
    landing = {
        role: start_page(Staff("id", "test@eksempel.invalid", role, tenant))
        for role, tenant in [
            ("caseworker", "prøveby"),
            ("tenant_admin", "prøveby"),
            ("auditor", "prøveby"),
            ("platform_admin", None),
            ("network", None),
        ]
    }
    assert landing == {
        "caseworker": "/prøveby/oversikt",
        "tenant_admin": "/prøveby/oversikt",
        "auditor": "/prøveby/statistikk",
        "platform_admin": "/plattform",
        "network": "/nettverk",
    }
