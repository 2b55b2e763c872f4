"""Issue 21's layout points in a real browser: the inquiry page under the policy and at 320 px, a 404 with its menu."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from playwright.sync_api import Page

from domain.common import Context
from domain.taxonomy import STANDARD_CASE_TYPES
from infra.directory import PostgresAccountDirectory
from infra.eventstore import open_datastore
from services.accounts import create_account
from services.case_commands import Recategorise
from services.platform import Platform
from tests import factories
from tests.browser.conftest import Offices, sign_in_through_the_form
from tests.browser.test_content_security_policy import Watched
from tests.helpers import PASSWORD

NARROW, HEIGHT = 320, 800
WORKER = Context("rådgiver-test", "caseworker", str(uuid.uuid4()))


def every_case_type(offices: Offices) -> str:
    """An inquiry with every case type, recategorised once: the timeline's longest lines."""
    office = offices.first
    codes = tuple(case_type.code for case_type in STANDARD_CASE_TYPES)
    reference = factories.case(office, WORKER, received_on=date(2025, 4, 1), case_types=codes[:3])
    office.handle(
        WORKER,
        Recategorise(inquiry=reference, on=date(2025, 4, 2), service_area="helse", case_types=codes),
    )
    return reference


def test_the_inquiry_page_and_its_actions_report_no_inline_style_or_other_policy_violation(
    page: Page, signed_in: Callable[..., Page], offices: Offices
) -> None:
    reference = every_case_type(offices)
    watched = Watched(page)
    signed_in("caseworker")
    watched.goto(f"/{offices.first.slug}/henvendelser/{reference}")
    assert page.evaluate("() => typeof htmx === 'object'"), "htmx did not load"
    for summary in page.locator(".action summary").all():
        summary.click()  # every action form opened: what htmx and the page do on the way
    page.wait_for_timeout(300)
    problems = watched.problems()
    assert not [line for line in problems if "inline style" in line.lower() or "style-src" in line], problems
    assert not problems


def test_the_inquiry_page_with_every_case_type_fits_320_pixels(
    page: Page, signed_in: Callable[..., Page], offices: Offices
) -> None:
    reference = every_case_type(offices)
    page.set_viewport_size({"width": NARROW, "height": HEIGHT})
    signed_in("caseworker")
    page.goto(f"/{offices.first.slug}/henvendelser/{reference}")
    assert page.locator(".timeline").count() == 1
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= NARROW, f"the inquiry page is {width} px wide"


def test_a_missing_page_keeps_the_menu_and_sign_out_for_someone_signed_in(
    page: Page, signed_in: Callable[..., Page], offices: Offices
) -> None:
    signed_in("caseworker")
    for path in ("/finnes-ikke", f"/{offices.first.slug}/henvendelser/1999-9999"):
        response = page.goto(path)
        assert response is not None and response.status == 404
        assert page.get_by_role("heading", name="Siden finnes ikke").is_visible()
        assert page.locator(".site-header nav a", has_text="Henvendelser").count() == 1
        assert page.get_by_role("button", name="Logg ut").count() == 1


def test_the_favicon_is_linked_and_served(page: Page) -> None:
    page.goto("/login")
    href = page.locator("link[rel=icon]").get_attribute("href")
    assert href == "/static/favicon.svg"
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"].startswith("image/svg+xml")


def test_at_1280_pixels_the_trend_table_shows_every_year_without_scrolling(
    page: Page, live_platform: Platform, database_url: str
) -> None:
    """In an office of its own: a decade of years would change what other tests count in the shared offices."""
    suffix = uuid.uuid4().hex[:8]
    office = live_platform.create_tenant(
        Context("plattform-admin", "platform_admin", str(uuid.uuid4())), slug=f"trend{suffix}", name="Trendby kommune"
    )
    for year in range(2016, 2026):  # a column a year, the current one last
        factories.case(office, WORKER, received_on=date(year, 5, 2))
    datastore = open_datastore(database_url, pool_size=1, max_overflow=0)
    try:
        account = create_account(
            PostgresAccountDirectory(datastore),
            email=f"trend-{suffix}@eksempel.invalid",
            role="caseworker",
            tenant=office.slug,
            password=PASSWORD,
        )
    finally:
        datastore.close()  # type: ignore[attr-defined]
    page.set_viewport_size({"width": 1280, "height": HEIGHT})
    sign_in_through_the_form(page, account)
    page.goto(f"/{office.slug}/statistikk?year=2025")
    region = page.locator(".table-scroll:has(#utvikling-tabell)")
    assert region.count() == 1, "the page shows no trend table"
    sizes = region.evaluate("element => [element.scrollWidth, element.clientWidth]")
    assert sizes[0] <= sizes[1], f"the trend table is {sizes[0]} px wide in a region of {sizes[1]} px"


def test_at_1280_pixels_the_users_table_shows_each_role_choice_whole(
    page: Page, signed_in: Callable[..., Page], offices: Offices
) -> None:
    """The administrator's users table squeezed its role selects: each must be wide enough for the role it shows (the
    table scrolls in its region instead, as every wide table does)."""
    page.set_viewport_size({"width": 1280, "height": HEIGHT})
    signed_in("tenant_admin")
    page.goto(f"/{offices.first.slug}/admin")
    widths = page.evaluate(
        """() => [...document.querySelectorAll('#brukere select')].map(select => {
            const measure = document.createElement('canvas').getContext('2d');
            measure.font = getComputedStyle(select).font;
            return [select.id, measure.measureText(select.options[select.selectedIndex].text).width, select.clientWidth];
        })"""
    )
    assert widths, "the users table shows no role choice"
    squeezed = [(name, round(text), box) for name, text, box in widths if text > box]
    assert squeezed == [], f"role choices narrower than their text (id, text px, box px): {squeezed}"


def test_at_1280_pixels_the_networks_first_table_cuts_no_name(page: Page, signed_in: Callable[..., Page]) -> None:
    """«Plan og by…»: no cell of the network's first table may hide part of its text."""
    page.set_viewport_size({"width": 1280, "height": HEIGHT})
    signed_in("network")
    response = page.goto("/nettverk")
    assert response is not None and response.status == 200
    first = page.locator("table.data").first
    cut = first.evaluate(
        """table => [...table.querySelectorAll('th, td')]
            .filter(cell => cell.scrollWidth > cell.clientWidth + 1)
            .map(cell => cell.textContent.trim())"""
    )
    assert first.locator("tbody tr").count() > 0 and cut == [], f"cells cut at 1280 px: {cut}"
