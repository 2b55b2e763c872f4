"""The pages anyone can open meet WCAG 2.1 AA in a real browser: language, skip link, visible focus, axe."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.accessibility import check_accessibility, describe_violations
from tests.browser.browsing import focused, has_visible_focus


def test_the_landing_page_has_no_wcag_violations(page: Page) -> None:
    page.goto("/")
    violations = check_accessibility(page)
    assert not violations, describe_violations(violations)


def test_the_landing_page_is_in_norwegian_bokmal(page: Page) -> None:
    page.goto("/")
    assert page.get_attribute("html", "lang") == "nb"


def test_the_first_tab_reaches_a_visible_skip_link_with_a_focus_style(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    link = focused(page)
    assert link["tag"] == "a" and (link["href"] or "").startswith("#"), link
    target = page.locator(link["href"])
    assert target.count() == 1, f"the skip link's target {link['href']} is missing"
    assert link["onScreen"], f"the skip link stays off screen when focused: {link}"
    assert has_visible_focus(link), f"no visible focus style: {link}"


def test_the_landing_page_loads_nothing_from_other_sites(page: Page, base_url: str) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/", wait_until="networkidle")
    assert requested and all(url.startswith(f"{base_url}/") for url in requested), requested
