"""The statistics page reads right to someone new: sums explained, versions stated and chosen, gaps not zeros."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from datetime import date
from urllib.parse import quote

import pytest
from litestar.testing import AsyncTestClient

from domain.account import Account
from domain.common import Context
from domain.taxonomy import MUNICIPAL_AREAS, ServiceArea
from infra.logins import worker_url_for
from projections.worker import ProjectionWorker
from services.office import Office
from services.platform import Platform
from tests import factories
from tests.web.helpers import sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)

NBSP = "\xa0"
# (received on, primary area, further areas, outside mandate): 2021 and 2023 with no inquiry in 2022, then 2024.
RECEIVED = [
    (date(2021, 3, 1), "Helse", ["NAV"], False),
    (date(2021, 4, 1), "Helse", [], False),
    (date(2021, 5, 1), "Plan og bygg", [], True),
    (date(2023, 2, 1), "Helse", ["NAV", "Barnevern"], False),
    (date(2023, 2, 2), "Helse", [], False),
    (date(2023, 3, 1), "NAV", [], False),
    (date(2023, 3, 2), "NAV", [], True),
    (date(2024, 1, 5), "Helse", ["Skole og barnehage"], False),
    (date(2024, 1, 6), "Helse", [], False),
    (date(2024, 1, 7), "Helse", [], False),
    (date(2024, 2, 1), "NAV", [], True),
    (date(2024, 2, 2), "NAV", [], False),
    (date(2024, 3, 1), "Barnevern", [], False),
]
REORGANISED = date(2024, 7, 1)
MERGED = ServiceArea("helse-og-velferd", "Helse og velferd")
# The other tenant: Helse and NAV merged from 1 July 2024, and inquiries in 2022, the year the first one lacks.
OTHER_RECEIVED = [
    (date(2022, 5, 1), "Helse"),
    (date(2023, 5, 1), "Helse"),
    (date(2023, 5, 2), "NAV"),
    (date(2024, 3, 1), "Helse"),
    (date(2024, 3, 2), "Helse"),
    (date(2024, 4, 1), "NAV"),
    (date(2024, 8, 1), "Helse og velferd"),
    (date(2024, 8, 2), "Helse og velferd"),
    (date(2024, 9, 1), "Barnevern"),
]


def receive(office: Office, ctx: Context, day: date, area: str, further: list[str] = (), outside: bool = False) -> None:
    factories.receive(
        office,
        ctx,
        received_on=day,
        service_area=area,
        further_areas=list(further),
        outside_mandate=outside,
        summary="Fiktiv testsak om manglende svar",
    )


def fill_office(office: Office, caseworker: Context, worker: ProjectionWorker) -> Office:
    for day, area, further, outside in RECEIVED:
        receive(office, caseworker, day, area, further, outside)
    worker.catch_up(office.slug)
    return office


def fill_other_office(other_office: Office, admin: Context, caseworker: Context, worker: ProjectionWorker) -> Office:
    areas = (*(a for a in MUNICIPAL_AREAS if a.code not in ("helse", "nav")), MERGED)
    other_office.publish_taxonomy(
        admin,
        on=date(2024, 6, 1),
        effective_from=REORGANISED,
        areas=areas,
        mapping={"helse": MERGED.code, "nav": MERGED.code},
    )
    for day, area in OTHER_RECEIVED:
        receive(other_office, caseworker, day, area)
    worker.catch_up(other_office.slug)
    return other_office


@pytest.fixture
def office(office: Office, caseworker: Context, worker: ProjectionWorker) -> Office:
    """The test's own tenant with RECEIVED, for the tests that add to it or mark its report delivered."""
    return fill_office(office, caseworker, worker)


@pytest.fixture
def other_office(other_office: Office, admin: Context, caseworker: Context, worker: ProjectionWorker) -> Office:
    return fill_other_office(other_office, admin, caseworker, worker)


