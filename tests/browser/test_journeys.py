"""What people do with the platform, done as they do it in a browser: register, follow up, count, and be kept apart."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from docx import Document
from playwright.sync_api import Locator, Page

from domain.common import Context, today_in_norway
from domain.deadlines import expected_answer_on
from services.letter_documents import long_date
from tests import factories
from tests.browser.browsing import htmx_swap
from tests.browser.conftest import Offices

PROJECTION_SECONDS = 20.0
AREA_TABLE = "Henvendelser etter tjenesteområde (primært område)"
SUMMARY = "Testesen Testperson får ikke svar fra hjemmetjenesten (fiktiv sak fra nettlesertestene)"
NOT_RELOADED = "() => window.stillTheSamePage === true"


def statistics(page: Page, slug: str, year: int) -> tuple[int, int]:
    """The year's received count and the Helse row of the primary-area table, as the statistics page shows them."""
    page.goto(f"/{slug}/statistikk?year={year}")
    chosen = page.get_by_label("År", exact=True)
    if chosen.count() == 0 or chosen.input_value() != str(year):
        return 0, 0  # no inquiry received that year yet
    total = page.locator(".figures li", has_text="Henvendelser mottatt").locator("strong").inner_text()
    table = page.locator("table", has=page.locator("caption", has_text=AREA_TABLE))
    row = table.locator("tbody tr", has=page.locator("th", has_text="Helse"))
    return int(total), int(row.locator("td.number").first.inner_text()) if row.count() else 0  # then its share


def until(condition: Callable[[], bool], what: str) -> None:
    """The projection worker runs beside the app: give it a moment, as a person reloading would."""
    deadline = time.monotonic() + PROJECTION_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"not within {PROJECTION_SECONDS:.0f} s: {what}"
        time.sleep(0.3)


def act(page: Page, action: str, fields: Callable[[Locator], object], event: str) -> None:
    """Opens the action's form, fills it, sends it with htmx and sees the step at the top of the timeline."""
    page.locator("summary", has_text=action).click()
    form = page.locator("details[open] form")
    fields(form)
    response = htmx_swap(page, "/henvendelser/", lambda: form.locator("button[type=submit]").click())
    assert response.status == 200, f"{action}: {response.status}"
    assert page.locator(".timeline li").first.locator("strong").inner_text() == event
    assert page.evaluate(NOT_RELOADED), f"{action} reloaded the page instead of swapping the case"


def first_option(label: str) -> Callable[[Page | Locator], None]:
    def choose(form: Page | Locator) -> None:
        select = form.get_by_label(label, exact=True)
        select.select_option(select.evaluate("s => [...s.options].map(o => o.value).find(v => v)"))

    return choose


def test_a_caseworker_registers_an_inquiry_follows_it_to_the_end_and_sees_it_counted(
    page: Page, signed_in: Callable[..., Page], offices: Offices
) -> None:
    slug = offices.first.slug
    signed_in("caseworker")
    before = statistics(page, slug, 2025)

    page.goto(f"/{slug}/henvendelser/ny")
    page.get_by_label("Mottatt dato").fill("2025-06-02")
    if today_in_norway() - timedelta(days=365) > date(2025, 6, 2):  # over a year back: asked once
        page.get_by_label("Ja, datoen er riktig").check()
    first_option("Kanal")(page)
    first_option("Innbyggerens rolle")(page)
    page.get_by_label("Tjenesteområde", exact=True).select_option(label="Helse")
    page.get_by_role("group", name="Sakstyper").get_by_label("Ikke svar / for sent svar").check()
    page.get_by_label("Sammendrag").fill(SUMMARY)
    page.get_by_label("Innbyggerens navn (valgfritt)").fill("Testesen Testperson")
    page.get_by_label("Kontaktinformasjon (valgfritt)").fill("testesen@eksempel.invalid")
    with page.expect_navigation():
        page.get_by_role("button", name="Registrer henvendelse").click()
    assert re.search(rf"/{slug}/henvendelser/2025-\d+$", page.url), f"not on the new inquiry's page: {page.url}"
    assert SUMMARY in page.locator("#sak").inner_text()

    page.evaluate("() => { window.stillTheSamePage = true; }")
    act(
        page,
        "Videresend",
        lambda f: (first_option("Til")(f), f.get_by_label("Begrunnelse").fill("Gjelder pasientrettigheter")),
        "Videresendt",
    )
    act(
        page,
        "Møte holdt",
        lambda f: [f.get_by_role("group", name="Deltakere").get_by_role("checkbox").nth(n).check() for n in (0, 1)],
        "Møte holdt",
    )
    act(
        page,
        "Klage sendt",
        lambda f: (first_option("Til")(f), f.get_by_label("Gjelder").fill("Vedtak om hjemmetjenester")),
        "Klage sendt",
    )
    act(page, "Klage avgjort", first_option("Utfall"), "Klage avgjort")
    act(page, "Avslutt", first_option("Utfall"), "Avsluttet")
    assert page.locator("#sak .state", has_text="Avsluttet").count() == 1
    steps = page.locator("#sak .timeline li strong").all_inner_texts()
    assert (
        steps[:5] == ["Avsluttet", "Klage avgjort", "Klage sendt", "Møte holdt", "Videresendt"]
        and steps[-1] == "Mottatt"
    )

    until(
        lambda: statistics(page, slug, 2025) == (before[0] + 1, before[1] + 1), "the statistics count the new inquiry"
    )


