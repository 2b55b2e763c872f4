"""Every route, as every role, with odd values in every query, path and form field: never a 5xx, never a partial write.

The routes come from the app itself, so a new route is driven too (a new POST route must name its form fields in
FORMS, or this test fails). Each example counts the events of both tenants, the accounts and the kommuner before
and after: a refused write changes none of them, and nothing ever reaches the other tenant. Explicit regression
tests for each example of odd input from the issue follow.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient, TestClient

from domain.account import Account
from domain.common import Context
from services.office import Office
from services.platform import Platform
from tests import factories
from tests.private_database import (
    module_admin_database_url,  # noqa: F401 (a database of the module's own: the platform page lists every kommune in it)
    module_database_url,  # noqa: F401
)
from tests.web.conftest import PASSWORD
from tests.web.helpers import sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)
from web.app import create_app
from web.case_page import ACTIONS
from web.new_inquiry import CHECKED_AS_YOU_LEAVE, NewInquiryForm
from web.outreach import FIELDS as OUTREACH_FIELDS

ROLES = ("anonymous", "caseworker", "tenant_admin", "auditor", "platform_admin", "network")
FORMS = {  # the fields each POST route reads from its form, besides the CSRF token
    "/login": ("email", "password", "neste"),
    "/logout": (),
    "/{tenant:str}/henvendelser": ("status", "area", "case_type", "assignee", "year", "q", "sort", "page"),
    "/{tenant:str}/henvendelser/ny": tuple(NewInquiryForm.__dataclass_fields__),
    "/{tenant:str}/henvendelser/ny/sjekk/{name:str}": tuple(NewInquiryForm.__dataclass_fields__),
    "/{tenant:str}/henvendelser/{reference:str}/{action:str}": (
        "on",
        "expected_version",
        "assignee",
        "service_area",
        "further_areas",
        "case_types",
        "outside_mandate",
        "to_body",
        "reason",
        "participants",
        "to",
        "about",
        "outcome",
        "text",
    ),
    "/{tenant:str}/henvendelser/{reference:str}/slett": ("reason", "outcome"),
    "/{tenant:str}/henvendelser/{reference:str}/vedlegg": ("title", "file"),
    "/{tenant:str}/henvendelser/{reference:str}/brev/{file:str}/sendt": (),
    "/{tenant:str}/henvendelser/{reference:str}/innsyn/sendt": (),
    "/{tenant:str}/henvendelser/{reference:str}/tilbakehold": ("action", "reason"),
    "/{tenant:str}/admin/kassasjon/innstilling": ("years",),
    "/{tenant:str}/admin/kassasjon/kjor": ("reason", "antall"),
    "/{tenant:str}/utadrettet": (*OUTREACH_FIELDS, "year"),
    "/{tenant:str}/utadrettet/{activity:str}": OUTREACH_FIELDS,
    "/{tenant:str}/utadrettet/{activity:str}/slett": (),
    "/{tenant:str}/statistikk/levert": ("year", "taksonomi"),
    "/{tenant:str}/admin/brukere": ("email", "display_name", "role", "password", "password_repeat"),
    "/{tenant:str}/admin/brukere/{account_id:str}/rolle": ("role",),
    "/{tenant:str}/admin/brukere/{account_id:str}/navn": ("display_name",),
    "/{tenant:str}/admin/brukere/{account_id:str}/deaktiver": (),
    "/{tenant:str}/admin/brukere/{account_id:str}/aktiver": (),
    "/plattform/kontoer/{account_id:str}/deaktiver": (),
    "/plattform/kontoer/{account_id:str}/aktiver": (),
    "/{tenant:str}/admin/taksonomi": ("effective_from", "area-0-code", "area-0-name", "area-0-parent", "flytt-helse"),
    "/{tenant:str}/admin/deling": ("deler",),
    "/{tenant:str}/admin/nasjonale-grupper": ("versjon", "gruppe.helse", "gruppe.nav", "gruppe.annet"),
    "/{tenant:str}/henvendelser/{reference:str}/brev/forelopig-svar": (),
    "/{tenant:str}/admin/brev": (
        "office_name",
        "address",
        "phone",
        "email",
        "signature_name",
        "signature_title",
        "text_receipt",
        "text_interim_reply",
        "text_closing",
    ),
    "/{tenant:str}/kontakt": (
        "summary",
        "service_area",
        "requester_role",
        "requester_name",
        "contact",
        "nettside",
        "vedlegg",
    ),
    "/{tenant:str}/admin/personvern": ("privacy_statement",),
    "/{tenant:str}/admin/arkiv": ("fra", "til"),
    "/plattform": ("slug", "name", "population", "template"),
    "/plattform/invitasjon": ("tenant", "email", "display_name"),
    "/invitasjon/{token:str}": ("password", "repeated"),
}
ODD = [
    "",
    " ",
    "²",
    "٣",
    "１２",
    "\x00",
    "2024\x00",
    "a\x1b[31mb",
    "\U0010ffff",
    "\ufeff",
    "9" * 30,
    "1" + "0" * 26,
    "1" + "0" * 20,
    "-1",
    "0",
    "2147483648",
    "1e3",
    "0x10",
    "2024-02-30",
    "31.12.9999",
    "0000-01-01",
    "x" * 20_000,
    '=HYPERLINK("http://eksempel.invalid","klikk")',
    "+2+3",
    "@SUM(1)",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "linje\nlinje",
    "Hjalmar \u202eneslav\u202c",  # a right-to-left override: shows another name than is stored
    "\u2066=1+1\u2069",
]
PLAUSIBLE = [
    "2024-03-01",
    "01.03.2024",
    "12",
    "1",
    "talk",
    "caseworker",
    "auditor",
    "kommune",
    "phone",
    "user",
    "Helse",
    "no_reply",
    "assisted",
    "upheld",
    "county_governor",
    "ombud",
    "ja",
    "Et kort sammendrag.",
    "2024",
]


@dataclass
class World:
    """Two tenants with an inquiry each, a session per role, and the values a path may name."""

    app: Litestar
    client: TestClient[Litestar]
    database_url: str
    office: Office
    other: Office
    sessions: dict[str, str]
    csrf: dict[str, str]  # each role's session's own token, and the anonymous one
    references: tuple[str, str]
    account_ids: tuple[str, str]
    activities: tuple[str, str]  # an outreach activity of each tenant

    def counts(self) -> tuple[int, ...]:
        with psycopg.connect(self.database_url) as conn:
            accounts = conn.execute("SELECT count(*) FROM platform.accounts").fetchone()[0]
            tenants = conn.execute("SELECT count(*) FROM platform.tenants").fetchone()[0]
        return _events(self.office), _events(self.other), accounts, tenants

    def request(self, role: str, method: str, path: str, query: dict[str, Any], form: dict[str, Any]) -> int:
        self.client.cookies.clear()
        self.client.cookies.set("ombud_csrf", self.csrf[role])
        if role != "anonymous":
            self.client.cookies.set("ombud_sesjon", self.sessions[role])
        if method == "GET":
            response = self.client.get(path, params=query, follow_redirects=False)
        else:
            form = {**form, "_csrf_token": self.csrf[role]}
            response = self.client.post(path, params=query, data=form, follow_redirects=False)
        return response.status_code


def _events(office: Office) -> int:
    return office.app.recorder.max_notification_id() or 0


@pytest.fixture
def world(
    platform: Platform,
    database_url: str,
    redis_url: str,
    office: Office,
    other_office: Office,
    make_account: Callable[[str, str | None], Account],
    caseworker: Context,
) -> Iterator[World]:
    store = redis.Redis.from_url(redis_url)
    for key in [*store.scan_iter("ombud:innlogging:*"), *store.scan_iter("ombud:kontakt:*")]:
        store.delete(key)
    references = tuple(
        factories.receive(each, caseworker, received_on=date(2024, 3, 1), summary="Gjelder hjemmetjenester.").reference
        for each in (office, other_office)
    )
    activities = tuple(
        str(
            each.register_outreach(caseworker, held_on=date(2024, 3, 1), kind="talk", title="Foredrag", audience="Alle")
        )
        for each in (office, other_office)
    )
    victim, stranger = make_account("caseworker", office.slug), make_account("caseworker", other_office.slug)
    accounts = {
        role: make_account(role, None if role in ("platform_admin", "network") else office.slug)
        for role in ROLES
        if role != "anonymous"
    }
    app = create_app(platform, database_url, redis_url, secure_cookies=False)
    with TestClient(app=app) as client:
        client.get("/login")
        anonymous = client.cookies["ombud_csrf"]
        sessions, csrf = {}, {"anonymous": anonymous}  # a CSRF token is bound to its session (web/csrf.py)
        for role, account in accounts.items():
            client.cookies.clear()
            client.cookies.set("ombud_csrf", anonymous)
            data = {"email": account.email, "password": PASSWORD, "_csrf_token": anonymous}
            signed_in = client.post("/login", data=data, follow_redirects=False)
            assert signed_in.status_code == 303
            sessions[role], csrf[role] = signed_in.cookies["ombud_sesjon"], signed_in.cookies["ombud_csrf"]
        yield World(
            app,
            client,
            database_url,
            office,
            other_office,
            sessions,
            csrf,
            references,  # type: ignore[arg-type]
            (str(victim.id), str(stranger.id)),
            activities,  # type: ignore[arg-type]
        )
    for key in store.scan_iter("ombud:kontakt:*"):
        store.delete(key)
    store.close()


def _routes(app: Litestar) -> list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    """(method, path template, path parameters, query parameters) of every GET and POST handler."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            query = tuple(
                name
                for name, parameter in inspect.signature(handler.fn).parameters.items()
                if "FromQuery" in str(parameter.annotation)
            )
            for method in sorted(set(handler.http_methods) & {"GET", "POST"}):
                found.append((method, route.path, tuple(re.findall(r"{(\w+):", route.path)), query))
    return found


