"""Searching the inquiry list by name and words: found without diacritics, only in one's own tenant, the look recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import httpx
import psycopg
import pytest
from litestar.testing import AsyncTestClient

from domain.access_records import SEARCH_REPEAT_SECONDS
from domain.common import Context
from domain.inquiry import Inquiry
from projections.worker import ProjectionWorker
from services.office import EraseInquiry, Office
from tests import factories
from tests.helpers import query
from tests.web.helpers import sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)


@dataclass(frozen=True)
class Searching:
    """A caseworker's list of the office's inquiries, searched by the words posted as the form posts them."""

    client: AsyncTestClient
    office: Office
    caseworker: Context
    worker: ProjectionWorker
    admin_database_url: str

    def receive(self, reference: str, name: str, summary: str, office: Office | None = None) -> None:
        """An inquiry received in the office (or that one) and projected into its list."""
        office = office or self.office
        factories.receive(
            office,
            self.caseworker,
            reference=reference,
            received_on=date(2024, 2, 1),
            summary=summary,
            requester_name=name,
        )
        self.worker.catch_up(office.slug)

    async def search(self, **fields: str) -> httpx.Response:
        """The list's search form, posted as a browser does (the words in the body, never in the address)."""
        return await self.client.post(
            f"/{self.office.slug}/henvendelser", data={**fields, "_csrf_token": self.client.cookies["ombud_csrf"]}
        )

    def records(self, tenant: str | None = None) -> list[tuple[str, str, str]]:
        """The tenant's access records (the office's unless named) as (inquiry id, purpose, channel)."""
        sql = "SELECT inquiry_id::text, purpose, channel FROM audit.access_records WHERE tenant_id = %s ORDER BY 1"
        return query(self.admin_database_url, sql, (tenant or self.office.slug,))

    def a_minute_ago(self) -> None:
        """The office's access records as if written SEARCH_REPEAT_SECONDS and a little more ago."""
        with psycopg.connect(self.admin_database_url) as conn:
            conn.execute(
                "UPDATE audit.access_records SET at = at - make_interval(secs => %s) WHERE tenant_id = %s",
                (SEARCH_REPEAT_SECONDS + 1, self.office.slug),
            )


@pytest.fixture
def searching(
    client: AsyncTestClient, office: Office, caseworker: Context, worker: ProjectionWorker, admin_database_url: str
) -> Searching:
    return Searching(client, office, caseworker, worker, admin_database_url)


async def test_a_name_or_word_finds_the_inquiry_in_ones_own_tenant_and_records_each_hit(
    searching: Searching, other_office: Office, sign_in_as
) -> None:
    office = searching.office
    searching.receive("A-1", "Åse Ødegård", "Klage på vedtak om støttekontakt")
    searching.receive("A-2", "Per Hansen", "Spørsmål om barnehageplass")
    searching.receive("B-1", "Åse Ødegård", "Klage på vedtak om støttekontakt", office=other_office)
    await sign_in_as("caseworker", office.slug)

    by_name = await searching.search(q="ase odegard")
    assert by_name.status_code == 200
    assert ">A-1<" in by_name.text and ">A-2<" not in by_name.text and "B-1" not in by_name.text
    assert "Ødegård" not in by_name.text and "Åse" not in by_name.text  # the hit shows the reference, not the name
    by_word = await searching.search(q="Støttekontakt")
    assert ">A-1<" in by_word.text and ">A-2<" not in by_word.text
    by_reference = await searching.search(q="A-2")
    assert ">A-2<" in by_reference.text and ">A-1<" not in by_reference.text

    a1 = str(Inquiry.id_for("A-1"))
    # Found twice by the same person within a minute: one record says they saw it (SEARCH_REPEAT_SECONDS).
    assert searching.records() == [(a1, "søk", "search")]
    assert searching.records(other_office.slug) == []

    office.handle(
        factories.as_admin(searching.caseworker),
        EraseInquiry("A-1", on=date(2024, 3, 1), reason="krav fra innbygger", outcome="withdrawn"),
    )
    searching.worker.catch_up(office.slug)
    after = await searching.search(q="ase")
    assert ">A-1<" not in after.text


async def test_a_name_in_the_address_searches_nothing_and_records_nothing(searching: Searching, sign_in_as) -> None:
    """An address ends in browser history and proxy logs: words are taken from the posted form only."""
    office = searching.office
    searching.receive("A-1", "Åse Ødegård", "Klage på vedtak om støttekontakt")
    searching.receive("A-2", "Per Hansen", "Spørsmål om barnehageplass")
    await sign_in_as("caseworker", office.slug)

    response = await searching.client.get(f"/{office.slug}/henvendelser", params={"q": "Odegard"})
    assert response.status_code == 400
    assert "søkeord sendes med skjemaet, ikke i adressen" in response.text
    assert "2 henvendelser" in response.text  # the whole list, as with no search
    assert searching.records() == []
    assert 'method="post"' in response.text and "hx-get" not in response.text


