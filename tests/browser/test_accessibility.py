"""Every page, in every state a user sees it, meets WCAG 2.1 A/AA in a real browser, and works by keyboard alone."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from tests.browser.accessibility import check_accessibility, describe_violations
from tests.browser.browsing import POSITIVE_TABINDEX, SETTLED, focused, has_visible_focus, htmx_swap, tab_to
from tests.browser.conftest import PASSWORD, Offices

# An invalid field names its message (aria-describedby), and the summary's links lead to fields that exist.
BROKEN_ERROR_LINKS = """() => [
    ...[...document.querySelectorAll('[aria-invalid=true]')]
        .filter(e => !(e.getAttribute('aria-describedby') || '').split(' ').some(id => id && document.getElementById(id)))
        .map(e => 'no message for #' + e.id),
    ...[...document.querySelectorAll('[role=alert] a[href^="#"], .ds-error-summary a[href^="#"]')]
        .filter(a => !document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1))))
        .map(a => 'summary link to missing ' + a.getAttribute('href')),
]"""
CONTACT_TEXT = "Testesen Testperson har ikke fått svar på søknaden sin (fiktiv henvendelse fra testene)."


def fill_contact_form(page: Page) -> None:
    """The public form, filled as a citizen would."""
    page.get_by_label("Hva gjelder henvendelsen?").fill(CONTACT_TEXT)
    page.get_by_label("Navn (valgfritt)").fill("Testesen Testperson")
    page.get_by_label("E-post eller telefon (valgfritt)").fill("testesen@eksempel.invalid")


def submit_main_form(page: Page, button: str) -> None:
    """Presses the form's submit button, named as the user sees it, then waits for what follows."""
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()
    page.wait_for_function(SETTLED)


def landing(page: Page, offices: Offices) -> None:
    page.goto("/")


def login(page: Page, offices: Offices) -> None:
    page.goto("/login")


def login_with_errors(page: Page, offices: Offices) -> None:
    page.goto("/login")
    submit_main_form(page, "Logg inn")
    assert page.locator("[role=alert]").count() == 1


def tenant_page(path: str) -> Callable[[Page, Offices], None]:
    def open_page(page: Page, offices: Offices) -> None:
        response = page.goto(f"/{offices.first.slug}{path}")
        assert response is not None and response.status == 200, f"{path} answered {response and response.status}"

    return open_page


def inquiry_list_after_search(page: Page, offices: Offices) -> None:
    tenant_page("/henvendelser")(page, offices)
    htmx_swap(page, "/henvendelser", lambda: page.get_by_label("Søk på referanse").fill("2025"))
    assert "q=" not in page.url  # posted: search words never stand in the address


def new_inquiry_with_errors(page: Page, offices: Offices) -> None:
    tenant_page("/henvendelser/ny")(page, offices)
    submit_main_form(page, "Registrer henvendelse")
    assert page.locator(".ds-validation-message").count() >= 1 and page.locator(".ds-error-summary a").count() >= 1


def inquiry_with_its_action_forms_open(page: Page, offices: Offices) -> None:
    """Every action form opened (assign, recategorise, forward, …), so axe sees each of them."""
    tenant_page(f"/henvendelser/{offices.references[1]}")(page, offices)
    summaries = page.locator("details.action > summary")
    for index in range(summaries.count()):
        summaries.nth(index).click()
    assert summaries.count() >= 5 and page.locator("details.action[open]").count() == summaries.count()


def inquiry_page(suffix: str) -> Callable[[Page, Offices], None]:
    """A page of one inquiry (its erase confirmation, its history, …)."""

    def open_page(page: Page, offices: Offices) -> None:
        tenant_page(f"/henvendelser/{offices.references[1]}{suffix}")(page, offices)

    return open_page


def inquiry_after_an_htmx_error(page: Page, offices: Offices) -> None:
    tenant_page(f"/henvendelser/{offices.references[1]}")(page, offices)
    page.locator("summary", has_text="Avslutt").click()
    page.locator("#avslutt-on").fill("2000-01-01")  # before the inquiry was received: refused, at the date field
    response = htmx_swap(page, "/avslutt", lambda: page.locator("details[open] button[type=submit]").click())
    assert response.status == 422
    assert (
        page.locator("#avslutt-on[aria-invalid=true]").count() == 1
        or page.locator("details[open] [role=alert]").count() == 1
    )