def test_a_colleagues_change_shows_a_conflict_and_keeps_what_was_typed(
    page: Page, make_page: Callable[[], Page], signed_in: Callable[..., Page], offices: Offices
) -> None:
    url = f"/{offices.first.slug}/henvendelser/{offices.references[1]}"
    mine = signed_in("caseworker")
    colleague = signed_in("tenant_admin", page=make_page())
    mine.goto(url)
    colleague.goto(url)
    mine.locator("summary", has_text="Videresend").click()
    mine.get_by_label("Begrunnelse").fill("Gjelder pasientrettigheter (fiktivt)")

    colleague.locator("summary", has_text="Legg til notat").click()
    colleague.get_by_label("Notat").fill("Kollegaen skrev først (fiktivt)")
    htmx_swap(colleague, "/notat", lambda: colleague.locator("details[open] button[type=submit]").click())

    response = htmx_swap(mine, "/videresend", lambda: mine.locator("details[open] button[type=submit]").click())
    assert response.status == 409
    assert mine.get_by_role("alert").filter(has_text="En kollega endret saken").is_visible()
    assert mine.get_by_label("Begrunnelse").input_value() == "Gjelder pasientrettigheter (fiktivt)"
    assert mine.locator(".timeline li", has_text="Notat").count() >= 1  # the case below shows the colleague's change


def test_a_citizens_inquiry_gets_a_receipt_code_the_caseworker_finds_in_the_list(
    page: Page, make_page: Callable[[], Page], signed_in: Callable[..., Page], offices: Offices
) -> None:
    slug = offices.first.slug
    page.goto(f"/{slug}/kontakt")
    page.get_by_label("Hva gjelder henvendelsen?").fill("Testesen Testperson venter på svar om støttekontakt (fiktiv).")
    page.get_by_label("E-post eller telefon (valgfritt)").fill("testesen@eksempel.invalid")
    with page.expect_navigation():
        page.get_by_role("button", name="Send henvendelsen").click()
    code = page.locator(".receipt-code").inner_text().strip()
    assert code, "the receipt shows no receipt code"

    caseworker = signed_in("caseworker", page=make_page())
    search = caseworker.get_by_label("Søk på referanse")

    def found(words: str) -> bool:
        caseworker.goto(f"/{slug}/henvendelser")
        htmx_swap(caseworker, "/henvendelser", lambda: search.fill(words))
        return caseworker.locator("#resultater [role=status]").inner_text().startswith("1 ")

    until(lambda: found(code), f"{code} in the inquiry list")  # the code the citizen quotes finds the case
    reference = caseworker.locator("#resultater th a").first.inner_text().strip()
    assert code not in caseworker.url and "q=" not in caseworker.url  # the words went in the body, not the address
    htmx_swap(caseworker, "/henvendelser", lambda: search.fill(reference))
    assert caseworker.locator("#resultater a", has_text=reference).count() == 1
    with caseworker.expect_navigation():  # without htmx's swap the form posts too, and the words stay out of the URL
        caseworker.get_by_role("button", name="Filtrer").click()
    assert caseworker.locator("#resultater a", has_text=reference).count() == 1 and "q=" not in caseworker.url


