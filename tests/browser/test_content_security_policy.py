"""The pages work under the strict Content-Security-Policy, htmx included, and the browser reports no violation."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import ConsoleMessage, Page

from tests.browser.browsing import htmx_swap
from tests.browser.conftest import Offices, PlaywrightThread

# Runs before any page script (as the devtools protocol adds it, the policy does not bind it): every violation
# the browser reports to the page is kept where the test can read it.
LISTEN = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
    window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""
VIOLATIONS = "() => window.cspViolations || []"
NOT_RELOADED = "() => window.stillTheSamePage === true"


class Watched:
    """A page whose console and violation events are collected across navigations."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        self.reported: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))
        page.context.add_init_script(LISTEN)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.console.append(f"{message.type}: {message.text}")

    def goto(self, path: str) -> None:
        self.collect()
        response = self.page.goto(path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        assert "script-src 'self'" in response.headers["content-security-policy"], path

    def collect(self) -> None:
        """Violations reported in the current document (a navigation starts a new list)."""
        self.reported.extend(self.page.evaluate(VIOLATIONS))

    def problems(self) -> list[str]:
        self.collect()
        policy = [line for line in self.console if "Content Security Policy" in line or "Content-Security" in line]
        return self.reported + policy + [line for line in self.console if line.startswith("pageerror")]


@pytest.fixture
def watched(page: Page, playwright_thread: PlaywrightThread) -> Iterator[Watched]:
    yield playwright_thread.run(Watched, page)


def test_pages_live_search_and_an_action_form_work_with_no_policy_violation(
    watched: Watched, signed_in: Callable[..., Page], offices: Offices
) -> None:
    page, slug = watched.page, offices.first.slug
    watched.goto("/")
    watched.goto("/login")
    watched.goto(f"/{slug}/kontakt")
    assert page.locator(".honeypot").is_hidden()  # hidden by the stylesheet, not a style attribute

    signed_in("caseworker")
    watched.goto(f"/{slug}/henvendelser")
    assert page.evaluate("() => typeof htmx === 'object'"), "htmx did not load"
    page.evaluate("() => { window.stillTheSamePage = true; }")
    reference = offices.references[2]
    htmx_swap(page, "/henvendelser", lambda: page.get_by_label("Søk på referanse").fill(reference))
    assert page.locator("#resultater a", has_text=reference).count() == 1
    assert page.locator("#resultater a", has_text=offices.references[1]).count() == 0
    assert page.evaluate(NOT_RELOADED), "the live search reloaded the page instead of swapping the results"
    assert page.evaluate("() => !document.querySelector('style')"), "an inline <style> was injected"

    watched.goto(f"/{slug}/henvendelser/{reference}")
    page.evaluate("() => { window.stillTheSamePage = true; }")
    page.locator("summary", has_text="Legg til notat").click()
    page.get_by_label("Notat").fill("Notat skrevet under CSP-testen (fiktivt)")
    response = htmx_swap(page, "/notat", lambda: page.locator("details[open] button[type=submit]").click())
    assert response.status == 200
    assert page.locator(".timeline li").first.locator("strong").inner_text() == "Notat"
    assert page.evaluate(NOT_RELOADED), "the action form reloaded the page instead of swapping the case"

    watched.goto(f"/{slug}/statistikk?year=2025")
    assert page.locator("svg.bar rect").count() > 0
    assert page.locator("svg.bar").first.bounding_box()["width"] > 100  # sized by the stylesheet
    watched.goto(f"/{slug}/oversikt")
    watched.goto(f"/{slug}/utadrettet")

    assert not watched.problems()


def test_the_browser_refuses_an_inline_script_on_our_pages(watched: Watched) -> None:
    """The policy is live, not merely sent: a script injected into the page as an attacker would is blocked."""
    page = watched.page
    watched.goto("/login")
    page.evaluate(
        """() => {
        window.injected = false;
        const script = document.createElement('script');
        script.textContent = 'window.injected = true;';
        document.body.appendChild(script);
        const div = document.createElement('div');
        div.innerHTML = '<img src="x" onerror="window.injected = true">';
        document.body.appendChild(div);
    }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.injected") is False
    assert any("script-src" in line for line in watched.problems())
