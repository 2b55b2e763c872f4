"""Missing, forbidden and failing pages: in the site's layout and in bokmål, JSON only on request, failures logged bare."""

from __future__ import annotations

import logging
import re

import pytest
from litestar.exceptions import ServiceUnavailableException
from litestar.testing import AsyncTestClient

from services.office import Office
from tests.web.helpers import overview_fails_with, sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)

MARKER = "Ola Nordmann 01019912345"


async def test_a_missing_page_is_a_page_in_the_site_layout_in_bokmal(client: AsyncTestClient) -> None:
    response = await client.get("/finnes/ikke/her")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="nb"' in response.text and "Siden finnes ikke" in response.text
    assert "status_code" not in response.text


async def test_a_client_that_asks_for_json_gets_json(client: AsyncTestClient) -> None:
    response = await client.get("/finnes/ikke/her", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json() == {"status_code": 404, "detail": "Siden finnes ikke."}


async def test_another_tenants_page_is_the_same_missing_page(
    client: AsyncTestClient, office: Office, other_office: Office, sign_in_as
) -> None:
    await sign_in_as("caseworker", office.slug)
    response = await client.get(f"/{other_office.slug}/henvendelser")
    assert response.status_code == 404 and "Siden finnes ikke" in response.text
    assert other_office.slug not in response.text


async def test_a_form_sent_without_its_csrf_token_is_a_forbidden_page(client: AsyncTestClient) -> None:
    response = await client.post("/login", data={"email": "a@eksempel.invalid", "password": "x"})
    assert response.status_code == 403
    assert '<html lang="nb"' in response.text and "Ingen tilgang" in response.text


async def test_an_htmx_request_gets_the_main_part_in_place_of_the_main_part(client: AsyncTestClient) -> None:
    response = await client.get("/finnes/ikke", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert "<html" not in response.text and "Siden finnes ikke" in response.text
    assert response.headers["hx-retarget"] == "#main"


async def test_an_unexpected_error_is_a_page_with_an_id_that_the_log_line_carries_without_any_input(
    client: AsyncTestClient,
    office: Office,
    other_office: Office,
    sign_in_as,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    overview_fails_with(monkeypatch, ValueError(f"kunne ikke lese {MARKER}"))
    await sign_in_as("caseworker", office.slug)
    with caplog.at_level(logging.ERROR, logger="ombud.web.errors"):
        response = await client.get(f"/{office.slug}/oversikt?q={MARKER}", headers={"X-Note": MARKER})
    assert response.status_code == 500
    assert '<html lang="nb"' in response.text and "Noe gikk galt" in response.text
    error_id = re.search(r"feil-ID ([0-9a-f]{12})", response.text)
    assert error_id is not None
    logged = [record.getMessage() for record in caplog.records if record.name == "ombud.web.errors"]
    assert len(logged) == 1
    assert error_id[1] in logged[0] and "ValueError" in logged[0] and "GET /{tenant}/oversikt" in logged[0]
    assert MARKER not in logged[0] and "Ola" not in logged[0] and office.slug not in logged[0]
    assert all(record.exc_info is None for record in caplog.records)  # a traceback would carry the message
    assert MARKER not in response.text
    # the other tenant's pages are untouched by it
    await sign_in_as("auditor", other_office.slug)
    assert (await client.get(f"/{other_office.slug}/statistikk")).status_code == 200


async def test_an_unexpected_error_answers_json_with_its_id_when_asked(
    client: AsyncTestClient, office: Office, sign_in_as, monkeypatch: pytest.MonkeyPatch
) -> None:
    overview_fails_with(monkeypatch, RuntimeError(MARKER))
    await sign_in_as("caseworker", office.slug)
    response = await client.get(f"/{office.slug}/oversikt", headers={"Accept": "application/json"})
    assert response.status_code == 500
    body = response.json()
    assert body["detail"] == "Noe gikk galt hos oss." and re.fullmatch(r"[0-9a-f]{12}", body["feil_id"])
    assert MARKER not in response.text


async def test_a_server_side_status_raised_on_purpose_keeps_its_code_and_gets_an_id(
    client: AsyncTestClient, office: Office, sign_in_as, monkeypatch: pytest.MonkeyPatch
) -> None:
    overview_fails_with(monkeypatch, ServiceUnavailableException(MARKER))
    await sign_in_as("caseworker", office.slug)
    response = await client.get(f"/{office.slug}/oversikt")
    assert response.status_code == 503
    assert re.search(r"feil-ID [0-9a-f]{12}", response.text) and MARKER not in response.text


async def test_a_form_too_large_to_take_is_a_page_that_says_so_and_nothing_is_saved(
    client: AsyncTestClient, office: Office, sign_in_as
) -> None:
    await sign_in_as("caseworker", office.slug)
    form = {"held_on": "2024-05-02", "kind": "talk", "title": "x" * 11_000_000, "audience": "Eldrerådet"}
    response = await client.post(
        f"/{office.slug}/utadrettet", data=form, headers={"x-csrftoken": client.cookies["ombud_csrf"]}
    )
    assert response.status_code == 413
    assert '<html lang="nb"' in response.text and "Skjemaet er for stort" in response.text
    assert "statuskode" not in response.text
    assert "xxxxxxxxxx" not in (await client.get(f"/{office.slug}/utadrettet?year=2024")).text


@pytest.mark.parametrize("path", ["/finnes-ikke", "/finnes-ikke/heller/ikke", "{own}/henvendelser/1999-9999"])
async def test_a_missing_page_keeps_the_menu_and_sign_out_for_someone_signed_in(
    client: AsyncTestClient, sign_in_as, office: Office, path: str
) -> None:
    await sign_in_as("caseworker", office.slug)
    response = await client.get(path.format(own=f"/{office.slug}"))
    assert response.status_code == 404 and "Siden finnes ikke" in response.text
    assert "Logg ut" in response.text and f'href="/{office.slug}/henvendelser"' in response.text


async def test_a_missing_page_shows_no_menu_to_someone_not_signed_in(client: AsyncTestClient) -> None:
    client.cookies.set("ombud_sesjon", "en-sesjon-som-ikke-finnes")
    response = await client.get("/finnes-ikke")
    assert response.status_code == 404 and "Logg ut" not in response.text
