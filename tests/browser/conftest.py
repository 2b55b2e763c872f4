"""Browser fixtures: the real app and its projection worker on loopback, a tenant with data, accounts, chromium."""

from __future__ import annotations

import inspect
import re
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from domain.account import Account
from domain.common import Context, today_in_norway
from infra.directory import PostgresAccountDirectory, PostgresTenantDirectory
from infra.eventstore import factory_maker, open_datastore
from infra.key_epochs import DirectoryEpochStore
from services.accounts import create_account
from services.case_commands import Assign
from services.office import Office
from services.platform import Platform
from tests import factories
from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, projecting, serving
from tests.helpers import PASSWORD, clear_rate_limits
from web.app import create_app

HERE = Path(__file__).parent
SUMMARY = "Testesen Testperson lurer på hvorfor søknaden ikke er besvart (fiktiv)"

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
    """Browser tests run last in one process, and together on one worker under xdist (tests/conftest.py
    `xdist_group`): until the last of them ends (their fixtures are package-scoped), the live app holds database
    connections and its projection worker follows every tenant of the database, which other tests would feel."""
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


@pytest.fixture(scope="package")
def live_platform(database_url: str, master_key: bytes, epoch_dir: Path) -> Iterator[Platform]:
    """The live app's platform, as a separate process would have it; the tests' data is made through it too."""
    datastore = open_datastore(database_url, pool_size=2, max_overflow=3)
    platform = Platform(
        PostgresTenantDirectory(datastore),
        master_key,
        factory_maker(datastore),
        epochs=DirectoryEpochStore(epoch_dir, master_key),
    )
    yield platform
    platform.close()
    datastore.close()  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def fresh_rate_limits(redis_url: str) -> None:
    """Every browser comes from 127.0.0.1: each test starts with its sign-in and contact-form counters at zero, so
    the walks' submissions (however many, in whatever order) never reach the per-address limits."""
    clear_rate_limits(redis_url)


@pytest.fixture(scope="package")
def base_url(live_platform: Platform, offices: Offices, database_url: str, redis_url: str) -> Iterator[str]:
    """The app as deployed, with the projection worker beside it so lists and statistics follow (after the tenants exist)."""
    with projecting(live_platform, database_url), serving(create_app(live_platform, database_url, redis_url)) as url:
        yield url


@pytest.fixture(scope="package")
def playwright_thread() -> Iterator[PlaywrightThread]:
    thread = PlaywrightThread()
    yield thread
    thread.close()


