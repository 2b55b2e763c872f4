"""A new office's intake, as people meet it in a browser: the citizen's form and receipt, the privacy statement, and
the caseworker's list of new inquiries nobody has yet."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from playwright.sync_api import Page

from tests.browser.conftest import Offices

PROJECTION_SECONDS = 20.0
OWN_STATEMENT = "Ombudet i Prøveby lagrer bare det du skriver til oss.\n\nSpørsmål? Ring oss."


def unassigned_count(page: Page, slug: str) -> int:
    page.goto(f"/{slug}/oversikt")
    heading = page.locator("h2#ufordelt").inner_text()
    found = re.search(r"\((\d+)\)", heading)
    assert found, heading
    return int(found.group(1))


def test_a_citizen_says_who_is_writing_gets_the_receipt_that_fits_and_the_caseworker_sees_it_as_new(
    page: Page, make_page: Callable[[], Page], signed_in: Callable[..., Page], offices: Offices
) -> None:
    slug = offices.first.slug
    caseworker = signed_in("caseworker", page=make_page())
    before = unassigned_count(caseworker, slug)

    page.goto(f"/{slug}/kontakt")
    page.get_by_label("Hva gjelder henvendelsen?").fill("Pårørende til Testesen Testperson venter på svar (fiktiv).")
    page.get_by_label("Hvem skriver? (valgfritt)").select_option(label="Pårørende")
    with page.expect_navigation():
        page.get_by_role("button", name="Send henvendelsen").click()
    assert page.locator(".receipt-code").count() == 1
    assert page.locator("#uten-kontakt").inner_text().startswith("Du oppga ingen kontaktinformasjon")
    assert page.locator("#svar-til-deg").count() == 0
    with page.expect_navigation():
        page.get_by_role("link", name="Slik behandler vi personopplysningene dine (personvernerklæring)").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Personvernerklæring for ombudet i Prøveby kommune"

    deadline = time.monotonic() + PROJECTION_SECONDS
    while unassigned_count(caseworker, slug) != before + 1:
        assert time.monotonic() < deadline, "the new inquiry did not reach «Nye, ikke fordelt»"
        time.sleep(0.3)
    with caseworker.expect_navigation():
        caseworker.get_by_role("link", name="Se alle som ikke er fordelt i listen").click()
    assert caseworker.get_by_label("Saksbehandler", exact=True).input_value() == "ingen"
    newest = caseworker.locator("#resultater th a").last
    with caseworker.expect_navigation():
        newest.click()
    said = caseworker.locator("dt", has_text="Henvendt av").locator("xpath=following-sibling::dd[1]").inner_text()
    assert said == "Pårørende"


def test_the_administrator_writes_the_privacy_statement_the_citizens_then_read(
    page: Page, make_page: Callable[[], Page], signed_in: Callable[..., Page], offices: Offices
) -> None:
    slug = offices.first.slug
    signed_in("tenant_admin")
    page.goto(f"/{slug}/admin")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("^Personvernerklæring")).click()
    page.get_by_label("Kontorets personvernerklæring (valgfritt)").fill(OWN_STATEMENT)
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre personvernerklæringen").click()
    assert page.locator("[role=status]").inner_text() == "Personvernerklæringen er lagret."

    citizen = make_page()
    citizen.goto(f"/{slug}/personvern")
    paragraphs = citizen.locator(".privacy-statement p").all_inner_texts()
    assert paragraphs == ["Ombudet i Prøveby lagrer bare det du skriver til oss.", "Spørsmål? Ring oss."]
    citizen.goto(f"/{offices.second.slug}/personvern")
    assert "Ombudet i Prøveby lagrer" not in citizen.content()