def _odd(extra: list[str] = []) -> st.SearchStrategy[str]:  # noqa: B006 - read only
    return st.one_of(
        st.sampled_from(ODD + extra),
        st.sampled_from(ODD[:10]),  # the Unicode digits and control characters, more often
        st.sampled_from(PLAUSIBLE + extra),
        st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
    )


def _relevant_roles(world: World, method: str, template: str, path_names: tuple[str, ...]) -> list[str]:
    """The roles the route serves (not «sign in», not 404), probed with the first known value of each path
    parameter and nothing else, which writes nothing; every role when none is served (as for /logout)."""
    if template == "/logout":
        return list(ROLES)
    path = template
    for name in path_names:
        known = _path_values(world, name, known_only=True)
        path = re.sub(r"{" + name + r":\w+}", quote(known[0] if known else "-", safe=""), path)
    served = [role for role in ROLES if world.request(role, method, path, {}, {}) not in (303, 403, 404)]
    return served or list(ROLES)


def _path_values(world: World, name: str, *, known_only: bool = False) -> Any:
    """Values for a path parameter: mostly the test's own, sometimes the other tenant's, sometimes odd."""
    own, other = world.office.slug, world.other.slug
    known = {
        "tenant": [own, own, own, other],
        "reference": [*world.references, world.references[0]],
        "action": list(ACTIONS),
        "name": list(CHECKED_AS_YOU_LEAVE),
        "account_id": list(world.account_ids),
        "activity": [*world.activities, world.activities[0]],
        "file": [
            "arsrapport-2024.json",
            "arsrapport-2024.csv",
            "arsrapport-2024.xlsx",
            "arsrapport-0000.json",
            "kvittering.docx",
            "forelopig-svar.docx",
        ],
        "file_path": ["ombud.css", "vendor/htmx.min.js"],
        "sha256": ["0" * 64],
    }.get(name, [])
    if known_only:
        return known
    return st.one_of(st.sampled_from(known), st.sampled_from(known), _odd()) if known else _odd()


