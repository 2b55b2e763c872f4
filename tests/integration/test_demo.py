"""The demo tenants must look like the real offices: their past years follow the published figures."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from domain.common import Context
from domain.taxonomy import code_for
from infra.logins import worker_url_for
from services.demo import OMBUD_OPEN_PER_OFFICE, OVERDUE_PER_OFFICE, load_demo, seed_figures
from services.office import InquiryNotFound, InquiryView, Office
from services.platform import Platform
from tests.helpers import open_platform


def inquiries_of_year(office: Office, year: int) -> list[InquiryView]:
    found: list[InquiryView] = []
    while True:
        try:
            found.append(office.inquiry(f"{year}-{len(found) + 1:04d}"))
        except InquiryNotFound:
            return found


@pytest.fixture(scope="module")
def demo(database_url: str, master_key: bytes, epoch_dir: Path) -> Platform:
    with open_platform(database_url, master_key, epoch_dir) as platform:
        messages: list[str] = []
        load_demo(platform, Context("demo", "platform_admin", "demo-test"), progress=messages.append)
        load_demo(platform, Context("demo", "platform_admin", "demo-test-again"), progress=messages.append)
        assert "Drammen kommune: finnes allerede, hopper over" in messages
        yield platform


def test_drammen_2023_has_the_published_counts_by_area_and_by_case_type(demo: Platform) -> None:
    published = seed_figures()["drammen"]["2023"]
    inquiries = inquiries_of_year(demo.office("drammen"), 2023)

    by_area = Counter(area for i in inquiries for area in [i.primary_area, *i.further_areas])
    by_case_type = Counter(t for i in inquiries for t in i.case_types)

    assert len(inquiries) == published["total"]
    assert by_area == {code_for(name): n for name, n in published["by_service_area"].items()}
    assert by_case_type == published["by_case_type"]
    assert sum(Counter(i.primary_area for i in inquiries).values()) == published["total"]


def test_trondheim_has_the_published_rows_per_unit_for_2019_to_2024(demo: Platform) -> None:
    figures = seed_figures()["trondheim"]
    office = demo.office("trondheim")
    names = {a.code: a.name for t in office.profile().taxonomies for a in t.areas}
    for index, year in enumerate(figures["years"]):
        by_unit = Counter(names[i.primary_area] for i in inquiries_of_year(office, year))
        for units in figures["units"].values():
            for unit, counts in units.items():
                assert by_unit[unit] == (counts[index] or 0), (year, unit)


def test_trondheim_2024_has_the_published_total_and_outside_mandate(demo: Platform) -> None:
    published = seed_figures()["trondheim"]["2024"]
    inquiries = inquiries_of_year(demo.office("trondheim"), 2024)
    assert len(inquiries) == published["total"]
    assert sum(i.outside_mandate for i in inquiries) == published["outside_mandate"]


def test_trondheim_carries_the_reorganisation_of_13_june_2024_as_a_second_taxonomy(demo: Platform) -> None:
    taxonomies = demo.office("trondheim").profile().taxonomies
    assert [(t.version, t.effective_from.isoformat()) for t in taxonomies][-1] == (2, "2024-06-13")


def test_every_demo_tenant_has_work_in_progress_this_year(demo: Platform, new_slug: Callable[[], str]) -> None:
    from domain.common import today_in_norway

    for slug in ("drammen", "trondheim", "fredrikstad"):
        this_year = inquiries_of_year(demo.office(slug), today_in_norway().year)
        assert this_year, slug
        assert any(i.status == "open" for i in this_year), slug


@pytest.fixture(scope="module")
def projected(demo: Platform, database_url: str) -> Platform:
    from projections.worker import ProjectionWorker

    worker = ProjectionWorker(demo, worker_url_for(database_url))
    try:
        worker.catch_up_all()
    finally:
        worker.close()
    return demo


async def report_for(platform: Platform, database_url: str, slug: str, year: int) -> dict:
    import asyncpg

    from projections.annual_report import annual_report
    from projections.reading import tenant_transaction

    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    try:
        async with tenant_transaction(pool, slug) as conn:
            return await annual_report(conn, platform.office(slug).profile(), year)
    finally:
        await pool.close()


async def test_drammens_annual_report_2023_reproduces_the_published_tables(
    projected: Platform, database_url: str
) -> None:
    published = seed_figures()["drammen"]["2023"]
    report = await report_for(projected, database_url, "drammen", 2023)

    assert report["total"] == published["total"]
    assert report["by_service_area"] == {code_for(n): c for n, c in published["by_service_area"].items()}
    assert report["by_case_type"] == published["by_case_type"]
    assert sum(report["by_primary_area"].values()) == published["total"]


async def test_trondheims_annual_reports_reproduce_the_published_rows_per_unit(
    projected: Platform, database_url: str
) -> None:
    figures = seed_figures()["trondheim"]
    codes = {a.name: a.code for t in projected.office("trondheim").profile().taxonomies for a in t.areas}
    for index, year in enumerate(figures["years"]):
        report = await report_for(projected, database_url, "trondheim", year)
        for units in figures["units"].values():
            for unit, counts in units.items():
                assert report["by_service_area"].get(codes[unit], 0) == (counts[index] or 0), (year, unit)
    report_2024 = await report_for(projected, database_url, "trondheim", 2024)
    assert (report_2024["total"], report_2024["outside_mandate"]) == (384, 23)
    assert report_2024["taxonomy_version"] == 2


async def test_trondheim_2024_reprojected_under_the_new_taxonomy_gives_the_published_sector_totals(
    projected: Platform, database_url: str
) -> None:
    import asyncpg

    from projections.annual_report import annual_report
    from projections.reading import tenant_transaction

    published = seed_figures()["trondheim"]["2024"]["by_sector"]
    profile = projected.office("trondheim").profile()
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    try:
        async with tenant_transaction(pool, "trondheim") as conn:
            as_recorded = await annual_report(conn, profile, 2024)
            reprojected = await annual_report(conn, profile, 2024, taxonomy_version=2)
    finally:
        await pool.close()

    assert (reprojected["taxonomy_version"], reprojected["taxonomy_basis"]) == (2, "reprojected")
    assert reprojected["by_parent_area"]["helse-og-omsorg"] == published["Helse og omsorg"]
    assert reprojected["by_parent_area"]["sosiale-tjenester"] == published["Sosiale tjenester"]
    assert reprojected["by_parent_area"]["oppvekst-og-utdanning"] == published["Oppvekst og utdanning (skole)"]
    assert as_recorded["taxonomy_basis"] == "in_force_at_receipt"
    assert "helse-omsorg-og-velferd" in as_recorded["by_parent_area"]  # before 13 June: the old sector
    assert reprojected["by_service_area"] == as_recorded["by_service_area"]  # units kept their codes


async def test_trondheims_year_over_year_table_has_the_published_row_per_unit(
    projected: Platform, database_url: str
) -> None:
    import asyncpg

    from projections.annual_report import year_over_year
    from projections.reading import tenant_transaction

    figures = seed_figures()["trondheim"]
    profile = projected.office("trondheim").profile()
    codes = {a.name: a.code for t in profile.taxonomies for a in t.areas}
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    try:
        async with tenant_transaction(pool, "trondheim") as conn:
            table = await year_over_year(conn, profile, 2019, 2024, taxonomy_version=2)
    finally:
        await pool.close()

    assert table["years"] == figures["years"]
    for units in figures["units"].values():
        for unit, counts in units.items():
            assert table["by_service_area"][codes[unit]] == [c or 0 for c in counts], unit


async def test_the_xlsx_and_docx_reports_carry_the_published_tables_under_their_names(
    projected: Platform, database_url: str
) -> None:
    import io

    import docx
    import openpyxl

    from projections.report.docx_draft import as_docx
    from projections.report.workbook import as_xlsx

    published = seed_figures()["drammen"]["2023"]
    profile = projected.office("drammen").profile()
    report = await report_for(projected, database_url, "drammen", 2023)

    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx(report, profile))).active
    cells = [(row[0], row[1]) for row in sheet.iter_rows(values_only=True) if len(row) > 1]
    area_table = cells[cells.index(("Henvendelser etter tjenesteområde (alle berørte områder)", "Antall")) + 1 :][:9]
    assert dict(area_table) == published["by_service_area"]

    document = docx.Document(io.BytesIO(as_docx(report, profile)))
    assert [p.text for p in document.paragraphs[:2]] == ["Drammen kommune", "Årsmelding 2023"]
    rows = {(r.cells[0].text, r.cells[1].text) for t in document.tables if len(t.columns) > 1 for r in t.rows}
    for name, count in published["by_service_area"].items():
        assert (name, str(count)) in rows
    assert ("Bistand til klage", "54") in rows


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="libreoffice is not installed")
async def test_libreoffice_renders_the_demos_report_drafts_with_their_figures(
    projected: Platform, database_url: str, tmp_path: Path
) -> None:
    import subprocess

    import asyncpg

    from projections.annual_report import report_history
    from projections.reading import tenant_transaction
    from projections.report.docx_draft import as_docx
    from tools.report_pages import page_images, to_pdf

    for slug, year, total in (("drammen", 2023, "153"), ("trondheim", 2024, "384")):
        profile = projected.office(slug).profile()
        report = await report_for(projected, database_url, slug, year)
        pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
        try:
            async with tenant_transaction(pool, slug) as conn:
                history = await report_history(conn, profile, year)
        finally:
            await pool.close()
        draft = tmp_path / f"{slug}-{year}.docx"
        draft.write_bytes(as_docx(report, profile, history))
        pdf = to_pdf(draft, tmp_path)
        text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        cover, *pages = text.split("\f")
        assert f"Årsmelding {year}" in cover and profile.name in cover
        assert f"I {year} mottok ombudet {total} henvendelser" in "".join(pages)
        assert "Tabell 2" in "".join(pages) and "[Skriv her:" in "".join(pages)
        images = page_images(pdf, tmp_path / slug, 2)
        assert [image.name for image in images] == [f"{slug}-p1.png", f"{slug}-p2.png"]


def test_the_readmes_demo_accounts_exist_once_with_their_roles(
    demo: Platform, database_url: str, admin_database_url: str
) -> None:
    import psycopg

    from infra.directory import PostgresAccountDirectory
    from infra.eventstore import open_datastore
    from services.accounts import password_matches
    from services.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, create_demo_accounts

    datastore = open_datastore(database_url, pool_size=1, max_overflow=0)
    try:
        create_demo_accounts(PostgresAccountDirectory(datastore))
        create_demo_accounts(PostgresAccountDirectory(datastore))  # again: nothing new, no error
    finally:
        datastore.close()
    with psycopg.connect(admin_database_url) as conn:  # every tenant's accounts at once: the owner's view
        rows = conn.execute(
            "SELECT email, role, tenant_id, password_hash FROM platform.accounts WHERE email = ANY(%s)",
            ([email for email, _, _ in DEMO_ACCOUNTS],),
        ).fetchall()
    assert sorted(row[:3] for row in rows) == sorted(DEMO_ACCOUNTS)
    assert all(password_matches(row[3], DEMO_PASSWORD) for row in rows)
    assert "ombud-demo-2026" in (Path(__file__).parents[2] / "README.md").read_text()


async def read_rows(database_url: str, slug: str, query: str) -> list:
    import asyncpg

    from projections.reading import tenant_transaction

    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    try:
        async with tenant_transaction(pool, slug) as conn:
            return await conn.fetch(query)
    finally:
        await pool.close()


DEMO_TENANTS = ("drammen", "trondheim", "fredrikstad")


async def test_every_demo_office_has_overdue_inquiries_open_with_no_interim_reply(
    projected: Platform, database_url: str, admin_database_url: str
) -> None:
    """The § 11 a deadline shows: the dashboard's «Forsinket svar» is never empty in the demo."""
    from domain.common import today_in_norway
    from domain.deadlines import reply_due

    today = today_in_norway()
    accounts = demo_account_ids(admin_database_url)
    for slug in DEMO_TENANTS:
        rows = await read_rows(database_url, slug, "SELECT reference FROM read.inquiries WHERE status = 'open'")
        office = projected.office(slug)
        late = [
            found
            for found in (office.inquiry(row["reference"]) for row in rows)
            if found.interim_reply_on is None and reply_due(found.received_on) < today
        ]
        assert len(late) >= OVERDUE_PER_OFFICE, slug
        staff = {email for email, tenant in accounts.values() if tenant == slug}
        assert all(found.assignee in staff and found.resolved_on is None for found in late), slug
        assert {found.assignee for found in late} == {f"admin@{slug}.demo", f"saksbehandler@{slug}.demo"}, slug


