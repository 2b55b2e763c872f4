"""The pages anyone can open meet WCAG 2.1 AA in a real browser: language, skip link, visible focus, axe."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.accessibility import check_accessibility, describe_violations

FOCUSED = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    return {
        tag: element.tagName.toLowerCase(),
        href: element.getAttribute('href'),
        text: element.textContent.trim(),
        outlineStyle: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth),
        boxShadow: style.boxShadow,
        onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
            && box.top < window.innerHeight && box.left < window.innerWidth,
    };
}"""


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
    focused = page.evaluate(FOCUSED)
    assert focused["tag"] == "a" and (focused["href"] or "").startswith("#"), focused
    target = page.locator(focused["href"])
    assert target.count() == 1, f"the skip link's target {focused['href']} is missing"
    assert focused["onScreen"], f"the skip link stays off screen when focused: {focused}"
    has_outline = focused["outlineStyle"] != "none" and focused["outlineWidth"] >= 2
    assert has_outline or focused["boxShadow"] != "none", f"no visible focus style: {focused}"


def test_the_landing_page_loads_nothing_from_other_sites(page: Page, base_url: str) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/", wait_until="networkidle")
    assert requested and all(url.startswith(f"{base_url}/") for url in requested), requested
