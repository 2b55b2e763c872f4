"""The `ombud audit` commands: verify the chains, print the public key, sign a checkpoint now, export a bundle for an
auditor (docs/audit.md)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from domain.common import OSLO
from infra import witness
from infra.commands import with_runtime
from infra.settings import Settings
from services.audit import bundle as audit_bundle
from services.audit import chain as audit_chain
from services.audit.chain import SOURCE_NAMES, Break, ChainDoesNotHold, Unsealed, Verdict, scope_name
from services.audit.keeper import event_time_of
from services.audit_signing import PublicKey
from services.platform import UnknownTenant

_REFERENCE = "SELECT reference FROM read.inquiries WHERE tenant_id = %s AND id = %s"


def chosen_scopes(runtime: Any, args: argparse.Namespace) -> list[str]:
    """--tenant SLUG (which must exist) or --all: every tenant and the platform's own chain."""
    if args.all:
        return audit_chain.scopes(runtime.platform.slugs())
    try:
        runtime.platform.office(args.tenant)
    except UnknownTenant as unknown:
        raise UnknownTenant("--tenant", unknown.message) from None  # one line naming the option
    return [args.tenant]


def run_verify(args: argparse.Namespace, settings: Settings) -> int:
    """Recomputes each chain and holds it against the signer's record and, with --witness, a witness's list."""

    def work(runtime: Any) -> int:
        public_key, memory = runtime.signer.public_key, runtime.signer.memory
        scopes = chosen_scopes(runtime, args)
        witnessed = witness.checkpoints(args.witness, scopes) if args.witness else []
        failed = False
        with closing(psycopg.connect(runtime.database_url, autocommit=True)) as conn:
            for scope in scopes:
                known = [c for c in witnessed if c.scope == scope]
                remembered = memory.last(scope) if memory is not None else None
                verdict = audit_chain.verify(
                    conn,
                    scope,
                    public_key,
                    known=[*known, remembered] if remembered else known,
                    event_time=event_time_of(runtime.platform, scope),
                )
                failed |= not verdict.holds
                print(describe(conn, verdict), file=sys.stdout if verdict.holds else sys.stderr)
        return 1 if failed else 0

    return with_runtime(settings, work)


def describe(conn: psycopg.Connection[Any], verdict: Verdict) -> str:
    """One line per chain, with no personal data: positions, tables, row numbers and inquiry references."""
    name = scope_name(verdict.scope)
    if verdict.broken is None:
        unsigned = verdict.length - verdict.signed_length
        tail = f"; {unsigned} poster etter siste sjekkpunkt" if unsigned else ""
        if verdict.unsealed.count:
            tail += f"; {waiting(verdict.unsealed)}"
        return f"{name}: holder ({verdict.length} poster, {verdict.checkpoints} signerte sjekkpunkter{tail})"
    if verdict.broken.reason == "unsealed":
        return f"{name}: BRUDD: {waiting(verdict.unsealed)}: {audit_chain.REASONS['unsealed']}"
    return f"{name}: BRUDD ved posisjon {verdict.broken.position}: {where(conn, verdict.scope, verdict.broken)}"


def waiting(unsealed: Unsealed) -> str:
    """How many rows wait to be sealed, and since when (Norwegian time)."""
    line = f"{unsealed.count} poster er ikke forseglet ennå"
    if unsealed.oldest is None:
        return line
    minutes = int((datetime.now(UTC) - unsealed.oldest).total_seconds() // 60)
    return (
        f"{line}, den eldste skrevet {unsealed.oldest.astimezone(OSLO):%d.%m.%Y kl. %H.%M} ({minutes} minutter siden)"
    )


def where(conn: psycopg.Connection[Any], scope: str, broken: Break) -> str:
    parts = []
    if broken.source is not None:
        parts.append(f"{SOURCE_NAMES[broken.source]} nr. {broken.source_key}")
    if broken.subject_id is not None:
        with conn.transaction(), conn.cursor() as cursor:
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", (scope,))
            cursor.execute(_REFERENCE, (scope, broken.subject_id))
            row = cursor.fetchone()
        if row is not None:
            parts.append(f"henvendelse {row[0]}")
    parts.append(audit_chain.REASONS[broken.reason])
    return ", ".join(parts)


def run_public_key(args: argparse.Namespace, settings: Settings) -> int:
    def work(runtime: Any) -> int:
        public_key = runtime.signer.public_key
        sys.stdout.write(public_key.pem())
        print(f"nøkkel-id: {public_key.key_id}", file=sys.stderr)
        return 0

    return with_runtime(settings, work)


def run_checkpoint(args: argparse.Namespace, settings: Settings) -> int:
    """Seals what is committed and signs each chosen chain's head now (if anything came since its last checkpoint)."""

    def work(runtime: Any) -> int:
        with closing(psycopg.connect(runtime.worker_database_url, autocommit=True)) as conn:
            for scope in chosen_scopes(runtime, args):
                audit_chain.seal(conn, scope)
                made = audit_chain.checkpoint(conn, scope, runtime.signer)
                name = scope_name(scope)
                if made is None:
                    print(f"{name}: ingen nye poster siden siste sjekkpunkt")
                else:
                    print(f"{name}: sjekkpunkt signert ved lengde {made.length} ({made.head.hex()[:16]}…)")
        return 0

    return with_runtime(settings, work)


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    """Seals and signs the head now, so the bundle ends at a signed checkpoint, then writes it."""
    if args.since and args.until and args.until < args.since:
        print("ombud audit export: feil: --to: må være samme dag som --from eller senere", file=sys.stderr)
        return 2

    def work(runtime: Any) -> int:
        runtime.platform.office(args.tenant)  # an unknown tenant is one line naming --tenant
        with closing(psycopg.connect(runtime.worker_database_url, autocommit=True)) as conn:
            audit_chain.seal(conn, args.tenant)
            try:
                audit_chain.checkpoint(conn, args.tenant, runtime.signer)
            except ChainDoesNotHold as broken:  # the bundle is written all the same: the auditor sees the break
                print(f"merk: {broken}", file=sys.stderr)
            try:
                done = _export_to(Path(args.output), conn, args, runtime.signer.public_key)
            except OSError:
                print("ombud: feil: --output: filen kan ikke skrives", file=sys.stderr)
                return 1
        print(
            f"{args.tenant}: skrev posisjon {done.span.first}–{done.span.last} ({done.entries} poster,"
            f" {done.checkpoints} signerte sjekkpunkter) til {args.output}"
        )
        return 0

    return with_runtime(settings, work)


def _export_to(
    target: Path, conn: psycopg.Connection[Any], args: argparse.Namespace, key: PublicKey
) -> audit_bundle.Exported:
    """Written beside the target and moved there whole: a failed export leaves no half bundle."""
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with open(handle, "w", encoding="utf-8") as out:
            done = audit_bundle.write(conn, args.tenant, key, out, since=args.since, until=args.until)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return done
