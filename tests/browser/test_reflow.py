"""Every page reflows to 320 CSS px without scrolling sideways (WCAG 2.1 1.4.10), and the header keeps one row at 1280."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Offices
from tests.browser.test_accessibility import reach_state_fixture  # noqa: F401 (the fixture `reach_state`)

NARROW, WIDE, HEIGHT = 320, 1280, 800
FIRST_OFFICE, SECOND_OFFICE = "Prøveby kommune", "Annenby kommune"  # the offices tests/browser/conftest.py makes

# Elements that stick out of the viewport sideways, unless a scroll container of their own holds them (a wide table
# scrolls inside its region; the page does not). A scroll container clips an absolutely placed element (the
# visually-hidden texts) only when the element is placed relative to it or to something inside it.
STICKING_OUT = """() => {
    const width = document.documentElement.clientWidth;
    const contained = (element) => {
        const placed = ['absolute', 'fixed'].includes(getComputedStyle(element).position);
        for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
            const overflow = getComputedStyle(parent).overflowX;
            const scrolls = overflow === 'auto' || overflow === 'scroll';
            if (scrolls && (!placed || (element.offsetParent && parent.contains(element.offsetParent)))) return true;
        }
        return false;
    };
    return [...document.body.querySelectorAll('*')]
        .filter(element => {
            const box = element.getBoundingClientRect();
            return box.width > 0 && box.height > 0 && (box.right > width + 0.5 || box.left < -0.5) && !contained(element);
        })
        .map(element => element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
            + (element.className && typeof element.className === 'string' ? '.' + element.className.trim().split(/\\s+/).join('.') : '')
            + ` (${Math.round(element.getBoundingClientRect().left)}–${Math.round(element.getBoundingClientRect().right)} px)`)
        .slice(0, 8);
}"""
# Every scroll container is a named region that takes focus, so a keyboard user can scroll it too.
UNNAMED_SCROLLERS = """() => [...document.querySelectorAll('main *')]
    .filter(element => ['auto', 'scroll'].includes(getComputedStyle(element).overflowX)
        && element.scrollWidth > element.clientWidth + 1)
    .filter(element => !(element.getAttribute('role') === 'region' && element.getAttribute('aria-label')
        && element.tabIndex === 0))
    .map(element => element.outerHTML.slice(0, 80))"""
# The header's parts (the name, each menu link, the sign-out block), each as the vertical band it takes up.
HEADER_BANDS = """() => [...document.querySelectorAll(
        '.site-name, .site-header nav a, .site-header summary, .sign-out')]
    .map(element => element.getBoundingClientRect())
    .filter(box => box.width > 0 && box.height > 0)
    .map(box => [box.top, box.bottom])"""


def _page_width(page: Page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_the_page_fits_320_css_pixels_without_scrolling_sideways(
    page: Page, reach_state: Callable[[], str | None]
) -> None:
    page.set_viewport_size({"width": NARROW, "height": HEIGHT})
    role = reach_state()
    assert _page_width(page) <= NARROW, f"the page is {_page_width(page)} px wide: {page.evaluate(STICKING_OUT)}"
    assert page.evaluate(STICKING_OUT) == []
    assert page.evaluate(UNNAMED_SCROLLERS) == [], "a scroll container without role=region, a name and tabindex=0"
    menu = page.locator(".site-header details.site-menu")
    if role:
        # The menu is folded away behind one button; opened, every link fits the width too.
        links = menu.locator("nav a")
        assert links.count() >= 1 and not links.first.is_visible(), "the menu is not folded on a narrow screen"
        menu.locator("summary").click()
        assert links.first.is_visible() and links.last.is_visible()
        assert _page_width(page) <= NARROW and page.evaluate(STICKING_OUT) == []


def test_at_1280_pixels_the_header_is_one_row_with_the_menu_open_and_the_office_named(
    page: Page, reach_state: Callable[[], str | None]
) -> None:
    page.set_viewport_size({"width": WIDE, "height": HEIGHT})
    role = reach_state()
    bands = page.evaluate(HEADER_BANDS)
    assert bands, "the header shows nothing"
    top, bottom = max(band[0] for band in bands), min(band[1] for band in bands)
    assert top < bottom, f"the header wraps: its parts lie in bands {bands}"
    header = page.locator(".site-header").bounding_box()
    tallest = max(band[1] - band[0] for band in bands)
    padding = page.evaluate(
        "() => { const s = getComputedStyle(document.querySelector('.site-header'));"
        " return parseFloat(s.paddingTop) + parseFloat(s.paddingBottom) + parseFloat(s.borderBottomWidth); }"
    )
    assert header is not None and header["height"] <= tallest + padding + 1, f"header {header}, row {tallest}"
    assert _page_width(page) <= WIDE
    if role:
        assert page.locator(".site-header nav a").first.is_visible(), "the menu is folded at 1280 px"
    header_text = page.locator(".site-header").inner_text()
    if role in ("caseworker", "tenant_admin", "auditor") or "/kontakt" in page.url:
        assert FIRST_OFFICE in header_text, f"the header does not name the office: {header_text!r}"
    assert SECOND_OFFICE not in header_text  # another office's name never shows


@pytest.mark.parametrize(
    ("role", "path", "current"),
    [
        ("caseworker", "/oversikt", "Oversikt"),
        ("caseworker", "/henvendelser", "Henvendelser"),
        ("caseworker", "/henvendelser/ny", "Ny henvendelse"),
        ("tenant_admin", "/admin", "Administrasjon"),
    ],
)
def test_the_menu_marks_the_current_page(
    page: Page, signed_in: Callable[..., Page], offices: Offices, role: str, path: str, current: str
) -> None:
    signed_in(role)
    page.goto(f"/{offices.first.slug}{path}")
    marked = page.locator(".site-header nav [aria-current=page]")
    assert marked.count() == 1 and marked.inner_text() == current
