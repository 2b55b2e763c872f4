"""The new-inquiry form in a real browser: a field is checked as you leave it, and a failed submit focuses the summary."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page

from tests.browser.browsing import focused, htmx_swap


def test_leaving_a_field_shows_its_message_at_the_field_and_a_good_value_clears_it(
    page: Page, caseworker_opens: Callable[[str], Page]
) -> None:
    caseworker_opens("/henvendelser/ny")
    channel = page.get_by_label("Kanal", exact=True)

    channel.focus()
    htmx_swap(page, "/henvendelser/ny/sjekk/channel", lambda: page.keyboard.press("ArrowDown"))
    assert page.locator("#ny-channel-feil").count() == 0
    htmx_swap(page, "/henvendelser/ny/sjekk/channel", lambda: page.keyboard.press("ArrowUp"))
    assert page.locator("#ny-channel-feil").inner_text() == "Velg kanal"
    assert channel.get_attribute("aria-invalid") == "true"
    assert "ny-channel-feil" in (channel.get_attribute("aria-describedby") or "")
    assert focused(page)["id"] == "ny-channel"  # the swap keeps you where you were

    htmx_swap(page, "/henvendelser/ny/sjekk/channel", lambda: channel.select_option(index=2))
    assert page.locator("#ny-channel-feil").count() == 0
    assert channel.get_attribute("aria-invalid") is None


def test_a_failed_submit_lands_on_the_error_summary_whose_links_lead_to_the_fields(
    page: Page, caseworker_opens: Callable[[str], Page]
) -> None:
    caseworker_opens("/henvendelser/ny")
    page.get_by_label("Mottatt dato").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Registrer henvendelse").click()

    assert focused(page)["id"] == "feil"
    summary = page.locator("#feil")
    assert summary.get_by_role("link", name="Velg tjenesteområde").count() == 1
    summary.get_by_role("link", name="Velg kanal").click()
    assert focused(page)["id"] == "ny-channel"
