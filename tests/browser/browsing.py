"""What the browser tests do again and again: wait for htmx to settle, and see where focus is and whether it shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, Response

FOCUSED = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    return {
        tag: element.tagName.toLowerCase(),
        id: element.id,
        name: element.getAttribute('name'),
        href: element.getAttribute('href'),
        text: element.textContent.trim().slice(0, 60),
        outlineStyle: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth),
        boxShadow: style.boxShadow,
        onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
            && box.top < window.innerHeight && box.left < window.innerWidth,
    };
}"""
POSITIVE_TABINDEX = (
    "() => [...document.querySelectorAll('[tabindex]')].filter(e => e.tabIndex > 0).map(e => e.outerHTML.slice(0, 80))"
)
SETTLED = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"


def focused(page: Page) -> dict[str, Any]:
    return page.evaluate(FOCUSED)


def has_visible_focus(element: dict[str, Any]) -> bool:
    outlined = element["outlineStyle"] != "none" and element["outlineWidth"] >= 2
    return element["onScreen"] and (outlined or element["boxShadow"] != "none")


def tab_to(page: Page, matches: Callable[[dict[str, Any]], bool], limit: int = 80) -> dict[str, Any]:
    """Presses Tab until the focused element matches; every stop on the way must show where focus is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        assert element["tag"] == "body" or has_visible_focus(element), f"no visible focus on {element}"
        if matches(element):
            return element
    raise AssertionError(f"not reached with {limit} presses of Tab")


def htmx_swap(page: Page, url_part: str, action: Callable[[], None]) -> Response:
    """Runs the action, waits for htmx's request whose URL contains url_part, and for the swap to settle."""
    with page.expect_response(
        lambda response: url_part in response.url and response.request.method in ("GET", "POST")
    ) as info:
        action()
    page.wait_for_function(SETTLED)
    return info.value
