"""Measures import rate against a raw COPY, projection catch-up rate, annual-report and page latency, in one run."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import psycopg

from bench import cli_startup, web
from bench.stock_runner import stock_catch_up_seconds
from domain.common import Context
from infra.directory import PostgresTenantDirectory
from infra.embedded import start_postgres
from infra.eventstore import factory_maker, open_datastore
from infra.key_epochs import DirectoryEpochStore
from infra.logins import APP_LOGIN, with_login, worker_url_for
from infra.migrate import migrate
from infra.settings import Settings
from projections.annual_report import annual_report
from projections.reading import tenant_transaction
from projections.worker import ProjectionWorker
from services.audit import chain as audit_chain
from services.audit_signing import load_signer, new_signing_key_pem
from services.importing import import_case_log
from services.key_epochs import InMemoryEpochStore
from services.platform import Platform

AREAS = ["Helse", "Plan og bygg", "Skole og barnehage", "Boligkontoret", "NAV", "Barnevern", "Annet"]
STOCK_EVENTS = 20_000
QUICK_STOCK_EVENTS = 300
HEADER = "reference,received_on,service_area,case_types,interim_reply_on,resolved_on,outcome"


def case_log(rows: int, first_year: int, years: int) -> bytes:
    """Rows spread over `years` years; each implies three events (received, interim reply, resolved)."""
    rng = random.Random(7)
    lines = [HEADER]
    for n in range(rows):
        year = first_year + n % years
        day = 1 + n % 28
        lines.append(
            f"B-{n},{year}-03-{day:02d},{rng.choice(AREAS)},{rng.choice(['no_reply', 'complaint_help'])},"
            f"{year}-04-{day:02d},{year}-06-{day:02d},assisted"
        )
    return ("\n".join(lines) + "\n").encode()


def copy_baseline(url: str, data: bytes) -> float:
    """Seconds for PostgreSQL's COPY of the same CSV into a plain table: the floor for any import."""
    with psycopg.connect(url) as conn:
        conn.execute(
            "CREATE TEMP TABLE raw_log (reference text, received_on date, service_area text,"
            " case_types text, interim_reply_on date, resolved_on date, outcome text)"
        )
        started = time.perf_counter()
        with conn.cursor().copy("COPY raw_log FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            copy.write(data)
        conn.commit()
        return time.perf_counter() - started


async def report_latencies(url: str, platform: Platform, slug: str, years: range, repeats: int) -> list[float]:
    profile = platform.office(slug).profile()
    pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
    timings = []
    try:
        for _ in range(repeats):
            for year in years:
                started = time.perf_counter()
                async with tenant_transaction(pool, slug) as conn:
                    await annual_report(conn, profile, year)
                timings.append(time.perf_counter() - started)
    finally:
        await pool.close()
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a small run that shows the code works (CI)")
    parser.add_argument(
        "--only", choices=["events", "web", "cli"], help="only the event-store figures, the pages, or the command line"
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="DIR",
        help="a checkout of an earlier commit with its own .venv: its catch-up and command line measured in this run",
    )
    args = parser.parse_args(argv)
    rows, repeats = (2_000, 2) if args.quick else (100_000, 50)
    pages = WebRun(200, 0.3, 1) if args.quick else WebRun(10_000, 10.0, 3)
    settings = Settings.from_environment()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        # The admin login makes the database and migrates; the product runs as the least-privileged app login.
        server = None if settings.database_url else start_postgres(Path(scratch))
        server_url = settings.admin_database_url or settings.database_url or server.url
        name = f"ombud_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
        app_url = with_login(url, APP_LOGIN)
        try:
            master_key = os.urandom(32)
            migrate(url, app_url)
            if args.only in (None, "events"):
                earlier = baseline_catch_up(args.baseline, args.quick) if args.baseline else None
                run(url, app_url, master_key, rows, repeats, earlier, quick=args.quick)
            if args.only in (None, "web"):
                run_web(url, app_url, master_key, Path(scratch), settings.redis_url, pages)
            if args.only in (None, "cli"):
                tenants, runs = (20, 1) if args.quick else (400, 7)
                print()
                print("\n".join(cli_startup.run(server_url, tenants, runs, args.baseline)))
            print(
                f"\nThe whole run: {time.perf_counter() - started:.0f} s (load average now {os.getloadavg()[0]:.2f})."
            )
            return 0
        finally:
            with psycopg.connect(server_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            if server:
                server.close()


CATCH_UP_LINE = re.compile(r"\| projection catch-up, case list[^|]*\| ([\d,]+) events/s")


def baseline_catch_up(checkout: Path, quick: bool) -> float:
    """The catch-up rate of an earlier commit's own benchmark, run now with its own interpreter and code (the same
    number of rows), so that the two rates come from one run on one machine state."""
    done = subprocess.run(
        [checkout / ".venv" / "bin" / "python", "-m", "bench.run", "--only", "events", *(["--quick"] if quick else [])],
        cwd=checkout,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    found = CATCH_UP_LINE.search(done.stdout)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"bench: the baseline's benchmark failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return float(found.group(1).replace(",", ""))


def run(
    url: str,
    app_url: str,
    master_key: bytes,
    rows: int,
    repeats: int,
    earlier: float | None = None,
    *,
    quick: bool = False,
) -> None:
    """`url` is the admin login (the baselines), `app_url` the app's (the product); `earlier`: the catch-up rate of
    an earlier commit measured in this run."""
    datastore = open_datastore(app_url, pool_size=4, max_overflow=6)
    platform = Platform(
        PostgresTenantDirectory(datastore), master_key, factory_maker(datastore), epochs=InMemoryEpochStore()
    )
    ctx = Context("bench", "caseworker", "bench")
    office = platform.create_tenant(ctx, slug="bench", name="Benchmark kommune")
    data = case_log(rows, 2015, 10)
    events = rows * 3

    copy_seconds = copy_baseline(url, data)
    started = time.perf_counter()
    import_case_log(office, ctx, data)
    import_seconds = time.perf_counter() - started

    worker = ProjectionWorker(platform, worker_url_for(app_url))
    started = time.perf_counter()
    applied = worker.catch_up("bench")
    catch_up_seconds = time.perf_counter() - started
    worker.close()
    chain = measure_chain(worker_url_for(app_url), "bench")  # the worker seals and signs on its own login

    # The stock runner is slow: time it over the first events only.
    stock_events = min(applied, QUICK_STOCK_EVENTS if quick else STOCK_EVENTS)
    stock_seconds = stock_catch_up_seconds(url, "bench", office.app.env["CIPHER_KEY"], stock_events)

    timings = asyncio.run(report_latencies(app_url, platform, "bench", range(2015, 2025), repeats))
    platform.close()
    datastore.close()
    p50 = statistics.median(timings) * 1000
    p95 = statistics.quantiles(timings, n=20)[18] * 1000

    print("| measure | figure | baseline in the same run |")
    print("|---|---|---|")
    print(
        f"| import, {rows} rows ({events} events) | {events / import_seconds:,.0f} events/s"
        f" ({rows / import_seconds:,.0f} rows/s, {import_seconds:.1f} s) |"
        f" COPY of the same CSV: {rows / copy_seconds:,.0f} rows/s ({copy_seconds:.2f} s) |"
    )
    rate = applied / catch_up_seconds
    print(
        f"| projection catch-up, case list | {rate:,.0f} events/s ({catch_up_seconds:.1f} s) |"
        f" stock ProjectionRunner: {stock_events / stock_seconds:,.0f} events/s"
        f" (first {stock_events} events, {stock_seconds:.1f} s; {rate / (stock_events / stock_seconds):.1f}×) |"
    )
    if earlier:
        print(
            f"| projection catch-up against the earlier commit | {rate / earlier:.2f}× |"
            f" the earlier commit's own bench, run just before: {earlier:,.0f} events/s |"
        )
    with_chain = chain.sealed / (import_seconds + chain.seal_seconds)
    print(
        f"| import, then sealed into the audit chain | {with_chain:,.0f} events/s"
        f" ({import_seconds + chain.seal_seconds:.1f} s; sealing alone {chain.sealed / chain.seal_seconds:,.0f}"
        f" entries/s) | import without the chain: {events / import_seconds:,.0f} events/s |"
    )
    print(
        f"| projection catch-up, then sealed | {applied / (catch_up_seconds + chain.seal_seconds):,.0f} events/s"
        f" ({catch_up_seconds + chain.seal_seconds:.1f} s) | catch-up without the chain:"
        f" {applied / catch_up_seconds:,.0f} events/s |"
    )
    print(f"| first signed checkpoint (recomputes {chain.sealed} entries) | {chain.checkpoint_seconds:.2f} s | – |")
    print(
        f"| `verify`, {chain.sealed} entries | {chain.verify_seconds:.2f} s"
        f" ({chain.sealed / chain.verify_seconds:,.0f} entries/s;"
        f" {100_000 * chain.verify_seconds / chain.sealed:.2f} s per 100,000) | – |"
    )
    print(
        f"| annual report, 10 years × {rows // 10} inquiries, {len(timings)} queries | p50 {p50:.1f} ms, p95 {p95:.1f} ms | – |"
    )


@dataclass(frozen=True)
class ChainFigures:
    sealed: int
    seal_seconds: float
    checkpoint_seconds: float
    verify_seconds: float


def measure_chain(app_url: str, slug: str) -> ChainFigures:
    """The audit chain's cost for a tenant's events: the worker's sealing pass, the first checkpoint, a verify."""
    signer = load_signer(new_signing_key_pem(), "bench")
    with psycopg.connect(app_url, autocommit=True) as conn:
        started = time.perf_counter()
        sealed = audit_chain.seal(conn, slug)
        seal_seconds = time.perf_counter() - started
        started = time.perf_counter()
        audit_chain.checkpoint(conn, slug, signer)
        checkpoint_seconds = time.perf_counter() - started
        started = time.perf_counter()
        verdict = audit_chain.verify(conn, slug, signer.public_key)
        verify_seconds = time.perf_counter() - started
    if not verdict.holds or verdict.length != sealed:
        raise SystemExit("bench: the audit chain did not verify")
    return ChainFigures(sealed, seal_seconds, checkpoint_seconds, verify_seconds)


WEB_WORKERS = (1, 2)  # one process, and one per core of this machine


@dataclass(frozen=True)
class WebRun:
    inquiries: int
    seconds: float
    rounds: int


def run_web(url: str, app_url: str, master_key: bytes, scratch: Path, redis_url: str | None, plan: WebRun) -> None:
    """A tenant of its own in the same database, served by `ombud serve` in another process (as the app's login)."""
    datastore = open_datastore(app_url, pool_size=4, max_overflow=6)
    platform = Platform(
        PostgresTenantDirectory(datastore),
        master_key,
        factory_maker(datastore),
        epochs=DirectoryEpochStore(scratch / "serve" / "key-epochs", master_key),
    )
    try:
        tenant, setup_seconds = web.build_tenant(platform, datastore, app_url, plan.inquiries, admin_url=url)
    finally:
        platform.close()
        datastore.close()
    print()
    print(f"Setup {setup_seconds:.0f} s.")
    for workers in WEB_WORKERS:
        load = os.getloadavg()
        with web.served(app_url, master_key, scratch, redis_url, ["--workers", str(workers)]) as server:
            cookie = web.sign_in(server.base)
            figures = web.measure(server, cookie, tenant, seconds=plan.seconds, rounds=plan.rounds)
        print()
        print(f"`ombud serve --workers {workers}`; load average before {load[0]:.2f}, after {os.getloadavg()[0]:.2f}.")
        print("\n".join(web.table(figures, plan.inquiries, plan.seconds, plan.rounds)))


if __name__ == "__main__":
    sys.exit(main())