@pytest.fixture(scope="module")
def shared(module_platform: Platform, database_url: str) -> tuple[Office, Office]:
    """Both tenants made and projected once, for the tests that only read them (most of this module)."""
    admin = Context("plattform-admin", "platform_admin", str(uuid.uuid4()))
    caseworker = Context("rådgiver-test", "caseworker", str(uuid.uuid4()))
    first = module_platform.create_tenant(admin, slug=f"k{uuid.uuid4().hex[:10]}", name="Prøveby kommune")
    second = module_platform.create_tenant(admin, slug=f"k{uuid.uuid4().hex[:10]}", name="Annenby kommune")
    worker = ProjectionWorker(module_platform, worker_url_for(database_url))
    try:
        return fill_office(first, caseworker, worker), fill_other_office(second, admin, caseworker, worker)
    finally:
        worker.close()


@pytest.fixture
def shared_other(shared: tuple[Office, Office]) -> Office:
    """The second shared tenant: Helse and NAV merged from 1 July 2024, inquiries in 2022."""
    return shared[1]


@pytest.fixture
async def signed_in(shared: tuple[Office, Office], make_account: Callable[..., Account], sign_in) -> Office:
    """A caseworker of the first shared tenant, with both tenants' inquiries projected."""
    await sign_in(make_account("caseworker", shared[0].slug))
    return shared[0]


@pytest.fixture
async def signed_in_own(office: Office, other_office: Office, make_account: Callable[..., Account], sign_in) -> Office:
    """A caseworker of the test's own `office` (beside its own `other_office`), for a test that adds inquiries."""
    await sign_in(make_account("caseworker", office.slug))
    return office


def table(html: str, key: str) -> dict[str, tuple[int, str]]:
    """A count table's rows: name → (count, share as shown)."""
    found = re.search(rf'<table class="[^"]*\bdata\b[^"]*" id="tabell-{key}">(.*?)</table>', html, re.S)
    assert found, f"no table {key}"
    body = found[1].split("<tbody>")[1].split("</tbody>")[0]
    rows = re.findall(
        r'<th scope="row">([^<]+)</th>\s*<td class="number">([^<]+)</td>\s*<td class="number">([^<]+)</td>', body
    )
    return {name: (int(count), share) for name, count, share in rows}


def caption(html: str, key: str) -> str:
    found = re.search(rf'<table class="[^"]*\bdata\b[^"]*" id="tabell-{key}">\s*<caption>(.*?)</caption>', html, re.S)
    assert found, f"no table {key}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found[1])).strip()


def figure(html: str, title: str) -> str:
    """A key figure's whole text: its title, value, share and change."""
    found = re.search(rf"<li[^>]*>{re.escape(title)} <strong>(.*?)</li>", html, re.S)
    assert found, f"no key figure {title}"
    return re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", found[1])).strip()  # the NBSP before % stays


def chart_values(html: str) -> dict[str, list[int]]:
    series = re.findall(r'<g class="series"[^>]*data-label="([^"]+)">(.*?)</g>', html, re.S)
    return {label: [int(v) for v in re.findall(r'data-value="(\d+)"', body)] for label, body in series}


async def test_the_primary_area_table_comes_first_and_sums_to_the_headline(
    client: AsyncTestClient, signed_in: Office
) -> None:
    page = (await client.get(f"/{signed_in.slug}/statistikk?year=2023")).text

    primary = table(page, "by-primary-area")
    assert primary == {"Helse": (2, f"50,0{NBSP}%"), "NAV": (2, f"50,0{NBSP}%")}
    assert figure(page, "Henvendelser mottatt") == "4"
    assert sum(count for count, _ in primary.values()) == 4
    assert re.search(r'<tfoot><tr><th scope="row">Sum \(alle henvendelser\)</th><td class="number">4</td>', page)
    assert page.index('id="tabell-by-primary-area"') < page.index('id="tabell-by-service-area"')


