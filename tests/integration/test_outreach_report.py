"""Outreach activities are counted per year in the annual report, per tenant."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from domain.common import Context
from infra.logins import worker_url_for
from projections.worker import ProjectionWorker
from services.office import Office
from services.platform import Platform
from tests.integration.helpers import two_offices


async def annual_reports(database_url: str, *wanted: tuple[Office, int]) -> list[dict[str, Any]]:
    """The annual report of each (office, year), each read in its own tenant's transaction."""
    import asyncpg

    from projections.annual_report import annual_report
    from projections.reading import tenant_transaction

    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    try:
        found = []
        for office, year in wanted:
            async with tenant_transaction(pool, office.slug) as conn:
                found.append(await annual_report(conn, office.profile(), year))
        return found
    finally:
        await pool.close()


async def test_the_annual_report_counts_the_years_outreach_by_kind(
    platform: Platform, admin: Context, caseworker: Context, new_slug: Callable[[], str], database_url: str
) -> None:
    a, b = two_offices(platform, admin, new_slug)
    for held_on, kind, participants in (
        (date(2024, 2, 1), "talk", 40),
        (date(2024, 5, 3), "talk", None),
        (date(2024, 9, 9), "course", 12),
        (date(2023, 11, 1), "talk", 25),
    ):
        a.register_outreach(
            caseworker, held_on=held_on, kind=kind, title="Om ombudet", audience="Eldrerådet", participants=participants
        )
    b.register_outreach(
        caseworker, held_on=date(2024, 3, 3), kind="stand", title="Stand", audience="Innbyggere", participants=100
    )
    worker = ProjectionWorker(platform, worker_url_for(database_url))
    try:
        worker.catch_up(a.slug)
        worker.catch_up(b.slug)
    finally:
        worker.close()
    [report] = await annual_reports(database_url, (a, 2024))
    assert report["outreach"] == {"talk": 2, "course": 1}
    assert report["outreach_participants"] == 52


async def test_the_annual_report_follows_a_correction_and_a_deletion_and_the_other_tenant_keeps_its_own(
    platform: Platform, admin: Context, caseworker: Context, new_slug: Callable[[], str], database_url: str
) -> None:
    a, b = two_offices(platform, admin, new_slug)
    fields = {"title": "Om ombudet", "audience": "Eldrerådet"}
    moved = a.register_outreach(caseworker, held_on=date(2024, 2, 1), kind="talk", participants=40, **fields)
    doubled = a.register_outreach(caseworker, held_on=date(2024, 5, 3), kind="talk", participants=40, **fields)
    kept = a.register_outreach(caseworker, held_on=date(2024, 9, 9), kind="talk", participants=12, **fields)
    b.register_outreach(caseworker, held_on=date(2024, 3, 3), kind="stand", participants=100, **fields)
    worker = ProjectionWorker(platform, worker_url_for(database_url))
    try:
        worker.catch_up(a.slug)  # the report first counts all three, then follows the later events
        a.correct_outreach(caseworker, moved, held_on=date(2023, 12, 1), kind="course", participants=1200, **fields)
        a.correct_outreach(caseworker, kept, held_on=date(2024, 9, 9), kind="course", participants=12, **fields)
        a.withdraw_outreach(caseworker, doubled)
        worker.catch_up(a.slug)
        worker.catch_up(b.slug)
    finally:
        worker.close()
    year, before, other = await annual_reports(database_url, (a, 2024), (a, 2023), (b, 2024))
    assert (year["outreach"], year["outreach_participants"]) == ({"course": 1}, 12)
    assert (before["outreach"], before["outreach_participants"]) == ({"course": 1}, 1200)
    assert (other["outreach"], other["outreach_participants"]) == ({"stand": 1}, 100)
