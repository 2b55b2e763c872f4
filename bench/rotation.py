"""Times a key rotation over N live inquiries (the re-wrap of their keys and the search index's re-keying) and the
per-page key lookup before and after it, on a throwaway database: `python -m bench.rotation [--inquiries N]`."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
import uuid
from datetime import UTC, date, datetime

from bench.server import bench_server
from domain.common import Context
from infra.directory import PostgresTenantDirectory
from infra.eventstore import factory_maker, open_datastore
from infra.key_epochs import DirectoryEpochStore
from infra.logins import worker_url_for
from infra.settings import Settings
from infra.throwaway import migrated_throwaway_database
from projections.worker import ProjectionWorker
from services.case_commands import ReceiveInquiry
from services.office import Office
from services.platform import Platform


def lookups(office: Office, ids: list[uuid.UUID], count: int) -> float:
    """Median milliseconds of one page's key lookup (one indexed row, the epoch key from the process's cache)."""
    keys = office.app.inquiry_keys
    assert keys is not None
    timings = []
    for inquiry_id in random.Random(1).choices(ids, k=count):
        started = time.perf_counter()
        keys.for_reading(inquiry_id)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rotation", description=__doc__)
    parser.add_argument("--inquiries", type=int, default=5_000)
    parser.add_argument("--lookups", type=int, default=1_000)
    args = parser.parse_args(argv)
    settings = Settings.from_environment()
    with bench_server(settings) as (scratch, server_url):
        with migrated_throwaway_database(server_url, "ombud_bench") as app_url:
            master_key = os.urandom(32)
            datastore = open_datastore(app_url, pool_size=4, max_overflow=6)
            platform = Platform(
                PostgresTenantDirectory(datastore),
                master_key,
                factory_maker(datastore),
                epochs=DirectoryEpochStore(scratch / "key-epochs", master_key),
            )
            worker = ProjectionWorker(platform, worker_url_for(app_url))
            try:
                ctx = Context("ytelsesmaling", "caseworker", str(uuid.uuid4()))
                office = platform.create_tenant(ctx, slug="bench", name="Benchmark kommune")
                started = time.perf_counter()
                ids = [
                    office.handle(ctx, ReceiveInquiry(
                        reference=f"B-{n}", received_on=date(2024, 1, 1), service_area="helse",
                        channel="phone", requester_role="user", requester_name=f"Prøve Person{n}",
                        summary=f"Klage nummer {n} på vedtak om støttekontakt",
                    )).id
                    for n in range(args.inquiries)
                ]  # fmt: skip
                worker.catch_up_all()
                setup = time.perf_counter() - started
                before = lookups(office, ids, args.lookups)
                started = time.perf_counter()
                rotated = worker.key_rotation().rotate(datetime.now(UTC))
                rotation = time.perf_counter() - started
                after = lookups(office, ids, args.lookups)
                epoch = platform.epochs.create().number
                keys = office.app.inquiry_keys
                assert keys is not None
                started = time.perf_counter()
                rewrapped = keys.rewrap_all(epoch)
                rewrap = time.perf_counter() - started
            finally:
                worker.close()
                platform.close()
                datastore.close()
        print(f"Setup: {args.inquiries:,} inquiries received and projected: {setup:.0f} s")
        print("| measure | value |")
        print("|---|---|")
        print(
            f"| `ombud keys rotate` (re-wrap + search index re-keyed), {rotated.rewrapped:,} keys | {rotation:.2f} s |"
        )
        print(f"| re-wrap alone, {rewrapped:,} keys | {rewrap:.2f} s ({rewrapped / rewrap:,.0f} keys/s) |")
        print(f"| key lookup per page, median, before rotation | {before:.2f} ms |")
        print(f"| key lookup per page, median, after rotation | {after:.2f} ms |")
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
