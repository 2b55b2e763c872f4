"""Measures the worker's audit-chain duties before and after issue 19, in one run: a loop over quiet tenants (seal
every tenant, as before, against the cheap look for new rows) and verification (the full pass the worker used to run
in its projection thread, against the incremental check of a new stretch)."""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

from bench.run import case_log
from bench.server import bench_server
from domain.common import Context
from infra.directory import PostgresTenantDirectory
from infra.eventstore import factory_maker, open_datastore
from infra.logins import APP_LOGIN, with_login, worker_url_for
from infra.migrate import migrate
from infra.settings import Settings
from infra.throwaway import throwaway_database
from services.audit import chain as audit_chain
from services.audit.chain import Head
from services.audit.keeper import AuditKeeper
from services.audit_signing import load_signer, new_signing_key_pem
from services.importing import import_case_log
from services.key_epochs import InMemoryEpochStore
from services.platform import Platform
from services.signed_heads import SignedHeads

STRETCH = 100  # entries the incremental check recomputes: about what a busy office adds in a minute


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.audit_keeping", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a small run that shows the code works")
    parser.add_argument("--tenants", type=int, default=None, help="quiet tenants in the loop (default 400)")
    args = parser.parse_args(argv)
    tenants = args.tenants or (20 if args.quick else 400)
    rows = 2_000 if args.quick else 100_000
    settings = Settings.from_environment()
    with bench_server(settings) as (scratch, server_url), throwaway_database(server_url, "ombud_bench") as url:
        app_url = with_login(url, APP_LOGIN)
        migrate(url, app_url)
        run(url, app_url, tenants, rows, scratch)
        return 0


def run(url: str, app_url: str, tenants: int, rows: int, scratch: Path) -> None:
    """`url` is the admin login (it refreshes the planner's statistics, as autovacuum would), `app_url` the app's."""
    datastore = open_datastore(app_url, pool_size=4, max_overflow=6)
    platform = Platform(
        PostgresTenantDirectory(datastore), os.urandom(32), factory_maker(datastore), epochs=InMemoryEpochStore()
    )
    ctx = Context("bench", "platform_admin", "bench")
    signer = load_signer(new_signing_key_pem(), "bench", SignedHeads(scratch / "signer"))
    for n in range(tenants):
        platform.create_tenant(ctx, slug=f"stille{n}", name=f"Stille kommune {n}")
    big = platform.create_tenant(ctx, slug="travel", name="Travel kommune")
    import_case_log(big, Context("bench", "caseworker", "bench"), case_log(rows, 2015, 10))
    scopes = audit_chain.scopes(platform.slugs())
    with psycopg.connect(worker_url_for(app_url)) as conn:  # sealing and signing are the worker's
        keeper = AuditKeeper(signer)
        keeper.keep(conn, scopes, now=True)  # everything sealed, signed and verified once
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute("ANALYZE")
        keeper.keep(conn, scopes)

        before = _loops(lambda: [audit_chain.seal(conn, scope) for scope in scopes])
        after = _loops(lambda: keeper.keep(conn, scopes))
        started = time.perf_counter()
        keeper.verify_in_full(conn, scopes)
        full_pass = time.perf_counter() - started

        with conn.transaction(), conn.cursor() as cursor:
            cursor.execute("SELECT set_config('app.tenant_id', 'travel', true)")
            length = audit_chain.head(cursor, "travel").length
            cursor.execute(
                "SELECT chain_hash FROM audit.chain_entries WHERE tenant_id = 'travel' AND position = %s",
                (length - STRETCH,),
            )
            since = Head(length - STRETCH, bytes(cursor.fetchone()[0]))
        started = time.perf_counter()
        full = audit_chain.verify(conn, "travel", signer.public_key)
        full_seconds = time.perf_counter() - started
        stretch = _loops(lambda: audit_chain.verify(conn, "travel", signer.public_key, since=since), repeats=20)
        assert full.holds and full.length == length
    platform.close()
    datastore.close()

    print("| measure | after (issue 19) | before, same run |")
    print("|---|---|---|")
    print(
        f"| worker loop over {len(scopes)} chains, none with new rows | {after * 1000:.1f} ms"
        f" (one pipelined look for new rows) | {before * 1000:.1f} ms (seal every chain) |"
    )
    print(
        f"| full verification of all {len(scopes)} chains ({length + len(scopes) - 1:,} entries) |"
        f" {full_pass:.2f} s in its own thread, off the projection path | the same, in the projection thread |"
    )
    print(
        f"| verifying one tenant's new stretch ({STRETCH} entries of {length:,}) | {stretch * 1000:.1f} ms"
        f" (incremental, from the stored head) | {full_seconds:.2f} s (its chain in full) |"
    )


def _loops(step: Callable[[], object], repeats: int = 10) -> float:
    """The median seconds of `repeats` runs of `step`."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


if __name__ == "__main__":
    raise SystemExit(main())
