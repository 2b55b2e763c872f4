"""Every response, page, fragment, download, redirect or error, carries the security headers; only static files may be cached."""

from __future__ import annotations

import re
from datetime import date

import pytest
from httpx import Response
from litestar import Litestar
from litestar.testing import AsyncTestClient

from domain.common import Context
from infra.settings import Settings, SettingsError
from services.office import Office
from services.platform import Platform
from tests import factories
from tests.web.helpers import sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)
from web.app import create_app

SUMMARY = "Testesen Hemmelig lurer på svaret (fiktiv)"
EXPECTED = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}
CSP_DIRECTIVES = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
}


def receive(office: Office, caseworker: Context) -> str:
    return factories.case(
        office, caseworker, received_on=date(2023, 3, 3), summary=SUMMARY, requester_name="Testesen Hemmelig"
    )


def assert_secure(response: Response, *, cacheable: bool = False) -> None:
    where = f"{response.request.method} {response.request.url.path} → {response.status_code}"
    headers = response.headers
    for name, value in EXPECTED.items():
        assert headers.get(name) == value, f"{name} on {where}"
    policy = {directive.strip() for directive in headers["content-security-policy"].split(";")}
    assert policy >= CSP_DIRECTIVES, where
    assert not any("unsafe-inline" in d or "unsafe-eval" in d for d in policy), where
    assert "camera=()" in headers["permissions-policy"] and "microphone=()" in headers["permissions-policy"]
    assert "geolocation=()" in headers["permissions-policy"], where
    assert "strict-transport-security" not in headers, f"HSTS without the setting on {where}"
    if cacheable:
        assert "no-store" not in headers.get("cache-control", ""), where
    else:
        assert headers.get("cache-control") == "no-store", f"cache-control on {where}"


def concrete_paths(app: Litestar, values: dict[str, str]) -> list[tuple[str, str]]:
    """Every route of the app and method it answers, its path parameters filled in."""
    paths = []
    for route in app.routes:
        if route.path.startswith(("/static", "/schema")):
            continue
        path = re.sub(r"\{(\w+):\w+\}", lambda match: values[match.group(1)], route.path)
        paths.extend((method, path) for method in sorted(route.methods - {"HEAD", "OPTIONS"}))
    return sorted(paths, key=lambda item: item[1] == "/logout")  # signing out last


async def test_every_route_answers_with_the_security_headers_and_no_store(
    client: AsyncTestClient, office: Office, other_office: Office, caseworker: Context, sign_in_as
) -> None:
    reference = receive(office, caseworker)
    theirs = receive(other_office, caseworker)
    their_version = other_office.case_file(theirs)[0].version
    await sign_in_as("tenant_admin", office.slug)
    case_page = await client.get(f"/{office.slug}/henvendelser/{reference}")
    assert SUMMARY in case_page.text
    assert_secure(case_page)
    their_page = await client.get(f"/{other_office.slug}/henvendelser/{theirs}")
    assert their_page.status_code in (403, 404) and SUMMARY not in their_page.text
    assert_secure(their_page)

    values = {
        "tenant": office.slug,
        "reference": reference,
        "action": "tildel",
        "file": "arsrapport-2023.csv",
        "account_id": "ingen",
        "activity": "ingen",
        "name": "channel",
        "token": "en-ukjent-invitasjonslenke-123",
        "attachment": "00000000-0000-0000-0000-000000000000",
        "sha256": "0" * 64,
    }
    routes = concrete_paths(client.app, values)
    assert len(routes) >= 20
    answered = []
    for method, path in routes:
        data = {"_csrf_token": client.cookies["ombud_csrf"]} if method != "GET" else None
        response = await client.request(method, path, data=data, follow_redirects=False)
        assert response.status_code < 500, f"{method} {path}: {response.status_code}"
        assert_secure(response)
        answered.append(response.status_code)
    assert answered.count(200) >= 10, answered  # real pages, not only redirects and refusals

    assert other_office.case_file(theirs)[0].version == their_version  # nothing written across tenants


async def test_errors_redirects_and_fragments_carry_the_headers_too(
    client: AsyncTestClient, office: Office, sign_in_as
) -> None:
    assert_secure(await client.get("/finnes/ikke/i/det/hele/tatt"))
    assert_secure(await client.delete("/login"))
    assert_secure(await client.get(f"/{office.slug}/henvendelser", follow_redirects=False))  # 303 to sign-in
    assert_secure(await client.post("/login", data={"email": "x", "password": "y"}))  # no CSRF token: refused
    await sign_in_as("caseworker", office.slug)
    fragment = await client.get(f"/{office.slug}/henvendelser?status=open", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert_secure(fragment)
    download = await client.get(f"/{office.slug}/statistikk/arsrapport-2023.xlsx")
    assert download.status_code == 200
    assert_secure(download)


async def test_static_files_may_be_cached_but_keep_the_other_headers(client: AsyncTestClient) -> None:
    for path in ("/static/ombud.css", "/static/vendor/htmx.min.js"):
        response = await client.get(path)
        assert response.status_code == 200
        assert_secure(response, cacheable=True)


async def test_hsts_is_sent_when_the_setting_says_the_site_is_served_over_tls(
    platform: Platform, database_url: str, redis_url: str
) -> None:
    app = create_app(platform, database_url, redis_url, hsts_max_age=31536000)
    async with AsyncTestClient(app=app, base_url="https://testserver.local") as client:
        response = await client.get("/login")
    assert response.headers["strict-transport-security"] == "max-age=31536000"


@pytest.mark.parametrize(("raw", "seconds"), [(None, 0), ("", 0), ("0", 0), ("63072000", 63072000)])
def test_the_hsts_setting_is_a_count_of_seconds(raw: str | None, seconds: int) -> None:
    environ = {} if raw is None else {"OMBUD_HSTS_MAX_AGE": raw}
    assert Settings.from_environment(environ).hsts_max_age == seconds


@pytest.mark.parametrize("raw", ["²", "-1", "ett år", "1e6"])
def test_an_hsts_setting_that_is_not_ascii_digits_is_refused_by_name(raw: str) -> None:
    with pytest.raises(SettingsError, match="OMBUD_HSTS_MAX_AGE"):
        Settings.from_environment({"OMBUD_HSTS_MAX_AGE": raw})


def test_no_template_has_inline_script_style_or_event_handlers() -> None:
    """What the Content-Security-Policy would block: the pages must not need it."""
    from pathlib import Path

    import web

    pattern = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=|hx-on|javascript:", re.IGNORECASE)
    templates = Path(web.__file__).parent / "templates"
    found = [
        f"{path.relative_to(templates)}: {match.group(0)}"
        for path in templates.rglob("*.html")
        for match in pattern.finditer(path.read_text())
    ]
    assert not found