def test_every_post_route_names_its_form_fields(world: World) -> None:
    posted = {path for method, path, _, _ in _routes(world.app) if method == "POST"}
    assert posted == set(FORMS)


def test_no_route_answers_odd_input_with_a_server_error_or_a_partial_write(world: World) -> None:
    problems: list[str] = []
    for route in _routes(world.app):
        try:
            _driver(world, *route)()
        except AssertionError as failure:
            problems.append(str(failure).splitlines()[0])
    assert not problems, problems


DANGEROUS = ("²", "\x00", "1" + "0" * 26, "x" * 20_000)


def test_each_parameter_alone_with_each_dangerous_value_is_answered_without_a_server_error(world: World) -> None:
    """The sweep beside the search: every parameter of every route, one at a time, as a role the route serves."""
    problems = []
    for method, template, path_names, query_names in _routes(world.app):
        if template == "/logout":
            continue
        role = _relevant_roles(world, method, template, path_names)[0]
        known = {name: (_path_values(world, name, known_only=True) or ["-"])[0] for name in path_names}
        fields = FORMS.get(template, ()) if method == "POST" else ()
        for kind, name in (
            [("path", n) for n in path_names] + [("query", n) for n in query_names] + [("form", n) for n in fields]
        ):
            for value in DANGEROUS:
                values = {**known, name: value} if kind == "path" else known
                path = template
                for each, typed in values.items():
                    path = re.sub(r"{" + each + r":\w+}", quote(typed, safe=""), path)
                before = world.counts()
                status = world.request(
                    role,
                    method,
                    path,
                    {name: value} if kind == "query" else {},
                    {name: value} if kind == "form" else {},
                )
                if status >= 500 or (status >= 400 and world.counts() != before):
                    problems.append(f"{method} {template} as {role}, {kind} {name}={value[:12]!r}: {status}")
    assert not problems, problems


