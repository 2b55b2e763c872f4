"""The network report is worked out once per fingerprint: a change works out again only the year it touched."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date

import asyncpg
import pytest

from domain.common import Context
from projections import network_report
from projections.network_report import NetworkReports
from projections.worker import ProjectionWorker
from services.office import Office
from services.platform import Platform

FIRST, LAST = 2005, 2006  # no other test receives inquiries in these years


def receive(office: Office, ctx: Context, year: int, count: int) -> None:
    for n in range(count):
        office.receive(
            ctx,
            received_on=date(year, 6, 1 + n),
            channel="phone",
            requester_role="user",
            service_area="helse",
            case_types=["no_reply"],
            summary="Testdata uten personopplysninger",
        )


@pytest.fixture
def offices(
    platform: Platform,
    admin: Context,
    caseworker: Context,
    new_slug: Callable[[], str],
    worker: ProjectionWorker,
    sharing_flag: Callable[[str, bool], None],
) -> tuple[Office, Office]:
    a = platform.create_tenant(admin, slug=new_slug(), name="Bufferby kommune", population=10_000)
    b = platform.create_tenant(admin, slug=new_slug(), name="Lagerby kommune", population=10_000)
    for office in (a, b):
        receive(office, caseworker, FIRST, 8)
        receive(office, caseworker, LAST, 9)
        sharing_flag(office.slug, True)
        worker.catch_up(office.slug)
    return a, b


def test_a_change_works_out_only_its_year_and_a_new_sharing_set_every_year(
    offices: tuple[Office, Office],
    database_url: str,
    worker: ProjectionWorker,
    caseworker: Context,
    sharing_flag: Callable[[str, bool], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b = offices
    built: list[int] = []
    real = network_report.build_year

    def counting(year: int, *args: object, **kwargs: object) -> dict:
        built.append(year)
        return real(year, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(network_report, "build_year", counting)

    async def run() -> None:
        pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
        try:
            reports = NetworkReports(pool, 4)
            first = await reports.report(FIRST, LAST)
            assert built == [FIRST, LAST]
            assert await reports.report(FIRST, LAST) is first  # nothing changed: the same report, nothing built
            assert built == [FIRST, LAST]
            await asyncio.to_thread(receive, a, caseworker, LAST, 1)
            await asyncio.to_thread(worker.catch_up, a.slug)
            second = await reports.report(FIRST, LAST)
            assert built == [FIRST, LAST, LAST]  # only the year that changed
            assert second["by_year"][0] is first["by_year"][0]
            mine = next(o for o in second["by_year"][1]["offices"] if o["slug"] == a.slug)
            assert mine["inquiries"]["value"] == 10
            await asyncio.to_thread(sharing_flag, b.slug, False)
            third = await reports.report(FIRST, LAST)
            assert built == [FIRST, LAST, LAST, FIRST, LAST]  # who shares changed: every year
            assert b.slug not in repr(third)
        finally:
            await pool.close()

    asyncio.run(run())


def test_a_year_worked_out_by_one_process_is_taken_from_redis_by_another(
    offices: tuple[Office, Office], database_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from redis import asyncio as aioredis

    built: list[int] = []
    real = network_report.build_year

    def counting(year: int, *args: object, **kwargs: object) -> dict:
        built.append(year)
        return real(year, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(network_report, "build_year", counting)

    async def run() -> None:
        pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
        shared = aioredis.from_url(redis_url)
        try:
            first = await NetworkReports(pool, 4, shared=shared).report(FIRST, LAST)
            assert built == [FIRST, LAST]
            second = await NetworkReports(pool, 4, shared=shared).report(FIRST, LAST)  # another process
            assert built == [FIRST, LAST] and second == first
            await NetworkReports(pool, 5, shared=shared).report(FIRST, LAST)  # another threshold: its own tables
            assert built == [FIRST, LAST, FIRST, LAST]
        finally:
            await shared.aclose()
            await pool.close()

    asyncio.run(run())
