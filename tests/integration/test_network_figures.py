"""The worker keeps the network's counts; a tenant reads only its own, the network every sharing office's."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

import asyncpg
import psycopg
import pytest

from domain.common import Context
from projections.network_figures import sharing_figures
from projections.network_releases import digest_of
from projections.network_report import Office as NetworkOffice
from projections.network_report import year_tables
from projections.reading import network_transaction
from projections.worker import ProjectionWorker
from services.case_commands import Forward, Resolve
from services.office import Office
from tests import factories
from tests.helpers import (
    Network,
    network_fixture,  # noqa: F401 (the fixture `network`)
)

YEAR = 2008  # no other test receives inquiries in 2008


def cases(
    office: Office, ctx: Context, count: int, area: str, *, resolve_after: int | None = None, year: int = YEAR
) -> None:
    """`count` inquiries received in March, the first forwarded twice; each resolved `resolve_after` days on."""
    first = date(year, 3, 1)
    for n, receipt in enumerate(
        factories.receive_many(
            office, ctx, count, first=first, service_area=area, case_types=("no_reply", "complaint_help")
        )
    ):
        if n == 0:
            office.handle(
                ctx, Forward(inquiry=receipt.reference, on=date(year, 3, 2), to_body="county_governor", reason="x")
            )
            office.handle(
                ctx, Forward(inquiry=receipt.reference, on=date(year, 3, 3), to_body="county_governor", reason="y")
            )
        if resolve_after is not None:
            office.handle(
                ctx,
                Resolve(inquiry=receipt.reference, on=date(year, 3, 1 + n % 28 + resolve_after), outcome="assisted"),
            )


@pytest.fixture
def offices(network: Network, caseworker: Context) -> tuple[Office, Office]:
    a = network.office("Nettby kommune", 20_000)
    b = network.office("Andreby kommune", 5_000)
    cases(a, caseworker, 12, "helse", resolve_after=10)
    cases(b, caseworker, 7, "nav")
    network.share(a, b)
    return a, b


def rows(database_url: str, slug: str) -> set[tuple[Any, ...]]:
    with psycopg.connect(database_url) as conn, conn.transaction():
        conn.execute("SELECT set_config('app.tenant_id', %s, true)", (slug,))
        return set(conn.execute("SELECT tenant_id, year, measure, key, n FROM read.network_figures").fetchall())


def network_read(database_url: str, year: int) -> tuple[str, list, dict]:
    """The year's digest (what a release is made from), the sharing offices, and their counts of the year, as the
    releases read them (projections.network_releases)."""
    with psycopg.connect(database_url) as conn, conn.transaction(), conn.cursor() as cursor:
        cursor.execute("SELECT set_config('app.network', 'on', true)")
        cursor.execute("SET LOCAL ROLE ombud_network")
        named, figures, days = sharing_figures(cursor, [year])
    tables = year_tables(year, [NetworkOffice(*office) for office in named], figures, days)
    return digest_of(tables, 4), named, figures


def test_the_worker_counts_inquiries_by_national_group_and_never_events(
    offices: tuple[Office, Office], database_url: str
) -> None:
    a, b = offices
    mine = {(measure, key): n for _, year, measure, key, n in rows(database_url, a.slug) if year == YEAR}
    assert mine[("total", "")] == 12
    assert mine[("group", "helse-og-omsorg")] == 12
    assert mine[("case_type", "no_reply")] == 12 and mine[("case_type", "complaint_help")] == 12
    assert mine[("forwarded", "")] == 1  # one inquiry, forwarded twice
    assert mine[("resolved", "")] == 12 and mine[("days_to_resolution", "10")] == 12
    theirs = {(measure, key): n for _, year, measure, key, n in rows(database_url, b.slug) if year == YEAR}
    assert theirs[("group", "sosiale-tjenester-og-nav")] == 7


def test_a_tenant_reads_only_its_own_rows_even_with_the_network_setting_on(
    offices: tuple[Office, Office], database_url: str
) -> None:
    a, _ = offices
    assert {row[0] for row in rows(database_url, a.slug)} == {a.slug}
    with psycopg.connect(database_url) as conn, conn.transaction():
        conn.execute("SET LOCAL ROLE ombud_reader")
        conn.execute("SELECT set_config('app.tenant_id', %s, true), set_config('app.network', 'on', true)", (a.slug,))
        seen = {row[0] for row in conn.execute("SELECT tenant_id FROM read.network_figures")}
        offices_seen = {row[0] for row in conn.execute("SELECT tenant_id FROM read.network_offices")}
    assert seen == {a.slug} and offices_seen == {a.slug}


def test_the_network_transaction_reads_every_sharing_office_and_no_other_table(
    offices: tuple[Office, Office], database_url: str, sharing_flag: Callable[[str, bool], None]
) -> None:
    a, b = offices
    before, named, figures = network_read(database_url, YEAR)
    assert {(a.slug, "Nettby kommune", 20_000), (b.slug, "Andreby kommune", 5_000)} <= set(named)
    assert figures[a.slug, YEAR]["total", ""] == 12 and figures[b.slug, YEAR]["total", ""] == 7
    sharing_flag(b.slug, False)
    after, named, figures = network_read(database_url, YEAR)
    assert after != before
    assert b.slug not in {slug for slug, _, _ in named} and (b.slug, YEAR) not in figures

    async def case_list() -> int:
        pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
        try:
            async with network_transaction(pool) as conn:
                return await conn.fetchval("SELECT count(*) FROM read.inquiries")
        finally:
            await pool.close()

    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        asyncio.run(case_list())


def test_a_rebuild_gives_the_same_rows_and_a_new_inquiry_in_a_finished_year_new_figures_to_release(
    offices: tuple[Office, Office], database_url: str, worker: ProjectionWorker, caseworker: Context
) -> None:
    a, _ = offices
    before = rows(database_url, a.slug)
    worker.rebuild(a.slug)
    assert rows(database_url, a.slug) == before
    first = (network_read(database_url, YEAR))[0]
    cases(a, caseworker, 1, "barnevern")
    worker.catch_up(a.slug)
    assert (network_read(database_url, YEAR))[0] != first
    assert "barnevern" in {key for _, _, measure, key, _ in rows(database_url, a.slug) if measure == "group"}


def test_a_new_taxonomy_version_maps_its_areas_and_keeps_the_older_inquiries_groups(
    offices: tuple[Office, Office], database_url: str, worker: ProjectionWorker, admin: Context
) -> None:
    from domain.taxonomy import ServiceArea

    a, _ = offices
    areas = tuple(area for area in a.profile().taxonomies[-1].areas if area.code != "helse")
    a.publish_taxonomy(
        admin,
        on=date(2009, 1, 1),
        effective_from=date(2009, 1, 1),
        areas=(*areas, ServiceArea("helse-og-velferd", "Helse og velferd")),
        mapping={"helse": "helse-og-velferd"},
    )
    worker.catch_up(a.slug)
    groups = {key: n for _, year, measure, key, n in rows(database_url, a.slug) if measure == "group" and year == YEAR}
    assert groups == {"helse-og-omsorg": 12}


def test_the_network_reads_a_year_as_one_row_holding_exactly_the_year_s_counts(
    offices: tuple[Office, Office], database_url: str
) -> None:
    a, _ = offices
    counts = {(measure, key): n for _, year, measure, key, n in rows(database_url, a.slug) if year == YEAR}
    figures = (network_read(database_url, YEAR))[2][a.slug, YEAR]
    assert figures == Counter({k: n for k, n in counts.items() if k[0] != "days_to_resolution"})


def test_an_office_that_maps_an_area_to_another_group_has_its_inquiries_counted_there_at_once(
    offices: tuple[Office, Office], database_url: str, worker: ProjectionWorker, admin: Context
) -> None:
    from services.office import MapNationalGroups

    a, b = offices
    a.handle(factories.as_admin(admin), MapNationalGroups(version=1, groups={"helse": "annet"}, on=date(2024, 1, 2)))
    worker.catch_up(a.slug)
    groups = {key: n for _, year, measure, key, n in rows(database_url, a.slug) if measure == "group" and year == YEAR}
    assert groups == {"annet": 12}
    figures = (network_read(database_url, YEAR))[2]
    assert figures[a.slug, YEAR]["group", "annet"] == 12 and ("group", "helse-og-omsorg") not in figures[a.slug, YEAR]
    theirs = {key for _, year, measure, key, _ in rows(database_url, b.slug) if measure == "group" and year == YEAR}
    assert theirs == {"sosiale-tjenester-og-nav"}  # the other office's mapping is its own
