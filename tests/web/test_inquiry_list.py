"""The inquiry list: the office's own inquiries only, filtered, searched, sorted and paged, with or without htmx."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from litestar.testing import AsyncTestClient

from domain.common import Context
from infra.logins import worker_url_for
from projections.inquiries import PAGE_SIZE
from projections.worker import ProjectionWorker
from services.case_commands import Assign, Resolve, SendInterimReply
from services.office import Office
from services.platform import Platform
from tests import factories
from tests.web.helpers import sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)


def filled(platform: Platform, caseworker: Context, worker: ProjectionWorker, slug: str) -> Office:
    """A new office with PAGE_SIZE + 5 inquiries (every fifth assigned), projected."""
    admin = Context("plattform-admin", "platform_admin", str(uuid.uuid4()))
    office = platform.create_tenant(admin, slug=slug, name="Prøveby kommune")
    for n in range(PAGE_SIZE + 5):
        receipt = factories.receive(
            office,
            caseworker,
            received_on=date(2022 + n % 2, 2, 1 + n % 27),
            service_area="Helse" if n % 3 else "NAV",
            case_types=["no_reply"] if n % 2 else ["complaint_help"],
            summary="Testdata uten personopplysninger",
        )
        if n % 5 == 0:
            office.handle(caseworker, Assign(inquiry=receipt.reference, on=date(2023, 3, 1), assignee="Rådgiver Test"))
    worker.catch_up(office.slug)
    return office


@pytest.fixture(scope="module")
def office(module_platform: Platform, database_url: str) -> Office:
    """The office the tests only read (lists, filters, searches), made once for the module."""
    caseworker = Context("rådgiver-test", "caseworker", str(uuid.uuid4()))
    worker = ProjectionWorker(module_platform, worker_url_for(database_url))
    try:
        return filled(module_platform, caseworker, worker, f"k{uuid.uuid4().hex[:10]}")
    finally:
        worker.close()


@pytest.fixture
def own_office(platform: Platform, caseworker: Context, new_slug, worker: ProjectionWorker) -> Office:
    """A filled office of the test's own, for the test that answers and resolves inquiries in it."""
    return filled(platform, caseworker, worker, new_slug())


async def test_the_list_pages_through_the_offices_inquiries(
    client: AsyncTestClient, office: Office, sign_in_as
) -> None:
    await sign_in_as("caseworker", office.slug)
    first = await client.get(f"/{office.slug}/henvendelser")
    assert first.status_code == 200
    assert f"{PAGE_SIZE + 5} henvendelser, side 1 av 2" in first.text
    assert first.text.count('<th scope="row">') == PAGE_SIZE
    second = await client.get(f"/{office.slug}/henvendelser?page=2")
    assert second.text.count('<th scope="row">') == 5


async def test_filters_combine_and_empty_form_values_mean_no_filter(
    client: AsyncTestClient, office: Office, sign_in_as
) -> None:
    await sign_in_as("caseworker", office.slug)
    response = await client.get(
        f"/{office.slug}/henvendelser?status=open&area=nav&case_type=complaint_help&assignee=&year=2022&q=&sort=eldste&page="
    )
    assert response.status_code == 200
    expected = sum(1 for n in range(PAGE_SIZE + 5) if n % 3 == 0 and n % 2 == 0 and 2022 + n % 2 == 2022)
    assert f"{expected} henvendelse" in response.text
    assert "Klagehjelp" in response.text or "complaint_help" in response.text


async def test_the_overdue_filter_leaves_out_inquiries_answered_or_resolved(
    client: AsyncTestClient, own_office: Office, sign_in_as, caseworker: Context, worker: ProjectionWorker
) -> None:
    office = own_office
    office.handle(caseworker, SendInterimReply(inquiry="2022-0001", on=date(2022, 2, 20)))
    office.handle(caseworker, Resolve(inquiry="2023-0001", on=date(2023, 2, 20), outcome="guided"))
    worker.catch_up(office.slug)
    await sign_in_as("caseworker", office.slug)
    response = await client.get(f"/{office.slug}/henvendelser?status=overdue&sort=referanse")
    assert f"{PAGE_SIZE + 5 - 2} henvendelser" in response.text
    assert "/henvendelser/2022-0001" not in response.text and "/henvendelser/2023-0001" not in response.text


async def test_live_search_answers_htmx_with_only_the_results_fragment(
    client: AsyncTestClient, office: Office, sign_in_as
) -> None:
    await sign_in_as("caseworker", office.slug)
    response = await client.post(
        f"/{office.slug}/henvendelser",
        data={"q": "2023-001", "_csrf_token": client.cookies["ombud_csrf"]},
        headers={"HX-Request": "true", "HX-Target": "resultater"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text and "<form" not in response.text
    assert "10 henvendelser" in response.text  # 2023-0010 … 2023-0019
    assert "/henvendelser/2023-0019" in response.text
    assert "/henvendelser/2023-0009" not in response.text and "/henvendelser/2023-0020" not in response.text


async def test_search_takes_any_text_and_finds_nothing_it_should_not(
    client: AsyncTestClient, office: Office, sign_in_as
) -> None:
    """Wildcards are plain characters; a search no reference could match (control characters, noncharacters,
    longer than a reference) is not sent to PostgreSQL: the page says so and lists everything (status 400)."""
    await sign_in_as("caseworker", office.slug)
    token = client.cookies["ombud_csrf"]
    for typed, count in {"%": 0, "_": 0, "2023-0001%": 0}.items():
        response = await client.post(f"/{office.slug}/henvendelser", data={"q": typed, "_csrf_token": token})
        assert response.status_code == 200, typed
        assert f"{count} henvendelse" in response.text, typed
    for typed in ("ø" * 60, "2022-0001\x00", "\U0010ffff"):
        response = await client.post(f"/{office.slug}/henvendelser", data={"q": typed, "_csrf_token": token})
        assert response.status_code == 400, typed
        assert "Verdien for «søk» i skjemaet kan ikke brukes" in response.text, typed
        assert f"{PAGE_SIZE + 5} henvendelser" in response.text, typed


async def test_a_word_search_pages_and_sorts_with_its_words_in_the_body_only(
    client: AsyncTestClient, office: Office, sign_in_as
) -> None:
    """Paging a word search posts the words again (hidden fields), so no link or address ever carries them."""
    await sign_in_as("caseworker", office.slug)
    token = client.cookies["ombud_csrf"]
    first = await client.post(
        f"/{office.slug}/henvendelser", data={"q": "testdata", "sort": "eldste", "_csrf_token": token}
    )
    assert first.status_code == 200
    assert f"{PAGE_SIZE + 5} henvendelser, side 1 av 2" in first.text
    assert "q=" not in first.text and 'name="q" value="testdata"' in first.text
    assert 'type="hidden" name="q" value="testdata"' in first.text and 'name="page" value="2"' in first.text
    second = await client.post(
        f"/{office.slug}/henvendelser", data={"q": "testdata", "sort": "eldste", "page": "2", "_csrf_token": token}
    )
    assert second.text.count('<th scope="row">') == 5
    assert "side 2 av 2" in second.text and "/henvendelser/2023-" in second.text  # the newest last


async def test_another_offices_list_is_404(
    client: AsyncTestClient, office: Office, other_office: Office, sign_in_as
) -> None:
    other = other_office.slug
    await sign_in_as("caseworker", other)
    assert (await client.get(f"/{office.slug}/henvendelser")).status_code == 404