@pytest.fixture(scope="package")
def browser(playwright_thread: PlaywrightThread) -> Iterator[Browser]:
    """Debian's chromium, headless; Playwright's own browser downloads are never used."""
    playwright: Playwright = playwright_thread.run(lambda: sync_playwright().start())
    try:
        browser = playwright_thread.run(playwright.chromium.launch, executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        playwright_thread.run(browser.close)
    finally:
        playwright_thread.run(playwright.stop)


def _new_page(browser: Browser, base_url: str) -> Page:
    """A fresh context, in Norwegian, that may only reach the app: anything else is aborted."""
    context = browser.new_context(base_url=base_url, locale="nb-NO")
    context.route(re.compile(rf"^(?!{re.escape(base_url)}/)"), lambda route: route.abort("blockedbyclient"))
    return context.new_page()


@pytest.fixture
def page(browser: Browser, base_url: str, playwright_thread: PlaywrightThread) -> Iterator[Page]:
    """The test's own page, in a context of its own."""
    page = playwright_thread.run(_new_page, browser, base_url)
    yield page
    playwright_thread.run(page.context.close)


@pytest.fixture
def make_page(browser: Browser, base_url: str, playwright_thread: PlaywrightThread) -> Iterator[Callable[[], Page]]:
    """Further pages, each in a context of its own (a colleague's browser); call it in the Playwright thread."""
    pages: list[Page] = []

    def make() -> Page:
        pages.append(_new_page(browser, base_url))
        return pages[-1]

    yield make
    for made in pages:
        playwright_thread.run(made.context.close)


@dataclass(frozen=True)
class Offices:
    """The tenant the tests work in, with a few inquiries, and a second tenant that must never see them."""

    first: Office
    second: Office
    references: tuple[str, ...]


@pytest.fixture(scope="package")
def offices(live_platform: Platform) -> Offices:
    admin = Context("plattform-admin", "platform_admin", str(uuid.uuid4()))
    worker = Context("rådgiver-test", "caseworker", str(uuid.uuid4()))
    suffix = uuid.uuid4().hex[:8]
    first = live_platform.create_tenant(admin, slug=f"prove{suffix}", name="Prøveby kommune")
    second = live_platform.create_tenant(admin, slug=f"annen{suffix}", name="Annenby kommune")
    references = []
    for number, (area, case_type, channel) in enumerate(
        [
            ("Helse", "no_reply", "phone"),
            ("NAV", "service_quality", "email"),
            ("Helse", "lacking_information", "letter"),
        ]
    ):
        references.append(
            factories.receive(
                first,
                worker,
                received_on=date(2025, 3, 3 + number),
                channel=channel,
                service_area=area,
                case_types=[case_type],
                summary=SUMMARY,
                requester_name="Testesen Testperson",
            ).reference
        )
    first.handle(worker, Assign(inquiry=references[0], on=date(2025, 3, 4), assignee="Rådgiver Test"))
    first.register_outreach(
        worker,
        held_on=today_in_norway(),
        kind="talk",
        title="Om kommuneombudet",
        audience="Eldrerådet",
        participants=12,
    )
    factories.receive(
        second,
        worker,
        received_on=date(2025, 3, 3),
        case_types=["no_reply"],
        summary="Annen kommunes sak (fiktiv)",
        requester_name="Prøvesen Annen",
    )
    return Offices(first, second, tuple(references))


@pytest.fixture(scope="package")
def accounts(database_url: str, offices: Offices) -> Iterator[dict[str, Account]]:
    """One account per role in the first tenant, and a caseworker of the second (`other_caseworker`)."""
    datastore = open_datastore(database_url, pool_size=1, max_overflow=0)
    directory = PostgresAccountDirectory(datastore)

    def make(role: str, tenant: str | None) -> Account:
        email = f"test-{role.replace('_', '-')}-{uuid.uuid4().hex[:8]}@eksempel.invalid"
        return create_account(directory, email=email, role=role, tenant=tenant, password=PASSWORD)

    made = {role: make(role, offices.first.slug) for role in ("caseworker", "tenant_admin", "auditor")}
    made["network"] = make("network", None)
    made["platform_admin"] = make("platform_admin", None)
    made["other_caseworker"] = make("caseworker", offices.second.slug)
    yield made
    datastore.close()  # type: ignore[attr-defined]


def sign_in_through_the_form(page: Page, account: Account) -> None:
    """What a person does: open /login, type the address and password, press the button."""
    page.goto("/login")
    page.get_by_label("E-postadresse").fill(account.email)
    page.get_by_label("Passord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Logg inn").click()
    assert "/login" not in page.url, f"sign-in as {account.role} failed: {page.url}"


@pytest.fixture(scope="package")
def session_cookies() -> dict[str, list[Any]]:
    """Each role's cookies after its first sign-in through the form, so later tests skip the password hashing."""
    return {}


@pytest.fixture
def signed_in(page: Page, accounts: dict[str, Account], session_cookies: dict[str, list[Any]]) -> Callable[..., Page]:
    """`signed_in("caseworker")` signs the test's page in as that role; pass `page=` for another context.

    The first time per role it is done through the real /login form; after that the context gets that session's
    cookies (sessions live in Redis, so this is the same signed-in session, not a shortcut around sign-in).
    """

    def sign_in(role: str, page: Page = page) -> Page:
        if role in session_cookies:
            page.context.add_cookies(session_cookies[role])
        else:
            sign_in_through_the_form(page, accounts[role])
            session_cookies[role] = page.context.cookies()
        return page

    return sign_in


@pytest.fixture
def caseworker_opens(page: Page, signed_in: Callable[..., Page], offices: Offices) -> Callable[[str], Page]:
    """`caseworker_opens("/henvendelser/ny")` signs the test's page in as a caseworker and opens that page of the
    first office."""

    def open_page(path: str) -> Page:
        signed_in("caseworker")
        page.goto(f"/{offices.first.slug}{path}")
        return page

    return open_page
