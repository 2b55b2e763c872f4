"""The statistics page's choice of taxonomy version, in a browser: htmx swaps the report and the address follows."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page

from tests.browser.browsing import htmx_swap

CHOICE = "Taksonomi (inndeling i tjenesteområder)"


def test_choosing_a_taxonomy_version_swaps_the_report_in_place_and_the_address_and_downloads_follow(
    page: Page, caseworker_opens: Callable[[str], Page]
) -> None:
    caseworker_opens("/statistikk?year=2025")
    page.evaluate("() => { window.stillTheSamePage = true; }")

    response = htmx_swap(page, "/statistikk", lambda: page.get_by_label(CHOICE).select_option("1"))

    assert response.status == 200
    assert page.evaluate("() => window.stillTheSamePage === true"), "the choice reloaded the page"
    assert "taksonomi=1" in page.url and "year=2025" in page.url
    primary = page.locator("table", has=page.locator("caption", has_text="(primært område)"))
    assert "taksonomi versjon 1 (omregnet)" in primary.locator("caption").inner_text()
    assert (
        page.get_by_role("link", name="Regneark (Excel)")
        .get_attribute("href")
        .endswith("/arsrapport-2025.xlsx?taksonomi=1")
    )
    assert page.get_by_label(CHOICE).input_value() == "1"