def test_every_demo_ombud_has_open_inquiries_of_their_own(demo: Platform) -> None:
    """The README says each office's administrator (its ombud) has open cases: Fredrikstad's too."""
    from domain.common import today_in_norway

    for slug in DEMO_TENANTS:
        this_year = inquiries_of_year(demo.office(slug), today_in_norway().year)
        own = [i for i in this_year if i.status == "open" and i.assignee == f"admin@{slug}.demo"]
        assert len(own) >= OMBUD_OPEN_PER_OFFICE, slug


def test_every_demo_office_has_a_letterhead_its_letters_carry_and_its_ombud_signs(demo: Platform) -> None:
    import io

    import docx

    from domain.common import today_in_norway
    from services.demo import DEMO_NAMES
    from services.letters import Letters

    heads = {}
    for slug in DEMO_TENANTS:
        letters = Letters(demo.office(slug))
        head = letters.letterhead()
        assert head is not None, slug
        heads[slug] = head
        assert head.office_name.startswith("Kommuneombudet i ") and head.address_lines and head.phone, slug
        assert head.email.endswith(".demo")  # made up: no one can be reached there
        assert head.signature_name == DEMO_NAMES[f"admin@{slug}.demo"] and head.signature_title, slug
        reference = inquiries_of_year(demo.office(slug), today_in_norway().year)[0].reference
        letter = letters.letter(reference, "interim_reply", today_in_norway())
        document = docx.Document(io.BytesIO(letter.body))
        text = "\n".join(
            [p.text for p in document.paragraphs]
            + [p.text for section in document.sections for p in section.header.paragraphs]
            + [c.text for t in document.tables for r in t.rows for c in r.cells]
        )
        for wanted in (head.office_name, head.phone, head.email, head.signature_name, head.signature_title):
            assert wanted in text, (slug, wanted)
    assert len({head.office_name for head in heads.values()}) == len(DEMO_TENANTS)


