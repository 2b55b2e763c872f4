"""Measures the national network's report over 400 offices × 10 years (or the demo's offices): cold, warm, and the old page.

The offices are real tenants (their profiles in the event store, as the old page reads them); their inquiries are
not replayed from events but written straight into the read models the worker keeps, from synthetic case-list rows
through the worker's own fold (projections.statistics and projections.network_figures' `count`): the same
rows the worker would write, in seconds instead of an hour of imports.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import os
import random
import statistics
import time
import uuid
from collections import Counter
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import anyio.to_thread
import asyncpg
import psycopg

from bench.network_baseline import network_table, network_years, office_reports
from bench.server import bench_server
from domain.common import Context
from domain.inquiry import CHANNELS, COMPLAINT_OUTCOMES, FORWARD_BODIES, REQUESTER_ROLES
from domain.taxonomy import STANDARD_CASE_TYPES
from infra.directory import PostgresTenantDirectory
from infra.eventstore import factory_maker, open_datastore
from infra.logins import with_database, worker_url_for
from infra.settings import Settings
from infra.throwaway import migrated_throwaway_database
from projections import network_figures
from projections import statistics as running_counts
from projections.network_releases import make_releases
from projections.network_report import NetworkReports
from projections.worker import ProjectionWorker
from services.demo import load_demo
from services.key_epochs import InMemoryEpochStore
from services.platform import Platform

CASE_TYPES = [case_type.code for case_type in STANDARD_CASE_TYPES]


def synthetic_rows(rng: random.Random, count: int, first_year: int, years: int, areas: list[str]) -> list[dict]:
    """Case-list rows as the worker folds them: received over the years, most resolved, some forwarded or complained."""
    rows = []
    for _ in range(count):
        received = date(first_year + rng.randrange(years), 1, 1) + timedelta(days=rng.randrange(365))
        resolved = received + timedelta(days=int(rng.expovariate(1 / 25))) if rng.random() < 0.95 else None
        complaints = 1 if rng.random() < 0.06 else 0
        rows.append(
            {
                "received_on": received,
                "channel": rng.choice(CHANNELS),
                "requester_role": rng.choice(REQUESTER_ROLES),
                "primary_area": rng.choice(areas),
                "further_areas": [],
                "case_types": rng.sample(CASE_TYPES, 1 + (rng.random() < 0.3)),
                "outside_mandate": rng.random() < 0.05,
                "interim_reply_on": received + timedelta(days=10) if rng.random() < 0.3 else None,
                "first_response_on": received + timedelta(days=rng.randrange(1, 20)),
                "forwarded_to": [rng.choice(FORWARD_BODIES)] if rng.random() < 0.08 else [],
                "meetings": int(rng.random() < 0.2),
                "complaints_sent": complaints,
                "complaint_outcomes": [rng.choice(COMPLAINT_OUTCOMES)] if complaints and rng.random() < 0.7 else [],
                "resolved_on": resolved,
            }
        )
    return rows


def build_offices(platform: Platform, app_url: str, admin_url: str, offices: int, inquiries: int, years: int) -> float:
    """`offices` tenants, populations log-uniform from 1,000 to 700,000, inquiries in proportion; returns seconds."""
    started = time.perf_counter()
    rng = random.Random(2026)
    ctx = Context("bench", "platform_admin", "bench-network")
    populations = [int(1_000 * 700 ** rng.random()) for _ in range(offices)]
    scale = inquiries / sum(populations)
    first_year = date.today().year - years
    worker = ProjectionWorker(platform, worker_url_for(app_url))
    year_rows, area_rows, figure_rows = io.StringIO(), io.StringIO(), io.StringIO()
    try:
        for n, population in enumerate(populations):
            slug = f"nett{n:03d}"
            office = platform.create_tenant(ctx, slug=slug, name=f"Testkommune {n:03d}", population=population)
            worker.catch_up(slug)  # the Registered event: the network's name, population and mapping
            areas = [area.code for area in office.profile().taxonomies[0].areas]
            years_counts: Counter = Counter()
            area_counts: Counter = Counter()
            figures: Counter = Counter()
            for row in synthetic_rows(rng, max(1, round(population * scale)), first_year, years, areas):
                running_counts.count(row, 1, years_counts, area_counts)
                network_figures.count(row, [], 1, figures)
            year_rows.writelines(f"{slug}\t{y}\t{m}\t{k}\t{c}\n" for (y, m, k), c in years_counts.items())
            area_rows.writelines(f"{slug}\t{d}\t{a}\t{p}\t{c}\n" for (d, a, p), c in area_counts.items())
            figure_rows.writelines(f"{slug}\t{y}\t{m}\t{k}\t{c}\n" for (y, m, k), c in figures.items())
    finally:
        worker.close()
    with psycopg.connect(admin_url) as conn:  # what the worker would have written, at once
        for table, data in (
            ("read.year_statistics (tenant_id, year, measure, key, n)", year_rows),
            ("read.area_days (tenant_id, received_on, area, is_primary, n)", area_rows),
            ("read.network_figures (tenant_id, year, measure, key, n)", figure_rows),
        ):
            with conn.cursor().copy(f"COPY {table} FROM STDIN") as copy:
                copy.write(data.getvalue())
        for slug in {line.split("\t", 1)[0] for line in figure_rows.getvalue().splitlines()}:  # as the worker does
            conn.execute("SELECT set_config('app.tenant_id', %s, true)", (slug,))
            with conn.cursor() as cursor:
                network_figures.snapshot_years(cursor, slug)
        conn.commit()
        conn.autocommit = True
        conn.execute(
            "VACUUM ANALYZE read.year_statistics, read.area_days, read.network_figures, read.network_offices,"
            " read.network_years"
        )
    return time.perf_counter() - started


def cuts(timings: list[float]) -> tuple[float, float]:
    quantiles = statistics.quantiles(timings, n=20)
    return statistics.median(timings) * 1000, quantiles[18] * 1000


async def measure(
    platform: Platform, app_url: str, first: int, last: int, repeats: int, redis_url: str | None = None
) -> dict[str, Any]:
    pool = await asyncpg.create_pool(app_url, min_size=2, max_size=2)
    results: dict[str, Any] = {}
    started = time.perf_counter()
    with psycopg.connect(
        worker_url_for(app_url)
    ) as conn:  # the network reads releases only: release 1 of every year first
        make_releases(conn, 4, last, by="bench")
    once = (time.perf_counter() - started) * 1000
    results["making release 1 of every year (`ombud network release`), once"] = (once, once)
    try:
        baseline = []
        for _ in range(max(3, repeats // 4)):  # today's page: every profile from the event store, two queries an office
            started = time.perf_counter()
            profiles = await anyio.to_thread.run_sync(platform.tenants)
            sharing = [profile for profile in profiles if profile.shares_statistics]
            await network_years(pool, sharing)
            network_table(last, await office_reports(pool, sharing, last), CASE_TYPES)
            baseline.append(time.perf_counter() - started)
        results["baseline: today's page, one year"] = cuts(baseline)
        for label, (a, b) in (("one year", (last, last)), (f"{last - first + 1} years", (first, last))):
            cold = []
            for _ in range(repeats):
                reports = NetworkReports(pool, 4)  # an empty cache: reads the releases
                started = time.perf_counter()
                await reports.report(a, b)
                cold.append(time.perf_counter() - started)
            results[f"new report, {label}, cold"] = cuts(cold)
            warm = []
            for _ in range(repeats * 10):
                started = time.perf_counter()
                await reports.report(a, b)
                warm.append(time.perf_counter() - started)
            results[f"new report, {label}, warm (cached per release)"] = cuts(warm)
        with psycopg.connect(worker_url_for(app_url)) as conn:  # one office stops sharing: release 2, with release 1
            conn.execute(
                "UPDATE platform.tenants SET shares_statistics = false WHERE slug = %s", (platform.slugs()[0],)
            )
            conn.commit()
            started = time.perf_counter()
            make_releases(conn, 4, last, by="bench")
            once = (time.perf_counter() - started) * 1000
        results["making release 2 of every year after one office stopped sharing, once"] = (once, once)
    finally:
        await pool.close()
    return results


async def measure_page(platform: Platform, datastore: Any, app_url: str, redis_url: str, repeats: int) -> dict:
    """`GET /nettverk` in this process (the app and its test client; the client's share is small beside the page)."""
    from litestar.testing import AsyncTestClient

    from infra.directory import PostgresAccountDirectory
    from services.accounts import create_account
    from web.app import create_app

    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request would drown the figures
    password = "et-langt-ytelsespassord"
    account = create_account(
        PostgresAccountDirectory(datastore),
        email="nettverk@eksempel.invalid",
        role="network",
        tenant=None,
        password=password,
    )
    results: dict[str, Any] = {}
    async with AsyncTestClient(app=create_app(platform, app_url, redis_url, secure_cookies=False)) as client:
        await client.get("/login")
        signed_in = await client.post(
            "/login",
            data={"email": account.email, "password": password, "_csrf_token": client.cookies["ombud_csrf"]},
            follow_redirects=False,
        )
        assert signed_in.status_code == 303
        for label, count in (("cold (first request of a new process)", 1), ("warm", repeats * 10)):
            timings = []
            for _ in range(count):
                started = time.perf_counter()
                response = await client.get("/nettverk")
                timings.append(time.perf_counter() - started)
                assert response.status_code == 200
            results[f"`GET /nettverk`, {label}"] = cuts(timings) if count > 1 else (timings[0] * 1000,) * 2
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.network", description=__doc__)
    parser.add_argument("--offices", type=int, default=400)
    parser.add_argument("--inquiries", type=int, default=200_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--demo", action="store_true", help="the demo's offices instead of generated ones")
    args = parser.parse_args(argv)
    settings = Settings.from_environment()
    with bench_server(settings) as (_, server_url):
        with migrated_throwaway_database(server_url, "ombud_bench") as app_url:
            datastore = open_datastore(app_url, pool_size=4, max_overflow=6)
            platform = Platform(
                PostgresTenantDirectory(datastore),
                os.urandom(32),
                factory_maker(datastore),
                epochs=InMemoryEpochStore(),
            )
            try:
                if args.demo:
                    started = time.perf_counter()
                    load_demo(platform, Context("ytelsesmaling", "platform_admin", str(uuid.uuid4())))
                    ProjectionWorker(platform, worker_url_for(app_url)).catch_up_all()
                    seconds = time.perf_counter() - started
                    setup = f"the demo's offices ({len(platform.slugs())}), loaded and projected"
                    first, last = 2019, date.today().year - 1
                else:
                    seconds = build_offices(
                        platform, app_url, admin_url(app_url, server_url), args.offices, args.inquiries, args.years
                    )
                    setup = f"{args.offices} offices, {args.inquiries:,} inquiries over {args.years} years"
                    last = date.today().year - 1
                    first = last - args.years + 1
                results = asyncio.run(measure(platform, app_url, first, last, args.repeats, settings.redis_url))
                if settings.redis_url:
                    results |= asyncio.run(measure_page(platform, datastore, app_url, settings.redis_url, args.repeats))
            finally:
                platform.close()
                datastore.close()
        print(f"Setup: {setup}: {seconds:.0f} s")
        print("| measure | p50 | p95 |")
        print("|---|---|---|")
        for label, (p50, p95) in results.items():
            print(f"| {label} | {p50:.1f} ms | {p95:.1f} ms |")
        return 0


def admin_url(app_url: str, server_url: str) -> str:
    """The admin's login on the throwaway database (the offices' read models are written as the worker would)."""
    return with_database(server_url, urlsplit(app_url).path.lstrip("/"))


if __name__ == "__main__":
    raise SystemExit(main())
