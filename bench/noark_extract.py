"""Times a Noark 5 extract of a demo kommune, step by step (reading the events, rendering the letters as DOCX,
converting them to PDF/A in batches, writing and validating the XML), on a throwaway database:
`python -m bench.noark_extract [--tenant fredrikstad] [--from 2025-01-01] [--to 2025-12-31] [--batch 200]`."""

from __future__ import annotations

import argparse
import os
import time
from datetime import UTC, date, datetime

from bench.server import bench_server
from domain.common import Context
from infra.directory import PostgresTenantDirectory
from infra.eventstore import factory_maker, open_datastore
from infra.key_epochs import DirectoryEpochStore
from infra.settings import Settings
from infra.throwaway import migrated_throwaway_database
from services.archive import documents
from services.archive.extract import prepare
from services.archive.noark import extract_of
from services.demo import load_demo
from services.letters import Letters
from services.platform import Platform


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.noark_extract", description=__doc__)
    parser.add_argument("--tenant", default="fredrikstad")
    parser.add_argument("--from", dest="start", type=date.fromisoformat, default=date(2025, 1, 1))
    parser.add_argument("--to", dest="end", type=date.fromisoformat, default=date(2025, 12, 31))
    parser.add_argument("--batch", type=int, default=documents.BATCH, help="letters per LibreOffice call")
    args = parser.parse_args(argv)
    documents.BATCH = args.batch
    settings = Settings.from_environment()
    with bench_server(settings) as (scratch, server_url), migrated_throwaway_database(server_url, "ombud_bench") as url:
        master_key = os.urandom(32)
        datastore = open_datastore(url, pool_size=4, max_overflow=6)
        platform = Platform(
            PostgresTenantDirectory(datastore),
            master_key,
            factory_maker(datastore),
            epochs=DirectoryEpochStore(scratch / "key-epochs", master_key),
        )
        try:
            load_demo(platform, Context("ytelsesmaling", "platform_admin", "bench"), today=date(2025, 12, 31))
            office = platform.office(args.tenant)
            started = time.perf_counter()
            extract = extract_of(office, args.start, args.end, datetime.now(UTC))
            reading = time.perf_counter() - started
            letters = Letters(office)
            started = time.perf_counter()
            bodies = [letters.letter(c.reference, d.kind, d.dated).body for c, d in extract.documents]
            rendering = time.perf_counter() - started
            started = time.perf_counter()
            for first in range(0, len(bodies), args.batch):
                documents.docx_to_pdfa(bodies[first : first + args.batch])
            converting = time.perf_counter() - started
            started = time.perf_counter()
            prepared = prepare(office, args.start, args.end)
            whole = time.perf_counter() - started
        finally:
            platform.close()
            datastore.close()
    print(f"{args.tenant} {args.start}–{args.end}: {prepared.summary}")  # a slug and counts only
    print(f"reading the events and mapping: {reading:.1f} s")
    print(f"rendering {len(bodies)} letters as DOCX: {rendering:.1f} s")
    print(f"converting them to PDF/A, {args.batch} a LibreOffice call: {converting:.1f} s")
    print(f"the whole extract (again, with checks and validation): {whole:.1f} s")
    print(f"size: {sum(len(b) for b in prepared.files.values()) / 1e6:.1f} MB in {len(prepared.files)} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
