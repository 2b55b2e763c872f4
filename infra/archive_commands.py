"""`ombud archive send`: an inquiry's case file into Fiks Arkiv's outbox, for the worker to deliver."""

from __future__ import annotations

import argparse
from contextlib import closing
from typing import Any

import psycopg

from domain.common import DomainError
from infra.commands import with_runtime
from infra.settings import Settings


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