async def test_the_count_of_a_word_search_records_every_inquiry_it_counts_even_past_the_last_page(
    searching: Searching, other_office: Office, sign_in_as
) -> None:
    """The attack: page 9 of a one-hit search shows "1 henvendelse" and no row; filters and extra words narrow
    what the count says about the person. Every inquiry the count holds is recorded; what it leaves out is not."""
    searching.receive("A-1", "Hjalmar Zyxwvutsen", "Klage på vedtak om støttekontakt")
    searching.receive("A-2", "Per Hansen", "Spørsmål om barnehageplass")
    searching.receive("B-1", "Hjalmar Zyxwvutsen", "Klage på vedtak om støttekontakt", office=other_office)
    await sign_in_as("caseworker", searching.office.slug)
    a1 = str(Inquiry.id_for("A-1"))

    past_the_end = await searching.search(q="Zyxwvutsen", page="9")
    assert "1 henvendelse" in past_the_end.text and ">A-1<" not in past_the_end.text
    assert searching.records() == [(a1, "søk", "search")]

    filtered_out = await searching.search(q="Zyxwvutsen støttekontakt", area="nav", status="resolved")
    assert "0 henvendelser" in filtered_out.text
    assert searching.records() == [(a1, "søk", "search")]  # nothing counted

    narrowed = await searching.search(q="Zyxwvutsen støttekontakt", area="helse", status="open", page="3")
    assert "1 henvendelse" in narrowed.text
    assert searching.records() == [(a1, "søk", "search")]  # seen a moment ago: recorded
    searching.a_minute_ago()
    narrowed_again = await searching.search(q="Zyxwvutsen", area="helse", page="3")
    assert "1 henvendelse" in narrowed_again.text
    assert searching.records() == [(a1, "søk", "search")] * 2
    assert searching.records(other_office.slug) == []


def shown(page: str, references: tuple[str, ...]) -> set[str]:
    return {reference for reference in references if f">{reference}<" in page}


async def test_a_name_typed_letter_by_letter_records_each_inquiry_shown_once_per_person(
    searching: Searching, sign_in_as
) -> None:
    """Live search asks as one types: nine searches for one name. Each inquiry any of them showed is recorded, once
    for this person; another person's search is their own record; after the window, a new search records anew."""
    office = searching.office
    searching.receive("A-1", "Åse Ødegård", "Klage på vedtak om støttekontakt")
    searching.receive("A-2", "Ola Ås", "Spørsmål om barnehageplass")
    searching.receive("A-3", "Per Hansen", "Spørsmål om skoleskyss")
    references = ("A-1", "A-2", "A-3")
    ids = {reference: str(Inquiry.id_for(reference)) for reference in references}
    await sign_in_as("caseworker", office.slug)
    seen: set[str] = set()
    for typed in ("Å", "Ås", "Åse", "Åse ", "Åse Ø", "Åse Ødeg", "Åse Ødegå", "Åse Ødegård", "Åse Ødegård"):
        page = await searching.search(q=typed)
        assert page.status_code == 200
        seen |= shown(page.text, references)
    assert seen == {"A-1", "A-2"}  # «Ås» showed A-2 on the way
    assert sorted(searching.records()) == sorted((ids[reference], "søk", "search") for reference in seen)  # each once

    await sign_in_as("caseworker", office.slug)  # someone else, finding the same inquiry a moment later
    assert ">A-1<" in (await searching.search(q="Ødegård")).text
    readers = query(
        searching.admin_database_url,
        "SELECT count(DISTINCT account_id) FROM audit.access_records WHERE tenant_id = %s AND inquiry_id = %s",
        (office.slug, ids["A-1"]),
    )
    assert readers == [(2,)]

    before = len(searching.records())
    searching.a_minute_ago()
    assert ">A-1<" in (await searching.search(q="Ødegård")).text
    assert len(searching.records()) == before + 1


async def test_a_repeat_within_the_window_by_another_route_is_still_recorded(searching: Searching, sign_in_as) -> None:
    """Only a search's repeats collapse: opening the inquiry it found records the case work as always."""
    office = searching.office
    searching.receive("A-1", "Åse Ødegård", "Klage på vedtak om støttekontakt")
    await sign_in_as("caseworker", office.slug)
    for _ in range(2):
        assert ">A-1<" in (await searching.search(q="Ødegård")).text
        assert (await searching.client.get(f"/{office.slug}/henvendelser/A-1")).status_code == 200
    purposes = [purpose for _, purpose, _ in searching.records()]
    assert sorted(purposes) == ["saksbehandling", "saksbehandling", "søk"]