def htmx_form_with_errors(path: str, button: str) -> Callable[[Page, Offices], None]:
    """The page's form sent empty: htmx swaps in the form again with its errors (a 4xx that must be swapped)."""

    def send_empty(page: Page, offices: Offices) -> None:
        tenant_page(path)(page, offices)
        response = htmx_swap(page, path, lambda: page.get_by_role("button", name=button, exact=True).click())
        assert 400 <= response.status < 500, f"{path}: {response.status}"
        assert page.locator(".ds-validation-message").count() >= 1 and page.locator("[role=alert] a").count() >= 1

    return send_empty


def contact(page: Page, offices: Offices) -> None:
    response = page.goto(f"/{offices.first.slug}/kontakt")
    assert response is not None and response.status == 200, f"/kontakt answered {response and response.status}"


def contact_with_errors(page: Page, offices: Offices) -> None:
    contact(page, offices)
    submit_main_form(page, "Send henvendelsen")
    assert page.locator(".ds-validation-message").count() >= 1 and page.locator("[role=alert] a").count() >= 1


def contact_receipt(page: Page, offices: Offices) -> None:
    contact(page, offices)
    fill_contact_form(page)
    submit_main_form(page, "Send henvendelsen")
    assert page.locator(".receipt-code").count() == 1, "the filled contact form was refused"


def inquiry_history(page: Page, offices: Offices) -> None:
    """The auditor's replay at the step that assigned the first inquiry: a changes table and the state after it."""
    tenant_page(f"/henvendelser/{offices.references[0]}/historikk?versjon=2")(page, offices)
    assert page.locator("table.data caption").count() == 1 and page.locator("[aria-current=step]").count() == 1


def platform_page(page: Page, offices: Offices) -> None:
    response = page.goto("/plattform")
    assert response is not None and response.status == 200


def network_page(page: Page, offices: Offices) -> None:
    """Groups, case types, follow-up, complaint outcomes, and the trend's table under its chart."""
    response = page.goto("/nettverk")
    assert response is not None and response.status == 200 and page.locator("table.data").count() == 5


def platform_page_with_errors(page: Page, offices: Offices) -> None:
    platform_page(page, offices)
    response = htmx_swap(
        page, "/plattform", lambda: page.get_by_role("button", name="Opprett kommunen", exact=True).click()
    )
    assert response.status == 422 and page.locator("[role=alert] a").count() >= 1


def statistics_as_delivered(page: Page, offices: Offices) -> None:
    """Marked delivered by the administrator, then shown as delivered (the figures recomputed, the verdict)."""
    tenant_page("/statistikk")(page, offices)
    submit_main_form(page, "Merk som levert til kommunestyret")
    assert page.locator("[role=status]").count() >= 1
    page.get_by_role("link", name="Vis tallene slik de ble levert").click()
    page.wait_for_load_state()
    assert page.get_by_text("Reprodusert:").count() == 1


def outreach_correction_with_errors(page: Page, offices: Offices) -> None:
    """The list's «Endre eller slett» followed, the correction sent with its title and audience emptied."""
    tenant_page("/utadrettet")(page, offices)
    page.locator("#aktiviteter a[href*='/utadrettet/']").first.click()
    page.wait_for_load_state()
    for label in ("Tittel", "Målgruppe"):
        page.get_by_label(label, exact=True).fill("")
    submit_main_form(page, "Lagre rettelsen")
    assert page.locator(".ds-validation-message").count() == 2 and page.locator("[role=alert] a").count() == 2


def letterhead_with_errors(page: Page, offices: Offices) -> None:
    """The letterhead form sent with its required fields emptied: every fault named at its field."""
    tenant_page("/admin/brev")(page, offices)
    for label in ("Kontorets navn", "Postadresse", "E-postadresse"):
        page.get_by_label(label, exact=True).fill("")
    submit_main_form(page, "Lagre brevhodet")
    assert page.locator(".ds-validation-message").count() >= 3 and page.locator("[role=alert] a").count() >= 3