async def test_every_demo_tenant_has_every_year_from_its_first_to_this_one(
    projected: Platform, database_url: str
) -> None:
    from domain.common import today_in_norway

    for slug in DEMO_TENANTS:
        rows = await read_rows(
            database_url, slug, "SELECT DISTINCT extract(year FROM received_on)::int AS year FROM read.inquiries"
        )
        years = sorted(row["year"] for row in rows)
        assert years == list(range(years[0], today_in_norway().year + 1)), slug
        assert years[0] == {"drammen": 2023, "trondheim": 2019, "fredrikstad": 2022}[slug]


async def test_only_recent_inquiries_are_overdue_and_only_recent_ones_are_open(
    projected: Platform, database_url: str
) -> None:
    from domain.common import today_in_norway
    from projections.inquiries import overdue

    today = today_in_norway()
    for slug in DEMO_TENANTS:
        import asyncpg

        from projections.reading import tenant_transaction

        pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
        try:
            async with tenant_transaction(pool, slug) as conn:
                late = await overdue(conn, today)
                still_open = await conn.fetch(
                    "SELECT received_on FROM read.inquiries WHERE status = 'open' AND received_on < $1",
                    date(today.year, 1, 1),
                )
                this_year = await conn.fetchrow(
                    "SELECT count(*) AS received, count(*) FILTER (WHERE status = 'open') AS open"
                    " FROM read.inquiries WHERE received_on >= $1",
                    date(today.year, 1, 1),
                )
        finally:
            await pool.close()
        assert all((today - row["received_on"]).days <= 75 for row in late), slug
        assert OVERDUE_PER_OFFICE <= len(late) <= OVERDUE_PER_OFFICE + 5, slug  # a few slip, as in any office
        assert len(still_open) <= 3, slug
        assert 0 < this_year["open"] < this_year["received"] / 3, slug