def test_an_auditor_reads_the_inquiry_page_but_is_offered_no_action(
    page: Page, signed_in: Callable[..., Page], offices: Offices
) -> None:
    signed_in("auditor")
    response = page.goto(f"/{offices.first.slug}/henvendelser/{offices.references[0]}")
    assert response is not None and response.status == 200
    assert page.locator("#sak h1").inner_text().endswith(offices.references[0])
    assert page.locator("#sak .timeline li").count() >= 1
    assert page.locator("details.action, #sak form").count() == 0


@pytest.mark.parametrize("role", ["other_caseworker", "network"])
def test_staff_outside_the_tenant_get_404_on_its_inquiry_and_see_none_of_its_cases(
    page: Page, signed_in: Callable[..., Page], offices: Offices, role: str
) -> None:
    signed_in(role)
    response = page.goto(f"/{offices.first.slug}/henvendelser/{offices.references[0]}")
    assert response is not None and response.status == 404
    assert "Testesen" not in page.content()
    if role == "other_caseworker":  # their own list holds their own tenant's single inquiry, nothing of the first's
        page.goto(f"/{offices.second.slug}/henvendelser")
        assert page.locator("#resultater [role=status]").inner_text().startswith("1 ")
        assert "Testesen" not in page.content()


def test_a_caseworker_sends_the_interim_reply_from_the_dashboard_and_gets_its_letter(
    page: Page, signed_in: Callable[..., Page], offices: Offices
) -> None:
    slug = offices.first.slug
    today = today_in_norway()
    reference = factories.case(
        offices.first,
        Context("rådgiver-test", "caseworker", str(uuid.uuid4())),
        received_on=today - timedelta(days=25),
        channel="letter",
        summary=SUMMARY,
        requester_name="Testesen Testperson",
        contact="Testveien 1, 9999 Prøveby",
    )
    signed_in("caseworker")
    due_soon = page.locator("#snart-tabell tbody tr", has=page.locator("a", has_text=reference))

    def listed() -> bool:
        page.goto(f"/{slug}/oversikt")
        return due_soon.count() == 1

    until(listed, f"{reference} among the replies due soon")
    with page.expect_download() as download_info:
        due_soon.get_by_role("button", name="Send foreløpig svar").click()
    download = download_info.value
    assert download.suggested_filename == f"forelopig-svar-{reference}.docx"
    letter = Document(download.path())
    text = "\n".join(p.text for p in letter.paragraphs)
    assert reference in text and "Testesen Testperson" in text
    assert f"innen {long_date(expected_answer_on(today))}" in text

    until(lambda: not listed(), f"{reference} gone from the replies due soon once the interim reply is registered")
    page.goto(f"/{slug}/henvendelser/{reference}")
    assert page.locator(".timeline li strong", has_text="Foreløpig svar sendt").count() == 1


def test_a_registered_outreach_activity_joins_the_list_in_place_and_can_be_corrected(
    page: Page, signed_in: Callable[..., Page], offices: Offices
) -> None:
    slug = offices.first.slug
    signed_in("caseworker")
    page.goto(f"/{slug}/utadrettet")
    page.evaluate("() => { window.stillTheSamePage = true; }")
    page.get_by_label("Tittel", exact=True).fill("Kurs for Testby frivilligsentral")
    page.get_by_label("Målgruppe", exact=True).fill("Frivillige")
    page.get_by_label("Antall deltakere (valgfritt)").fill("1 200")
    response = htmx_swap(page, "/utadrettet", lambda: page.get_by_role("button", name="Registrer", exact=True).click())
    assert response.status == 200 and page.evaluate("() => window.stillTheSamePage === true")  # no reload
    row = page.locator("#aktiviteter tr", has_text="Kurs for Testby frivilligsentral")
    assert row.locator("td.number").inner_text() == "1200"
    with page.expect_navigation():
        row.get_by_role("link").click()
    page.get_by_label("Antall deltakere (valgfritt)").fill("1 250")
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre rettelsen").click()
    assert "Rettet: «Kurs for Testby frivilligsentral»" in page.locator("[role=status]").inner_text()
    assert (
        page.locator("#aktiviteter tr", has_text="Kurs for Testby frivilligsentral").locator("td.number").inner_text()
        == "1250"
    )