def archive_extract_with_errors(page: Page, offices: Offices) -> None:
    """The archive extract asked for without a period: both dates named at their fields, no download."""
    tenant_page("/admin/arkiv")(page, offices)
    submit_main_form(page, "Last ned uttrekket (.zip)")
    assert page.locator(".ds-validation-message").count() == 2 and page.locator("[role=alert] a").count() == 2


def national_groups_saved(page: Page, offices: Offices) -> None:
    """The administrator's mapping saved without JavaScript's help: the page again, confirming it."""
    tenant_page("/admin/nasjonale-grupper")(page, offices)
    page.locator("#grupper button[type=submit]").click()
    page.wait_for_load_state()
    page.wait_for_function(SETTLED)
    assert page.locator("#grupper [role=status]").count() == 1


def national_groups_with_a_notice(page: Page, offices: Offices) -> None:
    """An odd version in the address: the newest version shown, with a notice naming the parameter."""
    response = page.goto(f"/{offices.first.slug}/admin/nasjonale-grupper?versjon=%C2%B2")
    assert response is not None and response.status == 400 and page.locator("[role=status]").count() == 1


# (state, who is signed in, how to get there)
STATES: list[tuple[str, str | None, Callable[[Page, Offices], None]]] = [
    ("landing", None, landing),
    ("login", None, login),
    ("login-with-errors", None, login_with_errors),
    ("dashboard", "caseworker", tenant_page("/oversikt")),
    ("inquiry-list", "caseworker", tenant_page("/henvendelser")),
    ("inquiry-list-after-live-search", "caseworker", inquiry_list_after_search),
    ("new-inquiry", "caseworker", tenant_page("/henvendelser/ny")),
    ("new-inquiry-with-errors", "caseworker", new_inquiry_with_errors),
    ("inquiry-with-action-forms-open", "caseworker", inquiry_with_its_action_forms_open),
    ("inquiry-after-htmx-error", "caseworker", inquiry_after_an_htmx_error),
    ("statistics", "caseworker", tenant_page("/statistikk")),
    ("statistics-as-delivered", "tenant_admin", statistics_as_delivered),
    ("outreach", "caseworker", tenant_page("/utadrettet")),
    ("outreach-with-errors", "caseworker", htmx_form_with_errors("/utadrettet", "Registrer")),
    ("outreach-correction-with-errors", "caseworker", outreach_correction_with_errors),
    ("admin", "tenant_admin", tenant_page("/admin")),
    ("admin-new-account-with-errors", "tenant_admin", htmx_form_with_errors("/admin", "Opprett konto")),
    ("retention", "tenant_admin", tenant_page("/admin/kassasjon")),
    ("retention-confirmation", "tenant_admin", tenant_page("/admin/kassasjon/kjor")),
    ("national-groups", "tenant_admin", tenant_page("/admin/nasjonale-grupper")),
    ("national-groups-saved", "tenant_admin", national_groups_saved),
    ("national-groups-with-a-notice", "tenant_admin", national_groups_with_a_notice),
    ("letterhead", "tenant_admin", tenant_page("/admin/brev")),
    ("letterhead-with-errors", "tenant_admin", letterhead_with_errors),
    ("erase-confirmation", "tenant_admin", inquiry_page("/slett")),
    ("access-log", "auditor", tenant_page("/tilgangslogg")),
    ("inquiry-history", "auditor", inquiry_history),
    ("platform", "platform_admin", platform_page),
    ("network", "network", network_page),
    ("platform-new-kommune-with-errors", "platform_admin", platform_page_with_errors),
    ("contact-form", None, contact),
    ("contact-form-with-errors", None, contact_with_errors),
    ("contact-receipt", None, contact_receipt),
    ("privacy-statement", None, tenant_page("/personvern")),
    ("privacy-statement-admin", "tenant_admin", tenant_page("/admin/personvern")),
    ("archive-extract", "tenant_admin", tenant_page("/admin/arkiv")),
    ("archive-extract-with-errors", "tenant_admin", archive_extract_with_errors),
]


@pytest.fixture(name="reach_state", params=STATES, ids=[state[0] for state in STATES])
def reach_state_fixture(
    request: pytest.FixtureRequest, page: Page, signed_in: Callable[..., Page], offices: Offices
) -> Callable[[], str | None]:
    """Each of STATES in turn: called, it signs in as the state's role (if any), reaches the page state and returns
    the role (called, not done at once, so a test can size the window first)."""
    _, role, reach = request.param

    def reach_it() -> str | None:
        if role:
            signed_in(role)
        reach(page, offices)
        return role

    return reach_it