async def test_all_concerned_areas_follow_with_the_reason_they_sum_to_more(
    client: AsyncTestClient, signed_in: Office
) -> None:
    page = (await client.get(f"/{signed_in.slug}/statistikk?year=2023")).text

    concerned = table(page, "by-service-area")
    assert concerned == {
        "NAV": (3, f"75,0{NBSP}%"),
        "Helse": (2, f"50,0{NBSP}%"),
        "Barnevern": (1, f"25,0{NBSP}%"),
    }
    assert "alle berørte områder" in caption(page, "by-service-area")
    assert "telles under hvert av dem, så summen (6) er større enn antall henvendelser (4)" in caption(
        page, "by-service-area"
    )
    # A flat taxonomy: the table by top-level area would repeat the one above, so it is not shown.
    assert 'id="tabell-by-parent-area"' not in page
    assert page.count("<table") == page.count('<table class="ds-table data" id="tabell-') + 1  # and the trend's


async def test_a_year_without_further_areas_shows_one_area_table_and_says_why(
    client: AsyncTestClient, signed_in_own: Office, caseworker: Context, worker: ProjectionWorker
) -> None:
    signed_in = signed_in_own
    receive(signed_in, caseworker, date(2019, 6, 1), "Helse")
    worker.catch_up(signed_in.slug)
    page = (await client.get(f"/{signed_in.slug}/statistikk?year=2019")).text

    assert table(page, "by-primary-area") == {"Helse": (1, f"100,0{NBSP}%")}
    assert 'id="tabell-by-service-area"' not in page
    assert "Ingen av henvendelsene gjelder mer enn ett område" in page


async def test_the_trend_leaves_a_gap_for_the_year_without_inquiries(
    client: AsyncTestClient, signed_in: Office
) -> None:
    page = (await client.get(f"/{signed_in.slug}/statistikk?year=2024")).text

    # 2021, 2023 and 2024 have points; 2022 has none, so no line falls to a zero there.
    assert chart_values(page) == {"Helse": [2, 2, 3], "NAV": [1, 3, 2], "Plan og bygg": [1, 0, 0],
                                  "Barnevern": [0, 1, 1], "Skole og barnehage": [0, 0, 1]}  # fmt: skip
    helse = re.search(r'<g class="series"[^>]*data-label="Helse">(.*?)</g>', page, re.S)[1]
    assert helse.count("<polyline") == 1  # 2023–2024; 2021 stands alone
    assert "Ingen henvendelser er registrert for 2022: linjene har et brudd der" in page
    row = re.search(r'<tr><th scope="row">Helse</th>(.*?)</tr>', page.split('id="utvikling-tabell"')[1])[1]
    cells = re.findall(r'<td class="number">(.*?)</td>', row)
    assert cells[0] == "2" and "ingen tall" in cells[1] and cells[2:] == ["2", "3"]


async def test_change_from_the_year_before_and_shares_beside_the_key_figures(
    client: AsyncTestClient, signed_in: Office
) -> None:
    page = (await client.get(f"/{signed_in.slug}/statistikk?year=2024")).text

    assert figure(page, "Henvendelser mottatt") == f"6 +2 fra 2023 (+50{NBSP}%)"
    assert figure(page, "Utenfor mandat") == f"1 16,7{NBSP}% av henvendelsene 0 fra 2023 (0{NBSP}%)"
    assert (
        figure(page, "Åpne ved årsslutt, også fra tidligere år") == f"13 +6 fra 2023 (+86{NBSP}%)"
    )  # none resolved, since 2021

    earlier = (await client.get(f"/{signed_in.slug}/statistikk?year=2023")).text
    assert figure(earlier, "Henvendelser mottatt") == "4"  # 2022 has no figures to compare with
    assert "Ingen henvendelser er registrert for 2022, så endringen fra året før kan ikke vises." in earlier