def demo_account_ids(admin_database_url: str) -> dict[str, tuple[str, str | None]]:
    """Every demo account's id → (email, tenant), read as the owner (every tenant at once)."""
    import psycopg

    from services.demo import DEMO_ACCOUNTS

    with psycopg.connect(admin_database_url) as conn:
        rows = conn.execute(
            "SELECT id, email, tenant_id FROM platform.accounts WHERE email = ANY(%s)",
            ([email for email, _, _ in DEMO_ACCOUNTS],),
        ).fetchall()
    return {str(row[0]): (row[1], row[2]) for row in rows}


def test_the_demo_staff_of_each_tenant_receive_assign_answer_and_close_its_cases(
    demo: Platform, admin_database_url: str
) -> None:
    from domain.common import today_in_norway
    from services.demo import DEMO_NAMES

    accounts = demo_account_ids(admin_database_url)
    year = today_in_norway().year
    for slug in DEMO_TENANTS:
        office = demo.office(slug)
        own = {account_id for account_id, (_, tenant) in accounts.items() if tenant == slug}
        own_emails = {accounts[account_id][0] for account_id in own}
        this_year = inquiries_of_year(office, year)
        sample = [i for i in this_year if i.status == "open"] + inquiries_of_year(office, year - 1)[:30]
        actors = {(entry.actor_id, entry.actor_role) for i in sample for entry in office.history(i.reference)}
        assert {actor for actor, role in actors if role != "citizen"} <= own, slug  # no other tenant's people
        assert {role for _, role in actors} <= {"caseworker", "tenant_admin", "citizen"}, slug
        assert {role for _, role in actors} >= {"caseworker", "tenant_admin"}, slug
        waiting = [i for i in this_year if i.status == "open" and i.assignee is None]
        assert all((today_in_norway() - i.received_on).days <= 3 for i in waiting), slug  # only what came in just now
        assignees = {i.assignee for i in this_year if i.status == "open"} - {None}
        assert assignees and assignees <= own_emails, slug
        assert all(DEMO_NAMES[email] for email in assignees)
        assert len({DEMO_NAMES[email] for email in own_emails}) == len(own_emails)