def test_the_page_has_no_wcag_violations(page: Page, reach_state: Callable[[], str | None]) -> None:
    reach_state()
    violations = check_accessibility(page)
    assert not violations, describe_violations(violations)
    levels = page.locator("h1, h2, h3, h4, h5, h6").evaluate_all("hs => hs.map(h => Number(h.tagName[1]))")
    assert levels.count(1) == 1 and levels[0] == 1, f"one h1, first: {levels}"
    skips = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
    assert not skips, f"heading levels skip: {skips} in {levels}"
    assert page.evaluate(BROKEN_ERROR_LINKS) == [], "error messages not tied to their fields"


KEYBOARD_PAGES = [
    ("inquiry-list", "caseworker", "/henvendelser"),
    ("dashboard", "caseworker", "/oversikt"),
    ("new-inquiry", "caseworker", "/henvendelser/ny"),
    ("statistics", "caseworker", "/statistikk"),
    ("outreach", "caseworker", "/utadrettet"),
    ("admin", "tenant_admin", "/admin"),
    ("national-groups", "tenant_admin", "/admin/nasjonale-grupper"),
    ("access-log", "auditor", "/tilgangslogg"),
    ("contact-form", None, "/kontakt"),
]


@pytest.mark.parametrize(
    ("role", "path"), [state[1:] for state in KEYBOARD_PAGES], ids=[state[0] for state in KEYBOARD_PAGES]
)
def test_every_stop_of_the_tab_order_shows_its_focus_and_the_menu_is_reached(
    page: Page, signed_in: Callable[..., Page], offices: Offices, role: str | None, path: str
) -> None:
    if role:
        signed_in(role)
    response = page.goto(f"/{offices.first.slug}{path}")
    assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
    assert page.evaluate(POSITIVE_TABINDEX) == []
    menu = page.locator("nav[aria-label] a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    reached: list[str] = []
    for _ in range(200):  # the whole page, until focus leaves it (or comes round again)
        page.keyboard.press("Tab")
        element = focused(page)
        if element["tag"] == "body" or (reached and element["href"] == "#main" and element["tag"] == "a"):
            break
        assert has_visible_focus(element), f"no visible focus on {element}"
        reached.append(element["href"] or element["id"] or element["tag"])
    assert set(menu) <= set(reached), f"menu links not reached by Tab: {set(menu) - set(reached)}"


def test_signing_in_works_with_the_keyboard_alone(page: Page, accounts, offices: Offices) -> None:
    page.goto("/login")
    tab_to(page, lambda element: element["id"] == "email")
    page.keyboard.type(accounts["caseworker"].email)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.rstrip("/").split("/")[3] == offices.first.slug, page.url


def test_an_action_form_opens_and_is_sent_with_the_keyboard(
    page: Page, signed_in: Callable[..., Page], offices: Offices
) -> None:
    signed_in("caseworker")
    page.goto(f"/{offices.first.slug}/henvendelser/{offices.references[2]}")
    tab_to(page, lambda element: element["tag"] == "summary" and element["text"] == "Legg til notat")
    page.keyboard.press("Enter")
    assert page.locator("details[open] summary").inner_text() == "Legg til notat"
    tab_to(page, lambda element: element["name"] == "text")
    page.keyboard.type("Ringte tilbake.")
    page.keyboard.press("Enter")  # a note has lines: Enter breaks the line, the button sends it
    page.keyboard.type("Avtalte nytt møte (fiktivt notat)")
    tab_to(page, lambda element: element["tag"] == "button" and element["text"] == "Legg til notat")
    response = htmx_swap(page, "/notat", lambda: page.keyboard.press("Enter"))
    assert response.status == 200
    assert page.locator("#sak .timeline li", has_text="Notat").count() == 1
    written = page.locator("#sak .timeline li", has_text="Notat").locator(".personal").inner_text()
    assert written == "Ringte tilbake.\nAvtalte nytt møte (fiktivt notat)"  # the line break is kept on screen