async def test_a_fall_is_written_with_a_minus_sign(
    client: AsyncTestClient, signed_in_own: Office, caseworker: Context, worker: ProjectionWorker
) -> None:
    signed_in = signed_in_own
    for day in (1, 2, 3, 4, 5, 6):
        receive(signed_in, caseworker, date(2020, 1, day), "Helse")
    worker.catch_up(signed_in.slug)
    page = (await client.get(f"/{signed_in.slug}/statistikk?year=2021")).text

    assert figure(page, "Henvendelser mottatt") == f"3 \u22123 fra 2020 (\u221250{NBSP}%)"


async def test_the_current_year_says_so_far_and_open_now(
    client: AsyncTestClient, signed_in: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("web.statistics_view.today", lambda: date(2024, 6, 30))
    monkeypatch.setattr("web.statistics.today", lambda: date(2024, 6, 30))
    page = (await client.get(f"/{signed_in.slug}/statistikk?year=2024")).text

    assert "Årsrapport 2024, hittil i år" in page
    assert "Åpne ved årsslutt" not in page
    assert figure(page, "Åpne nå, også fra tidligere år") == "13 hele 2023: 7"
    assert figure(page, "Henvendelser mottatt hittil i år") == "6 hele 2023: 4"
    assert "per 30.06.2024" in page
    assert '<th scope="col" class="number">2024 (hittil i år)</th>' in page
    assert page.count('class="unfinished" data-value') == len(chart_values(page))  # each line's 2024 point is hollow

    finished = (await client.get(f"/{signed_in.slug}/statistikk?year=2023")).text
    assert "hittil i år</h2>" not in finished and "Åpne ved årsslutt" in finished


async def test_a_year_that_spans_a_reorganisation_is_shown_under_one_version_by_default(
    client: AsyncTestClient, shared_other: Office, sign_in_as
) -> None:
    other_office = shared_other
    await sign_in_as("caseworker", other_office.slug)
    page = (await client.get(f"/{other_office.slug}/statistikk?year=2024")).text

    assert table(page, "by-primary-area") == {"Helse og velferd": (5, f"83,3{NBSP}%"), "Barnevern": (1, f"16,7{NBSP}%")}
    assert "taksonomi versjon 2 (omregnet)" in caption(page, "by-primary-area")
    assert '<option value="" selected>Standard for året: versjon 2, alle henvendelser omregnet</option>' in page
    assert '<option value="1"' not in page  # 2024's inquiries since July can not be counted under version 1

    mixed = (await client.get(f"/{other_office.slug}/statistikk?year=2024&taksonomi=mottak")).text
    assert table(mixed, "by-primary-area") == {
        "Helse": (2, f"33,3{NBSP}%"),
        "Helse og velferd": (2, f"33,3{NBSP}%"),
        "Barnevern": (1, f"16,7{NBSP}%"),
        "NAV": (1, f"16,7{NBSP}%"),
    }
    assert "taksonomien som gjaldt ved mottak (versjon 1 og 2)" in caption(mixed, "by-primary-area")
    assert "arsrapport-2024.xlsx?taksonomi=mottak" in mixed
    assert '<option value="mottak" selected>' in mixed


async def test_the_chosen_version_changes_every_area_table_is_stated_and_goes_with_the_downloads(
    client: AsyncTestClient, shared_other: Office, sign_in_as
) -> None:
    other_office = shared_other
    await sign_in_as("tenant_admin", other_office.slug)
    base = f"/{other_office.slug}/statistikk"
    as_recorded = (await client.get(f"{base}?year=2023")).text
    assert table(as_recorded, "by-primary-area") == {"Helse": (1, f"50,0{NBSP}%"), "NAV": (1, f"50,0{NBSP}%")}
    assert "Mottatt i 2023, taksonomi versjon 1." in caption(as_recorded, "by-primary-area")

    page = (await client.get(f"{base}?year=2023&taksonomi=2")).text
    assert table(page, "by-primary-area") == {"Helse og velferd": (2, f"100,0{NBSP}%")}
    for key in re.findall(r'<table class="ds-table data" id="tabell-([a-z-]+)">', page):
        assert "taksonomi versjon 2 (omregnet)" in caption(page, key), key
    for kind in ("docx", "xlsx", "csv", "json"):
        assert f'href="{base}/arsrapport-2023.{kind}?taksonomi=2"' in page
    assert '<input type="hidden" name="taksonomi" value="2">' in page  # delivered as shown

    report = json.loads((await client.get(f"{base}/arsrapport-2023.json?taksonomi=2")).text)
    assert (report["taxonomy_version"], report["by_primary_area"]) == (2, {"helse-og-velferd": 2})
    recorded = json.loads((await client.get(f"{base}/arsrapport-2023.json?taksonomi=mottak")).text)
    assert recorded["by_primary_area"] == {"helse": 1, "nav": 1}


async def test_the_report_is_delivered_under_the_version_shown(
    client: AsyncTestClient, office: Office, other_office: Office, sign_in_as
) -> None:
    await sign_in_as("tenant_admin", other_office.slug)
    base = f"/{other_office.slug}/statistikk"
    await client.get(f"{base}?year=2023&taksonomi=2")
    form = {"year": "2023", "taksonomi": "2", "_csrf_token": client.cookies["ombud_csrf"]}

    posted = await client.post(f"{base}/levert", data=form, follow_redirects=False)
    assert posted.status_code == 303 and "taksonomi=2" in posted.headers["location"]
    marked = await client.get(posted.headers["location"])

    assert marked.status_code == 200 and "er merket som levert til kommunestyret" in marked.text
    assert "Mottatt i 2023, taksonomi versjon 2 (omregnet)." in caption(marked.text, "by-primary-area")
    assert "Levert " in (await client.get(f"{base}?year=2023&taksonomi=2")).text
    assert "er ikke merket som levert" in (await client.get(f"{base}?year=2023&taksonomi=mottak")).text
    refused = await client.post(f"{base}/levert", data={**form, "taksonomi": "\x00"})
    assert refused.status_code == 400 and "taksonomi: " in refused.text
    await sign_in_as("tenant_admin", office.slug)
    assert "er ikke merket som levert" in (await client.get(f"/{office.slug}/statistikk?year=2023")).text


async def test_a_version_the_year_can_not_be_shown_under_falls_back_and_says_why(
    client: AsyncTestClient, shared_other: Office, sign_in_as
) -> None:
    other_office = shared_other
    await sign_in_as("caseworker", other_office.slug)
    response = await client.get(f"/{other_office.slug}/statistikk?year=2024&taksonomi=1")

    assert response.status_code == 200
    assert "Versjon 1 kan ikke brukes for 2024" in response.text
    assert "taksonomi versjon 2 (omregnet)" in caption(response.text, "by-primary-area")
    download = await client.get(f"/{other_office.slug}/statistikk/arsrapport-2024.json?taksonomi=1")
    assert download.status_code == 400


async def test_htmx_gets_the_report_block_only(client: AsyncTestClient, signed_in: Office) -> None:
    response = await client.get(
        f"/{signed_in.slug}/statistikk?year=2023&taksonomi=mottak",
        headers={"HX-Request": "true", "HX-Target": "statistikk"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="statistikk">') and "<html" not in response.text
    assert table(response.text, "by-primary-area") == {"Helse": (2, f"50,0{NBSP}%"), "NAV": (2, f"50,0{NBSP}%")}
    assert 'hx-get="/' in (await client.get(f"/{signed_in.slug}/statistikk")).text


ODD_VALUES = ["%00", "2%00", quote("²"), quote("٣"), "9" * 30, "0", "-1", quote("<b>"), "x" * 5000]


@pytest.mark.parametrize("value", ODD_VALUES)
async def test_an_odd_taxonomy_version_is_the_page_with_a_notice_and_400(
    client: AsyncTestClient, signed_in: Office, value: str
) -> None:
    response = await client.get(f"/{signed_in.slug}/statistikk?year=2023&taksonomi={value}")
    assert response.status_code == 400
    assert "«taksonomi» i adressen kan ikke brukes" in response.text
    assert table(response.text, "by-primary-area") == {"Helse": (2, f"50,0{NBSP}%"), "NAV": (2, f"50,0{NBSP}%")}
    download = await client.get(f"/{signed_in.slug}/statistikk/arsrapport-2023.json?taksonomi={value}")
    assert download.status_code == 400 and "<html" in download.text


async def test_another_tenants_version_or_year_is_refused_and_shows_nothing_of_it(
    client: AsyncTestClient, signed_in: Office, shared_other: Office
) -> None:
    other_office = shared_other
    version = await client.get(f"/{signed_in.slug}/statistikk?year=2024&taksonomi=2")  # only the other has it
    assert version.status_code == 400 and "Helse og velferd" not in version.text
    assert (await client.get(f"/{signed_in.slug}/statistikk/arsrapport-2024.csv?taksonomi=2")).status_code == 400

    year = await client.get(f"/{signed_in.slug}/statistikk?year=2022")  # only the other has inquiries in 2022
    assert year.status_code == 400 and "«år» i adressen kan ikke brukes" in year.text
    assert "Årsrapport 2024" in year.text and "Helse og velferd" not in year.text

    theirs = await client.get(f"/{other_office.slug}/statistikk?year=2024&taksonomi=2")
    assert theirs.status_code == 404 and "Helse og velferd" not in theirs.text
    download = await client.get(f"/{other_office.slug}/statistikk/arsrapport-2024.json?taksonomi=2")
    assert download.status_code == 404


@pytest.mark.parametrize("value", ["%00", quote("²"), "9" * 30, quote("١٢")])
async def test_an_odd_year_is_the_page_with_a_notice_and_400(
    client: AsyncTestClient, signed_in: Office, value: str
) -> None:
    response = await client.get(f"/{signed_in.slug}/statistikk?year={value}&taksonomi=1")
    assert response.status_code == 400 and "«år» i adressen kan ikke brukes" in response.text
    assert "Årsrapport 2024" in response.text


async def test_the_page_and_every_download_name_the_same_tables_in_the_same_order(
    client: AsyncTestClient, signed_in: Office
) -> None:
    import csv
    import io

    import docx
    from openpyxl import load_workbook

    from projections.report.model import TITLES

    page = (await client.get(f"/{signed_in.slug}/statistikk?year=2023")).text
    on_page = re.findall(r'id="tabell-[a-z-]+">\s*<caption><h4 class="ds-heading" data-size="xs">([^<]+)</h4>', page)
    assert on_page[:2] == [TITLES["by_primary_area"], TITLES["by_service_area"]] and set(on_page) <= set(
        TITLES.values()
    )

    base = f"/{signed_in.slug}/statistikk/arsrapport-2023"
    document = docx.Document(io.BytesIO((await client.get(base + ".docx")).content))
    captions = [p.text.split(": ", 1)[1] for p in document.paragraphs if p.text.startswith("Tabell ")]
    assert [title for title in captions if title in TITLES.values()] == on_page
    assert len(captions) == len(on_page) + 2  # and the key figures and the totals per year

    sheet = load_workbook(io.BytesIO((await client.get(base + ".xlsx")).content)).active
    headers = [row[0].value for row in sheet.iter_rows() if len(row) > 1 and row[1].value == "Antall"]
    assert headers == ["Henvendelser per år", *on_page]

    rows = csv.reader(io.StringIO((await client.get(base + ".csv")).text.lstrip("\ufeff")), delimiter=";")
    in_csv = {row[0] for row in rows if row[0] in TITLES.values()}
    assert set(on_page) <= in_csv  # the CSV lists every figure, a repeating table's too
