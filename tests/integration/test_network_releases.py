"""The network sees releases only: made when a year's figures change, numbered, never changed, a sharing change at the
next one; the network's role reads what was published and never the counts behind it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import asyncpg
import psycopg
import pytest

from domain.common import Context
from infra.logins import worker_url_for
from projections.network_releases import Made, make_releases
from projections.network_report import NetworkReports
from projections.reading import network_transaction
from projections.worker import ProjectionWorker
from services.office import Office
from tests import factories
from tests.helpers import (
    Network,
    network_fixture,  # noqa: F401 (the fixture `network`)
)

FIRST, LAST = 2005, 2006  # no other test receives inquiries in these years
UNRELEASED = 2004  # nor in this one, which only the worker's test uses
HEALTH = "helse-og-omsorg"


def release(database_url: str, years: list[int] | None = None, due: datetime | None = None) -> list[Made]:
    """Made as the worker makes them, on its own login."""
    with psycopg.connect(worker_url_for(database_url)) as conn:
        return make_releases(conn, 4, LAST, by="test", years=years or [FIRST, LAST], due=due)


def report(database_url: str, first: int = FIRST, last: int = LAST) -> dict:
    async def run() -> dict:
        pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
        try:
            return await NetworkReports(pool, 4).report(first, last)
        finally:
            await pool.close()

    return asyncio.run(run())


@pytest.fixture
def offices(network: Network, caseworker: Context) -> tuple[Office, Office, Office]:
    made = (
        network.office("Storby kommune", 10_000),
        network.office("Mellomby kommune", 10_000),
        network.office("Lilleby kommune", 1_000),
    )
    for office, (health, nav) in zip(made, ((8, 30), (5, 20), (2, 9)), strict=True):
        factories.receive_many(office, caseworker, health, first=date(LAST, 6, 1))
        factories.receive_many(office, caseworker, nav, first=date(LAST, 6, 1), service_area="nav")
        factories.receive_many(office, caseworker, 9, first=date(FIRST, 6, 1))
        network.share(office)
    return made


def mine(entry: dict, office: Office) -> dict | None:
    return next((o for o in entry["offices"] if o["slug"] == office.slug), None)


def test_figures_show_only_once_released_and_a_year_without_change_gets_no_new_release(
    offices: tuple[Office, Office, Office], database_url: str
) -> None:
    big, _, _ = offices
    before = report(database_url)
    made = release(database_url)
    assert {m.year for m in made} == {FIRST, LAST} and all(m.number for m in made)
    after = report(database_url)
    assert mine(after["by_year"][1], big)["inquiries"] == 38
    assert after["by_year"][1]["release"]["number"] == made[-1].number
    assert mine(before["by_year"][1], big) is None or before["by_year"][1]["release"] is not None
    assert release(database_url) == []  # nothing changed: no new release


def test_an_office_that_stops_sharing_stays_in_the_current_release_and_its_count_cannot_be_worked_out_after(
    offices: tuple[Office, Office, Office], database_url: str, sharing_flag: Callable[[str, bool], None]
) -> None:
    big, middle, small = offices
    release(database_url)
    first = report(database_url)["by_year"][1]
    assert mine(first, small)["by_national_group"][HEALTH] == ":"  # 2
    sharing_flag(small.slug, False)
    assert mine(report(database_url)["by_year"][1], small) is not None  # the current release keeps its offices
    [made] = release(database_url, [LAST])
    second = report(database_url)["by_year"][1]
    assert second["release"]["number"] == made.number == first["release"]["number"] + 1
    assert mine(second, small) is None and small.slug not in repr(second)
    health = (first["national"]["by_national_group"][HEALTH], second["national"]["by_national_group"][HEALTH])
    known = [mine(second, office)["by_national_group"][HEALTH] for office in (big, middle)]
    # national before minus national after minus what the others show may never give Lilleby's 2
    assert ":" in (*health, *known)


def test_the_worker_s_rule_releases_a_changed_year_only_when_its_latest_release_is_old_enough(
    offices: tuple[Office, Office, Office], database_url: str, worker: ProjectionWorker, caseworker: Context
) -> None:
    big, _, _ = offices
    release(database_url)
    factories.receive_many(big, caseworker, 6, first=date(LAST, 6, 1))
    worker.catch_up(big.slug)
    now = datetime.now(UTC)
    assert release(database_url, [LAST], due=now - timedelta(days=7)) == []  # the latest is too new
    [made] = release(database_url, [LAST], due=now)
    assert made.number is not None and mine(report(database_url)["by_year"][1], big)["inquiries"] in (44, ":")


def test_the_network_role_reads_what_was_published_never_the_counts_behind_it_and_no_one_rewrites_a_release(
    offices: tuple[Office, Office, Office], database_url: str
) -> None:
    release(database_url)

    async def read_source() -> None:
        pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
        try:
            async with network_transaction(pool) as conn:
                assert await conn.fetchval("SELECT count(*) FROM read.network_releases WHERE year = $1", LAST) >= 1
                await conn.fetchval("SELECT source FROM read.network_releases LIMIT 1")
        finally:
            await pool.close()

    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        asyncio.run(read_source())
    for login in (database_url, worker_url_for(database_url)):  # the web's and the worker's: neither rewrites
        with psycopg.connect(login) as conn:
            conn.execute("SELECT set_config('app.network', 'on', false)")
            for statement in ("UPDATE read.network_releases SET threshold = 1", "DELETE FROM read.network_releases"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement)
                conn.rollback()
                conn.execute("SELECT set_config('app.network', 'on', false)")
        with psycopg.connect(login) as conn:  # without the network's setting, nothing of it is seen
            assert conn.execute("SELECT count(*) FROM read.network_releases").fetchone() == (0,)


def test_the_reader_keeps_a_report_until_a_new_release_is_made(
    offices: tuple[Office, Office, Office], database_url: str, worker: ProjectionWorker, caseworker: Context
) -> None:
    big, _, _ = offices
    release(database_url)

    async def run() -> None:
        pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
        try:
            reports = NetworkReports(pool, 4)
            first = await reports.report(FIRST, LAST)
            assert await reports.report(FIRST, LAST) is first
            await asyncio.to_thread(factories.receive_many, big, caseworker, 1, first=date(LAST, 6, 1))
            await asyncio.to_thread(worker.catch_up, big.slug)
            assert await reports.report(FIRST, LAST) is first  # new figures show at the next release only
            await asyncio.to_thread(release, database_url, [LAST])
            second = await reports.report(FIRST, LAST)
            assert second is not first and second["by_year"][0] == first["by_year"][0]
            assert second["by_year"][1]["release"]["number"] == first["by_year"][1]["release"]["number"] + 1
        finally:
            await pool.close()

    asyncio.run(run())


def test_the_worker_releases_a_year_without_a_release_at_once_and_looks_once_a_day(
    offices: tuple[Office, Office, Office], database_url: str, worker: ProjectionWorker, caseworker: Context
) -> None:
    big, _, _ = offices
    factories.receive_many(
        big, caseworker, 12, first=date(UNRELEASED, 6, 1)
    )  # no other test has figures in that year: it has no release yet
    worker.catch_up(big.slug)
    made = worker.network_releases_once_a_day()
    assert Made(UNRELEASED, 1) in made
    assert worker.network_releases_once_a_day() == []  # the same day: no second look
    assert mine(report(database_url, UNRELEASED, UNRELEASED)["by_year"][0], big)["inquiries"] == 12
