"""Times the slow pages of issue 21 at the server (in process, no network): kassasjon, the DOCX, its setting, sign-in.

A throwaway database with one tenant of `--inquiries` over six years (bench.web's generated case log, mostly
resolved), retention at one year so that most are due; each page is asked `--rounds` times after one warm-up, and
/health beside it as the floor of the same run. `python -m bench.pages --baseline DIR` measures a checkout of an earlier
commit first in the same run (this script, that checkout's code: `git archive COMMIT | tar -x -C DIR`). `--profile` prints where each page's work goes (cProfile) instead.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from litestar.testing import AsyncTestClient

from bench.web import PASSWORD, SLUG, build_tenant
from domain.common import Context, today_in_norway
from infra.directory import PostgresAccountDirectory, PostgresTenantDirectory
from infra.eventstore import factory_maker, open_datastore
from infra.key_epochs import DirectoryEpochStore
from infra.logins import with_database
from infra.throwaway import migrated_throwaway_database
from services.accounts import create_account
from services.platform import Platform
from services.retention import Retention, SetRetention
from web.app import create_app

ADMIN = "ytelse-admin@eksempel.invalid"


async def _measure(client: AsyncTestClient, rounds: int) -> dict[str, list[float]]:
    year = today_in_norway().year - 1
    await client.get("/login")

    async def sign_in() -> int:
        data = {"email": ADMIN, "password": PASSWORD, "_csrf_token": client.cookies["ombud_csrf"]}
        return (await client.post("/login", data=data, follow_redirects=False)).status_code

    async def kassasjon() -> int:
        return (await client.get(f"/{SLUG}/admin/kassasjon")).status_code

    async def setting() -> int:
        data = {"years": "1", "_csrf_token": client.cookies["ombud_csrf"]}
        return (
            await client.post(f"/{SLUG}/admin/kassasjon/innstilling", data=data, follow_redirects=False)
        ).status_code

    async def docx() -> int:
        return (await client.get(f"/{SLUG}/statistikk/arsrapport-{year}.docx")).status_code

    async def health() -> int:
        return (await client.get("/health")).status_code

    pages = {
        "/health (floor)": health,
        "sign-in (POST /login)": sign_in,
        "GET /admin/kassasjon": kassasjon,
        "POST /admin/kassasjon/innstilling": setting,
        f"GET arsrapport-{year}.docx": docx,
    }
    assert await sign_in() == 303
    times: dict[str, list[float]] = {name: [] for name in pages}
    for name, page in pages.items():  # the first request of each: imports, the retention fold, caches
        started = time.perf_counter()
        status = await page()
        times[name].append((time.perf_counter() - started) * 1000)
        assert status in (200, 303), f"{name}: {status}"
    for _ in range(rounds):
        for name, page in pages.items():  # in turn, so that a drift of the machine touches each alike
            started = time.perf_counter()
            await page()
            times[name].append((time.perf_counter() - started) * 1000)
    return times


def _profile(platform: Platform, url: str) -> None:
    """Where each page's time goes: the retention candidates, the setting, the DOCX (its queries and its rendering)."""
    import cProfile
    import pstats

    import asyncpg

    from projections.annual_report import annual_report, report_history
    from projections.reading import tenant_transaction
    from projections.report.files import render
    from services.accounts import password_matches

    office = platform.office(SLUG)
    profile = office.profile()
    year = today_in_norway().year - 1
    retention = Retention(office)
    ctx = Context("bench", "tenant_admin", "bench-pages")

    async def report() -> tuple[dict, dict]:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
        try:
            async with tenant_transaction(pool, SLUG) as conn:
                found = await annual_report(conn, profile, year, None)
                return found, await report_history(conn, profile, year, None)
        finally:
            await pool.close()

    work = {
        "retention.due": lambda: retention.due(today_in_norway()),
        "retention.set_years": lambda: retention.set_years(ctx, SetRetention(1, today_in_norway())),
        "annual report queries": lambda: asyncio.run(report()),
        "password_matches": lambda: password_matches(None, "feil-passord-her"),
    }
    found, history = asyncio.run(report())
    work["render docx"] = lambda: render("docx", found, profile, history)
    for step, call in work.items():
        call()  # warm-up
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.runcall(call)
        print(f"\n=== {step}: {(time.perf_counter() - started) * 1000:,.0f} ms (profiled)")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(18)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/pages.py", description=__doc__)
    parser.add_argument("--inquiries", type=int, default=3_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="cProfile the work behind each page, then stop")
    parser.add_argument("--baseline", type=Path, help="a checkout of an earlier commit: measured first, in this run")
    args = parser.parse_args(argv)
    if args.baseline:
        print(f"baseline: {args.baseline}", flush=True)
        same = ["--inquiries", str(args.inquiries), "--rounds", str(args.rounds)]
        run_here = f"import runpy, sys; sys.argv = ['pages', *{same!r}]; runpy.run_path({str(Path(__file__))!r}, run_name='__main__')"
        subprocess.run(
            [sys.executable, "-c", run_here],
            cwd=args.baseline,
            env={**os.environ, "PYTHONPATH": str(args.baseline)},
            check=True,
        )
        print("this checkout:", flush=True)
    server = os.environ.get("OMBUD_ADMIN_DATABASE_URL") or os.environ["DATABASE_URL"]
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    master_key = os.urandom(32)
    with tempfile.TemporaryDirectory() as scratch, migrated_throwaway_database(server, "bench_pages") as url:
        datastore = open_datastore(url, pool_size=2, max_overflow=2)
        platform = Platform(
            PostgresTenantDirectory(datastore),
            master_key,
            factory_maker(datastore),
            epochs=DirectoryEpochStore(Path(scratch), master_key),
        )
        try:
            admin_url = with_database(server, urlsplit(url).path.lstrip("/"))
            build_tenant(platform, datastore, url, args.inquiries, admin_url=admin_url)
            ctx = Context("bench", "tenant_admin", "bench-pages")
            create_account(
                PostgresAccountDirectory(datastore), email=ADMIN, role="tenant_admin", tenant=SLUG, password=PASSWORD
            )
            Retention(platform.office(SLUG)).set_years(ctx, SetRetention(1, today_in_norway()))
            if args.profile:
                _profile(platform, url)
                return 0
            app = create_app(platform, url, redis_url, secure_cookies=False)

            async def run() -> dict[str, list[float]]:
                async with AsyncTestClient(app=app) as client:
                    return await _measure(client, args.rounds)

            times = asyncio.run(run())
        finally:
            platform.close()
            datastore.close()
    print(f"{args.inquiries} inquiries, {args.rounds} rounds; ms at the server, min / median / max")
    print("| page | first | min | median | max |\n|---|---|---|---|---|")
    for page, (first, *values) in times.items():
        print(f"| {page} | {first:,.0f} | {min(values):,.0f} | {statistics.median(values):,.0f} | {max(values):,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
