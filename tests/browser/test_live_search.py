"""The inquiry list's live search asks the server once a person pauses, not at every keystroke."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, Request

from tests.browser.browsing import SETTLED
from tests.browser.conftest import Offices


def test_a_name_typed_letter_by_letter_is_searched_once_when_the_typing_pauses(
    signed_in: Callable[..., Page], offices: Offices
) -> None:
    caseworker = signed_in("caseworker")
    slug = offices.first.slug
    caseworker.goto(f"/{slug}/henvendelser")
    searches: list[str] = []

    def count(request: Request) -> None:
        if request.method == "POST" and request.url.endswith(f"/{slug}/henvendelser"):
            searches.append(request.url)

    caseworker.on("request", count)
    with caseworker.expect_response(lambda response: response.request.method == "POST"):
        caseworker.get_by_label("Søk på referanse").press_sequentially("Testesen", delay=40)
    caseworker.wait_for_function(SETTLED)
    assert len(searches) == 1, searches  # eight keystrokes, one search (hx-trigger «delay:600ms»)
    assert "Testesen" not in caseworker.url