def _driver(
    world: World, method: str, template: str, path_names: tuple[str, ...], query_names: tuple[str, ...]
) -> Callable[[], None]:
    """A few odd requests to one route, shrunk to the smallest that fails."""
    fields = FORMS.get(template, ()) if method == "POST" else ()
    relevant = _relevant_roles(world, method, template, path_names)

    @settings(max_examples=5, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def drive(data: st.DataObject) -> None:
        role = data.draw(st.one_of(st.sampled_from(relevant), st.sampled_from(ROLES)), label="role")
        path = template
        for name in path_names:
            value = data.draw(_path_values(world, name), label=name)
            path = re.sub(r"{" + name + r":\w+}", quote(value, safe="") or "-", path)
        query = {name: data.draw(_odd(), label=name) for name in query_names if data.draw(st.booleans())}
        form: dict[str, Any] = {}
        for name in fields:
            if data.draw(st.integers(0, 3), label=f"{name}?"):
                form[name] = (
                    data.draw(st.lists(_odd(), max_size=3), label=name)
                    if name in ("further_areas", "case_types")
                    else data.draw(_odd([world.office.slug]), label=name)
                )
        before = world.counts()
        status = world.request(role, method, path, query, form)
        after = world.counts()
        assert status < 500, f"{method} {template} as {role}: {status}"
        if status >= 400:
            assert after == before, f"{method} {template} as {role}: refused ({status}) but wrote"
        if role != "anonymous":
            assert after[1] == before[1], f"{method} {template} as {role}: reached the other tenant"

    return drive


# The examples, one by one.

NOTICE = "i adressen kan ikke brukes"


@pytest.mark.parametrize(
    ("role", "page", "query"),
    [
        ("caseworker", "henvendelser", "year=²"),
        ("caseworker", "henvendelser", "page=²"),
        ("caseworker", "henvendelser", "assignee=%00"),
        ("auditor", "tilgangslogg", "page=²"),
        ("auditor", "tilgangslogg", "henvendelse=%00"),
        ("caseworker", "utadrettet", "year=²"),
        ("auditor", "statistikk", "year=²"),
    ],
)
async def test_an_odd_query_value_on_a_list_page_is_the_page_with_a_notice_and_400(
    client: AsyncTestClient, office: Office, sign_in_as, role: str, page: str, query: str
) -> None:
    await sign_in_as(role, office.slug)
    response = await client.get(f"/{office.slug}/{page}?{query}")
    assert response.status_code == 400
    assert '<html lang="nb"' in response.text and NOTICE in response.text


async def test_an_odd_year_on_the_network_page_is_the_page_with_a_notice_and_400(
    client: AsyncTestClient, sign_in_as
) -> None:
    await sign_in_as("network", None)
    response = await client.get("/nettverk?year=²")
    assert response.status_code == 400 and NOTICE in response.text


@pytest.mark.parametrize("file", ["arsrapport-0000.json", "arsrapport-²²²².json", "arsrapport-9999.csv"])
async def test_a_report_file_for_an_implausible_year_is_a_missing_page(
    client: AsyncTestClient, office: Office, sign_in_as, file: str
) -> None:
    await sign_in_as("auditor", office.slug)
    response = await client.get(f"/{office.slug}/statistikk/{file}")
    assert response.status_code == 404 and "Siden finnes ikke" in response.text


@pytest.mark.parametrize("participants", ["²", "1" + "0" * 20])
async def test_odd_participants_are_refused_at_the_field_and_nothing_is_written(
    client: AsyncTestClient, office: Office, other_office: Office, sign_in_as, participants: str
) -> None:
    await sign_in_as("caseworker", office.slug)
    before = _events(office), _events(other_office)
    form = {"held_on": "2024-03-01", "kind": "talk", "title": "Foredrag", "audience": "Eldrerådet"}
    response = await client.post(
        f"/{office.slug}/utadrettet",
        data={**form, "participants": participants, "_csrf_token": client.cookies["ombud_csrf"]},
    )
    assert response.status_code == 422 and "må være et helt tall" in response.text
    assert (_events(office), _events(other_office)) == before


@pytest.mark.parametrize("population", ["²", "1" + "0" * 26])
async def test_an_odd_population_is_refused_at_the_field_and_the_platform_page_stays_up(
    client: AsyncTestClient, platform: Platform, sign_in_as, new_slug, population: str
) -> None:
    await sign_in_as("platform_admin", None)
    slug = new_slug()
    response = await client.post(
        "/plattform",
        data={"slug": slug, "name": "Prøveby", "population": population, "template": "kommune"}
        | {"_csrf_token": client.cookies["ombud_csrf"]},
    )
    assert response.status_code == 422 and "må være et helt tall" in response.text
    assert slug not in {profile.slug for profile in platform.tenants()}
    assert (await client.get("/plattform")).status_code == 200
