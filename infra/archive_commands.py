"""`ombud archive …`: a tenant's Noark 5 extract written to a folder (its reads in the access log first), and an
inquiry's case file put into Fiks Arkiv's outbox for the worker to deliver."""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg

from domain.access_records import ARCHIVE_PURPOSE
from domain.common import DomainError
from infra.commands import _read_pool, context, with_runtime
from infra.settings import Settings

# The extract is the tenant administrator's: so are its reads, in the access log.
ARCHIVE_ROLE = "tenant_admin"


def run_extract(args: argparse.Namespace, settings: Settings) -> int:
    from services.archive.extract import prepare
    from services.pdfa import PdfaError

    def work(runtime: Any) -> int:
        office = runtime.platform.office(args.tenant)
        started = time.monotonic()
        try:
            prepared = prepare(office, args.start, args.end)
        except PdfaError as error:  # LibreOffice missing or failing: one line, as for every refusal
            print(f"ombud: feil: {error}", file=sys.stderr)
            return 1
        ctx = context(args, ARCHIVE_ROLE)
        _record(runtime, office.slug, ctx, prepared.inquiry_ids)
        prepared.write(Path(args.output))
        print(f"{office.slug}: Noark 5-uttrekk skrevet til {args.output}: {prepared.summary}")
        print(f"tid: {time.monotonic() - started:.1f} s")
        return 0

    return with_runtime(settings, work)


def _record(runtime: Any, slug: str, ctx: Any, inquiry_ids: list[Any]) -> None:
    """Every inquiry in the extract, one access record each, committed before a file is written."""
    import asyncio

    from services.audit.access_log import record_accesses

    asyncio.run(
        _read_pool(
            runtime.database_url,
            lambda pool: record_accesses(
                pool,
                slug,
                account_id=ctx.user_id,
                role=ctx.role,
                inquiry_ids=inquiry_ids,
                purpose=ARCHIVE_PURPOSE,
                channel="cli",
                written=runtime.access_records_written,
            ),
        )
    )


def run_archive_send(args: argparse.Namespace, settings: Settings) -> int:
    from projections import archive_outbox

    def work(runtime: Any) -> int:
        office = runtime.platform.office(args.tenant)
        inquiry_id = office.inquiry_id(args.reference)
        if office.erased_on(args.reference) is not None:
            raise DomainError("reference", f"henvendelse {args.reference} er slettet; saksmappen sendes ikke")
        with closing(psycopg.connect(runtime.database_url)) as conn:
            key = archive_outbox.request_send(conn, office.slug, inquiry_id)
        print(f"{office.slug}: henvendelse {args.reference} ligger i utboksen til Fiks Arkiv (nøkkel {key})")
        return 0

    return with_runtime(settings, work)