def test_every_demo_account_has_a_made_up_display_name() -> None:
    from services.demo import DEMO_ACCOUNTS, DEMO_NAMES

    assert set(DEMO_NAMES) == {email for email, _, _ in DEMO_ACCOUNTS}
    assert all(len(name.split()) == 2 and name.istitle() for name in DEMO_NAMES.values())
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    for email, name in DEMO_NAMES.items():
        assert f"| `{email}` | {name} |" in readme, email


async def test_the_outreach_titles_say_what_each_activity_was(projected: Platform, database_url: str) -> None:
    for slug in DEMO_TENANTS:
        rows = await read_rows(database_url, slug, "SELECT title, held_on FROM read.outreach")
        titles = [row["title"] for row in rows]
        assert len(set(titles)) >= 8, slug
        assert "Om kommuneombudet" not in titles
        assert any(title.startswith("Foredrag") for title in titles), slug


async def test_search_for_testesen_finds_every_demo_inquiry_of_the_tenant(
    projected: Platform, database_url: str
) -> None:
    from tests.integration.test_search_index import hits

    for slug in DEMO_TENANTS:
        office = projected.office(slug)
        every = {row["id"] for row in await read_rows(database_url, slug, "SELECT id FROM read.inquiries")}
        assert every and set(await hits(database_url, office, "Testesen")) == every, slug
        assert await hits(database_url, office, "demo testesen") == await hits(database_url, office, "Testesen")


def test_the_demo_is_the_same_every_time_it_is_drawn() -> None:
    import random

    from domain.reference import ReferenceSequence
    from domain.taxonomy import MUNICIPAL_AREAS
    from domain.tenant import Tenant
    from services import demo as drawn
    from services.keys import new_tenant_key
    from services.search_index import SearchIndex

    figures = seed_figures()
    today = date(2026, 12, 1)
    plans = drawn._drammen(figures["drammen"], today)
    assert plans == drawn._drammen(figures["drammen"], today)
    assert sorted({p["received_on"].year for p in plans}) == [2023, 2024, 2025, 2026]
    staff = drawn._Staff(
        ombud=drawn._Person("ombud@prove.demo", "id-ombud", "tenant_admin"),
        advisers=(drawn._Person("radgiver@prove.demo", "id-radgiver", "caseworker"),),
    )
    year = [p for p in plans if p["received_on"].year == 2025]
    index = SearchIndex("drammen", new_tenant_key(), None, None)

    def histories() -> list[list[tuple[str, object, object]]]:
        rng = random.Random("samme")
        ctx = Context("id-ombud", "tenant_admin", "prove")
        sequence = ReferenceSequence.start(ctx, year=2025, on=year[0]["received_on"])
        tenant = Tenant.register(
            ctx, on=date(2020, 1, 2), slug="drammen", name="Drammen kommune", population=102_000,
            shares_statistics=True, areas=MUNICIPAL_AREAS, taxonomy_from=date(2000, 1, 1),
        )  # fmt: skip
        return [
            [(type(e).__qualname__, getattr(e, "on", None), getattr(e, "actor_id", None)) for e in i.collect_events()]
            for i in (drawn._inquiry(tenant, sequence, plan, rng, today, staff, index) for plan in year)
        ]

    first = histories()
    assert first == histories()
    assert all(history[-1][0] == "Inquiry.Resolved" for history in first)  # last year: every case closed
